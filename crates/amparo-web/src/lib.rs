//! Amparo's web interface and JSON API. Knows the [`Store`], never an SQL dialect.
//!
//! A request flows: HTTP → session (cookie) → forgery check on every form post and API write →
//! domain validation → one store call → response. The store is blocking, so handlers call it on the blocking pool.

mod account;
mod audit;
mod cases;
mod clock;
mod deadlines;
mod export;
mod http;
mod metrics;
pub mod notice_text;
mod notifications;
mod openapi;
mod settings;
mod sharing;
mod triage;
mod ui;
pub mod webhooks;

use std::sync::Arc;

use amparo_store::Store;
use axum::Router;
use axum::routing::get;
use http::access::Routes;

pub use account::password_hash::{PasswordMatch, check_password, hash_password, verify_password};
pub use clock::{Clock, FixedClock, SystemClock};
pub use http::access::{Access, MATRIX, Permission, RouteAccess, allows};
pub use http::client_address::TrustedProxies;
pub use http::error::WebError;
pub use http::throttle::Throttle;
pub use http::token_limit::DEFAULT_PER_MINUTE as DEFAULT_TOKEN_RATE_PER_MINUTE;
pub use metrics::Metrics;
pub use metrics::access::MetricsAccess;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Arc<dyn Clock>,
    /// Mark cookies `Secure`; on whenever the site is reached over HTTPS.
    pub secure_cookies: bool,
    /// Failed sign-ins per account and per address.
    pub throttle: Arc<http::throttle::Throttle>,
    /// Requests per API token per minute.
    pub token_limits: Arc<http::token_limit::TokenLimits>,
    pub notifications: NotificationSettings,
    /// Reverse proxies whose forwarding headers name the client's address.
    pub trusted_proxies: http::client_address::TrustedProxies,
    /// What the server measures of itself, served at `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Who is served `/metrics`.
    pub metrics_access: MetricsAccess,
    /// Which addresses webhook endpoints may have.
    pub webhook_addresses: webhooks::address::AddressPolicy,
    /// The templates documents are typeset with: the built-in ones, or an organisation's folder.
    pub templates: Arc<amparo_documents::Templates>,
}

/// What the notification pages need to know of the server's setup.
#[derive(Clone, Debug, Default)]
pub struct NotificationSettings {
    /// An SMTP server is configured; without one, admins see a warning that notices stay in the app.
    pub email_configured: bool,
    /// The address the site is reached at, for calendar feed addresses.
    pub public_url: Option<String>,
}

impl AppState {
    pub fn new(store: Arc<Store>, clock: Arc<dyn Clock>, secure_cookies: bool) -> AppState {
        AppState {
            store,
            clock,
            secure_cookies,
            throttle: Arc::default(),
            token_limits: Arc::default(),
            notifications: NotificationSettings::default(),
            trusted_proxies: http::client_address::TrustedProxies::default(),
            metrics: Arc::default(),
            metrics_access: MetricsAccess::default(),
            webhook_addresses: webhooks::address::AddressPolicy::default(),
            templates: Arc::new(amparo_documents::Templates::builtin()),
        }
    }

    /// Typesets documents with `templates` (`templates_dir`'s over the built-in ones).
    pub fn with_templates(mut self, templates: amparo_documents::Templates) -> AppState {
        self.templates = Arc::new(templates);
        self
    }

    /// Keeps measurements in `metrics` (shared with the server's scheduled jobs) and serves them
    /// to whom `access` admits.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>, access: MetricsAccess) -> AppState {
        self.metrics = metrics;
        self.metrics_access = access;
        self
    }

    /// Allows each API token at most `per_minute` requests a minute.
    pub fn with_token_rate(mut self, per_minute: u32) -> AppState {
        self.token_limits = Arc::new(http::token_limit::TokenLimits::new(per_minute));
        self
    }

    /// Accepts webhook endpoints at the addresses `policy` allows.
    pub fn with_webhook_addresses(mut self, policy: webhooks::address::AddressPolicy) -> AppState {
        self.webhook_addresses = policy;
        self
    }

    /// Believes the forwarding headers of requests from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: http::client_address::TrustedProxies) -> AppState {
        self.trusted_proxies = proxies;
        self
    }

    pub fn with_notifications(mut self, email_configured: bool, public_url: Option<String>) -> AppState {
        self.notifications = NotificationSettings { email_configured, public_url };
        self
    }

    /// Runs a blocking store call off the async executor.
    pub(crate) async fn with_store<T, F>(&self, work: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, amparo_store::StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        // The store's own log lines belong to the request too (its id rides in the span).
        let span = tracing::Span::current();
        // An API token's use waiting for the request's write rides with these calls.
        let token_use = http::token_use::take();
        let started = std::time::Instant::now();
        let answer = tokio::task::spawn_blocking(move || {
            span.in_scope(|| match token_use {
                Some(token_use) => store.with_deferred_token_use(token_use, work),
                None => (work(&store), None),
            })
        })
        .await;
        self.metrics.record_database_call(started.elapsed());
        let (answer, unspent) = answer.map_err(|e| WebError::Internal(format!("store task: {e}")))?;
        if let Some(token_use) = unspent {
            http::token_use::put_back(token_use);
        }
        answer.map_err(WebError::from)
    }
}

/// Every route with the access it requires (see [`http::access`]), feature by feature.
fn routes() -> Routes {
    Routes::new()
        .add("GET", "/health", Access::Public, get(http::health::health))
        .add("GET", "/static/app.css", Access::Public, get(ui::assets::stylesheet))
        .add("GET", "/metrics", Access::Metrics, get(metrics::metrics))
        .merge(account::routes())
        .merge(cases::routes())
        .merge(triage::routes())
        .merge(sharing::routes())
        .merge(settings::routes())
        .merge(notifications::routes())
        .merge(audit::routes())
        .merge(export::routes())
        .merge(webhooks::routes())
        .merge(deadlines::routes())
        .merge(openapi::routes())
}

/// The OpenAPI document of the JSON API, as `/api/v1/openapi.json` serves it.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::document()
}

/// Every route of the application and the access it declares, for the authorisation test.
pub fn route_table() -> Vec<RouteAccess> {
    routes().into_parts().1
}

/// The whole application: pages, API and health check.
pub fn router(state: AppState) -> Router {
    let (routes, _) = routes().into_parts();
    // A case form sent after its session ended is kept for its person to find after signing in.
    let routes =
        routes.layer(axum::middleware::from_fn_with_state(state.clone(), http::kept_forms::keep_forms));
    // An API token's use that no write of the request recorded is recorded before the answer leaves.
    let routes =
        routes.layer(axum::middleware::from_fn_with_state(state.clone(), http::token_use::record_unspent));
    let routes = routes.layer(axum::middleware::from_fn(http::error::localize_error_pages));
    let routes = if state.secure_cookies {
        routes.layer(axum::middleware::map_response(http::headers::strict_transport_security))
    } else {
        routes
    };
    routes
        .layer(axum::middleware::map_response(http::headers::security_headers))
        .layer(axum::middleware::from_fn(http::headers::server_timing))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::layer::measure))
        .layer(axum::middleware::from_fn(http::request_id::request_id))
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
