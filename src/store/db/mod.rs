//! One connection, two engines: the small SQL layer the store is written against.
//!
//! The store's queries are plain SQL that SQLite and PostgreSQL both read (`ON CONFLICT DO
//! NOTHING`, `RETURNING`, `coalesce`, `EXISTS`), written with SQLite's numbered parameters
//! (`?1`); [`Conn`] runs them on either engine. Its surface mirrors the part of rusqlite the
//! store used (prepare, query, rows, `get`, execute, last insert id), so the store's code is
//! the same for both, and only what truly differs has two versions: opening and checking a
//! database, its schema, the write lock, and the fast paths of bulk reads and writes.
//!
//! What PostgreSQL needs that SQLite does not, this layer does once:
//! - `?N` becomes `$N` (outside quoted text);
//! - an `INSERT … VALUES` into a table with an `id` column gets `RETURNING id`, which is how
//!   [`Conn::last_insert_rowid`] answers on PostgreSQL;
//! - parameters are converted to the type the server inferred (an integer bound to a
//!   `double precision` column, a boolean to a `bigint` flag);
//! - columns are read by their server type into the same [`ValueRef`] SQLite gives.

use std::cell::Cell;

pub mod pg;

/// A database error from either engine, or a value of an unexpected type.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", pg::describe(.0))]
    Postgres(#[from] postgres::Error),
    #[error("column {column}: {message}")]
    Type { column: usize, message: String },
    #[error("no row")]
    NoRow,
    #[error("reading a bulk copy: {0}")]
    Copy(String),
}

impl DbError {
    /// SQLite's "busy"/"locked", or PostgreSQL's lock timeout: another writer is in the way.
    pub fn is_busy(&self) -> bool {
        match self {
            DbError::Sqlite(e) => super::is_busy(e),
            DbError::Postgres(e) => matches!(
                e.code().map(|c| c.code()),
                Some("55P03") | Some("40P01") | Some("40001")
            ),
            _ => false,
        }
    }

    /// PostgreSQL's "insufficient privilege": the role may not do this.
    pub fn is_denied(&self) -> bool {
        matches!(self, DbError::Postgres(e) if e.code().map(|c| c.code()) == Some("42501"))
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// A value as a query returns it: the same five kinds on both engines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl<'a> ValueRef<'a> {
    /// The text, or an error for any other kind of value.
    pub fn as_str(&self) -> DbResult<&'a str> {
        match *self {
            ValueRef::Text(t) => Ok(t),
            other => Err(DbError::Type {
                column: 0,
                message: format!("expected text, found {other:?}"),
            }),
        }
    }
}

/// A value a query is given.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
}

/// Something that binds as a query parameter.
pub trait ToParam {
    fn to_value(&self) -> Value<'_>;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Integer(*self as i64)
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, usize);

impl ToParam for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Integer(i64::from(*self))
    }
}
impl ToParam for f64 {
    fn to_value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}
impl ToParam for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl ToParam for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}
impl<T: ToParam> ToParam for Option<T> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

/// The parameters of one statement.
pub type Params<'p> = &'p [&'p dyn ToParam];

/// `params![a, b, c]`: a statement's parameters, of any [`ToParam`] types.
#[macro_export]
macro_rules! db_params {
    () => { &[] as &[&dyn $crate::store::db::ToParam] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::store::db::ToParam),+] as &[&dyn $crate::store::db::ToParam] };
}
pub use crate::db_params as params;

