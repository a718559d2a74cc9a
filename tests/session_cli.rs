//! Sessions from the command line, with the real binary: `render --session` draws the saved
//! picture with its callouts, a bad session file is refused before any window, and a save
//! killed with SIGKILL leaves the earlier session whole.

mod common;
use common::lading;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lading::annotation::{Callout, HIGHLIGHT_COLOURS, Target};
use lading::explorer::{Command as Cmd, Explorer};
use lading::session::{Carried, Session, UiChoices};
use lading::store::Store;

fn sample_db(dir: &Path) -> PathBuf {
    let db = dir.join("sample.db");
    let mut store = Store::open_or_create(&db).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    db
}

/// A session on `db` with a callout pointing at Ulan-Ude and a highlight.
fn annotated_session(db: &Path, callout: &str) -> Session {
    let mut e = Explorer::new(Store::open(db).unwrap()).unwrap();
    e.settle(2_000);
    e.apply(Cmd::AddCallout(Callout {
        at: [0.0, 0.0],
        text: callout.into(),
        entity: Some("ulan-ude-aviation-plant".into()),
    }));
    e.apply(Cmd::SetHighlight(
        Target::Entity("poly-technologies".into()),
        Some(HIGHLIGHT_COLOURS[2].1),
    ));
    let fingerprint = e.store().content_fingerprint().unwrap();
    Session::capture(&e, &UiChoices::default(), &Carried::default(), &fingerprint)
}

#[test]
fn render_session_draws_the_callout_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let session = annotated_session(&db, "Kits shipped & paid: 2022");
    let path = dir.path().join("fig.lading");
    session.save(&path).unwrap();

    // The session names its database: no --db needed.
    let out = lading(
        dir.path(),
        &["render", "--session", "fig.lading", "--out", "fig.svg"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(dir.path().join("fig.svg")).unwrap();
    assert!(
        svg.contains("Kits shipped &amp; paid: 2022"),
        "callout text missing"
    );
    assert!(svg.contains("class=\"callout\""));
    assert!(
        svg.contains(&HIGHLIGHT_COLOURS[2].1.hex()),
        "highlight missing"
    );

    // The PNG differs from the same session without the callout.
    let mut plain = session.clone();
    plain.callouts.clear();
    plain.save(&dir.path().join("plain.lading")).unwrap();
    let db_arg = db.display().to_string();
    for (s, o) in [("fig.lading", "fig.png"), ("plain.lading", "plain.png")] {
        let out = lading(
            dir.path(),
            &["--db", &db_arg, "render", "--session", s, "--out", o],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let a = std::fs::read(dir.path().join("fig.png")).unwrap();
    let b = std::fs::read(dir.path().join("plain.png")).unwrap();
    assert_ne!(a, b);
}

#[test]
fn a_bad_session_is_refused_before_any_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    std::fs::write(dir.path().join("bad.lading"), "{\"format\": \"lading-sess").unwrap();
    let out = lading(
        dir.path(),
        &["--db", &db.display().to_string(), "bad.lading"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.lading") && err.contains("cut short"),
        "{err}"
    );

    let out = lading(dir.path(), &["session", "check", "bad.lading"]);
    assert!(!out.status.success());
}

#[cfg(unix)]
#[test]
fn sigkill_while_saving_leaves_the_earlier_session_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let path = dir.path().join("work.lading");
    let earlier = annotated_session(&db, "the earlier session");
    earlier.save(&path).unwrap();
    let db_arg = db.display().to_string();
    let path_arg = path.display().to_string();

    // Each round: a process saving a different, large (~4 MB) session over and over, killed
    // in the middle of a write (as soon as its temporary file appears) or at some moment.
    let mut killed_mid_write = 0;
    for round in 0..4u64 {
        // A killed save leaves its temporary file behind; clear it, so the next round sees
        // only its own.
        for e in std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
        {
            if e.file_name().to_string_lossy().ends_with(".tmp") {
                std::fs::remove_file(e.path()).unwrap();
            }
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_lading"))
            .args([
                "--db",
                &db_arg,
                "session",
                "save-loop",
                &path_arg,
                "--pad",
                "100000",
                "--note",
                "the later session",
            ])
            .env("LADING_DATA_DIR", dir.path().join("data"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        // Its output read to the end on a thread of its own, the first line handed over: a
        // pipe closed after that line would end the loop at its next line (no write left to
        // kill), and one never read would fill and stall it.
        let stdout = child.stdout.take().unwrap();
        let (first_line, first) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = first_line.send(line);
            }
            lines.for_each(drop);
        });
        // Wait for the first complete save in some rounds, none in others.
        if round % 2 == 1 {
            let line = first.recv_timeout(Duration::from_secs(60)).unwrap();
            assert!(line.starts_with("saved"), "{line}");
        }
        // A temporary file beside the session means a write is under way.
        let writing = || {
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        };
        let mut mid_write = false;
        if round < 2 {
            while started.elapsed() < Duration::from_secs(60) && !mid_write {
                mid_write = writing();
            }
        } else {
            std::thread::sleep(Duration::from_millis(100 + 90 * round));
            mid_write = writing();
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        if mid_write {
            killed_mid_write += 1;
        }
        let session = Session::load(&path)
            .unwrap_or_else(|e| panic!("round {round} after {:?}: {e}", started.elapsed()));
        let note = session.notes.first().map(|n| n.text.as_str());
        assert!(
            session == earlier || note == Some("the later session"),
            "round {round}: neither the earlier nor a complete later session"
        );
    }
    assert!(killed_mid_write >= 2, "no kill landed during a write");
}
