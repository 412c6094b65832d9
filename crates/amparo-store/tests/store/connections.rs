//! Findings 10 and 11: how the store reaches PostgreSQL. A server that is down or does not answer
//! is given up on within the connect timeout and reported as unavailable (never a hang); a statement
//! stuck behind a lock is cancelled by the statement timeout; `sslmode` is honoured with rustls.

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use amparo_store::testing::TestDatabase;
use amparo_store::{DatabaseOptions, Rules, Sealer, SslMode, StoreError, open_with_options};

fn quick() -> DatabaseOptions {
    DatabaseOptions {
        connect_timeout: Duration::from_secs(1),
        statement_timeout: Duration::from_secs(1),
        ..DatabaseOptions::default()
    }
}

fn sealer() -> (tempfile::TempDir, Sealer) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amparo.key");
    amparo_trust::keyfile::write_new(&path).unwrap();
    let sealer = Sealer::from_file(&path).unwrap();
    (dir, sealer)
}

/// Opens `url` with `options`; the error and how long it took to come.
fn refused(url: &str, options: &DatabaseOptions) -> (StoreError, Duration) {
    let (_dir, sealer) = sealer();
    let started = Instant::now();
    let Err(error) = open_with_options(url, Rules::builtin().unwrap(), sealer, options) else {
        panic!("{url} opened")
    };
    (error, started.elapsed())
}

#[test]
fn finding_11_a_closed_port_is_unavailable_at_once() {
    // Port 1 on this machine: nothing listens there, the connection is refused.
    let (error, took) = refused("postgres://postgres@127.0.0.1:1/test", &quick());
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
    assert!(error.to_string().contains("cannot connect to PostgreSQL"), "{error}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn finding_11_a_server_that_drops_packets_is_given_up_after_the_connect_timeout() {
    // TEST-NET-1 (RFC 5737) is never routed: packets vanish, as to a server behind a dead link.
    let (error, took) = refused("postgres://postgres@192.0.2.1:5432/test", &quick());
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
    assert!(took < Duration::from_secs(4), "took {took:?}, the connect timeout is 1 s");
}

/// A statement waiting on a lock another session holds (a stuck migration, a long report) is
/// cancelled after the statement timeout and reported as unavailable, rather than holding the
/// request for as long as the lock lasts.
#[test]
fn finding_11_a_stuck_statement_is_cancelled_by_the_statement_timeout() {
    let Some(db) = TestDatabase::postgres() else { return };
    let (base, schema) = db.postgres_schema().unwrap();
    let store = open_with_options(&db.url, Rules::builtin().unwrap(), db.sealer(), &quick()).unwrap();
    let mut holder = postgres::Client::connect(base, postgres::NoTls).unwrap();
    let mut lock = holder.transaction().unwrap();
    lock.batch_execute(&format!("LOCK TABLE {schema}.organisations IN ACCESS EXCLUSIVE MODE")).unwrap();
    let started = Instant::now();
    let error = store.organisations().unwrap_err();
    let took = started.elapsed();
    lock.rollback().unwrap();
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
    assert!(error.to_string().contains("57014"), "the server's statement timeout: {error}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(store.organisations().is_ok(), "the store works again once the lock is gone");
}

/// A server that answers the TLS request with "no" (TLS off): `sslmode=require` refuses at once,
/// naming TLS, instead of talking in clear text.
#[test]
fn finding_10_sslmode_require_refuses_a_server_without_tls() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = [0u8; 8];
        socket.read_exact(&mut request).unwrap();
        assert_eq!(&request[4..], &[0x04, 0xd2, 0x16, 0x2f], "an SSLRequest comes first");
        socket.write_all(b"N").unwrap();
        let mut rest = Vec::new();
        let _ = socket.read_to_end(&mut rest);
        rest
    });
    let url = format!("postgres://postgres@127.0.0.1:{port}/test?sslmode=require");
    let (error, took) = refused(&url, &quick());
    let message = error.to_string();
    assert!(message.contains("TLS") && message.contains("sslmode=require"), "{message}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(server.join().unwrap().is_empty(), "nothing was sent in clear text after the refusal");
}

