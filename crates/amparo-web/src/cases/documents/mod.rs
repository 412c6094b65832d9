//! Documents generated from a case (`amparo_documents`): the documents page (the generations
//! recorded, what changed since the one before, generating each kind with its choices, downloading
//! PDF and DOCX), a clinician's review and attestation of the medical letter, and the API under
//! `/api/v1/cases/{id}/documents`.
//!
//! Who may do what: everyone who sees the case lists and downloads its documents, but a clinician
//! only the medical letter of a case shared with them; the legal staff generate every kind, a
//! clinician only the medical letter, a viewer none; only a clinician attests. The store checks the
//! case and the kind inside each write (`amparo_store::access`), and audits every generation, list,
//! download and the reads of the case and exhibits they make. Typesetting runs on the blocking pool.
//!
//! | file | job |
//! | --- | --- |
//! | `request` | what is asked, checked field by field: the kind, exhibits, language; an attestation |
//! | `actions` | the operations the pages and the API share: generate, list, download, review, attest |
//! | `views` | the documents page as it renders: the list, the forms |
//! | `pages` | the documents page's handlers: the page, generating, downloading |
//! | `review` | the attestation page: the draft's text, the form, the attestation |
//! | `api` | the JSON API |

pub mod actions;
pub mod api;
pub mod pages;
pub mod request;
pub mod review;
pub mod views;

use amparo_documents::Templates;
use amparo_store::Store;
use axum::routing::{get, post};

use crate::AppState;
use crate::http::access::{Access, Permission, Routes};
use crate::http::error::WebError;

/// Runs `work` on the blocking pool with the store and the templates: generating a document reads
/// the store and typesets for up to a few seconds, which would stall the async threads.
pub(crate) async fn blocking<T, F>(state: &AppState, work: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce(&Store, &Templates) -> Result<T, WebError> + Send + 'static,
{
    let store = state.store.clone();
    let templates = state.templates.clone();
    let span = tracing::Span::current();
    let answer = tokio::task::spawn_blocking(move || span.in_scope(|| work(&store, &templates))).await;
    answer.map_err(|e| WebError::Internal(format!("document task: {e}")))?
}

/// The documents page, its forms and downloads, the attestation page and the API.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    // Generating: those who record events, and a clinician (the medical letter of a case shared with
    // them: the store checks kind and case inside the write). Attesting: a clinician.
    use Permission::{AttestLetters, RecordAttestations, ViewCases};
    Routes::new()
        .add("GET", "/cases/{id}/documents", Needs(ViewCases), get(pages::page))
        .add("POST", "/cases/{id}/documents", Needs(RecordAttestations), post(pages::generate))
        .add("GET", "/cases/{id}/documents/{document}/pdf", Needs(ViewCases), get(pages::pdf))
        .add("GET", "/cases/{id}/documents/{document}/docx", Needs(ViewCases), get(pages::docx))
        .add("GET", "/cases/{id}/documents/attest", Needs(AttestLetters), get(review::page))
        .add("POST", "/cases/{id}/documents/attest", Needs(AttestLetters), post(review::attest))
        .add("GET", "/api/v1/cases/{id}/documents", Needs(ViewCases), get(api::list))
        .add("POST", "/api/v1/cases/{id}/documents", Needs(RecordAttestations), post(api::generate))
        .add("GET", "/api/v1/cases/{id}/documents/{document}/pdf", Needs(ViewCases), get(api::pdf))
        .add("GET", "/api/v1/cases/{id}/documents/{document}/docx", Needs(ViewCases), get(api::docx))
        .add("POST", "/api/v1/cases/{id}/documents/attestation", Needs(AttestLetters), post(api::attest))
}
