//! The same three CSV downloads through the API (`/api/v1/exports/…`), for programs signed in with
//! a token (a token is only read under `/api/`): the same handlers, data rules, columns and audit
//! entries as the pages' downloads; only a refusal differs, answered as the API's JSON error.

use axum::extract::{Query, State};
use axum::response::Response;

use crate::AppState;
use crate::http::error::ApiError;
use crate::http::session::SignedIn;

pub async fn cases(
    state: State<AppState>,
    signed_in: SignedIn,
    query: Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    Ok(super::cases::cases_csv(state, signed_in, query).await?)
}

pub async fn deadlines(
    state: State<AppState>,
    signed_in: SignedIn,
    query: Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    Ok(super::deadlines::deadlines_csv(state, signed_in, query).await?)
}

pub async fn tasks(state: State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    Ok(super::tasks::tasks_csv(state, signed_in).await?)
}
