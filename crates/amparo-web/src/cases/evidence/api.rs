//! The attachments API: `GET /api/v1/cases/{id}/attachments` lists the files the reader sees (the
//! read audited); `POST` adds one (`multipart/form-data` with the fields `kind`, `title`, optional
//! `dated`, `event` and `person`, and the file as `file`; the token in `X-CSRF-Token`), answering 201
//! with the file's details or 422 naming the field at fault; `GET …/attachments/{attachment}` returns
//! the file's bytes as a download, the read audited.

use amparo_store::{Attachment, CaseId};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::session::SignedIn;
use crate::http::upload::GuardedUpload;

/// A file's details as the API answers them.
pub fn attachment_json(case: &str, a: &Attachment) -> serde_json::Value {
    serde_json::json!({
        "id": a.id,
        "kind": a.kind.as_str(),
        "title": a.title,
        "file_name": a.file_name,
        "content_type": a.content_type.mime(),
        "bytes": a.byte_size,
        "dated": a.dated.map(|d| d.to_string()),
        "event": a.event,
        "person": a.person,
        "uploaded_at": a.uploaded_at.to_rfc3339(),
        "uploaded_by": a.uploaded_by.as_ref().map(|u| u.as_str()),
        "content": format!("/api/v1/cases/{case}/attachments/{}", a.id),
    })
}

pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = id.clone();
    let found = state.with_store(move |store| super::actions::list(store, &user, &CaseId(case), now)).await?;
    let found: Vec<_> = found.iter().map(|a| attachment_json(&id, a)).collect();
    Ok(Json(serde_json::json!({ "attachments": found })).into_response())
}

pub async fn upload(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    upload: Result<GuardedUpload, WebError>,
) -> Result<Response, ApiError> {
    // A refused upload (a wrong token, an unreadable body) is answered in JSON like every API error.
    let upload = upload?;
    let max_bytes = state.store.attachment_max_bytes();
    let new = super::actions::parse(upload, max_bytes).map_err(|(field, p)| WebError::field(field, p))?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = id.clone();
    let added =
        state.with_store(move |store| super::actions::add(store, &user, &CaseId(case), &new, now)).await?;
    Ok((StatusCode::CREATED, Json(attachment_json(&id, &added))).into_response())
}

pub async fn content(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((case, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(WebError::NotFound("attachment".into()).into());
    }
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let file = state
        .with_store(move |store| super::actions::file(store, &user, &CaseId(case), &id, "api", now))
        .await?;
    Ok(super::files::respond(file, false)?)
}
