//! What the fuzz targets share: the checks each input goes through, so a target is one line
//! (`fuzz_target!(|data: &[u8]| lading_fuzz::import_csv(data));`) and a new importer needs
//! one new function here and one small file in `fuzz_targets/`.
//!
//! Every check panics on a broken promise, which libFuzzer records as a crash:
//! - an import that fails leaves the database exactly as it was (content fingerprint) and
//!   its error names the file;
//! - an import that succeeds leaves a database that loads, and importing the same shipments
//!   file again adds nothing;
//! - a session that opens can be saved and opened again to the same bytes.

use std::cell::RefCell;
use std::path::Path;

use lading::date::DateFormat;
use lading::explorer::Explorer;
use lading::index::ShipmentIndex;
use lading::session::{Session, UiChoices, ViewState};
use lading::store::Store;
use lading::store::import::ftm::FtmOptions;
use lading::store::import::{ImportKind, ImportOptions};

/// The database every import starts from: a little of everything, so that failed imports
/// are checked against real content and rows can name existing entities.
const BASE: &[(ImportKind, &str)] = &[
    (
        ImportKind::Entities,
        "key,name,kind,country,state_owned,aliases,source\n\
         rostec,State Corporation Rostec,state_owner,RU,true,Ростех | Rostec,base\n\
         uuap,Ulan-Ude Aviation Plant,plant,RU,true,У-УАЗ,base\n\
         poly,\"Poly Technologies, Inc.\",subsidiary,CN,true,保利科技,base\n",
    ),
    (
        ImportKind::Ownership,
        "parent,child,share_pct,start_date,end_date,source\nrostec,uuap,100,,,base\n",
    ),
    (
        ImportKind::Sanctions,
        "entity,authority,program,listed_on,delisted_on,reason,source\n\
         uuap,OFAC,SDN,2022-03-24,,,base\n",
    ),
    (
        ImportKind::Shipments,
        "date,shipper,consignee,part_type,description,hs_code,quantity,unit,value_usd,source_ref,source\n\
         2022-06-02,poly,uuap,,Запасные части Ми-171Е,880730,4,pcs,12500.00,R-1,base\n",
    ),
];

/// The header of each kind, for the structure-aware mode (a valid header, fuzzed rows).
pub fn header(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Shipments => {
            "date,shipper,consignee,part_type,description,hs_code,quantity,unit,value_usd,source_ref,source\n"
        }
        ImportKind::Entities => "key,name,kind,country,state_owned,aliases,source\n",
        ImportKind::Ownership => "parent,child,share_pct,start_date,end_date,source\n",
        ImportKind::Sanctions => "entity,authority,program,listed_on,delisted_on,reason,source\n",
    }
}

fn base_store() -> Store {
    let mut store = Store::in_memory().expect("in-memory store");
    for (kind, text) in BASE {
        let options =
            OPTIONS.with(|o| o[KINDS.iter().position(|k| k == kind).unwrap_or(0)].clone());
        store
            .import_reader(
                Path::new("base.csv"),
                text.as_bytes(),
                text.len() as u64,
                &options,
                None,
            )
            .expect("the base data imports");
    }
    store
}

thread_local! {
    /// Options for each kind (building the part-type rules is the costly part).
    static OPTIONS: Vec<ImportOptions> = KINDS.iter().map(|&k| ImportOptions::new(k)).collect();
    /// The base database, reused while imports fail (a failed import changes nothing: that
    /// is checked) and rebuilt after one succeeds.
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

const KINDS: [ImportKind; 4] = [
    ImportKind::Shipments,
    ImportKind::Entities,
    ImportKind::Ownership,
    ImportKind::Sanctions,
];

/// The CSV importer. The first byte chooses: bits 0-1 the kind, bit 2 a valid header before
/// the rest (structure-aware), bit 3 `--skip-invalid` (rejects file), bits 4-5 the date
/// format. The rest is the file.
pub fn import_csv(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(mode & 3)];
    let mut bytes = Vec::with_capacity(body.len() + 128);
    if mode & 4 != 0 {
        bytes.extend_from_slice(header(kind).as_bytes());
    }
    bytes.extend_from_slice(body);
    let mut options = OPTIONS.with(|o| o[usize::from(mode & 3)].clone());
    options.date_format =
        [None, Some(DateFormat::Dmy), Some(DateFormat::Mdy), None][usize::from((mode >> 4) & 3)];
    let rejects_dir = (mode & 8 != 0).then(|| tempfile::tempdir().expect("temp dir"));
    if let Some(dir) = &rejects_dir {
        options.rejects = Some(dir.path().join("rejects.csv"));
    }
    with_base_store(|store| check_import(store, kind, &bytes, &options, "fuzz.csv"));
}

