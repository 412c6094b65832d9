//! The notes API: `GET /api/v1/cases/{id}/notes` (pinned first, then newest first), `POST` to write
//! one, and `PATCH /api/v1/cases/{id}/notes/{note}` with `{"pinned": bool}`. A note takes no case
//! version (see the store's `notes` for why), so none of these answers 409.

use amparo_domain::notes::{CaseNote, NewNote, NoteKind};
use amparo_store::CaseId;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::session::SignedIn;

/// A case's notes, pinned first, then newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct NotesAnswer {
    items: Vec<NoteAnswer>,
    #[serde(flatten)]
    paging: crate::http::paging::Paging,
}

/// A note of a case (`at` is when it was written; `event`, the timeline event it is about).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({ "id": 1, "type": "call", "at": "2026-03-01T15:00:00Z", "author": "Ana Example",
    "pinned": false, "text": "Called the family about the hearing." }))]
pub(crate) struct NoteAnswer {
    id: u32,
    #[serde(rename = "type")]
    #[schema(schema_with = crate::openapi::note_kinds)]
    kind: NoteKind,
    #[schema(value_type = String, format = DateTime)]
    at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<String>,
    pinned: bool,
    text: String,
}

/// A note as the API answers it: the reader who does not see the timeline is not told which event it
/// is about.
fn note_json(note: CaseNote, sees_timeline: bool) -> NoteAnswer {
    let CaseNote { id, kind, at, author, event, pinned, text } = note;
    NoteAnswer { id, kind, at, author, event: event.filter(|_| sees_timeline), pinned, text }
}

pub async fn list_notes(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let notes =
        state.with_store(move |store| super::actions::read_notes(store, &user, &CaseId(id), now)).await?;
    let sees = crate::cases::visibility::sees_timeline(&signed_in.user);
    let notes: Vec<NoteAnswer> = notes.into_iter().map(|n| note_json(n, sees)).collect();
    Ok(Json(NotesAnswer { paging: crate::http::paging::Paging::whole(notes.len()), items: notes })
        .into_response())
}

/// A note to write on a case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "type": "call", "text": "Called the family about the hearing.", "event": "e3" }))]
pub struct NoteRequest {
    #[serde(rename = "type")]
    #[schema(schema_with = crate::openapi::note_kinds)]
    kind: NoteKind,
    text: String,
    #[serde(default)]
    event: Option<String>,
}

pub async fn add_note(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(request): GuardedJson<NoteRequest>,
) -> Result<Response, ApiError> {
    let note = NewNote { kind: request.kind, event: request.event, text: request.text };
    amparo_domain::notes::check_note_text(&note.text).map_err(|p| WebError::field("text", p))?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let written = state
        .with_store(move |store| super::actions::add_note(store, &user, &CaseId(id), &note, now))
        .await?;
    let sees = crate::cases::visibility::sees_timeline(&signed_in.user);
    Ok((StatusCode::CREATED, Json(note_json(written, sees))).into_response())
}

/// Pins or unpins a note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinRequest {
    pinned: bool,
}

pub async fn pin_note(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, note)): Path<(String, String)>,
    GuardedJson(request): GuardedJson<PinRequest>,
) -> Result<Response, ApiError> {
    let seq = note.parse::<i64>().map_err(|_| WebError::NotFound("note".into()))?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let pinned = request.pinned;
    let note = state
        .with_store(move |store| super::actions::pin_note(store, &user, &CaseId(id), seq, pinned, now))
        .await?;
    let sees = crate::cases::visibility::sees_timeline(&signed_in.user);
    Ok(Json(note_json(note, sees)).into_response())
}
