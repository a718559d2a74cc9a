//! The PostgreSQL side of [`super::Conn`]: where a team database is, how Lading signs in to
//! it, and running the store's SQL on it.
//!
//! **Where.** A team database is named by a URL, `postgres://USER@HOST:PORT/DB?sslmode=…`
//! (also `postgresql://`; `host=/socket/dir` for a Unix socket; `service=NAME` for an entry of
//! the service file). Only URLs of these two schemes name a server: [`Target::parse`] refuses
//! any other `scheme://`, so no URL ever becomes a file path. The usual environment fills what
//! the URL leaves out (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`, `PGSERVICE`).
//!
//! **Credentials** come, in this order, from a password in the URL, `PGPASSWORD`, the
//! service file (`PGSERVICEFILE` or `~/.pg_service.conf`) and the password file (`PGPASSFILE`
//! or `~/.pgpass`, read only when no one else can read it, as libpq does). A password given
//! in a URL is taken out of it at once ([`Target::parse`] keeps it for this process only): the
//! URL that sessions, logs, window titles and error messages carry is [`Target::display`],
//! which never holds one.
//!
//! **TLS** follows `sslmode` as libpq does: `disable`; `prefer` (the default) and `require`
//! encrypt without checking the certificate; `verify-ca` checks it against the system's
//! roots, `verify-full` the host name too.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use postgres::config::SslMode;
use postgres::types::{IsNull, ToSql, Type, private::BytesMut, to_sql_checked};

use super::{DbError, DbResult, Params, Value, ValueRef};

/// The schemes that name a PostgreSQL server.
const SCHEMES: [&str; 2] = ["postgres://", "postgresql://"];

