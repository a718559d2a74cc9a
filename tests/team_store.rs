//! The team database: the store on a real PostgreSQL server (CI starts a private cluster,
//! see .ci/run and `common::team_server`). Several people at once, roles, credentials, and
//! the failures a server brings that a file does not.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{fresh_team_db, team_admin, with_dbname, write};
use lading::store::Store;
use lading::store::import::{ImportKind, ImportOptions};

fn lading_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lading"));
    cmd.args(args)
        .env("LADING_DATA_DIR", dir.join("data"))
        .env_remove("LADING_DB")
        .env_remove("PGPASSWORD")
        .current_dir(dir);
    cmd
}

fn run(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = lading_cmd(dir, args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A team database holding the sample.
fn sample_db() -> Option<(String, Store)> {
    let url = fresh_team_db()?;
    let mut store = Store::open_or_create(Path::new(&url)).unwrap();
    lading::sample::import_sample(&mut store).unwrap();
    Some((url, store))
}

/// `rows` shipments from the sample's Poly Technologies to its Ulan-Ude plant, numbered from
/// `from`, with the source `source`.
fn shipments(dir: &Path, name: &str, source: &str, from: usize, rows: usize) -> String {
    let mut csv = String::from("date,shipper,consignee,description,value_usd,source_ref,source\n");
    for i in from..from + rows {
        csv.push_str(&format!(
            "2022-{:02}-{:02},poly-technologies,ulan-ude-aviation-plant,Mi-171E rotor blade,{},R-{i},{source}\n",
            1 + i % 12,
            1 + i % 28,
            100 + i
        ));
    }
    write(dir, name, csv).to_str().unwrap().to_owned()
}

fn count(store: &Store) -> i64 {
    store.counts().unwrap()[2]
}

/// One query's single integer, through an admin connection to `url`'s database.
fn admin_i64(url: &str, sql: &str) -> i64 {
    let mut c = admin_on(url);
    c.query_one(sql, &[]).unwrap().get::<_, i64>(0)
}

fn admin_on(url: &str) -> postgres::Client {
    let server = common::team_server().unwrap();
    let name = url.split('?').next().unwrap().rsplit('/').next().unwrap();
    postgres::Client::connect(&with_dbname(&server, name), postgres::NoTls).unwrap()
}

#[test]
fn a_team_database_holds_exactly_what_a_file_holds() {
    let Some((url, team)) = sample_db() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut file = Store::open_or_create(&dir.path().join("t.db")).unwrap();
    lading::sample::import_sample(&mut file).unwrap();
    assert_eq!(team.counts().unwrap(), file.counts().unwrap());
    assert_eq!(
        team.content_fingerprint().unwrap(),
        file.content_fingerprint().unwrap(),
        "the same rows, value for value"
    );
    // The month counts, as each database's engine computes them.
    let months = team.months().unwrap();
    let file_months = file.months().unwrap();
    assert_eq!(months.len(), file_months.len());
    for (t, f) in months.iter().zip(&file_months) {
        assert_eq!((&t.month, t.shipments), (&f.month, f.shipments));
        // Each engine sums floating point in its own order.
        assert!((t.value_usd - f.value_usd).abs() <= 1e-6 * f.value_usd.abs().max(1.0));
    }
    assert_eq!(
        months.iter().map(|m| m.shipments).sum::<i64>(),
        team.counts().unwrap()[2]
    );
    let (a, b) = (team.load_dataset().unwrap(), file.load_dataset().unwrap());
    assert_eq!(a.shipments.id, b.shipments.id);
    assert_eq!(a.shipments.shipper, b.shipments.shipper);
    assert_eq!(a.entities.len(), b.entities.len());
    // Each row says who wrote it and when.
    let unsigned = admin_i64(
        &url,
        "SELECT count(*) FROM shipment WHERE made_by = '' OR made_at > now()",
    );
    assert_eq!(unsigned, 0);
    assert_eq!(
        admin_i64(&url, "SELECT count(DISTINCT made_by) FROM entity"),
        1
    );
}

#[test]
fn opening_refuses_what_is_not_a_lading_database_and_writes_nothing() {
    let Some(empty) = fresh_team_db() else {
        return;
    };
    let err = Store::open(Path::new(&empty)).unwrap_err().to_string();
    assert!(err.contains("empty"), "{err}");
    assert_eq!(
        admin_i64(
            &empty,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ),
        0
    );

    // Another application's database.
    let other = fresh_team_db().unwrap();
    admin_on(&other)
        .batch_execute("CREATE TABLE customers (id int); INSERT INTO customers VALUES (1);")
        .unwrap();
    let err = Store::open_or_create(Path::new(&other))
        .unwrap_err()
        .to_string();
    assert!(err.contains("another application"), "{err}");
    assert!(err.contains("customers"), "{err}");
    let tables = admin_i64(
        &other,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    );
    assert_eq!(tables, 1, "nothing was created");

    // A newer Lading's database.
    let newer = fresh_team_db().unwrap();
    drop(Store::open_or_create(Path::new(&newer)).unwrap());
    admin_on(&newer)
        .batch_execute("UPDATE lading_meta SET value = 99 WHERE name = 'schema_version'")
        .unwrap();
    let err = Store::open(Path::new(&newer)).unwrap_err().to_string();
    assert!(err.contains("newer Lading"), "{err}");
    assert!(err.contains("99"), "{err}");
}

#[test]
fn a_url_never_becomes_a_file_and_an_unknown_scheme_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for url in ["mysql://ann@db.example/news", "sqlite://news.db"] {
        let (ok, text) = run(d, &["--db", url, "stats"]);
        assert!(!ok);
        let scheme = url.split("://").next().unwrap();
        assert!(text.contains(&format!("{scheme}://")), "{text}");
        assert!(text.contains("not a kind of database"), "{text}");
        let (ok, _) = run(d, &["--db", url, "import", "shipments", "x.csv"]);
        assert!(!ok);
    }
    let left: Vec<_> = std::fs::read_dir(d).unwrap().collect();
    assert!(left.is_empty(), "nothing written: {left:?}");
    let err = Store::open_or_create(Path::new("postgres://ann@db.example/news?colour=red"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn an_unreachable_server_is_named_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on this machine: nothing listens there.
    let (ok, text) = run(
        dir.path(),
        &[
            "--db",
            "postgres://ann:Pw-Zq7-unreachable@127.0.0.1:1/news",
            "stats",
        ],
    );
    assert!(!ok);
    assert!(text.contains("postgres://ann@127.0.0.1:1/news"), "{text}");
    assert!(text.contains("cannot connect"), "{text}");
    assert!(!text.contains("Pw-Zq7"), "the password leaked: {text}");
}

/// A role with a password, and a Lading database it owns, reached over TCP (where the test
/// cluster asks for passwords: .ci/run). `None` without such a server.
fn password_role(tag: &str) -> Option<(String, String, String)> {
    let tcp = std::env::var("LADING_TEST_PG_TCP").ok()?;
    let mut admin = team_admin()?;
    let role = format!("pw_{tag}_{}", std::process::id());
    let db = format!("{role}_db");
    admin
        .batch_execute(&format!("CREATE ROLE {role} LOGIN PASSWORD 'Pw-Zq7-{tag}'"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {db} OWNER {role}"))
        .unwrap();
    Some((
        format!("postgres://{role}@{tcp}/{db}"),
        role,
        format!("Pw-Zq7-{tag}"),
    ))
}

#[test]
fn credentials_come_from_the_url_pgpassword_or_pgpass_and_are_never_written() {
    let Some((url, _role, password)) = password_role("cred") else {
        eprintln!("skipped: LADING_TEST_PG_TCP is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let with_password = url.replacen('@', &format!(":{password}@"), 1);
    let file = shipments(d, "s.csv", "cred test", 0, 3);

    // A wrong password: a clear refusal that names the server, not the password.
    let wrong = url.replacen('@', ":Pw-Zq7-wrong@", 1);
    let (ok, text) = run(d, &["--db", &wrong, "stats"]);
    assert!(!ok);
    assert!(text.contains("password authentication failed"), "{text}");
    assert!(!text.contains("Pw-Zq7"), "{text}");

    // The password in the URL: import, stats, a session; none of it holds the password.
    let (ok, text) = run(
        d,
        &["--db", &with_password, "import", "entities", "/dev/null"],
    );
    assert!(!ok, "an empty file is refused, after connecting: {text}");
    assert!(!text.contains("authentication"), "{text}");
    let ents = write(
        d,
        "e.csv",
        "key,name,kind,country\npoly-technologies,Poly Technologies,subsidiary,CN\n\
         ulan-ude-aviation-plant,Ulan-Ude Aviation Plant,plant,RU\n",
    );
    let (ok, text) = run(
        d,
        &[
            "--db",
            &with_password,
            "import",
            "entities",
            ents.to_str().unwrap(),
        ],
    );
    assert!(ok, "{text}");
    let (ok, text) = run(d, &["--db", &with_password, "import", "shipments", &file]);
    assert!(ok, "{text}");
    let (ok, stats) = run(d, &["--db", &with_password, "stats"]);
    assert!(ok, "{stats}");
    assert!(stats.contains(&url), "{stats}");
    // A picture of the team database's network: its credit names no password either.
    let (ok, text) = run(
        d,
        &[
            "--db",
            &with_password,
            "render",
            "--out",
            d.join("p.svg").to_str().unwrap(),
        ],
    );
    assert!(ok, "{text}");
    let svg = std::fs::read_to_string(d.join("p.svg")).unwrap();
    assert!(!svg.contains("Pw-Zq7"));
    for text in [&text, &stats] {
        assert!(!text.contains("Pw-Zq7"), "the password leaked: {text}");
    }

    // PGPASSWORD.
    let out = lading_cmd(d, &["--db", &url, "stats"])
        .env("PGPASSWORD", &password)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A service file: where, who and the password, by the service's name.
    let (host, port) = std::env::var("LADING_TEST_PG_TCP")
        .unwrap()
        .split_once(':')
        .map(|(h, p)| (h.to_owned(), p.to_owned()))
        .unwrap();
    let (user, dbname) = url
        .trim_start_matches("postgres://")
        .split_once('@')
        .map(|(u, rest)| (u.to_owned(), rest.rsplit('/').next().unwrap().to_owned()))
        .unwrap();
    let services = write(
        d,
        "pg_service.conf",
        format!(
            "[other]\nhost=nowhere.invalid\n[newsroom]\nhost={host}\nport={port}\n\
             dbname={dbname}\nuser={user}\npassword={password}\n"
        ),
    );
    let out = lading_cmd(d, &["--db", "postgres:///?service=newsroom", "stats"])
        .env("PGSERVICEFILE", &services)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("service=newsroom") && !text.contains("Pw-Zq7"),
        "{text}"
    );

    // ~/.pgpass, only when no one else can read it.
    let home = d.join("home");
    std::fs::create_dir(&home).unwrap();
    let pgpass = home.join(".pgpass");
    std::fs::write(&pgpass, format!("*:*:*:*:{password}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = lading_cmd(d, &["--db", &url, "stats"])
        .env("HOME", &home)
        .env_remove("PGPASSFILE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = lading_cmd(d, &["--db", &url, "stats"])
        .env("HOME", &home)
        .env_remove("PGPASSFILE")
        .output()
        .unwrap();
    assert!(!out.status.success(), "a world-readable .pgpass is ignored");
}

#[test]
fn two_imports_at_once_keep_every_record_exactly_once() {
    let Some((url, store)) = sample_db() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = count(&store);
    let a = shipments(d, "a.csv", "vendor A", 0, 1500);
    let b = shipments(d, "b.csv", "vendor B", 0, 1500);
    // Two people import different files, and a third imports the first file again, at once.
    let children: Vec<_> = [&a, &b, &a]
        .iter()
        .map(|file| {
            lading_cmd(d, &["--db", &url, "import", "shipments", file])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(count(&store), before + 3000);
    // Row by row: each record of both files, once, with its own values.
    let mut admin = admin_on(&url);
    let got: Vec<(String, String, f64)> = admin
        .query(
            "SELECT source, source_ref, value_usd FROM shipment WHERE source LIKE 'vendor %'
             ORDER BY source, (substr(source_ref, 3))::int",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let want: Vec<(String, String, f64)> = ["vendor A", "vendor B"]
        .iter()
        .flat_map(|s| (0..1500).map(move |i| (s.to_string(), format!("R-{i}"), (100 + i) as f64)))
        .collect();
    assert_eq!(got, want);
    let repeated = admin_i64(
        &url,
        "SELECT count(*) FROM (SELECT 1 FROM shipment GROUP BY source, source_ref
         HAVING count(*) > 1) AS r",
    );
    assert_eq!(repeated, 0);
    // No entity was created twice either.
    let twice = admin_i64(
        &url,
        "SELECT count(*) FROM (SELECT 1 FROM entity GROUP BY lower(name) HAVING count(*) > 1) AS r",
    );
    assert_eq!(twice, 0);
}

/// Waits until a `lading` client is writing rows on `url`'s database.
fn wait_until_importing(url: &str, store: &Store, before: i64) {
    let started = Instant::now();
    let mut admin = admin_on(url);
    loop {
        // The import's rows are not visible before it commits; its transaction is.
        let writing: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lading'
                 AND state IN ('active', 'idle in transaction') AND backend_xid IS NOT NULL",
                &[],
            )
            .unwrap()
            .get(0);
        if writing > 0 {
            return;
        }
        assert_eq!(
            count(store),
            before,
            "the import finished before it was caught"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no import started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_client_killed_mid_import_leaves_nothing_of_it() {
    let Some((url, store)) = sample_db() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = count(&store);
    let fingerprint = store.content_fingerprint().unwrap();
    let big = shipments(d, "big.csv", "killed", 0, 60_000);
    let mut child = lading_cmd(d, &["--db", &url, "import", "shipments", &big])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_importing(&url, &store, before);
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The server notices the dead connection and rolls its transaction back.
    let started = Instant::now();
    while admin_i64(
        &url,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lading' AND backend_xid IS NOT NULL",
    ) > 0
    {
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(count(&store), before);
    assert_eq!(store.content_fingerprint().unwrap(), fingerprint);
    // Its write lock went with it: the next import runs at once.
    let small = shipments(d, "small.csv", "after", 0, 10);
    let (ok, text) = run(d, &["--db", &url, "import", "shipments", &small]);
    assert!(ok, "{text}");
    assert!(!text.contains("waiting"), "{text}");
    assert_eq!(count(&store), before + 10);
}

#[test]
fn a_merge_during_an_import_leaves_no_shipment_on_the_merged_entity() {
    let Some((url, store)) = sample_db() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ents = write(
        d,
        "dup.csv",
        "key,name,kind,country\nuuap-vendor,U-UAP (vendor spelling),plant,RU\n",
    );
    let (ok, text) = run(
        d,
        &["--db", &url, "import", "entities", ents.to_str().unwrap()],
    );
    assert!(ok, "{text}");
    // A big import that names the duplicate, and a merge of it started while it runs.
    let mut csv = String::from("date,shipper,consignee,description,value_usd,source_ref,source\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "2022-07-{:02},poly-technologies,uuap-vendor,Mi-171E gearbox,{},M-{i},merge test\n",
            1 + i % 28,
            500 + i
        ));
    }
    let file = write(d, "m.csv", csv);
    let before = count(&store);
    let import = lading_cmd(
        d,
        &["--db", &url, "import", "shipments", file.to_str().unwrap()],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    wait_until_importing(&url, &store, before);
    let (ok, text) = run(
        d,
        &[
            "--db",
            &url,
            "merge",
            "ulan-ude-aviation-plant",
            "uuap-vendor",
            "--why",
            "vendor spelling",
        ],
    );
    assert!(ok, "{text}");
    let out = import.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&store), before + 20_000);
    let data = store.load_dataset().unwrap();
    let merged: Vec<i64> = data.merged.iter().map(|m| m.id).collect();
    assert_eq!(merged.len(), 1);
    let on_merged = data
        .shipments
        .shipper
        .iter()
        .chain(&data.shipments.consignee)
        .filter(|id| merged.contains(id))
        .count();
    assert_eq!(on_merged, 0, "every shipment reads as the kept entity's");
    let judged = admin_i64(
        &url,
        "SELECT count(*) FROM judgement WHERE verdict = 'merge' AND who <> '' AND at <> ''",
    );
    assert_eq!(judged, 1, "the merge records who and when");
}

#[test]
fn a_read_only_role_reads_but_may_not_import_or_merge() {
    let Some((url, store)) = sample_db() else {
        return;
    };
    let reader_url = read_only(&url, "reader");
    let reader = Store::open(Path::new(&reader_url)).unwrap();
    let data = reader.load_dataset().unwrap();
    assert_eq!(data.shipments.len() as i64, count(&store));
    let fingerprint = store.content_fingerprint().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let file = shipments(dir.path(), "s.csv", "reader", 0, 5);
    let mut reader = reader;
    let err = reader
        .import_csv(
            Path::new(&file),
            &ImportOptions::new(ImportKind::Shipments),
            None,
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("may not import"), "{err}");
    assert!(err.contains("INSERT"), "{err}");
    let (ok, text) = run(
        dir.path(),
        &[
            "--db",
            &reader_url,
            "merge",
            "ulan-ude-aviation-plant",
            "poly-technologies",
            "--why",
            "x",
        ],
    );
    assert!(!ok);
    assert!(text.contains("may not merge"), "{text}");
    assert_eq!(store.content_fingerprint().unwrap(), fingerprint);
}

#[test]
fn a_lost_connection_is_an_error_that_says_so() {
    let Some((url, store)) = sample_db() else {
        return;
    };
    assert!(store.load_dataset().is_ok());
    admin_on(&url)
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = 'lading' AND datname = current_database()",
        )
        .unwrap();
    let err = store.load_dataset().unwrap_err().to_string();
    assert!(err.contains(url.split('?').next().unwrap()), "{err}");
    assert!(
        err.contains("terminating connection") || err.contains("connection to the server was lost"),
        "{err}"
    );
}

#[test]
fn a_window_notices_another_users_import_but_not_its_own() {
    let Some((url, mut mine)) = sample_db() else {
        return;
    };
    let mut theirs = Store::open(Path::new(&url)).unwrap();
    assert!(
        !mine.changed_elsewhere().unwrap(),
        "the first call only looks"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = shipments(dir.path(), "s.csv", "theirs", 0, 5);
    let options = ImportOptions::new(ImportKind::Shipments);
    theirs.import_csv(Path::new(&file), &options, None).unwrap();
    assert!(mine.changed_elsewhere().unwrap());
    assert!(!mine.changed_elsewhere().unwrap());
    let file = shipments(dir.path(), "t.csv", "mine", 0, 5);
    assert!(!theirs.changed_elsewhere().unwrap());
    mine.import_csv(Path::new(&file), &options, None).unwrap();
    assert!(!mine.changed_elsewhere().unwrap(), "its own import");
    assert!(theirs.changed_elsewhere().unwrap());
}

#[test]
fn sessions_kept_in_the_team_database_list_who_saved_them_and_reopen() {
    let Some((url, store)) = sample_db() else {
        return;
    };
    let body = "{\"format\": \"lading-session\"}";
    let id = store
        .save_team_session("  Poly and Ulan-Ude  ", body)
        .unwrap();
    let list = store.team_sessions().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, id);
    assert_eq!(list[0].title, "Poly and Ulan-Ude");
    assert_eq!(list[0].author, "postgres");
    assert_eq!(list[0].saved_at.len(), "2026-12-07 05:30".len());
    assert_eq!(store.team_session(id).unwrap(), body);

    // A read-only role lists and opens them, but may not save one.
    let viewer = Store::open(Path::new(&read_only(&url, "viewer"))).unwrap();
    assert_eq!(viewer.team_sessions().unwrap().len(), 1);
    let err = viewer
        .save_team_session("mine", body)
        .unwrap_err()
        .to_string();
    assert!(err.contains("may not save sessions"), "{err}");

    // A file keeps no sessions, and says so.
    let dir = tempfile::tempdir().unwrap();
    let file = Store::open_or_create(&dir.path().join("t.db")).unwrap();
    assert!(!file.keeps_sessions());
    let err = file.save_team_session("x", body).unwrap_err().to_string();
    assert!(err.contains("team databases only"), "{err}");
}

#[test]
fn the_window_saves_a_session_to_the_team_database_and_opens_it_again() {
    use egui_kittest::Harness;
    use lading::annotation::Target;
    use lading::ui::LadingApp;

    let Some((url, _store)) = sample_db() else {
        return;
    };
    let mut h = window(&url);
    let target = Target::Entity("poly-technologies".into());
    let note = |h: &Harness<'_, LadingApp>| {
        h.state()
            .explorer
            .as_ref()
            .unwrap()
            .doc()
            .annotations
            .notes
            .get(&Target::Entity("poly-technologies".into()))
            .cloned()
    };
    h.state_mut().send(lading::explorer::Command::SetNote(
        target.clone(),
        "Mi-171Sh kits via Poly".into(),
    ));
    h.run_steps(3);
    assert!(note(&h).is_some());

    click(&mut h, &["File", "Save to team database…", "Save"]);
    h.run_steps(3);
    assert!(h.state().error.is_none(), "{:?}", h.state().error);
    let listed = Store::open(Path::new(&url))
        .unwrap()
        .team_sessions()
        .unwrap();
    assert_eq!(listed.len(), 1, "saved once");

    h.state_mut()
        .send(lading::explorer::Command::SetNote(target, String::new()));
    h.run_steps(3);
    assert!(note(&h).is_none());
    click(&mut h, &["File", "Open from team database…", "Open"]);
    h.run_steps(4);
    assert!(h.state().error.is_none(), "{:?}", h.state().error);
    assert_eq!(note(&h).as_deref(), Some("Mi-171Sh kits via Poly"));
}

#[test]
fn tls_follows_sslmode_as_libpq_does() {
    let Some(mut admin) = team_admin() else {
        return;
    };
    let ssl: String = admin.query_one("SHOW ssl", &[]).unwrap().get(0);
    if ssl != "on" {
        eprintln!("skipped: the test server has no TLS (.ci/run turns it on)");
        return;
    }
    let Some((url, role, password)) = password_role("tls") else {
        eprintln!("skipped: LADING_TEST_PG_TCP is not set");
        return;
    };
    let with =
        |mode: &str| format!("{url}?sslmode={mode}").replacen('@', &format!(":{password}@"), 1);
    let encrypted = |admin: &mut postgres::Client| -> Vec<bool> {
        admin
            .query(
                "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
                 WHERE a.usename = $1 AND a.application_name = 'lading'",
                &[&role],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    let store = Store::open_or_create(Path::new(&with("require"))).unwrap();
    assert_eq!(encrypted(&mut admin), [true]);
    drop(store);
    let store = Store::open(Path::new(&with("disable"))).unwrap();
    assert!(encrypted(&mut admin).iter().all(|&on| !on));
    drop(store);
    // The server's certificate is self-signed: checking it fails, and says why.
    let err = Store::open(Path::new(&with("verify-full")))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot connect"), "{err}");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    assert!(!err.contains(&password), "{err}");
}

#[test]
fn a_record_twice_in_one_file_is_kept_once_in_file_order() {
    let Some((url, mut store)) = sample_db() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "twice.csv",
        "date,shipper,consignee,description,value_usd,source_ref,source\n\
         2022-07-01,poly-technologies,ulan-ude-aviation-plant,Mi-171E rotor blade,1,T-1,twice\n\
         2022-07-02,poly-technologies,ulan-ude-aviation-plant,Mi-171E gearbox,2,T-2,twice\n\
         2022-07-03,poly-technologies,ulan-ude-aviation-plant,Mi-171E rotor blade,3,T-1,twice\n",
    );
    let s = store
        .import_csv(&file, &ImportOptions::new(ImportKind::Shipments), None)
        .unwrap();
    assert_eq!((s.imported, s.duplicates), (2, 1), "{s}");
    let mut admin = admin_on(&url);
    let rows: Vec<(i64, String, f64)> = admin
        .query(
            "SELECT id, source_ref, value_usd FROM shipment WHERE source = 'twice' ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].1.as_str(), rows[0].2),
        ("T-1", 1.0),
        "the first line wins"
    );
    assert_eq!((rows[1].1.as_str(), rows[1].2), ("T-2", 2.0));
    assert_eq!(rows[1].0, rows[0].0 + 1, "ids follow the file, no gap");
}

#[test]
fn the_window_says_when_someone_else_changed_the_team_database_and_reloads() {
    use egui_kittest::kittest::Queryable;

    let Some((url, _)) = sample_db() else {
        return;
    };
    let mut h = window(&url);
    assert!(h.query_by_label("Reload").is_none(), "nothing changed yet");
    // A colleague's import, from another machine as far as the window knows.
    let dir = tempfile::tempdir().unwrap();
    let ents = write(
        dir.path(),
        "e.csv",
        "key,name,kind\nnew-co,New Trading Co,company\n",
    );
    let (ok, text) = run(
        dir.path(),
        &["--db", &url, "import", "entities", ents.to_str().unwrap()],
    );
    assert!(ok, "{text}");
    let started = Instant::now();
    while h.query_by_label("Reload").is_none() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
        h.run_steps(1);
    }
    h.get_by_label_contains("Someone else changed the team database");
    h.get_by_label("Reload").click();
    h.run_steps(3);
    assert!(h.state().error.is_none(), "{:?}", h.state().error);
    let explorer = h.state().explorer.as_ref().unwrap();
    assert!(explorer.id_of_key("new-co").is_some());
    assert!(explorer.store().keeps_sessions(), "still the team database");
}

/// The real window, headless (egui_kittest), on the team database at `url`.
fn window(url: &str) -> egui_kittest::Harness<'static, lading::ui::LadingApp> {
    use lading::ui::LadingApp;
    let explorer = lading::explorer::Explorer::new(Store::open(Path::new(url)).unwrap()).unwrap();
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_context_setup(lading::ui::install_fonts)
        .build_ui_state(
            |ui, app: &mut LadingApp| app.frame(ui),
            LadingApp::with_explorer(explorer),
        );
    h.run_steps(3);
    h
}

/// A role that may only read `url`'s database (named `prefix` and this process); its URL.
fn read_only(url: &str, prefix: &str) -> String {
    let role = format!("{prefix}_{}", std::process::id());
    let dbname = url.split('?').next().unwrap().rsplit('/').next().unwrap();
    admin_on(url)
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN; GRANT CONNECT ON DATABASE {dbname} TO {role};
             GRANT USAGE ON SCHEMA public TO {role};
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};"
        ))
        .unwrap();
    url.replacen("postgres://postgres@", &format!("postgres://{role}@"), 1)
}

/// Clicks each label in turn (a menu, its item, a dialog's button), letting the window draw.
fn click(h: &mut egui_kittest::Harness<'static, lading::ui::LadingApp>, labels: &[&str]) {
    use egui_kittest::kittest::Queryable;
    for label in labels {
        h.get_by_label(label).click();
        h.run_steps(2);
    }
}
