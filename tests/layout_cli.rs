//! `lading layout` end to end: runs the real binary on a small edge list in a temp dir and
//! checks the JSON line and the positions file.

use std::process::Command;

fn lading() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lading"))
}

#[test]
fn layout_prints_json_and_writes_positions() {
    let dir = tempfile::tempdir().unwrap();
    let edges = dir.path().join("edges.csv");
    let out = dir.path().join("pos.csv");
    // A header, string ids, a duplicate pair, a self-loop, a missing and a bad weight.
    std::fs::write(
        &edges,
        "source,target,weight\na,b,2\nb,c,1\nc,a,3\nb,a,1\nd,d,1\nd,e\ne,f,oops\n\"g,1\",a,1\n",
    )
    .unwrap();
    let output = lading()
        .args([
            "layout",
            edges.to_str().unwrap(),
            "--iterations",
            "50",
            "--seed",
            "3",
        ])
        .args(["--threads", "1", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line: {stdout}");
    let json: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(json["nodes"], 7);
    assert_eq!(json["edges"], 6);
    assert_eq!(json["iterations"], 50);
    assert!(json["ms_total"].as_f64().unwrap() >= 0.0);
    assert!(json["ms_per_iter"].as_f64().unwrap() >= 0.0);
    assert_eq!(json["threads"], 1);

    let mut reader = csv::Reader::from_path(&out).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["id", "x", "y"]);
    let mut ids = Vec::new();
    for r in reader.records() {
        let r = r.unwrap();
        let x: f32 = r[1].parse().unwrap();
        let y: f32 = r[2].parse().unwrap();
        assert!(x.is_finite() && y.is_finite());
        ids.push(r[0].to_string());
    }
    // First-appearance order, quoted ids intact.
    assert_eq!(ids, vec!["a", "b", "c", "d", "e", "f", "g,1"]);

    // Same seed, same positions; --init gives a like-for-like start.
    let out2 = dir.path().join("pos2.csv");
    let status = lading()
        .args([
            "layout",
            edges.to_str().unwrap(),
            "--iterations",
            "50",
            "--seed",
            "3",
        ])
        .args(["--threads", "2", "--out", out2.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(status.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&out2).unwrap());
    let out3 = dir.path().join("pos3.csv");
    let status = lading()
        .args(["layout", edges.to_str().unwrap(), "--iterations", "0"])
        .args([
            "--init",
            out.to_str().unwrap(),
            "--out",
            out3.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(status.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&out3).unwrap());
}

#[test]
fn layout_reports_missing_or_malformed_input() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    let output = lading()
        .args(["layout", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nope.csv"));

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "source,target\nlonely\n").unwrap();
    let output = lading()
        .args(["layout", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected source,target"));

    // An empty file is an empty layout, not an error.
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let output = lading()
        .args(["layout", empty.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success());
}

#[test]
fn layout_settle_reports_levels_time_and_quality() {
    let dir = tempfile::tempdir().unwrap();
    let edges = dir.path().join("edges.csv");
    let out = dir.path().join("pos.csv");
    // Ten stars of 12 leaves, their hubs in a ring: coarsens to a few dozen nodes and below.
    let mut csv = String::from("source,target\n");
    for h in 0..10 {
        csv.push_str(&format!("h{h},h{}\n", (h + 1) % 10));
        for l in 0..12 {
            csv.push_str(&format!("h{h},l{h}_{l}\n"));
        }
    }
    std::fs::write(&edges, csv).unwrap();
    let run = |json: bool| {
        let mut cmd = lading();
        cmd.args([
            "layout",
            edges.to_str().unwrap(),
            "--settle",
            "--threads",
            "1",
        ])
        .args(["--out", out.to_str().unwrap()]);
        if json {
            cmd.arg("--json");
        }
        let output = cmd.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let stdout = run(true);
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(json["mode"], "settle");
    assert_eq!(json["nodes"], 130);
    let levels = json["levels"].as_array().unwrap();
    assert!(levels.len() >= 2, "{json}");
    assert_eq!(levels.last().unwrap()["nodes"], 130);
    let fine = json["fine_iterations"].as_u64().unwrap();
    assert!(fine > 0 && fine < json["iterations"].as_u64().unwrap());
    let ratio = json["edge_ratio"].as_f64().unwrap();
    assert!(ratio > 0.0 && ratio < 0.6, "{json}");
    assert!(json["edge_ratio_med"].as_f64().unwrap() > 0.0);
    assert_eq!(json["nonfinite"], 0);
    let first = std::fs::read_to_string(&out).unwrap();
    // Deterministic: the same positions again; and a plain-text summary without --json.
    let text = run(false);
    assert!(text.contains("settled after"), "{text}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
}
