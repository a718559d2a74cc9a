//! The explorer's second round in the real window, driven headless with egui_kittest: the story
//! first, the provenance switch, grouping by state owner, playback, and the fixes of issue 14.

use egui::{Event, Key, Modifiers, PointerButton, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lading::explorer::{Command, Explorer};
use lading::model::EntityId;
use lading::scene::{self, Marks};
use lading::store::Store;
use lading::ui::LadingApp;

fn sample_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    store
}

fn harness(app: LadingApp) -> Harness<'static, LadingApp> {
    harness_sized(app, egui::vec2(1440.0, 900.0))
}

fn harness_sized(app: LadingApp, size: egui::Vec2) -> Harness<'static, LadingApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .with_step_dt(1.0 / 60.0)
        .with_context_setup(lading::ui::install_fonts)
        .build_ui_state(|ui, app: &mut LadingApp| app.frame(ui), app);
    h.run_steps(3);
    h
}

/// The window as it first opens on the sample.
fn first_window() -> Harness<'static, LadingApp> {
    harness(LadingApp::first_window(
        Explorer::new(sample_store()).unwrap(),
    ))
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

fn explorer<'a>(h: &'a Harness<'_, LadingApp>) -> &'a Explorer {
    h.state().explorer.as_ref().unwrap()
}

/// The scene the canvas draws now.
fn scene_now(h: &Harness<'_, LadingApp>) -> scene::Scene {
    let app = h.state();
    let e = explorer(h);
    let mut input = e.scene_input(&app.style, app.view);
    input.marks = Marks::default();
    input.size_by = app.ui.size_by;
    input.labels = app.ui.show_labels;
    scene::build(&input)
}

fn press(h: &mut Harness<'_, LadingApp>, at: egui::Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos: at,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
    h.step();
}

#[test]
fn the_first_window_shows_the_story_labelled_on_screen_and_nothing_made_up() {
    let mut h = first_window();
    h.run_steps(5);
    let e = explorer(&h);
    assert!(e.graph().synthetic.is_empty(), "no synthetic entity");
    assert!(
        e.index().entities().len() > 300,
        "the synthetic world is in the database"
    );
    let scene = scene_now(&h);
    let size = h.state().view.size;
    for key in ["poly-technologies", "ulan-ude-aviation-plant"] {
        let who = id(&h, key);
        let label = scene
            .labels
            .iter()
            .find(|l| l.id == who)
            .unwrap_or_else(|| panic!("{key} is labelled"));
        for (line, [x, y]) in label.placed_lines() {
            let w = lading::style::text::width(line, label.size, label.bold);
            assert!(
                x >= 0.0 && x + w <= size[0] && y - label.size >= 0.0 && y + label.size <= size[1],
                "{key}'s label line {line:?} at {x},{y} (w {w}) inside {size:?}"
            );
        }
    }
    // The status line says where the rest is.
    assert!(
        h.state().ui.status.contains("synthetic"),
        "{}",
        h.state().ui.status
    );
}

#[test]
fn the_provenance_switch_shows_the_synthetic_world_washed_out() {
    let mut h = first_window();
    h.get_by_label_contains("Synthetic, made up (").click();
    h.run_steps(3);
    let e = explorer(&h);
    assert!(e.graph().synthetic.len() > 300);
    let scene = scene_now(&h);
    assert!(
        scene
            .legend
            .words()
            .iter()
            .any(|w| w.starts_with("Pale: synthetic")),
        "the legend says what washed out means"
    );
    let style = &h.state().style;
    let made_up = scene
        .nodes
        .iter()
        .find(|n| e.graph().is_synthetic(n.id))
        .expect("a synthetic node on screen");
    let country = &e.index().entity(made_up.id).unwrap().country;
    assert_ne!(made_up.fill, style.country_color(country), "marked");
    let real = scene
        .nodes
        .iter()
        .find(|n| !e.graph().is_synthetic(n.id))
        .unwrap();
    let country = &e.index().entity(real.id).unwrap().country;
    assert_eq!(real.fill, style.country_color(country), "not marked");
    // The tooltip and the inspector say it in words.
    let tip = lading::ui::tooltip_for(e, made_up.id);
    assert!(tip.contains("Synthetic"), "{tip}");
}