/// Whether `text` looks like a URL (`scheme://…`) rather than a file path.
pub fn looks_like_url(text: &str) -> bool {
    match text.find("://") {
        Some(at) => {
            let scheme = &text[..at];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// Passwords given in URLs on this process's command line, by the URL without them.
static URL_PASSWORDS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// A PostgreSQL database to connect to.
#[derive(Clone, Debug)]
pub struct Target {
    pub user: String,
    /// A host name, or a Unix socket directory (starts with '/').
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub sslmode: String,
    pub service: Option<String>,
    pub connect_timeout: Option<u64>,
    password_from_service: Option<String>,
}

impl Target {
    /// Reads a `postgres://` URL. A password in it is kept for this process (see the module
    /// documentation) and never appears in [`Target::display`].
    pub fn parse(url: &str) -> Result<Target, String> {
        let Some(rest) = SCHEMES.iter().find_map(|s| url.strip_prefix(s)) else {
            let scheme = url.split("://").next().unwrap_or("");
            return Err(format!(
                "{scheme}:// is not a kind of database Lading knows: give a SQLite file's path \
                 or a postgres:// URL"
            ));
        };
        let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, dbname) = main.split_once('/').unwrap_or((main, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((u, p)) => (decode(u)?, Some(decode(p)?)),
                None => (decode(u)?, None),
            },
            None => (String::new(), None),
        };
        let (host, port) = split_host_port(hostport)?;
        let mut params: HashMap<String, String> = HashMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.insert(decode(k)?, decode(v)?);
        }
        let mut password = password;
        if let Some(p) = params.remove("password") {
            password = Some(p);
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let service_name = params.remove("service").or_else(|| env("PGSERVICE"));
        let service = match &service_name {
            Some(name) => read_service(name)?,
            None => HashMap::new(),
        };
        let pick = |from_url: Option<String>, key: &str, env_key: &str| {
            from_url
                .filter(|v| !v.is_empty())
                .or_else(|| service.get(key).cloned())
                .or_else(|| env(env_key))
        };
        let host = pick(params.remove("host").or(host), "host", "PGHOST").unwrap_or_else(|| {
            if Path::new("/var/run/postgresql").is_dir() {
                "/var/run/postgresql".into()
            } else {
                "localhost".into()
            }
        });
        let port_text = pick(params.remove("port").or(port), "port", "PGPORT");
        let port = match port_text {
            Some(p) => p
                .parse::<u16>()
                .map_err(|_| format!("port {p:?} is not a port number"))?,
            None => 5432,
        };
        let user = pick(params.remove("user").or(Some(user)), "user", "PGUSER")
            .unwrap_or_else(crate::store::identity::current_user);
        let dbname = pick(
            params.remove("dbname").or(Some(decode(dbname)?)),
            "dbname",
            "PGDATABASE",
        )
        .unwrap_or_else(|| user.clone());
        let sslmode = pick(params.remove("sslmode"), "sslmode", "PGSSLMODE")
            .unwrap_or_else(|| "prefer".into());
        if !matches!(
            sslmode.as_str(),
            "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full"
        ) {
            return Err(format!(
                "sslmode={sslmode} is not one of disable, prefer, require, verify-ca, verify-full"
            ));
        }
        let connect_timeout = match params.remove("connect_timeout") {
            Some(t) => Some(
                t.parse::<u64>()
                    .map_err(|_| format!("connect_timeout={t} is not a number of seconds"))?,
            ),
            None => Some(10),
        };
        params.remove("application_name");
        if let Some(k) = params.keys().min() {
            return Err(format!(
                "the URL's parameter {k:?} is not one Lading understands \
                 (host, port, user, dbname, sslmode, service, connect_timeout)"
            ));
        }
        let target = Target {
            user,
            host,
            port,
            dbname,
            sslmode,
            service: service_name,
            connect_timeout,
            password_from_service: service.get("password").cloned(),
        };
        if let Some(p) = password {
            let mut known = URL_PASSWORDS.lock().unwrap_or_else(|e| e.into_inner());
            let display = target.display();
            known.retain(|(d, _)| *d != display);
            known.push((display, p));
        }
        Ok(target)
    }

    /// The URL without a password: what Lading shows and writes.
    pub fn display(&self) -> String {
        let mut url = format!("postgres://{}@", encode(&self.user));
        let socket = self.host.starts_with('/');
        if !socket {
            url.push_str(&self.host);
            if self.port != 5432 {
                url.push_str(&format!(":{}", self.port));
            }
        }
        url.push('/');
        url.push_str(&encode(&self.dbname));
        let mut query = Vec::new();
        if socket {
            query.push(format!("host={}", encode(&self.host)));
            if self.port != 5432 {
                query.push(format!("port={}", self.port));
            }
        }
        if self.sslmode != "prefer" {
            query.push(format!("sslmode={}", self.sslmode));
        }
        if let Some(s) = &self.service {
            query.push(format!("service={}", encode(s)));
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.join("&"));
        }
        url
    }

    /// The password, from wherever it is kept (see the module documentation).
    fn password(&self) -> Option<String> {
        let display = self.display();
        let known = URL_PASSWORDS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, p)) = known.iter().find(|(d, _)| *d == display) {
            return Some(p.clone());
        }
        drop(known);
        std::env::var("PGPASSWORD")
            .ok()
            .filter(|p| !p.is_empty())
            .or_else(|| self.password_from_service.clone())
            .or_else(|| self.in_pgpass())
    }

    fn in_pgpass(&self) -> Option<String> {
        let path = std::env::var_os("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass")))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).ok()?.permissions().mode();
            if mode & 0o077 != 0 {
                return None; // readable by others: libpq ignores it too
            }
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let host = if self.host.starts_with('/') {
            "localhost"
        } else {
            &self.host
        };
        let port = self.port.to_string();
        for line in text.lines() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let fields = split_pgpass(line);
            if fields.len() != 5 {
                continue;
            }
            let matches = |f: &str, v: &str| f == "*" || f == v;
            if matches(&fields[0], host)
                && matches(&fields[1], &port)
                && matches(&fields[2], &self.dbname)
                && matches(&fields[3], &self.user)
            {
                return Some(fields[4].clone());
            }
        }
        None
    }

    /// Opens a connection.
    pub fn connect(&self) -> Result<postgres::Client, String> {
        let mut config = postgres::Config::new();
        config
            .user(&self.user)
            .host(&self.host)
            .port(self.port)
            .dbname(&self.dbname)
            .application_name("lading");
        if let Some(t) = self.connect_timeout {
            config.connect_timeout(Duration::from_secs(t.max(1)));
        }
        if let Some(p) = self.password() {
            config.password(p);
        }
        let mode = match self.sslmode.as_str() {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            _ => SslMode::Require,
        };
        config.ssl_mode(mode);
        let result = if mode == SslMode::Disable || self.host.starts_with('/') {
            config.ssl_mode(SslMode::Disable);
            config.connect(postgres::NoTls)
        } else {
            let verify = self.sslmode.starts_with("verify");
            let tls = native_tls::TlsConnector::builder()
                .danger_accept_invalid_certs(!verify)
                .danger_accept_invalid_hostnames(self.sslmode != "verify-full")
                .build()
                .map_err(|e| format!("cannot set up TLS: {e}"))?;
            config.connect(postgres_native_tls::MakeTlsConnector::new(tls))
        };
        result.map_err(|e| describe(&e))
    }
}

