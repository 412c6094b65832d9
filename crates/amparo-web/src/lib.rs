//! Amparo's web interface and JSON API. Knows the [`Store`] trait, never an SQL dialect.
//!
//! A request flows: HTTP → session (cookie) → CSRF check on every form post → domain validation →
//! one store call → response. The store is blocking, so handlers call it on the blocking pool.

mod access;
mod api;
mod audit_pages;
mod audit_views;
mod auth;
mod calendar;
mod calendar_views;
mod case_list;
mod case_list_views;
mod checklists;
mod clock;
mod cookies;
mod dashboard;
mod dashboard_views;
mod error;
mod event_form;
mod feeds;
mod headers;
mod i18n;
mod input;
mod intake;
mod intake_views;
mod language;
mod letter;
mod list_params;
mod notify_pages;
mod pages;
mod password;
mod password_reset;
mod problems;
mod roles;
mod second_factor;
mod settings;
mod settings_views;
mod sharing_api;
mod sharing_pages;
mod throttle;
mod triage_api;
mod triage_pages;
mod triage_views;
mod views;

use std::sync::Arc;

use access::Routes;
use amparo_store::Store;
use axum::Router;
use axum::routing::{get, post};

pub use access::{Access, MATRIX, Permission, RouteAccess, allows};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::WebError;
pub use password::{hash_password, verify_password};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Arc<dyn Clock>,
    /// Mark cookies `Secure`; on whenever the site is reached over HTTPS.
    pub secure_cookies: bool,
    /// Failed sign-ins per account and per address.
    pub throttle: Arc<throttle::Throttle>,
    pub notifications: NotificationSettings,
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
            notifications: NotificationSettings::default(),
        }
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
        tokio::task::spawn_blocking(move || work(&store))
            .await
            .map_err(|e| WebError::Internal(format!("store task: {e}")))?
            .map_err(WebError::from)
    }
}

