//! `--provenance` and `--group-by` on the command line, as a script would use them, on the
//! sample database.

mod common;
use common::{fails, ok};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn stats_by_provenance_and_by_state_owner() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let all = json(&ok(d, &["stats", "--json"]));
    assert_eq!(all["shipments"], 3_335, "all by default");
    assert_eq!(all["synthetic_shipments"], 3_305);
    let story = json(&ok(d, &["stats", "--json", "--provenance", "sourced"]));
    assert_eq!(story["shipments"], 30);
    assert_eq!(story["synthetic_entities"], 0);
    let world = json(&ok(d, &["stats", "--json", "--provenance", "SYNTHETIC"]));
    assert_eq!(world["shipments"], 3_305);

    let grouped = json(&ok(
        d,
        &[
            "stats",
            "--json",
            "--provenance",
            "sourced",
            "--group-by",
            "state-owner",
        ],
    ));
    assert_eq!(grouped["entities"], 2);
    let top = &grouped["top_links"][0];
    assert_eq!(top["shipments"], 19);
    assert_eq!(top["consignee"], "State Corporation Rostec");
    let groups = grouped["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    // As text, the groups are listed.
    let text = ok(
        d,
        &["stats", "--provenance", "sourced", "--group-by", "parent"],
    );
    assert!(text.contains("groups (members"), "{text}");
}

#[test]
fn bad_provenance_and_grouping_are_errors_that_name_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = fails(d, &["stats", "--provenance", "reuters"]);
    assert!(err.contains("--provenance \"reuters\""), "{err}");
    assert!(err.contains("synthetic (fictional shipment)"), "{err}");
    let err = fails(d, &["stats", "--group-by", "family"]);
    assert!(err.contains("parent or state-owner"), "{err}");
}

#[test]
fn exports_and_screening_carry_groups_and_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "export",
            "--format",
            "graphml",
            "--provenance",
            "sourced",
            "--group-by",
            "state-owner",
            "--out",
            "g.graphml",
        ],
    );
    let graphml = std::fs::read_to_string(d.join("g.graphml")).unwrap();
    assert!(graphml.contains("attr.name=\"members\""), "declared");
    assert!(graphml.contains("<data key=\"n_members\">"), "written");
    assert!(graphml.contains("<data key=\"n_state_owner\">rostec</data>"));
    ok(d, &["export", "--format", "gexf", "--out", "all.gexf"]);
    let gexf = std::fs::read_to_string(d.join("all.gexf")).unwrap();
    assert!(gexf.contains("<attribute id=\"synthetic\" title=\"synthetic\" type=\"boolean\"/>"));
    assert!(gexf.contains("<attvalue for=\"synthetic\" value=\"true\"/>"));
    assert!(gexf.contains("<attvalue for=\"parent\" value=\"china-poly-group\"/>"));

    let screen = json(&ok(d, &["screen", "--json", "--group-by", "state-owner"]));
    let listed = screen["listed"].as_array().unwrap();
    let plant = listed
        .iter()
        .find(|e| e["key"] == "ulan-ude-aviation-plant")
        .unwrap();
    assert_eq!(plant["group"], "State Corporation Rostec");
    assert_eq!(plant["synthetic"], false);
    assert!(listed.iter().any(|e| e["synthetic"] == true));
    // The 13 Poly → U-UAP shipments after U-UAP's listing count for SASAC → Rostec.
    let after = screen["shipped_after_listing"].as_array().unwrap();
    assert!(
        after
            .iter()
            .any(|a| a["consignee"] == "State Corporation Rostec"
                && a["shipments"].as_u64() >= Some(13)),
        "{after:?}"
    );
}