#[test]
fn grouping_by_state_owner_gives_sasac_and_rostec_and_a_double_click_opens_a_group() {
    let mut h = first_window();
    h.get_by_label("Ultimate state owner").click();
    h.run_steps(3);
    let (sasac, rostec) = (id(&h, "sasac"), id(&h, "rostec"));
    let e = explorer(&h);
    assert_eq!(e.graph().entities, vec![sasac, rostec]);
    let shipped: u32 = e
        .graph()
        .trade_links()
        .filter(|l| l.source == sasac && l.target == rostec)
        .map(|l| l.shipments)
        .sum();
    assert_eq!(shipped, 19);
    // Labels say how many each group holds.
    let scene = scene_now(&h);
    assert!(
        scene
            .labels
            .iter()
            .any(|l| l.id == rostec && l.text().ends_with(')'))
    );
    // Double-click Rostec: its members appear where it was.
    h.run_steps(20);
    let at = h.state().screen_position(rostec).unwrap();
    let at = pos2(at[0], at[1]);
    h.event(Event::PointerMoved(at));
    h.step();
    for _ in 0..2 {
        press(&mut h, at, true);
        press(&mut h, at, false);
    }
    h.run_steps(3);
    let plant = id(&h, "ulan-ude-aviation-plant");
    assert!(
        explorer(&h).graph().entities.contains(&plant),
        "Rostec opened: at {at:?} sel {:?} status {:?} view {:?}",
        explorer(&h).selection,
        h.state().ui.status,
        h.state().view
    );
    assert!(explorer(&h).filter().open_groups.contains("rostec"));
}

#[test]
fn play_steps_the_date_window_and_space_pauses_it() {
    let mut h = first_window();
    // The story's shipments start long after the sample's first date: play starts on them.
    let shipped = explorer(&h).graph().shipped_span().unwrap();
    let (data_first, _) = explorer(&h).index().date_span().unwrap();
    assert!(shipped.0 > data_first);
    h.get_by_label("▶ Play").click();
    h.run_steps(2);
    let first_to = explorer(&h).filter().to.expect("the first step ends early");
    let run = h.state().ui.playback.run.as_ref().expect("playing");
    assert_eq!(run.frames[0].from, shipped.0);
    assert!(
        explorer(&h).graph().shipments > 0,
        "the first step shows shipments"
    );
    assert!(run.playing);
    assert!(run.frames.len() > 3);
    // Sizes and positions are held while playing, as in the animated export.
    assert!(explorer(&h).is_playing());
    let held = explorer(&h).positions().clone();
    h.get_by_label("Next step").click();
    h.run_steps(2);
    let second_to = explorer(&h).filter().to.unwrap();
    assert!(second_to > first_to);
    for (id, p) in held.iter() {
        assert_eq!(explorer(&h).positions().get(id), Some(p), "{id:?} moved");
    }
    // Space pauses; time passing then changes nothing.
    h.key_press(Key::Space);
    h.run_steps(2);
    assert!(!h.state().ui.playback.run.as_ref().unwrap().playing);
    let paused_at = explorer(&h).filter().to;
    for _ in 0..90 {
        h.step();
    }
    assert_eq!(explorer(&h).filter().to, paused_at);
    // Stop puts the range back.
    h.get_by_label("■ Stop").click();
    h.run_steps(2);
    assert!(h.state().ui.playback.run.is_none());
    assert_eq!(explorer(&h).filter().to, None);
    assert!(!explorer(&h).is_playing());
}

