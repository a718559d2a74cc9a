//! A team database: the store on PostgreSQL.
//!
//! Opening one connects (see [`super::db::pg`] for where credentials come from), checks the
//! database is Lading's ([`pg_schema`]'s `lading_meta` with Lading's application id) and of a
//! schema version this build reads, and creates the schema in an empty database when asked
//! to (`open_or_create`). It refuses, writing nothing, a database of another application (one
//! with tables but no `lading_meta`) and one from a newer Lading.
//!
//! Writers take a transaction-scoped advisory lock (the SQLite write lock's counterpart, see
//! [`super::lock`]), so imports and merges from several machines run one after another and
//! each sees the others' entities: two people importing the same company never create it
//! twice. Readers never wait. Shipments are deduplicated by a unique index, so even a
//! writer that skipped the lock could not add a record twice.

use std::path::{Path, PathBuf};

use super::db::pg::{PgConn, Target};
use super::db::{Conn, DbError, params};
use super::{Store, StoreError, lock, pg_schema, schema};

/// The advisory lock key writers hold: "LDNG" in its high half.
pub(super) const WRITE_LOCK: i64 = 0x4C44_4E47_0000_0001;

/// Opens the team database at `url`; `create` makes Lading's schema in an empty database.
pub(super) fn open(url: &str, create: bool) -> Result<Store, StoreError> {
    let target = Target::parse(url).map_err(StoreError::BadUrl)?;
    let shown = target.display();
    let client = target.connect().map_err(|detail| StoreError::Server {
        target: shown.clone(),
        detail: format!("cannot connect: {detail}"),
    })?;
    let store = Store {
        conn: Conn::Postgres(Box::new(PgConn::new(client, shown.clone()))),
        path: PathBuf::from(&shown),
        sharing: lock::Sharing::default(),
    };
    store.check_team(create)?;
    Ok(store)
}

/// A PostgreSQL error on the database at `path` (its URL without a password).
pub(super) fn error(path: &Path, e: DbError) -> StoreError {
    let target = path.display().to_string();
    if e.is_denied() {
        let detail = e.to_string();
        let action = denied_action(&detail);
        return StoreError::Denied {
            target,
            action,
            detail,
        };
    }
    StoreError::Server {
        target,
        detail: e.to_string(),
    }
}

/// What a "permission denied for table T" stopped, in a user's words.
fn denied_action(detail: &str) -> String {
    let table = detail
        .split("permission denied for ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().nth(1))
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
    match table {
        "shipment" | "ownership" | "sanction" => {
            format!("import into this database (it lacks INSERT on table {table})")
        }
        "entity" | "alias" | "identifier" | "judgement" => {
            format!("import or merge in this database (it lacks write access to table {table})")
        }
        "team_session" => "save sessions to this database (it lacks INSERT on team_session)".into(),
        "" => "do this".into(),
        other => format!("change table {other}"),
    }
}

/// What an import needs: to add rows to `table` and to the tables identity writes.
pub(crate) fn import_needs(table: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        (table, "INSERT"),
        ("entity", "INSERT"),
        ("entity", "UPDATE"),
        ("alias", "INSERT"),
        ("identifier", "INSERT"),
        ("review", "INSERT"),
        ("lading_meta", "UPDATE"),
    ]
}

/// What a merge, an unmerge or a "not the same" needs.
pub(crate) const JUDGE_NEEDS: &[(&str, &str)] = &[
    ("entity", "UPDATE"),
    ("judgement", "INSERT"),
    ("lading_meta", "UPDATE"),
];

impl Store {
    /// On a team database, refuses at once, naming the missing permission, what the role may
    /// not do (`action`: "import", "merge", …), before anything is read or written. A file
    /// has no roles: always allowed.
    pub(crate) fn require(&self, action: &str, needs: &[(&str, &str)]) -> Result<(), StoreError> {
        if self.sqlite().is_some() {
            return Ok(());
        }
        for (table, privilege) in needs {
            let allowed: bool = self
                .conn
                .query_row(
                    "SELECT has_table_privilege(?1, ?2)",
                    params![table, privilege],
                    |r| r.get(0),
                )
                .map_err(|e| self.err(e))?;
            if !allowed {
                return Err(StoreError::Denied {
                    target: self.path.display().to_string(),
                    action: action.to_owned(),
                    detail: format!("it lacks {privilege} on table {table}"),
                });
            }
        }
        Ok(())
    }

