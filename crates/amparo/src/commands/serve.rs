//! `amparo serve`.

use std::sync::Arc;

use amparo_store::Store;
use amparo_web::webhooks::address::AddressPolicy;
use amparo_web::{AppState, Metrics, MetricsAccess, SystemClock};

use amparo_store::seal::KeyOrigin;

use super::open_store_keyed;
use crate::config::{NotifySettings, Settings, redact_url};
use crate::error::{CliError, CliResult};

pub fn run(settings: &Settings) -> CliResult {
    let database = &settings.database_url.value;
    let (store, keys) = open_store_keyed(settings, database)?;
    tracing::info!(database = %redact_url(database), "database ready");
    if let KeyOrigin::BesideDatabase { path, created } = keys {
        tracing::warn!(
            key_file = %path.display(),
            created,
            "the encryption key lies beside the database, so a copy of that folder holds both; in \
             production keep the key elsewhere (amparo key generate --out PATH, then AMPARO_KEY_FILE=PATH)"
        );
    }
    let watch = Watch::of(settings)?;
    super::backup_schedule::spawn(store.clone(), settings, watch.metrics.clone());
    let proxies = &settings.trusted_proxies.value;
    serve_store(
        store,
        &settings.bind.value,
        settings.secure_cookies.value,
        None,
        &settings.notify,
        proxies,
        &watch,
    )
}

/// What the server measures of itself and who is served it (`GET /metrics`), with the limits the
/// settings put on the API: each token's rate and the addresses webhooks may be posted to.
pub struct Watch {
    pub metrics: Arc<Metrics>,
    pub access: MetricsAccess,
    pub token_rate_per_minute: u32,
    pub webhook_addresses: AddressPolicy,
    /// The templates documents are typeset with (`templates_dir`'s over the built-in ones).
    pub templates: amparo_documents::Templates,
}

impl Watch {
    /// Fresh measurements, served as the settings say; a `templates_dir` that cannot be read is
    /// refused before the server starts.
    pub fn of(settings: &Settings) -> CliResult<Watch> {
        Ok(Watch {
            metrics: Arc::default(),
            access: settings.observability.metrics_access.clone(),
            token_rate_per_minute: settings.api.rate_per_minute.value,
            webhook_addresses: AddressPolicy::allowing_private(settings.api.webhooks_allow_private.value),
            templates: super::document::templates(settings)?,
        })
    }
}

