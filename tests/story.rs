//! The explorer's second round, headless: provenance (the sourced story apart from the
//! synthetic world), roll-up by parent and by state owner (with its bad input: ownership
//! cycles, two owners of 50 %), brokers, and timeline playback steps.

use std::collections::BTreeSet;

use lading::date::Day;
use lading::explorer::{Command, Explorer};
use lading::filter::{Filter, FilteredGraph, LinkKind};
use lading::index::ShipmentIndex;
use lading::model::{Entity, EntityKind, Ownership};
use lading::provenance::{SOURCED, SYNTHETIC};
use lading::rollup::{GroupBy, Owners};
use lading::store::{Dataset, ShipmentColumns, Store};

fn sample_index() -> ShipmentIndex {
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    ShipmentIndex::build(store.load_dataset().unwrap())
}

fn sample_explorer() -> Explorer {
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    Explorer::new(store).unwrap()
}

fn only(term: &str) -> Filter {
    Filter {
        provenance: Some(BTreeSet::from([term.to_owned()])),
        ..Filter::default()
    }
}

fn keys(index: &ShipmentIndex, graph: &FilteredGraph) -> Vec<String> {
    graph
        .entities
        .iter()
        .map(|&id| index.entity(id).unwrap().key.clone())
        .collect()
}

#[test]
fn the_sourced_story_has_no_synthetic_entity_and_the_synthetic_world_no_sourced_one() {
    let index = sample_index();
    let story = only(SOURCED).apply(&index);
    assert_eq!(story.shipments, 30, "the 30 reported shipments");
    let shown = keys(&index, &story);
    assert!(shown.iter().all(|k| !k.starts_with("syn-")), "{shown:?}");
    for k in [
        "poly-technologies",
        "ulan-ude-aviation-plant",
        "sasac",
        "rostec",
    ] {
        assert!(shown.iter().any(|s| s == k), "{k} in {shown:?}");
    }
    assert!(story.synthetic.is_empty());
    assert!(story.links.iter().all(|l| !l.is_synthetic()));

    let world = only(SYNTHETIC).apply(&index);
    assert_eq!(world.shipments, 3_305);
    assert!(keys(&index, &world).iter().all(|k| k.starts_with("syn-")));
    assert_eq!(world.synthetic, world.entities, "every one marked");
    assert!(
        world
            .trade_links()
            .all(|l| l.synthetic == l.shipments && l.synthetic > 0)
    );
    assert!(world.ownership_links().all(|l| l.is_synthetic()));

    // Everything (the command line's default) is both, each marked for what it is.
    let all = Filter::default().apply(&index);
    assert_eq!(all.shipments, 3_335);
    assert_eq!(all.synthetic.len(), world.entities.len());
}

#[test]
fn a_source_selects_the_records_that_cite_it() {
    let index = sample_index();
    // The WSJ rows cite WSJ first; a source is matched as a prefix, ignoring case.
    let wsj = only("wsj").apply(&index);
    assert_eq!(wsj.shipments, 2);
    let sources = index.shipment_sources();
    assert_eq!(sources[0], ("synthetic (fictional shipment)", 3_305));
    // An unknown source is nothing, not everything.
    assert_eq!(only("no such source").apply(&index).shipments, 0);
}

#[test]
fn the_window_opens_on_the_story_only_when_there_is_both() {
    let index = sample_index();
    assert_eq!(
        Explorer::story_filter(&index).provenance,
        Some(BTreeSet::from([SOURCED.to_owned()]))
    );
    // A generated database is all synthetic; an imported one (here: the sourced rows only)
    // has none: both open on everything.
    let store = generated_store(60, 400, 3);
    let generated = ShipmentIndex::build(store.load_dataset().unwrap());
    assert_eq!(generated.synthetic_shipments(), (400, 400));
    assert_eq!(Explorer::story_filter(&generated).provenance, None);
    let mut e = Explorer::new(store).unwrap();
    e.open_on_story();
    assert_eq!(e.graph().synthetic.len(), e.graph().entities.len());
    let real = ShipmentIndex::build(Dataset::default());
    assert_eq!(Explorer::story_filter(&real).provenance, None);
}

