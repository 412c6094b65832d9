//! The day's notices (deadline reminders at every policy offset, overdue tasks, digests) for the
//! 50,000-case demo organisation, against reading every stored deadline once, in one process, on
//! the SQLite copy `AMPARO_BENCH_DATABASE` names (see `bench/reminders.sh`). To make the work as
//! large as it gets, every open case is first given the demo's attorney, advocate and clinician.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::disallowed_methods)]

#[path = "support/demo.rs"]
mod demo;

use std::time::{Duration, Instant};

use amparo_domain::Date;
use amparo_domain::org::UserRole;
use amparo_store::DeadlineQuery;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let Ok(path) = std::env::var("AMPARO_BENCH_DATABASE") else {
        eprintln!(
            "set AMPARO_BENCH_DATABASE to a scratch copy of the demo database (see bench/reminders.sh)"
        );
        return;
    };
    let today: Date =
        std::env::var("AMPARO_BENCH_TODAY").unwrap_or_else(|_| "2026-11-23".into()).parse().unwrap();
    let days: i64 = demo::number("AMPARO_BENCH_DAYS", 5);
    let (store, org) = demo::open(&path);

    // Staff every case, straight into the table: the store's `assign` re-derives each case, which
    // is not what is measured here.
    let connection = rusqlite::Connection::open(&path).unwrap();
    for user in store.users(&org.id).unwrap() {
        let role = match user.role {
            UserRole::Attorney => "attorney",
            UserRole::Advocate => "advocate",
            UserRole::Clinician => "clinician",
            _ => continue,
        };
        connection
            .execute(
                "INSERT OR IGNORE INTO case_assignments (org_id, case_id, role, user_id, assigned_at) \
                 SELECT org_id, id, ?2, ?3, 0 FROM cases WHERE org_id = ?1",
                (org.id.as_str(), role, user.id.as_str()),
            )
            .unwrap();
    }
    let staffed: i64 = connection
        .query_row(
            "SELECT COUNT(DISTINCT case_id) FROM case_assignments WHERE org_id = ?1",
            [org.id.as_str()],
            |r| r.get(0),
        )
        .unwrap();

    let everything =
        DeadlineQuery { from: "0001-01-01".parse().unwrap(), to: "9999-12-31".parse().unwrap(), kind: None };
    let mut deadlines = 0;
    let read = median(
        (0..5)
            .map(|_| {
                let started = Instant::now();
                deadlines = store.deadlines_due(&org.id, &everything).unwrap().len();
                started.elapsed()
            })
            .collect(),
    );

    let now = chrono::Utc::now();
    let mut written = Vec::new();
    let fresh: Vec<Duration> = (0..days)
        .map(|offset| {
            let day = today.add_days(offset);
            let started = Instant::now();
            let notices = store.record_daily_notices(&org.id, day, now).unwrap();
            let elapsed = started.elapsed();
            written.push(notices.deadline_reminders + notices.overdue_tasks + notices.digests);
            elapsed
        })
        .collect();
    let again = median(
        (0..3)
            .map(|_| {
                let started = Instant::now();
                let notices = store.record_daily_notices(&org.id, today, now).unwrap();
                assert_eq!(
                    notices,
                    amparo_store::DailyNotices::default(),
                    "a day computed twice adds nothing"
                );
                started.elapsed()
            })
            .collect(),
    );
    let day = median(fresh.clone());
    println!("{staffed} staffed cases, {deadlines} stored deadlines, {:?}", store.backend());
    println!("read every stored deadline once     {:>9.1} ms", read.as_secs_f64() * 1e3);
    println!(
        "the day's notices (median of {days})   {:>9.1} ms  = {:.2}x reading the deadlines; notices written per day: {written:?}",
        day.as_secs_f64() * 1e3,
        day.as_secs_f64() / read.as_secs_f64()
    );
    println!(
        "the same day again (writes nothing) {:>9.1} ms  = {:.2}x",
        again.as_secs_f64() * 1e3,
        again.as_secs_f64() / read.as_secs_f64()
    );
    println!(
        "slowest day                         {:>9.1} ms",
        fresh.iter().max().unwrap().as_secs_f64() * 1e3
    );
}
