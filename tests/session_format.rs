//! Sessions headless: round trip (equal state, byte-identical second save), undo and redo
//! of every kind of change, an older file, bad files refused with clear errors, and a
//! session opened on a database that lost an entity.

use std::path::Path;

use lading::annotation::{Callout, HIGHLIGHT_COLOURS, Target};
use lading::explorer::{Command, Explorer};
use lading::filter::LinkKind;
use lading::session::{Carried, FORMAT_VERSION, Session, SessionError, UiChoices};
use lading::store::Store;
use lading::store::import::{ImportKind, ImportOptions};

/// The sample database, without every CSV line that mentions `drop` (an entity key).
fn sample_store(drop: Option<&str>) -> Store {
    let mut store = Store::in_memory().unwrap();
    for (kind, name, bytes) in lading::sample::SAMPLE_FILES {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let text: String = match drop {
            Some(key) => text
                .lines()
                .filter(|l| !l.contains(key))
                .map(|l| format!("{l}\n"))
                .collect(),
            None => text,
        };
        store
            .import_reader(
                Path::new(name),
                text.as_bytes(),
                text.len() as u64,
                &ImportOptions::new(*kind),
                None,
            )
            .unwrap();
    }
    let _ = ImportKind::Shipments;
    store
}

fn explorer(drop: Option<&str>) -> Explorer {
    let mut e = Explorer::new(sample_store(drop)).unwrap();
    e.settle(300);
    e
}

fn id(e: &Explorer, key: &str) -> i64 {
    e.id_of_key(key).unwrap()
}

/// An explorer with one of everything a session holds.
fn worked_on() -> Explorer {
    let mut e = explorer(None);
    let poly = id(&e, "poly-technologies");
    let uuap = id(&e, "ulan-ude-aviation-plant");
    let ids = e.graph().entities.clone();
    e.apply(Command::Place(poly, [12.5, -40.25]));
    e.apply(Command::Pin(uuap));
    e.apply(Command::Hide(vec![ids[3]]));
    e.apply(Command::Expand {
        id: ids[5],
        limit: Some(3),
    });
    e.apply(Command::SetNote(
        Target::Entity("poly-technologies".into()),
        "Two lines\nof «note», 保利".into(),
    ));
    e.apply(Command::SetNote(
        Target::Link {
            source: "poly-technologies".into(),
            target: "ulan-ude-aviation-plant".into(),
            kind: LinkKind::Trade,
        },
        "Mi-171Sh kits".into(),
    ));
    e.apply(Command::SetHighlight(
        Target::Entity("ulan-ude-aviation-plant".into()),
        Some(HIGHLIGHT_COLOURS[1].1),
    ));
    e.apply(Command::AddCallout(Callout {
        at: [100.0, 50.5],
        text: "Deliveries peak in 2022".into(),
        entity: Some("ulan-ude-aviation-plant".into()),
    }));
    e.apply(Command::Select {
        ids: vec![poly],
        additive: false,
    });
    e
}

fn capture(e: &Explorer) -> Session {
    Session::capture(e, &UiChoices::default(), &Carried::default(), "fp")
}

#[test]
fn round_trip_is_equal_and_the_second_save_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let first = worked_on();
    let session = capture(&first);
    let path = dir.path().join("a.lading");
    session.save(&path).unwrap();
    let loaded = Session::load(&path).unwrap();
    assert_eq!(loaded, session);

    let mut second = explorer(None);
    let restored = loaded.restore(&second);
    assert!(restored.missing.is_empty(), "{:?}", restored.missing);
    second.open_restored(&restored);
    assert_eq!(second.doc(), first.doc());
    assert_eq!(second.positions(), first.positions());
    assert_eq!(second.selection, first.selection);

    let again = dir.path().join("b.lading");
    capture(&second).save(&again).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );
    // Readable: one line per position, notes as text.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"format\": \"lading-session\""), "{text}");
    assert!(
        text.contains("\"poly-technologies\": [12.5, -40.25]"),
        "{text}"
    );
    assert!(text.contains("Deliveries peak in 2022"));
}

#[test]
fn undo_and_redo_return_to_exactly_the_earlier_states() {
    let mut e = explorer(None);
    let ids = e.graph().entities.clone();
    let commands = vec![
        Command::Place(ids[0], [1.0, 2.0]),
        Command::Pin(ids[1]),
        Command::Unpin(ids[1]),
        Command::Hide(vec![ids[2], ids[4]]),
        Command::SetFilter(lading::filter::Filter {
            min_shipments: 2,
            ..lading::filter::Filter::default()
        }),
        Command::SetNote(
            Target::Entity("ulan-ude-aviation-plant".into()),
            "first".into(),
        ),
        Command::SetNote(
            Target::Entity("ulan-ude-aviation-plant".into()),
            "second".into(),
        ),
        Command::AddCallout(Callout {
            at: [0.0, 0.0],
            text: "c".into(),
            entity: None,
        }),
        Command::MoveCallout(1, [5.0, 6.0]),
        Command::EditCallout(1, "edited".into()),
        Command::SetHighlight(
            Target::Entity("ulan-ude-aviation-plant".into()),
            Some(HIGHLIGHT_COLOURS[0].1),
        ),
        Command::SetHighlight(Target::Entity("ulan-ude-aviation-plant".into()), None),
        Command::RemoveNote(Target::Entity("ulan-ude-aviation-plant".into())),
        Command::RemoveCallout(1),
        Command::UnhideAll,
    ];
    let mut states = vec![e.doc().clone()];
    for c in commands {
        let outcome = e.apply(c.clone());
        assert_eq!(outcome, lading::explorer::Outcome::Done, "{c:?}");
        states.push(e.doc().clone());
    }
    for expected in states.iter().rev().skip(1) {
        e.apply(Command::Undo);
        assert_eq!(e.doc(), expected);
    }
    assert!(!e.can_undo());
    for expected in states.iter().skip(1) {
        e.apply(Command::Redo);
        assert_eq!(e.doc(), expected);
    }
    // A drag is one step, however many moves it has.
    e.begin_gesture();
    e.drag_to(ids[0], [3.0, 3.0]);
    e.drag_to(ids[0], [4.0, 4.0]);
    e.end_gesture();
    e.apply(Command::Undo);
    assert_eq!(e.doc(), states.last().unwrap());
}