/// A PostgreSQL error in words, without anything secret (the client never puts the password
/// in its messages; the URL is added by the caller, as [`Target::display`]).
pub fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut text = format!("{} (SQLSTATE {})", db.message(), db.code().code());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(": {detail}"));
        }
        return text;
    }
    let mut text = e.to_string();
    if text.contains("password missing") {
        return "the server asks for a password: give it in PGPASSWORD, ~/.pgpass, a service \
                file or the URL"
            .into();
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(&format!(": {more}"));
        }
        source = s.source();
    }
    // The client says "connection closed" (a clean close) or gives the socket's I/O error
    // (a reset): either way the server is gone, which is what the user needs to know.
    if e.is_closed() || dropped_connection(e) {
        text.push_str(" (the connection to the server was lost)");
    }
    text
}

/// Whether the server went away under the client: the socket was reset, broken or ended,
/// which the client reports as an I/O error rather than as a closed connection.
fn dropped_connection(e: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    let mut source = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ConnectionReset | BrokenPipe | ConnectionAborted | UnexpectedEof
            );
        }
        source = s.source();
    }
    false
}

fn split_host_port(hostport: &str) -> Result<(Option<String>, Option<String>), String> {
    if hostport.is_empty() {
        return Ok((None, None));
    }
    if let Some(rest) = hostport.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("host {hostport:?} has an unclosed '['"))?;
        let port = after.strip_prefix(':').map(str::to_owned);
        return Ok((Some(h.to_owned()), port));
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) => Ok((Some(decode(h)?), Some(p.to_owned()))),
        None => Ok((Some(decode(hostport)?), None)),
    }
}

fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "the URL has a '%' not followed by two hex digits".to_string())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the URL decodes to text that is not UTF-8".to_string())
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(f)) = (chars.next(), fields.last_mut()) {
                    f.push(n);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c)
                }
            }
        }
    }
    fields
}

/// The settings of one service in the service file.
fn read_service(name: &str) -> Result<HashMap<String, String>, String> {
    let path = std::env::var_os("PGSERVICEFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pg_service.conf")))
        .ok_or_else(|| format!("service {name:?}: no service file (set PGSERVICEFILE)"))?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("service {name:?}: cannot read {}: {e}", path.display()))?;
    service_in(&text, name).ok_or_else(|| format!("service {name:?} is not in {}", path.display()))
}

/// The settings of service `name` in a service file's text.
fn service_in(text: &str, name: &str) -> Option<HashMap<String, String>> {
    let mut found = None;
    let mut current: Option<HashMap<String, String>> = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if let Some(done) = current.take() {
                found = Some(done);
                break;
            }
            if section == name {
                current = Some(HashMap::new());
            }
            continue;
        }
        if let (Some(map), Some((k, v))) = (current.as_mut(), line.split_once('=')) {
            map.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    found.or(current)
}

/// A statement prepared on the server.
#[derive(Clone)]
pub struct Prepared {
    pub statement: postgres::Statement,
    /// `RETURNING id` was added: executing it sets the last insert id.
    returns_id: bool,
}

/// An open PostgreSQL connection.
pub struct PgConn {
    client: RefCell<postgres::Client>,
    cache: RefCell<HashMap<String, Prepared>>,
    pub(super) last_id: Cell<i64>,
    /// The URL without its password.
    pub target: String,
    /// Set by the write lock: commit bumps the data version.
    writing: Cell<bool>,
    pending_version: Cell<Option<i64>>,
    seen_version: Cell<Option<i64>>,
}

/// Tables whose rows have an `id`: an `INSERT` into one returns it.
const ID_TABLES: [&str; 6] = [
    "entity",
    "ownership",
    "shipment",
    "sanction",
    "judgement",
    "team_session",
];

impl PgConn {
    pub fn new(client: postgres::Client, target: String) -> PgConn {
        PgConn {
            client: RefCell::new(client),
            cache: RefCell::new(HashMap::new()),
            last_id: Cell::new(0),
            target,
            writing: Cell::new(false),
            pending_version: Cell::new(None),
            seen_version: Cell::new(None),
        }
    }

