//! A policy change (`Store::set_policy`: every case of the organisation re-derived under the new
//! policy, in the change's own transaction) on the demo organisation `AMPARO_BENCH_DATABASE` names
//! (a SQLite copy or a PostgreSQL URL; see `bench/policy.sh`), against its floor: the same rows
//! written with bare SQL in one transaction, through the driver Amparo uses — for each run of 500
//! cases their deadlines deleted and inserted again by multi-row INSERTs (256 rows a statement),
//! then each case's derived columns updated. The store also reads every case and writes what else
//! changed (search words, escalations); the floor only writes. Each round changes the policy one
//! way and back, `AMPARO_BENCH_ROUNDS` rounds (default 1), so it runs again on the same database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::disallowed_methods)]

#[path = "support/demo.rs"]
mod demo;

use std::time::{Duration, Instant};

use amparo_domain::Policy;

const RUN: usize = 500;
const ROWS_PER_INSERT: usize = 256;
const DEADLINE_COLUMNS: [&str; 11] = [
    "org_id",
    "case_id",
    "position",
    "kind",
    "person",
    "due",
    "window_opens",
    "rule",
    "why_variant",
    "why_facts",
    "advisory",
];
const DERIVED_COLUMNS: [&str; 14] = [
    "covered_until",
    "derived_on",
    "triage_score",
    "critical_care",
    "is_open",
    "next_due",
    "next_kind",
    "class_of_admission",
    "triage",
    "status",
    "patient_sort",
    "due_sort",
    "search_terms",
    "rederive_on",
];

/// A column's value read as text (`None` for NULL); written back cast to the column's type.
type Text = Option<String>;

