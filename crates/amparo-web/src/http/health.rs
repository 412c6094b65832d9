//! The health check: answers whether the database can be reached, for load balancers and monitors.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;

pub async fn health(State(state): State<AppState>) -> Response {
    match state.with_store(|store| store.ping()).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}
