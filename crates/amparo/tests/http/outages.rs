//! Findings 7 (a full disk) and 11 (a PostgreSQL outage), through the router in process: when the
//! database cannot write, a case is not shown (its read could not be audited) and the page says why,
//! in the reader's language, with 503; the API answers the same as JSON; `/health` answers 503. When
//! PostgreSQL goes away, requests fail fast the same way.

use std::sync::Arc;

use amparo_store::testing::{TestDatabase, TinyDisk};
use amparo_store::{DatabaseOptions, Rules, Store};

use crate::support::{PASSWORD, RouterApp};

amparo_store::on_both_backends!(finding_7_reads_fail_closed_with_a_clear_503_when_nothing_can_be_written);

/// The same database opened so that nothing can be written: on PostgreSQL every transaction is
/// read-only (as on a standby, or with writes revoked); on SQLite the file is copied onto a small
/// file system that is then filled. `None` where that cannot be set up (no root for the mount).
fn unwritable(db: &TestDatabase) -> Option<(Arc<Store>, Option<TinyDisk>)> {
    let options = DatabaseOptions { audit_reserve_bytes: 0, ..DatabaseOptions::default() };
    match db.sqlite_path() {
        None => {
            // The URL's options already set the schema; every transaction becomes read-only too.
            let url = format!("{}%20-c%20default_transaction_read_only%3Don", db.url);
            // Opened without the migrations' bookkeeping, which would itself need to write.
            let store = Store::open_postgres_with(&url, db.sealer(), &options).unwrap();
            Some((Arc::new(store), None))
        }
        Some(path) => {
            let disk = TinyDisk::mount(16 * 1024 * 1024)?;
            let copy = disk.path().join("amparo.db");
            let source = rusqlite::Connection::open(&path).unwrap();
            source.execute("VACUUM INTO ?1", [copy.to_str().unwrap()]).unwrap();
            let store = amparo_store::open_with_options(
                copy.to_str().unwrap(),
                Rules::builtin().unwrap(),
                db.sealer(),
                &options,
            )
            .unwrap();
            disk.fill();
            Some((store, Some(disk)))
        }
    }
}

fn finding_7_reads_fail_closed_with_a_clear_503_when_nothing_can_be_written(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, _csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&session, "A-1");
    let Some((store, _disk)) = unwritable(db) else { return };
    let broken = RouterApp::configured(store, tempfile::tempdir().unwrap(), app.transport.now, |s| s);

    let page = broken.get(&format!("/cases/{case_id}"), &session);
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(page.body.contains("cannot record anything right now"), "{}", page.body);
    assert!(!page.body.contains("Lucía"), "nothing of the case is shown");
    let spanish = broken.get_with(&format!("/cases/{case_id}"), &format!("{session}; amparo_lang=es"), &[]);
    assert_eq!(spanish.status, 503);
    assert!(spanish.body.contains("no puede registrar nada en este momento"), "{}", spanish.body);

    let api = broken.get(&format!("/api/v1/cases/{case_id}"), &session);
    assert_eq!(api.status, 503, "{}", api.body);
    let json = api.json();
    assert_eq!(json["error"], "unavailable", "{json}");
    assert!(!api.body.contains("Lucía"));

    let health = broken.get("/health", "");
    assert_eq!(health.status, 503, "{}", health.body);
    assert_eq!(app.get("/health", "").status, 200, "the writable database is healthy");
}

/// A TCP relay in front of the test PostgreSQL that can be cut, as a network or a server fails.
struct Relay {
    port: u16,
    cut: Arc<std::sync::atomic::AtomicBool>,
    sockets: Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
}