/// How often the server checks whether stored deadlines need re-deriving for a new day.
const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Keeps stored deadlines current as days pass (some, like days of unlawful presence, appear only
/// with time). Runs once at start and then every few minutes; a day's work is done once, since
/// only cases derived before today are touched.
fn spawn_refresher(store: Arc<Store>, metrics: Arc<Metrics>) {
    let spawned = std::thread::Builder::new().name("deadline-refresh".into()).spawn(move || {
        loop {
            let started = std::time::Instant::now();
            let now = super::now();
            match store.organisations() {
                Ok(organisations) => {
                    for org in organisations {
                        // Each organisation's day turns at its own midnight.
                        let today = match store.today_for(&org.id, now) {
                            Ok(today) => today,
                            Err(error) => {
                                tracing::error!(org = %org.id, %error, "the organisation's day is unknown");
                                continue;
                            }
                        };
                        match store.refresh_derived(&org.id, today, now) {
                            Ok(0) => {}
                            Ok(count) => {
                                tracing::info!(org = %org.id, count, "deadlines re-derived for a new day")
                            }
                            Err(error) => tracing::error!(org = %org.id, %error, "deadline refresh failed"),
                        }
                        // The day's notices are written once; later runs the same day add nothing.
                        match store.record_daily_notices(&org.id, today, now) {
                            Ok(written) => tracing::debug!(org = %org.id, ?written, "daily notices"),
                            Err(error) => tracing::error!(org = %org.id, %error, "daily notices failed"),
                        }
                    }
                }
                Err(error) => tracing::error!(%error, "deadline refresh could not list organisations"),
            }
            metrics.record_daily_job(super::now(), started.elapsed());
            // Forms kept across a sign-in live half an hour; those never fetched again go here.
            match store.delete_expired_form_drafts(now) {
                Ok(0) => {}
                Ok(count) => tracing::debug!(count, "expired kept forms deleted"),
                Err(error) => tracing::error!(%error, "expired kept forms could not be deleted"),
            }
            std::thread::sleep(REFRESH_EVERY);
        }
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "could not start the deadline refresher");
    }
}

/// How often the server looks at the free space under a SQLite database.
const DISK_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Warns the log while free space under the database is below the `low_space_warning_mib`
/// threshold or the audit trail's reserve has been spent (and holds the reserve again once space
/// is back). Administrators see the same on the settings page and `/health`.
fn spawn_disk_watcher(store: Arc<Store>) {
    let spawned = std::thread::Builder::new().name("disk-watch".into()).spawn(move || {
        loop {
            if let Some(disk) = store.disk()
                && disk.is_low()
            {
                tracing::warn!(
                    free_mib = disk.free_bytes / (1024 * 1024),
                    threshold_mib = disk.warning_bytes / (1024 * 1024),
                    audit_reserve_held = disk.reserve_held,
                    "low disk space under the database: once it is full, case pages and sign-ins stop (their audit entries cannot be written)"
                );
            }
            std::thread::sleep(DISK_CHECK_EVERY);
        }
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "could not start the disk watcher");
    }
}

/// How often the server re-reads its key file, so that a rotation by `amparo key rotate` is picked
/// up: values are then written under the new key and those already re-encrypted can be read.
const KEY_RELOAD_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

fn spawn_key_watcher(store: Arc<Store>) {
    let spawned = std::thread::Builder::new().name("key-reload".into()).spawn(move || {
        loop {
            std::thread::sleep(KEY_RELOAD_EVERY);
            match store.reload_keys() {
                Ok(true) => tracing::info!(key = %store.current_key_id(), "encryption keys reloaded"),
                Ok(false) => {}
                Err(error) => tracing::error!(%error, "could not re-read the key file"),
            }
        }
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "could not start the key watcher");
    }
}

/// Blocking threads beyond the database connections, for work that holds none: password hashing
/// (itself limited to two at once), reading a scanned notice, typesetting a document.
const BLOCKING_THREADS_WITHOUT_CONNECTION: usize = 4;

/// The runtime's blocking threads: one per database connection and a few more. Unbounded (tokio's
/// default is 512), every concurrent request held a thread of its own, most of them only waiting for
/// a connection, and each thread kept its own stack and allocator arena: 84 threads and 237 MB at
/// 32 connections. Bounded, requests wait their turn in the runtime's queue instead, at no cost in
/// throughput, since the database could not serve more of them at once anyway.
fn blocking_threads(store: &Store) -> usize {
    usize::try_from(store.pool_use().max).unwrap_or(1).max(1) + BLOCKING_THREADS_WITHOUT_CONNECTION
}

/// Serves `store` on `bind`; `banner` is printed once the port is open.
pub fn serve_store(
    store: Arc<Store>,
    bind: &str,
    secure_cookies: bool,
    banner: Option<String>,
    notify: &NotifySettings,
    proxies: &amparo_web::TrustedProxies,
    watch: &Watch,
) -> CliResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads(&store))
        .build()
        .map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    let notify = notify.clone();
    let proxies = proxies.clone();
    let (metrics, access) = (watch.metrics.clone(), watch.access.clone());
    let (token_rate, webhook_addresses) = (watch.token_rate_per_minute, watch.webhook_addresses);
    let templates = watch.templates.clone();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| CliError::Failed(format!("cannot listen on {bind}: {e}")))?;
        let address = listener.local_addr().map_err(|e| CliError::Failed(e.to_string()))?;
        spawn_refresher(store.clone(), metrics.clone());
        spawn_key_watcher(store.clone());
        spawn_disk_watcher(store.clone());
        amparo_web::webhooks::worker::spawn(store.clone(), webhook_addresses, Arc::new(SystemClock));
        let delivery = super::notify::Delivery::configured(&notify, &address.to_string())?;
        let email = delivery.is_some();
        match delivery {
            Some(delivery) => super::notify::spawn_delivery(store.clone(), delivery),
            None => tracing::warn!("email is not configured ([smtp]): notifications stay in the app"),
        }
        let state = AppState::new(store, Arc::new(SystemClock), secure_cookies)
            .with_notifications(email, notify.public_url.clone())
            .with_trusted_proxies(proxies)
            .with_metrics(metrics, access)
            .with_token_rate(token_rate)
            .with_webhook_addresses(webhook_addresses)
            .with_templates(templates);
        if let Some(banner) = banner {
            say!("{banner}");
        }
        // Tests and scripts read this line to learn the port when binding to port 0.
        say!("listening on http://{address}");
        amparo_web::serve(listener, amparo_web::router(state))
            .await
            .map_err(|e| CliError::Failed(format!("server stopped: {e}")))
    })
}
