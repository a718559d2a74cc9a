//! The SQLite store: the one module that knows SQL.
//!
//! A [`Store`] is an open Lading database. Opening is defensive: a database is untrusted
//! input (someone may have sent it), so the file is checked to be SQLite, to carry Lading's
//! application id, to be of a schema version this build reads, and to hold no objects Lading
//! did not create, before anything is read from it; and SQLite runs with defensive mode on,
//! `trusted_schema` off and extension loading off. Opening never writes to a database it
//! refuses.
//!
//! Imports live in [`import`]; [`Store::load_dataset`] reads everything the in-memory index
//! needs in one pass.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, config::DbConfig};

use db::{Conn, DbError, OptionalExtension, params};

mod bulk;
pub mod db;
mod entity_names;
pub mod identity;
pub use entity_names::{AliasRecord, EntityNames};
pub mod import;
pub(crate) mod load;
mod lock;
pub(crate) mod pg_schema;
mod queries;
pub mod schema;
mod shipment_rows;
pub(crate) mod team;
mod team_sessions;
pub use team_sessions::TeamSession;

pub use load::{Canon, Dataset, MergedEntity, ShipmentColumns};
pub use lock::{COMMIT_WAIT, MAX_WRITE_WAIT, Waiting, is_busy};
pub use queries::{MonthTotal, ShipmentRow};

use crate::model::{EntityId, EntityKind};

/// Why a database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: no such file")]
    Missing { path: PathBuf },
    #[error("{path}: not a SQLite database ({detail})")]
    NotSqlite { path: PathBuf, detail: String },
    #[error("{path}: a SQLite database, but not a Lading database ({detail})")]
    Foreign { path: PathBuf, detail: String },
    #[error(
        "{path}: made by a newer Lading (schema version {found}; this build reads up to {supported}); \
         open it with a newer Lading"
    )]
    TooNew {
        path: PathBuf,
        found: i32,
        supported: i32,
    },
    #[error("{path}: the database is damaged ({detail})")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{path}: another process (another Lading import?) has been writing to this database \
         for {waited_secs} s; Lading stopped waiting: try again when it has finished"
    )]
    Busy { path: PathBuf, waited_secs: u64 },
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: DbError,
    },
    /// A team database that could not be reached, signed in to or read. `target` is its URL
    /// without a password.
    #[error("{target}: {detail}")]
    Server { target: String, detail: String },
    /// The database role may not do this.
    #[error(
        "{target}: your database role may not {action} ({detail}); ask the database's owner \
         for that permission"
    )]
    Denied {
        target: String,
        action: String,
        detail: String,
    },
    /// Something this kind of database does not do.
    #[error("{0}")]
    Unsupported(String),
    /// A URL of a scheme Lading does not know, or a malformed one.
    #[error("{0}")]
    BadUrl(String),
}

