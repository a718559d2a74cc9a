//! A soak test: thousands of random commands on the explorer (headless, seeded), with the
//! invariants checked after every one: no panic; every position finite; nothing both hidden and
//! shown; undo returns exactly the earlier state and redo the later one; and, every so often,
//! save then load gives an equal state.
//!
//! `LADING_SOAK_COMMANDS` sets how many: 500 by default, about a minute in a debug build on
//! 2 cores (each command rebuilds the graph and restarts the layout); the 10,000 is
//! `LADING_SOAK_COMMANDS=10000 cargo test --release --test soak -- --nocapture`.

use lading::annotation::{Callout, Target};
use lading::date::Day;
use lading::explorer::{Command, Explorer};
use lading::filter::{Filter, SanctionStatus};
use lading::model::EntityId;
use lading::session::{Carried, Session, UiChoices};
use lading::store::Store;
use lading::style::Rgba;

/// A small seeded generator (SplitMix64): the test must repeat exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len())])
    }
}

fn random_command(rng: &mut Rng, e: &Explorer, all: &[EntityId]) -> Command {
    let shown = &e.graph().entities;
    let any = |rng: &mut Rng| rng.pick(shown).or_else(|| rng.pick(all)).unwrap_or(1);
    let key = |id: EntityId| {
        e.index()
            .entity(id)
            .map(|x| x.key.clone())
            .unwrap_or_default()
    };
    let (first, last) = e.index().date_span().unwrap_or_default();
    match rng.below(20) {
        0 | 1 => Command::Select {
            ids: vec![any(rng)],
            additive: rng.below(2) == 0,
        },
        2 => {
            let mut f = e.filter().clone();
            let span = (last.0 - first.0).max(1);
            let a = first.0 + rng.below(span as usize) as i32;
            let b = a + rng.below((last.0 - a).max(1) as usize) as i32;
            f.from = Some(Day(a));
            f.to = Some(Day(b));
            Command::SetFilter(f)
        }
        3 => {
            let mut f = e.filter().clone();
            let parts = e.index().part_types();
            f.part_types = Some(
                parts
                    .iter()
                    .filter(|_| rng.below(2) == 0)
                    .cloned()
                    .collect(),
            );
            Command::SetFilter(f)
        }
        4 => {
            let mut f = e.filter().clone();
            f.sanction_status = [
                SanctionStatus::Any,
                SanctionStatus::Sanctioned,
                SanctionStatus::Unsanctioned,
            ][rng.below(3)];
            f.min_shipments = 1 + rng.below(3) as u32;
            Command::SetFilter(f)
        }
        5 => Command::SetFilter(Filter::default()),
        6 => Command::Hide(vec![any(rng)]),
        7 => Command::UnhideAll,
        8 => {
            let at = [
                rng.below(2000) as f32 - 1000.0,
                rng.below(2000) as f32 - 1000.0,
            ];
            Command::Place(any(rng), at)
        }
        9 => Command::Unpin(any(rng)),
        10 => Command::Expand {
            id: any(rng),
            limit: [None, Some(5), Some(0)][rng.below(3)],
        },
        11 => Command::Collapse(any(rng)),
        12 => Command::Focus(if rng.below(3) == 0 {
            None
        } else {
            Some((any(rng), 1 + rng.below(3) as u32))
        }),
        13 => Command::Reveal(rng.pick(all).unwrap_or(1)),
        14 => Command::SetNote(
            Target::Entity(key(any(rng))),
            format!("note {}\nline two", rng.next() % 1000),
        ),
        15 => Command::AddCallout(Callout {
            at: [rng.below(400) as f32, rng.below(400) as f32],
            text: "Callout".into(),
            entity: Some(key(any(rng))),
        }),
        16 => Command::SetHighlight(
            Target::Entity(key(any(rng))),
            [None, Some(Rgba::rgb(0xc2, 0x18, 0x8f))][rng.below(2)],
        ),
        17 => {
            let (a, b) = (any(rng), any(rng));
            Command::FindPath(a, b)
        }
        18 => Command::Undo,
        _ => Command::Redo,
    }
}

fn undoable(c: &Command) -> bool {
    !matches!(
        c,
        Command::Select { .. }
            | Command::SelectLink(..)
            | Command::ClearSelection
            | Command::FindPath(..)
            | Command::ClearPath
            | Command::Undo
            | Command::Redo
    )
}

fn check_invariants(e: &Explorer, step: usize, what: &Command) {
    for (id, p) in e.positions().iter() {
        assert!(
            p[0].is_finite() && p[1].is_finite(),
            "step {step} ({what:?}): position of {id} is {p:?}"
        );
    }
    for id in &e.doc().hidden {
        assert!(
            e.graph().entities.binary_search(id).is_err(),
            "step {step} ({what:?}): {id} is hidden and shown"
        );
    }
    for l in &e.graph().links {
        assert!(
            e.graph().entities.binary_search(&l.source).is_ok()
                && e.graph().entities.binary_search(&l.target).is_ok(),
            "step {step} ({what:?}): a link to an entity not shown"
        );
    }
    for id in &e.selection {
        assert!(
            e.graph().entities.binary_search(id).is_ok(),
            "step {step}: selected {id} is not shown"
        );
    }
}

#[test]
fn random_commands_keep_every_invariant() {
    let commands: usize = std::env::var("LADING_SOAK_COMMANDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    let mut e = Explorer::new(store).unwrap();
    let all: Vec<EntityId> = e.index().entities().iter().map(|x| x.id).collect();
    let mut rng = Rng(20_230_310);
    let (mut undo_checks, mut round_trips) = (0, 0);
    for step in 0..commands {
        let command = random_command(&mut rng, &e, &all);
        let before = e.doc().clone();
        e.apply(command.clone());
        e.step_layout(std::time::Duration::from_micros(200));
        check_invariants(&e, step, &command);
        if undoable(&command) && e.doc() != &before {
            // Undo returns exactly the earlier state; redo the later one.
            let after = e.doc().clone();
            e.apply(Command::Undo);
            assert_eq!(e.doc(), &before, "step {step}: undo of {command:?}");
            e.apply(Command::Redo);
            assert_eq!(e.doc(), &after, "step {step}: redo of {command:?}");
            check_invariants(&e, step, &command);
            undo_checks += 1;
        }
        if step % 100 == 99 {
            // Save, load into the same database: an equal state, and the same bytes again.
            let session = Session::capture(&e, &UiChoices::default(), &Carried::default(), "soak");
            let json = session.to_json();
            let loaded =
                Session::from_slice(std::path::Path::new("soak.lading"), json.as_bytes()).unwrap();
            let restored = loaded.restore(&e);
            assert!(restored.missing.is_empty());
            assert_eq!(&restored.doc, e.doc(), "step {step}: save then load");
            assert_eq!(
                restored.selection, e.selection,
                "step {step}: selection after load"
            );
            assert_eq!(
                loaded.to_json(),
                json,
                "step {step}: a second save is byte-identical"
            );
            round_trips += 1;
        }
    }
    eprintln!(
        "soak: {commands} commands, {undo_checks} undo/redo checks, {round_trips} save/load round trips"
    );
    assert!(
        undo_checks > commands / 4,
        "the random commands changed too little: {undo_checks}"
    );
}
