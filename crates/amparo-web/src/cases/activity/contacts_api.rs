//! The contacts API: `GET /api/v1/cases/{id}/contacts` answers the case's version and its contacts
//! (a clinician gets the professionals only); `PUT` replaces them at that version (409 when the case
//! has changed since, 422 naming the wrong field).

use amparo_domain::contacts::Contacts;
use amparo_store::CaseId;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::session::SignedIn;

pub async fn get_contacts(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let (version, contacts) =
        state.with_store(move |store| super::actions::read_contacts(store, &user, &CaseId(id), now)).await?;
    // A clinician is not told the family's contacts, not even that there are none.
    let family = (signed_in.user.role != amparo_domain::org::UserRole::Clinician).then_some(&contacts.family);
    let body = serde_json::json!({
        "version": version,
        "contacts": { "family": family, "others": contacts.others },
    });
    Ok(Json(body).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactsRequest {
    version: i64,
    contacts: Contacts,
}

pub async fn put_contacts(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(request): GuardedJson<ContactsRequest>,
) -> Result<Response, ApiError> {
    let contacts = request.contacts.validated("contacts").map_err(|e| WebError::field(e.field, e.problem))?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let expected = request.version;
    let version = state
        .with_store(move |store| {
            super::actions::save_contacts(store, &user, &CaseId(id), expected, contacts, now)
        })
        .await?;
    Ok(Json(serde_json::json!({ "version": version })).into_response())
}
