//! The real window's UI, driven headless with egui_kittest: click by label, assert on state.

use egui::{Event, Key, Modifiers, PointerButton, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lading::explorer::{Command, Explorer};
use lading::filter::LinkKind;
use lading::model::EntityId;
use lading::store::Store;
use lading::ui::LadingApp;

fn sample_app() -> LadingApp {
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    LadingApp::with_explorer(Explorer::new(store).unwrap())
}

fn harness(app: LadingApp) -> Harness<'static, LadingApp> {
    harness_with(app, false)
}

/// `tofu`: allow glyphs no shipped font has (names with emoji); otherwise a missing glyph
/// fails the test, which keeps the UI's own text inside the shipped fonts.
fn harness_with(app: LadingApp, tofu: bool) -> Harness<'static, LadingApp> {
    let builder = Harness::builder().with_size(egui::vec2(1600.0, 1000.0));
    let builder = if tofu {
        builder.allow_missing_glyphs()
    } else {
        builder
    };
    let mut h = builder
        .with_context_setup(lading::ui::install_fonts)
        .build_ui_state(|ui, app: &mut LadingApp| app.frame(ui), app);
    h.run_steps(3);
    h
}

fn id(h: &Harness<'_, LadingApp>, key: &str) -> EntityId {
    h.state()
        .explorer
        .as_ref()
        .unwrap()
        .index()
        .find(key)
        .unwrap()
        .id
}

fn trade_link(h: &Harness<'_, LadingApp>, from: &str, to: &str) -> Option<(u32, Vec<String>)> {
    let (a, b) = (id(h, from), id(h, to));
    let e = h.state().explorer.as_ref().unwrap();
    let l = e
        .graph()
        .links
        .iter()
        .find(|l| l.kind == LinkKind::Trade && l.source == a && l.target == b)?;
    let parts = l
        .part_types
        .iter()
        .map(|p| e.index().part_types()[p].clone())
        .collect();
    Some((l.shipments, parts))
}

fn click_at(h: &mut Harness<'_, LadingApp>, at: [f32; 2]) {
    let pos = pos2(at[0], at[1]);
    h.event(Event::PointerMoved(pos));
    h.step();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.step();
    }
    h.run_steps(2);
}

#[test]
fn unticking_mi_171e_leaves_the_mi_171sh_and_radio_shipments() {
    let mut h = harness(sample_app());
    assert_eq!(
        trade_link(&h, "poly-technologies", "ulan-ude-aviation-plant")
            .unwrap()
            .0,
        13
    );
    h.get_by_label_contains("Mi-171E  (").click();
    h.run_steps(3);
    let (shipments, parts) =
        trade_link(&h, "poly-technologies", "ulan-ude-aviation-plant").unwrap();
    assert_eq!(shipments, 5);
    assert_eq!(parts, ["Mi-171Sh", "radio"]);
}

#[test]
fn search_finds_ulan_ude_in_cyrillic_and_the_inspector_shows_its_owners() {
    let mut h = harness(sample_app());
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.get_by_label("Search").type_text("Улан");
    h.run_steps(2);
    h.get_by_label_contains("Joint Stock Company Ulan-Ude Aviation Plant")
        .click();
    h.run_steps(3);
    let plant = id(&h, "ulan-ude-aviation-plant");
    assert!(
        h.state()
            .explorer
            .as_ref()
            .unwrap()
            .selection
            .contains(&plant)
    );
    // The inspector's ownership chain: each step is a clickable link.
    h.get_by_label("Russian Helicopters JSC");
    h.get_by_label("State Corporation Rostec").click();
    h.run_steps(2);
    assert!(
        h.state()
            .explorer
            .as_ref()
            .unwrap()
            .selection
            .contains(&id(&h, "rostec"))
    );
}

#[test]
fn hiding_an_entity_removes_it_and_undo_brings_it_back() {
    let mut h = harness(sample_app());
    let poly = id(&h, "poly-technologies");
    h.state_mut().send(Command::Select {
        ids: vec![poly],
        additive: false,
    });
    h.run_steps(2);
    h.key_press(Key::Delete);
    h.run_steps(2);
    let shown = |h: &Harness<'_, LadingApp>| {
        h.state()
            .explorer
            .as_ref()
            .unwrap()
            .graph()
            .entities
            .contains(&poly)
    };
    assert!(!shown(&h));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(shown(&h));
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert!(!shown(&h));
}

#[test]
fn the_path_from_poly_technologies_to_united_engine_corporation_is_found() {
    let mut h = harness(sample_app());
    let (poly, uec) = (
        id(&h, "poly-technologies"),
        id(&h, "united-engine-corporation"),
    );
    h.state_mut().send(Command::Select {
        ids: vec![poly],
        additive: false,
    });
    // Let the inspector's layout settle before clicking by position.
    h.run_steps(5);
    // Inspector → "Path to…", then click the other entity on the canvas.
    h.get_by_label("Path to…").click();
    h.run_steps(2);
    assert_eq!(h.state().ui.path_from, Some(poly));
    let at = h.state().screen_position(uec).expect("UEC is drawn");
    click_at(&mut h, at);
    let path = h.state().explorer.as_ref().unwrap().path.clone();
    assert_eq!(path.first(), Some(&poly));
    assert_eq!(path.last(), Some(&uec));
    assert!(path.len() >= 2);
    h.get_by_label_contains("Path: ");
}

