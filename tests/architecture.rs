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