    /// The client itself, for COPY and the code that is PostgreSQL's alone.
    pub fn client(&self) -> std::cell::RefMut<'_, postgres::Client> {
        self.client.borrow_mut()
    }

    pub(super) fn prepare(&self, sql: &str) -> DbResult<Prepared> {
        if let Some(p) = self.cache.borrow().get(sql) {
            return Ok(p.clone());
        }
        let mut text = translate(sql);
        let head: String = text
            .trim_start()
            .chars()
            .take(40)
            .collect::<String>()
            .to_ascii_lowercase();
        let returns_id = head.starts_with("insert into ")
            && ID_TABLES.iter().any(|t| {
                head["insert into ".len()..]
                    .trim_start()
                    .strip_prefix(t)
                    .is_some_and(|rest| rest.starts_with([' ', '(']))
            })
            && {
                let lower = text.to_ascii_lowercase();
                lower.contains("values") && !lower.contains("returning")
            };
        if returns_id {
            text.push_str(" RETURNING id");
        }
        let statement = self.client.borrow_mut().prepare(&text)?;
        let prepared = Prepared {
            statement,
            returns_id,
        };
        let mut cache = self.cache.borrow_mut();
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert(sql.to_owned(), prepared.clone());
        Ok(prepared)
    }

    pub(super) fn execute(&self, p: &Prepared, params: Params<'_>) -> DbResult<usize> {
        let values = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        let mut client = self.client.borrow_mut();
        if p.returns_id {
            let rows = client.query(&p.statement, &refs)?;
            if let Some(row) = rows.first() {
                self.last_id.set(row.try_get::<_, i64>(0)?);
            }
            Ok(rows.len())
        } else {
            Ok(client.execute(&p.statement, &refs)? as usize)
        }
    }

    pub(super) fn query(&self, p: &Prepared, params: Params<'_>) -> DbResult<Vec<postgres::Row>> {
        let values = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        Ok(self.client.borrow_mut().query(&p.statement, &refs)?)
    }

    pub(super) fn batch(&self, sql: &str) -> DbResult<()> {
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }

    /// Marks the open transaction as a write: its commit bumps the data version.
    pub fn mark_writing(&self) {
        self.writing.set(true);
    }

    pub(super) fn before_commit(&self) -> DbResult<()> {
        if self.writing.get() {
            self.client
                .borrow_mut()
                .batch_execute(crate::store::pg_schema::FIX_SEQUENCES)?;
            let rows = self.client.borrow_mut().query(
                "UPDATE lading_meta SET value = value + 1 WHERE name = 'data_version' RETURNING value",
                &[],
            )?;
            self.pending_version
                .set(rows.first().map(|r| r.try_get::<_, i64>(0)).transpose()?);
        }
        Ok(())
    }

    pub(super) fn after_commit(&self) {
        self.writing.set(false);
        if let Some(v) = self.pending_version.take()
            && self.seen_version.get() == Some(v - 1)
        {
            // Only this connection's own commit since the window last looked.
            self.seen_version.set(Some(v));
        }
    }

    pub(super) fn after_rollback(&self) {
        self.writing.set(false);
        self.pending_version.set(None);
    }

    /// Whether another connection has written since the last call (the first call only
    /// looks): the counter every writing commit bumps.
    pub fn changed_elsewhere(&self) -> DbResult<bool> {
        let now = self.data_version()?;
        let before = self.seen_version.replace(Some(now));
        Ok(before.is_some_and(|b| b != now))
    }

    pub fn data_version(&self) -> DbResult<i64> {
        let row = self.client.borrow_mut().query_one(
            "SELECT value FROM lading_meta WHERE name = 'data_version'",
            &[],
        )?;
        Ok(row.try_get::<_, i64>(0)?)
    }
}

/// `?N` to `$N`, and a bare `?` to the next number, outside quoted text.
pub fn translate(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    out.push(c);
                }
                '?' => {
                    let mut digits = String::new();
                    while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        digits.push(*d);
                        chars.next();
                    }
                    out.push('$');
                    if digits.is_empty() {
                        out.push_str(&next.to_string());
                        next += 1;
                    } else {
                        out.push_str(&digits);
                    }
                }
                c => out.push(c),
            },
        }
    }
    out
}

/// A parameter, converted to whatever type the server inferred for it.
#[derive(Debug)]
struct Bound<'a>(Value<'a>);

fn bind<'p>(params: Params<'p>) -> Vec<Bound<'p>> {
    params.iter().map(|p| Bound(p.to_value())).collect()
}

impl ToSql for Bound<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match (self.0, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Integer(i), &Type::INT4) => i32::try_from(i)?.to_sql(ty, out),
            (Value::Integer(i), &Type::INT2) => i16::try_from(i)?.to_sql(ty, out),
            (Value::Integer(i), &Type::FLOAT8) => (i as f64).to_sql(ty, out),
            (Value::Integer(i), &Type::BOOL) => (i != 0).to_sql(ty, out),
            (Value::Integer(i), _) => i.to_string().to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT4) => (r as f32).to_sql(ty, out),
            (Value::Real(r), _) => r.to_string().to_sql(ty, out),
            (Value::Text(t), _) => t.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Column `i` of a PostgreSQL row as the value SQLite would have given.