    /// The checks of the module documentation; creates the schema when `create` and the
    /// database is empty.
    fn check_team(&self, create: bool) -> Result<(), StoreError> {
        let foreign = |detail: String| StoreError::Server {
            target: self.path.display().to_string(),
            detail: format!("not a Lading database: {detail}; Lading wrote nothing to it"),
        };
        let tables: Vec<String> = self
            .conn
            .prepare(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema() ORDER BY 1",
            )
            .and_then(|mut s| s.query_map(params![], |r| r.get(0)))
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        if tables.is_empty() {
            if !create {
                return Err(foreign("it is empty: import data into it first".into()));
            }
            return self.create_team_schema();
        }
        if !tables.iter().any(|t| t == "lading_meta") {
            let some: Vec<&str> = tables.iter().take(3).map(String::as_str).collect();
            return Err(foreign(format!(
                "it holds tables Lading did not create ({}{}) and no lading_meta; \
                 it belongs to another application",
                some.join(", "),
                if tables.len() > 3 { ", …" } else { "" }
            )));
        }
        let meta = |name: &str| -> Result<Option<i64>, StoreError> {
            self.conn
                .query_row(
                    "SELECT value FROM lading_meta WHERE name = ?1",
                    params![name],
                    |r| r.get(0),
                )
                .map(Some)
                .or_else(|e| match e {
                    DbError::NoRow => Ok(None),
                    e => Err(e),
                })
                .map_err(|e| self.err(e))
        };
        let app_id = meta("application_id")?;
        if app_id != Some(i64::from(schema::APPLICATION_ID)) {
            return Err(foreign(format!(
                "its lading_meta has application id {}, Lading writes {:#x}",
                app_id.map_or("none".into(), |v| format!("{v:#x}")),
                schema::APPLICATION_ID
            )));
        }
        let version = meta("schema_version")?.unwrap_or(0);
        if version > i64::from(schema::SCHEMA_VERSION) {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: i32::try_from(version).unwrap_or(i32::MAX),
                supported: schema::SCHEMA_VERSION,
            });
        }
        if let Some(unknown) = tables
            .iter()
            .find(|t| !pg_schema::TABLES.contains(&t.as_str()))
        {
            return Err(foreign(format!(
                "it holds a table named {unknown:?} that Lading did not create"
            )));
        }
        Ok(())
    }

    fn create_team_schema(&self) -> Result<(), StoreError> {
        let tx = self.begin_write()?;
        // Two first openings at once: the second finds the schema made once it has the lock.
        let made: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = 'lading_meta')",
                params![],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !made {
            tx.execute_batch(pg_schema::CREATE)
                .map_err(|e| self.err(e))?;
            tx.execute(
                "INSERT INTO lading_meta (name, value) VALUES
                 ('application_id', ?1), ('schema_version', ?2), ('data_version', 0)",
                params![
                    i64::from(schema::APPLICATION_ID),
                    i64::from(schema::SCHEMA_VERSION)
                ],
            )
            .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// The columns the content fingerprint reads: SQLite's columns, in SQLite's order (who
    /// wrote a row, and when, is not its content).
    pub(super) fn fingerprint_columns(&self, table: &str) -> Result<String, StoreError> {
        if self.sqlite().is_some() {
            return Ok("*".into());
        }
        let names: Vec<String> = self
            .conn
            .prepare(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = ?1
                   AND column_name NOT IN ('made_by', 'made_at', 'rowid')
                 ORDER BY ordinal_position",
            )
            .and_then(|mut s| s.query_map(params![table], |r| r.get(0)))
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        Ok(names.join(", "))
    }
}
