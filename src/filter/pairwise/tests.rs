//! The per-pair sums against the straightforward pass: every shipment of the range, in
//! (day, row id) order from the loaded rows, added into its pair's totals.

use std::collections::BTreeSet;

use super::*;
use crate::date::Day;
use crate::filter::{Filter, RunningTotals};
use crate::model::{Entity, EntityKind, Sanction};
use crate::store::{Dataset, ShipmentColumns};

const SOURCES: [&str; 3] = ["sourced-a", "sourced-b", "synthetic-x"];

/// Six entities, two thousand shipments on even days 0..=80 with values of very different
/// sizes (so the order of the additions shows in the bits), five part types, and sources:
/// pairs from entity 1 are all "sourced-a", the others draw from all three.
fn dataset() -> Dataset {
    let kinds = [
        EntityKind::StateOwner,
        EntityKind::Company,
        EntityKind::Plant,
        EntityKind::Company,
        EntityKind::Subsidiary,
        EntityKind::Company,
    ];
    let entities = (1..=6)
        .map(|id| Entity {
            id,
            key: format!("e{id}"),
            name: format!("Entity {id}"),
            kind: kinds[id as usize - 1],
            country: String::new(),
            state_owned: false,
            aliases: Vec::new(),
            source: String::new(),
        })
        .collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut c = ShipmentColumns {
        part_names: (0..5).map(|k| format!("p{k}")).collect(),
        source_names: SOURCES.iter().map(|s| s.to_string()).collect(),
        ..ShipmentColumns::default()
    };
    for id in 0..2000 {
        let shipper = 1 + next(6) as i64;
        let consignee = 1 + (shipper + next(5) as i64) % 6;
        c.id.push(100 + id);
        c.day.push(Day(2 * next(41) as i32));
        c.shipper.push(shipper);
        c.consignee.push(consignee);
        c.part.push(next(5) as u16);
        let scale = [1e-3, 1.0, 1e9, 1e17][next(4) as usize];
        c.value_usd.push(scale * (1 + next(1000)) as f64 / 7.0);
        c.source.push(if shipper == 1 { 0 } else { next(3) as u32 });
    }
    Dataset {
        entities,
        shipments: c,
        sanctions: vec![Sanction {
            entity: 3,
            authority: "OFAC".into(),
            program: String::new(),
            listed_on: Day(30),
            delisted_on: Some(Day(70)),
            reason: String::new(),
            source: String::new(),
        }],
        ..Dataset::default()
    }
}

/// What one pass over the loaded rows in (day, row id) order gives, with the plan's
/// decisions for pairs, sources and part types.
fn straightforward(data: &Dataset, index: &ShipmentIndex, filter: &Filter) -> Vec<Agg> {
    let plan = filter.plan(index);
    let c = &data.shipments;
    let mut rows: Vec<usize> = (0..c.len()).collect();
    rows.sort_by_key(|&r| (c.day[r], c.id[r]));
    let mut agg = vec![Agg::default(); index.pairs.len()];
    for r in rows {
        let day = c.day[r];
        if filter.from.is_some_and(|f| day < f) || filter.to.is_some_and(|t| day > t) {
            continue;
        }
        let (s, t) = (
            index.position_of(c.shipper[r]),
            index.position_of(c.consignee[r]),
        );
        let p = index
            .pairs
            .binary_search(&(s.unwrap(), t.unwrap()))
            .unwrap();
        let part_bit = 1u64 << c.part[r];
        if plan.part_mask & part_bit == 0 || plan.pair_state[p] == REJECT {
            continue;
        }
        let name = SOURCES[c.source[r] as usize];
        let source = index.source_names.iter().position(|s| s == name).unwrap();
        if !plan.source_ok[source] {
            continue;
        }
        if plan.pair_state[p] == CHECK {
            agg[p].synthetic += u32::from(crate::provenance::is_synthetic(name));
        }
        agg[p].add(day.0, c.value_usd[r], part_bit);
    }
    agg
}

type Bits = (u32, i32, i32, u64, u64, u32);

fn bits(agg: &[Agg]) -> Vec<Bits> {
    agg.iter()
        .map(|a| {
            let (first, last) = if a.count == 0 {
                (0, 0)
            } else {
                (a.first, a.last)
            };
            let value = a.value_usd.to_bits();
            (a.count, first, last, value, a.parts, a.synthetic)
        })
        .collect()
}

/// Checks the per-pair sums against the straightforward pass; returns the shipments counted.
fn check(filter: &Filter) -> u32 {
    let data = dataset();
    let index = ShipmentIndex::build(data.clone());
    let plan = filter.plan(&index);
    let mut agg = vec![Agg::default(); 3];
    sum_pairs(&index, &plan, &mut agg);
    let want = straightforward(&data, &index, filter);
    assert_eq!(bits(&agg), bits(&want), "{filter:?}");
    agg.iter().map(|a| a.count).sum()
}

