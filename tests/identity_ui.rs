//! The window's side of identity, driven headless with egui_kittest: the Duplicates view
//! (merge, undo, not the same) and File → Import's preview (mapping, skip bad rows).

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lading::explorer::Explorer;
use lading::filter::LinkKind;
use lading::model::EntityKind;
use lading::store::Store;
use lading::store::identity::Verdict;
use lading::ui::LadingApp;

fn combo(value: &str) -> egui_kittest::kittest::By<'_> {
    egui_kittest::kittest::by()
        .role(egui::accesskit::Role::ComboBox)
        .value(value)
}

fn harness(app: LadingApp) -> Harness<'static, LadingApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_context_setup(lading::ui::install_fonts)
        .build_ui_state(|ui, app: &mut LadingApp| app.frame(ui), app);
    h.run_steps(3);
    h
}

/// The sample, plus a second entity for the Ulan-Ude plant (written straight into the
/// database, as another tool might have) with one shipment from Poly Technologies.
fn database_with_a_duplicate(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("dup.db");
    let mut store = Store::open_or_create(&db).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    store
        .insert_entity(
            "uuap-copy",
            "ULAN-UDE AVIATION PLANT JSC",
            EntityKind::Company,
            "RU",
            false,
        )
        .unwrap();
    let csv = dir.join("one.csv");
    std::fs::write(
        &csv,
        "date,shipper,consignee,value_usd,source_ref\n2023-02-01,poly-technologies,uuap-copy,500,DUP-1\n",
    )
    .unwrap();
    let options =
        lading::store::import::ImportOptions::new(lading::store::import::ImportKind::Shipments);
    store.import_csv(&csv, &options, None).unwrap();
    db
}

fn entities(h: &Harness<'_, LadingApp>) -> usize {
    h.state()
        .explorer
        .as_ref()
        .unwrap()
        .index()
        .entities()
        .len()
}

/// Shipments on the trade link Poly Technologies → the plant (by key).
fn poly_to(h: &Harness<'_, LadingApp>, key: &str) -> u32 {
    let e = h.state().explorer.as_ref().unwrap();
    let (Some(a), Some(b)) = (e.id_of_key("poly-technologies"), e.id_of_key(key)) else {
        return 0;
    };
    e.graph()
        .links
        .iter()
        .find(|l| l.kind == LinkKind::Trade && l.source == a && l.target == b)
        .map_or(0, |l| l.shipments)
}

fn open_duplicates(h: &mut Harness<'static, LadingApp>) {
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Duplicates…").click();
    for _ in 0..600 {
        h.run_steps(1);
        if h.state()
            .ui
            .duplicates
            .as_ref()
            .is_some_and(|d| !d.searching())
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let view = h.state().ui.duplicates.as_ref().expect("the view is open");
    assert!(!view.searching(), "the search finished");
    assert!(view.error.is_none(), "{:?}", view.error);
    h.run_steps(2);
}

const PAIR: &str = "Joint Stock Company Ulan-Ude Aviation Plant  ≈  ULAN-UDE AVIATION PLANT JSC";

#[test]
fn the_duplicates_view_merges_undoes_and_remembers_not_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_with_a_duplicate(dir.path());
    let store = Store::open(&db).unwrap();
    let mut h = harness(LadingApp::with_explorer(Explorer::new(store).unwrap()));
    let before = entities(&h);
    let on_plant = poly_to(&h, "ulan-ude-aviation-plant");
    assert_eq!(poly_to(&h, "uuap-copy"), 1);

    open_duplicates(&mut h);
    assert!(
        h.get_all_by_label_contains(PAIR).next().is_some(),
        "the pair is listed"
    );
    h.get_by_label_contains(PAIR).click();
    h.run_steps(2);
    // Side by side: both names, the reasons, the shipment counts.
    h.get_all_by_value("shipments: 0 sent, 1 received").next();
    h.get_all_by_value("identifiers: INN 0323018510, OGRN 1020300887793")
        .next();
    h.get_all_by_value("• legal forms differ only (Joint Stock Company / JSC)")
        .next();
    h.get_by_label("Merge").click();
    h.run_steps(3);
    assert_eq!(
        entities(&h),
        before - 1,
        "one entity fewer: {}",
        h.state().ui.status
    );
    assert_eq!(
        poly_to(&h, "ulan-ude-aviation-plant"),
        on_plant + 1,
        "the merged entity's shipment shows on the kept one"
    );
    let status = h.state().ui.status.clone();
    assert!(
        status.contains("Merged uuap-copy into ulan-ude-aviation-plant"),
        "{status}"
    );
    assert!(
        h.query_all_by_label_contains(PAIR).next().is_none(),
        "a merged pair leaves the list"
    );

    // One undo step: the two are two again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(entities(&h), before);
    assert_eq!(poly_to(&h, "ulan-ude-aviation-plant"), on_plant);
    assert_eq!(poly_to(&h, "uuap-copy"), 1);
    let verdicts: Vec<Verdict> = Store::open(&db)
        .unwrap()
        .judgements()
        .unwrap()
        .iter()
        .map(|j| j.verdict)
        .collect();
    assert_eq!(verdicts, vec![Verdict::Merge, Verdict::Unmerge]);

    // Not the same: the pair goes, and stays gone in a new search and a new window.
    h.get_by_label_contains(PAIR).click();
    h.run_steps(2);
    h.get_by_label("Not the same").click();
    h.run_steps(3);
    assert!(h.query_all_by_label_contains(PAIR).next().is_none());
    assert_eq!(entities(&h), before, "nothing merged");
    h.get_by_label("Search again").click();
    open_duplicates(&mut h);
    assert!(h.query_all_by_label_contains(PAIR).next().is_none());
    drop(h);
    let mut h = harness(LadingApp::with_explorer(
        Explorer::new(Store::open(&db).unwrap()).unwrap(),
    ));
    open_duplicates(&mut h);
    assert!(h.query_all_by_label_contains(PAIR).next().is_none());
    let last = Store::open(&db).unwrap().judgements().unwrap();
    assert_eq!(last.last().map(|j| j.verdict), Some(Verdict::NotSame));
}

