//! Names with escape sequences, control characters, bidi overrides and zero-width spaces,
//! through every importer and every printer: refused or kept as promised at the door, and
//! inert (shown as a visible mark) in the terminal, the window and pictures, exact in files
//! for other programs. See `src/text.rs`.

mod common;
use common::{fails, lading, ok, write};

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lading::explorer::{Command, Explorer};
use lading::model::EntityKind;
use lading::store::Store;
use lading::ui::LadingApp;

const ESC_NAME: &str = "Evil \x1b[2J\x1b[31mRED\x1b[0m Co";
/// Reads "Poly Technologies" backwards after the override: it can pass for another name.
const RLO_NAME: &str = "Poly \u{202E}seigolonhceT";
const ZWSP_NAME: &str = "Ros\u{200B}tec";

/// Characters that must never reach a terminal, window or picture as they are.
const RAW: [char; 5] = ['\x1b', '\u{1}', '\u{202E}', '\u{200B}', '\u{9b}'];

fn assert_inert(what: &str, text: &str) {
    for c in RAW {
        assert!(
            !text.contains(c),
            "{what} holds a raw U+{:04X}:\n{}",
            c as u32,
            text.escape_debug()
        );
    }
}

/// A database with names that were kept at the door (bidi override, zero-width space) and
/// one made elsewhere, holding what the door refuses (escape sequence, U+0001), linked by
/// shipments so every output shows them.
fn hostile_db(dir: &Path) -> std::path::PathBuf {
    let db = common::named_db(dir, "t.db");
    write(
        dir,
        "e.csv",
        format!(
            "key,name,kind,country\npoly,{RLO_NAME},company,CN\nros,{ZWSP_NAME},state_owner,RU\nuuap,Ulan-Ude Aviation Plant,plant,RU\n"
        ),
    );
    write(
        dir,
        "s.csv",
        "entity,authority,program,listed_on,reason\nuuap,OFAC,\"SDN\x1b[5m\",2022-03-24,\"blink\x1b[5m\"\n",
    );
    ok(dir, &["import", "entities", "e.csv", "--db", "t.db"]);
    ok(dir, &["import", "sanctions", "s.csv", "--db", "t.db"]);
    {
        // What a database made elsewhere may hold: the door never saw it.
        let store = Store::open(&db).unwrap();
        store
            .insert_entity("evil", ESC_NAME, EntityKind::Company, "CN", false)
            .unwrap();
        store
            .insert_entity("one", "x\u{1}y", EntityKind::Company, "CN", false)
            .unwrap();
    }
    write(
        dir,
        "sh.csv",
        "date,shipper,consignee,description,value_usd,source_ref\n\
         2022-06-02,poly,uuap,Запчасти Ми-171Е,100,A1\n\
         2022-07-02,evil,uuap,\"parts\x1b[2J\",200,A2\n\
         2022-07-03,ros,one,parts,50,A3\n",
    );
    ok(dir, &["import", "shipments", "sh.csv", "--db", "t.db"]);
    db
}

#[test]
fn csv_names_with_controls_are_refused_naming_file_line_field_and_character() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "e.csv",
        "key,name\nrostec,Rostec\nuuap,Ulan-Ude Aviation Plant\n",
    );
    ok(d, &["import", "entities", "e.csv", "--db", "t.db"]);
    let before = ok(d, &["stats", "--db", "t.db", "--json"]);
    write(
        d,
        "bad.csv",
        format!("date,shipper,consignee\n2022-01-01,rostec,uuap\n2022-01-02,{ESC_NAME},uuap\n"),
    );
    let err = fails(d, &["import", "shipments", "bad.csv", "--db", "t.db"]);
    assert!(
        err.contains("bad.csv:3: field \"shipper\": holds the control character U+001B (escape) at character 6")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert_inert("the error", &err);
    assert_eq!(ok(d, &["stats", "--db", "t.db", "--json"]), before);

    write(d, "one.csv", "key,name\nk1,\"a\u{1}b\"\n");
    let err = fails(d, &["import", "entities", "one.csv", "--db", "t.db"]);
    assert!(
        err.contains("one.csv:2: field \"name\": holds the control character U+0001"),
        "{err}"
    );

    // With --skip-invalid the row is skipped, and the rejects file keeps it exactly.
    let out = ok(
        d,
        &[
            "import",
            "shipments",
            "bad.csv",
            "--db",
            "t.db",
            "--skip-invalid",
            "rejects.csv",
            "--json",
        ],
    );
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&summary["imported"], &summary["rejected"]),
        (&1.into(), &1.into())
    );
    let rejects = std::fs::read_to_string(d.join("rejects.csv")).unwrap();
    assert!(rejects.contains(ESC_NAME), "{rejects:?}");
    assert!(rejects.contains("U+001B"), "{rejects:?}");
}

