//! The edit API under `/api/v1/cases/{id}`: `PATCH` the case (reference, programme, medical
//! profile), add, change and remove people, read the history, void an event. Every write takes the
//! case `version` it was based on (409 when the case has moved since) and answers the new one.

use amparo_domain::case_edit::{CaseEdit, HistoryEntry};
use amparo_store::CaseId;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::AppState;
use crate::cases::edit::{actions, input};
use crate::http::answers::VersionAnswer;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::session::SignedIn;

/// A field that may be given as `null` (to clear it) told apart from one left out.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Changes to a case's record: only the fields given change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "version": 3, "program": "humanitarian" }))]
pub struct CasePatch {
    version: i64,
    #[serde(default)]
    reference: Option<String>,
    /// `humanitarian`, `u4u`, `oaw`, `chnv`, `cbp_one` or `other`.
    #[serde(default)]
    program: Option<String>,
    /// The whole profile, or `null` to remove it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::openapi::shapes::MedicalFields>)]
    medical: Option<Value>,
}

/// A person of the case (as in an `amparo.case/1` document), or the fields of one to change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "version": 3, "person": { "key": "s1", "role": "sibling", "given_name": "Luz",
    "family_name": "Ejemplo", "birth_date": "2026-02-14" } }))]
pub struct PersonBody {
    version: i64,
    #[schema(value_type = crate::openapi::shapes::PersonFields)]
    person: Value,
}

/// The case version a write was based on.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "version": 3 }))]
pub struct VersionBody {
    version: i64,
}

/// Why an event is voided, at the case version the void was based on.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "version": 3, "reason": "recorded on the wrong case" }))]
pub struct VoidBody {
    version: i64,
    reason: String,
}

/// Every change of a case, oldest first, with who made it, when, and each field before and after.
#[derive(Serialize, ToSchema)]
pub(crate) struct HistoryAnswer {
    #[schema(value_type = Vec<crate::openapi::shapes::HistoryEntry>)]
    items: Vec<HistoryEntry>,
    #[serde(flatten)]
    paging: crate::http::paging::Paging,
}

/// Writes `edit` and answers the new version with `status`.
async fn write(
    state: &AppState,
    signed_in: &SignedIn,
    id: String,
    version: i64,
    edit: CaseEdit,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let version = state
        .with_store(move |store| actions::edit_case(store, &user, &CaseId(id), version, &edit, now))
        .await?;
    Ok((status, Json(VersionAnswer { version })).into_response())
}

/// `PATCH /api/v1/cases/{id}`: `{"version": 3, "reference"?, "program"?, "medical"?}`.
pub async fn patch_case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(body): GuardedJson<CasePatch>,
) -> Result<Response, ApiError> {
    let edit = CaseEdit::Record {
        reference: body.reference.as_deref().map(input::reference).transpose()?,
        program: body.program.as_deref().map(input::program).transpose()?,
        medical: body.medical.map(input::medical).transpose()?,
    };
    write(&state, &signed_in, id, body.version, edit, StatusCode::OK).await
}

/// `POST /api/v1/cases/{id}/people`: `{"version": 3, "person": {...}}`, 201.
pub async fn add_person(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(body): GuardedJson<PersonBody>,
) -> Result<Response, ApiError> {
    let edit = CaseEdit::AddPerson(input::person(body.person)?);
    write(&state, &signed_in, id, body.version, edit, StatusCode::CREATED).await
}

/// `PATCH /api/v1/cases/{id}/people/{key}`: `{"version": 3, "person": {the fields to change}}`.
pub async fn edit_person(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, key)): Path<(String, String)>,
    GuardedJson(body): GuardedJson<PersonBody>,
) -> Result<Response, ApiError> {
    // The fields given are laid over the person as read here; the store refuses the write if the
    // case moved on since `version`, so nothing read here can be stale when it is written.
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let lookup = CaseId(id.clone());
    let case = state
        .with_store(move |store| crate::cases::actions::read_case(store, &user, &lookup, "api", now))
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    let current = case.file.case.person(&key).ok_or_else(|| WebError::NotFound("person".into()))?;
    let person = input::patched_person(current, body.person)?;
    write(&state, &signed_in, id, body.version, CaseEdit::UpdatePerson { key, person }, StatusCode::OK).await
}

/// `DELETE /api/v1/cases/{id}/people/{key}`: `{"version": 3}`.
pub async fn remove_person(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, key)): Path<(String, String)>,
    GuardedJson(body): GuardedJson<VersionBody>,
) -> Result<Response, ApiError> {
    write(&state, &signed_in, id, body.version, CaseEdit::RemovePerson { key }, StatusCode::OK).await
}

/// `GET /api/v1/cases/{id}/history`: every edit of the case, oldest first.
pub async fn history(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let entries: Vec<HistoryEntry> = state
        .with_store(move |store| actions::history(store, &user, &CaseId(id), now))
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    Ok(Json(HistoryAnswer { paging: crate::http::paging::Paging::whole(entries.len()), items: entries })
        .into_response())
}

/// `POST /api/v1/cases/{id}/events/{event_id}/void`: `{"version": 3, "reason": "..."}`.
pub async fn void_event(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, event_id)): Path<(String, String)>,
    GuardedJson(body): GuardedJson<VoidBody>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let version = state
        .with_store(move |store| {
            let case = CaseId(id);
            actions::void_event(store, &user, &case, body.version, (&event_id, &body.reason), now)
        })
        .await?;
    Ok(Json(VersionAnswer { version }).into_response())
}