/// An open Lading database.
pub struct Store {
    conn: Conn,
    path: PathBuf,
    sharing: lock::Sharing,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens an existing Lading database. Fails, and writes nothing, on a missing file, a file
    /// that is not SQLite, a foreign or damaged database, or one from a newer Lading.
    ///
    /// A `postgres://` URL (see [`db::pg`]) opens a team database instead; any other
    /// `scheme://` is refused, never taken for a file name.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(url) = url_of(path)? {
            return team::open(url, false);
        }
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        check_magic(path)?;
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let store = Store {
            conn: Conn::Sqlite(conn),
            path: path.to_path_buf(),
            sharing: lock::Sharing::default(),
        };
        store.check_identity(false)?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens a Lading database, creating an empty one (WAL, current schema) when the file does
    /// not exist or is empty.
    pub fn open_or_create(path: &Path) -> Result<Store, StoreError> {
        if let Some(url) = url_of(path)? {
            return team::open(url, true);
        }
        let fresh = std::fs::metadata(path)
            .map(|m| m.len() == 0)
            .unwrap_or(true);
        if !fresh {
            return Store::open(path);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::NotSqlite {
                path: path.to_path_buf(),
                detail: format!("cannot create its folder: {e}"),
            })?;
        }
        let conn = connect(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| sqlite_error(path, e))?;
        let store = Store {
            conn: Conn::Sqlite(conn),
            path: path.to_path_buf(),
            sharing: lock::Sharing::default(),
        };
        store.check_identity(true)?;
        store.migrate()?;
        Ok(store)
    }

    /// An in-memory database, for tests and benchmarks.
    pub fn in_memory() -> Result<Store, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
            path: path.clone(),
            source: source.into(),
        })?;
        harden(&conn, &path)?;
        let store = Store {
            conn: Conn::Sqlite(conn),
            path,
            sharing: lock::Sharing::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The database's file, or for a team database its URL without a password.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which engine holds this database.
    pub fn engine(&self) -> db::Engine {
        self.conn.engine()
    }

    fn err(&self, source: impl Into<DbError>) -> StoreError {
        match source.into() {
            DbError::Sqlite(e) => sqlite_error(&self.path, e),
            e => team::error(&self.path, e),
        }
    }

    /// The SQLite connection; `None` on a team database.
    fn sqlite(&self) -> Option<&Connection> {
        self.conn.sqlite()
    }

    /// Checks application id, schema version and the objects in the schema.
    fn check_identity(&self, allow_blank: bool) -> Result<(), StoreError> {
        let Some(conn) = self.sqlite() else {
            return Ok(());
        };
        let app_id: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let version: i32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let blank = app_id == 0 && version == 0 && objects == 0;
        if blank {
            if allow_blank {
                return Ok(());
            }
            return Err(StoreError::Foreign {
                path: self.path.clone(),
                detail: "it is empty: import data into it first".into(),
            });
        }
        if app_id != schema::APPLICATION_ID {
            return Err(StoreError::Foreign {
                path: self.path.clone(),
                detail: format!(
                    "application id {app_id:#x}, Lading writes {:#x}",
                    schema::APPLICATION_ID
                ),
            });
        }
        if version > schema::SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                supported: schema::SCHEMA_VERSION,
            });
        }
        // An older database is checked too, before it is migrated: every object of an older
        // schema is in the latest list.
        if version >= 1 {
            self.check_objects()?;
        }
        Ok(())
    }

    /// Refuses tables, views, triggers or indexes that Lading did not create.
    fn check_objects(&self) -> Result<(), StoreError> {
        let Some(conn) = self.sqlite() else {
            return Ok(());
        };
        let mut stmt = conn
            .prepare("SELECT type, name FROM sqlite_master ORDER BY type, name")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (kind, name) = row.map_err(|e| self.err(e))?;
            let known = schema::KNOWN_OBJECTS
                .iter()
                .any(|(k, n)| *k == kind && *n == name)
                || (kind == "index" && name.starts_with("sqlite_autoindex_"));
            if !known {
                return Err(StoreError::Foreign {
                    path: self.path.clone(),
                    detail: format!(
                        "it holds a {kind} named {name:?} that Lading did not create; \
                         Lading refuses to run it"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Brings the schema to [`schema::SCHEMA_VERSION`], one transaction per migration. The
    /// version is read again once the write lock is held, so two processes opening an old
    /// (or a new, empty) database at once migrate it once.
    fn migrate(&self) -> Result<(), StoreError> {
        let Some(conn) = self.sqlite() else {
            return Ok(());
        };
        let version = |store: &Store| -> Result<i32, StoreError> {
            conn.pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(|e| store.err(e))
        };
        while version(self)? < schema::SCHEMA_VERSION {
            let tx = self.begin_write()?;
            let from = version(self)?.max(0) as usize;
            let Some(sql) = schema::MIGRATIONS.get(from) else {
                break; // another process migrated it meanwhile
            };
            let to = from as i32 + 1;
            let extra = if to == 1 {
                schema::SHIPMENT_INDEXES
            } else {
                ""
            };
            let batch = format!(
                "{sql}\n{extra}\nPRAGMA application_id = {};\nPRAGMA user_version = {to};",
                schema::APPLICATION_ID
            );
            tx.execute_batch(&batch).map_err(|e| self.err(e))?;
            tx.commit().map_err(|e| self.err(e))?;
        }
        let _ = conn.busy_timeout(lock::BUSY_TIMEOUT);
        Ok(())
    }

    /// Number of rows in each table: entities, ownership links, shipments, sanctions.
    pub fn counts(&self) -> Result<[i64; 4], StoreError> {
        let mut out = [0; 4];
        for (slot, table) in out
            .iter_mut()
            .zip(["entity", "ownership", "shipment", "sanction"])
        {
            *slot = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), params![], |r| {
                    r.get(0)
                })
                .map_err(|e| self.err(e))?;
        }
        Ok(out)
    }

    /// Looks an entity up by key, name or alias (case and spacing ignored).
    pub fn find_entity(&self, text: &str) -> Result<Option<EntityId>, StoreError> {
        let norm = crate::model::normalize_name(text);
        self.conn
            .query_row(
                "SELECT id FROM entity WHERE key = ?1
                 UNION ALL SELECT id FROM entity WHERE lower(name) = ?2
                 UNION ALL SELECT entity_id FROM alias WHERE lower(name) = ?2
                 LIMIT 1",
                params![text.trim(), norm],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Inserts one entity (used by the generator and tests); returns its id.
    pub fn insert_entity(
        &self,
        key: &str,
        name: &str,
        kind: EntityKind,
        country: &str,
        state_owned: bool,
    ) -> Result<EntityId, StoreError> {
        self.conn
            .execute(
                "INSERT INTO entity (key, name, kind, country, state_owned) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![key, name, kind.as_str(), country, state_owned],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// A digest of the whole content, for tests that assert a failed import changed nothing
    /// and for sessions that name their database by content. FNV-1a over the raw values, so
    /// it is the same on every machine and with every version of Lading and Rust.
    pub fn content_fingerprint(&self) -> Result<String, StoreError> {
        use db::ValueRef;
        let mut h = Fnv64::new();
        for table in [
            "entity",
            "alias",
            "ownership",
            "shipment",
            "sanction",
            "entity_ftm",
            "identifier",
            "judgement",
            "review",
        ] {
            // Tables added after version 1 count only when they hold rows, so a database's
            // fingerprint (which sessions record) does not change when it is migrated.
            if matches!(table, "entity_ftm" | "identifier" | "judgement" | "review") {
                let empty: bool = self
                    .conn
                    .query_row(
                        &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
                        params![],
                        |r| r.get(0),
                    )
                    .map_err(|e| self.err(e))?;
                if empty {
                    continue;
                }
            }
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT {} FROM {table} ORDER BY 1, 2",
                    self.fingerprint_columns(table)?
                ))
                .map_err(|e| self.err(e))?;
            let columns = stmt.column_count();
            // Columns added by later versions count only when they hold something.
            let later: Vec<bool> = (0..columns)
                .map(|i| {
                    let name = stmt.column_name(i).unwrap_or("");
                    schema::LATER_COLUMNS.contains(&(table, name))
                })
                .collect();
            let hash_row = |h: &mut Fnv64, row: &db::Row<'_>| -> Result<(), DbError> {
                for (i, &later) in later.iter().enumerate() {
                    let value = row.get_ref(i)?;
                    if later && matches!(value, ValueRef::Null | ValueRef::Text("")) {
                        continue;
                    }
                    match value {
                        ValueRef::Null => h.write(&[0]),
                        ValueRef::Integer(v) => {
                            h.write(&[1]);
                            h.write(&v.to_le_bytes());
                        }
                        ValueRef::Real(v) => {
                            h.write(&[2]);
                            h.write(&v.to_bits().to_le_bytes());
                        }
                        ValueRef::Text(t) => {
                            h.write(&[3]);
                            h.write(&(t.len() as u64).to_le_bytes());
                            h.write(t.as_bytes());
                        }
                        ValueRef::Blob(b) => {
                            h.write(&[4]);
                            h.write(&(b.len() as u64).to_le_bytes());
                            h.write(b);
                        }
                    }
                }
                Ok(())
            };
            if self.sqlite().is_some() {
                let mut rows = stmt.query(params![]).map_err(|e| self.err(e))?;
                while let Some(row) = rows.next().map_err(|e| self.err(e))? {
                    hash_row(&mut h, &row).map_err(|e| self.err(e))?;
                }
            } else {
                // A server-side cursor, read in batches: a table of ten million rows is never
                // held in memory at once.
                let sql = format!(
                    "SELECT {} FROM {table} ORDER BY 1, 2",
                    self.fingerprint_columns(table)?
                );
                drop(stmt);
                if let Some(pg) = self.conn.postgres() {
                    team::scan(pg, &sql, |row| hash_row(&mut h, row)).map_err(|e| self.err(e))?;
                }
            }
            h.write(table.as_bytes());
        }
        Ok(format!("{:016x}", h.0))
    }
}

/// FNV-1a, 64 bits: a hash with a fixed definition.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn sqlite_error(path: &Path, source: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: source.to_string(),
        },
        Some(ErrorCode::NotADatabase) => StoreError::NotSqlite {
            path: path.to_path_buf(),
            detail: source.to_string(),
        },
        _ => StoreError::Sqlite {
            path: path.to_path_buf(),
            source: source.into(),
        },
    }
}

