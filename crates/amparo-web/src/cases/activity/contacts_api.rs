//! The contacts API: `GET /api/v1/cases/{id}/contacts` answers the case's version and its contacts
//! (a clinician gets the professionals only); `PUT` replaces them at that version (409 when the case
//! has changed since, 422 naming the wrong field).

use amparo_domain::contacts::{CaseContact, Contacts, FamilyContact};
use amparo_store::CaseId;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::http::answers::VersionAnswer;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::session::SignedIn;

/// A case's contacts at its version (`docs/case-file-extensions.md`).
#[derive(Serialize, ToSchema)]
pub(crate) struct ContactsAnswer {
    version: i64,
    contacts: ContactsShown,
}

/// The family's contacts (`null` for a clinician, who is not told them) and the professionals'.
#[derive(Serialize, ToSchema)]
pub(crate) struct ContactsShown {
    #[schema(value_type = Option<crate::openapi::shapes::FamilyContact>)]
    family: Option<FamilyContact>,
    #[schema(value_type = Vec<crate::openapi::shapes::CaseContact>)]
    others: Vec<CaseContact>,
}

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
    let contacts = ContactsShown { family: family.cloned(), others: contacts.others };
    Ok(Json(ContactsAnswer { version, contacts }).into_response())
}

/// A case's contacts to keep in place of the ones it has, at the case version they were based on.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactsRequest {
    version: i64,
    /// `{"family": {...}, "others": [...]}`, as `docs/case-file-extensions.md` describes them.
    #[schema(value_type = crate::openapi::shapes::Contacts)]
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
    Ok(Json(VersionAnswer { version }).into_response())
}
