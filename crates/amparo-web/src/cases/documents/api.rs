//! The documents API: `GET /api/v1/cases/{id}/documents` lists the generations the reader may read
//! (each with what changed since the one before it of its kind); `POST` generates one
//! (`{"kind", "exhibits", "language"}`), records it and answers 201 with its details;
//! `GET …/documents/{document}/pdf` and `…/docx` download it (the DOCX for letters only);
//! `POST …/documents/attestation` is a clinician's attestation of the medical letter, answering 201
//! with the case's new version and the generation that keeps the signed PDF.

use amparo_store::{CaseId, DocumentRecord};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actions::{self, Format};
use super::request::{self, AttestationInput};
use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::session::SignedIn;

/// One fact that differs from the previous generation of the same kind and language.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeAnswer {
    /// The fact's path in the document's data (`medical.days_to_critical_harm`, `exhibits[1].title`),
    /// a placed file (`file:…`) or `template`.
    pub path: String,
    /// `added`, `changed` or `removed`.
    pub how: &'static str,
}

/// A recorded generation of a document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0190f0e2-7c1a-7000-8000-000000000009",
    "kind": "packet",
    "language": "en",
    "template_version": "packet 1 · 3f2a9c1e",
    "created_at": "2026-04-11T15:02:00+00:00",
    "created_by": "u2",
    "exhibits": ["0190f0e2-7c1a-7000-8000-000000000001"],
    "attested_attachment": null,
    "pdf": "/api/v1/cases/c1/documents/0190f0e2-7c1a-7000-8000-000000000009/pdf",
    "docx": null,
    "changes": [{ "path": "exhibits.count", "how": "changed" }]
}))]
pub struct DocumentAnswer {
    pub id: String,
    /// `medical-letter`, `cover-letter`, `packet` or `family-letter`.
    pub kind: String,
    /// The language it is written in: `en` but for the family letter.
    pub language: String,
    /// The templates' declared version and a digest of their files.
    pub template_version: String,
    pub created_at: String,
    /// The member who generated it; `null` for the operator on the command line.
    pub created_by: Option<String>,
    /// The attachments placed or indexed as exhibits, in order.
    pub exhibits: Vec<String>,
    /// An attested medical letter: the attachment its signed PDF is kept as.
    pub attested_attachment: Option<String>,
    /// Where its PDF is downloaded.
    pub pdf: String,
    /// Where its DOCX is downloaded, for the letters a person edits.
    pub docx: Option<String>,
    /// What changed since the previous generation of its kind and language; `null` for the first.
    pub changes: Option<Vec<ChangeAnswer>>,
}

/// The generations of a case the reader may read, oldest first, in one page.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentsAnswer {
    pub items: Vec<DocumentAnswer>,
    #[serde(flatten)]
    pub paging: crate::http::paging::Paging,
}

/// A document to generate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "kind": "packet", "exhibits": ["0190f0e2-7c1a-7000-8000-000000000001"] }))]
pub struct GenerateRequest {
    /// `medical-letter`, `cover-letter`, `packet` or `family-letter`.
    pub kind: String,
    /// Attachment ids, in the order they become exhibits (the cover letter and the packet only).
    #[serde(default)]
    pub exhibits: Vec<String>,
    /// The family letter's language (`en`, `es`, `ht`, `uk`, `ru`, `prs`, `ps`, `pt`, `fr`); by default
    /// the family's own.
    #[serde(default)]
    pub language: Option<String>,
}

/// A clinician's attestation of the medical letter as it reads today.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "name": "Dr. Mira Example", "credentials": "MD, pediatric nephrology",
    "date": "2026-04-11", "statement": "I have reviewed this letter and it is true to my knowledge.", "version": 7 }))]
pub struct AttestRequest {
    pub name: String,
    pub credentials: String,
    /// The day of the attestation (YYYY-MM-DD), not after today.
    pub date: String,
    pub statement: String,
    /// The case's version the letter was reviewed at; a later change refuses the attestation (409).
    pub version: i64,
}

/// An attestation recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttestedAnswer {
    /// The case's new version.
    pub version: i64,
    pub document: DocumentAnswer,
}

fn how(kind: amparo_documents::ChangeKind) -> &'static str {
    match kind {
        amparo_documents::ChangeKind::Added => "added",
        amparo_documents::ChangeKind::Changed => "changed",
        amparo_documents::ChangeKind::Removed => "removed",
    }
}

impl DocumentAnswer {
    pub fn of(
        case: &str,
        d: &DocumentRecord,
        changes: Option<Vec<amparo_documents::Change>>,
    ) -> DocumentAnswer {
        let base = format!("/api/v1/cases/{case}/documents/{}", d.id);
        let editable = amparo_documents::DocumentKind::parse(&d.kind).is_some_and(|k| k.editable());
        DocumentAnswer {
            id: d.id.clone(),
            kind: d.kind.clone(),
            language: d.language.clone(),
            template_version: d.template_version.clone(),
            created_at: d.created_at.to_rfc3339(),
            created_by: d.created_by.as_ref().map(|u| u.as_str().to_owned()),
            exhibits: d.exhibits.clone(),
            attested_attachment: d.attachment.clone(),
            docx: (editable && d.attachment.is_none()).then(|| format!("{base}/docx")),
            pdf: format!("{base}/pdf"),
            changes: changes
                .map(|c| c.into_iter().map(|c| ChangeAnswer { path: c.path, how: how(c.how) }).collect()),
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
    let case = CaseId(id.clone());
    let records = super::blocking(&state, move |store, _| actions::list(store, &user, &case, now)).await?;
    let changes = actions::changes_in_order(&records);
    let documents: Vec<DocumentAnswer> =
        records.iter().zip(changes).map(|(d, c)| DocumentAnswer::of(&id, d, c)).collect();
    let paging = crate::http::paging::Paging::whole(documents.len());
    Ok(Json(DocumentsAnswer { items: documents, paging }).into_response())
}

pub async fn generate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(body): GuardedJson<GenerateRequest>,
) -> Result<Response, ApiError> {
    let asked = actions::Asked { kind: body.kind, exhibits: body.exhibits, language: body.language };
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(id.clone());
    let made = super::blocking(&state, move |store, templates| {
        actions::generate(store, templates, &user, &case, asked, now)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(DocumentAnswer::of(&id, &made.record, made.changes))).into_response())
}

pub async fn pdf(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(ids): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(super::pages::download(state, signed_in, ids, Format::Pdf).await?)
}

pub async fn docx(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(ids): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(super::pages::download(state, signed_in, ids, Format::Docx).await?)
}

pub async fn attest(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(body): GuardedJson<AttestRequest>,
) -> Result<Response, ApiError> {
    let today = signed_in.today(state.clock.now());
    let input = AttestationInput {
        name: body.name,
        credentials: body.credentials,
        date: body.date,
        statement: body.statement,
        version: body.version.to_string(),
    };
    let checked = request::attestation(&input, today).map_err(|mut problems| {
        if problems.is_empty() { WebError::Internal("attestation".into()) } else { problems.remove(0) }
    })?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(id.clone());
    let (version, record) = super::blocking(&state, move |store, templates| {
        actions::attest(store, templates, &user, &case, &checked, now)
    })
    .await?;
    let document = DocumentAnswer::of(&id, &record, None);
    Ok((StatusCode::CREATED, Json(AttestedAnswer { version, document })).into_response())
}
