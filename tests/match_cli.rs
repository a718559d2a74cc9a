//! `lading match`, the real binary: two names, a file of pairs, and bad input.

mod common;
use common::{fails, ok, write};

#[test]
fn two_names_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(
        dir.path(),
        &[
            "match",
            "АО \"УЛАН-УДЭНСКИЙ АВИАЦИОННЫЙ ЗАВОД\"",
            "Акционерное общество «Улан-Удэнский авиационный завод»",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["same"], true);
    assert_eq!(v["score"], 1.0);
    assert_eq!(v["a"], "АО \"УЛАН-УДЭНСКИЙ АВИАЦИОННЫЙ ЗАВОД\"");
    let reasons: Vec<&str> = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("legal forms differ only")),
        "{reasons:?}"
    );
}

#[test]
fn two_names_text_says_why_they_differ() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(dir.path(), &["match", "UEC", "UEC-Klimov"]);
    assert!(out.starts_with("0.500  different"), "{out}");
    assert!(out.contains("«klimov» only in «UEC-Klimov»"), "{out}");
}

#[test]
fn pairs_file_gives_one_json_line_per_pair_in_order() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pairs.csv",
        "a,b,label\n\
         Ulan-Ude Aviation Plant | country:RU,\"Joint Stock Company Ulan-Ude Aviation Plant | U-UAP | country:RU\",1\n\
         U-UAP | INN:0323018510,Something else | INN:0323018510,1\n\
         Rostvertol | INN:0323018510,Rostvertol | INN:7704274402,0\n",
    );
    let out = ok(dir.path(), &["match", "--pairs", "pairs.csv", "--json"]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["same"], true);
    assert_eq!(lines[1]["same"], true);
    assert_eq!(lines[1]["reasons"][0], "same identifier INN 0323018510");
    assert_eq!(lines[2]["same"], false);
    assert!(lines[2]["score"].as_f64().unwrap() <= 0.1);
    assert_eq!(lines[2]["b"], "Rostvertol | INN:7704274402");
}

#[test]
fn bad_input_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nob.csv", "a,c\nx,y\n");
    let err = fails(dir.path(), &["match", "--pairs", "nob.csv"]);
    assert!(err.contains("nob.csv:1") && err.contains("\"b\""), "{err}");
    write(
        dir.path(),
        "badid.csv",
        "a,b\nPoly,Poly\nPoly | INN:123,Poly\n",
    );
    let err = fails(dir.path(), &["match", "--pairs", "badid.csv"]);
    assert!(
        err.contains("badid.csv:3") && err.contains("field \"a\"") && err.contains("10 digits"),
        "{err}"
    );
    write(dir.path(), "empty.csv", "a,b\nPoly, | \n");
    let err = fails(dir.path(), &["match", "--pairs", "empty.csv"]);
    assert!(
        err.contains("empty.csv:2") && err.contains("field \"b\""),
        "{err}"
    );
    let err = fails(dir.path(), &["match", "--pairs", "missing.csv"]);
    assert!(err.contains("missing.csv"), "{err}");
    let err = fails(dir.path(), &["match", "Poly"]);
    assert!(err.contains("NAME_B") || err.contains("required"), "{err}");
    // A name of only a legal form is compared, and nothing is the same as it.
    let out = ok(dir.path(), &["match", "ООО", "ООО", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["same"], false);
}
