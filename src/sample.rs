//! The sample data shipped in the binary, and the default database made from it.
//!
//! `sample_data/*.csv` is embedded at build time, so `lading` shows a real network on first
//! run from anywhere. The default database lives in the user's data directory (or
//! `$LADING_DATA_DIR`); it is built in a temporary file beside its final place and renamed,
//! so an interrupted first run never leaves a half-built database.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::store::Store;
use crate::store::import::{ImportKind, ImportOptions, ImportSummary};

/// The sample files, in import order: entities first, so the others can refer to them.
pub const SAMPLE_FILES: &[(ImportKind, &str, &[u8])] = &[
    (
        ImportKind::Entities,
        "sample_data/entities.csv",
        include_bytes!("../sample_data/entities.csv"),
    ),
    (
        ImportKind::Ownership,
        "sample_data/ownership.csv",
        include_bytes!("../sample_data/ownership.csv"),
    ),
    (
        ImportKind::Sanctions,
        "sample_data/sanctions.csv",
        include_bytes!("../sample_data/sanctions.csv"),
    ),
    (
        ImportKind::Shipments,
        "sample_data/shipments.csv",
        include_bytes!("../sample_data/shipments.csv"),
    ),
];

/// Where the default database lives: `$LADING_DATA_DIR/lading.db`, else the platform's data
/// directory (`~/.local/share/lading/lading.db` on Linux).
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("LADING_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("lading.db"));
    }
    let dirs = directories::ProjectDirs::from("org", "Lading", "lading")
        .context("cannot find a home directory for the default database; pass --db FILE")?;
    Ok(dirs.data_dir().join("lading.db"))
}

/// Imports the embedded sample into a store.
pub fn import_sample(store: &mut Store) -> anyhow::Result<Vec<ImportSummary>> {
    let mut summaries = Vec::new();
    for (kind, name, bytes) in SAMPLE_FILES {
        let options = ImportOptions::new(*kind);
        let summary = store
            .import_reader(Path::new(name), *bytes, bytes.len() as u64, &options, None)
            .with_context(|| format!("importing the embedded {name}"))?;
        summaries.push(summary);
    }
    Ok(summaries)
}

/// Opens the database at `path`; when it is the default database and does not exist yet,
/// builds it from the sample first.
pub fn open_default(path: &Path) -> anyhow::Result<Store> {
    if !path.exists() {
        create_from_sample(path)?;
    }
    Ok(Store::open(path)?)
}

/// Builds a database from the sample at `path`, atomically.
pub fn create_from_sample(path: &Path) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".lading-sample-")
        .suffix(".db")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    {
        let mut store = Store::open_or_create(tmp.path())?;
        import_sample(&mut store)?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot move the new database to {}", path.display()))?;
    Ok(())
}