/// A value read from a row.
pub trait FromValue: Sized {
    fn from_value(v: ValueRef<'_>) -> Result<Self, String>;
}

impl FromValue for i64 {
    fn from_value(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Integer(i) => Ok(i),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}
impl FromValue for i32 {
    fn from_value(v: ValueRef<'_>) -> Result<Self, String> {
        i64::from_value(v).and_then(|i| i32::try_from(i).map_err(|e| e.to_string()))
    }
}
impl FromValue for bool {
    fn from_value(v: ValueRef<'_>) -> Result<Self, String> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Real(r) => Ok(r),
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}
impl FromValue for String {
    fn from_value(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Text(t) => Ok(t.to_owned()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// Which engine a connection talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// An open connection to either engine.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<pg::PgConn>),
}

impl Conn {
    pub fn engine(&self) -> Engine {
        match self {
            Conn::Sqlite(_) => Engine::Sqlite,
            Conn::Postgres(_) => Engine::Postgres,
        }
    }

    /// The SQLite connection, for the code that is SQLite's alone.
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Conn::Sqlite(c) => Some(c),
            Conn::Postgres(_) => None,
        }
    }

    pub fn postgres(&self) -> Option<&pg::PgConn> {
        match self {
            Conn::Sqlite(_) => None,
            Conn::Postgres(c) => Some(c.as_ref()),
        }
    }

    /// Prepares one statement, or takes it from the connection's cache: every statement is
    /// cached (rusqlite's cache, or [`pg::PgConn`]'s by SQL text).
    pub fn prepare(&self, sql: &str) -> DbResult<Stmt<'_>> {
        match self {
            Conn::Sqlite(c) => Ok(Stmt::Sqlite(c.prepare_cached(sql)?)),
            Conn::Postgres(c) => c.prepare(sql).map(|p| Stmt::Postgres(c.as_ref(), p)),
        }
    }

    pub fn execute(&self, sql: &str, params: Params<'_>) -> DbResult<usize> {
        self.prepare(sql)?.execute(params)
    }

    pub fn query_row<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        f: impl FnOnce(&Row<'_>) -> DbResult<T>,
    ) -> DbResult<T> {
        self.prepare(sql)?.query_row(params, f)
    }

    /// Runs several statements with no parameters.
    pub fn execute_batch(&self, sql: &str) -> DbResult<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(c) => c.batch(sql),
        }
    }

    /// The id of the row the last `INSERT` on this connection added.
    pub fn last_insert_rowid(&self) -> i64 {
        match self {
            Conn::Sqlite(c) => c.last_insert_rowid(),
            Conn::Postgres(c) => c.last_id.get(),
        }
    }

    /// Begins a transaction (SQLite: `BEGIN IMMEDIATE` when `write`, taking the write lock).
    pub fn begin(&self, write: bool) -> DbResult<Tx<'_>> {
        let sql = match (self, write) {
            (Conn::Sqlite(_), true) => "BEGIN IMMEDIATE",
            _ => "BEGIN",
        };
        self.execute_batch(sql)?;
        Ok(Tx {
            conn: self,
            open: Cell::new(true),
        })
    }
}

/// An open transaction: rolled back when dropped uncommitted.
pub struct Tx<'c> {
    conn: &'c Conn,
    open: Cell<bool>,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Tx<'_> {
    pub fn commit(self) -> DbResult<()> {
        if let Conn::Postgres(c) = self.conn {
            c.before_commit()?;
        }
        self.conn.execute_batch("COMMIT")?;
        self.open.set(false);
        if let Conn::Postgres(c) = self.conn {
            c.after_commit();
        }
        Ok(())
    }

    pub fn rollback(self) -> DbResult<()> {
        self.open.set(false);
        self.conn.execute_batch("ROLLBACK")
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open.get() {
            let _ = self.conn.execute_batch("ROLLBACK");
            if let Conn::Postgres(c) = self.conn {
                c.after_rollback();
            }
        }
    }
}

/// A prepared statement.
pub enum Stmt<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    Postgres(&'c pg::PgConn, pg::Prepared),
}

