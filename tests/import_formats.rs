//! What the importer accepts: vendor headers, BOM, CRLF, quoted fields, any script,
//! derived part types, deduplication, and the summary.

mod common;
use common::write;

use std::path::Path;

use lading::filter::Filter;
use lading::index::ShipmentIndex;
use lading::store::Store;
use lading::store::import::{ImportKind, ImportOptions};

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_or_create(&common::test_db(dir.path())).unwrap();
    (dir, store)
}

#[test]
fn vendor_file_with_bom_crlf_quotes_and_scripts() {
    let (dir, mut store) = setup();
    let text = "\u{feff}Arrival Date,Exporter,Buyer,Goods Description,Tariff Code,Declared Value,Bill of Lading\r\n\
        02.06.2022,\"Poly Technologies, Inc.\",Улан-Удэнский авиационный завод,\"Запасные части для вертолета Ми-171Ш,\r\nкомплект\",880730,\"1,250.00\",B-1\r\n\
        2022/06/03,保利科技有限公司,Улан-Удэнский  АВИАЦИОННЫЙ завод,Радиостанция авиационная,852560,300,B-2\r\n";
    let path = write(dir.path(), "vendor.csv", text.as_bytes());
    let s = store
        .import_csv(&path, &ImportOptions::new(ImportKind::Shipments), None)
        .unwrap();
    assert_eq!((s.rows_read, s.imported, s.duplicates), (2, 2, 0));
    // The Cyrillic name is matched ignoring case and spacing; the Chinese one is a new entity.
    assert_eq!(s.entities_created.len(), 3, "{:?}", s.entities_created);
    let index = ShipmentIndex::build(store.load_dataset().unwrap());
    assert_eq!(index.part_types(), ["Mi-171Sh", "radio"]);
    let poly = index.find("Poly Technologies, Inc.").unwrap().id;
    let ids = Filter::default().matching_shipments(&index, Some(poly), None);
    let shipments = store.shipments_by_id(&ids).unwrap();
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].value_usd, Some(1250.0));
    assert!(
        shipments[0].description.contains("\r\nкомплект")
            || shipments[0].description.contains("\nкомплект")
    );
    assert_eq!(shipments[0].date.iso(), "2022-06-02");
}

#[test]
fn importing_twice_adds_nothing() {
    let (dir, mut store) = setup();
    let path = write(
        dir.path(),
        "s.csv",
        b"date,shipper,consignee,value_usd,source_ref\n2022-01-01,A,B,1,X-1\n2022-01-02,A,B,2,X-2\n2022-01-03,B,A,3,\n",
    );
    let options = ImportOptions::new(ImportKind::Shipments);
    let first = store.import_csv(&path, &options, None).unwrap();
    let fingerprint = store.content_fingerprint().unwrap();
    let second = store.import_csv(&path, &options, None).unwrap();
    assert_eq!((first.imported, first.duplicates), (3, 0));
    assert_eq!((second.imported, second.duplicates), (0, 3));
    assert!(second.entities_created.is_empty());
    assert_eq!(store.content_fingerprint().unwrap(), fingerprint);
}

#[test]
fn explicit_map_and_date_format() {
    let (dir, mut store) = setup();
    let path = write(
        dir.path(),
        "m.csv",
        b"when,from,to,usd\n03/04/2022,A,B,10\n",
    );
    let mut options = ImportOptions::new(ImportKind::Shipments);
    options.map = vec![
        ("date".into(), "when".into()),
        ("shipper".into(), "from".into()),
        ("consignee".into(), "to".into()),
        ("value_usd".into(), "usd".into()),
    ];
    options.date_format = lading::date::DateFormat::from_arg("DD/MM/YYYY");
    store.import_csv(&path, &options, None).unwrap();
    let index = ShipmentIndex::build(store.load_dataset().unwrap());
    assert_eq!(index.date_span().unwrap().0.iso(), "2022-04-03");
    let graph = Filter::default().apply(&index);
    assert_eq!(graph.value_usd, 10.0);
}