#[test]
fn by_state_owner_the_story_is_sasac_trading_with_rostec() {
    let index = sample_index();
    let filter = Filter {
        group_by: Some(GroupBy::StateOwner),
        ..only(SOURCED)
    };
    let g = filter.apply(&index);
    assert_eq!(keys(&index, &g), ["sasac", "rostec"]);
    let id = |k: &str| index.find(k).unwrap().id;
    let (sasac, rostec) = (id("sasac"), id("rostec"));
    let link = |a, b| {
        g.trade_links()
            .find(|l| l.source == a && l.target == b)
            .cloned()
            .unwrap()
    };
    // Poly → U-UAP 13, Poly → UEC 1, Poly → Rosoboronexport 1, AVIC Intl → UEC 3,
    // AVIC Intl → the WSJ Rostec subsidiary 1; back: U-UAP → Poly 8, UEC → AVIC Intl 3.
    assert_eq!(link(sasac, rostec).shipments, 19);
    assert_eq!(link(rostec, sasac).shipments, 11);
    assert_eq!(g.shipments, 30);
    assert!(
        g.is_sanctioned(rostec) && g.is_sanctioned(sasac),
        "members are listed"
    );
    let members = &g.groups[&sasac];
    assert!(members.contains(&id("poly-technologies")));
    assert!(members.contains(&id("avic-international")));
    assert!(
        g.ownership_links().next().is_none(),
        "ownership is inside the groups"
    );
}

#[test]
fn by_parent_subsidiaries_fold_into_their_holding_company() {
    let index = sample_index();
    let g = Filter {
        group_by: Some(GroupBy::Parent),
        ..only(SOURCED)
    }
    .apply(&index);
    let shown = keys(&index, &g);
    for k in [
        "china-poly-group",
        "avic",
        "russian-helicopters",
        "united-engine-corporation",
    ] {
        assert!(shown.iter().any(|s| s == k), "{k} in {shown:?}");
    }
    for k in [
        "poly-technologies",
        "ulan-ude-aviation-plant",
        "avic-international",
    ] {
        assert!(!shown.iter().any(|s| s == k), "{k} folded: {shown:?}");
    }
    // State owners stay on their own, owning the groups.
    assert!(shown.iter().any(|s| s == "sasac"));
    let id = |k: &str| index.find(k).unwrap().id;
    assert!(
        g.ownership_links()
            .any(|l| l.source == id("sasac") && l.target == id("china-poly-group"))
    );
    let t = g
        .trade_links()
        .find(|l| l.source == id("china-poly-group") && l.target == id("russian-helicopters"))
        .unwrap();
    assert_eq!(t.shipments, 13);
}

/// A network with an ownership cycle (A owns B owns A) and an entity owned 50/50 by two.
fn awkward_index() -> ShipmentIndex {
    let entity = |id: i64, key: &str, kind: EntityKind| Entity {
        id,
        key: key.into(),
        name: key.to_uppercase(),
        kind,
        country: "RU".into(),
        state_owned: true,
        aliases: Vec::new(),
        source: "test".into(),
    };
    let owns = |parent: i64, child: i64, share: Option<f64>| Ownership {
        parent,
        child,
        share_pct: share,
        start: None,
        end: None,
        source: "test".into(),
    };
    let mut shipments = ShipmentColumns {
        part_names: vec!["other".into()],
        ..ShipmentColumns::default()
    };
    for (i, (from, to)) in [(1, 3), (3, 6), (6, 1)].into_iter().enumerate() {
        shipments.id.push(i as i64 + 1);
        shipments.day.push(Day(19_000 + i as i32));
        shipments.shipper.push(from);
        shipments.consignee.push(to);
        shipments.part.push(0);
        shipments.value_usd.push(5.0);
    }
    ShipmentIndex::build(Dataset {
        entities: vec![
            entity(1, "a", EntityKind::Subsidiary),
            entity(2, "b", EntityKind::Subsidiary),
            entity(3, "c", EntityKind::Plant),
            entity(4, "d", EntityKind::StateOwner),
            entity(5, "e", EntityKind::StateOwner),
            entity(6, "f", EntityKind::Company),
        ],
        ownership: vec![
            owns(1, 2, Some(100.0)),
            owns(2, 1, Some(100.0)),
            owns(5, 3, Some(50.0)),
            owns(4, 3, Some(50.0)),
        ],
        sanctions: Vec::new(),
        shipments,
        ..Dataset::default()
    })
}