/// Runs `import` on the base database; `import` returns whether it changed it (then the
/// next input gets a fresh base). For every importer: CSV here, FtM next.
pub fn with_base_store(import: impl FnOnce(&mut Store) -> bool) {
    STORE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let store = slot.get_or_insert_with(base_store);
        if import(store) {
            *slot = None;
        }
    });
}

/// Runs a whole-file import on `store` and checks the promise every importer keeps: on
/// failure the database is exactly as before and the error names the file (`name`).
/// Returns the import's result when it succeeded.
pub fn all_or_nothing<T, E: std::fmt::Display>(
    store: &mut Store,
    name: &str,
    import: impl FnOnce(&mut Store) -> Result<T, E>,
) -> Option<T> {
    let before = store.content_fingerprint().expect("fingerprint");
    match import(store) {
        Ok(t) => Some(t),
        Err(e) => {
            let after = store.content_fingerprint().expect("fingerprint");
            assert_eq!(before, after, "a failed import changed the database: {e}");
            let text = e.to_string();
            assert!(text.starts_with(name), "error without the file: {text}");
            None
        }
    }
}

/// Checks that what was imported loads into the explorer's index.
pub fn loads(store: &Store) {
    let dataset = store.load_dataset().expect("an imported database loads");
    let _ = ShipmentIndex::build(dataset);
}

/// Imports `bytes` into `store` and checks the import's promises; returns whether the
/// import changed the store.
pub fn check_import(
    store: &mut Store,
    kind: ImportKind,
    bytes: &[u8],
    options: &ImportOptions,
    name: &str,
) -> bool {
    let path = Path::new(name);
    let result = all_or_nothing(store, name, |store| {
        store.import_reader(path, bytes, bytes.len() as u64, options, None)
    });
    match result {
        None => false,
        Some(summary) => {
            assert_eq!(
                summary.rows_read,
                summary.imported + summary.duplicates + summary.rejected,
                "rows unaccounted for: {summary:?}"
            );
            if options.rejects.is_none() {
                assert_eq!(summary.rejected, 0);
            }
            loads(store);
            if kind == ImportKind::Shipments && options.rejects.is_none() {
                let fingerprint = store.content_fingerprint().expect("fingerprint");
                let again = store
                    .import_reader(path, bytes, bytes.len() as u64, options, None)
                    .expect("a file that imported imports again");
                assert_eq!(again.imported, 0, "the second import added rows");
                assert_eq!(
                    store.content_fingerprint().expect("fingerprint"),
                    fingerprint,
                    "the second import changed the database"
                );
            }
            true
        }
    }
}

thread_local! {
    /// The sample network, opened once: sessions resolve against it.
    static EXPLORER: RefCell<Explorer> = RefCell::new(sample_explorer());
    /// A session of the sample with one of everything, as JSON: the structure-aware mode
    /// mutates it.
    static TEMPLATE: serde_json::Value = template();
}

fn sample_explorer() -> Explorer {
    let mut store = Store::in_memory().expect("in-memory store");
    lading::sample::import_sample(&mut store).expect("the sample imports");
    Explorer::new(store).expect("the sample opens")
}

fn template() -> serde_json::Value {
    let text = include_str!("worked.lading");
    serde_json::from_str(text).expect("the template session is JSON")
}

/// The session loader. The first byte chooses: even, the rest is the file; odd, the rest is
/// a list of edits applied to a valid session (structure-aware: hostile values at real
/// places, in JSON that parses).
pub fn session(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        check_session(body);
    } else {
        let mut value = TEMPLATE.with(Clone::clone);
        for edit in body.chunks(4) {
            mutate(&mut value, edit);
        }
        let bytes = serde_json::to_vec(&value).expect("a JSON value serialises");
        check_session(&bytes);
    }
}

/// Parses, resolves against the sample, opens, saves and reopens a session.
pub fn check_session(bytes: &[u8]) {
    let path = Path::new("fuzz.lading");
    let session = match Session::from_slice(path, bytes) {
        Ok(s) => s,
        Err(e) => {
            assert!(
                e.to_string().starts_with("fuzz.lading"),
                "error without the file: {e}"
            );
            return;
        }
    };
    EXPLORER.with(|cell| {
        let mut explorer = cell.borrow_mut();
        let saved = open_and_save(&mut explorer, &session);
        let reopened = Session::from_slice(path, saved.as_bytes())
            .unwrap_or_else(|e| panic!("a saved session does not open: {e}\n{saved}"));
        let saved_again = open_and_save(&mut explorer, &reopened);
        assert_eq!(saved, saved_again, "save, open, save gave different bytes");
    });
}

