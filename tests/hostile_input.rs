//! Hostile files: a CSV that is one 100 MB line, sessions that are deeply nested, huge or
//! full of impossible numbers, and (below the line) every input the fuzzers
//! (`tests/fuzz`, see README.md "Fuzzing") found a bug with, as a regression test.
//!
//! The memory checks read the process's peak resident memory (`VmHWM`) after resetting it
//! (`/proc/self/clear_refs`), on Linux only; the tests that allocate much run one at a time.

use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use lading::session::{Session, SessionError};
use lading::store::Store;
use lading::store::import::{ImportError, ImportKind, ImportOptions};

const HEADER: &str = "date,shipper,consignee,part_type,description,hs_code,quantity,unit,value_usd,source_ref,source\n";
const GOOD_ROW: &str = "2022-06-02,Poly Technologies,Ulan-Ude Aviation Plant,Mi-171E,Запасные части Ми-171Е,880730,4,pcs,1000.00,R-1,test\n";

/// Tests that allocate or measure memory take this, so they do not overlap.
static HEAVY: Mutex<()> = Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

/// A store with one shipment, so "unchanged" is checked on real content.
fn store() -> Store {
    let mut store = Store::in_memory().unwrap();
    let seed = format!("{HEADER}{GOOD_ROW}");
    store
        .import_reader(
            Path::new("seed.csv"),
            seed.as_bytes(),
            seed.len() as u64,
            &ImportOptions::new(ImportKind::Shipments),
            None,
        )
        .unwrap();
    store
}

/// Imports what `reader` yields as shipments named `name`; expects a failure that left the
/// database unchanged, and returns it.
fn import_fails(name: &str, reader: impl Read + Send, options: &ImportOptions) -> ImportError {
    let mut store = store();
    let before = store.content_fingerprint().unwrap();
    let err = store
        .import_reader(Path::new(name), reader, 0, options, None)
        .expect_err("the import should fail");
    assert_eq!(store.content_fingerprint().unwrap(), before, "{err}");
    assert!(err.to_string().starts_with(name), "names the file: {err}");
    err
}

/// Peak resident memory since the last reset, and a reset; `None` off Linux.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn current_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `f` and returns how far it raised the peak resident memory, in MB (None: cannot
/// measure here).
fn peak_growth_mb(f: impl FnOnce()) -> Option<u64> {
    let before = current_rss_kb()?;
    if !reset_peak_rss() {
        return None;
    }
    f();
    Some(peak_rss_kb()?.saturating_sub(before) / 1024)
}

const HUNDRED_MB: u64 = 100 * 1024 * 1024;

#[test]
fn a_hundred_megabyte_line_is_refused_in_bounded_memory() {
    let _heavy = heavy();
    // The second line is one 100 MB description: the reader would have to hold it whole.
    let body = HEADER
        .as_bytes()
        .chain(&b"2022-06-03,A,B,,"[..])
        .chain(std::io::repeat(b'x').take(HUNDRED_MB))
        .chain(&b",880730,4,pcs,1,R-2,\n"[..]);
    let mut err = None;
    let grew = peak_growth_mb(|| {
        err = Some(import_fails(
            "line.csv",
            body,
            &ImportOptions::new(ImportKind::Shipments),
        ))
    });
    let err = err.unwrap();
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(2), Some("description")),
        "{err}"
    );
    assert!(err.message.contains("more than 1 MB"), "{err}");
    eprintln!("a 100 MB line raised peak memory by {grew:?} MB");
    if let Some(mb) = grew {
        assert!(mb < 60, "a 100 MB line raised peak memory by {mb} MB");
    }
}

#[test]
fn a_file_that_is_one_hundred_megabyte_line_is_refused_at_the_header() {
    let _heavy = heavy();
    let body = std::io::repeat(b'a').take(HUNDRED_MB);
    let mut err = None;
    let grew = peak_growth_mb(|| {
        err = Some(import_fails(
            "one-line.csv",
            body,
            &ImportOptions::new(ImportKind::Entities),
        ))
    });
    let err = err.unwrap();
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(1), Some("column 1")),
        "{err}"
    );
    eprintln!("a 100 MB header raised peak memory by {grew:?} MB");
    if let Some(mb) = grew {
        assert!(mb < 60, "a 100 MB header raised peak memory by {mb} MB");
    }
}

#[test]
fn an_unclosed_quote_stops_at_the_limit_not_at_the_end_of_the_file() {
    let _heavy = heavy();
    // Valid-looking rows after an unclosed quote all become one field.
    let row = "2022-06-03,A,B,,x,880730,4,pcs,1,R-2,\n";
    // 10 MB of rows: the guard stops at 1 MB, the csv crate alone would read them all.
    let rows = row.repeat(10 * 1024 * 1024 / row.len());
    let good = GOOD_ROW.replace("R-1", "R-9");
    let body = HEADER
        .as_bytes()
        .chain(good.as_bytes())
        .chain(&b"2022-06-03,A,B,,\"unclosed\n"[..])
        .chain(rows.as_bytes());
    let err = import_fails(
        "quote.csv",
        body,
        &ImportOptions::new(ImportKind::Shipments),
    );
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(3), Some("description")),
        "{err}"
    );
}

