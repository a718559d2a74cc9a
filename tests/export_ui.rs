//! Copy picture (export dialog and Edit menu), driven headless with egui_kittest: the frame
//! that handles the click hands the integration a clipboard image of the picture.

use egui::{Key, Modifiers, OutputCommand};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lading::explorer::Explorer;
use lading::store::Store;
use lading::ui::LadingApp;

fn harness() -> Harness<'static, LadingApp> {
    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    let app = LadingApp::with_explorer(Explorer::new(store).unwrap());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_context_setup(lading::ui::install_fonts)
        .build_ui_state(|ui, app: &mut LadingApp| app.frame(ui), app);
    h.run_steps(3);
    h
}

/// Opens the export dialog with Ctrl+E, lets `choose` set its choices, and draws a frame.
fn open_export_dialog(
    h: &mut Harness<'_, LadingApp>,
    choose: impl FnOnce(&mut lading::ui::export_ui::ExportDialog),
) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run_steps(2);
    choose(
        h.state_mut()
            .ui
            .export
            .as_mut()
            .expect("Ctrl+E opens the export dialog"),
    );
    h.run_steps(1);
}

/// Steps the app until the picture being made on the worker thread is done (its result is
/// taken in the last frame stepped).
fn wait_for_picture(h: &mut Harness<'_, LadingApp>) {
    let started = std::time::Instant::now();
    h.step();
    while lading::ui::export_ui::picture_pending(h.state()) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "the picture was not made within 2 minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
}

/// The images the last frame put on the clipboard.
fn copied_images(h: &Harness<'_, LadingApp>) -> Vec<egui::ColorImage> {
    h.output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            OutputCommand::CopyImage(image) => Some(image.clone()),
            _ => None,
        })
        .collect()
}

/// Not blank: the network's colours, not only background.
fn assert_is_a_picture(image: &egui::ColorImage, width: usize) {
    assert_eq!(image.size[0], width);
    assert!(image.size[1] > 100, "{:?}", image.size);
    let background = image.pixels[0];
    let inked = image.pixels.iter().filter(|&&p| p != background).count();
    assert!(
        inked * 50 > image.pixels.len(),
        "only {inked} of {} pixels differ from the background",
        image.pixels.len()
    );
    // Opaque, as the PNG.
    assert!(image.pixels.iter().all(|p| p.a() == 255));
}

#[test]
fn the_export_dialog_copies_the_picture_to_the_clipboard() {
    let mut h = harness();
    open_export_dialog(&mut h, |d| d.width_px = 700);
    h.get_by_label("1x").click();
    h.run_steps(1);
    h.get_by_label("Copy picture").click();
    wait_for_picture(&mut h);
    let images = copied_images(&h);
    assert_eq!(images.len(), 1, "one image on the clipboard");
    assert_is_a_picture(&images[0], 700);
    let status = h.state().ui.status.clone();
    assert!(
        status.contains("clipboard") && status.contains("700"),
        "{status}"
    );
    // The dialog has done its job.
    assert!(h.state().ui.export.is_none());
}

#[test]
fn edit_copy_picture_copies_the_whole_network() {
    let mut h = harness();
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Copy picture").click();
    wait_for_picture(&mut h);
    let images = copied_images(&h);
    assert_eq!(images.len(), 1, "one image on the clipboard");
    // The export dialog's default width at 1x.
    assert_is_a_picture(&images[0], 1600);
}

#[test]
fn the_clipboard_image_has_the_pngs_pixels() {
    use lading::export::{PictureInput, PictureOptions, picture, png, settle};
    use lading::filter::Filter;
    use lading::index::ShipmentIndex;

    let mut store = Store::in_memory().unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    let index = ShipmentIndex::build(store.load_dataset().unwrap());
    let filter = Filter::default();
    let graph = filter.apply(&index);
    let positions = settle(&graph, 1, 200).unwrap();
    let input = PictureInput::new(&index, &filter, &graph, &positions);
    let pic = picture(
        &input,
        &PictureOptions {
            width_px: 500,
            ..PictureOptions::default()
        },
    )
    .unwrap();
    let image = lading::ui::export_ui::clipboard_image(&pic).unwrap();
    let (w, h, rgba) = png::decode(&pic.to_png().unwrap()).unwrap();
    assert_eq!(image.size, [w as usize, h as usize]);
    let from_png: Vec<egui::Color32> = rgba
        .chunks_exact(4)
        .map(|p| egui::Color32::from_rgba_unmultiplied(p[0], p[1], p[2], p[3]))
        .collect();
    assert!(image.pixels == from_png, "clipboard and PNG pixels differ");
}

