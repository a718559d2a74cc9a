//! Helpers shared by the tests that run the real `lading` binary.
// Each test crate uses some of these, not all.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `lading ARGS` in `dir`, with its data directory inside `dir`.
pub fn lading(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lading"))
        .args(args)
        .env("LADING_DATA_DIR", dir.join("data"))
        .current_dir(dir)
        .output()
        .expect("run lading")
}

/// Runs `lading ARGS`, asserts it succeeds, and returns its standard output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = lading(dir, args);
    assert!(
        out.status.success(),
        "lading {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `lading ARGS`, asserts it fails, and returns its standard error.
pub fn fails(dir: &Path, args: &[&str]) -> String {
    let out = lading(dir, args);
    assert!(!out.status.success(), "lading {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
