//! The real `lading` binary on real files in a temporary directory.

mod common;
use common::{lading, ok, write};

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn import_then_stats_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "e.csv",
        "key,name,kind,country\nsasac,SASAC,state_owner,CN\npoly,Poly Technologies,subsidiary,CN\nuuap,Ulan-Ude Aviation Plant,plant,RU\n",
    );
    write(d, "o.csv", "parent,child\nsasac,poly\n");
    write(
        d,
        "s.csv",
        "entity,authority,listed_on\nuuap,OFAC,2022-03-24\n",
    );
    write(
        d,
        "sh.csv",
        "date,shipper,consignee,description,value_usd,source_ref\n\
         2022-06-02,poly,uuap,Запчасти Ми-171Е,100,A1\n\
         2022-07-02,poly,uuap,Запчасти Ми-171Ш,200,A2\n\
         2021-07-02,uuap,poly,Вертолет Ми-171Е,50,A3\n",
    );
    for (kind, file) in [
        ("entities", "e.csv"),
        ("ownership", "o.csv"),
        ("sanctions", "s.csv"),
        ("shipments", "sh.csv"),
    ] {
        ok(d, &["import", kind, file, "--db", "t.db"]);
    }
    let all: serde_json::Value =
        serde_json::from_str(&ok(d, &["stats", "--db", "t.db", "--json"])).unwrap();
    // `--db` before the subcommand means the same (not a session file named "stats").
    assert_eq!(
        ok(d, &["--db", "t.db", "stats", "--json"]),
        ok(d, &["stats", "--db", "t.db", "--json"])
    );
    assert_eq!(all["entities"], 3);
    assert_eq!(all["ownership_links"], 1);
    assert_eq!(all["trade_links"], 2);
    assert_eq!(all["shipments"], 3);
    assert_eq!(all["value_usd"], 350.0);
    assert_eq!(all["top_links"][0]["shipper"], "Poly Technologies");
    assert_eq!(all["top_links"][0]["consignee"], "Ulan-Ude Aviation Plant");
    assert_eq!(all["top_links"][0]["shipments"], 2);
    assert_eq!(
        all["top_links"][0]["part_types"],
        serde_json::json!(["Mi-171E", "Mi-171Sh"])
    );

    let sh: serde_json::Value = serde_json::from_str(&ok(
        d,
        &["stats", "--db", "t.db", "--json", "--part", "Mi-171Sh"],
    ))
    .unwrap();
    assert_eq!(sh["shipments"], 1);
    assert_eq!(sh["top_links"][0]["value_usd"], 200.0);

    // Sanctioned as of the end of the range: the plant was listed on 2022-03-24.
    let before: serde_json::Value = serde_json::from_str(&ok(
        d,
        &[
            "stats",
            "--db",
            "t.db",
            "--json",
            "--sanctioned",
            "--to",
            "2021-12-31",
        ],
    ))
    .unwrap();
    assert_eq!(before["shipments"], 0);
    let after: serde_json::Value =
        serde_json::from_str(&ok(d, &["stats", "--db", "t.db", "--json", "--sanctioned"])).unwrap();
    assert_eq!(after["shipments"], 3);

    // A typo is an error, not an empty picture.
    let out = lading(d, &["stats", "--db", "t.db", "--part", "Mi-171X"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such part type"));
}

#[test]
fn a_failed_import_exits_non_zero_and_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "bad.csv",
        "date,shipper,consignee,value_usd\n2022-01-01,A,B,1\n2022-01-02,A,B,-3\n",
    );
    let out = lading(d, &["import", "shipments", "bad.csv", "--db", "t.db"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv:3: field \"value_usd\""), "{err}");
    assert!(err.contains("negative"), "{err}");
    let stats: serde_json::Value =
        serde_json::from_str(&ok(d, &["stats", "--db", "t.db", "--json"])).unwrap();
    assert_eq!(stats["shipments"], 0);
}

#[test]
fn sigkill_during_a_large_import_leaves_the_database_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A database with content, and a large file to import into it.
    ok(
        d,
        &[
            "generate",
            "--entities",
            "200",
            "--shipments",
            "2000",
            "--seed",
            "3",
            "--db",
            "t.db",
        ],
    );
    ok(
        d,
        &[
            "generate",
            "--entities",
            "3000",
            "--shipments",
            "400000",
            "--seed",
            "4",
            "--csv",
            "big",
        ],
    );
    let before = ok(d, &["stats", "--db", "t.db", "--json"]);

    let mut child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(["import", "shipments", "big/shipments.csv", "--db", "t.db"])
        .current_dir(d)
        .spawn()
        .unwrap();
    // Wait until the import has written a good part of its transaction, then kill it.
    let wal = d.join("t.db-wal");
    let started = Instant::now();
    let mut killed_mid_import = false;
    while started.elapsed() < Duration::from_secs(120) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 4 << 20 {
            child.kill().unwrap(); // SIGKILL on Unix
            killed_mid_import = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = child.wait().unwrap();
    assert!(
        killed_mid_import,
        "the import ended ({status}) before it could be killed"
    );
    assert!(!status.success());
    assert_eq!(ok(d, &["stats", "--db", "t.db", "--json"]), before);
}

#[test]
fn output_into_a_pipe_that_closes_early_ends_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lading"))
        // Some 150 kB: more than a pipe holds, so writing must meet the closed end.
        .args(["stats", "--top", "5000"])
        .env("LADING_DATA_DIR", dir.path().join("data"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe: the rest of the output has nowhere to go.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn render_refuses_filter_flags_with_a_session_instead_of_ignoring_them() {
    let dir = tempfile::tempdir().unwrap();
    let err = common::fails(
        dir.path(),
        &[
            "render",
            "--session",
            "story.lading",
            "--part",
            "Mi-171E",
            "--out",
            "x.png",
        ],
    );
    assert!(
        err.contains("--session draws the session's own filter"),
        "{err}"
    );
    assert!(!dir.path().join("x.png").exists());
}

/// The explorer's benchmarks run to the end on the sample and report JSON (a debug build
/// checks what a release build does not, such as egui's unapplied textures).
#[test]
fn the_explorer_benchmarks_run_on_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    for (bench, field) in [("frame", "frame_ms_median"), ("playback", "step_median_ms")] {
        let out = ok(dir.path(), &["bench", bench, "--runs", "1"]);
        let json: serde_json::Value = serde_json::from_str(out.trim())
            .unwrap_or_else(|e| panic!("bench {bench}: {e}: {out}"));
        assert!(json[field].as_f64().is_some(), "bench {bench}: {out}");
        assert!(json["entities"].as_u64().unwrap_or(0) > 300, "{out}");
    }
}
