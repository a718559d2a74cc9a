//! Helpers shared by the tests that run the real `lading` binary, and by tests of the story.
// Each test crate uses some of these, not all.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `lading ARGS` in `dir`, with its data directory inside `dir`. When the tests run
/// on PostgreSQL (see [`on_postgres`]), the default database is a team database of `dir`'s
/// own, holding the sample, as the default SQLite file would.
pub fn lading(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lading"));
    let args: Vec<std::ffi::OsString> = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if on_postgres() && *a == "t.db" && i > 0 && args[i - 1] == "--db" {
                named_db(dir, a).into_os_string()
            } else {
                (*a).into()
            }
        })
        .collect();
    cmd.args(&args)
        .env("LADING_DATA_DIR", dir.join("data"))
        .env_remove("LADING_DB")
        .current_dir(dir);
    if on_postgres() {
        cmd.env("LADING_DB", sample_team_db(dir));
    }
    cmd.output().expect("run lading")
}

/// Whether the store's tests run on PostgreSQL: `LADING_TEST_ENGINE=postgres` (CI runs the
/// store's tests once on each engine).
pub fn on_postgres() -> bool {
    std::env::var("LADING_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

/// The database a store test opens in `dir`: a SQLite file there, or on PostgreSQL a new,
/// empty team database.
pub fn test_db(dir: &Path) -> PathBuf {
    if on_postgres() {
        PathBuf::from(fresh_team_db().expect("LADING_TEST_ENGINE=postgres needs LADING_TEST_PG"))
    } else {
        dir.join("t.db")
    }
}

/// The database a test calls `name` in `dir` (`--db t.db`): that file, or on PostgreSQL a
/// team database of its own, empty when first named.
pub fn named_db(dir: &Path, name: &str) -> PathBuf {
    if !on_postgres() {
        return dir.join(name);
    }
    let note = dir.join(format!(".team_{name}"));
    if let Ok(url) = std::fs::read_to_string(&note) {
        return PathBuf::from(url);
    }
    let url = fresh_team_db().expect("LADING_TEST_ENGINE=postgres needs LADING_TEST_PG");
    std::fs::write(&note, &url).unwrap();
    PathBuf::from(url)
}

/// The test server: `LADING_TEST_PG`, a URL whose role may create databases and roles (CI
/// starts a private cluster and sets it, see .ci/run). Without it the team-database tests
/// say so and pass, except when `CI` is set, where a missing server is a failure.
pub fn team_server() -> Option<String> {
    match std::env::var("LADING_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but LADING_TEST_PG is not: .ci/run starts a PostgreSQL cluster"
            );
            eprintln!("skipped: no PostgreSQL test server (set LADING_TEST_PG)");
            None
        }
    }
}

/// An admin connection to the test server.
pub fn team_admin() -> Option<postgres::Client> {
    let url = team_server()?;
    Some(postgres::Client::connect(&url, postgres::NoTls).expect("connect to LADING_TEST_PG"))
}

/// A new, empty database on the test server; its URL.
pub fn fresh_team_db() -> Option<String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let server = team_server()?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "lt_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    team_admin()?
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    Some(with_dbname(&server, &name))
}

/// `url` with its database name replaced.
pub fn with_dbname(url: &str, name: &str) -> String {
    let (head, query) = url.split_once('?').unwrap_or((url, ""));
    let cut = head.rfind('/').expect("a URL with a database");
    let mut out = format!("{}/{name}", &head[..cut]);
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// `dir`'s team database with the sample in it, made on first use.
pub fn sample_team_db(dir: &Path) -> String {
    let note = dir.join(".team_db");
    if let Ok(url) = std::fs::read_to_string(&note) {
        return url;
    }
    let url = fresh_team_db().expect("LADING_TEST_ENGINE=postgres needs LADING_TEST_PG");
    let mut store = lading::store::Store::open_or_create(Path::new(&url)).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    std::fs::write(&note, &url).unwrap();
    url
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

/// The story's filter (sourced shipments only, no dates set), its graph, and the first and
/// last day of its shipments and of the sample's data; checks the story's dates lie inside
/// the data's, later than its first day (what tests of open-dated pictures rely on).
pub fn open_dated_story(
    index: &lading::index::ShipmentIndex,
) -> (
    lading::filter::Filter,
    lading::filter::FilteredGraph,
    (lading::date::Day, lading::date::Day),
    (lading::date::Day, lading::date::Day),
) {
    let filter = lading::explorer::Explorer::story_filter(index);
    assert_eq!((filter.from, filter.to), (None, None));
    let graph = filter.apply(index);
    let shown = graph.shipped_span().expect("the story has shipments");
    let data = index.date_span().expect("the sample has shipments");
    assert!(
        shown.0.0 - data.0.0 > 90 && shown.1 <= data.1,
        "{shown:?} within {data:?}"
    );
    (filter, graph, shown, data)
}
