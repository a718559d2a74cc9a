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

/// The spellings of the issue's vendor file resolve to the sample's entities; the value column
/// with an unexpected header is read; a column no field means is named and kept.
#[test]
fn a_vendor_file_with_other_spellings_resolves_to_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pair = [
        "stats",
        "--focus",
        "poly-technologies",
        "--depth",
        "1",
        "--json",
    ];
    let link_count = |out: &str| -> i64 {
        let v: serde_json::Value = serde_json::from_str(out).unwrap();
        v["top_links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| {
                l["shipper"] == "Poly Technologies, Inc."
                    && l["consignee"] == "Joint Stock Company Ulan-Ude Aviation Plant"
            })
            .map(|l| l["shipments"].as_i64().unwrap())
            .unwrap_or_else(|| panic!("no Poly → Ulan-Ude link in {out}"))
    };
    let before = link_count(&ok(d, &pair));
    let vendor = write(
        d,
        "vendor.csv",
        "Shipment Date,Shipper Name,Consignee,Consignee INN,Declared Value (USD),Goods Description,Bill of Lading,Port of Loading\n\
         2022-08-01,Poly Technologies Inc,\"АО \"\"УЛАН-УДЭНСКИЙ АВИАЦИОННЫЙ ЗАВОД\"\"\",,1000,Запасные части для вертолета Ми-171Е,VB-1,Tianjin\n\
         2022-08-02,POLY TECHNOLOGIES INCORPORATED,Ulan-Ude Aviation Plant,,2000,Mi-171E spare parts,VB-2,Tianjin\n\
         2022-08-03,AVIC INTERNATIONAL HOLDING CORP.,United Engine Corporation,,3000,engine parts,VB-3,Beijing\n\
         2022-08-04,Poly Technologies,Улан-Удэнский авиазавод (У-УАЗ),0323018510,500,Mi-171E parts,VB-4,Tianjin\n",
    );
    let out = ok(
        d,
        &["import", "shipments", vendor.to_str().unwrap(), "--json"],
    );
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["entities_created"], serde_json::json!([]), "{out}");
    assert_eq!(
        summary["unmapped_columns"],
        serde_json::json!(["Port of Loading"])
    );
    let strong: Vec<&str> = summary["resolution"]["strong"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for name in [
        "АО \"УЛАН-УДЭНСКИЙ АВИАЦИОННЫЙ ЗАВОД\"",
        "Ulan-Ude Aviation Plant",
        "AVIC INTERNATIONAL HOLDING CORP.",
    ] {
        assert!(strong.contains(&name), "{name} not matched: {out}");
    }
    let by_id = &summary["resolution"]["by_identifier"][0];
    assert_eq!(by_id["key"], "ulan-ude-aviation-plant");
    assert!(
        by_id["reasons"][0]
            .as_str()
            .unwrap()
            .contains("INN 0323018510")
    );
    assert_eq!(link_count(&ok(d, &pair)), before + 3);

    // The kept column comes back in the CSV export, and the value column was read.
    let csv_out = d.join("out.csv");
    ok(
        d,
        &[
            "export",
            "--format",
            "csv",
            "--focus",
            "poly-technologies",
            "--depth",
            "1",
            "--out",
            csv_out.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&csv_out).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.ends_with(",Port of Loading"), "{header}");
    let vb2 = text.lines().find(|l| l.contains(",VB-2,")).unwrap();
    assert!(vb2.ends_with(",Tianjin") && vb2.contains(",2000,"), "{vb2}");

    // Importing it again adds nothing.
    let again = ok(
        d,
        &["import", "shipments", vendor.to_str().unwrap(), "--json"],
    );
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["imported"], 0);
    assert_eq!(again["entities_created"], serde_json::json!([]));
}

#[test]
fn a_negative_declared_value_is_rejected_by_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bad = write(
        d,
        "bad.csv",
        "Shipment Date,Shipper Name,Consignee,Declared Value (USD)\n\
         2022-08-01,Poly Technologies,Ulan-Ude Aviation Plant,-5\n",
    );
    let err = fails(d, &["import", "shipments", bad.to_str().unwrap()]);
    assert!(err.contains("bad.csv:2: field \"value_usd\""), "{err}");
    assert!(err.contains("negative"), "{err}");
}