#[test]
fn exporting_into_a_missing_folder_says_so_and_keeps_the_dialog() {
    let mut h = harness();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no such folder").join("story.png");
    open_export_dialog(&mut h, |d| d.path = out.display().to_string());
    h.get_by_label("Export").click();
    h.step();
    // Said at once, before any painting; the choices stay for another try.
    assert!(!lading::ui::export_ui::picture_pending(h.state()));
    let error = h.state().error.clone().expect("an error is shown");
    assert!(error.contains("no such folder"), "{error}");
    assert!(h.state().ui.export.is_some(), "the dialog stays open");
    assert!(!out.exists());
}

#[test]
fn ctrl_e_exports_the_picture_as_png() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("story.png");
    let mut h = harness();
    // The path field holds a default name; point it into the temporary folder.
    open_export_dialog(&mut h, |d| d.path = out.display().to_string());
    h.get_by_label("1x").click();
    h.run_steps(1);
    h.get_by_label("Export").click();
    // Painted and written on a worker thread; the window goes on drawing meanwhile.
    wait_for_picture(&mut h);
    let bytes = std::fs::read(&out).expect("the PNG was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(
        h.state().ui.status.contains("story.png"),
        "{}",
        h.state().ui.status
    );
}

#[test]
fn the_windows_export_holds_its_callout_highlight_and_path() {
    use lading::annotation::{Callout, Target};
    use lading::explorer::Command;
    let mut h = harness();
    let app = h.state_mut();
    let id = |app: &LadingApp, key: &str| app.explorer.as_ref().unwrap().id_of_key(key).unwrap();
    let (poly, plant) = (
        id(app, "poly-technologies"),
        id(app, "ulan-ude-aviation-plant"),
    );
    let magenta = lading::annotation::HIGHLIGHT_COLOURS[2].1;
    app.send(Command::AddCallout(Callout {
        at: [0.0, 0.0],
        text: "Final assembly".to_owned(),
        entity: Some("ulan-ude-aviation-plant".to_owned()),
    }));
    app.send(Command::SetHighlight(
        Target::Entity("rosoboronexport".to_owned()),
        Some(magenta),
    ));
    app.send(Command::FindPath(poly, plant));
    h.run_steps(3);
    // Apart, so the link between them is drawn (nodes that overlap have none). Both are
    // pinned: the layout would otherwise pull Poly towards its pinned partner.
    let e = h.state_mut().explorer.as_mut().unwrap();
    let at = e.positions().get(poly).unwrap();
    e.begin_gesture();
    e.drag_to(poly, at);
    e.drag_to(plant, [at[0] + 400.0, at[1]]);
    e.end_gesture();
    h.run_steps(2);
    open_export_dialog(&mut h, |d| d.scale = 1);
    let dialog = h.state_mut().ui.export.take().unwrap();
    let pic = lading::ui::export_ui::picture(h.state(), &dialog).unwrap();
    let scene = pic.scene();
    // The callout, pointing at its plant.
    assert_eq!(scene.callouts.len(), 1);
    assert_eq!(scene.callouts[0].lines, ["Final assembly"]);
    assert!(scene.callouts[0].pointer.is_some());
    // The highlight's halo (dimmed: it is off the path).
    let roe = id(h.state(), "rosoboronexport");
    let halo = scene
        .nodes
        .iter()
        .find(|n| n.id == roe)
        .and_then(|n| n.halo);
    let (c, _) = halo.expect("the highlighted entity has its halo");
    assert_eq!((c.0, c.1, c.2), (magenta.0, magenta.1, magenta.2));
    // The path: its links in the path colour, its entities in full, the rest dimmed.
    let path = h.state().explorer.as_ref().unwrap().path.clone();
    assert!(path.len() >= 2 && path[0] == poly && path[path.len() - 1] == plant);
    let style = lading::style::Style::default();
    let on_path = scene.links.iter().filter(|l| l.color == style.path).count();
    let between: Vec<_> = scene
        .links
        .iter()
        .filter(|l| path.contains(&l.source) && path.contains(&l.target))
        .map(|l| (l.source, l.target, l.role, l.color))
        .collect();
    assert!(
        on_path >= path.len() - 1,
        "{on_path} links for the path {path:?}: {between:?}"
    );
    for n in &scene.nodes {
        assert_eq!(n.fill.3 == 255, path.contains(&n.id), "{}", n.id);
    }
}