/// What the change stored: each case's derived columns, and its deadlines, in the order of ids.
struct Derived {
    cases: Vec<(String, Vec<Text>)>,
    deadlines: Vec<(String, Vec<Text>)>,
}

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
            let connection = rusqlite::Connection::open(amparo_store::sqlite_path_from_url(url)).unwrap();
            connection.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;").unwrap();
            Bare::Sqlite(connection)
        }
    }

    fn placeholder(&self, n: usize, table: &str, column: &str) -> String {
        match self {
            Bare::Sqlite(_) => format!("?{n}"),
            // The parameter is sent as text, then cast to the column's type.
            Bare::Postgres(_) => format!("CAST(CAST(${n} AS TEXT) AS {})", self.pg_type(table, column)),
        }
    }

    /// PostgreSQL's type of a column (the text read is cast back to it).
    fn pg_type(&self, table: &str, column: &str) -> &'static str {
        match (table, column) {
            ("deadlines", "position" | "advisory") => "BIGINT",
            ("cases", "triage_score" | "critical_care" | "is_open") => "BIGINT",
            _ => "TEXT",
        }
    }

    /// Every row `sql` selects, each column read as text (the queries cast them).
    fn rows(&mut self, sql: &str, org: &str) -> Vec<Vec<Text>> {
        match self {
            Bare::Sqlite(connection) => {
                let mut statement = connection.prepare(&sql.replace("$1", "?1")).unwrap();
                let width = statement.column_count();
                statement
                    .query_map([org], |r| (0..width).map(|i| r.get::<_, Text>(i)).collect())
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Bare::Postgres(client) => client
                .query(sql, &[&org])
                .unwrap()
                .iter()
                .map(|r| (0..r.len()).map(|i| r.get::<_, Text>(i)).collect())
                .collect(),
        }
    }

    fn derived(&mut self, org: &str) -> Derived {
        let text = |columns: &[&str]| {
            columns.iter().map(|c| format!("CAST({c} AS TEXT)")).collect::<Vec<_>>().join(", ")
        };
        let split = |rows: Vec<Vec<Text>>| {
            rows.into_iter().map(|mut r| (r.remove(0).unwrap(), r)).collect::<Vec<_>>()
        };
        let cases = self.rows(
            &format!("SELECT id, {} FROM cases WHERE org_id = $1 ORDER BY id", text(&DERIVED_COLUMNS)),
            org,
        );
        let deadlines = self.rows(
            &format!(
                "SELECT case_id, {} FROM deadlines WHERE org_id = $1 ORDER BY case_id, position",
                text(&DEADLINE_COLUMNS)
            ),
            org,
        );
        Derived { cases: split(cases), deadlines: split(deadlines) }
    }

    /// Writes `derived` again in one transaction; how long it took.
    fn write(&mut self, org: &str, derived: &Derived) -> Duration {
        let insert = |bare: &Bare, rows: usize| {
            let values = (0..rows)
                .map(|row| {
                    let cells = DEADLINE_COLUMNS
                        .iter()
                        .enumerate()
                        .map(|(i, c)| bare.placeholder(row * DEADLINE_COLUMNS.len() + i + 1, "deadlines", c))
                        .collect::<Vec<_>>();
                    format!("({})", cells.join(", "))
                })
                .collect::<Vec<_>>();
            format!("INSERT INTO deadlines ({}) VALUES {}", DEADLINE_COLUMNS.join(", "), values.join(", "))
        };
        let update = format!(
            "UPDATE cases SET {} WHERE org_id = {} AND id = {}",
            DERIVED_COLUMNS
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = {}", self.placeholder(i + 3, "cases", c)))
                .collect::<Vec<_>>()
                .join(", "),
            self.placeholder(1, "cases", "org_id"),
            self.placeholder(2, "cases", "id"),
        );
        let delete = "DELETE FROM deadlines WHERE org_id = $1 AND case_id >= $2 AND case_id <= $3";
        let statements: Vec<(usize, String)> =
            [ROWS_PER_INSERT, 64, 16, 4, 1].into_iter().map(|n| (n, insert(self, n))).collect();
        let started = Instant::now();
        let mut deadlines = derived.deadlines.iter().peekable();
        match self {
            Bare::Sqlite(connection) => {
                let tx =
                    connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
                for run in derived.cases.chunks(RUN) {
                    let (first, last) = (&run[0].0, &run[run.len() - 1].0);
                    tx.prepare_cached(&delete.replace('$', "?"))
                        .unwrap()
                        .execute((org, first, last))
                        .unwrap();
                    let mut mine = Vec::new();
                    while let Some((case, row)) = deadlines.next_if(|(case, _)| case <= last) {
                        let _ = case;
                        mine.extend(row.iter().cloned());
                    }
                    let mut rest = &mine[..];
                    while !rest.is_empty() {
                        let waiting = rest.len() / DEADLINE_COLUMNS.len();
                        let (rows, sql) = statements.iter().find(|(n, _)| *n <= waiting).unwrap();
                        let (now, later) = rest.split_at(rows * DEADLINE_COLUMNS.len());
                        tx.prepare_cached(sql).unwrap().execute(rusqlite::params_from_iter(now)).unwrap();
                        rest = later;
                    }
                    let mut update = tx.prepare_cached(&update).unwrap();
                    for (id, values) in run {
                        let params = [Some(org.to_owned()), Some(id.clone())]
                            .into_iter()
                            .chain(values.iter().cloned());
                        assert_eq!(update.execute(rusqlite::params_from_iter(params)).unwrap(), 1);
                    }
                }
                tx.commit().unwrap();
            }
            Bare::Postgres(client) => {
                let mut tx = client.transaction().unwrap();
                let delete = tx.prepare(delete).unwrap();
                let update = tx.prepare(&update).unwrap();
                let inserts: Vec<(usize, postgres::Statement)> =
                    statements.iter().map(|(n, sql)| (*n, tx.prepare(sql).unwrap())).collect();
                for run in derived.cases.chunks(RUN) {
                    let (first, last) = (&run[0].0, &run[run.len() - 1].0);
                    tx.execute(&delete, &[&org, &first.as_str(), &last.as_str()]).unwrap();
                    let mut mine: Vec<&Text> = Vec::new();
                    while let Some((_, row)) = deadlines.next_if(|(case, _)| case <= last) {
                        mine.extend(row.iter());
                    }
                    let mut rest = &mine[..];
                    while !rest.is_empty() {
                        let waiting = rest.len() / DEADLINE_COLUMNS.len();
                        let (rows, statement) = inserts.iter().find(|(n, _)| *n <= waiting).unwrap();
                        let (now, later) = rest.split_at(rows * DEADLINE_COLUMNS.len());
                        let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                            now.iter().map(|v| *v as _).collect();
                        tx.execute(statement, &params).unwrap();
                        rest = later;
                    }
                    for (id, values) in run {
                        let key = (Some(org.to_owned()), Some(id.clone()));
                        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&key.0, &key.1];
                        params.extend(values.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)));
                        assert_eq!(tx.execute(&update, &params).unwrap(), 1);
                    }
                }
                tx.commit().unwrap();
            }
        }
        started.elapsed()
    }
}

fn main() {
    let Ok(url) = std::env::var("AMPARO_BENCH_DATABASE") else {
        eprintln!("set AMPARO_BENCH_DATABASE to a copy of the demo database (see bench/policy.sh)");
        return;
    };
    let rounds: usize = demo::number("AMPARO_BENCH_ROUNDS", 1);
    let (store, org) = demo::open(&url);
    let mut bare = Bare::open(&url);
    let before = store.policy(&org.id).unwrap();
    let changed = Policy {
        critical_care_threshold_days: before.critical_care_threshold_days + 7,
        re_parole_lead_days: before.re_parole_lead_days + 30,
        ..before.clone()
    };
    println!(
        "{:?}: policy change (re-derive every case) against the same rows written with bare SQL",
        store.backend()
    );
    for round in 1..=rounds {
        for policy in [&changed, &before] {
            let started = Instant::now();
            let cases = store.set_policy(&org.id, policy, chrono::Utc::now()).unwrap();
            let change = started.elapsed();
            let derived = bare.derived(org.id.as_str());
            assert_eq!(derived.cases.len(), cases, "every case re-derived");
            let floor = bare.write(org.id.as_str(), &derived);
            println!(
                "round {round}: {cases} cases, {} deadlines: policy change {:.2} s, floor {:.2} s, ratio {:.2}x",
                derived.deadlines.len(),
                change.as_secs_f64(),
                floor.as_secs_f64(),
                change.as_secs_f64() / floor.as_secs_f64()
            );
        }
    }
}
