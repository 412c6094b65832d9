//! The floor for recording events: the same two rows an event write must touch (the event appended
//! to the timeline, the case's version bumped), in one transaction per event, written with bare SQL by
//! `AMPARO_BENCH_THREADS` threads (8 by default) for `AMPARO_BENCH_SECONDS`, on the database
//! `AMPARO_BENCH_DATABASE` names (a scratch copy: see `bench/load.sh`). SQLite writers take turns on
//! an in-process lock, as the store's do, with the store's durability settings; PostgreSQL writers
//! each have a connection. Prints events per second as `FLOOR events_per_second=N`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The cases written to: open cases of the first organisation, with their version and last event.
const CASES: &str = "SELECT c.org_id, c.id, c.version, (SELECT MAX(e.seq) FROM events e \
     WHERE e.org_id = c.org_id AND e.case_id = c.id) FROM cases c \
     WHERE c.org_id = (SELECT MIN(org_id) FROM cases) AND c.is_open = 1 ORDER BY c.id LIMIT 4000";
const INSERT_EVENT: &str = "INSERT INTO events (org_id, case_id, seq, event_id, type, on_date, body, \
     recorded_at, recorded_by) VALUES ($1, $2, $3, NULL, 'i94_checked', '2026-12-01', $4, $5, NULL)";
const BUMP_VERSION: &str =
    "UPDATE cases SET version = version + 1, updated_at = $4 WHERE org_id = $1 AND id = $2 AND version = $3";

/// A case as a writer sees it: where its next event goes.
struct Target {
    org: String,
    id: String,
    version: i64,
    seq: i64,
}

/// The length and prefix of a sealed `i94_checked` body (PostgreSQL checks the prefix), so the
/// rows weigh what the store's do.
fn body() -> String {
    "enc:".to_owned() + &"Q".repeat(120)
}

/// When every floor row says it was written: any time does, the rows weigh the same.
const RECORDED_AT_MS: i64 = 1_796_000_000_000;

fn now_ms() -> i64 {
    RECORDED_AT_MS
}

fn share(targets: Vec<Target>, threads: usize) -> Vec<Vec<Target>> {
    let mut shares: Vec<Vec<Target>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, target) in targets.into_iter().enumerate() {
        shares[i % threads].push(target);
    }
    shares
}

fn sqlite_connection(path: &std::path::Path) -> rusqlite::Connection {
    let connection = rusqlite::Connection::open(path).unwrap();
    connection.busy_timeout(Duration::from_secs(30)).unwrap();
    connection
        .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")
        .unwrap();
    connection
}

fn sqlite(url: &str, threads: usize, seconds: Duration) -> u64 {
    let path = amparo_store::sqlite_path_from_url(url);
    let targets = {
        let connection = sqlite_connection(&path);
        let mut statement = connection.prepare(CASES).unwrap();
        statement
            .query_map([], |r| {
                Ok(Target {
                    org: r.get(0)?,
                    id: r.get(1)?,
                    version: r.get(2)?,
                    seq: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                })
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
    };
    let turn = Arc::new(Mutex::new(()));
    let workers: Vec<_> = share(targets, threads)
        .into_iter()
        .map(|mut mine| {
            let (path, turn) = (path.clone(), turn.clone());
            std::thread::spawn(move || {
                let mut connection = sqlite_connection(&path);
                let (insert, bump) = (INSERT_EVENT.replace('$', "?"), BUMP_VERSION.replace('$', "?"));
                let (started, mut written) = (Instant::now(), 0u64);
                while started.elapsed() < seconds {
                    let at = written as usize % mine.len();
                    let target = &mut mine[at];
                    let _turn = turn.lock().unwrap();
                    let tx = connection
                        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                        .unwrap();
                    tx.prepare_cached(&insert)
                        .unwrap()
                        .execute(rusqlite::params![target.org, target.id, target.seq + 1, body(), now_ms()])
                        .unwrap();
                    let bumped = tx
                        .prepare_cached(&bump)
                        .unwrap()
                        .execute(rusqlite::params![target.org, target.id, target.version, now_ms()])
                        .unwrap();
                    assert_eq!(bumped, 1);
                    tx.commit().unwrap();
                    (target.seq, target.version, written) = (target.seq + 1, target.version + 1, written + 1);
                }
                written
            })
        })
        .collect();
    workers.into_iter().map(|w| w.join().unwrap()).sum()
}

fn postgres(url: &str, threads: usize, seconds: Duration) -> u64 {
    let targets = {
        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        client
            .query(CASES, &[])
            .unwrap()
            .iter()
            .map(|r| Target {
                org: r.get(0),
                id: r.get(1),
                version: r.get(2),
                seq: r.get::<_, Option<i64>>(3).unwrap_or(0),
            })
            .collect()
    };
    let workers: Vec<_> = share(targets, threads)
        .into_iter()
        .map(|mut mine| {
            let url = url.to_owned();
            std::thread::spawn(move || {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                let (insert, bump) =
                    (client.prepare(INSERT_EVENT).unwrap(), client.prepare(BUMP_VERSION).unwrap());
                let (started, mut written) = (Instant::now(), 0u64);
                while started.elapsed() < seconds {
                    let at = written as usize % mine.len();
                    let target = &mut mine[at];
                    let mut tx = client.transaction().unwrap();
                    tx.execute(&insert, &[&target.org, &target.id, &(target.seq + 1), &body(), &now_ms()])
                        .unwrap();
                    let bumped =
                        tx.execute(&bump, &[&target.org, &target.id, &target.version, &now_ms()]).unwrap();
                    assert_eq!(bumped, 1);
                    tx.commit().unwrap();
                    (target.seq, target.version, written) = (target.seq + 1, target.version + 1, written + 1);
                }
                written
            })
        })
        .collect();
    workers.into_iter().map(|w| w.join().unwrap()).sum()
}

fn main() {
    let Ok(url) = std::env::var("AMPARO_BENCH_DATABASE") else {
        eprintln!("set AMPARO_BENCH_DATABASE to a scratch copy of a demo database (see bench/load.sh)");
        return;
    };
    let setting =
        |name: &str, default: u64| std::env::var(name).ok().and_then(|n| n.parse().ok()).unwrap_or(default);
    let threads = setting("AMPARO_BENCH_THREADS", 8) as usize;
    let seconds = Duration::from_secs(setting("AMPARO_BENCH_SECONDS", 20));
    let started = Instant::now();
    let written = if url.starts_with("postgres") {
        postgres(&url, threads, seconds)
    } else {
        sqlite(&url, threads, seconds)
    };
    let rate = written as f64 / started.elapsed().as_secs_f64();
    println!("FLOOR events_per_second={rate:.0} events={written} threads={threads}");
}
