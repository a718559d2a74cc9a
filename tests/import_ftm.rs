//! FollowTheMoney import: the OpenSanctions-style fixture into the sample database (matching
//! its real companies), repeated imports, identifiers, dry runs, bad lines (file, line and
//! field named; nothing written), rejects, and a version-1 database migrating.

mod common;
use common::{fails, lading, ok, write};

use std::path::{Path, PathBuf};

use lading::store::Store;
use lading::store::import::ftm::{FtmOptions, FtmSummary, MatchedBy};

const FIXTURE: &str = "tests/fixtures/ftm/opensanctions.ftm.json";
const BROKEN: &str = "tests/fixtures/ftm/broken.ftm.json";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// The sample database in a temporary directory.
fn sample_db() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::test_db(dir.path());
    let mut store = Store::open_or_create(&path).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    (dir, path, store)
}

fn import(store: &mut Store, file: &Path) -> FtmSummary {
    store
        .import_ftm(file, &FtmOptions::default(), None)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A value of a checking query, from either engine.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            other => panic!("expected text, found {other:?}"),
        }
    }
    fn int(&self) -> i64 {
        match self {
            Cell::Int(i) => *i,
            other => panic!("expected an integer, found {other:?}"),
        }
    }
    fn real(&self) -> Option<f64> {
        match self {
            Cell::Null => None,
            Cell::Real(r) => Some(*r),
            Cell::Int(i) => Some(*i as f64),
            other => panic!("expected a number, found {other:?}"),
        }
    }
}

/// The rows of a checking query (`?1` for the one text parameter, if any), read straight
/// from the database file or the team database, not through the store.
fn rows(db: &Path, query: &str, param: Option<&str>) -> Vec<Vec<Cell>> {
    let text = db.to_str().unwrap();
    if text.starts_with("postgres://") {
        let name = text.split('?').next().unwrap().rsplit('/').next().unwrap();
        let url = common::with_dbname(&common::team_server().unwrap(), name);
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let query = query.replace("?1", "$1");
        let found = match param {
            Some(p) => client.query(&query, &[&p]),
            None => client.query(&query, &[]),
        }
        .unwrap_or_else(|e| panic!("{query}: {e}"));
        use postgres::types::Type;
        return found
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| match *r.columns()[i].type_() {
                        Type::INT8 => r.get::<_, Option<i64>>(i).map_or(Cell::Null, Cell::Int),
                        Type::FLOAT8 => r.get::<_, Option<f64>>(i).map_or(Cell::Null, Cell::Real),
                        _ => r.get::<_, Option<String>>(i).map_or(Cell::Null, Cell::Text),
                    })
                    .collect()
            })
            .collect();
    }
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(query).unwrap();
    let n = stmt.column_count();
    let params: Vec<&str> = param.into_iter().collect();
    stmt.query_map(rusqlite::params_from_iter(params), |r| {
        (0..n)
            .map(|i| {
                use rusqlite::types::ValueRef;
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Real(v) => Cell::Real(v),
                    ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(_) => Cell::Null,
                })
            })
            .collect::<rusqlite::Result<Vec<Cell>>>()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// The one row of a checking query.
fn row(db: &Path, query: &str, param: Option<&str>) -> Vec<Cell> {
    let mut found = rows(db, query, param);
    assert_eq!(found.len(), 1, "{query}");
    found.remove(0)
}

/// The one value of a checking query.
fn one<T: From<Cell>>(db: &Path, query: &str) -> T {
    T::from(row(db, query, None).remove(0))
}

impl From<Cell> for String {
    fn from(c: Cell) -> String {
        c.text()
    }
}

impl From<Cell> for i64 {
    fn from(c: Cell) -> i64 {
        c.int()
    }
}