fn check_magic(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| StoreError::NotSqlite {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
    if read < 16 || &head != SQLITE_MAGIC {
        return Err(StoreError::NotSqlite {
            path: path.to_path_buf(),
            detail: "its first bytes are not SQLite's header".into(),
        });
    }
    Ok(())
}

fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| sqlite_error(path, e))?;
    harden(&conn, path)?;
    Ok(conn)
}

/// Settings for untrusted databases, and the ones Lading's own queries rely on.
fn harden(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let e = |err| sqlite_error(path, err);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(e)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
        .map_err(e)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)
        .map_err(e)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false)
        .map_err(e)?;
    conn.execute_batch("PRAGMA foreign_keys = ON;").map_err(e)?;
    // Every statement goes through the cache (`db::Conn::prepare`): room for all of an
    // import's, so none is prepared again row after row.
    conn.set_prepared_statement_cache_capacity(64);
    conn.busy_timeout(lock::BUSY_TIMEOUT).map_err(e)?;
    Ok(())
}

/// Where a database given by the user is, as Lading keeps it: a file path unchanged, a team
/// database's URL without its password (kept for this process: see [`db::pg`]). A URL of
/// any other scheme is refused.
pub fn location(given: &Path) -> Result<PathBuf, StoreError> {
    match url_of(given)? {
        Some(url) => {
            let target = db::pg::Target::parse(url).map_err(StoreError::BadUrl)?;
            Ok(PathBuf::from(target.display()))
        }
        None => Ok(given.to_path_buf()),
    }
}

/// A database named by a URL: `Some` for a team database's, an error for a scheme Lading does
/// not know (a URL never becomes a file path), `None` for a file path.
fn url_of(path: &Path) -> Result<Option<&str>, StoreError> {
    let Some(text) = path.to_str() else {
        return Ok(None);
    };
    if !db::pg::looks_like_url(text) {
        return Ok(None);
    }
    if !text.starts_with("postgres://") && !text.starts_with("postgresql://") {
        return Err(StoreError::BadUrl(
            db::pg::Target::parse(text)
                .err()
                .unwrap_or_else(|| format!("{text}: not a database Lading can open")),
        ));
    }
    Ok(Some(text))
}