fn open_and_save(explorer: &mut Explorer, session: &Session) -> String {
    let restored = session.restore(explorer);
    let _ = restored.missing_report();
    explorer.open_restored(&restored);
    // As the window does: a usable saved view is kept, anything else fits the network.
    let view = match session.view.to_view() {
        Some(v) if !session.view.fit => ViewState {
            fit: false,
            center: v.center,
            zoom: v.zoom,
            ..ViewState::default()
        },
        _ => ViewState::default(),
    };
    let ui = UiChoices {
        view,
        display: session.display,
    };
    Session::capture(explorer, &ui, &restored.carried, "fingerprint").to_json()
}

/// One edit of a session's JSON: `edit[0]` picks a place (any object field or array item,
/// in document order), `edit[1]` a hostile value, `edit[2..]` its size.
fn mutate(value: &mut serde_json::Value, edit: &[u8]) {
    use serde_json::Value;
    let mut places = 0usize;
    count(value, &mut places);
    let Some(&pick) = edit.first() else { return };
    let target = usize::from(pick) % places.max(1);
    let n =
        edit.get(2).map_or(1, |&b| usize::from(b)) * edit.get(3).map_or(1, |&b| usize::from(b) + 1);
    let replacement = match edit.get(1).copied().unwrap_or(0) % 16 {
        0 => Value::Null,
        1 => Value::from(-1),
        2 => Value::from(u64::MAX),
        3 => Value::from(f64::MAX),
        4 => Value::from(-0.0),
        5 => Value::from(1e-45),
        6 => Value::from(3.5e38),
        7 => Value::from("x".repeat(n)),
        8 => Value::from("\u{202e}\u{0}\u{ffff}"),
        9 => Value::from(vec![Value::from(0.5); n % 64]),
        10 => {
            let mut v = Value::from(1);
            for _ in 0..n % 200 {
                v = Value::from(vec![v]);
            }
            v
        }
        11 => Value::from(true),
        12 => serde_json::json!({ "entity": "poly-technologies" }),
        13 => serde_json::json!({ "source": "rostec", "target": "rostec", "kind": "ownership" }),
        14 => Value::from("ulan-ude-aviation-plant"),
        _ => Value::Object(serde_json::Map::new()),
    };
    let mut seen = 0usize;
    replace(value, target, &mut seen, replacement);
}

fn count(value: &serde_json::Value, n: &mut usize) {
    use serde_json::Value;
    match value {
        Value::Object(m) => m.values().for_each(|v| {
            *n += 1;
            count(v, n);
        }),
        Value::Array(a) => a.iter().for_each(|v| {
            *n += 1;
            count(v, n);
        }),
        _ => {}
    }
}

fn replace(
    value: &mut serde_json::Value,
    target: usize,
    seen: &mut usize,
    with: serde_json::Value,
) -> Option<serde_json::Value> {
    use serde_json::Value;
    let children: Vec<&mut Value> = match value {
        Value::Object(m) => m.values_mut().collect(),
        Value::Array(a) => a.iter_mut().collect(),
        _ => return Some(with),
    };
    let mut with = Some(with);
    for child in children {
        if *seen == target {
            *child = with.take()?;
            return None;
        }
        *seen += 1;
        with = replace(child, target, seen, with.take()?);
        with.as_ref()?;
    }
    with
}

thread_local! {
    /// Where the FtM target writes its input: the importer reads a path (twice: entities,
    /// then relations), so each input is a file here.
    static FTM_DIR: tempfile::TempDir = tempfile::tempdir().expect("temp dir");
    /// Default FtM options (the part-type rules are the costly part).
    static FTM_OPTIONS: FtmOptions = FtmOptions::default();
}

/// The FtM importer. The first byte chooses: bit 0, the rest is the file (even) or a program
/// for [`ftm_lines`] (odd: valid JSON lines from a small FtM grammar, structure-aware); bit 1,
/// a dry run (the database must be unchanged after it); bit 2, a rejects file.
pub fn import_ftm(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 0 {
        body.to_vec()
    } else {
        ftm_lines(body)
    };
    let mut options = FTM_OPTIONS.with(Clone::clone);
    options.dry_run = mode & 2 != 0;
    FTM_DIR.with(|dir| {
        let path = dir.path().join("fuzz.ftm.json");
        std::fs::write(&path, &bytes).expect("write the input");
        if mode & 4 != 0 {
            options.rejects = Some(dir.path().join("rejects.csv"));
        }
        with_base_store(|store| check_ftm(store, &path, &options));
    });
}