#[test]
fn fixture_matches_the_sample_and_imports_links_listings_and_shipments() {
    let (_dir, db, mut store) = sample_db();
    let [entities, ownership, shipments, sanctions] = store.counts().unwrap();
    let s = import(&mut store, &fixture(FIXTURE));

    assert_eq!(s.lines, 25);
    assert_eq!(
        s.records, 28,
        "25 lines, 2 nested sanctions, 1 nested sender"
    );
    // The five real companies match the sample: the four with an INN in the file by it (the
    // sample carries their verified INNs), Poly Technologies by name and country; nothing by
    // FtM id yet.
    assert_eq!(s.entities_matched.identifier, 4, "{s}");
    assert_eq!(s.entities_matched.name_country, 1, "{s}");
    assert_eq!(s.entities_matched.id, 0);
    let matched: Vec<(&str, &str)> = s
        .matches
        .iter()
        .map(|m| (m.ftm_id.as_str(), m.entity.as_str()))
        .collect();
    assert_eq!(
        matched,
        [
            ("NK-4mzmUZ6a3XtdLsbUFaq3cg", "rostec"),
            ("ru-inn-7731559044", "russian-helicopters"),
            ("ru-inn-0323018510", "ulan-ude-aviation-plant"),
            ("Q7226398", "poly-technologies"),
            ("ru-inn-7718852163", "rosoboronexport"),
        ]
    );
    assert!(
        s.matches
            .iter()
            .all(|m| m.by == MatchedBy::Identifier || m.entity == "poly-technologies")
    );
    // The fictional group is created; the repeated Russian Helicopters line and the nested
    // sender object merge into the entities already seen.
    assert_eq!(s.entities_created, 5);
    assert_eq!(s.entities_repeated, 2);
    assert_eq!(store.counts().unwrap()[0], entities + 5);
    // Relations named entities defined later in the file.
    assert_eq!((s.ownership_added, s.ownership_present), (2, 3), "{s}");
    assert_eq!((s.listings_added, s.listings_present), (1, 2), "{s}");
    assert_eq!((s.shipments_added, s.shipments_present), (3, 0));
    assert_eq!(
        store.counts().unwrap(),
        [entities + 5, ownership + 2, shipments + 3, sanctions + 1]
    );
    // Counted, not lost.
    let not_modelled: Vec<(&str, u64)> = s
        .not_modelled
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        not_modelled,
        [("Directorship", 1), ("Person", 1), ("Vessel", 1)]
    );
    let reasons: Vec<(&str, u64, &[u64])> = s
        .skipped
        .iter()
        .map(|(k, v)| (k.as_str(), v.count, v.lines.as_slice()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "Sanction without startDate or listingDate (Lading needs the listing date)",
                1,
                &[13][..]
            ),
            (
                "Sanction: entity is a Person, which Lading does not model",
                1,
                &[12][..]
            ),
        ]
    );
    assert_eq!(s.partial_dates, 2);
    assert_eq!(
        s.unread_numbers,
        [(21, "percentage".to_owned(), "majority".to_owned())]
    );

    // The shipments: part types from the descriptions, amounts, declaration numbers.
    let rows: Vec<(String, String, String, String, Option<f64>, String)> = {
        rows(
            &db,
            "SELECT s.date, a.key, b.key, s.part_type, s.value_usd, s.source_ref FROM shipment s
             JOIN entity a ON a.id = s.shipper_id JOIN entity b ON b.id = s.consignee_id
             WHERE s.source = 'fixture_customs' ORDER BY s.date",
            None,
        )
        .iter()
        .map(|r| {
            (
                r[0].text(),
                r[1].text(),
                r[2].text(),
                r[3].text(),
                r[4].real(),
                r[5].text(),
            )
        })
        .collect()
    };
    let uuap = "ulan-ude-aviation-plant".to_owned();
    assert_eq!(
        rows,
        [
            (
                "2022-06-02".into(),
                "poly-technologies".into(),
                uuap.clone(),
                "Mi-171E".into(),
                Some(12500.0),
                "10702070/020622/0099001".into()
            ),
            (
                "2022-07-01".into(),
                "poly-technologies".into(),
                uuap.clone(),
                "Mi-171Sh".into(),
                Some(8400.5),
                "10702070/150722/0099002".into()
            ),
            (
                "2022-11-16".into(),
                "harbin-orient-trading-co-ltd-fictional".into(),
                uuap,
                "radio".into(),
                Some(3100.0),
                "10702070/161122/0099003".into()
            ),
        ]
    );
    // The OFAC listing, with the store's authority code and the source URL.
    let listing = row(
        &db,
        "SELECT s.authority, s.program, s.source FROM sanction s JOIN entity e ON e.id = s.entity_id
         WHERE e.key = 'ulan-ude-aviation-plant' AND listed_on = '2022-03-24' AND program = 'RUSSIA-EO14024'",
        None,
    );
    let listing = (listing[0].text(), listing[1].text(), listing[2].text());
    assert_eq!(listing.0, "OFAC");
    assert!(listing.2.starts_with("https://"), "{listing:?}");
    // Kinds of created entities: a public body and an unowned state-owned holding are state
    // owners; the holding's subsidiary is a subsidiary; the rest are companies.
    for (key, kind, state_owned) in [
        ("ministry-of-fictional-industry-fictional", "state_owner", 1),
        ("orlan-aero-holding-jsc-fictional", "state_owner", 1),
        ("orlan-aero-service-llp-fictional", "subsidiary", 1),
        ("orlan-aviation-union-fictional", "company", 0),
        ("harbin-orient-trading-co-ltd-fictional", "company", 0),
    ] {
        let got = row(
            &db,
            "SELECT kind, state_owned, country FROM entity WHERE key = ?1",
            Some(key),
        );
        let got = (got[0].text(), got[1].int(), got[2].text());
        assert_eq!((got.0.as_str(), got.1), (kind, state_owned), "{key}");
        assert_eq!(got.2.len(), 2, "{key} has a country");
    }
    // Matched entities keep their name and kind and gain aliases, identifiers and ids.
    assert_eq!(
        one::<String>(&db, "SELECT name FROM entity WHERE key = 'rostec'"),
        "State Corporation Rostec"
    );
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM alias a JOIN entity e ON e.id = a.entity_id
             WHERE e.key = 'rostec' AND a.name = 'Rostekhnologii'"
        ),
        1
    );
    assert_eq!(
        one::<String>(
            &db,
            "SELECT e.key FROM identifier i JOIN entity e ON e.id = i.entity_id
             WHERE i.scheme = 'INN' AND i.value = '7704274402'"
        ),
        "rostec"
    );
    assert_eq!(
        one::<String>(
            &db,
            "SELECT e.key FROM entity_ftm f JOIN entity e ON e.id = f.entity_id
             WHERE f.ftm_id = 'ru-inn-7704274402'"
        ),
        "rostec",
        "an OpenSanctions referent is kept as an id of the entity"
    );
    // The explorer loads the result.
    let dataset = store.load_dataset().unwrap();
    assert_eq!(dataset.entities.len() as i64, entities + 5);
}

