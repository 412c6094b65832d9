//! A clinician's review and attestation of the medical letter: `GET /cases/{id}/documents/attest`
//! shows the draft's text as today's record prints it and the attestation form (name, credentials,
//! date, statement; the case version reviewed rides along); `POST` attests it — the
//! `medical_attested` event, the signed PDF kept as a medical attachment and the generation, all or
//! nothing — and returns to the documents page, or shows the form again with every field at fault.

use amparo_documents::docx::Paragraph;
use amparo_store::CaseId;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::actions;
use super::request::{self, AttestationInput, CREDENTIALS, DATE, NAME, STATEMENT, VERSION};
use super::views::field_id;
use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::FieldError;
use crate::ui::i18n::Lang;
use crate::ui::page::{Viewer, viewer};

#[derive(Template)]
#[template(path = "document_attest.html")]
struct ReviewPage {
    lang: Lang,
    viewer: Viewer,
    case_id: String,
    reference: String,
    paragraphs: Vec<Paragraph>,
    input: AttestationInput,
    errors: Vec<FieldError>,
}

impl ReviewPage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

/// The draft's text, the case's version and reference, read as the signed-in clinician.
async fn draft(
    state: &AppState,
    signed_in: &SignedIn,
    id: String,
) -> Result<(Vec<Paragraph>, i64, String), WebError> {
    // Only a clinician attests; others are told so before any read.
    if signed_in.user.role != amparo_domain::org::UserRole::Clinician {
        return Err(WebError::Forbidden);
    }
    let user = signed_in.user.clone();
    let now = state.clock.now();
    super::blocking(state, move |store, templates| actions::draft(store, templates, &user, &CaseId(id), now))
        .await
}

pub async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (paragraphs, version, reference) = draft(&state, &signed_in, id.clone()).await?;
    let today = signed_in.today(state.clock.now());
    let input = AttestationInput {
        name: signed_in.user.display_name.clone(),
        date: today.to_string(),
        version: version.to_string(),
        ..AttestationInput::default()
    };
    let lang = signed_in.lang();
    let page = ReviewPage {
        lang,
        viewer: viewer(&signed_in),
        case_id: id,
        reference,
        paragraphs,
        input,
        errors: Vec::new(),
    };
    Ok(crate::ui::render(&page).into_response())
}

fn worded(lang: Lang, errors: &[WebError]) -> Vec<FieldError> {
    errors
        .iter()
        .filter_map(|e| e.worded(lang))
        .map(|(path, message)| FieldError { id: field_id(&path), message })
        .collect()
}

pub async fn attest(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let input = AttestationInput {
        name: params.text(NAME),
        credentials: params.text(CREDENTIALS),
        date: params.text(DATE),
        statement: params.text(STATEMENT),
        version: params.text(VERSION),
    };
    let lang = signed_in.lang();
    let now = state.clock.now();
    let errors = match request::attestation(&input, signed_in.today(now)) {
        Ok(checked) => {
            let user = signed_in.user.clone();
            let case = CaseId(id.clone());
            let attested = super::blocking(&state, move |store, templates| {
                actions::attest(store, templates, &user, &case, &checked, now)
            })
            .await;
            match attested {
                Ok((_, record)) => {
                    let to = format!("/cases/{id}/documents?made={0}#document-{0}", record.id);
                    return Ok(Redirect::to(&to).into_response());
                }
                // A change to the case since the review: the draft is shown again as it now reads,
                // with the new version, for the clinician to review once more.
                Err(WebError::Conflict(_)) => {
                    vec![FieldError { id: field_id(STATEMENT), message: lang.t("document-attest-changed") }]
                }
                Err(other) => match other.worded(lang) {
                    Some(_) => worded(lang, &[other]),
                    None => return Err(other),
                },
            }
        }
        Err(problems) => worded(lang, &problems),
    };
    let (paragraphs, version, reference) = draft(&state, &signed_in, id.clone()).await?;
    let input = AttestationInput { version: version.to_string(), ..input };
    let page =
        ReviewPage { lang, viewer: viewer(&signed_in), case_id: id, reference, paragraphs, input, errors };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    Ok((status, crate::ui::render(&page)).into_response())
}