/// Imports the FtM file at `path` into `store` and checks the import's promises (see
/// [`all_or_nothing`]; a dry run changes nothing; what was imported loads, and importing it
/// again changes nothing). Returns whether the import changed the store.
pub fn check_ftm(store: &mut Store, path: &Path, options: &FtmOptions) -> bool {
    let name = path.display().to_string();
    let before = store.content_fingerprint().expect("fingerprint");
    let result = all_or_nothing(store, &name, |store| store.import_ftm(path, options, None));
    let Some(summary) = result else { return false };
    assert!(summary.lines > 0, "an import of no entities succeeded");
    if options.rejects.is_none() {
        assert_eq!(summary.rejected, 0);
        // Without rejects every line counted held at least one entity.
        assert!(
            summary.records >= summary.lines,
            "fewer records than lines: {summary:?}"
        );
    }
    let _ = summary.to_string();
    if options.dry_run {
        assert_eq!(
            store.content_fingerprint().expect("fingerprint"),
            before,
            "a dry run changed the database"
        );
        return false;
    }
    loads(store);
    if options.rejects.is_none() {
        // Importing the same file again matches every entity by id and adds nothing.
        let fingerprint = store.content_fingerprint().expect("fingerprint");
        let again = store
            .import_ftm(path, options, None)
            .unwrap_or_else(|e| panic!("a file that imported does not import again: {e}"));
        assert_eq!(
            again.entities_created, 0,
            "the second import created entities"
        );
        assert_eq!(
            store.content_fingerprint().expect("fingerprint"),
            fingerprint,
            "the second import changed the database"
        );
    }
    true
}

/// Schemata of the grammar: the four Lading models (with its aliases), two it does not.
const FTM_SCHEMATA: &[&str] = &[
    "Company",
    "Organization",
    "LegalEntity",
    "PublicBody",
    "Ownership",
    "Sanction",
    "EconomicActivity",
    "Person",
    "Vessel",
];

/// Properties of the grammar, with the kind of value each takes.
const FTM_PROPS: &[(&str, FtmValue)] = &[
    ("name", FtmValue::Name),
    ("alias", FtmValue::Name),
    ("weakAlias", FtmValue::Name),
    ("previousName", FtmValue::Name),
    ("country", FtmValue::Country),
    ("jurisdiction", FtmValue::Country),
    ("innCode", FtmValue::Code),
    ("ogrnCode", FtmValue::Code),
    ("leiCode", FtmValue::Code),
    ("registrationNumber", FtmValue::Code),
    ("taxNumber", FtmValue::Code),
    ("topics", FtmValue::Topic),
    ("owner", FtmValue::Ref),
    ("asset", FtmValue::Ref),
    ("percentage", FtmValue::Number),
    ("startDate", FtmValue::Date),
    ("endDate", FtmValue::Date),
    ("entity", FtmValue::Ref),
    ("authority", FtmValue::Authority),
    ("program", FtmValue::Text),
    ("programId", FtmValue::Text),
    ("listingDate", FtmValue::Date),
    ("reason", FtmValue::Text),
    ("sourceUrl", FtmValue::Text),
    ("sender", FtmValue::Ref),
    ("receiver", FtmValue::Ref),
    ("date", FtmValue::Date),
    ("goodsDescription", FtmValue::Text),
    ("vedCode", FtmValue::Code),
    ("ccdNumber", FtmValue::Code),
    ("customsAmount", FtmValue::Number),
    ("invoiceAmount", FtmValue::Number),
    ("originCountry", FtmValue::Country),
    ("destinationCountry", FtmValue::Country),
    ("sanctions", FtmValue::Ref),
    ("ownershipOwner", FtmValue::Ref),
];

#[derive(Clone, Copy)]
enum FtmValue {
    Name,
    Country,
    Code,
    Topic,
    Ref,
    Number,
    Date,
    Authority,
    Text,
}

fn pick<'a>(pool: &[&'a str], b: u8) -> &'a str {
    pool[usize::from(b) % pool.len()]
}