#[test]
fn a_name_with_emoji_and_500_characters_does_not_stop_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("🚁 Rotor {} Ltd", "x".repeat(500));
    let csv = dir.path().join("s.csv");
    std::fs::write(
        &csv,
        format!("date,shipper,consignee,value_usd\n2022-01-01,\"{long}\",Другая компания 🙂,10\n"),
    )
    .unwrap();
    let mut store = Store::open_or_create(&dir.path().join("t.db")).unwrap();
    store
        .import_csv(
            &csv,
            &lading::store::import::ImportOptions::new(
                lading::store::import::ImportKind::Shipments,
            ),
            None,
        )
        .unwrap();
    let mut h = harness_with(
        LadingApp::with_explorer(Explorer::new(store).unwrap()),
        true,
    );
    let e = id(&h, &long);
    h.state_mut().send(Command::Select {
        ids: vec![e],
        additive: false,
    });
    h.run_steps(3);
    assert_eq!(
        h.state().explorer.as_ref().unwrap().graph().entities.len(),
        2
    );
}

#[test]
fn an_empty_database_and_a_foreign_file_give_messages_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    drop(Store::open_or_create(&empty).unwrap());
    let mut app = LadingApp::empty();
    app.load(Some(empty));
    let mut h = harness(app);
    assert!(h.state().explorer.is_some());
    assert_eq!(
        h.state().explorer.as_ref().unwrap().graph().entities.len(),
        0
    );

    let foreign = dir.path().join("photo.db");
    std::fs::write(&foreign, b"\x89PNG\r\n\x1a\nnot a database").unwrap();
    h.state_mut().load(Some(foreign));
    h.run_steps(2);
    let error = h.state().error.clone().expect("an error message");
    assert!(error.contains("not a SQLite database"), "{error}");
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert!(h.state().error.is_none());
}

#[test]
fn the_screening_view_lists_the_sanctioned_parties_and_marks_links_shipped_after_listing() {
    let mut h = harness(sample_app());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::L);
    h.run_steps(3);
    assert!(h.state().ui.screening_open);
    // The listed entities, by authority; clicking one selects it (Rostec is listed by
    // several authorities, so it appears more than once).
    h.get_by_label_contains("OFAC (");
    h.get_by_label_contains("EU (");
    h.get_all_by_label("State Corporation Rostec")
        .next()
        .unwrap()
        .click();
    h.run_steps(3);
    let rostec = id(&h, "rostec");
    assert!(
        h.state()
            .explorer
            .as_ref()
            .unwrap()
            .selection
            .contains(&rostec)
    );
    // U-UAP was on OFAC's SDN list from 24 Mar 2022, before the 13 shipments of Jun–Nov 2022.
    h.get_by_label("Shipped after listing").click();
    h.run_steps(2);
    h.get_by_label("Poly Technologies, Inc. → Joint Stock Company Ulan-Ude Aviation Plant")
        .click();
    h.run_steps(3);
    let (poly, plant) = (
        id(&h, "poly-technologies"),
        id(&h, "ulan-ude-aviation-plant"),
    );
    let explorer = h.state().explorer.as_ref().unwrap();
    assert_eq!(explorer.selected_link, Some((poly, plant, LinkKind::Trade)));
    let flagged = explorer
        .screening()
        .after_listing
        .iter()
        .find(|a| a.shipper == poly && a.consignee == plant)
        .unwrap();
    assert_eq!(flagged.shipments, 13);
    assert!(flagged.consignee_listed);
}

/// File → Import (Ctrl+I), "FollowTheMoney entities": the import runs on its worker thread,
/// the window reloads and says what was added; a broken file gives the command line's error.
#[test]
fn the_import_dialog_imports_ftm_entities() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sample.db");
    let mut store = Store::open_or_create(&db).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    let mut h = harness(LadingApp::with_explorer(Explorer::new(store).unwrap()));
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ftm");
    let run_import = |h: &mut Harness<'static, LadingApp>, file: &std::path::Path| {
        h.key_press_modifiers(Modifiers::COMMAND, Key::I);
        h.run_steps(2);
        h.get_by_value("shipments (CSV)").click();
        h.run_steps(2);
        h.get_by_label("FollowTheMoney entities (JSON lines)")
            .click();
        h.run_steps(2);
        let field = || (egui::accesskit::Role::TextInput, "File");
        h.get_by_role_and_label(field().0, field().1).click();
        h.run_steps(1);
        h.get_by_role_and_label(field().0, field().1)
            .type_text(file.to_str().unwrap());
        h.run_steps(1);
        h.get_by_role_and_label(egui::accesskit::Role::Button, "Import")
            .click();
        for _ in 0..600 {
            h.run_steps(1);
            if h.state().ui.import_job.is_none() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(h.state().ui.import_job.is_none(), "the import finished");
    };
    run_import(&mut h, &fixtures.join("broken.ftm.json"));
    let error = h.state_mut().error.take().expect("an error report");
    assert!(
        error.contains("broken.ftm.json:3") && error.contains("nothing was imported"),
        "{error}"
    );
    h.run_steps(2);

    run_import(&mut h, &fixtures.join("opensanctions.ftm.json"));
    assert!(h.state().error.is_none(), "{:?}", h.state().error);
    let status = h.state().ui.status.clone();
    assert_eq!(
        h.state().session.report,
        None,
        "no \"database changed\" warning"
    );
    assert!(
        status.contains("Imported 28 FtM entities") && status.contains("3 shipments added"),
        "{status}"
    );
    assert!(
        status.contains("not modelled: 1 Directorship, 1 Person, 1 Vessel"),
        "{status}"
    );
    // The reloaded explorer holds the created entities and the new shipments.
    h.run_steps(3);
    id(&h, "harbin-orient-trading-co-ltd-fictional");
    assert!(
        trade_link(
            &h,
            "harbin-orient-trading-co-ltd-fictional",
            "ulan-ude-aviation-plant"
        )
        .is_some()
    );
}