#[test]
fn a_cycle_is_one_group_and_equal_owners_are_a_stated_guess() {
    let index = awkward_index();
    let filter = Filter {
        group_by: Some(GroupBy::StateOwner),
        ..Filter::default()
    };
    let owners = Owners::new(&index, &filter, GroupBy::StateOwner);
    // A and B own each other: one group, named after the lower id.
    assert_eq!(owners.group_of(&index, 1), Some(1));
    assert_eq!(owners.group_of(&index, 2), Some(1));
    assert_eq!(owners.in_cycles, vec![1, 2]);
    // C: 50 % D, 50 % E: the lower id, said to be a tie.
    assert_eq!(owners.group_of(&index, 3), Some(4));
    let c = owners.choices.iter().find(|c| c.entity == 3).unwrap();
    assert!(c.tie);
    assert_eq!((c.chosen, c.others.clone()), (4, vec![5]));
    let g = filter.apply(&index);
    // E, C's other owner, stays on its own, owning D's group.
    assert_eq!(g.entities, vec![1, 4, 5, 6]);
    assert_eq!(g.groups[&1], vec![1, 2]);
    assert_eq!(g.groups[&4], vec![3, 4]);
    assert_eq!(g.trade_links().count(), 3);
    assert!(g.ownership_links().any(|l| (l.source, l.target) == (5, 4)));
    // By parent, the state owners stay apart and C stands alone.
    let by_parent = Owners::new(&index, &filter, GroupBy::Parent);
    assert_eq!(by_parent.group_of(&index, 3), Some(3));
}

#[test]
fn a_group_opens_in_place_and_closes_again() {
    let mut e = sample_explorer();
    e.apply(Command::SetFilter(Filter {
        group_by: Some(GroupBy::StateOwner),
        ..only(SOURCED)
    }));
    e.settle(2_000);
    let rostec = e.index().find("rostec").unwrap().id;
    let plant = e.index().find("ulan-ude-aviation-plant").unwrap().id;
    let at = e.positions().get(rostec).unwrap();
    assert_eq!(
        e.apply(Command::OpenGroup(rostec)),
        lading::explorer::Outcome::Done
    );
    assert!(e.graph().entities.contains(&plant));
    assert!(!e.graph().groups.contains_key(&rostec));
    // The members start around the group's place.
    let p = e.positions().get(plant).unwrap();
    let d = ((p[0] - at[0]).powi(2) + (p[1] - at[1]).powi(2)).sqrt();
    assert!(d < 60.0, "{d}");
    assert_eq!(e.group_of(plant), Some(rostec));
    e.apply(Command::CloseGroup(rostec));
    assert!(!e.graph().entities.contains(&plant));
    // Undo goes back to the opened group.
    e.apply(Command::Undo);
    assert!(e.graph().entities.contains(&plant));
    // The link to a group stands for its members' shipments.
    e.apply(Command::CloseGroup(rostec));
    let sasac = e.index().find("sasac").unwrap().id;
    assert_eq!(e.shipments(Some(sasac), Some(rostec)).unwrap().len(), 19);
}

#[test]
fn brokers_of_the_sample_and_of_nothing() {
    let index = sample_index();
    let g = Filter::default().apply(&index);
    let c = lading::brokers::compute(&g, &lading::brokers::Progress::default()).unwrap();
    assert_eq!(c.entities.len(), g.entities.len());
    assert!(!c.sampled);
    assert!(!c.cut_points.is_empty());
    assert!(c.betweenness.iter().all(|b| (0.0..=1.0).contains(b)));
    let empty = lading::brokers::compute(
        &FilteredGraph::default(),
        &lading::brokers::Progress::default(),
    )
    .unwrap();
    assert!(empty.entities.is_empty() && empty.cut_points.is_empty());
}

#[test]
fn playback_steps_show_the_range_growing_and_listings_on_their_day() {
    let mut e = sample_explorer();
    e.open_on_story();
    let (from, to) = (
        Day::parse_iso("2022-01-01").unwrap(),
        Day::parse_iso("2022-12-31").unwrap(),
    );
    let steps = lading::playback::steps(from, to, lading::playback::StepUnit::Month, 100).unwrap();
    assert_eq!(steps.frames.len(), 12);
    let base = e.filter().clone();
    let mut shipments = Vec::new();
    for f in &steps.frames {
        e.set_filter_live(Filter {
            from: Some(f.from),
            to: Some(f.to),
            ..base.clone()
        });
        shipments.push(e.graph().shipments);
    }
    assert!(shipments.windows(2).all(|w| w[0] <= w[1]), "{shipments:?}");
    assert_eq!(*shipments.last().unwrap(), 30);
    // A step longer than the range is one frame.
    let one = lading::playback::steps(from, from, lading::playback::StepUnit::Quarter, 10).unwrap();
    assert_eq!(one.frames.len(), 1);
}

