//! `POST /cases/{id}/attachments`: the case page's upload form. A file added returns to it in the
//! evidence list; a refused one shows the case page again with the field named and the details kept
//! (a browser never keeps a chosen file, so the file is chosen again).

use amparo_store::CaseId;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::cases::activity::ActivityForms;
use crate::http::error::WebError;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::http::upload::GuardedUpload;
use crate::ui::form::FieldError;

use super::views::{EvidenceFormState, field_id};

/// The form field a store path names (its problems are about the details, or the file).
fn form_field(path: &str) -> &'static str {
    use super::actions::{DATED, EVENT, FILE, KIND, PERSON, TITLE};
    [KIND, TITLE, DATED, EVENT, PERSON].into_iter().find(|f| *f == path).unwrap_or(FILE)
}

pub async fn upload(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(case_id): Path<String>,
    upload: GuardedUpload,
) -> Result<Response, WebError> {
    let lang = signed_in.lang();
    let params = Params(upload.fields.iter().filter(|(name, _)| name != "csrf").cloned().collect());
    let refused = match super::actions::parse(upload, state.store.attachment_max_bytes()) {
        Ok(new) => {
            let user = signed_in.user.clone();
            let now = state.clock.now();
            let case = CaseId(case_id.clone());
            let added =
                state.with_store(move |store| super::actions::add(store, &user, &case, &new, now)).await;
            match added {
                Ok(a) => {
                    return Ok(Redirect::to(&format!("/cases/{case_id}#attachment-{}", a.id)).into_response());
                }
                Err(WebError::Field { path, problem, .. }) => (form_field(&path), problem),
                Err(other) => return Err(other),
            }
        }
        Err(refused) => refused,
    };
    let error = FieldError { id: field_id(refused.0), message: lang.form_problem(&refused.1) };
    let forms = ActivityForms {
        evidence: EvidenceFormState { params, errors: vec![error] },
        ..ActivityForms::default()
    };
    let case = crate::cases::page::load_case(&state, &signed_in, case_id, "page").await?;
    crate::cases::page::render_case_activity(
        &state,
        &signed_in,
        case,
        forms,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