#[test]
fn importing_again_matches_by_id_and_changes_nothing() {
    let (_dir, _db, mut store) = sample_db();
    import(&mut store, &fixture(FIXTURE));
    let before = store.content_fingerprint().unwrap();
    let s = import(&mut store, &fixture(FIXTURE));
    assert_eq!(s.entities_created, 0);
    assert_eq!(s.entities_matched.id, 10, "{s}");
    assert_eq!(s.entities_matched.name_country, 0);
    assert_eq!(
        (s.ownership_added, s.listings_added, s.shipments_added),
        (0, 0, 0)
    );
    assert_eq!(
        (s.ownership_present, s.listings_present, s.shipments_present),
        (5, 3, 3)
    );
    assert_eq!(store.content_fingerprint().unwrap(), before);
}

#[test]
fn identifiers_match_within_their_scope() {
    let (dir, db, mut store) = sample_db();
    import(&mut store, &fixture(FIXTURE));
    // An Aleph-style file: other ids, other spellings, the same registry numbers.
    let file = write(
        dir.path(),
        "aleph.json",
        concat!(
            r#"{"id":"a1b2c3d4e5","schema":"Company","properties":{"name":["ОАО «Вертолёты России» (иное написание)"],"innCode":["7731 559044"],"country":["RU"]}}"#,
            "\n",
            r#"{"id":"f6a7b8c9d0","schema":"Company","properties":{"name":["Orlan Aero Holding (another country)"],"registrationNumber":["990140000123"],"country":["ru"]}}"#,
            "\n",
            r#"{"id":"0d9c8b7a6f","schema":"LegalEntity","properties":{"name":["Some holder of the same registration number"],"registrationNumber":["990140000123"],"jurisdiction":["kz"]}}"#,
            "\n",
        ),
    );
    let s = import(&mut store, &file);
    assert_eq!(s.entities_matched.identifier, 2, "{s}");
    assert_eq!(
        s.entities_created, 1,
        "a registration number is per country"
    );
    let by: Vec<(&str, &str, &str)> = s
        .matches
        .iter()
        .map(|m| (m.ftm_id.as_str(), m.entity.as_str(), m.on.as_str()))
        .collect();
    assert_eq!(
        by,
        [
            ("a1b2c3d4e5", "russian-helicopters", "INN 7731559044"),
            (
                "0d9c8b7a6f",
                "orlan-aero-holding-jsc-fictional",
                "REG 990140000123"
            ),
        ]
    );
    assert_eq!(
        one::<String>(
            &db,
            "SELECT e.key FROM entity_ftm f JOIN entity e ON e.id = f.entity_id WHERE f.ftm_id = 'a1b2c3d4e5'"
        ),
        "russian-helicopters"
    );
}