#[test]
fn a_session_keeps_the_grouping_and_the_opened_groups() {
    let mut e = sample_explorer();
    let mut filter = Filter {
        group_by: Some(GroupBy::Parent),
        ..only(SOURCED)
    };
    filter.open_groups.insert("russian-helicopters".into());
    e.apply(Command::SetFilter(filter.clone()));
    let session = lading::session::Session::capture(
        &e,
        &lading::session::UiChoices::default(),
        &lading::session::Carried::default(),
        "",
    );
    let json = session.to_json();
    assert!(json.contains("\"group_by\": \"parent\""), "{json}");
    assert!(json.contains("russian-helicopters"));
    let back =
        lading::session::Session::from_slice(std::path::Path::new("s.lading"), json.as_bytes())
            .unwrap();
    assert_eq!(back.filter, filter);
    // A session without these fields reads as no grouping, everything shown.
    let old = lading::session::Session::from_slice(
        std::path::Path::new("old.lading"),
        br#"{"format": "lading-session", "format_version": 1, "filter": {"min_shipments": 2}}"#,
    )
    .unwrap();
    assert_eq!(old.filter.group_by, None);
    assert_eq!(old.filter.provenance, None);
    let _ = LinkKind::Trade;
}

#[test]
fn running_totals_give_the_same_graphs_as_counting_each_step_afresh() {
    use lading::filter::RunningTotals;
    use lading::playback::{StepUnit, steps};
    let index = sample_index();
    let (first, last) = index.date_span().unwrap();
    let frames = steps(first, last, StepUnit::Month, 1_000).unwrap().frames;
    assert!(frames.len() > 3, "{} frames", frames.len());
    let mut totals = RunningTotals::default();
    let step =
        |f: &lading::playback::Frame, parts: Option<&str>, provenance: Option<&str>| Filter {
            from: Some(f.from),
            to: Some(f.to),
            part_types: parts.map(|p| BTreeSet::from([p.to_owned()])),
            provenance: provenance.map(|p| BTreeSet::from([p.to_owned()])),
            ..Filter::default()
        };
    // Forward (the totals grow), then back (they are counted again), then with other part
    // types and provenance half-way through (counted again, then grown again).
    let order: Vec<(usize, Option<&str>, Option<&str>)> = (0..frames.len())
        .map(|k| (k, None, None))
        .chain((0..frames.len()).rev().step_by(3).map(|k| (k, None, None)))
        .chain((0..frames.len()).map(|k| (k, Some("Mi-171E"), None)))
        .chain((0..frames.len()).map(|k| (k, None, Some(SOURCED))))
        .collect();
    let mut grew_to_something = false;
    for (k, parts, provenance) in order {
        let filter = step(&frames[k], parts, provenance);
        let running = filter.apply_ungrouped_with(&index, &mut totals);
        let afresh = filter.apply_ungrouped(&index);
        assert_eq!(
            running, afresh,
            "frame {k}, parts {parts:?}, provenance {provenance:?}"
        );
        grew_to_something |= !afresh.links.is_empty();
    }
    assert!(grew_to_something);
}

