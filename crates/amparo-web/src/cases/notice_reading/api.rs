//! `POST /api/v1/cases/{id}/notice-reading`: the page's "Read a notice" through the API. A notice's
//! text (pasted as `text`, or one of the case's notices or PDFs named by `attachment`) is read into
//! a proposed event, each value with the words it came from, and the event's fields ready to be
//! checked and sent to `POST /api/v1/cases/{id}/events`. Nothing is recorded. The case and the file
//! are read as the page reads them (audited, the same data rules); the refusals name their field.

use std::collections::BTreeMap;

use amparo_domain::Problem;
use amparo_domain::notice_reading::Proposal;
use amparo_domain::objects::Object;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::pages::{propose, text_of};
use super::source::{MAX_PASTED_CHARS, SourceError};
use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::session::SignedIn;
use crate::notice_text::TextSource;

/// A notice to read: its text, or one of the case's notices or PDFs (one of the two).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "text": "NOTICE OF TERMINATION OF PAROLE\nNotice Date: March 1, 2026\n\
    You must depart the United States by March 8, 2026.\nThis notice was personally served." }))]
pub struct NoticeReadingRequest {
    /// The notice's text, pasted (at most 100 000 characters).
    #[serde(default)]
    #[schema(max_length = 100_000)]
    text: Option<String>,
    /// The id of one of the case's notices or PDFs (as `GET /api/v1/cases/{id}/attachments` lists
    /// them), read from its text layer or, for a scan, by Tesseract.
    #[serde(default)]
    attachment: Option<String>,
}

/// Where the notice's text came from.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadFrom {
    /// Text: pasted, or a text file.
    Text,
    /// A PDF's own text layer.
    PdfText,
    /// A scan read by Tesseract: check every value against the paper.
    Ocr,
}

impl From<TextSource> for ReadFrom {
    fn from(source: TextSource) -> ReadFrom {
        match source {
            TextSource::Text => ReadFrom::Text,
            TextSource::PdfText => ReadFrom::PdfText,
            TextSource::Ocr => ReadFrom::Ocr,
        }
    }
}

/// What the notice says, proposed as an event: never recorded here.
#[derive(Serialize, ToSchema)]
pub struct NoticeReadingAnswer {
    read_from: ReadFrom,
    #[schema(value_type = crate::openapi::shapes::NoticeProposal)]
    proposal: Proposal,
    /// The proposed event's fields that the notice printed, as `POST /api/v1/cases/{id}/events`
    /// takes them in its `event`: empty when the kind of notice could not be told.
    #[schema(example = json!({ "type": "termination_notice", "on": "2026-03-01",
        "depart_by": "2026-03-08", "served_by": "personal" }))]
    event: BTreeMap<String, String>,
}

/// A text that could not be had, as the API's refusal naming the field to fix.
fn refusal(error: SourceError) -> WebError {
    match error {
        SourceError::Nothing => WebError::field("text", Problem::Required),
        SourceError::Both => WebError::field("attachment", Problem::Exclusive { other: "text".into() }),
        SourceError::TooLong => WebError::field("text", Problem::TooLong { max: MAX_PASTED_CHARS }),
        SourceError::NoSuchFile => WebError::NotFound("notice or PDF on this case".into()),
        SourceError::Unreadable(e) => {
            WebError::field("attachment", Problem::Unreadable { detail: e.to_string() })
        }
        SourceError::Store(e) => e.into(),
    }
}

pub async fn read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(Object(request)): GuardedJson<Object<NoticeReadingRequest>>,
) -> Result<Response, ApiError> {
    let case = crate::cases::page::load_case(&state, &signed_in, id, "notice read").await?;
    let (text, file) = (request.text.unwrap_or_default(), request.attachment.unwrap_or_default());
    let (text, source) = text_of(&state, &signed_in, &case.id, &text, &file).await.map_err(refusal)?;
    let proposal = propose(&state, &case, &text);
    let event = proposal.event_fields().into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
    tracing::info!(case = %case.id, "notice read");
    Ok(Json(NoticeReadingAnswer { read_from: source.into(), proposal, event }).into_response())
}
