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

use std::io::BufRead;

use super::db::pg::{PgConn, Target};
use super::db::{Conn, DbError, DbResult, params};
use super::shipment_rows::ColumnBuilder;
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

/// Reads the shipment columns through one `COPY … TO STDOUT` (text format): a bulk read, no
/// per-row protocol messages.
pub(super) fn copy_shipments(pg: &PgConn, build: &mut ColumnBuilder<'_>) -> DbResult<()> {
    let mut client = pg.client();
    let reader = client.copy_out(
        "COPY (SELECT id, date, shipper_id, consignee_id, part_type, value_usd, source
               FROM shipment ORDER BY id) TO STDOUT",
    )?;
    let mut input = std::io::BufReader::with_capacity(1 << 20, reader);
    let mut line = Vec::with_capacity(256);
    let (mut part, mut source) = (String::new(), String::new());
    let bad = |what: &str| DbError::Copy(format!("a shipment row with {what}"));
    loop {
        line.clear();
        let n = input
            .read_until(b'\n', &mut line)
            .map_err(|e| DbError::Copy(e.to_string()))?;
        if n == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        let mut fields = line.split(|&b| b == b'\t');
        let mut next = || fields.next().ok_or_else(|| bad("too few fields"));
        let int = |f: &[u8]| -> DbResult<i64> {
            std::str::from_utf8(f)
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| bad("a malformed integer"))
        };
        let id = int(next()?)?;
        let date = std::str::from_utf8(next()?).map_err(|_| bad("a date that is not text"))?;
        let shipper = int(next()?)?;
        let consignee = int(next()?)?;
        unescape(next()?, &mut part).map_err(|_| bad("a part type that is not UTF-8"))?;
        let value = match next()? {
            b"\\N" => None,
            f => Some(
                std::str::from_utf8(f)
                    .ok()
                    .and_then(|t| t.parse::<f64>().ok())
                    .ok_or_else(|| bad("a malformed value"))?,
            ),
        };
        unescape(next()?, &mut source).map_err(|_| bad("a source that is not UTF-8"))?;
        build.push(id, date, shipper, consignee, &part, value, &source);
    }
    Ok(())
}

/// A text field of COPY's text format, its backslash escapes undone, into `out`.
fn unescape(field: &[u8], out: &mut String) -> Result<(), std::str::Utf8Error> {
    out.clear();
    if !field.contains(&b'\\') {
        out.push_str(std::str::from_utf8(field)?);
        return Ok(());
    }
    let mut bytes = Vec::with_capacity(field.len());
    let mut it = field.iter();
    while let Some(&b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(b'b') => bytes.push(8),
            Some(b'f') => bytes.push(12),
            Some(b'v') => bytes.push(11),
            Some(&c) => bytes.push(c),
            None => {}
        }
    }
    out.push_str(std::str::from_utf8(&bytes)?);
    Ok(())
}

/// Shipment rows of an import on PostgreSQL, sent in bulk: each row goes into a buffer in
/// COPY's text format; every [`Stage::CHUNK`] rows the buffer is copied into a temporary
/// table, and at the end one `INSERT … SELECT` moves the rows the table does not already hold
/// into `shipment`, in file order (so ids follow the file as on SQLite, with no gaps for
/// duplicates). The unique index still guards it (`ON CONFLICT DO NOTHING`).
#[derive(Default)]
pub(crate) struct Stage {
    buffer: Vec<u8>,
    rows: u64,
    staged: u64,
    created: bool,
    /// The deduplication keys staged so far; whether one came twice (only then can the file
    /// hold a record twice, and the final move sorts the rows to keep the first).
    keys: rustc_hash::FxHashSet<i64>,
    repeats: bool,
}

/// The staged columns, in `shipment`'s names; `line` keeps the file's order.
const STAGE_COLUMNS: &str = "date, shipper_id, consignee_id, part_type, description, hs_code, \
     quantity, unit, value_usd, source_ref, source, ref_key, extra";

impl Stage {
    const CHUNK: u64 = 50_000;