fn days(from: i32, to: i32) -> Filter {
    Filter {
        from: Some(Day(from)),
        to: Some(Day(to)),
        ..Filter::default()
    }
}

#[test]
fn a_range_covering_everything_counts_every_shipment() {
    assert_eq!(check(&Filter::default()), 2000);
    assert_eq!(check(&days(-10, 1000)), 2000);
}

#[test]
fn empty_ranges_count_nothing() {
    // Reversed, on a day without shipments (odd), before and after the data.
    assert_eq!(check(&days(40, 20)), 0);
    assert_eq!(check(&days(41, 41)), 0);
    assert_eq!(check(&days(-5, -1)), 0);
    assert_eq!(check(&days(81, 90)), 0);
}

#[test]
fn a_range_inside_one_day_and_partial_ranges() {
    let one_day = check(&days(40, 40));
    assert!(one_day > 0 && one_day < 200, "{one_day}");
    let middle = check(&days(11, 57));
    assert!(middle > 900 && middle < 1500, "{middle}");
    let open_start = Filter {
        to: Some(Day(33)),
        ..Filter::default()
    };
    let open_end = Filter {
        from: Some(Day(34)),
        ..Filter::default()
    };
    assert_eq!(check(&open_start) + check(&open_end), 2000);
}

#[test]
fn a_part_mask_counts_only_its_part_types() {
    let some_parts = Filter {
        part_types: Some(BTreeSet::from(["p1".to_owned(), "p3".to_owned()])),
        ..days(6, 70)
    };
    let n = check(&some_parts);
    assert!(n > 400 && n < 1000, "{n}");
    let none = Filter {
        part_types: Some(BTreeSet::new()),
        ..Filter::default()
    };
    assert_eq!(check(&none), 0);
}

#[test]
fn mixed_sources_are_decided_shipment_by_shipment() {
    let index = ShipmentIndex::build(dataset());
    let mixed = index
        .pair_source
        .iter()
        .filter(|&&s| s == crate::index::MIXED_SOURCES)
        .count();
    assert!(mixed > 10 && mixed < index.pairs.len(), "{mixed}");
    for terms in [
        &["sourced"][..],
        &["synthetic"],
        &["sourced-b", "synthetic"],
    ] {
        let filter = Filter {
            provenance: Some(terms.iter().map(|t| t.to_string()).collect()),
            ..days(4, 64)
        };
        let n = check(&filter);
        assert!(n > 100 && n < 2000, "{terms:?}: {n}");
    }
    // Entity conditions reject whole pairs.
    let companies = Filter {
        kinds: Some(BTreeSet::from([EntityKind::Company, EntityKind::Plant])),
        part_types: Some(BTreeSet::from(["p0".to_owned(), "p4".to_owned()])),
        provenance: Some(BTreeSet::from(["sourced".to_owned()])),
        ..days(10, 50)
    };
    assert!(check(&companies) > 0);
}

#[test]
fn detailed_totals_counted_afresh_equal_those_grown_forward() {
    let index = ShipmentIndex::build(dataset());
    let base = Filter {
        provenance: Some(BTreeSet::from(["sourced".to_owned()])),
        part_types: Some(BTreeSet::from([
            "p0".to_owned(),
            "p2".to_owned(),
            "p3".to_owned(),
        ])),
        ..Filter::default()
    };
    let at = |to: i32| Filter {
        to: Some(Day(to)),
        ..base.clone()
    };
    let mut grown = RunningTotals::detailed();
    for to in [0, 12, 31, 32, 60, 80] {
        at(to).count_into(&index, &mut grown);
    }
    let mut afresh = RunningTotals::detailed();
    at(80).count_into(&index, &mut afresh);
    assert_eq!(bits(&grown.agg), bits(&afresh.agg));
    let (g, f) = (
        grown.details(&index).unwrap(),
        afresh.details(&index).unwrap(),
    );
    for p in 0..index.pairs.len() {
        assert!(g.parts_of(p).eq(f.parts_of(p)), "pair {p}");
        assert_eq!(g.last_day(p), f.last_day(p));
    }
    let sorted = |d: &crate::filter::totals::Details| {
        let mut m: Vec<_> = d.mixed_sources().iter().map(|(&k, &v)| (k, v)).collect();
        m.sort_unstable();
        m
    };
    assert!(!sorted(f).is_empty());
    assert_eq!(sorted(g), sorted(f));
    let after = f.after_listing_all();
    assert!(!after.is_empty());
    assert_eq!(g.after_listing_all(), after);
}