/// Every route with the access it requires (see [`access`]).
fn routes() -> Routes {
    use Access::{Enrolling, Needs, Public, SignedIn};
    use Permission::*;
    Routes::new()
        .add("GET", "/health", Public, get(pages::health))
        .add("GET", "/static/app.css", Public, get(pages::stylesheet))
        .add("GET", "/", SignedIn, get(pages::home))
        .add("GET", "/login", Public, get(pages::login_form))
        .add("POST", "/login", Public, post(pages::login))
        .add("GET", "/reset/{token}", Public, get(password_reset::form))
        .add("POST", "/reset/{token}", Public, post(password_reset::submit))
        .add("GET", "/login/second-factor", Public, get(second_factor::code_form))
        .add("POST", "/login/second-factor", Public, post(second_factor::submit_code))
        .add("GET", "/account/security", Enrolling, get(second_factor::security))
        .add("POST", "/account/security/confirm", Enrolling, post(second_factor::confirm))
        .add("POST", "/account/security/remove", SignedIn, post(second_factor::remove))
        .add("POST", "/logout", Enrolling, post(pages::logout))
        .add("POST", "/language", Public, post(language::set_language))
        .add("POST", "/logout/everywhere", SignedIn, post(pages::logout_everywhere))
        .add("GET", "/cases", Needs(ViewCases), get(case_list::case_list))
        .add("GET", "/cases/new", Needs(RecordEvents), get(intake::intake_form))
        .add("POST", "/cases/new", Needs(RecordEvents), post(intake::intake))
        .add("GET", "/cases/{id}", Needs(ViewCases), get(pages::case_page))
        .add("POST", "/cases/{id}/events", Needs(RecordEvents), post(event_form::record_event))
        .add("GET", "/cases/{id}/print", Needs(ViewCases), get(pages::case_print))
        .add("GET", "/calendar", Needs(ViewCases), get(calendar::calendar))
        .add("GET", "/settings", Needs(ManageOrganisation), get(settings::settings))
        .add("POST", "/settings/policy", Needs(ManageOrganisation), post(settings::save_policy))
        .add(
            "POST",
            "/settings/second-factor",
            Needs(ManageOrganisation),
            post(second_factor::set_requirement),
        )
        .add("POST", "/settings/users/{id}/role", Needs(ManageOrganisation), post(roles::set_role))
        .add("POST", "/settings/checklists/{kind}", Needs(ManageOrganisation), post(checklists::save))
        .add("POST", "/settings/checklists/reset", Needs(ManageOrganisation), post(checklists::reset))
        .add("POST", "/cases/{id}/shares", Needs(ShareCases), post(sharing_pages::set_shared))
        .add("GET", "/audit", Needs(ReadAudit), get(audit_pages::page))
        .add("POST", "/cases/{id}/assignments", Needs(AssignStaff), post(triage_pages::assign))
        .add("GET", "/triage", Needs(ViewCases), get(triage_pages::board))
        .add("GET", "/tasks", Needs(ViewCases), get(triage_pages::my_tasks))
        .add("POST", "/tasks/{id}/complete", Needs(WorkTasks), post(triage_pages::complete_task))
        .add("POST", "/tasks/{id}/reassign", Needs(ReassignTasks), post(triage_pages::reassign_task))
        .add("GET", "/notifications", SignedIn, get(notify_pages::page))
        .add("POST", "/notifications/read-all", SignedIn, post(notify_pages::mark_all_read))
        .add("POST", "/notifications/{id}/read", SignedIn, post(notify_pages::mark_read))
        .add("GET", "/calendar/feeds", Needs(ViewCases), get(feeds::page))
        .add("POST", "/calendar/feeds", Needs(ViewCases), post(feeds::create))
        .add("POST", "/calendar/feeds/{id}/revoke", Needs(ViewCases), post(feeds::revoke))
        .add("GET", "/calendar/feed/{file}", Public, get(feeds::feed))
        .add("GET", "/cases/{id}/letter", Needs(ViewCases), get(letter::page))
        .add("GET", "/static/letter.css", Public, get(letter::stylesheet))
        .add("GET", "/api/v1/notifications", SignedIn, get(notify_pages::api_list))
        .add("POST", "/api/v1/notifications/{id}/read", SignedIn, post(notify_pages::api_mark_read))
        .add("GET", "/reviews", Needs(RunReviews), get(triage_pages::reviews))
        .add("POST", "/reviews", Needs(RunReviews), post(triage_pages::open_reviews))
        .add("GET", "/api/v1/cases", Needs(ViewCases), get(api::list_cases))
        .add("GET", "/api/v1/cases/{id}", Needs(ViewCases), get(api::get_case))
        .add("POST", "/api/v1/cases/{id}/events", Needs(RecordEvents), post(api::append_event))
        .add("GET", "/api/v1/cases/{id}/escalations", Needs(ViewCases), get(triage_api::case_escalations))
        .add("POST", "/api/v1/cases/{id}/assignments", Needs(AssignStaff), post(triage_api::assign))
        .add("GET", "/api/v1/cases/{id}/shares", Needs(ShareCases), get(sharing_api::shares))
        .add("POST", "/api/v1/cases/{id}/shares", Needs(ShareCases), post(sharing_api::set_shared))
        .add("GET", "/api/v1/triage", Needs(ViewCases), get(triage_api::board))
        .add("GET", "/api/v1/tasks", Needs(ViewCases), get(triage_api::my_tasks))
        .add("POST", "/api/v1/tasks/{id}/complete", Needs(WorkTasks), post(triage_api::complete_task))
        .add("POST", "/api/v1/tasks/{id}/reassign", Needs(ReassignTasks), post(triage_api::reassign_task))
        .add("GET", "/api/v1/audit", Needs(ReadAudit), get(api::audit_export))
        .add(
            "POST",
            "/api/v1/users/{id}/password-reset",
            Needs(ManageOrganisation),
            post(password_reset::issue),
        )
        .add(
            "POST",
            "/api/v1/users/{id}/second-factor/reset",
            Needs(ManageOrganisation),
            post(second_factor::reset),
        )
        .add("GET", "/api/v1/reviews/preview", Needs(RunReviews), get(triage_api::review_preview))
        .add("POST", "/api/v1/reviews", Needs(RunReviews), post(triage_api::open_reviews))
}

/// Every route of the application and the access it declares, for the authorisation test.
pub fn route_table() -> Vec<RouteAccess> {
    routes().into_parts().1
}

/// The whole application: pages, API and health check.
pub fn router(state: AppState) -> Router {
    let (routes, _) = routes().into_parts();
    let routes = routes.layer(axum::middleware::from_fn(error::localize_error_pages));
    let routes = if state.secure_cookies {
        routes.layer(axum::middleware::map_response(headers::strict_transport_security))
    } else {
        routes
    };
    routes
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
