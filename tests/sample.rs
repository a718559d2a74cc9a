//! The embedded sample data: it imports cleanly and tells the reported story.

use lading::filter::{Filter, LinkKind};
use lading::index::ShipmentIndex;
use lading::store::Store;

fn sample_index() -> ShipmentIndex {
    let mut store = Store::in_memory().unwrap();
    let summaries = lading::sample::import_sample(&mut store).unwrap();
    for s in &summaries {
        assert_eq!(s.rejected, 0, "{s}");
        assert!(
            s.entities_created.is_empty(),
            "{} created {:?}",
            s.file,
            s.entities_created
        );
        assert_eq!(s.imported, s.rows_read, "{s}");
    }
    ShipmentIndex::build(store.load_dataset().unwrap())
}

fn link<'g>(
    graph: &'g lading::filter::FilteredGraph,
    index: &ShipmentIndex,
    from: &str,
    to: &str,
) -> Option<&'g lading::filter::Link> {
    let (a, b) = (index.find(from).unwrap().id, index.find(to).unwrap().id);
    graph
        .links
        .iter()
        .find(|l| l.kind == LinkKind::Trade && l.source == a && l.target == b)
}

#[test]
fn poly_technologies_to_ulan_ude_has_thirteen_shipments_three_for_the_mi_171sh() {
    let index = sample_index();
    let all = Filter::default().apply(&index);
    let l = link(&all, &index, "poly-technologies", "ulan-ude-aviation-plant")
        .expect("the reported link");
    assert_eq!(l.shipments, 13);
    assert_eq!(l.first.unwrap().iso(), "2022-06-02");
    assert_eq!(l.last.unwrap().iso(), "2022-11-16");

    let sh = Filter {
        part_types: Some(["Mi-171Sh".to_string()].into()),
        ..Filter::default()
    }
    .apply(&index);
    assert_eq!(
        link(&sh, &index, "poly-technologies", "ulan-ude-aviation-plant")
            .unwrap()
            .shipments,
        3
    );

    // Without Mi-171E the link keeps its Mi-171Sh and radio shipments.
    let no_e: std::collections::BTreeSet<String> = index
        .part_types()
        .iter()
        .filter(|p| *p != "Mi-171E")
        .cloned()
        .collect();
    let without_e = Filter {
        part_types: Some(no_e),
        ..Filter::default()
    }
    .apply(&index);
    assert_eq!(
        link(
            &without_e,
            &index,
            "poly-technologies",
            "ulan-ude-aviation-plant"
        )
        .unwrap()
        .shipments,
        5
    );
}

#[test]
fn ownership_chains_reach_the_state_owners_and_sanctions_depend_on_the_date() {
    let index = sample_index();
    let plant = index.find("ulan-ude-aviation-plant").unwrap().id;
    let helicopters = index.owners_of(plant);
    assert_eq!(
        helicopters,
        vec![index.find("russian-helicopters").unwrap().id]
    );
    assert_eq!(
        index.owners_of(helicopters[0]),
        vec![index.find("rostec").unwrap().id]
    );

    // U-UAP: OFAC SDN from 2022-03-24.
    let before = Filter {
        to: lading::date::Day::parse_iso("2022-03-01"),
        ..Filter::default()
    }
    .apply(&index);
    let after = Filter {
        to: lading::date::Day::parse_iso("2022-12-31"),
        ..Filter::default()
    }
    .apply(&index);
    assert!(!before.is_sanctioned(plant) || !before.entities.contains(&plant));
    assert!(after.is_sanctioned(plant));
    // Every filter visibly changes the network.
    assert!(before.entities.len() < after.entities.len());
}

#[test]
fn the_sample_part_types_match_what_the_rules_derive_from_descriptions() {
    // Every sample description classifies to the part type its row names.
    let rules = lading::parts::PartRules::default_rules();
    let text = std::str::from_utf8(lading::sample::SAMPLE_FILES[3].2).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let part = headers.iter().position(|h| h == "part_type").unwrap();
    let description = headers.iter().position(|h| h == "description").unwrap();
    let mut mismatches = Vec::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        if rules.classify(&record[description]) != &record[part] {
            mismatches.push(format!("{} ← {}", &record[part], &record[description]));
        }
    }
    assert!(rows > 2_000);
    assert!(
        mismatches.is_empty(),
        "{} of {rows}: {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(5)]
    );
}

#[test]
fn the_caption_states_the_filter_in_words() {
    let index = sample_index();
    let filter = Filter {
        from: lading::date::Day::parse_iso("2022-06-02"),
        to: lading::date::Day::parse_iso("2022-11-16"),
        part_types: Some(["Mi-171E".to_string(), "Mi-171Sh".to_string()].into()),
        sanction_status: lading::filter::SanctionStatus::Sanctioned,
        ..Filter::default()
    };
    assert_eq!(
        filter.describe(&index),
        "Shipments 2 Jun 2022 – 16 Nov 2022 · part types Mi-171E, Mi-171Sh · sanctioned parties as of 16 Nov 2022"
    );
}
