//! The triage board against the bare indexed query that lists the same cases, in one process, on
//! whatever database `AMPARO_BENCH_DATABASE` names (see `bench/board.sh`, which builds the 50,000-case
//! demo organisation on SQLite and on PostgreSQL). Prints p50/p99 of each and their ratio.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/demo.rs"]
mod demo;

use std::time::{Duration, Instant};

use amparo_store::BoardFilter;

/// The same SQL the board runs (the page off the `cases_board` index, then its count), fetched raw:
/// the ratio is what the store adds on top of the database.
const BARE_PAGE: &str = "SELECT c.id, c.reference, c.program, c.triage_score, c.critical_care, c.next_due, \
     c.next_kind, c.triage, p.given_name, p.family_name, \
     (SELECT COUNT(*) FROM escalations e WHERE e.org_id = c.org_id AND e.case_id = c.id AND e.closed_at IS NULL) \
     FROM (SELECT * FROM cases c WHERE c.org_id = $1 AND c.is_open = 1 \
           ORDER BY c.triage_score DESC, c.reference LIMIT 50 OFFSET 0) c \
     JOIN people p ON p.org_id = c.org_id AND p.case_id = c.id AND p.role = 'patient' \
     ORDER BY c.triage_score DESC, c.reference";
const BARE_COUNT: &str = "SELECT COUNT(*) FROM cases c WHERE c.org_id = $1 AND c.is_open = 1";

fn percentile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * q).round() as usize]
}

fn time(iterations: usize, mut work: impl FnMut()) -> Vec<Duration> {
    for _ in 0..20 {
        work();
    }
    (0..iterations)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect()
}

fn main() {
    let Ok(url) = std::env::var("AMPARO_BENCH_DATABASE") else {
        eprintln!("set AMPARO_BENCH_DATABASE to a database holding a demo organisation (see bench/board.sh)");
        return;
    };
    let iterations: usize = demo::number("AMPARO_BENCH_ITERATIONS", 500);
    let (store, org) = demo::open(&url);
    let filter = BoardFilter { limit: 50, ..BoardFilter::default() };
    let cases = store.board(&org.id, &filter).unwrap().total;
    let mut board = time(iterations, || {
        store.board(&org.id, &filter).unwrap();
    });
    let critical = BoardFilter { critical_only: true, limit: 50, ..BoardFilter::default() };
    let mut board_critical = time(iterations, || {
        store.board(&org.id, &critical).unwrap();
    });
    let mut bare = if url.starts_with("postgres") {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let (page, count) = (client.prepare(BARE_PAGE).unwrap(), client.prepare(BARE_COUNT).unwrap());
        time(iterations, || {
            client.query_one(&count, &[&org.id.as_str()]).unwrap();
            assert_eq!(client.query(&page, &[&org.id.as_str()]).unwrap().len(), 50);
        })
    } else {
        let connection = rusqlite::Connection::open(amparo_store::sqlite_path_from_url(&url)).unwrap();
        let mut page = connection.prepare(&BARE_PAGE.replace("$1", "?1")).unwrap();
        let mut count = connection.prepare(&BARE_COUNT.replace("$1", "?1")).unwrap();
        time(iterations, || {
            count.query_row([org.id.as_str()], |r| r.get::<_, i64>(0)).unwrap();
            let rows = page.query_map([org.id.as_str()], |r| r.get::<_, String>(7)).unwrap();
            assert_eq!(rows.count(), 50);
        })
    };
    let (bare50, bare99) = (percentile(&mut bare, 0.5), percentile(&mut bare, 0.99));
    println!("{cases} open cases in {:?}; {iterations} iterations each", store.backend());
    for (name, samples) in [("board (top 50)", &mut board), ("board, critical only", &mut board_critical)] {
        let (p50, p99) = (percentile(samples, 0.5), percentile(samples, 0.99));
        println!(
            "{name:<22} p50 {:>8.3} ms  p99 {:>8.3} ms  ratio to the bare query: p50 {:.2}x, p99 {:.2}x",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            p50.as_secs_f64() / bare50.as_secs_f64(),
            p99.as_secs_f64() / bare99.as_secs_f64()
        );
    }
    println!(
        "{:<22} p50 {:>8.3} ms  p99 {:>8.3} ms",
        "bare indexed query",
        bare50.as_secs_f64() * 1e3,
        bare99.as_secs_f64() * 1e3
    );
}
