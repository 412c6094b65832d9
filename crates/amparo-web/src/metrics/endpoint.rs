//! `GET /metrics`: refused (403) unless [`super::access::MetricsAccess`] admits the client; else
//! the measurements kept in memory and what the database says now, as Prometheus text.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Scrape;
use super::text::CONTENT_TYPE;
use crate::AppState;
use crate::http::client_address::ClientAddress;

pub async fn metrics(State(state): State<AppState>, client: ClientAddress, headers: HeaderMap) -> Response {
    if !state.metrics_access.admits(client.0, &headers) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served only to the addresses of metrics_allow or with the metrics token\n",
        )
            .into_response();
    }
    let now = state.clock.now();
    let pool = state.store.pool_use();
    let operations = match state.with_store(move |store| store.operations(now)).await {
        Ok(operations) => Some(operations),
        Err(error) => {
            tracing::error!(%error, "metrics: the database could not be read");
            None
        }
    };
    let body = state.metrics.render(&Scrape { pool, operations });
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}
