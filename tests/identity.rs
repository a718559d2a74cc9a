//! Identity through the real binary: merge, unmerge, "not the same", and what the merged
//! entity's rows do afterwards (re-import, sessions, stats).

mod common;

use common::{fails, ok, write};

/// The number after `label` in `lading stats` output.
fn stat(out: &str, label: &str) -> i64 {
    out.lines()
        .find_map(|l| l.strip_prefix(label))
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {label:?} in:\n{out}"))
}

#[test]
fn merge_moves_a_duplicates_shipments_and_unmerge_gives_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A vendor's file spelled the plant so that it became a second entity.
    let ents = write(
        d,
        "dup.csv",
        "key,name,kind,country\nuuap-vendor,U-UAP (vendor spelling),plant,RU\n",
    );
    ok(d, &["import", "entities", ents.to_str().unwrap()]);
    let ships = write(
        d,
        "ships.csv",
        "date,shipper,consignee,description,value_usd,source_ref,source\n\
         2022-07-01,poly-technologies,uuap-vendor,Mi-171E rotor blade,1000,V-1,vendor test\n\
         2022-07-02,poly-technologies,uuap-vendor,Mi-171E gearbox,2000,V-2,vendor test\n",
    );
    ok(d, &["import", "shipments", ships.to_str().unwrap()]);
    let focus = [
        "stats",
        "--focus",
        "ulan-ude-aviation-plant",
        "--depth",
        "1",
    ];
    let before = stat(&ok(d, &focus), "shipments");

    let merged = ok(
        d,
        &[
            "merge",
            "ulan-ude-aviation-plant",
            "uuap-vendor",
            "--why",
            "same plant, vendor spelling",
        ],
    );
    assert!(merged.contains("2 shipments"), "{merged}");
    assert_eq!(stat(&ok(d, &focus), "shipments"), before + 2);
    // The merged key still names an entity: the one it became.
    let by_old_key = ok(d, &["stats", "--focus", "uuap-vendor", "--depth", "1"]);
    assert_eq!(stat(&by_old_key, "shipments"), before + 2);

    // Re-importing both files adds nothing and creates no entity again.
    let again = ok(d, &["import", "shipments", ships.to_str().unwrap()]);
    assert!(again.contains("entities created            0"), "{again}");
    let again = ok(d, &["import", "entities", ents.to_str().unwrap()]);
    assert!(again.contains("entities created            0"), "{again}");
    assert_eq!(stat(&ok(d, &focus), "shipments"), before + 2);

    // The judgement is recorded with who and why.
    let judged = ok(d, &["judgements", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&judged).unwrap();
    assert_eq!(list[0]["verdict"], "merge");
    assert_eq!(list[0]["a_key"], "ulan-ude-aviation-plant");
    assert_eq!(list[0]["b_key"], "uuap-vendor");
    assert_eq!(list[0]["why"], "same plant, vendor spelling");
    assert!(!list[0]["who"].as_str().unwrap().is_empty());

    // Bad merges are refused with a reason, and change nothing.
    let err = fails(d, &["merge", "ulan-ude-aviation-plant", "uuap-vendor"]);
    assert!(err.contains("already merged into"), "{err}");
    let err = fails(d, &["merge", "rostec", "rostec"]);
    assert!(err.contains("into itself"), "{err}");
    let err = fails(d, &["merge", "rostec", "no-such-entity"]);
    assert!(
        err.contains("no entity has the key \"no-such-entity\""),
        "{err}"
    );
    let err = fails(d, &["unmerge", "rostec"]);
    assert!(err.contains("not merged"), "{err}");

    ok(
        d,
        &["unmerge", "uuap-vendor", "--why", "checked the invoice"],
    );
    assert_eq!(stat(&ok(d, &focus), "shipments"), before);
    let split = ok(d, &["stats", "--focus", "uuap-vendor", "--depth", "1"]);
    assert_eq!(stat(&split, "shipments"), 2);
}

#[test]
fn not_the_same_is_recorded_and_stops_a_merge_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "not-same",
            "united-engine-corporation",
            "uec-klimov",
            "--why",
            "holding and its plant",
        ],
    );
    let err = fails(d, &["merge", "uec-klimov", "united-engine-corporation"]);
    assert!(err.contains("judged not the same"), "{err}");
    assert!(err.contains("holding and its plant"), "{err}");
    let list = ok(d, &["judgements"]);
    assert!(
        list.contains("judged united-engine-corporation and uec-klimov not the same"),
        "{list}"
    );
    ok(
        d,
        &[
            "merge",
            "uec-klimov",
            "united-engine-corporation",
            "--force",
        ],
    );
}