#[test]
fn parents_and_subsidiaries_stay_apart_at_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = write(
        d,
        "apart.csv",
        "date,shipper,consignee,source_ref\n\
         2022-08-01,UEC,UEC-Klimov,A-1\n\
         2022-08-02,AVIC,AVIC International,A-2\n\
         2022-08-03,China Poly Group,Poly Technologies,A-3\n\
         2022-08-04,Ulan-Ude Locomotive Plant,Ulan-Ude Aviation Plant,A-4\n",
    );
    let out = ok(d, &["import", "shipments", f.to_str().unwrap(), "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Each row has two parties: none of them was folded into the other.
    assert_eq!(summary["imported"], 4, "{out}");
    let created: Vec<&str> = summary["entities_created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(created.contains(&"Ulan-Ude Locomotive Plant"), "{out}");
    for m in summary["resolution"]["strong"].as_array().unwrap() {
        let (name, key) = (m["name"].as_str().unwrap(), m["key"].as_str().unwrap());
        let wrong = matches!(
            (name, key),
            ("UEC", "uec-klimov")
                | ("UEC-Klimov", "united-engine-corporation")
                | ("AVIC", "avic-international")
                | ("AVIC International", "avic")
                | ("China Poly Group", "poly-technologies")
                | ("Poly Technologies", "china-poly-group")
                | ("Ulan-Ude Locomotive Plant", "ulan-ude-aviation-plant")
        );
        assert!(!wrong, "{name} was taken for {key}: {out}");
    }
}

#[test]
fn rows_that_name_nobody_or_carry_two_numbers_of_one_scheme_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let only_form = write(
        d,
        "form.csv",
        "date,shipper,consignee,source_ref
2022-08-01,ООО,Poly Technologies,F-1
",
    );
    let err = fails(d, &["import", "shipments", only_form.to_str().unwrap()]);
    assert!(err.contains("form.csv:2: field \"shipper\""), "{err}");
    assert!(err.contains("only a legal form"), "{err}");
    let two = write(
        d,
        "two.csv",
        "name,country,identifiers
Some Plant,RU,INN:0323018510 | INN:7704274402
",
    );
    let err = fails(d, &["import", "entities", two.to_str().unwrap()]);
    assert!(err.contains("two.csv:2: field \"identifiers\""), "{err}");
    assert!(err.contains("two INN numbers"), "{err}");
    let bad_check = write(
        d,
        "check.csv",
        "name,country,identifiers
Some Plant,RU,INN:0323018511
",
    );
    let err = fails(d, &["import", "entities", bad_check.to_str().unwrap()]);
    assert!(err.contains("check.csv:2: field \"identifiers\""), "{err}");
    // Nothing of the failed files was written.
    let dups = ok(d, &["duplicates", "--json", "--min-score", "0.99"]);
    assert!(!dups.contains("Some Plant"), "{dups}");
}

#[test]
fn a_session_keyed_by_a_merged_entity_still_opens_on_the_kept_one() {
    use lading::explorer::Explorer;
    use lading::session::Session;
    use lading::store::Store;
    use lading::store::identity::Decision;
    use lading::store::import::{ImportKind, ImportOptions};

    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    let extra = b"key,name,kind,country\nuuap-vendor,U-UAP (vendor spelling),plant,RU\n";
    store
        .import_reader(
            std::path::Path::new("dup.csv"),
            &extra[..],
            extra.len() as u64,
            &ImportOptions::new(ImportKind::Entities),
            None,
        )
        .unwrap();
    let session: Session = serde_json::from_str(
        r#"{"format":"lading-session","format_version":1,"selection":["uuap-vendor"],
            "filter":{"focus":{"key":"uuap-vendor","depth":1}}}"#,
    )
    .unwrap();
    store
        .merge(
            "ulan-ude-aviation-plant",
            "uuap-vendor",
            &Decision::by_current_user("test"),
            false,
        )
        .unwrap();
    let explorer = Explorer::new(store).unwrap();
    let restored = session.restore(&explorer);
    assert!(restored.missing.is_empty(), "{:?}", restored.missing);
    let kept = explorer.id_of_key("ulan-ude-aviation-plant").unwrap();
    assert_eq!(explorer.id_of_key("uuap-vendor"), Some(kept));
}

/// The FtM import resolves in the same tiers as CSV: another spelling of a known company is
/// that company; a company that only looks like one is created and queued for review.
#[test]
fn ftm_entities_resolve_by_spelling_too() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = write(
        d,
        "ftm.json",
        concat!(
            r#"{"id":"x-avic-intl","schema":"Company","properties":{"name":["AVIC INTERNATIONAL HOLDING CORP."],"country":["cn"]}}"#,
            "\n",
            r#"{"id":"x-uuap","schema":"Company","properties":{"name":["АО \"УЛАН-УДЭНСКИЙ АВИАЦИОННЫЙ ЗАВОД\""],"country":["ru"]}}"#,
            "\n",
            r#"{"id":"x-loco","schema":"Company","properties":{"name":["Ulan-Ude Locomotive Plant"],"country":["ru"]}}"#,
            "\n",
        ),
    );
    let out = ok(d, &["import", "ftm", f.to_str().unwrap(), "--json"]);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["entities_matched"]["spelling"], 2, "{out}");
    let matched: Vec<(&str, &str)> = s["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["ftm_id"].as_str().unwrap(), m["entity"].as_str().unwrap()))
        .collect();
    assert!(
        matched.contains(&("x-avic-intl", "avic-international")),
        "{out}"
    );
    assert!(
        matched.contains(&("x-uuap", "ulan-ude-aviation-plant")),
        "{out}"
    );
    assert_eq!(
        s["entities_created"], 1,
        "the locomotive plant is another plant: {out}"
    );
}

/// A strong match is a guess; a row that ships between the two spellings says they are two.
#[test]
fn a_row_between_two_guessed_spellings_keeps_them_apart_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = write(
        d,
        "pm.csv",
        "date,shipper,consignee,source_ref\n\
         2022-08-01,Prime Motors Limited,Rostec,P-1\n\
         2022-08-02,Prime Motors Ltd.,Rostec,P-2\n\
         2022-08-03,Prime Motors Limited,Prime Motors Ltd.,P-3\n",
    );
    let out = ok(d, &["import", "shipments", f.to_str().unwrap(), "--json"]);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["imported"], 3, "{out}");
    assert_eq!(
        s["resolution"]["strong"][0]["name"], "Prime Motors Ltd.",
        "{out}"
    );
    assert_eq!(
        s["resolution"]["to_review"][0]["name"], "Prime Motors Ltd.",
        "{out}"
    );
    let dups = ok(d, &["duplicates", "--json"]);
    assert!(dups.contains("Prime Motors Ltd."), "{dups}");
}