#[test]
fn a_playing_explorer_shows_and_screens_as_computing_each_step_afresh() {
    use lading::playback::{StepUnit, steps};
    use lading::scene::Shown;
    use lading::screening::Screening;
    let mut explorer = sample_explorer();
    let (first, last) = explorer.index().date_span().unwrap();
    let frames = steps(first, last, StepUnit::Month, 1_000).unwrap().frames;
    let authorities = |a: &str| BTreeSet::from([a.to_owned()]);
    // Forward, grouped, by one authority, and back: the totals grow, then are counted again.
    let plans = [
        (None, BTreeSet::new()),
        (Some(GroupBy::StateOwner), BTreeSet::new()),
        (None, authorities("EU")),
        (Some(GroupBy::Parent), authorities("OFAC")),
    ];
    let mut flagged = 0;
    for (group_by, authorities) in plans {
        let order = (0..frames.len()).chain((0..frames.len()).rev().step_by(5));
        for k in order {
            explorer.set_filter_live(Filter {
                from: Some(frames[k].from),
                to: Some(frames[k].to),
                group_by,
                authorities: authorities.clone(),
                ..Filter::default()
            });
            let (index, filter, graph) = (explorer.index(), explorer.filter(), explorer.graph());
            assert_eq!(
                *explorer.shown(),
                Shown::compute(index, filter, graph),
                "frame {k}"
            );
            let afresh = Screening::build(index, filter, graph);
            assert_eq!(explorer.screening(), &afresh, "frame {k}");
            flagged += afresh.after_listing.len();
        }
    }
    assert!(flagged > 0, "no link was shipped after listing");
}

/// A playing explorer holds positions, sizes and the countries' colours still, what a step
/// shows is otherwise the one worked out afresh, and a scene built with what the last step's
/// lent (`scene::reuse`) is the one built afresh, at every step, plain and grouped.
#[test]
fn playing_holds_the_picture_and_reused_scenes_are_the_fresh_ones() {
    use lading::playback::{StepUnit, steps};
    use lading::scene::{self, SizeBy, View, reuse::Reuse};
    let mut explorer = sample_explorer();
    explorer.settle(300);
    let style = lading::style::Style::default();
    let (first, last) = explorer.index().date_span().unwrap();
    let frames = steps(first, last, StepUnit::Month, 1_000).unwrap().frames;
    let mut group_labels_changed = false;
    let mut colours_would_change = false;
    for group_by in [None, Some(GroupBy::StateOwner), Some(GroupBy::Parent)] {
        explorer.set_filter_live(Filter {
            group_by,
            ..Filter::default()
        });
        explorer.settle(300);
        let whole = explorer.graph().clone();
        let held = explorer.positions().clone();
        let range_colours = explorer.shown().countries.clone();
        explorer.begin_playback();
        assert!(explorer.is_playing());
        let size_max = explorer.playback_size_max(SizeBy::Shipments);
        assert_eq!(
            size_max,
            Some(scene::size_maxima(&whole, SizeBy::Shipments))
        );
        let view = View::fit(held.bounds().unwrap(), [900.0, 700.0], 30.0, 1.0);
        let reuse = std::sync::Mutex::new(Reuse::default());
        let mut last_texts: std::collections::HashMap<_, Vec<String>> = Default::default();
        // Forward through the range, then a few steps back, at two text sizes.
        let order = (0..frames.len()).chain((0..frames.len()).rev().step_by(4));
        for (n, k) in order.enumerate() {
            explorer.set_filter_live(Filter {
                from: Some(frames[k].from),
                to: Some(frames[k].to),
                group_by,
                ..Filter::default()
            });
            // Every entity the range showed is where it was.
            for (id, p) in held.iter() {
                if explorer.graph().entities.binary_search(&id).is_ok() {
                    assert_eq!(explorer.positions().get(id), Some(p), "step {k}");
                }
            }
            let shown = explorer.shown();
            // The range's colours, everything else as worked out afresh for the step.
            let mut afresh =
                scene::Shown::compute(explorer.index(), explorer.filter(), explorer.graph());
            colours_would_change |= afresh.countries != range_colours;
            afresh.countries = range_colours.clone();
            assert_eq!(*shown, afresh, "step {k}, grouped {group_by:?}");
            let mut input = explorer.scene_input(&style, view);
            input.shown = Some(&shown);
            input.size_max = size_max;
            let big = n % 3 == 2;
            if big {
                input.label_size *= 1.5;
            }
            let fresh = scene::build(&input);
            input.reuse = Some(&reuse);
            let reused = scene::build(&input);
            assert_eq!(reused, fresh, "step {k}, grouped {group_by:?}");
            for l in &fresh.labels {
                if explorer.graph().groups.contains_key(&l.id)
                    && let Some(before) = last_texts.insert((l.id, big), l.lines.clone())
                {
                    group_labels_changed |= before != l.lines;
                }
            }
        }
        assert!(reuse.lock().unwrap().texts_kept() > 0);
        explorer.end_playback();
        assert!(!explorer.is_playing());
        assert_eq!(explorer.playback_size_max(SizeBy::Shipments), None);
        // Paused, the step's own colours again.
        assert_eq!(
            *explorer.shown(),
            scene::Shown::compute(explorer.index(), explorer.filter(), explorer.graph())
        );
    }
    // Assigned afresh, some step's colours differ from the range's: holding them is what
    // kept them (a country's colour would have changed between steps).
    assert!(colours_would_change);
    // A group's label (its member count) changed as the range grew: a store keyed by the
    // entity alone would have drawn the stale text and failed the comparison above.
    assert!(group_labels_changed);
}