#[test]
fn csv_keeps_bidi_and_zero_width_characters_and_marks_controls_in_free_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    let store = Store::open(&db).unwrap();
    let data = store.load_dataset().unwrap();
    let name = |key: &str| {
        data.entities
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.name.clone())
            .unwrap()
    };
    assert_eq!(name("poly"), RLO_NAME, "kept exactly: it can be evidence");
    assert_eq!(name("ros"), ZWSP_NAME);
    let shipments = store.shipments_by_id(&[2]).unwrap();
    assert_eq!(shipments[0].description, "parts‹U+001B›[2J");
    let listing = &data.sanctions[0];
    assert_eq!(listing.program, "SDN‹U+001B›[5m");
    assert_eq!(listing.reason, "blink‹U+001B›[5m");
}

#[test]
fn ftm_names_with_controls_are_refused_and_bidi_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "bad.json",
        "{\"id\":\"ok\",\"schema\":\"Company\",\"properties\":{\"name\":[\"Fine Ltd\"]}}\n\
         {\"id\":\"e1\",\"schema\":\"Company\",\"properties\":{\"name\":[\"Evil \\u001b[2J Co\"]}}\n",
    );
    let err = fails(d, &["import", "ftm", "bad.json", "--db", "t.db"]);
    assert!(
        err.contains("bad.json:2: field \"name\"") && err.contains("U+001B (escape)"),
        "{err}"
    );
    assert_inert("the error", &err);
    write(
        d,
        "id.json",
        "{\"id\":\"e\\u0001\",\"schema\":\"Company\",\"properties\":{\"name\":[\"A\"]}}\n",
    );
    let err = fails(d, &["import", "ftm", "id.json", "--db", "t.db"]);
    assert!(
        err.contains("id.json:1: field \"id\"") && err.contains("U+0001"),
        "{err}"
    );

    write(
        d,
        "good.json",
        "{\"id\":\"a\",\"schema\":\"Company\",\"properties\":{\"name\":[\"Poly \\u202eseigolonhceT\"],\"alias\":[\"Ros\\u200btec\"]}}\n\
         {\"id\":\"b\",\"schema\":\"Company\",\"properties\":{\"name\":[\"Plant\"]}}\n\
         {\"id\":\"s\",\"schema\":\"Sanction\",\"properties\":{\"entity\":[\"b\"],\"authority\":[\"OFAC\"],\"startDate\":[\"2022-03-24\"],\"reason\":[\"red \\u001b[31m\"],\"program\":[\"P\\u009b1\"]}}\n\
         {\"id\":\"x\",\"schema\":\"EconomicActivity\",\"properties\":{\"sender\":[\"a\"],\"receiver\":[\"b\"],\"date\":[\"2022-05-01\"],\"goodsDescription\":[\"kit\\u001b[2J\"]}}\n",
    );
    let out = ok(d, &["import", "ftm", "good.json", "--db", "t.db"]);
    assert_inert("the summary", &out);
    assert!(out.contains("Poly ‹U+202E›seigolonhceT"), "{out}");
    let store = Store::open(&common::named_db(d, "t.db")).unwrap();
    let data = store.load_dataset().unwrap();
    let a = data
        .entities
        .iter()
        .find(|e| e.name.starts_with("Poly"))
        .unwrap();
    assert_eq!(a.name, RLO_NAME);
    assert_eq!(a.aliases, vec![ZWSP_NAME.to_owned()]);
    assert_eq!(data.sanctions[0].reason, "red ‹U+001B›[31m");
    assert_eq!(data.sanctions[0].program, "P‹U+009B›1");
    let ids: Vec<i64> = (1..=10).collect();
    let shipments = store.shipments_by_id(&ids).unwrap();
    assert_eq!(shipments[0].description, "kit‹U+001B›[2J");
}

