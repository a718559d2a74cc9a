//! The fuzz targets' checks (`tests/fuzz/src/lib.rs`), run on their seed inputs with the
//! stable toolchain: every `cargo test` compiles the fuzz code against today's Lading, so it
//! cannot go stale unnoticed, and the seeds stay passing cases. Fuzzing itself needs nightly
//! and cargo-fuzz (README, "Fuzzing").

#[path = "fuzz/src/lib.rs"]
#[allow(dead_code)]
mod lading_fuzz;

/// Runs `check` on every seed of a fuzz target; returns how many there were.
fn run_seeds(target: &str, check: fn(&[u8])) -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/seeds")
        .join(target);
    let mut seeds: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    for seed in &seeds {
        eprintln!("{}", seed.display());
        check(&std::fs::read(seed).unwrap());
    }
    seeds.len()
}

#[test]
fn csv_import_seeds_pass_the_fuzz_checks() {
    assert!(run_seeds("import_csv", lading_fuzz::import_csv) >= 12);
}

#[test]
fn ftm_import_seeds_pass_the_fuzz_checks() {
    assert!(run_seeds("import_ftm", lading_fuzz::import_ftm) >= 5);
}

#[test]
fn session_seeds_pass_the_fuzz_checks() {
    assert!(run_seeds("session", lading_fuzz::session) >= 3);
}