/// Play gets every label the range shows ready (`scene::prepare_labels`), so no step lays out
/// a text of its own (the first steps of a 10,000-entity playback laid out a thousand each);
/// and on a network of enough links that a scene builds them beside its labels' preparation,
/// every step's scene is the one built afresh.
#[test]
fn play_lays_out_every_label_before_the_first_step() {
    use lading::playback::{StepUnit, steps};
    use lading::scene::{self, SizeBy, View, reuse::Reuse};
    let style = lading::style::Style::default();
    let mut explorer = Explorer::new(generated_store(1_500, 30_000, 11)).unwrap();
    explorer.settle(60);
    assert!(explorer.graph().links.len() >= 4_000, "links built apart");
    let view = View::fit(
        explorer.positions().bounds().unwrap(),
        [1200.0, 800.0],
        30.0,
        1.0,
    );
    explorer.begin_playback();
    let reuse = std::sync::Mutex::new(Reuse::default());
    {
        let mut input = explorer.scene_input(&style, view);
        input.reuse = Some(&reuse);
        scene::prepare_labels(&input);
    }
    let kept = reuse.lock().unwrap().texts_kept();
    assert!(kept >= explorer.graph().entities.len(), "{kept} kept");
    let (first, last) = explorer.index().date_span().unwrap();
    let frames = steps(first, last, StepUnit::Quarter, 1_000).unwrap().frames;
    let size_max = explorer.playback_size_max(SizeBy::Shipments);
    let (mut labelled, mut most_links) = (0, 0);
    for f in &frames {
        explorer.set_filter_live(Filter {
            from: Some(f.from),
            to: Some(f.to),
            ..Filter::default()
        });
        most_links = most_links.max(explorer.graph().links.len());
        let shown = explorer.shown();
        let mut input = explorer.scene_input(&style, view);
        input.shown = Some(&shown);
        input.size_max = size_max;
        let fresh = scene::build(&input);
        input.reuse = Some(&reuse);
        assert_eq!(scene::build(&input), fresh, "step to {}", f.to);
        assert_eq!(reuse.lock().unwrap().texts_kept(), kept, "step to {}", f.to);
        labelled += fresh.labels.len();
    }
    explorer.end_playback();
    assert!(labelled > 0);
    // Some steps' scenes built their links beside the labels' preparation (`scene::build`).
    assert!(most_links >= 4_000, "{most_links} links at most");
}

/// Labels kept for one database are not drawn for another: the same entity ids name other
/// entities there.
#[test]
fn kept_label_texts_do_not_cross_databases() {
    use lading::scene::{self, View, reuse::Reuse};
    let style = lading::style::Style::default();
    let reuse = std::sync::Mutex::new(Reuse::default());
    let store = generated_store(120, 1_500, 9);
    let mut labelled = 0;
    for mut explorer in [sample_explorer(), Explorer::new(store).unwrap()] {
        explorer.settle(200);
        let view = View::fit(
            explorer.positions().bounds().unwrap(),
            [900.0, 700.0],
            30.0,
            1.0,
        );
        let mut input = explorer.scene_input(&style, view);
        let fresh = scene::build(&input);
        input.reuse = Some(&reuse);
        assert_eq!(scene::build(&input), fresh);
        labelled += fresh.labels.len();
    }
    assert!(labelled > 0);
}

/// A generated database in memory: `entities`, `shipments`, drawn from `seed`.
fn generated_store(entities: usize, shipments: usize, seed: u64) -> Store {
    let data = lading::generate::generate(&lading::generate::GenerateOptions {
        entities,
        shipments,
        seed,
        ..Default::default()
    });
    let mut store = Store::in_memory().unwrap();
    store.insert_generated(&data).unwrap();
    store
}
