//! Sessions in the real window, driven headless with egui_kittest: notes in the inspector,
//! the title's unsaved mark, Ctrl+S / Ctrl+O / Ctrl+Shift+O, a bad file that changes
//! nothing, callouts, asking before closing, and restoring the recovery file.

use egui::{Key, Modifiers, ViewportCommand, ViewportEvent, ViewportId};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lading::annotation::Target;
use lading::explorer::{Command, Explorer};
use lading::store::Store;
use lading::ui::LadingApp;

fn sample_app() -> LadingApp {
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    LadingApp::with_explorer(Explorer::new(store).unwrap())
}

fn harness(app: LadingApp) -> Harness<'static, LadingApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_context_setup(lading::ui::install_fonts)
        .build_ui_state(|ui, app: &mut LadingApp| app.frame(ui), app);
    h.run_steps(3);
    h
}

fn explorer<'a>(h: &'a Harness<'_, LadingApp>) -> &'a Explorer {
    h.state().explorer.as_ref().unwrap()
}

fn select(h: &mut Harness<'_, LadingApp>, key: &str) {
    let id = explorer(h).id_of_key(key).unwrap();
    h.state_mut().send(Command::Select {
        ids: vec![id],
        additive: false,
    });
    h.run_steps(3);
}

fn type_into(h: &mut Harness<'_, LadingApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(2);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

fn commands(h: &Harness<'_, LadingApp>) -> Vec<ViewportCommand> {
    h.output()
        .viewport_output
        .get(&ViewportId::ROOT)
        .map(|v| v.commands.clone())
        .unwrap_or_default()
}

#[test]
fn a_note_typed_in_the_inspector_is_kept_marks_the_title_and_is_one_undo_step() {
    let mut h = harness(sample_app());
    assert!(!h.state().title().starts_with('*'), "{}", h.state().title());
    select(&mut h, "poly-technologies");
    h.get_by_label("Note").click();
    h.run_steps(2);
    h.get_by_label("Note").type_text("Mi-171Sh kits via Poly");
    h.run_steps(2);
    h.key_press(Key::Escape);
    h.run_steps(3);
    let target = Target::Entity("poly-technologies".into());
    assert_eq!(
        explorer(&h)
            .doc()
            .annotations
            .notes
            .get(&target)
            .map(String::as_str),
        Some("Mi-171Sh kits via Poly")
    );
    assert!(h.state().title().starts_with("* "), "{}", h.state().title());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(explorer(&h).doc().annotations.notes.is_empty());
}

#[test]
fn ctrl_s_saves_ctrl_o_opens_and_a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("work.lading");
    let mut h = harness(sample_app());
    let uuap = explorer(&h).id_of_key("ulan-ude-aviation-plant").unwrap();
    h.state_mut().send(Command::Place(uuap, [5.0, 6.0]));
    h.state_mut().send(Command::SetNote(
        Target::Entity("ulan-ude-aviation-plant".into()),
        "note".into(),
    ));
    h.run_steps(2);

    // Ctrl+S on an unsaved session asks where.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    type_into(&mut h, "Session file", &path.display().to_string());
    h.get_by_label("Save").click();
    h.run_steps(3);
    assert!(
        path.exists(),
        "{:?} {:?}",
        h.state()
            .session
            .dialog
            .as_ref()
            .map(|d| (&d.path, &d.note)),
        h.state().error
    );
    assert_eq!(h.state().title(), "work — Lading");
    let saved_doc = explorer(&h).doc().clone();

    // Change something, then open the saved session: the change is gone.
    h.state_mut().send(Command::Hide(vec![uuap]));
    h.run_steps(2);
    assert!(h.state().title().starts_with("* "));
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_steps(2);
    h.get_by_label("Open session");
    type_into(&mut h, "Session file", &path.display().to_string());
    h.get_by_label("Open").click();
    h.run_steps(3);
    // Unsaved changes: asked first.
    h.get_by_label("Save changes before opening another session?");
    h.get_by_label("Discard").click();
    h.run_steps(3);
    assert_eq!(explorer(&h).doc(), &saved_doc);
    assert_eq!(h.state().title(), "work — Lading");

    // A file that is not a session: a message in the dialog, nothing changes.
    let bad = dir.path().join("bad.lading");
    std::fs::write(&bad, "not json").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_steps(2);
    type_into(&mut h, "Session file", &bad.display().to_string());
    h.get_by_label("Open").click();
    h.run_steps(3);
    h.get_by_label_contains("not a Lading session");
    assert_eq!(explorer(&h).doc(), &saved_doc);
    assert_eq!(h.state().title(), "work — Lading");
    h.get_by_label("Cancel").click();
    h.run_steps(2);

    // Open database moved to Ctrl+Shift+O.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    h.run_steps(2);
    h.get_by_label("Open database");
}

