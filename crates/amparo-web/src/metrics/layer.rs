//! The layer that counts every request and times it, by the template of the route that served it
//! (`/cases/{id}`), never the path the request named; a request no route serves counts under
//! `unmatched`. It also writes one debug line per request, with the same template.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The route label of a request that matched no route.
const UNMATCHED: &str = "unmatched";

/// The method as a label: the standard ones by name, any other as `other`, so a client cannot
/// invent labels.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

pub async fn measure(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED, MatchedPath::as_str).to_owned();
    let method = method_label(request.method()).to_owned();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.record_request(&method, &route, status, elapsed);
    tracing::debug!(%method, %route, status, millis = elapsed.as_secs_f64() * 1000.0, "request answered");
    response
}