#[test]
fn the_terminal_never_gets_a_raw_control_or_bidi_character() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    hostile_db(d);
    let stats = ok(d, &["stats", "--db", "t.db"]);
    assert_inert("lading stats", &stats);
    assert!(
        stats.contains("Evil ‹U+001B›[2J‹U+001B›[31mRED‹U+001B›[0m Co → Ulan-Ude Aviation Plant"),
        "{stats}"
    );
    assert!(stats.contains("Poly ‹U+202E›seigolonhceT"), "{stats}");
    assert!(stats.contains("Ros‹U+200B›tec → x‹U+0001›y"), "{stats}");
    let screen = ok(d, &["screen", "--db", "t.db"]);
    assert_inert("lading screen", &screen);
    assert!(screen.contains("SDN‹U+001B›[5m"), "{screen}");

    // JSON: the same data (escapes), and nothing acts in a terminal.
    let json = ok(d, &["stats", "--db", "t.db", "--json"]);
    assert_inert("lading stats --json", &json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let shippers: Vec<&str> = value["top_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["shipper"].as_str().unwrap())
        .collect();
    assert!(
        shippers.contains(&ESC_NAME) && shippers.contains(&RLO_NAME),
        "{shippers:?}"
    );
    let screen_json = ok(d, &["screen", "--db", "t.db", "--json"]);
    assert_inert("lading screen --json", &screen_json);

    // Messages on stderr: a session whose database path carries an escape sequence.
    write(
        d,
        "evil.lading",
        "{\"format\":\"lading-session\",\"database\":{\"path\":\"/tmp/\\u001b[2Jx.db\"},\
         \"notes\":[{\"on\":{\"entity\":\"poly\"},\"text\":\"\\u001b]0;pwned\\u0007 note\"}]}",
    );
    let check = ok(d, &["session", "check", "evil.lading"]);
    assert_inert("lading session check", &check);
    assert!(check.contains("/tmp/‹U+001B›[2Jx.db"), "{check}");
    let missing = lading(
        d,
        &[
            "render",
            "--session",
            "evil.lading",
            "--db",
            "t.db",
            "--out",
            "s.svg",
        ],
    );
    assert_inert(
        "render --session stderr",
        &String::from_utf8_lossy(&missing.stderr),
    );
    assert_inert(
        "render --session stdout",
        &String::from_utf8_lossy(&missing.stdout),
    );
    // An error from main.
    let err = fails(d, &["stats", "--db", "no\x1b[2Jsuch.db"]);
    assert_inert("an error", &err);
    assert!(err.contains("no‹U+001B›[2Jsuch.db"), "{err}");
}

#[test]
fn pictures_draw_names_inert() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    hostile_db(d);
    ok(
        d,
        &[
            "render", "--db", "t.db", "--out", "p.svg", "--width", "1600",
        ],
    );
    let svg = std::fs::read_to_string(d.join("p.svg")).unwrap();
    assert_inert("the SVG", &svg);
    // Labels are one or two lines (`<tspan>`s): join them as the label reads.
    let label_text: String = svg
        .split("<text")
        .filter(|t| t.contains("<tspan"))
        .map(|t| {
            t.split("<tspan")
                .skip(1)
                .filter_map(|l| l.split('>').nth(1))
                .map(|l| l.trim_end_matches("</tspan"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" | ");
    assert!(
        label_text.contains("Poly ‹U+202E›seigolonhceT"),
        "{label_text}"
    );
    assert!(label_text.contains("Ros‹U+200B›tec"), "{label_text}");
    assert!(label_text.contains("Evil ‹U+001B›[2J"), "{label_text}");
    // The PNG's labels are shaped from the same label text (`svg::label_texts`).
    let store = Store::open(&common::named_db(d, "t.db")).unwrap();
    let index = lading::index::ShipmentIndex::build(store.load_dataset().unwrap());
    let filter = lading::filter::Filter::default();
    let graph = filter.apply(&index);
    let positions = lading::export::settle(&graph, 1, 60).unwrap();
    let input = lading::export::PictureInput::new(&index, &filter, &graph, &positions);
    let pic = lading::export::picture(&input, &lading::export::PictureOptions::default()).unwrap();
    let labels: Vec<String> = pic.scene().labels.iter().map(|l| l.text()).collect();
    assert!(
        labels.iter().any(|l| l == "Poly ‹U+202E›seigolonhceT"),
        "{labels:?}"
    );
    for l in &labels {
        assert_inert("a PNG label", l);
    }
    let png = pic.to_png().unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn data_files_keep_the_text_exact_and_valid() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    hostile_db(d);
    // CSV: exactly as stored.
    ok(
        d,
        &[
            "export", "--db", "t.db", "--format", "csv", "--out", "s.csv",
        ],
    );
    let csv = std::fs::read_to_string(d.join("s.csv")).unwrap();
    assert!(csv.contains(ESC_NAME) && csv.contains(RLO_NAME), "{csv:?}");
    // GEXF and GraphML: read by a strict XML parser; what XML 1.0 can hold is exact, the
    // controls it cannot are marks.
    for (format, file) in [("gexf", "n.gexf"), ("graphml", "n.graphml")] {
        ok(
            d,
            &["export", "--db", "t.db", "--format", format, "--out", file],
        );
        let script = r#"
import sys, json, xml.etree.ElementTree as ET
texts = []
for el in ET.parse(sys.argv[1]).iter():
    texts.extend(el.attrib.values())
    if el.text: texts.append(el.text)
print(json.dumps(texts))
"#;
        let out = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(d.join(file))
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{file} is not well-formed XML: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let texts: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(texts.iter().any(|t| t == RLO_NAME), "{format}: {texts:?}");
        assert!(texts.iter().any(|t| t == ZWSP_NAME), "{format}: {texts:?}");
        assert!(
            texts
                .iter()
                .any(|t| t == "Evil ‹U+001B›[2J‹U+001B›[31mRED‹U+001B›[0m Co"),
            "{format}: {texts:?}"
        );
        assert!(texts.iter().any(|t| t == "x‹U+0001›y"), "{format}");
    }
}

fn harness(app: LadingApp) -> Harness<'static, LadingApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_context_setup(lading::ui::install_fonts)
        .build_ui_state(|ui, app: &mut LadingApp| app.frame(ui), app);
    h.run_steps(3);
    h
}

#[test]
fn the_window_shows_hidden_characters_as_marks_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    let explorer = Explorer::new(Store::open(&db).unwrap()).unwrap();
    let poly = explorer.id_of_key("poly").unwrap();
    let mut h = harness(LadingApp::with_explorer(explorer));
    h.state_mut().send(Command::Select {
        ids: vec![poly],
        additive: false,
    });
    h.run_steps(3);
    assert!(h.query_all_by_label("Poly ‹U+202E›seigolonhceT").count() >= 1);
    h.get_by_label_contains("This name contains a right-to-left override (U+202E)");
    // Search results and labels everywhere: no node of the window's tree holds a raw one.
    h.state_mut().ui.search_open = true;
    h.state_mut().ui.search_query = "poly".into();
    h.run_steps(3);
    h.get_by_label_contains("Poly ‹U+202E›seigolonhceT  · CN");
    let raw = h
        .query_all_by(|node| {
            let has = |t: Option<String>| t.is_some_and(|t| t.contains(RAW));
            has(node.label()) || has(node.value())
        })
        .count();
    assert_eq!(raw, 0, "window text with a raw control or bidi character");
}

#[test]
fn a_file_made_only_of_hostile_characters_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let junk: String = [
        "\x1b[2J", "\u{202E}", "\u{200B}", "\u{1}", "\u{FEFF}", "\u{9b}",
    ]
    .iter()
    .cycle()
    .take(600)
    .copied()
    .collect();
    write(d, "junk.csv", &junk);
    write(d, "junk.json", &junk);
    for (kind, file) in [
        ("shipments", "junk.csv"),
        ("entities", "junk.csv"),
        ("ftm", "junk.json"),
    ] {
        let out = lading(d, &["import", kind, file, "--db", "t.db"]);
        assert!(!out.status.success(), "{kind}: {out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_inert(kind, &err);
        assert!(err.starts_with(&format!("lading: {file}")), "{kind}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A database was made (or not) but holds nothing.
    if d.join("t.db").exists() || common::on_postgres() {
        let store = Store::open(&common::named_db(d, "t.db"));
        if let Ok(store) = store {
            assert_eq!(store.counts().unwrap(), [0, 0, 0, 0]);
        }
    }
}

#[test]
fn a_one_megabyte_name_of_zero_width_spaces_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = "\u{200B}".repeat((1 << 20) / 3);
    write(d, "big.csv", format!("key,name\nbig,{name}\n"));
    let err = fails(d, &["import", "entities", "big.csv", "--db", "t.db"]);
    assert!(
        err.contains("big.csv:2: field \"name\""),
        "{}",
        &err[..err.len().min(400)]
    );
    assert!(err.len() < 1000, "the message does not repeat the name");
    assert_inert("the error", &err);
    write(
        d,
        "big.json",
        format!(
            "{{\"id\":\"big\",\"schema\":\"Company\",\"properties\":{{\"name\":[\"{name}\"]}}}}\n"
        ),
    );
    let err = fails(d, &["import", "ftm", "big.json", "--db", "t.db"]);
    assert!(
        err.contains("big.json:1: field \"name\"") && err.contains("no visible character"),
        "{}",
        &err[..err.len().min(400)]
    );
    assert!(err.contains("349525 × zero-width space (U+200B)"), "{err}");
    assert!(err.len() < 1000);
}

#[test]
fn a_session_whose_notes_carry_escape_sequences_opens_with_them_marked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    hostile_db(d);
    write(
        d,
        "notes.lading",
        "{\"format\":\"lading-session\",\
         \"notes\":[{\"on\":{\"entity\":\"poly\"},\"text\":\"see \\u001b[2J\\u001b]8;;http://x\\u0007here\\nline 2\\u202e\"}],\
         \"callouts\":[{\"id\":1,\"at\":[0,0],\"text\":\"\\u001b[31mred\\u009b\"}],\
         \"names\":{\"gone\":\"Gone \\u001b[2J Ltd\"},\
         \"selection\":[\"gone\"]}",
    );
    let session = lading::session::Session::load(&d.join("notes.lading")).unwrap();
    let explorer = Explorer::new(Store::open(&common::named_db(d, "t.db")).unwrap()).unwrap();
    let restored = session.restore(&explorer);
    let mut explorer = explorer;
    explorer.open_restored(&restored);
    let notes = &explorer.doc().annotations.notes;
    let note = notes.values().next().unwrap();
    assert_eq!(
        note, "see ‹U+001B›[2J‹U+001B›]8;;http://x‹U+0007›here\nline 2\u{202E}",
        "controls marked, line ends and the bidi character kept"
    );
    let callout = explorer.doc().annotations.callouts.values().next().unwrap();
    assert_eq!(callout.text, "‹U+001B›[31mred‹U+009B›");
    // The picture of the session: nothing raw.
    let out = ok(
        d,
        &[
            "render",
            "--session",
            "notes.lading",
            "--db",
            "t.db",
            "--out",
            "n.svg",
        ],
    );
    assert_inert("render", &out);
    let svg = std::fs::read_to_string(d.join("n.svg")).unwrap();
    assert_inert("the session's SVG", &svg);
    assert!(svg.contains("‹U+001B›[31mred‹U+009B›"), "the callout");
}
