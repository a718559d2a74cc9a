//! Two processes, one database file: a second import waits for the first (saying so) and
//! never fails on a row that is fine; a window notices an import by another process and
//! offers the reload. See `src/store/lock.rs` and `src/ui/watch.rs`.

mod common;
use common::{ok, write};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lading::explorer::Explorer;
use lading::store::Store;
use lading::ui::LadingApp;

fn lading_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lading"));
    c.args(args)
        .env("LADING_DATA_DIR", dir.join("data"))
        .current_dir(dir);
    c
}

/// `rows` shipments between a few companies, with references unique to `tag`.
fn shipments_csv(dir: &Path, name: &str, tag: &str, rows: usize) {
    let mut text = String::from("date,shipper,consignee,description,value_usd,source_ref\n");
    for i in 0..rows {
        text.push_str(&format!(
            "2022-{:02}-{:02},company {},company {},helicopter parts lot {i},{},{tag}-{i}\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 40,
            (i * 7) % 40 + 40,
            i % 1000 + 1
        ));
    }
    write(dir, name, text);
}

#[test]
fn two_imports_at_once_both_succeed_or_say_another_process_is_writing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "e.csv", "key,name\nrostec,Rostec\n");
    ok(d, &["import", "entities", "e.csv", "--db", "t.db"]);
    let rows = 40_000;
    shipments_csv(d, "a.csv", "A", rows);
    shipments_csv(d, "b.csv", "B", rows);
    let spawn = |file: &str| {
        lading_cmd(d, &["import", "shipments", file, "--db", "t.db"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("a.csv"), spawn("b.csv"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let mut waited = false;
    for (name, out) in [("a.csv", &a), ("b.csv", &b)] {
        let err = String::from_utf8_lossy(&out.stderr);
        let numbered = err
            .match_indices(&format!("{name}:"))
            .any(|(i, m)| err[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()));
        assert!(
            !numbered,
            "a line-numbered error for a row that is fine: {err}"
        );
        assert!(out.status.success(), "{name}: {err}");
        waited |= err.contains("another process is writing to");
    }
    let stats: serde_json::Value =
        serde_json::from_str(&ok(d, &["stats", "--db", "t.db", "--json"])).unwrap();
    assert_eq!(stats["shipments"], 2 * rows, "both imports are whole");
    eprintln!("the second import waited for the first: {waited}");
}

#[test]
fn an_import_waits_for_another_writer_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "e.csv", "key,name\nrostec,Rostec\n");
    ok(d, &["import", "entities", "e.csv", "--db", "t.db"]);
    shipments_csv(d, "a.csv", "A", 10);
    // Another writer (as another Lading import would) holds the write lock.
    let other = rusqlite::Connection::open(d.join("t.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut child = lading_cmd(d, &["import", "shipments", "a.csv", "--db", "t.db"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    let first = lines
        .recv_timeout(Duration::from_secs(60))
        .expect("a message while waiting");
    assert!(
        first.starts_with("lading: another process is writing to")
            && first.contains("t.db")
            && first.contains("waiting for it to finish"),
        "{first}"
    );
    // Progress: how long it has waited, about every five seconds.
    let still = lines
        .recv_timeout(Duration::from_secs(30))
        .expect("a progress line");
    assert!(still.starts_with("lading: still waiting, "), "{still}");
    assert!(child.try_wait().unwrap().is_none(), "still waiting");
    let released = Instant::now();
    other.execute_batch("COMMIT").unwrap();
    let done = lines
        .recv_timeout(Duration::from_secs(60))
        .expect("a message when the lock is free");
    assert!(
        done.contains("the other process finished writing"),
        "{done}"
    );
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(released.elapsed() < Duration::from_secs(30));
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(
        summary.contains("imported                   10"),
        "{summary}"
    );
}

#[test]
fn the_window_notices_an_import_by_another_process_and_offers_the_reload() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("t.db");
    let mut store = Store::open_or_create(&db).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    let app = LadingApp::with_explorer(Explorer::new(store).unwrap());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_context_setup(lading::ui::install_fonts)
        .build_ui_state(|ui, app: &mut LadingApp| app.frame(ui), app);
    h.run_steps(3);
    assert!(h.query_by_label("Reload").is_none(), "nothing changed yet");

    write(d, "e.csv", "key,name,kind\nnew-co,New Trading Co,company\n");
    ok(d, &["import", "entities", "e.csv", "--db", "t.db"]);
    let started = Instant::now();
    while h.query_by_label("Reload").is_none() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
        h.run_steps(1);
    }
    h.get_by_label_contains("Another process wrote to");
    assert!(
        h.state()
            .explorer
            .as_ref()
            .unwrap()
            .id_of_key("new-co")
            .is_none()
    );
    h.get_by_label("Reload").click();
    h.run_steps(3);
    assert!(h.query_by_label("Reload").is_none(), "the offer is gone");
    assert!(h.state().error.is_none(), "{:?}", h.state().error);
    assert!(
        h.state()
            .explorer
            .as_ref()
            .unwrap()
            .id_of_key("new-co")
            .is_some(),
        "the reloaded database has the new entity"
    );
    // The window's own reads do not count as changes.
    std::thread::sleep(Duration::from_millis(1100));
    h.run_steps(3);
    assert!(h.query_by_label("Reload").is_none());
}
