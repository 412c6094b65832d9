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
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::session::SignedIn;
use crate::http::upload::GuardedUpload;

/// A file's details as the API answers them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0190f0e2-7c1a-7000-8000-000000000001",
    "kind": "notice",
    "title": "Termination notice",
    "file_name": "notice.pdf",
    "content_type": "application/pdf",
    "bytes": 48213,
    "dated": "2026-04-10",
    "event": "e3",
    "person": null,
    "uploaded_at": "2026-04-11T15:02:00+00:00",
    "uploaded_by": "u2",
    "content": "/api/v1/cases/c1/attachments/0190f0e2-7c1a-7000-8000-000000000001"
}))]
pub struct AttachmentAnswer {
    pub id: String,
    /// `notice`, `i94`, `medical_letter`, `identity`, `evidence`, `filing`, `correspondence` or `other`.
    pub kind: &'static str,
    pub title: String,
    pub file_name: Option<String>,
    /// The type read from the file's bytes.
    pub content_type: &'static str,
    pub bytes: u64,
    /// The date written on the document (YYYY-MM-DD).
    pub dated: Option<String>,
    /// The timeline event it belongs to.
    pub event: Option<String>,
    /// The person of the case it is about.
    pub person: Option<String>,
    pub uploaded_at: String,
    pub uploaded_by: Option<String>,
    /// Where its bytes are read.
    pub content: String,
}

/// The files of a case the reader sees, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentsAnswer {
    pub items: Vec<AttachmentAnswer>,
    #[serde(flatten)]
    pub paging: crate::http::paging::Paging,
}

impl AttachmentAnswer {
    pub fn of(case: &str, a: &Attachment) -> AttachmentAnswer {
        AttachmentAnswer {
            id: a.id.clone(),
            kind: a.kind.as_str(),
            title: a.title.clone(),
            file_name: a.file_name.clone(),
            content_type: a.content_type.mime(),
            bytes: a.byte_size,
            dated: a.dated.map(|d| d.to_string()),
            event: a.event.clone(),
            person: a.person.clone(),
            uploaded_at: a.uploaded_at.to_rfc3339(),
            uploaded_by: a.uploaded_by.as_ref().map(|u| u.as_str().to_owned()),
            content: format!("/api/v1/cases/{case}/attachments/{}", a.id),
        }
    }
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
    let attachments: Vec<AttachmentAnswer> = found.iter().map(|a| AttachmentAnswer::of(&id, a)).collect();
    let paging = crate::http::paging::Paging::whole(attachments.len());
    Ok(Json(AttachmentsAnswer { items: attachments, paging }).into_response())
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
    Ok((StatusCode::CREATED, Json(AttachmentAnswer::of(&id, &added))).into_response())
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
