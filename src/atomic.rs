//! Writing a file all at once or not at all.
//!
//! [`write_atomically`] writes into a temporary file beside the destination, flushes and
//! fsyncs it, then renames it over the destination, so a reader (or a crash, or a full disk)
//! never sees a half-written picture, export or session: the old file stays whole until the
//! new one is complete. Every writer in Lading goes through it. Errors name the path and say
//! what is wrong with it (missing folder, read-only folder) before anything is written.
//!
//! A writer killed mid-write (SIGKILL, power loss) cannot remove its temporary file; the next
//! successful write of the same destination removes such leftovers once they are an hour
//! old (younger ones may belong to another program writing right now).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why a file could not be written. Nothing is left behind in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {path}: the folder {dir} does not exist")]
    MissingFolder { path: PathBuf, dir: PathBuf },
    #[error("cannot write {path}: {dir} is not a folder")]
    NotAFolder { path: PathBuf, dir: PathBuf },
    #[error("cannot write {path}: it is a folder")]
    IsAFolder { path: PathBuf },
    #[error("cannot write {path}: the folder {dir} is read-only or not writable ({source})")]
    ReadOnly {
        path: PathBuf,
        dir: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl WriteError {
    /// The destination that could not be written.
    pub fn path(&self) -> &Path {
        match self {
            WriteError::MissingFolder { path, .. }
            | WriteError::NotAFolder { path, .. }
            | WriteError::IsAFolder { path }
            | WriteError::ReadOnly { path, .. }
            | WriteError::Io { path, .. } => path,
        }
    }
}

/// Writes `path` through `write`, atomically: `write` gets a buffered writer on a temporary
/// file in the same folder; when it returns `Ok`, the file is flushed, fsynced and renamed
/// to `path` (replacing any old file). When `write` fails, the temporary file is removed and
/// `path` is untouched.
pub fn write_atomically<F>(path: &Path, write: F) -> Result<(), WriteError>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    write_file_atomically(path, |file| {
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        out.flush()
    })
}

/// [`write_atomically`], with `write` given the temporary file itself (unbuffered, at its
/// start): for a writer that writes from several threads or starts the file's writeback
/// as it goes ([`start_writeback`]).
pub fn write_file_atomically<F>(path: &Path, write: F) -> Result<(), WriteError>
where
    F: FnOnce(&File) -> io::Result<()>,
{
    let io_err = |source: io::Error| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = check_destination(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|source| match source.kind() {
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                WriteError::ReadOnly {
                    path: path.to_path_buf(),
                    dir: dir.clone(),
                    source,
                }
            }
            _ => io_err(source),
        })?;
    write(tmp.as_file()).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    set_permissions(tmp.as_file(), path);
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    // Make the rename itself durable; not every platform can open a folder, so best effort.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    remove_leftovers(&dir, &name, STALE_AFTER);
    Ok(())
}

/// Asks the system to start writing `len` bytes of `file` from `offset` to the disk now,
/// without waiting: the fsync at the end of [`write_file_atomically`] then has less left to
/// wait for. Only advice (Linux; elsewhere nothing): the file's contents never change.
pub fn start_writeback(file: &File, offset: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
            return;
        };
        // SAFETY: a plain system call on a file descriptor `file` keeps open; it reads no
        // memory of ours.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, offset, len);
}

/// How old a temporary file left beside a destination must be to count as abandoned.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes temporary files of earlier writes of `name` in `dir` (`.NAME.XXXXXX.tmp`, as
/// [`write_atomically`] names them) last modified more than `age` ago. Best effort: a file
/// that cannot be read or removed is left.
fn remove_leftovers(dir: &Path, name: &str, age: std::time::Duration) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let ours = file_name.len() > prefix.len() + 4
            && file_name.starts_with(&prefix)
            && file_name.ends_with(".tmp");
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|elapsed| elapsed > age);
        if ours && stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Checks, before any work, that `path` could be written: its folder exists and it is not
/// itself a folder. Returns the folder. (Whether the folder is writable shows only when
/// writing; [`write_atomically`] reports that as [`WriteError::ReadOnly`].)
pub fn check_destination(path: &Path) -> Result<PathBuf, WriteError> {
    if path.is_dir() {
        return Err(WriteError::IsAFolder {
            path: path.to_path_buf(),
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.exists() {
        return Err(WriteError::MissingFolder {
            path: path.to_path_buf(),
            dir,
        });
    }
    if !dir.is_dir() {
        return Err(WriteError::NotAFolder {
            path: path.to_path_buf(),
            dir,
        });
    }
    Ok(dir)
}

/// Temporary files are private (0600); the result should look like any file the user
/// writes: keep the old file's permissions, or use 0644.
#[cfg(unix)]
fn set_permissions(file: &File, path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode())
        .unwrap_or(0o644);
    let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_permissions(_file: &File, _path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomically(&p, |w| w.write_all(b"one")).unwrap();
        write_atomically(&p, |w| w.write_all(b"two")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(entries(dir.path()), vec!["a.txt"]);
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "old").unwrap();
        let err = write_atomically(&p, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("boom"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("a.txt"), "{err}");
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(entries(dir.path()), vec!["a.txt"]);
    }

    #[test]
    fn the_next_write_removes_what_a_killed_write_left_once_it_is_an_hour_old() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.lading");
        let leftover = |n: &str, hours_ago: u64| {
            let path = dir.path().join(n);
            let f = File::create(&path).unwrap();
            let when =
                std::time::SystemTime::now() - std::time::Duration::from_secs(hours_ago * 3600);
            f.set_modified(when).unwrap();
        };
        leftover(".s.lading.a1B2c3.tmp", 2); // a killed save, two hours ago: removed
        leftover(".s.lading.x9Y8z7.tmp", 0); // perhaps being written now: kept
        leftover(".other.lading.q1W2e3.tmp", 2); // another file's: kept
        leftover("s.lading.tmp", 2); // not a name the writer uses: kept
        write_atomically(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(
            entries(dir.path()),
            vec![
                ".other.lading.q1W2e3.tmp",
                ".s.lading.x9Y8z7.tmp",
                "s.lading",
                "s.lading.tmp"
            ]
        );
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope").join("a.png");
        let err = write_atomically(&p, |w| w.write_all(b"x")).unwrap_err();
        assert!(matches!(err, WriteError::MissingFolder { .. }), "{err}");
        assert!(err.to_string().contains("does not exist"), "{err}");
        let err = write_atomically(dir.path(), |w| w.write_all(b"x")).unwrap_err();
        assert!(matches!(err, WriteError::IsAFolder { .. }), "{err}");
    }
}
