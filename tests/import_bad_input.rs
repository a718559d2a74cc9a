//! Bad input to `Store::import_csv`: each case gives a clear error naming the file, the line
//! and the field, and the database's content is exactly as before.

mod common;
use common::write;

use std::path::PathBuf;

use lading::store::Store;
use lading::store::import::{ImportError, ImportKind, ImportOptions};

const HEADER: &str = "date,shipper,consignee,part_type,description,hs_code,quantity,unit,value_usd,source_ref,source\n";
const GOOD_ROW: &str = "2022-06-02,Poly Technologies,Ulan-Ude Aviation Plant,Mi-171E,Запасные части Ми-171Е,880730,4,pcs,1000.00,R-1,test\n";

struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    store: Store,
}

/// A database that already holds one good import, so "unchanged" is tested on real content.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let mut store = Store::open_or_create(&common::test_db(&path)).unwrap();
    let seed = write(&path, "seed.csv", format!("{HEADER}{GOOD_ROW}").as_bytes());
    store
        .import_csv(&seed, &ImportOptions::new(ImportKind::Shipments), None)
        .unwrap();
    Fixture {
        _dir: dir,
        dir: path,
        store,
    }
}

/// Imports `bytes` as shipments, expects an error, checks the database is unchanged.
fn expect_error(name: &str, bytes: &[u8]) -> ImportError {
    let mut f = fixture();
    let before = f.store.content_fingerprint().unwrap();
    let path = write(&f.dir, name, bytes);
    let err = f
        .store
        .import_csv(&path, &ImportOptions::new(ImportKind::Shipments), None)
        .expect_err("the import should fail");
    assert_eq!(
        f.store.content_fingerprint().unwrap(),
        before,
        "database changed: {err}"
    );
    assert_eq!(err.file, path);
    assert!(
        err.to_string().contains(name),
        "message names the file: {err}"
    );
    err
}

fn rows(rows: &[&str]) -> Vec<u8> {
    let mut s = HEADER.to_owned();
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

#[test]
fn non_utf8_file() {
    let mut bytes = rows(&["2022-06-03,A,B,,d,,,,1,R-2,"]);
    // "Müller" in Latin-1.
    bytes.extend_from_slice(b"2022-06-04,M\xfcller GmbH,B,,d,,,,1,R-3,\n");
    let err = expect_error("latin1.csv", &bytes);
    assert_eq!(err.line, Some(3));
    assert_eq!(err.field.as_deref(), Some("shipper"));
    assert!(err.message.contains("UTF-8"), "{err}");
}

#[test]
fn missing_required_column() {
    let err = expect_error("nocons.csv", b"date,shipper,value\n2022-06-02,A,5\n");
    assert_eq!(err.line, Some(1));
    assert_eq!(err.field.as_deref(), Some("consignee"));
    assert!(err.message.contains("missing column"), "{err}");
}

#[test]
fn empty_file() {
    let err = expect_error("empty.csv", b"");
    assert!(err.message.contains("empty"), "{err}");
}

#[test]
fn header_only() {
    let err = expect_error("header.csv", HEADER.as_bytes());
    assert!(err.message.contains("no data rows"), "{err}");
}

#[test]
fn too_few_and_too_many_fields() {
    let err = expect_error(
        "few.csv",
        &rows(&["2022-06-03,A,B,,d,,,,1,R-2,x", "2022-06-03,A,B,Mi-171E"]),
    );
    assert_eq!(err.line, Some(3));
    assert!(err.message.contains("too few fields: 4"), "{err}");
    let err = expect_error("many.csv", &rows(&["2022-06-03,A,B,,d,,,,1,R-2,x,extra"]));
    assert_eq!(err.line, Some(2));
    assert!(err.message.contains("too many fields"), "{err}");
}

#[test]
fn bad_date() {
    let err = expect_error("date.csv", &rows(&["2022-02-30,A,B,,d,,,,1,R-2,"]));
    assert_eq!((err.line, err.field.as_deref()), (Some(2), Some("date")));
    assert!(err.message.contains("no such day"), "{err}");
    let err = expect_error("ambiguous.csv", &rows(&["03/04/2022,A,B,,d,,,,1,R-2,"]));
    assert!(err.message.contains("ambiguous"), "{err}");
}

#[test]
fn negative_or_non_numeric_value() {
    let err = expect_error("neg.csv", &rows(&["2022-06-03,A,B,,d,,,,-5,R-2,"]));
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(2), Some("value_usd"))
    );
    assert!(err.message.contains("negative"), "{err}");
    let err = expect_error("nan.csv", &rows(&["2022-06-03,A,B,,d,,lots,,5,R-2,"]));
    assert_eq!(err.field.as_deref(), Some("quantity"));
    assert!(err.message.contains("not a number"), "{err}");
}

#[test]
fn ten_megabyte_field() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"2022-06-03,A,B,,\"");
    bytes.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    bytes.extend_from_slice(b"\",,,,1,R-2,\n");
    let err = expect_error("huge.csv", &bytes);
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(2), Some("description"))
    );
    assert!(err.message.contains("more than"), "{err}");
}

#[test]
fn png_renamed_to_csv() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let err = expect_error("picture.csv", png);
    assert!(err.message.contains("PNG"), "{err}");
}

#[test]
fn shipment_from_an_entity_to_itself() {
    let err = expect_error(
        "self.csv",
        &rows(&["2022-06-03,Poly Technologies,POLY  technologies,,d,,,,1,R-2,"]),
    );
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(2), Some("consignee"))
    );
    assert!(err.message.contains("also the shipper"), "{err}");
}

#[test]
fn a_bad_row_after_good_ones_leaves_nothing_behind() {
    let mut lines: Vec<String> = (0..500)
        .map(|i| format!("2022-07-01,New Co {i},Other Co {i},,d,,,,1,N-{i},t"))
        .collect();
    lines.push("2022-07-01,A,B,,d,,,,oops,N-x,t".into());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let err = expect_error("late.csv", &rows(&refs));
    assert_eq!(err.line, Some(502));
}

#[test]
fn skip_invalid_imports_good_rows_and_writes_rejects() {
    let mut f = fixture();
    let path = write(
        &f.dir,
        "mixed.csv",
        rows(&[
            "2022-06-03,A,B,,d,,,,1,R-2,",
            "2022-06-03,E,F,,d,,,,-1,R-3,",
            "not a date,G,H,,d,,,,1,R-4,",
            "2022-06-05,C,D,,d,,,,1,R-5,",
        ]),
    );
    let rejects = f.dir.join("rejects.csv");
    let mut options = ImportOptions::new(ImportKind::Shipments);
    options.rejects = Some(rejects.clone());
    let summary = f.store.import_csv(&path, &options, None).unwrap();
    assert_eq!(
        (summary.rows_read, summary.imported, summary.rejected),
        (4, 2, 2)
    );
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("line,field,reason,date,shipper"));
    assert!(lines[1].starts_with("3,value_usd,"), "{}", lines[1]);
    assert!(lines[2].starts_with("4,date,"), "{}", lines[2]);
    // The rejected rows' parties were not created.
    assert_eq!(f.store.counts().unwrap()[0], 2 + 4);
}
