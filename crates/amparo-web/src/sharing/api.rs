//! Sharing a case with a clinician through the API: `POST /api/v1/cases/{id}/shares` with
//! `{"clinician": USER_ID, "shared": true|false}`; `GET` lists who it is shared with.

use amparo_domain::objects::Object;
use amparo_store::{CaseId, UserId};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::session::SignedIn;

/// Shares a case with a clinician of the organisation, or stops sharing it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "clinician": "0190b6a8-0000-7000-8000-000000000001", "shared": true }))]
pub struct ShareRequest {
    /// The clinician's staff id.
    #[schema(value_type = String)]
    clinician: UserId,
    shared: bool,
}

/// The clinicians a case is shared with, by staff id.
#[derive(Serialize, ToSchema)]
pub(crate) struct SharesAnswer {
    #[schema(value_type = Vec<String>)]
    items: Vec<UserId>,
    #[serde(flatten)]
    paging: crate::http::paging::Paging,
}

pub async fn set_shared(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(Object(request)): GuardedJson<Object<ShareRequest>>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(id);
    let shares = state
        .with_store(move |store| {
            crate::sharing::actions::set_shared(
                store,
                &user,
                &case,
                &request.clinician,
                request.shared,
                now,
            )?;
            store.case_shares(&user.org_id, &case)
        })
        .await?;
    Ok(Json(SharesAnswer { paging: crate::http::paging::Paging::whole(shares.len()), items: shares })
        .into_response())
}

pub async fn shares(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let org = signed_in.user.org_id.clone();
    let shares = state
        .with_store(move |store| {
            let case = CaseId(id);
            if store.case(&org, &case)?.is_none() {
                return Ok(None);
            }
            store.case_shares(&org, &case).map(Some)
        })
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    Ok(Json(SharesAnswer { paging: crate::http::paging::Paging::whole(shares.len()), items: shares })
        .into_response())
}