#[test]
fn finding_10_an_unknown_sslmode_is_refused_naming_the_choices() {
    let (error, _) = refused("postgres://postgres@127.0.0.1:1/test?sslmode=allow", &quick());
    let message = error.to_string();
    assert!(message.contains("sslmode=\"allow\"") && message.contains("verify-full"), "{message}");
}

/// The test database, when its server has TLS on: the positive TLS tests need it. A server with TLS
/// off is covered by the refusal above.
fn on_tls_server() -> Option<TestDatabase> {
    let db = TestDatabase::postgres()?;
    let (base, _) = db.postgres_schema()?;
    let mut client = postgres::Client::connect(base, postgres::NoTls).ok()?;
    let on = client.query_one("SHOW ssl", &[]).ok()?.get::<_, String>(0) == "on";
    if !on {
        eprintln!("skipped: the test PostgreSQL has ssl off, so only the refusals of TLS are tested");
    }
    on.then_some(db)
}

/// Whether the server sees the store's connections as encrypted, by application name.
fn encrypted(base: &str, application: &str) -> bool {
    let mut admin = postgres::Client::connect(base, postgres::NoTls).unwrap();
    admin
        .query_one(
            "SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.application_name = $1",
            &[&application],
        )
        .unwrap()
        .get::<_, Option<bool>>(0)
        .unwrap_or_else(|| panic!("no connection named {application}"))
}

#[test]
fn finding_10_sslmode_require_encrypts_and_disable_does_not() {
    let Some(db) = on_tls_server() else { return };
    let base = db.postgres_schema().unwrap().0.to_owned();
    for (mode, expected) in [("require", true), ("prefer", true), ("disable", false)] {
        let application = format!("amparo-tls-{mode}-{}", std::process::id());
        let url = format!("{}&sslmode={mode}&application_name={application}", db.url);
        let store = open_with_options(&url, Rules::builtin().unwrap(), db.sealer(), &quick()).unwrap();
        store.ping().unwrap();
        assert_eq!(encrypted(&base, &application), expected, "sslmode={mode}");
    }
    // The same through the setting rather than the URL.
    let application = format!("amparo-tls-setting-{}", std::process::id());
    let options = DatabaseOptions { ssl_mode: Some(SslMode::Require), ..quick() };
    let url = format!("{}&application_name={application}", db.url);
    let store = open_with_options(&url, Rules::builtin().unwrap(), db.sealer(), &options).unwrap();
    store.ping().unwrap();
    assert!(encrypted(&base, &application));
}

/// A server whose certificate no trusted authority signed (the test server's own, self-signed) is
/// refused under `verify-full` and `verify-ca`, naming TLS and the mode.
#[test]
fn finding_10_verify_full_refuses_a_certificate_no_authority_signed() {
    let Some(db) = on_tls_server() else { return };
    for mode in ["verify-full", "verify-ca"] {
        let (error, took) = refused(&format!("{}&sslmode={mode}", db.url), &quick());
        let message = error.to_string();
        assert!(message.contains("TLS") && message.contains(&format!("sslmode={mode}")), "{message}");
        assert!(took < Duration::from_secs(3), "took {took:?}");
    }
}

/// Migrations and imports take as long as the data needs: the statement timeout does not cut a
/// migration that waits for another process's migration (the installation lock) longer than it.
#[test]
fn finding_11_the_statement_timeout_spares_migrations() {
    let Some(db) = TestDatabase::postgres() else { return };
    let (base, _) = db.postgres_schema().unwrap();
    let mut holder = postgres::Client::connect(base, postgres::NoTls).unwrap();
    let mut lock = holder.transaction().unwrap();
    lock.batch_execute("SELECT pg_advisory_xact_lock(107122664764015)").unwrap();
    let url = db.url.clone();
    let sealer = db.sealer();
    let opening = std::thread::spawn(move || {
        let started = Instant::now();
        let opened = open_with_options(&url, Rules::builtin().unwrap(), sealer, &quick()).map(|_| ());
        (opened, started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(2_500));
    lock.rollback().unwrap();
    let (opened, took) = opening.join().unwrap();
    assert!(opened.is_ok(), "{opened:?}");
    assert!(took >= Duration::from_secs(2), "it waited for the other migration: {took:?}");
}
