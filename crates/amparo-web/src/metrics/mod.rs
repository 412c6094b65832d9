//! The server's own measurements, served in Prometheus' text format at `GET /metrics` to the
//! addresses of `metrics_allow` or with the metrics token (`access`): requests and their latency by
//! route template (`/cases/{id}`, never the path a request named, so no id or token becomes a
//! label), time spent in database calls, the pool's use, the outbox, the last good backup, the
//! daily job and how many cases wait to be derived again. No label ever holds personal data.

pub mod access;
mod endpoint;
mod histogram;
pub mod layer;
mod text;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use amparo_store::{Operations, PoolUse};
use chrono::{DateTime, Utc};

pub use endpoint::metrics;
use histogram::Histogram;
use text::{Kind, Text};

/// One route template and method.
type RouteKey = (String, String);

/// What the requests of one route came to.
#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    latency: Histogram,
}

/// The scheduled work `amparo serve` runs, as last seen.
#[derive(Default)]
struct Jobs {
    last_backup: Option<DateTime<Utc>>,
    daily: Option<(DateTime<Utc>, Duration)>,
}

/// Every measurement the server keeps in memory since it started; shared by the request layer,
/// the store calls and the scheduled jobs.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<RouteKey, RouteStats>>,
    database: Mutex<Histogram>,
    jobs: Mutex<Jobs>,
}

/// What the database says at the moment of a scrape.
pub(crate) struct Scrape {
    pub pool: PoolUse,
    /// `None` when the database could not be read.
    pub operations: Option<Operations>,
}

/// A lock whose holder panicked still holds whole numbers: carry on with them.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Metrics {
    /// One request answered: its method, the template of the route that served it, its status and
    /// how long it took.
    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let mut routes = lock(&self.routes);
        let stats = routes.entry((route.to_owned(), method.to_owned())).or_default();
        *stats.by_status.entry(status).or_default() += 1;
        stats.latency.observe(elapsed);
    }

    /// One call of a handler into the store, from leaving the executor to its answer.
    pub fn record_database_call(&self, elapsed: Duration) {
        lock(&self.database).observe(elapsed);
    }

    /// A scheduled backup was written and verified at `at`.
    pub fn record_backup(&self, at: DateTime<Utc>) {
        lock(&self.jobs).last_backup = Some(at);
    }

    /// The daily job (re-derivation for a new day, the day's notices) ended at `at` after `took`.
    pub fn record_daily_job(&self, at: DateTime<Utc>, took: Duration) {
        lock(&self.jobs).daily = Some((at, took));
    }

    /// Everything, in Prometheus' text format.
    pub(crate) fn render(&self, scrape: &Scrape) -> String {
        let mut text = Text::default();
        self.render_requests(&mut text);
        text.family(
            "amparo_database_call_duration_seconds",
            Kind::Histogram,
            "Time of each call of a request into the database, queueing for a connection included.",
        );
        text.histogram("amparo_database_call_duration_seconds", &[], &lock(&self.database));
        render_pool(&mut text, scrape.pool);
        text.family("amparo_database_up", Kind::Gauge, "1 when the database answered this scrape, else 0.");
        text.sample("amparo_database_up", &[], if scrape.operations.is_some() { 1.0 } else { 0.0 });
        if let Some(operations) = &scrape.operations {
            render_operations(&mut text, operations);
        }
        self.render_jobs(&mut text);
        text.finish()
    }

    fn render_requests(&self, text: &mut Text) {
        let routes = lock(&self.routes);
        text.family(
            "amparo_http_requests_total",
            Kind::Counter,
            "Requests answered, by route template and status.",
        );
        for ((route, method), stats) in routes.iter() {
            for (status, count) in &stats.by_status {
                let status = status.to_string();
                let labels =
                    [("method", method.as_str()), ("route", route.as_str()), ("status", status.as_str())];
                text.sample("amparo_http_requests_total", &labels, *count as f64);
            }
        }
        text.family(
            "amparo_http_request_duration_seconds",
            Kind::Histogram,
            "Time to answer a request, by route template.",
        );
        for ((route, method), stats) in routes.iter() {
            let labels = [("method", method.as_str()), ("route", route.as_str())];
            text.histogram("amparo_http_request_duration_seconds", &labels, &stats.latency);
        }
    }

    fn render_jobs(&self, text: &mut Text) {
        let jobs = lock(&self.jobs);
        text.family(
            "amparo_backup_last_success_timestamp_seconds",
            Kind::Gauge,
            "When the last scheduled backup was written and verified (Unix time), or of the newest one found in backup_dir at start; 0 when none is known.",
        );
        let last_backup = jobs.last_backup.map_or(0.0, |at| at.timestamp() as f64);
        text.sample("amparo_backup_last_success_timestamp_seconds", &[], last_backup);
        text.family(
            "amparo_daily_job_duration_seconds",
            Kind::Gauge,
            "How long the last daily job (re-derivation for a new day, the day's notices) took.",
        );
        text.sample(
            "amparo_daily_job_duration_seconds",
            &[],
            jobs.daily.map_or(0.0, |(_, took)| took.as_secs_f64()),
        );
        text.family(
            "amparo_daily_job_last_run_timestamp_seconds",
            Kind::Gauge,
            "When the daily job last ended (Unix time); 0 when it has not run since start.",
        );
        let last_run = jobs.daily.map_or(0.0, |(at, _)| at.timestamp() as f64);
        text.sample("amparo_daily_job_last_run_timestamp_seconds", &[], last_run);
    }
}

fn render_pool(text: &mut Text, pool: PoolUse) {
    text.family("amparo_database_pool_connections", Kind::Gauge, "Open database connections, busy or idle.");
    let busy = pool.open.saturating_sub(pool.idle);
    text.sample("amparo_database_pool_connections", &[("state", "busy")], f64::from(busy));
    text.sample("amparo_database_pool_connections", &[("state", "idle")], f64::from(pool.idle));
    text.family("amparo_database_pool_max_connections", Kind::Gauge, "The most connections the pool opens.");
    text.sample("amparo_database_pool_max_connections", &[], f64::from(pool.max));
}

fn render_operations(text: &mut Text, operations: &Operations) {
    text.family("amparo_outbox_pending_messages", Kind::Gauge, "Email notices waiting to be sent.");
    text.sample("amparo_outbox_pending_messages", &[], operations.outbox_pending as f64);
    text.family("amparo_outbox_failed_messages", Kind::Gauge, "Email notices that could not be delivered.");
    text.sample("amparo_outbox_failed_messages", &[], operations.outbox_failed as f64);
    text.family(
        "amparo_derivation_stale_cases",
        Kind::Gauge,
        "Cases whose stored deadlines were derived before their organisation's today.",
    );
    text.sample("amparo_derivation_stale_cases", &[], operations.stale_derivations as f64);
}