impl Relay {
    fn start(target: std::net::SocketAddr) -> Relay {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sockets: Arc<std::sync::Mutex<Vec<std::net::TcpStream>>> = Arc::default();
        let (relay_cut, relay_sockets) = (cut.clone(), sockets.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if relay_cut.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is closed at once
                }
                let Ok(server) = std::net::TcpStream::connect(target) else { continue };
                let mut kept = relay_sockets.lock().unwrap();
                kept.push(client.try_clone().unwrap());
                kept.push(server.try_clone().unwrap());
                for (mut from, mut to) in
                    [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Relay { port, cut, sockets }
    }

    fn cut(&self) {
        self.cut.store(true, std::sync::atomic::Ordering::SeqCst);
        for socket in self.sockets.lock().unwrap().drain(..) {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// PostgreSQL goes away under a running server: pages, the API and `/health` answer 503 within the
/// connect timeout, the API as JSON, instead of hanging for half a minute with HTML.
#[test]
fn finding_11_a_postgresql_outage_answers_503_fast_and_json_on_the_api() {
    let Some(db) = TestDatabase::postgres() else { return };
    let app = RouterApp::start(&db);
    let (session, _csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&session, "A-1");
    let (base, _) = db.postgres_schema().unwrap();
    let target = {
        let config: ::postgres::Config = base.parse().unwrap();
        let host = match &config.get_hosts()[0] {
            ::postgres::config::Host::Tcp(host) => host.clone(),
            other => panic!("the relay needs a TCP address: {other:?}"),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port)).unwrap().next().unwrap()
    };
    let relay = Relay::start(target);
    let url = db.url.replacen(&format!(":{}/", target.port()), &format!(":{}/", relay.port), 1);
    assert_ne!(url, db.url, "the URL goes through the relay");
    let options = DatabaseOptions {
        connect_timeout: std::time::Duration::from_secs(1),
        // A cut connection fails at once; the statement timeout is not what this test is about.
        statement_timeout: std::time::Duration::from_secs(5),
        ..DatabaseOptions::default()
    };
    let store =
        amparo_store::open_with_options(&url, Rules::builtin().unwrap(), db.sealer(), &options).unwrap();
    let relayed = RouterApp::configured(store, tempfile::tempdir().unwrap(), app.transport.now, |s| s);
    assert_eq!(relayed.get("/health", "").status, 200);
    assert_eq!(relayed.get(&format!("/api/v1/cases/{case_id}"), &session).status, 200);

    relay.cut();
    let started = std::time::Instant::now();
    let health = relayed.get("/health", "");
    assert_eq!(health.status, 503, "{}", health.body);
    let api = relayed.get(&format!("/api/v1/cases/{case_id}"), &session);
    assert_eq!(api.status, 503, "{}", api.body);
    assert_eq!(api.json()["error"], "unavailable");
    assert!(api.header("content-type").unwrap_or_default().starts_with("application/json"));
    let page = relayed.get(&format!("/cases/{case_id}"), &session);
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(page.body.contains("Temporarily unavailable"), "{}", page.body);
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(10), "three requests took {took:?}");
}

/// Administrators see low disk space under a SQLite database on the settings page before the disk
/// is full (worded in English and Spanish like every page); PostgreSQL's disk is the database server's to watch.
#[test]
fn finding_7_administrators_see_low_disk_space_on_the_settings_page() {
    let db = TestDatabase::sqlite();
    let app = RouterApp::start(&db);
    let admin = app.persona(&db, crate::support::Persona::Member(amparo_domain::org::UserRole::Admin));
    let roomy = app.get("/settings", &admin.cookie);
    assert_eq!(roomy.status, 200);
    assert!(!roomy.body.contains("disk-warning"), "no warning with room to spare");

    // The same database, with a threshold no disk reaches.
    let options = DatabaseOptions { low_space_warning_bytes: u64::MAX, ..DatabaseOptions::default() };
    let store = Store::open_sqlite_with(db.sqlite_path().unwrap(), db.sealer(), &options).unwrap();
    let watched =
        RouterApp::configured(Arc::new(store), tempfile::tempdir().unwrap(), app.transport.now, |s| s);
    let page = watched.get("/settings", &admin.cookie);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"disk-warning\""), "{}", page.body);
    assert!(page.body.contains("nearly full"), "{}", page.body);
}