#[test]
fn entities_ownership_and_sanctions_files() {
    let (dir, mut store) = setup();
    let entities = write(
        dir.path(),
        "e.csv",
        "key,name,kind,country,state_owned,aliases,source\n\
         rostec,Rostec,state_owner,RU,true,Госкорпорация «Ростех» | State Corporation Rostec,facts\n\
         uuap,Ulan-Ude Aviation Plant,plant,ru,true,Улан-Удэнский авиационный завод,facts\n"
            .as_bytes(),
    );
    let ownership = write(
        dir.path(),
        "o.csv",
        b"owner,owned,share\nrostec,Ulan-Ude Aviation Plant,100%\n",
    );
    let sanctions = write(
        dir.path(),
        "s.csv",
        "entity,authority,program,listed_on\nулан-удэнский авиационный завод,OFAC,RUSSIA-EO14024,2022-03-24\n".as_bytes(),
    );
    for (kind, path) in [
        (ImportKind::Entities, &entities),
        (ImportKind::Ownership, &ownership),
        (ImportKind::Sanctions, &sanctions),
    ] {
        let s = store
            .import_csv(path, &ImportOptions::new(kind), None)
            .unwrap();
        assert!(
            s.entities_created.is_empty(),
            "{kind:?} created {:?}",
            s.entities_created
        );
        assert_eq!(s.imported, s.rows_read);
    }
    let index = ShipmentIndex::build(store.load_dataset().unwrap());
    let plant = index.find("uuap").unwrap();
    assert_eq!(plant.country, "RU");
    assert_eq!(
        index.owners_of(plant.id),
        vec![index.find("rostec").unwrap().id]
    );
    assert_eq!(index.listings_of(plant.id).len(), 1);
    // Re-importing the entities file updates in place and adds nothing.
    let again = store
        .import_csv(&entities, &ImportOptions::new(ImportKind::Entities), None)
        .unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 2));
}

#[test]
fn the_store_refuses_foreign_and_damaged_files_without_changing_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = write(dir.path(), "notes.db", b"hello, not a database");
    let err = Store::open(&text).unwrap_err().to_string();
    assert!(err.contains("not a SQLite database"), "{err}");
    assert_eq!(std::fs::read(&text).unwrap(), b"hello, not a database");

    // A SQLite database of some other program.
    let other = dir.path().join("other.db");
    foreign_sqlite(&other);
    let before = std::fs::read(&other).unwrap();
    let err = Store::open(&other).unwrap_err().to_string();
    assert!(err.contains("not a Lading database"), "{err}");
    assert_eq!(std::fs::read(&other).unwrap(), before);

    // A Lading database from the future.
    let future = dir.path().join("future.db");
    drop(Store::open_or_create(&future).unwrap());
    set_user_version(&future, 99);
    let err = Store::open(&future).unwrap_err().to_string();
    assert!(err.contains("newer Lading"), "{err}");

    // A damaged one: the header survives, the pages do not.
    let damaged = dir.path().join("damaged.db");
    {
        let mut store = Store::open_or_create(&damaged).unwrap();
        let csv = write(
            dir.path(),
            "x.csv",
            b"date,shipper,consignee\n2022-01-01,A,B\n",
        );
        store
            .import_csv(&csv, &ImportOptions::new(ImportKind::Shipments), None)
            .unwrap();
    }
    let mut bytes = std::fs::read(&damaged).unwrap();
    for b in bytes.iter_mut().skip(100) {
        *b = 0xA5;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let result = Store::open(&damaged).and_then(|s| s.load_dataset());
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("damaged") || err.contains("not a SQLite") || err.contains("malformed"),
        "{err}"
    );
}

/// Makes a SQLite database that carries another program's application id.
fn foreign_sqlite(path: &Path) {
    // An empty SQLite database is 0 bytes; use the store to make a valid file, then overwrite
    // the application id so it is a SQLite database that is not Lading's.
    drop(Store::open_or_create(path).unwrap());
    let mut bytes = std::fs::read(path).unwrap();
    // application_id lives at offset 68 of the header, big-endian.
    bytes[68..72].copy_from_slice(&0x1234_5678u32.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
}

fn set_user_version(path: &Path, version: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    // user_version lives at offset 60 of the header, big-endian.
    bytes[60..64].copy_from_slice(&version.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn the_content_fingerprint_is_fixed_by_content_alone() {
    // Sessions name their database by this value for months: it must not depend on the
    // machine, the Rust version or the file's history, only on the rows.
    let a = Store::in_memory().unwrap();
    a.insert_entity(
        "poly-technologies",
        "Poly Technologies, Inc.",
        lading::model::EntityKind::Subsidiary,
        "CN",
        true,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let b = Store::open_or_create(&dir.path().join("b.db")).unwrap();
    b.insert_entity(
        "poly-technologies",
        "Poly Technologies, Inc.",
        lading::model::EntityKind::Subsidiary,
        "CN",
        true,
    )
    .unwrap();
    let fingerprint = a.content_fingerprint().unwrap();
    assert_eq!(fingerprint, b.content_fingerprint().unwrap());
    assert_eq!(fingerprint, PINNED_FINGERPRINT);
    b.insert_entity(
        "rostec",
        "State Corporation Rostec",
        lading::model::EntityKind::StateOwner,
        "RU",
        true,
    )
    .unwrap();
    assert_ne!(b.content_fingerprint().unwrap(), fingerprint);
}

/// FNV-1a of that one row, as Lading 0.1 computes it.
const PINNED_FINGERPRINT: &str = "c80668ec37a9e324";
