//! Amparo's web interface and JSON API. Knows the [`Store`] trait, never an SQL dialect.
//!
//! A request flows: HTTP → session (cookie) → CSRF check on every form post → domain validation →
//! one store call → response. The store is blocking, so handlers call it on the blocking pool.

mod api;
mod auth;
mod calendar;
mod calendar_views;
mod clock;
mod cookies;
mod dashboard;
mod dashboard_views;
mod error;
mod event_form;
mod headers;
mod i18n;
mod input;
mod intake;
mod intake_views;
mod language;
mod pages;
mod password;
mod settings;
mod settings_views;
mod throttle;
mod triage_api;
mod triage_pages;
mod triage_views;
mod views;

use std::sync::Arc;

use amparo_store::Store;
use axum::Router;
use axum::routing::{get, post};

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::WebError;
pub use password::{hash_password, verify_password};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// Mark cookies `Secure`; on whenever the site is reached over HTTPS.
    pub secure_cookies: bool,
    /// Failed sign-ins per account and per address.
    pub throttle: Arc<throttle::Throttle>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, secure_cookies: bool) -> AppState {
        AppState { store, clock, secure_cookies, throttle: Arc::default() }
    }

    /// Runs a blocking store call off the async executor.
    pub(crate) async fn with_store<T, F>(&self, work: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, amparo_store::StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(&*store))
            .await
            .map_err(|e| WebError::Internal(format!("store task: {e}")))?
            .map_err(WebError::from)
    }
}

/// The whole application: pages, API and health check.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(pages::health))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/language", post(language::set_language))
        .route("/cases", get(pages::case_list))
        .route("/cases/new", get(intake::intake_form).post(intake::intake))
        .route("/cases/{id}", get(pages::case_page))
        .route("/cases/{id}/assignments", post(triage_pages::assign))
        .route("/cases/{id}/events", post(event_form::record_event))
        .route("/cases/{id}/print", get(pages::case_print))
        .route("/calendar", get(calendar::calendar))
        .route("/settings", get(settings::settings))
        .route("/settings/policy", post(settings::save_policy))
        .route("/triage", get(triage_pages::board))
        .route("/tasks", get(triage_pages::my_tasks))
        .route("/tasks/{id}/complete", post(triage_pages::complete_task))
        .route("/tasks/{id}/reassign", post(triage_pages::reassign_task))
        .route("/reviews", get(triage_pages::reviews).post(triage_pages::open_reviews))
        .route("/api/v1/cases", get(api::list_cases))
        .route("/api/v1/cases/{id}", get(api::get_case))
        .route("/api/v1/cases/{id}/events", post(api::append_event))
        .route("/api/v1/cases/{id}/escalations", get(triage_api::case_escalations))
        .route("/api/v1/cases/{id}/assignments", post(triage_api::assign))
        .route("/api/v1/triage", get(triage_api::board))
        .route("/api/v1/tasks", get(triage_api::my_tasks))
        .route("/api/v1/tasks/{id}/complete", post(triage_api::complete_task))
        .route("/api/v1/tasks/{id}/reassign", post(triage_api::reassign_task))
        .route("/api/v1/reviews/preview", get(triage_api::review_preview))
        .route("/api/v1/reviews", post(triage_api::open_reviews))
        .layer(axum::middleware::from_fn(error::localize_error_pages))
        .layer(axum::middleware::map_response(headers::security_headers))
        .layer(axum::middleware::from_fn(headers::server_timing))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .with_state(state)
}

/// Serves `router` on `listener` until ctrl-c or SIGTERM, letting requests in flight finish.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    // The peer address feeds sign-in throttling; behind a reverse proxy it is the proxy's.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
