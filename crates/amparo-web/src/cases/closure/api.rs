//! `POST /api/v1/cases/{id}/close` (`{"version", "reason", "note"?}`) and `POST .../reopen`
//! (`{"version"}`): the page's actions for API clients. Both answer `{"version"}` with the case's
//! new version; a stale version is a 409, and so is closing a closed case or reopening an open one.

use amparo_domain::CloseReason;
use amparo_store::{CaseId, CloseRequest};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::http::answers::VersionAnswer;
use crate::http::error::ApiError;
use crate::http::forgery::GuardedJson;
use crate::http::session::SignedIn;

/// Why a case is closed, at the case version the closure was based on.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "version": 3, "reason": "moved", "note": "The family moved to another state." }))]
pub struct CloseBody {
    version: i64,
    /// `other_status`, `moved`, `withdrew`, `no_longer_represented`, `deceased` or `other` (which
    /// needs a `note`).
    #[schema(schema_with = crate::openapi::close_reasons)]
    reason: CloseReason,
    /// At most 4,000 characters.
    #[serde(default)]
    note: Option<String>,
}

/// The case version a reopening was based on.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenBody {
    version: i64,
}

pub async fn close(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(body): GuardedJson<CloseBody>,
) -> Result<Response, ApiError> {
    let request = CloseRequest { expected_version: body.version, reason: body.reason, note: body.note };
    let (user, now, case) = (signed_in.user.clone(), state.clock.now(), CaseId(id));
    let version = state
        .with_store(move |store| crate::cases::actions::close_case(store, &user, &case, &request, now))
        .await?;
    Ok(Json(VersionAnswer { version }).into_response())
}

pub async fn reopen(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(body): GuardedJson<ReopenBody>,
) -> Result<Response, ApiError> {
    let (user, now, case) = (signed_in.user.clone(), state.clock.now(), CaseId(id));
    let version = state
        .with_store(move |store| crate::cases::actions::reopen_case(store, &user, &case, body.version, now))
        .await?;
    Ok(Json(VersionAnswer { version }).into_response())
}