#[test]
fn a_callout_is_written_in_its_dialog_and_undone_in_one_step() {
    let mut h = harness(sample_app());
    h.state_mut()
        .new_callout([0.0, 0.0], Some("ulan-ude-aviation-plant".into()));
    h.run_steps(2);
    type_into(&mut h, "Callout text", "Peak in 2022");
    h.get_by_label("OK").click();
    h.run_steps(3);
    let callouts = &explorer(&h).doc().annotations.callouts;
    assert_eq!(callouts.len(), 1);
    assert_eq!(callouts.values().next().unwrap().text, "Peak in 2022");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(explorer(&h).doc().annotations.callouts.is_empty());
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let mut h = harness(sample_app());
    let uuap = explorer(&h).id_of_key("ulan-ude-aviation-plant").unwrap();
    h.state_mut().send(Command::Hide(vec![uuap]));
    h.run_steps(2);
    h.input_mut()
        .viewports
        .entry(ViewportId::ROOT)
        .or_default()
        .events
        .push(ViewportEvent::Close);
    h.step();
    assert!(
        commands(&h).contains(&ViewportCommand::CancelClose),
        "{:?}",
        commands(&h)
    );
    h.run_steps(2);
    h.get_by_label("Save changes before closing?");
    h.get_by_label("Discard").click();
    h.step();
    assert!(
        commands(&h).contains(&ViewportCommand::Close),
        "{:?}",
        commands(&h)
    );
}

#[test]
fn autosave_is_offered_back_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = sample_app();
    app.use_data_dir(dir.path().to_path_buf());
    let uuap = app
        .explorer
        .as_ref()
        .unwrap()
        .id_of_key("ulan-ude-aviation-plant")
        .unwrap();
    app.send(Command::Hide(vec![uuap]));
    app.apply_pending();
    app.autosave();
    assert!(dir.path().join("recovery.lading").exists());
    drop(app); // the crash

    let mut app = sample_app();
    app.use_data_dir(dir.path().to_path_buf());
    let mut h = harness(app);
    h.get_by_label("Restore unsaved work?");
    h.get_by_label("Restore").click();
    h.run_steps(3);
    assert!(explorer(&h).doc().hidden.contains(&uuap));
    assert!(h.state().title().starts_with("* "), "{}", h.state().title());
}

#[test]
fn an_import_keeps_the_session_and_brings_back_a_missing_entity() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    // The data without Ulan-Ude at first.
    let mut store = Store::open_or_create(&db).unwrap();
    let mut dropped: Vec<(lading::store::import::ImportKind, String)> = Vec::new();
    for (kind, name, bytes) in lading::sample::SAMPLE_FILES {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let header = text.lines().next().unwrap().to_owned();
        let (keep, drop): (Vec<&str>, Vec<&str>) = text
            .lines()
            .skip(1)
            .partition(|l| !l.contains("ulan-ude-aviation-plant"));
        let keep = format!("{header}\n{}\n", keep.join("\n"));
        dropped.push((*kind, format!("{header}\n{}\n", drop.join("\n"))));
        store
            .import_reader(
                std::path::Path::new(name),
                keep.as_bytes(),
                keep.len() as u64,
                &lading::store::import::ImportOptions::new(*kind),
                None,
            )
            .unwrap();
    }
    drop(store);
    let mut app = LadingApp::empty();
    app.load(Some(db.clone()));
    let poly = app
        .explorer
        .as_ref()
        .unwrap()
        .id_of_key("poly-technologies")
        .unwrap();
    let uuap = Target::Entity("ulan-ude-aviation-plant".into());
    app.send(Command::Place(poly, [7.0, 8.0]));
    app.send(Command::SetNote(uuap.clone(), "comes back".into()));
    app.apply_pending();

    // The import adds Ulan-Ude; the window reloads the database.
    let mut store = Store::open(&db).unwrap();
    for (kind, text) in &dropped {
        store
            .import_reader(
                std::path::Path::new("more.csv"),
                text.as_bytes(),
                text.len() as u64,
                &lading::store::import::ImportOptions::new(*kind),
                None,
            )
            .unwrap();
    }
    drop(store);
    app.reload_keeping_session(&db);
    let e = app.explorer.as_ref().unwrap();
    assert!(e.id_of_key("ulan-ude-aviation-plant").is_some());
    assert_eq!(e.doc().pinned.get(&poly), Some(&[7.0, 8.0]));
    assert_eq!(
        e.doc().annotations.notes.get(&uuap).map(String::as_str),
        Some("comes back")
    );
    assert!(app.is_dirty());
}