#[test]
fn dry_run_reports_the_same_and_writes_nothing() {
    let (_dir, _db, mut store) = sample_db();
    let before = store.content_fingerprint().unwrap();
    let options = FtmOptions {
        dry_run: true,
        ..FtmOptions::default()
    };
    let dry = store.import_ftm(&fixture(FIXTURE), &options, None).unwrap();
    assert!(dry.dry_run);
    assert_eq!(store.content_fingerprint().unwrap(), before);
    let real = import(&mut store, &fixture(FIXTURE));
    assert_ne!(store.content_fingerprint().unwrap(), before);
    let strip = |s: &FtmSummary| FtmSummary {
        seconds: 0.0,
        dry_run: false,
        ..s.clone()
    };
    assert_eq!(
        strip(&dry),
        strip(&real),
        "a dry run reports what the import does"
    );
}

#[test]
fn cli_dry_run_json_and_stats() {
    if common::on_postgres() {
        return; // about SQLite files: a dry run creates none; migrations of old files
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixture = fixture(FIXTURE);
    let file = fixture.to_str().unwrap();
    // Against a database that does not exist: reports, and creates nothing.
    let out = ok(d, &["import", "ftm", file, "--db", "new.db", "--dry-run"]);
    assert!(out.contains("dry run (nothing written)"), "{out}");
    assert!(
        out.contains("entities created                  10"),
        "{out}"
    );
    assert!(!d.join("new.db").exists());
    // A real import, as JSON, then stats over it.
    let out = ok(d, &["import", "ftm", file, "--db", "new.db", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["entities_created"], 10);
    assert_eq!(v["shipments_added"], 3);
    assert_eq!(v["not_modelled"]["Person"], 1);
    let stats = ok(d, &["stats", "--db", "new.db", "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["shipments"], 3, "{stats}");
    // A dry run on the existing database leaves its bytes' meaning unchanged.
    let before = Store::open(&d.join("new.db"))
        .unwrap()
        .content_fingerprint()
        .unwrap();
    let out = ok(d, &["import", "ftm", file, "--db", "new.db", "--dry-run"]);
    assert!(
        out.contains("matched by id                     10"),
        "{out}"
    );
    let after = Store::open(&d.join("new.db"))
        .unwrap()
        .content_fingerprint()
        .unwrap();
    assert_eq!(before, after);
    // CSV-only flags are refused for FtM, and --dry-run for CSV.
    let err = fails(
        d,
        &["import", "ftm", file, "--db", "new.db", "--map", "a=b"],
    );
    assert!(err.contains("--map"), "{err}");
    let err = fails(
        d,
        &[
            "import",
            "shipments",
            "x.csv",
            "--db",
            "new.db",
            "--dry-run",
        ],
    );
    assert!(
        err.contains("--dry-run is for `lading import ftm` only"),
        "{err}"
    );
}

/// Imports `text` into the sample database, expects an error naming the file, checks the
/// database is unchanged, and returns (line, field, message).
fn expect_error(name: &str, text: &[u8]) -> (Option<u64>, Option<String>, String) {
    let (dir, _db, mut store) = sample_db();
    let before = store.content_fingerprint().unwrap();
    let path = write(dir.path(), name, text);
    let err = store
        .import_ftm(&path, &FtmOptions::default(), None)
        .expect_err("the import should fail");
    assert_eq!(store.content_fingerprint().unwrap(), before, "{err}");
    assert_eq!(err.file, path);
    let shown = err.to_string();
    assert!(shown.contains(name), "{shown}");
    if err.line.is_some() {
        assert!(shown.contains("nothing was imported"), "{shown}");
    }
    (err.line, err.field, err.message)
}

const GOOD: &str =
    r#"{"id":"c1","schema":"Company","properties":{"name":["Good Company"],"country":["ru"]}}"#;

fn lines(rest: &[&str]) -> Vec<u8> {
    let mut text = format!("{GOOD}\n");
    for l in rest {
        text.push_str(l);
        text.push('\n');
    }
    text.into_bytes()
}

#[test]
fn bad_lines_name_file_line_and_field_and_change_nothing() {
    let (line, field, message) = expect_error(
        "json.ftm.json",
        &lines(&[r#"{"id":"c2","schema":"Company","properties":{"name":["Cut"#]),
    );
    assert_eq!((line, field), (Some(2), None));
    assert!(message.contains("not valid JSON"), "{message}");

    let (line, field, message) = expect_error(
        "notlist.ftm.json",
        &lines(&[
            r#"{"id":"s1","schema":"Sanction","properties":{"entity":["c1"],"authority":["OFAC"],"startDate":"2022-03-24"}}"#,
        ]),
    );
    assert_eq!((line, field.as_deref()), (Some(2), Some("startDate")));
    assert!(
        message.contains("Sanction s1") && message.contains("not a list"),
        "{message}"
    );

    let (line, field, _) = expect_error(
        "notstring.ftm.json",
        &lines(&[
            "",
            r#"{"id":"c2","schema":"Company","properties":{"name":["B"],"innCode":[7704274402]}}"#,
        ]),
    );
    assert_eq!((line, field.as_deref()), (Some(3), Some("innCode")));

    let (line, field, message) = expect_error(
        "dangling.ftm.json",
        &lines(&[
            r#"{"id":"o1","schema":"Ownership","properties":{"owner":["c1"],"asset":["NK-nowhere"]}}"#,
        ]),
    );
    assert_eq!((line, field.as_deref()), (Some(2), Some("asset")));
    assert!(message.contains("\"NK-nowhere\" is not an entity in this file or the database"));

    let (line, field, message) = expect_error(
        "date.ftm.json",
        &lines(&[
            r#"{"id":"s1","schema":"Sanction","properties":{"entity":["c1"],"authority":["OFAC"],"startDate":["2022-02-30"]}}"#,
        ]),
    );
    assert_eq!((line, field.as_deref()), (Some(2), Some("startDate")));
    assert!(message.contains("2022-02-30"), "{message}");

    let (line, field, _) = expect_error(
        "noschema.ftm.json",
        &lines(&[r#"{"id":"c2","properties":{"name":["B"]}}"#]),
    );
    assert_eq!((line, field.as_deref()), (Some(2), Some("schema")));

    let (line, _, message) = expect_error("array.ftm.json", &lines(&["[1, 2]"]));
    assert_eq!(line, Some(2));
    assert!(message.contains("not a JSON object"), "{message}");

    let (line, field, message) = expect_error(
        "nested.ftm.json",
        &lines(&[
            r#"{"id":"c2","schema":"Company","properties":{"name":["B"],"sanctions":[{"id":"s9","schema":"Sanction","properties":{"entity":["c2"],"authority":["EU"],"endDate":["soon"]}}]}}"#,
        ]),
    );
    assert_eq!((line, field.as_deref()), (Some(2), Some("endDate")));
    assert!(message.contains("Sanction s9"), "{message}");

    let (line, _, message) =
        expect_error("gz.ftm.json", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03");
    assert_eq!(line, None);
    assert!(message.contains("gzip"), "{message}");

    let (line, _, message) = expect_error("empty.ftm.json", b"\n\n");
    assert_eq!(line, None);
    assert!(message.contains("no entities"), "{message}");
}

#[test]
fn the_first_bad_line_stops_everything_before_it_too() {
    // Good relations and entities before and after the bad line; nothing is kept.
    let (line, field, _) = expect_error(
        "late.ftm.json",
        &std::fs::read(fixture(FIXTURE))
            .unwrap()
            .into_iter()
            .chain(br#"{"id":"x","schema":"Ownership","properties":{"owner":["Q7226398"],"asset":["ru-inn-0323018510"],"percentage":[51]}}"#.iter().copied())
            .collect::<Vec<u8>>(),
    );
    assert_eq!((line, field.as_deref()), (Some(26), Some("percentage")));
}

#[test]
fn an_overlong_line_is_an_error_not_an_allocation() {
    let mut text = lines(&[]);
    text.extend_from_slice(br#"{"id":"big","schema":"Company","properties":{"name":[""#);
    text.resize(
        text.len() + lading::store::import::ftm::MAX_LINE_BYTES,
        b'a',
    );
    text.extend_from_slice(b"\"]}}\n");
    text.extend_from_slice(GOOD.as_bytes());
    let (line, _, message) = expect_error("long.ftm.json", &text);
    assert_eq!(line, Some(2));
    assert!(message.contains("longer than 16 MB"), "{message}");
}

#[test]
fn skip_invalid_keeps_the_good_lines_and_lists_the_rest() {
    let (dir, db, mut store) = sample_db();
    let rejects = dir.path().join("rejects.csv");
    let options = FtmOptions {
        rejects: Some(rejects.clone()),
        ..FtmOptions::default()
    };
    let s = store.import_ftm(&fixture(BROKEN), &options, None).unwrap();
    assert_eq!(s.rejected, 3, "{s}");
    // Klimov and UEC matched the sample by their INNs; the OFAC listing went in.
    assert_eq!(s.entities_matched.identifier, 2, "{s}");
    assert_eq!(s.listings_added, 1);
    assert_eq!(s.ownership_added, 0);
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM sanction s JOIN entity e ON e.id = s.entity_id
             WHERE e.key = 'uec-klimov' AND s.listed_on = '2022-03-04' AND s.authority = 'OFAC'"
        ),
        1
    );
    let mut reader = csv::Reader::from_path(&rejects).unwrap();
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("3".to_owned(), String::new()),
            ("4".to_owned(), "startDate".to_owned()),
            ("5".to_owned(), "entity".to_owned()),
        ]
    );
}

#[test]
fn a_version_1_database_migrates_and_a_tampered_one_is_refused() {
    if common::on_postgres() {
        return; // about SQLite files: a dry run creates none; migrations of old files
    }
    let dir = tempfile::tempdir().unwrap();
    let make_v1 = |name: &str, extra: &str| {
        let path = dir.path().join(name);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "BEGIN; {} {} PRAGMA application_id = {}; PRAGMA user_version = 1; COMMIT;
             INSERT INTO entity (key, name, kind, country) VALUES ('rostec', 'State Corporation Rostec', 'state_owner', 'RU');
             INSERT INTO entity (key, name, kind, country) VALUES ('uuap', 'Ulan-Ude Aviation Plant', 'plant', 'RU');
             {extra}",
            lading::store::schema::MIGRATIONS[0],
            lading::store::schema::SHIPMENT_INDEXES,
            lading::store::schema::APPLICATION_ID,
        ))
        .unwrap();
        path
    };
    let path = make_v1("v1.db", "");
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        one::<i64>(&path, "PRAGMA user_version"),
        i64::from(lading::store::schema::SCHEMA_VERSION)
    );
    assert_eq!(store.counts().unwrap(), [2, 0, 0, 0]);
    let file = write(
        dir.path(),
        "f.json",
        concat!(
            r#"{"id":"NK-r","schema":"Company","properties":{"name":["STATE CORPORATION ROSTEC"],"country":["ru"],"innCode":["7704274402"]}}"#,
            "\n",
            r#"{"id":"own","schema":"Ownership","properties":{"owner":["NK-r"],"asset":["NK-u"]}}"#,
            "\n",
            r#"{"id":"NK-u","schema":"Company","properties":{"name":["Ulan-Ude Aviation Plant"],"country":["ru"]}}"#,
            "\n",
        ),
    );
    let s = import(&mut store, &file);
    assert_eq!(s.entities_matched.name_country, 2);
    assert_eq!(store.counts().unwrap(), [2, 1, 0, 0]);
    drop(store);
    // Opens again at version 2 without migrating twice.
    assert_eq!(Store::open(&path).unwrap().counts().unwrap(), [2, 1, 0, 0]);

    // An old database with a trigger someone added is refused before it is migrated.
    let tampered = make_v1(
        "tampered.db",
        "CREATE TRIGGER t AFTER INSERT ON entity BEGIN DELETE FROM entity; END;",
    );
    let err = Store::open(&tampered).unwrap_err().to_string();
    assert!(
        err.contains("trigger") && err.contains("did not create"),
        "{err}"
    );
    assert_eq!(one::<i64>(&tampered, "PRAGMA user_version"), 1);
}

#[test]
fn a_generated_network_round_trips_through_ftm() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(
        d,
        &[
            "generate",
            "--entities",
            "300",
            "--shipments",
            "2000",
            "--seed",
            "3",
            "--ftm",
            "g.json",
        ],
    );
    assert!(out.contains("FtM entities"), "{out}");
    let g = common::named_db(d, "g.db");
    let direct = common::named_db(d, "direct.db");
    let out = lading(
        d,
        &[
            "import",
            "ftm",
            "g.json",
            "--db",
            g.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["entities_created"], 300);
    assert_eq!(v["shipments_added"], 2000);
    // The same data through the CSV path gives the same counts.
    ok(
        d,
        &[
            "generate",
            "--entities",
            "300",
            "--shipments",
            "2000",
            "--seed",
            "3",
            "--db",
            direct.to_str().unwrap(),
        ],
    );
    let ftm = Store::open(&g).unwrap().counts().unwrap();
    let direct = Store::open(&direct).unwrap().counts().unwrap();
    assert_eq!(ftm, direct);
}