pub(super) fn value(row: &postgres::Row, i: usize) -> DbResult<ValueRef<'_>> {
    let ty = row
        .columns()
        .get(i)
        .map(|c| c.type_().clone())
        .ok_or(DbError::Type {
            column: i,
            message: "no such column".into(),
        })?;
    let v = match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(ValueRef::Integer),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)?
            .map(|v| ValueRef::Integer(v.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)?
            .map(|v| ValueRef::Integer(v.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)?
            .map(|v| ValueRef::Integer(v.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(ValueRef::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)?
            .map(|v| ValueRef::Real(v.into())),
        Type::BYTEA => row.try_get::<_, Option<&[u8]>>(i)?.map(ValueRef::Blob),
        _ => row.try_get::<_, Option<&str>>(i)?.map(ValueRef::Text),
    };
    Ok(v.unwrap_or(ValueRef::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_and_bare_parameters_become_dollars_outside_quotes() {
        assert_eq!(
            translate("SELECT ?1, '?2', ? FROM t WHERE a = ?12 AND b = \"x?\""),
            "SELECT $1, '?2', $1 FROM t WHERE a = $12 AND b = \"x?\""
        );
    }

    #[test]
    fn a_password_in_a_url_never_reaches_its_display() {
        let t =
            Target::parse("postgres://ann:s3cr%40t@db.example:6543/news?sslmode=require").unwrap();
        assert_eq!(t.user, "ann");
        assert_eq!(t.port, 6543);
        assert_eq!(t.dbname, "news");
        let shown = t.display();
        assert!(!shown.contains("s3cr"), "{shown}");
        assert_eq!(shown, "postgres://ann@db.example:6543/news?sslmode=require");
        assert_eq!(t.password().as_deref(), Some("s3cr@t"));
        // The display parses back to the same target, password included.
        let again = Target::parse(&shown).unwrap();
        assert_eq!(again.display(), shown);
    }

    #[test]
    fn other_schemes_and_unknown_parameters_are_refused() {
        let e = Target::parse("mysql://u@h/db").unwrap_err();
        assert!(e.contains("mysql://"), "{e}");
        let e = Target::parse("postgres://u@h/db?colour=red").unwrap_err();
        assert!(e.contains("colour"), "{e}");
        let e = Target::parse("postgres://u@h:notaport/db").unwrap_err();
        assert!(e.contains("notaport"), "{e}");
        assert!(looks_like_url("postgres://x"));
        assert!(looks_like_url("sqlite://x"));
        assert!(!looks_like_url("/home/ann/data.db"));
        assert!(!looks_like_url("C:\\data.db"));
    }

    #[test]
    fn a_service_is_read_from_its_own_section_only() {
        let text = "# newsroom\n[other]\nhost=wrong\n\n[newsroom]\nhost = db.example\nport=6543\n\
                    dbname=trade\n[last]\nhost=also-wrong\n";
        let s = service_in(text, "newsroom").unwrap();
        assert_eq!(s.get("host").map(String::as_str), Some("db.example"));
        assert_eq!(s.get("port").map(String::as_str), Some("6543"));
        assert_eq!(s.get("dbname").map(String::as_str), Some("trade"));
        assert_eq!(s.len(), 3);
        assert!(service_in(text, "missing").is_none());
    }

    #[test]
    fn pgpass_lines_split_on_unescaped_colons() {
        assert_eq!(
            split_pgpass(r"host:5432:*:ann:pa\:ss"),
            vec!["host", "5432", "*", "ann", "pa:ss"]
        );
    }

    #[test]
    fn a_reset_or_ended_socket_is_a_lost_connection_and_other_errors_are_not() {
        #[derive(Debug)]
        struct Wrapped(std::io::Error);
        impl std::fmt::Display for Wrapped {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "error communicating with the server")
            }
        }
        impl std::error::Error for Wrapped {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        use std::io::{Error, ErrorKind};
        for kind in [
            ErrorKind::ConnectionReset,
            ErrorKind::BrokenPipe,
            ErrorKind::ConnectionAborted,
            ErrorKind::UnexpectedEof,
        ] {
            assert!(dropped_connection(&Wrapped(Error::from(kind))), "{kind:?}");
            assert!(dropped_connection(&Error::from(kind)), "{kind:?}");
        }
        for kind in [ErrorKind::PermissionDenied, ErrorKind::TimedOut] {
            assert!(!dropped_connection(&Wrapped(Error::from(kind))), "{kind:?}");
        }
    }
}
