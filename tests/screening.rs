//! Screening on the sample data: `lading screen`, and the "shipped after listing" mark in
//! pictures.

mod common;

use common::ok;
use serde_json::Value;

fn after_listing<'a>(report: &'a Value, shipper: &str, consignee: &str) -> Option<&'a Value> {
    report["shipped_after_listing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["shipper"] == shipper && a["consignee"] == consignee)
}

const POLY: &str = "Poly Technologies, Inc.";
const PLANT: &str = "Joint Stock Company Ulan-Ude Aviation Plant";

#[test]
fn the_sample_shows_poly_technologies_shipping_to_a_listed_plant() {
    let dir = tempfile::tempdir().unwrap();
    let report: Value = serde_json::from_str(&ok(dir.path(), &["screen", "--json"])).unwrap();
    let link = after_listing(&report, POLY, PLANT).expect("Poly → U-UAP is marked");
    // OFAC listed the plant on 24 Mar 2022; the 13 shipments ran from 2 Jun to 16 Nov 2022.
    assert_eq!(link["shipments"], 13);
    assert_eq!(link["first"], "2022-06-02");
    assert_eq!(link["last"], "2022-11-16");
    assert_eq!(link["consignee_listed"], true);
    let plant = report["listed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity"] == PLANT)
        .unwrap();
    assert!(
        plant["listings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["authority"] == "OFAC" && l["listed_on"] == "2022-03-24")
    );

    // The EU listed the plant on 16 Dec 2022 and Poly Technologies in 2025: by the EU's
    // lists alone, none of the 2022 shipments came after a listing.
    let eu: Value =
        serde_json::from_str(&ok(dir.path(), &["screen", "--json", "--authority", "EU"])).unwrap();
    assert!(after_listing(&eu, POLY, PLANT).is_none());
    assert!(eu["listed"].as_array().unwrap().iter().all(|e| {
        e["listings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["authority"] == "EU")
    }));
}

#[test]
fn pictures_mark_links_shipped_after_listing_in_the_legend() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("poly.svg");
    ok(
        dir.path(),
        &[
            "render",
            "--focus",
            "poly-technologies",
            "--out",
            svg.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("Shipped while a party was listed"),
        "no legend entry"
    );
    // Only 2021 shipments: nothing had been listed yet that these links carried, so
    // the legend does not list the mark.
    let early = dir.path().join("early.svg");
    ok(
        dir.path(),
        &[
            "render",
            "--focus",
            "poly-technologies",
            "--to",
            "2021-12-31",
            "--authority",
            "OFAC",
            "--out",
            early.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&early).unwrap();
    assert!(
        text.contains("Poly Technologies"),
        "the picture is not empty"
    );
    assert!(!text.contains("Shipped while a party was listed"));
}