/// A value of `kind` chosen by `b`: plausible ones, edge cases and a few that FtM forbids.
fn ftm_value(kind: FtmValue, b: u8) -> &'static str {
    match kind {
        // The base database's names (name+country matches) and some others.
        FtmValue::Name => pick(
            &[
                "State Corporation Rostec",
                "ULAN-UDE AVIATION PLANT",
                "Poly Technologies, Inc.",
                "  rostec  ",
                "Ростех",
                "Acme Trading LLC",
                "",
                "\u{202e}\u{0}\u{ffff}",
                "x,y|z\"\n",
            ],
            b,
        ),
        FtmValue::Country => pick(&["ru", "RU", "cn", "", "zz", "gb-sct", "x", "Россия"], b),
        FtmValue::Code => pick(&["7704274402", "0323018510", "0", "", " 7704274402 "], b),
        FtmValue::Topic => pick(&["gov.soe", "sanction", "", "GOV.SOE"], b),
        FtmValue::Ref => pick(&["e0", "e1", "e2", "e3", "e4", "e5", "", "missing"], b),
        FtmValue::Number => pick(
            &[
                "50", "100", "0", "-5", "150", "1e309", "NaN", "inf", "50%", "1,5", "", "abc",
                "12500.00", "1e-320", "-0",
            ],
            b,
        ),
        FtmValue::Date => pick(
            &[
                "2022-03-24",
                "2022-03",
                "2022",
                "2022-03-24T18:49:00",
                "2022-02-29",
                "0000-01-01",
                "9999-12-31",
                "-001-01-01",
                "32767",
                "2022-13",
                "",
                "yesterday",
                "2022-1-1",
                "+2022-03-24",
            ],
            b,
        ),
        FtmValue::Authority => pick(
            &[
                "Office of Foreign Assets Control",
                "OFAC",
                "Council of the European Union",
                "",
                "ofsi",
                "x",
            ],
            b,
        ),
        FtmValue::Text => pick(
            &[
                "RUSSIA-EO14024",
                "Запасные части Ми-171Е",
                "rotor blades",
                "",
                "880730",
                "\u{0}",
            ],
            b,
        ),
    }
}

/// Builds FtM JSON lines from `program`, a few bytes per step (structure-aware mode). Each
/// line is an entity with an id from a small pool (so lines refer to each other, before and
/// after, and repeat), a schema, properties and values from the tables above; some values
/// are entities nested in the property, some break FtM's rules (a value that is not a list,
/// not a string). A 0xff byte ends the line.
pub fn ftm_lines(program: &[u8]) -> Vec<u8> {
    use serde_json::{Map, Value, json};
    let mut out = Vec::new();
    let mut bytes = program.iter().copied();
    let mut next = || bytes.next();
    // A step: [schema, id] then [prop, value, shape]* until 0xff or the end.
    fn entity(next: &mut dyn FnMut() -> Option<u8>, depth: u8) -> Option<Value> {
        let schema = next()?;
        let id = next()?;
        let mut props = Map::new();
        while let Some(p) = next() {
            if p == 0xff {
                break;
            }
            let (name, kind) = FTM_PROPS[usize::from(p) % FTM_PROPS.len()];
            let v = next().unwrap_or(0);
            let shape = next().unwrap_or(0);
            let text = ftm_value(kind, v);
            let value = match shape % 16 {
                0..=9 => {
                    let list = props
                        .entry(name.to_owned())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = list {
                        items.push(Value::from(text));
                    }
                    continue;
                }
                10 if depth < 3 => match entity(next, depth + 1) {
                    Some(nested) => Value::Array(vec![nested]),
                    None => continue,
                },
                11 => Value::from(text),
                12 => json!([1]),
                13 => json!([{}]),
                14 => Value::Null,
                _ => json!([text, text]),
            };
            props.insert(name.to_owned(), value);
        }
        let mut obj = Map::new();
        let schema = if schema == 0xfe {
            ""
        } else {
            FTM_SCHEMATA[usize::from(schema) % FTM_SCHEMATA.len()]
        };
        let id_byte = id;
        let id = match id % 8 {
            7 if depth == 0 => String::new(),
            n => format!("e{n}"),
        };
        obj.insert("id".into(), Value::from(id));
        obj.insert("schema".into(), Value::from(schema));
        obj.insert("properties".into(), Value::Object(props));
        if depth == 0 && id_byte & 0x80 != 0 {
            obj.insert(
                "referents".into(),
                json!([format!("e{}", (id_byte >> 4) & 7)]),
            );
        }
        obj.insert("datasets".into(), json!(["fuzz"]));
        Some(Value::Object(obj))
    }
    while let Some(value) = entity(&mut next, 0) {
        serde_json::to_writer(&mut out, &value).expect("JSON writes");
        out.push(b'\n');
    }
    out
}
