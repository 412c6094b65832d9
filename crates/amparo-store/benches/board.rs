//! The triage board against the bare indexed query that lists the same cases, in one process, on
//! whatever database `AMPARO_BENCH_DATABASE` names (see `bench/board.sh`, which builds the 50,000-case
//! demo organisation on SQLite and on PostgreSQL). Prints p50/p99 of each and their ratio.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use amparo_store::BoardFilter;

const BARE: &str = "SELECT id, reference FROM cases WHERE org_id = $1 AND is_open = 1 \
                    ORDER BY triage_score DESC, reference LIMIT 50";

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
    let iterations: usize =
        std::env::var("AMPARO_BENCH_ITERATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(500);
    let store = amparo_store::open(&url).unwrap();
    let org = store.organisations().unwrap().into_iter().next().expect("an organisation");
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
        let statement = client.prepare(BARE).unwrap();
        time(iterations, || {
            client.query(&statement, &[&org.id.as_str()]).unwrap();
        })
    } else {
        let connection = rusqlite::Connection::open(amparo_store::sqlite::path_from_url(&url)).unwrap();
        let mut statement = connection.prepare(&BARE.replace("$1", "?1")).unwrap();
        time(iterations, || {
            let rows = statement.query_map([org.id.as_str()], |r| r.get::<_, String>(0)).unwrap();
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