#[test]
fn an_older_session_opens_with_defaults_for_what_it_lacks() {
    // What a first Lading writes at the least: no view, display, names or positions, and a
    // field this Lading does not know.
    let text = r#"{
      "format": "lading-session",
      "format_version": 1,
      "database": {"path": "elsewhere.db"},
      "pinned": {"poly-technologies": [1, 2]},
      "notes": [{"on": {"entity": "poly-technologies"}, "text": "kept"}],
      "a_field_from_the_future": true
    }"#;
    let session = Session::from_slice(Path::new("old.lading"), text.as_bytes()).unwrap();
    assert_eq!(session.format_version, FORMAT_VERSION);
    assert!(session.display.labels && session.view.fit);
    let mut e = explorer(None);
    let restored = session.restore(&e);
    e.open_restored(&restored);
    let poly = id(&e, "poly-technologies");
    assert_eq!(e.doc().pinned.get(&poly), Some(&[1.0, 2.0]));
    assert_eq!(e.doc().annotations.notes.len(), 1);
    // Without a version at all: the first version.
    let bare = r#"{"format": "lading-session"}"#;
    assert!(Session::from_slice(Path::new("bare.lading"), bare.as_bytes()).is_ok());
}

#[test]
fn bad_files_are_refused_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = capture(&worked_on()).to_json();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let err = |p: &Path| Session::load(p).unwrap_err();

    let cut = write("cut.lading", &good.as_bytes()[..good.len() / 2]);
    let e = err(&cut);
    assert!(matches!(e, SessionError::Truncated { .. }), "{e}");
    assert!(e.to_string().contains("cut short"), "{e}");

    let png = write("fig.lading", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let e = err(&png);
    assert!(matches!(e, SessionError::NotJson { .. }), "{e}");
    assert!(e.to_string().contains("not a Lading session"), "{e}");

    let other = write("other.lading", br#"{"nodes": [1, 2]}"#);
    assert!(matches!(err(&other), SessionError::NotSession { .. }));

    let newer = good.replacen("\"format_version\": 1", "\"format_version\": 7", 1);
    let e = err(&write("newer.lading", newer.as_bytes()));
    let msg = e.to_string();
    assert!(matches!(e, SessionError::TooNew { .. }), "{msg}");
    assert!(
        msg.contains("version 7") && msg.contains("version 1"),
        "{msg}"
    );

    let empty = write("empty.lading", b"");
    assert!(matches!(err(&empty), SessionError::Empty { .. }));

    let wrong_type = good.replacen("\"selection\": [", "\"selection\": 5, \"x\": [", 1);
    assert!(matches!(
        err(&write("typed.lading", wrong_type.as_bytes())),
        SessionError::NotSession { .. }
    ));

    // 100 MB (sparse): refused by its size, before reading.
    let big = dir.path().join("big.lading");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let started = std::time::Instant::now();
    let e = err(&big);
    assert!(matches!(e, SessionError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("100 MB"), "{e}");
    assert!(started.elapsed().as_millis() < 500);

    let e = err(&dir.path().join("absent.lading"));
    assert!(e.to_string().contains("absent.lading"), "{e}");
}

#[test]
fn missing_entities_are_named_and_their_annotations_come_back_with_the_data() {
    let full = worked_on();
    let session = capture(&full);

    // The data re-imported without Poly Technologies.
    let mut changed = explorer(Some("poly-technologies"));
    assert!(changed.id_of_key("poly-technologies").is_none());
    let restored = session.restore(&changed);
    let names: Vec<&str> = restored.missing.iter().map(|m| m.label()).collect();
    assert_eq!(names, vec!["Poly Technologies, Inc."], "{names:?}");
    let report = restored.missing_report().unwrap();
    assert!(report.contains("Poly Technologies"), "{report}");
    changed.open_restored(&restored);
    // Everything else opened.
    let uuap = id(&changed, "ulan-ude-aviation-plant");
    assert!(changed.doc().pinned.contains_key(&uuap));
    // The annotations on the missing entity are kept in the doc ...
    assert_eq!(changed.doc().annotations, full.doc().annotations);
    // ... and in the next save, with what the session knew about the entity.
    let resaved = Session::capture(&changed, &UiChoices::default(), &restored.carried, "fp2");
    assert!(resaved.pinned.contains_key("poly-technologies"));
    assert_eq!(
        resaved.names.get("poly-technologies").map(String::as_str),
        Some("Poly Technologies, Inc.")
    );

    // The data comes back: so does everything on it.
    let mut back = explorer(None);
    let restored = resaved.restore(&back);
    assert!(restored.missing.is_empty());
    back.open_restored(&restored);
    assert_eq!(back.doc().annotations, full.doc().annotations);
    assert_eq!(
        back.doc().pinned.get(&id(&back, "poly-technologies")),
        Some(&[12.5, -40.25])
    );
}
