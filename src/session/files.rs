//! Files a session needs beside itself in the data directory: the list of recent sessions
//! and the recovery file that autosave writes.
//!
//! Both live in the folder of the default database (`$LADING_DATA_DIR`, else the platform's
//! data directory) and are written atomically. A damaged recent list is treated as empty:
//! it is a convenience, never a reason to refuse to start.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Session, SessionError};
use crate::atomic::write_atomically;

/// Recent sessions remembered.
pub const RECENT_LIMIT: usize = 10;

/// Lading's data directory (where the default database lives).
pub fn data_dir() -> anyhow::Result<PathBuf> {
    let db = crate::sample::default_db_path()?;
    Ok(db
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf))
}

/// Where autosave writes: `<data dir>/recovery.lading`.
pub fn recovery_path(data_dir: &Path) -> PathBuf {
    data_dir.join("recovery.lading")
}

fn recent_path(data_dir: &Path) -> PathBuf {
    data_dir.join("recent-sessions.json")
}

/// The recent sessions, most recent first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recent {
    pub sessions: Vec<PathBuf>,
}

impl Recent {
    /// Reads the list; a missing or damaged list is empty.
    pub fn load(data_dir: &Path) -> Recent {
        std::fs::read(recent_path(data_dir))
            .ok()
            .filter(|b| b.len() < 1024 * 1024)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Puts `path` first (once) and keeps at most [`RECENT_LIMIT`].
    pub fn push(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.sessions.retain(|p| p != &path);
        self.sessions.insert(0, path);
        self.sessions.truncate(RECENT_LIMIT);
    }

    pub fn remove(&mut self, path: &Path) {
        self.sessions.retain(|p| p != path);
    }

    /// Writes the list atomically, creating the data directory if needed.
    pub fn save(&self, data_dir: &Path) -> Result<(), SessionError> {
        let _ = std::fs::create_dir_all(data_dir);
        let text = super::json::to_pretty(self);
        write_atomically(&recent_path(data_dir), |w| w.write_all(text.as_bytes()))?;
        Ok(())
    }
}

/// An autosaved session: the session, and the session file it belongs to (`None`: never
/// saved).
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    pub session: Session,
    pub of: Option<PathBuf>,
}

#[derive(Serialize, Deserialize)]
struct RecoveryFile {
    of: Option<PathBuf>,
    session: Session,
}

impl Recovery {
    /// Writes the recovery file atomically.
    pub fn save(data_dir: &Path, session: &Session, of: Option<&Path>) -> Result<(), SessionError> {
        let _ = std::fs::create_dir_all(data_dir);
        let file = RecoveryFile {
            of: of.map(Path::to_path_buf),
            session: session.clone(),
        };
        let text = super::json::to_pretty(&file);
        write_atomically(&recovery_path(data_dir), |w| w.write_all(text.as_bytes()))?;
        Ok(())
    }

    /// The recovery file, when there is one worth offering: readable, and newer than the
    /// session file it belongs to. A damaged recovery file is not offered.
    pub fn pending(data_dir: &Path) -> Option<Recovery> {
        let path = recovery_path(data_dir);
        let meta = std::fs::metadata(&path).ok()?;
        if meta.len() > super::MAX_SESSION_BYTES {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let file: RecoveryFile = serde_json::from_slice(&bytes).ok()?;
        let session = Session::from_slice(&path, &serde_json::to_vec(&file.session).ok()?).ok()?;
        if let Some(of) = &file.of
            && let (Ok(saved), Ok(recovered)) = (
                std::fs::metadata(of).and_then(|m| m.modified()),
                meta.modified(),
            )
            && saved >= recovered
        {
            return None;
        }
        Some(Recovery {
            session,
            of: file.of,
        })
    }

    /// Deletes the recovery file (after a clean save, a discard, or a restore).
    pub fn clear(data_dir: &Path) {
        let _ = std::fs::remove_file(recovery_path(data_dir));
    }
}
