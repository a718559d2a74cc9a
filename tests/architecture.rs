//! The architecture's two walls, checked on the source: only `src/ui/` knows egui (and
//! eframe), only `src/store/` knows SQLite (rusqlite). Comments may name them; code may not.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of code (not comments) in files outside `allowed` that use one of `crates`.
fn offenders(allowed: &str, crates: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "found only {} source files", files.len());
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with(allowed) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for c in crates {
                let uses = code.contains(&format!("{c}::"))
                    || code.contains(&format!("use {c}"))
                    || code.contains(&format!("extern crate {c}"));
                if uses {
                    found.push(format!("src/{rel}:{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn only_the_ui_knows_egui() {
    let found = offenders("ui/", &["egui", "eframe", "egui_extras", "egui_glow"]);
    assert!(
        found.is_empty(),
        "egui outside src/ui/:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_store_knows_sqlite_and_postgresql() {
    let found = offenders(
        "store/",
        &["rusqlite", "postgres", "postgres_native_tls", "native_tls"],
    );
    assert!(
        found.is_empty(),
        "SQLite or PostgreSQL outside src/store/:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_what_it_looks_for() {
    // Let into the search, the ui's egui and the store's SQLite are found: the search works.
    assert!(!offenders("store/", &["egui"]).is_empty());
    assert!(!offenders("ui/", &["rusqlite"]).is_empty());
    assert!(!offenders("ui/", &["postgres"]).is_empty());
}

/// Shipment rows are only ever appended: the parallel load (`store/shipment_rows.rs`,
/// `read_in_parts`) reads the table in parts by id on several connections and relies on it. No statement in the
/// source may update or delete one (case and spacing ignored).
#[test]
fn shipment_rows_are_never_updated_or_deleted() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let flat: String = text
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for statement in ["update shipment ", "delete from shipment "] {
            if flat.contains(statement) {
                found.push(format!("{}: {statement}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    // The check sees such a statement when there is one.
    let sample = "DELETE  FROM\n shipment WHERE id = 1".to_lowercase();
    let flat = sample.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("delete from shipment "));
}