impl Stmt<'_> {
    pub fn execute(&mut self, params: Params<'_>) -> DbResult<usize> {
        match self {
            Stmt::Sqlite(s) => Ok(s.execute(rusqlite::params_from_iter(sqlite_params(params)))?),
            Stmt::Postgres(c, p) => c.execute(p, params),
        }
    }

    pub fn query(&mut self, params: Params<'_>) -> DbResult<Rows<'_>> {
        match self {
            Stmt::Sqlite(s) => Ok(Rows::Sqlite(
                s.query(rusqlite::params_from_iter(sqlite_params(params)))?,
            )),
            Stmt::Postgres(c, p) => Ok(Rows::Postgres(c.query(p, params)?, 0)),
        }
    }

    pub fn query_row<T>(
        &mut self,
        params: Params<'_>,
        f: impl FnOnce(&Row<'_>) -> DbResult<T>,
    ) -> DbResult<T> {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(row) => f(&row),
            None => Err(DbError::NoRow),
        }
    }

    /// Every row through `f`, read at once.
    pub fn query_map<T>(
        &mut self,
        params: Params<'_>,
        mut f: impl FnMut(&Row<'_>) -> DbResult<T>,
    ) -> DbResult<std::vec::IntoIter<DbResult<T>>> {
        let mut rows = self.query(params)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(f(&row));
        }
        Ok(out.into_iter())
    }

    pub fn column_count(&self) -> usize {
        match self {
            Stmt::Sqlite(s) => s.column_count(),
            Stmt::Postgres(_, p) => p.statement.columns().len(),
        }
    }

    pub fn column_name(&self, i: usize) -> Option<&str> {
        match self {
            Stmt::Sqlite(s) => s.column_name(i).ok(),
            Stmt::Postgres(_, p) => p.statement.columns().get(i).map(|c| c.name()),
        }
    }
}

fn sqlite_params<'p>(params: Params<'p>) -> impl Iterator<Item = SqliteParam<'p>> + 'p {
    params.iter().map(|p| SqliteParam(p.to_value()))
}

struct SqliteParam<'a>(Value<'a>);

impl rusqlite::ToSql for SqliteParam<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as V};
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Value::Null => V::Null,
            Value::Integer(i) => V::Integer(i),
            Value::Real(r) => V::Real(r),
            Value::Text(t) => V::Text(t.as_bytes()),
        }))
    }
}

/// The rows of a query.
pub enum Rows<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Postgres(Vec<postgres::Row>, usize),
}

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> DbResult<Option<Row<'_>>> {
        match self {
            Rows::Sqlite(r) => Ok(r.next()?.map(Row::Sqlite)),
            Rows::Postgres(rows, at) => {
                let row = rows.get(*at);
                *at += 1;
                Ok(row.map(Row::Postgres))
            }
        }
    }
}

/// One row.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl Row<'_> {
    pub fn get_ref(&self, i: usize) -> DbResult<ValueRef<'_>> {
        match self {
            Row::Sqlite(r) => {
                use rusqlite::types::ValueRef as V;
                Ok(match r.get_ref(i)? {
                    V::Null => ValueRef::Null,
                    V::Integer(v) => ValueRef::Integer(v),
                    V::Real(v) => ValueRef::Real(v),
                    V::Text(t) => {
                        ValueRef::Text(std::str::from_utf8(t).map_err(|e| DbError::Type {
                            column: i,
                            message: format!("text that is not UTF-8 ({e})"),
                        })?)
                    }
                    V::Blob(b) => ValueRef::Blob(b),
                })
            }
            Row::Postgres(r) => pg::value(r, i),
        }
    }

    pub fn get<T: FromValue>(&self, i: usize) -> DbResult<T> {
        T::from_value(self.get_ref(i)?).map_err(|message| DbError::Type { column: i, message })
    }
}

/// `.optional()` on a single-row query: no row is `None`, not an error.
pub trait OptionalExtension<T> {
    fn optional(self) -> DbResult<Option<T>>;
}

impl<T> OptionalExtension<T> for DbResult<T> {
    fn optional(self) -> DbResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRow) => Ok(None),
            Err(DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
