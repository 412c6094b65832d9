//! The daily job on a new day (`refresh_derived` then `record_daily_notices`, as `amparo notify
//! daily` runs them) on the demo organisation `AMPARO_BENCH_DATABASE` names (a SQLite copy or a
//! PostgreSQL URL; see `bench/daily.sh`), against its floor: reading once, with bare SQL, the rows
//! of the cases due for re-derivation that day (the case row, its people and its events). Each run
//! steps `AMPARO_BENCH_DAYS` (default 5) new days past the latest day already derived, so it can be
//! run again on the same database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::disallowed_methods)]

#[path = "support/demo.rs"]
mod demo;

use std::time::{Duration, Instant};

use amparo_domain::Date;

/// The rows of the cases due on `$2`: what re-deriving them must at least read.
const DUE_CASES: &str = "SELECT c.* FROM cases c WHERE c.org_id = $1 AND c.rederive_on <= $2";
const DUE_PEOPLE: &str = "SELECT p.* FROM people p JOIN cases c ON c.org_id = p.org_id AND c.id = p.case_id \
     WHERE c.org_id = $1 AND c.rederive_on <= $2";
const DUE_EVENTS: &str = "SELECT e.* FROM events e JOIN cases c ON c.org_id = e.org_id AND c.id = e.case_id \
     WHERE c.org_id = $1 AND c.rederive_on <= $2";
const LATEST_DERIVED: &str = "SELECT MAX(derived_on) FROM cases WHERE org_id = $1";

/// Bare SQL on the same database, through the driver Amparo uses.
enum Bare {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl Bare {
    fn open(url: &str) -> Bare {
        if url.starts_with("postgres") {
            Bare::Postgres(postgres::Client::connect(url, postgres::NoTls).unwrap())
        } else {
            Bare::Sqlite(rusqlite::Connection::open(amparo_store::sqlite_path_from_url(url)).unwrap())
        }
    }

    /// How many rows `sql` selects, every column read.
    fn rows(&mut self, sql: &str, org: &str, day: Option<&str>) -> usize {
        match self {
            Bare::Sqlite(connection) => {
                let sql = sql.replace("$1", "?1").replace("$2", "?2");
                let mut statement = connection.prepare_cached(&sql).unwrap();
                let width = statement.column_count();
                let mut rows = match day {
                    Some(day) => statement.query((org, day)).unwrap(),
                    None => statement.query([org]).unwrap(),
                };
                let mut count = 0;
                while let Some(row) = rows.next().unwrap() {
                    for i in 0..width {
                        let _ = row.get_ref(i).unwrap();
                    }
                    count += 1;
                }
                count
            }
            Bare::Postgres(client) => {
                let rows = match day {
                    Some(day) => client.query(sql, &[&org, &day]).unwrap(),
                    None => client.query(sql, &[&org]).unwrap(),
                };
                rows.len()
            }
        }
    }

    fn latest_derived(&mut self, org: &str) -> Date {
        let text = match self {
            Bare::Sqlite(connection) => connection
                .query_row(&LATEST_DERIVED.replace("$1", "?1"), [org], |r| r.get::<_, String>(0))
                .unwrap(),
            Bare::Postgres(client) => client.query_one(LATEST_DERIVED, &[&org]).unwrap().get::<_, String>(0),
        };
        text.parse().unwrap()
    }
}

/// CPU time this process has used (user and system, every thread), from `/proc/self/stat`: on a
/// shared machine it moves far less with other work than the wall clock does. Zero where there is
/// no `/proc`.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after.split_whitespace().skip(11).take(2).filter_map(|f| f.parse::<u64>().ok()).sum();
    // Clock ticks are 1/100 s on Linux.
    Duration::from_millis(ticks * 10)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn main() {
    let Ok(url) = std::env::var("AMPARO_BENCH_DATABASE") else {
        eprintln!("set AMPARO_BENCH_DATABASE to a copy of the demo database (see bench/daily.sh)");
        return;
    };
    let days: i64 = demo::number("AMPARO_BENCH_DAYS", 5);
    let (store, org) = demo::open(&url);
    let mut bare = Bare::open(&url);
    let total = bare.rows("SELECT id FROM cases WHERE org_id = $1", org.id.as_str(), None);
    let start = bare.latest_derived(org.id.as_str());
    println!("{total} cases in {:?}; new days from {}", store.backend(), start.add_days(1));
    println!(
        "{:<12} {:>10} {:>12} {:>12} {:>12} {:>12} {:>8} {:>12}",
        "day", "due cases", "re-derive", "notices", "daily job", "floor", "ratio", "job CPU"
    );
    let (mut jobs, mut floors) = (Vec::new(), Vec::new());
    for offset in 1..=days {
        let day = start.add_days(offset);
        let text = day.to_string();
        let started = Instant::now();
        let due = bare.rows(DUE_CASES, org.id.as_str(), Some(&text));
        bare.rows(DUE_PEOPLE, org.id.as_str(), Some(&text));
        bare.rows(DUE_EVENTS, org.id.as_str(), Some(&text));
        let floor = started.elapsed();
        let now = chrono::Utc::now();
        let cpu = cpu_time();
        let started = Instant::now();
        let derived = store.refresh_derived(&org.id, day, now).unwrap();
        let rederived = started.elapsed();
        store.record_daily_notices(&org.id, day, now).unwrap();
        let job = started.elapsed();
        let job_cpu = cpu_time().saturating_sub(cpu);
        assert_eq!(derived, due, "the job re-derives exactly the cases due");
        println!(
            "{text:<12} {due:>10} {:>9.1} ms {:>9.1} ms {:>9.1} ms {:>9.1} ms {:>7.1}x {:>9.0} ms",
            ms(rederived),
            ms(job - rederived),
            ms(job),
            ms(floor),
            job.as_secs_f64() / floor.as_secs_f64(),
            ms(job_cpu)
        );
        jobs.push(job);
        floors.push(floor);
    }
    jobs.sort();
    floors.sort();
    let (job, floor) = (jobs[jobs.len() / 2], floors[floors.len() / 2]);
    println!(
        "median of {days} new days: daily job {:.1} ms, floor {:.1} ms, ratio {:.1}x; slowest day {:.1} ms",
        ms(job),
        ms(floor),
        job.as_secs_f64() / floor.as_secs_f64(),
        ms(*jobs.last().unwrap())
    );
}