#[test]
fn a_playback_played_to_its_end_leaves_the_filter_as_it_was() {
    let mut h = first_window();
    let before = explorer(&h).filter().clone();
    assert_eq!((before.from, before.to), (None, None));
    h.get_by_label("▶ Play").click();
    h.run_steps(2);
    // Paused, so only "Next step" moves it.
    h.key_press(Key::Space);
    h.run_steps(2);
    let run = h.state().ui.playback.run.as_ref().unwrap();
    let (steps, at) = (run.frames.len(), run.index);
    assert!(steps > 3);
    // Every step but the last ends early; the first reaches back to the filter's open start.
    assert_eq!(explorer(&h).filter().from, None);
    for _ in at + 1..steps {
        assert!(explorer(&h).filter().to.is_some());
        h.get_by_label("Next step").click();
        h.run_steps(2);
    }
    assert_eq!(
        explorer(&h).filter().to,
        None,
        "the last step is the whole range"
    );
    h.get_by_label("Next step").click();
    h.run_steps(2);
    assert!(h.state().ui.playback.run.is_none(), "played to its end");
    assert_eq!(explorer(&h).filter(), &before);
}

#[test]
fn a_quick_drag_of_a_date_handle_moves_the_handle_it_started_on() {
    let mut h = first_window();
    h.run_steps(2);
    // The timeline is the first wide widget under "Dates": its left edge is the From handle
    // at the full range.
    let dates = h.get_by_label("Dates").rect();
    let track_top = dates.max.y + 6.0;
    let left = dates.min.x + 1.0;
    let start = pos2(left + 2.0, track_top + 30.0);
    h.event(Event::PointerMoved(start));
    h.step();
    press(&mut h, start, true);
    // One fast move, far past egui's drag threshold, then release.
    h.event(Event::PointerMoved(start + egui::vec2(80.0, 0.0)));
    h.step();
    press(&mut h, start + egui::vec2(80.0, 0.0), false);
    h.run_steps(2);
    let f = explorer(&h).filter();
    assert!(f.from.is_some(), "the From handle moved");
    assert_eq!(f.to, None, "not a band drag");
}

#[test]
fn the_ranges_dates_are_full_size_labels() {
    let h = first_window();
    let (first, last) = explorer(&h).index().date_span().unwrap();
    let from = h.get_by_label(&first.human()).rect();
    let to = h.get_by_label(&last.human()).rect();
    assert!(from.height() >= 15.0, "{from:?}");
    assert!(from.max.x < to.min.x, "they do not overlap");
}

#[test]
fn esc_closes_find_before_it_clears_the_selection() {
    let mut h = first_window();
    let poly = id(&h, "poly-technologies");
    h.state_mut().send(Command::Select {
        ids: vec![poly],
        additive: false,
    });
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    assert!(h.state().ui.search_open);
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(!h.state().ui.search_open, "Find closed first");
    assert!(explorer(&h).selection.contains(&poly), "the selection kept");
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(explorer(&h).selection.is_empty());
}

#[test]
fn find_starts_from_a_selected_query_so_typing_replaces_it() {
    let mut h = first_window();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.get_by_label("Search").type_text("Poly");
    h.run_steps(2);
    h.key_press(Key::Escape);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(3);
    h.get_by_label("Search").type_text("Rost");
    h.run_steps(2);
    assert_eq!(h.state().ui.search_query, "Rost");
}

#[test]
fn find_enter_brings_a_far_entity_into_view() {
    let mut h = first_window();
    h.run_steps(3);
    // Look far away, then find Poly Technologies.
    h.state_mut().view.center = [50_000.0, 50_000.0];
    h.state_mut().auto_fit = false;
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.get_by_label("Search").type_text("Poly Technologies");
    h.run_steps(1);
    h.key_press(Key::Enter);
    // The move takes a moment (0.35 s of egui's clock).
    for _ in 0..40 {
        h.step();
    }
    let at = h
        .state()
        .screen_position(id(&h, "poly-technologies"))
        .unwrap();
    let canvas = h.state().canvas_origin;
    let size = h.state().view.size;
    assert!(
        at[0] > canvas[0]
            && at[0] < canvas[0] + size[0]
            && at[1] > canvas[1]
            && at[1] < canvas[1] + size[1],
        "{at:?} in the canvas at {canvas:?} of {size:?}"
    );
}