    pub(crate) fn push(&mut self, tx: &Conn, values: &[super::db::Value<'_>]) -> DbResult<()> {
        use std::io::Write;
        if let Some(&super::db::Value::Integer(key)) = values.get(11)
            && !self.keys.insert(key)
        {
            self.repeats = true;
        }
        let b = &mut self.buffer;
        for v in values {
            match *v {
                super::db::Value::Null => b.extend_from_slice(b"\\N"),
                super::db::Value::Integer(i) => {
                    let _ = write!(b, "{i}");
                }
                super::db::Value::Real(r) => {
                    let _ = write!(b, "{r:?}");
                }
                super::db::Value::Text(t) => {
                    for &c in t.as_bytes() {
                        match c {
                            b'\\' => b.extend_from_slice(b"\\\\"),
                            b'\t' => b.extend_from_slice(b"\\t"),
                            b'\n' => b.extend_from_slice(b"\\n"),
                            b'\r' => b.extend_from_slice(b"\\r"),
                            c => b.push(c),
                        }
                    }
                }
            }
            b.push(b'\t');
        }
        self.rows += 1;
        let _ = writeln!(b, "{}", self.rows);
        if self.rows - self.staged >= Self::CHUNK {
            self.flush(tx)?;
        }
        Ok(())
    }

    fn flush(&mut self, tx: &Conn) -> DbResult<()> {
        use std::io::Write;
        let Some(pg) = tx.postgres() else {
            return Ok(());
        };
        if !self.created {
            tx.execute_batch(&format!(
                "CREATE TEMP TABLE lading_stage ON COMMIT DROP AS
                 SELECT {STAGE_COLUMNS}, 0::bigint AS line FROM shipment WITH NO DATA"
            ))?;
            self.created = true;
        }
        if self.buffer.is_empty() {
            return Ok(());
        }
        let mut client = pg.client();
        let mut writer = client.copy_in(&format!(
            "COPY lading_stage ({STAGE_COLUMNS}, line) FROM STDIN"
        ))?;
        writer
            .write_all(&self.buffer)
            .map_err(|e| DbError::Copy(e.to_string()))?;
        writer.finish()?;
        self.buffer.clear();
        self.staged = self.rows;
        Ok(())
    }

    /// Rows staged so far.
    pub(crate) fn rows(&self) -> usize {
        self.rows as usize
    }

    /// Moves the staged rows into `shipment`; returns how many were already there.
    pub(crate) fn finish(&mut self, tx: &Conn) -> DbResult<u64> {
        self.flush(tx)?;
        if self.rows == 0 {
            return Ok(0);
        }
        // The file itself holds a record twice only if a key came twice: only then are the
        // staged rows sorted to keep each record's first line.
        let rows = if self.repeats {
            "(SELECT DISTINCT ON (ref_key, source, source_ref) * FROM lading_stage
              ORDER BY ref_key, source, source_ref, line)"
        } else {
            "lading_stage"
        };
        tx.execute_batch("SET LOCAL work_mem = '256MB'")?;
        let added = tx.execute(
            &format!(
                "INSERT INTO shipment ({STAGE_COLUMNS})
                 SELECT {STAGE_COLUMNS} FROM {rows} AS st
                 WHERE NOT EXISTS (
                     SELECT 1 FROM shipment s WHERE s.ref_key = st.ref_key
                     AND md5(s.source) = md5(st.source) AND md5(s.source_ref) = md5(st.source_ref)
                     AND s.source = st.source AND s.source_ref = st.source_ref)
                 ORDER BY line
                 ON CONFLICT DO NOTHING"
            ),
            params![],
        )? as u64;
        tx.execute_batch("DROP TABLE lading_stage")?;
        self.created = false;
        Ok(self.rows - added)
    }
}

/// Runs `sql` through a portal, `f` on each row, 10,000 rows a round trip: a table of ten
/// million rows is never held in memory at once.
pub(super) fn scan(
    pg: &PgConn,
    sql: &str,
    mut f: impl FnMut(&super::db::Row<'_>) -> DbResult<()>,
) -> DbResult<()> {
    let mut client = pg.client();
    let mut tx = client.transaction()?;
    let statement = tx.prepare(&super::db::pg::translate(sql))?;
    let portal = tx.bind(&statement, &[])?;
    loop {
        let rows = tx.query_portal(&portal, 10_000)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            f(&super::db::Row::Postgres(row))?;
        }
    }
    tx.commit()?;
    Ok(())
}
