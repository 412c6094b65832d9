//! The case list (filters, name search, identifiers, sorts, a deep page) and the dashboard's reads,
//! each against its floor: the very statements the store ran for it, run raw through the driver on
//! a connection of the bench's own. At concurrency 1, 8 and 32: that many threads sharing the store
//! as the server does (its pool), or each with its own connection for the floor. On whatever
//! database `AMPARO_BENCH_DATABASE` names (see `bench/lists.sh`). Prints p50/p99 and the ratios;
//! with `AMPARO_BENCH_EXPLAIN` set, each statement's plan instead, to check which index it uses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/demo.rs"]
mod demo;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use amparo_domain::{Date, Status};
use amparo_store::{
    BareParam, BareStatement, CASE_LIST_COUNT_CAP, CaseQuery, CaseSort, DashboardQuery, OrgId, Store,
};

const CONCURRENCY: [usize; 3] = [1, 8, 32];
const TODAY: (i32, u32, u32) = (2026, 11, 23);

fn percentile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * q).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `samples` timings of `work`, spread over `threads` threads each with its own state from `setup`.
fn timed<S>(
    threads: usize,
    samples: usize,
    setup: impl Fn() -> S + Sync,
    work: impl Fn(&mut S) + Sync,
) -> Vec<Duration> {
    let each = samples.div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = setup();
                    for _ in 0..5 {
                        work(&mut state);
                    }
                    (0..each)
                        .map(|_| {
                            let started = Instant::now();
                            work(&mut state);
                            started.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

/// A raw connection running recorded statements.
enum Bare {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>, HashMap<String, postgres::Statement>),
}

impl Bare {
    fn open(url: &str) -> Bare {
        if url.starts_with("postgres") {
            Bare::Postgres(Box::new(postgres::Client::connect(url, postgres::NoTls).unwrap()), HashMap::new())
        } else {
            let connection = rusqlite::Connection::open(amparo_store::sqlite_path_from_url(url)).unwrap();
            connection.set_prepared_statement_cache_capacity(256);
            Bare::Sqlite(connection)
        }
    }

    /// Each statement's plan as the engine prints it (`EXPLAIN QUERY PLAN`, or `EXPLAIN` on
    /// PostgreSQL), to check which index each list uses.
    fn explain(&mut self, statements: &[BareStatement]) {
        for statement in statements {
            let plan = BareStatement {
                sql: match self {
                    Bare::Sqlite(_) => format!("EXPLAIN QUERY PLAN {}", statement.sql),
                    Bare::Postgres(..) => format!("EXPLAIN {}", statement.sql),
                },
                params: statement.params.clone(),
            };
            println!("{}", statement.sql);
            for line in self.rows(&plan) {
                println!("    {line}");
            }
        }
    }

    /// A statement's rows, each as its text columns joined (the plan lines of an EXPLAIN).
    fn rows(&mut self, statement: &BareStatement) -> Vec<String> {
        match self {
            Bare::Sqlite(connection) => {
                let mut prepared = connection.prepare(&question_marks(&statement.sql)).unwrap();
                let params: Vec<rusqlite::types::Value> = statement.params.iter().map(sqlite_value).collect();
                let width = prepared.column_count();
                let rows = prepared.query_map(rusqlite::params_from_iter(params), |row| {
                    Ok((0..width)
                        .filter_map(|c| row.get::<_, rusqlite::types::Value>(c).ok())
                        .map(|v| match v {
                            rusqlite::types::Value::Text(t) => t,
                            rusqlite::types::Value::Integer(n) => n.to_string(),
                            _ => String::new(),
                        })
                        .collect::<Vec<_>>()
                        .join(" "))
                });
                rows.unwrap().map(Result::unwrap).collect()
            }
            Bare::Postgres(client, _) => {
                let owned = postgres_params(&statement.params);
                let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    owned.iter().map(|b| b.as_ref()).collect();
                let rows = client.query(statement.sql.as_str(), &params).unwrap();
                rows.iter().map(|row| row.get::<_, String>(0)).collect()
            }
        }
    }

    fn run(&mut self, statements: &[BareStatement]) {
        for statement in statements {
            match self {
                Bare::Sqlite(connection) => {
                    let mut prepared = connection.prepare_cached(&question_marks(&statement.sql)).unwrap();
                    let params: Vec<rusqlite::types::Value> =
                        statement.params.iter().map(sqlite_value).collect();
                    let width = prepared.column_count();
                    let mut rows = prepared.query(rusqlite::params_from_iter(params)).unwrap();
                    while let Some(row) = rows.next().unwrap() {
                        for column in 0..width {
                            std::hint::black_box(row.get_ref(column).unwrap());
                        }
                    }
                }
                Bare::Postgres(client, prepared) => {
                    let sql = &statement.sql;
                    if !prepared.contains_key(sql) {
                        let made = client.prepare(sql).unwrap();
                        prepared.insert(sql.clone(), made);
                    }
                    let owned = postgres_params(&statement.params);
                    let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                        owned.iter().map(|b| b.as_ref()).collect();
                    std::hint::black_box(client.query(&prepared[sql], &params).unwrap());
                }
            }
        }
    }
}

fn sqlite_value(param: &BareParam) -> rusqlite::types::Value {
    match param {
        BareParam::Null => rusqlite::types::Value::Null,
        BareParam::Int(n) => rusqlite::types::Value::Integer(*n),
        BareParam::Text(t) => rusqlite::types::Value::Text(t.clone()),
    }
}

fn postgres_params(params: &[BareParam]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn postgres::types::ToSql + Sync> {
            match p {
                BareParam::Null => Box::new(Option::<String>::None),
                BareParam::Int(n) => Box::new(*n),
                BareParam::Text(t) => Box::new(t.clone()),
            }
        })
        .collect()
}

/// SQLite reads `$N` as a named parameter; `?N` keeps the number, as the store's own rewrite does.
fn question_marks(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// The lists measured, with what the demo organisation holds to search for.
fn lists(store: &Store, org: &OrgId, today: Date) -> Vec<(&'static str, CaseQuery)> {
    let capped = CaseQuery { count_up_to: Some(CASE_LIST_COUNT_CAP), ..CaseQuery::default() };
    let first = store.list_cases(org, &CaseQuery { limit: 1, offset: 777, ..capped.clone() }).unwrap();
    let sample = first.cases.first().expect("a case").clone();
    let file = store.case(org, &sample.id).unwrap().expect("the case").file;
    let a_number = file.case.people.iter().find_map(|p| p.a_number.clone()).map(|a| a.as_str().to_owned());
    let search = |term: &str| CaseQuery { search: Some(term.to_owned()), ..capped.clone() };
    let mut lists = vec![
        ("first page, by reference", capped.clone()),
        ("first page, by patient", CaseQuery { sort: CaseSort::Patient, ..capped.clone() }),
        (
            "page 101, by next deadline",
            CaseQuery { sort: CaseSort::NextDeadline, offset: 5_000, ..capped.clone() },
        ),
        (
            "most urgent first (score)",
            CaseQuery { sort: CaseSort::Score, descending: true, ..capped.clone() },
        ),
        (
            "paroled, critical, due in 30 days",
            CaseQuery {
                status: Some(Status::Paroled),
                critical_only: true,
                due_by: Some(today.add_days(30)),
                ..capped.clone()
            },
        ),
        (
            "status expired, by patient",
            CaseQuery { status: Some(Status::Expired), sort: CaseSort::Patient, ..capped.clone() },
        ),
        ("name search q=ma", search("ma")),
        ("q=ma and paroled", CaseQuery { status: Some(Status::Paroled), ..search("ma") }),
        ("patient's whole name", search(&sample.patient_name)),
        ("whole reference", search(&sample.reference)),
    ];
    if let Some(a_number) = a_number {
        lists.push(("A-number", search(&a_number)));
    }
    lists
}

fn report(name: &str, threads: usize, store: &mut [Duration], floor: &mut [Duration]) {
    let (s50, s99) = (percentile(store, 0.5), percentile(store, 0.99));
    let (f50, f99) = (percentile(floor, 0.5), percentile(floor, 0.99));
    println!(
        "{name:<34} c={threads:<2}  store p50 {:>7.2} ms p99 {:>7.2} ms | floor p50 {:>7.2} ms p99 {:>7.2} ms | ratio p50 {:>4.2}x p99 {:>4.2}x",
        ms(s50),
        ms(s99),
        ms(f50),
        ms(f99),
        s50.as_secs_f64() / f50.as_secs_f64(),
        s99.as_secs_f64() / f99.as_secs_f64()
    );
}

fn main() {
    let Ok(url) = std::env::var("AMPARO_BENCH_DATABASE") else {
        eprintln!("set AMPARO_BENCH_DATABASE to a database holding a demo organisation (see bench/lists.sh)");
        return;
    };
    let samples: usize = demo::number("AMPARO_BENCH_ITERATIONS", 320);
    let only = std::env::var("AMPARO_BENCH_ONLY").ok();
    let (store, org) = demo::open(&url);
    let org = org.id;
    let today = Date::from_ymd(TODAY.0, TODAY.1, TODAY.2).unwrap();
    let all = store.list_cases(
        &org,
        &CaseQuery { closed: amparo_store::ClosedFilter::All, limit: 1, ..CaseQuery::default() },
    );
    println!(
        "{} cases in {:?}; {samples} samples per line, spread over the threads",
        all.unwrap().total,
        store.backend()
    );
    for (name, query) in lists(&store, &org, today) {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let page = store.list_cases(&org, &query).unwrap();
        let statements = store.case_list_statements(&org, &query).unwrap();
        if std::env::var_os("AMPARO_BENCH_SHOW_SQL").is_some() {
            for statement in &statements {
                println!("{}\n  {:?}", statement.sql, statement.params);
            }
        }
        if std::env::var_os("AMPARO_BENCH_EXPLAIN").is_some() {
            println!("-- {name}: plans");
            Bare::open(&url).explain(&statements);
            continue;
        }
        println!(
            "-- {name}: {} rows, total {}{} ({} statements)",
            page.cases.len(),
            if page.total_capped { "more than " } else { "" },
            page.total,
            statements.len()
        );
        for threads in CONCURRENCY {
            let mut on_store = timed(
                threads,
                samples,
                || (),
                |_| {
                    store.list_cases(&org, &query).unwrap();
                },
            );
            let mut floor = timed(threads, samples, || Bare::open(&url), |bare| bare.run(&statements));
            report(name, threads, &mut on_store, &mut floor);
        }
    }
    if only.as_deref().is_none_or(|o| "dashboard".contains(o)) {
        // What the web dashboard reads for a member who sees every case (its sections' sizes).
        let query = DashboardQuery {
            today,
            shared_with: None,
            board_rows: 8,
            board_count_up_to: 1_000,
            deadline_days: 14,
            overdue_since: Date::from_ymd(1900, 1, 1).unwrap(),
            deadline_rows: 25,
            deadline_count_up_to: 1_000,
            escalation_rows: 10,
        };
        let statements = store.dashboard_statements(&org, &query).unwrap();
        println!("-- dashboard: board, two deadline windows, escalations ({} statements)", statements.len());
        if std::env::var_os("AMPARO_BENCH_EXPLAIN").is_some() {
            Bare::open(&url).explain(&statements);
            return;
        }
        for threads in CONCURRENCY {
            let mut on_store = timed(
                threads,
                samples,
                || (),
                |_| {
                    store.dashboard(&org, &query).unwrap();
                },
            );
            let mut floor = timed(threads, samples, || Bare::open(&url), |bare| bare.run(&statements));
            report("dashboard", threads, &mut on_store, &mut floor);
        }
    }
}