#[test]
fn the_import_preview_shows_the_mapping_lets_it_change_and_skips_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sample.db");
    let mut store = Store::open_or_create(&db).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    let file = dir.path().join("vendor.csv");
    std::fs::write(
        &file,
        "Shipment Date,Shipper,Consignee,Declared Value (USD),Port of Loading,Bill of Lading\n\
         2023-03-01,poly-technologies,ulan-ude-aviation-plant,1200,Tianjin,PV-1\n\
         2023-03-02,poly-technologies,ulan-ude-aviation-plant,-5,Tianjin,PV-2\n\
         2023-03-03,poly-technologies,ulan-ude-aviation-plant,900,Dalian,PV-3\n",
    )
    .unwrap();
    let mut h = harness(LadingApp::with_explorer(Explorer::new(store).unwrap()));
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run_steps(2);
    let field = || (egui::accesskit::Role::TextInput, "File");
    h.get_by_role_and_label(field().0, field().1).click();
    h.run_steps(1);
    h.get_by_role_and_label(field().0, field().1)
        .type_text(file.to_str().unwrap());
    h.run_steps(3);
    // The mapping, before anything is written: the value column by its words, the port kept.
    h.get_all_by_label("Declared Value (USD)").next();
    h.get_all_by_label("Port of Loading").next();
    h.get(combo("value_usd"));
    h.get(combo("kept as is (no field)"));
    h.get_all_by_value("its words").next();
    h.get_all_by_value("Dalian").next();
    // The port becomes the description.
    h.get(combo("kept as is (no field)")).click();
    h.run_steps(2);
    h.get_by_label("description").click();
    h.run_steps(3);
    h.get(combo("description"));
    h.get_all_by_value("your choice").next();
    h.get_by_label("Skip bad rows into a rejects file (import the good ones)")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Import")
        .click();
    for _ in 0..600 {
        h.run_steps(1);
        if h.state().ui.import_job.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(h.state().error.is_none(), "{:?}", h.state().error);
    let report = h.state().ui.import_report.clone().expect("a summary");
    assert!(report.contains("rejected                    1"), "{report}");
    assert!(
        !report.contains("Port of Loading"),
        "the port was imported: {report}"
    );
    assert!(report.contains("vendor.rejects.csv"), "{report}");
    // The bad row is in the rejects file beside the file, with its reason.
    let rejects = std::fs::read_to_string(dir.path().join("vendor.rejects.csv")).unwrap();
    assert!(
        rejects.contains("PV-2") && rejects.contains("value_usd"),
        "{rejects}"
    );
    // What was imported: the good rows, their port as the description.
    let store = Store::open(&db).unwrap();
    let ids = store.load_dataset().unwrap().shipments.id;
    let shipments = store.shipments_by_id(&ids).unwrap();
    let mut ours: Vec<(String, Option<f64>)> = shipments
        .iter()
        .filter(|s| s.source_ref.starts_with("PV-"))
        .map(|s| (s.description.clone(), s.value_usd))
        .collect();
    ours.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        ours,
        vec![
            ("Dalian".to_owned(), Some(900.0)),
            ("Tianjin".to_owned(), Some(1200.0))
        ]
    );
}