#[test]
fn the_inspector_keeps_its_width_for_a_long_name() {
    let mut h = first_window();
    let left_edge = |h: &mut Harness<'_, LadingApp>, key: &str| {
        let who = id(h, key);
        h.state_mut().send(Command::Select {
            ids: vec![who],
            additive: false,
        });
        h.run_steps(4);
        h.get_by_label("Expand").rect().min.x
    };
    let short = left_edge(&mut h, "rostec");
    let long = left_edge(&mut h, "sasac");
    assert!((short - long).abs() < 1.0, "{short} vs {long}");
}

#[test]
fn the_legend_folds_and_never_covers_the_network() {
    let mut h = first_window();
    let open_height = h.state().view.size[1];
    h.get_by_label("▾ Legend").click();
    h.run_steps(3);
    assert!(h.state().ui.legend_collapsed);
    let folded_height = h.state().view.size[1];
    assert!(
        folded_height > open_height,
        "{folded_height} > {open_height}"
    );
    // Unfolded, the canvas ends where the legend strip begins.
    h.get_by_label("▸ Legend").click();
    h.run_steps(3);
    assert_eq!(h.state().view.size[1], open_height);
}

#[test]
fn a_failed_import_clears_the_status_and_the_dialog_remembers_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut store = Store::open_or_create(&db).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    // Tall enough for the import dialog's preview of the file.
    let mut h = harness_sized(
        LadingApp::with_explorer(Explorer::new(store).unwrap()),
        egui::vec2(1600.0, 1400.0),
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "date,shipper,consignee\n2022-13-40,a,b\n").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "File")
        .click();
    h.run_steps(1);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "File")
        .type_text(bad.to_str().unwrap());
    h.run_steps(1);
    // The preview of the file appears, and the dialog settles around it, before clicking.
    h.run_steps(4);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Import")
        .click();
    for _ in 0..600 {
        h.run_steps(1);
        if h.state().ui.import_job.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        h.state().error.is_some(),
        "status {:?} dialog open {}",
        h.state().ui.status,
        h.state().ui.dialog.is_some()
    );
    assert!(
        !h.state().ui.status.contains("Importing"),
        "{}",
        h.state().ui.status
    );
    h.state_mut().error = None;
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run_steps(2);
    assert_eq!(
        h.state().ui.dialog.as_ref().unwrap().folder.as_deref(),
        Some(dir.path())
    );
}

#[test]
fn menus_help_and_the_empty_window_name_one_shortcut_per_action() {
    let mut h = harness(LadingApp::empty());
    assert!(lading::ui::EMPTY_CANVAS.contains("Ctrl+Shift+O"));
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Open database…  (Ctrl+Shift+O)");
    h.get_by_label("Open session…  (Ctrl+O)");
    let help: Vec<&str> = lading::ui::SHORTCUTS.iter().map(|(k, _)| *k).collect();
    assert!(help.contains(&"Ctrl+O / Ctrl+Shift+O"));
    // Every key in the help is listed once.
    let mut seen = std::collections::BTreeSet::new();
    assert!(help.iter().all(|k| seen.insert(*k)), "{help:?}");
}

#[test]
fn counts_are_singular_and_plural() {
    let mut h = first_window();
    let (poly, plant) = (
        id(&h, "poly-technologies"),
        id(&h, "ulan-ude-aviation-plant"),
    );
    h.state_mut().send(Command::FindPath(poly, plant));
    h.run_steps(3);
    h.get_by_label("Path: 1 hop");
    assert_eq!(lading::ui::count(1, "shipment", "shipments"), "1 shipment");
    assert_eq!(lading::ui::count(0, "entity", "entities"), "0 entities");
    // The focus label: "1 hop".
    h.state_mut().send(Command::Focus(Some((poly, 1))));
    h.run_steps(3);
    h.get_by_label_contains("Focus: 1 hop around");
}