#[test]
fn a_row_of_millions_of_empty_fields_is_refused() {
    let _heavy = heavy();
    let body = HEADER
        .as_bytes()
        .chain(std::io::repeat(b',').take(9 * 1024 * 1024));
    let err = import_fails(
        "commas.csv",
        body,
        &ImportOptions::new(ImportKind::Shipments),
    );
    assert_eq!(err.line, Some(2), "{err}");
    assert!(err.message.contains("a row of more than 8 MB"), "{err}");
}

#[test]
fn a_header_of_too_many_columns_is_refused() {
    let header = "a,".repeat(5000);
    let err = import_fails(
        "wide.csv",
        format!("{header}\n1\n").as_bytes(),
        &ImportOptions::new(ImportKind::Sanctions),
    );
    assert_eq!(err.line, Some(1), "{err}");
    assert!(err.message.contains("at most 1024"), "{err}");
}

#[test]
fn with_skip_invalid_a_long_field_under_the_stream_limit_only_rejects_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = ImportOptions::new(ImportKind::Shipments);
    options.rejects = Some(dir.path().join("rejects.csv"));
    let long = "y".repeat(200 * 1024);
    let text = format!(
        "{HEADER}2022-06-03,A,B,,{long},880730,4,pcs,1,R-2,\n{}",
        GOOD_ROW.replace("R-1", "R-3")
    );
    let mut store = store();
    let summary = store
        .import_reader(
            Path::new("long.csv"),
            text.as_bytes(),
            text.len() as u64,
            &options,
            None,
        )
        .unwrap();
    assert_eq!((summary.imported, summary.rejected), (1, 1), "{summary:?}");
}

/// Writes `bytes` as a session file and opens it.
fn load_session(bytes: &[u8]) -> Result<Session, SessionError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.lading");
    std::fs::write(&path, bytes).unwrap();
    Session::load(&path)
}

fn session_error(bytes: &[u8]) -> String {
    let err = load_session(bytes).expect_err("the session should be refused");
    let text = err.to_string();
    assert!(text.contains("hostile.lading"), "names the file: {text}");
    text
}

#[test]
fn deeply_nested_session_json_is_refused_without_overflowing_the_stack() {
    for depth in [200, 100_000] {
        let text = format!(
            "{{\"format\":\"lading-session\",\"notes\":{}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        // Refused (an array is not a note), naming the file, and no stack overflow.
        session_error(text.as_bytes());
    }
    // Nesting inside a field Lading ignores is skipped without recursion (serde_json skips
    // iteratively): the session opens.
    let text = format!(
        "{{\"format\":\"lading-session\",\"unknown\":{}1{}}}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    assert!(load_session(text.as_bytes()).is_ok());
}

#[test]
fn a_session_of_one_hundred_megabyte_string_is_refused_by_size() {
    // The size is checked before anything is read: the file is a JSON head and 100 MB of a
    // string (sparse on disk, so the test writes little).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.lading");
    std::fs::write(&path, b"{\"format\":\"lading-session\",\"saved_by\":\"").unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(HUNDRED_MB).unwrap();
    drop(file);
    let err = Session::load(&path).expect_err("refused").to_string();
    assert!(
        err.contains("hostile.lading") && err.contains("at most 64 MB"),
        "{err}"
    );
}

#[test]
fn impossible_numbers_in_a_session_are_refused_or_dropped() {
    let with = |field: &str| format!("{{\"format\":\"lading-session\",{field}}}");
    // Out of range for JSON numbers, and NaN/Infinity which JSON does not have: refused,
    // naming the file.
    for bad in [
        "\"positions\":{\"a\":[1e400,0]}",
        "\"positions\":{\"a\":[NaN,0]}",
        "\"view\":{\"zoom\":Infinity}",
        "\"format_version\":1e400",
        "\"callouts\":[{\"id\":-1,\"at\":[0,0],\"text\":\"\"}]",
        "\"expanded\":{\"a\":-5}",
    ] {
        session_error(with(bad).as_bytes());
    }
    // Finite in JSON but not in f32: it reads as infinity, and is dropped when the session
    // is opened (positions, pins, callouts) or the view is not used.
    let session = load_session(
        with("\"positions\":{\"a\":[3.5e38,0]},\"view\":{\"fit\":false,\"zoom\":3.5e38}")
            .as_bytes(),
    )
    .unwrap();
    assert!(session.view.to_view().is_none());
}
