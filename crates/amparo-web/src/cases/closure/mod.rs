//! Closing and reopening a case from its page (`POST /cases/{id}/close`, `/reopen`) and the API
//! (`api`). A stale version is refused: the page shows the conflict with the reason and note as
//! typed, the API answers 409.

pub mod api;
pub mod views;

use amparo_domain::{CloseReason, Problem};
use amparo_store::{CaseId, CloseRequest, StoredCase, User};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::http::access::{Permission, allows};
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::FieldError;
use crate::ui::i18n::Lang;
use views::{CloseFormState, NOTE_FIELD, REASON_FIELD};

/// Whether `user`'s role closes and reopens cases (the store checks it again when writing).
pub fn may_close(user: &User) -> bool {
    allows(user.role, Permission::RecordEvents)
}

/// Puts the closure section on the case page; a closed case shows no deadline alarm at its top.
pub(crate) fn show_on_page(
    page: &mut crate::cases::page::views::CasePage,
    user: &User,
    case: &StoredCase,
    closed_by: Option<String>,
    form: &CloseFormState,
) {
    let closure = case.file.extensions.closure.as_ref();
    if closure.is_some() {
        page.overdue.clear();
        page.next_deadline = None;
    }
    page.closure = views::section(page.lang, closure, closed_by, may_close(user), form);
}

fn version(params: &Params) -> Result<i64, WebError> {
    params
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| WebError::field("version", Problem::Missing { field: "version".into() }))
}

/// The close form read: the reason must be one of the list; the note is checked by the store.
fn read_form(params: &Params, lang: Lang) -> Result<CloseRequest, FieldError> {
    let reason = params.get(REASON_FIELD).unwrap_or_default();
    let reason = CloseReason::parse(reason)
        .ok_or_else(|| FieldError { id: REASON_FIELD.into(), message: lang.t("closure-error-reason") })?;
    let note = params.get(NOTE_FIELD).map(str::to_owned);
    // The version is checked before the form is read, so it is always there.
    Ok(CloseRequest { expected_version: version(params).unwrap_or_default(), reason, note })
}

/// The case page again with the close form as typed, its problem or the conflict shown.
async fn rerender(
    state: &AppState,
    signed_in: &SignedIn,
    id: String,
    form: CloseFormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    // Shown against the case as it is now, so the conflict can be read against it.
    let case = crate::cases::page::load_case(state, signed_in, id, "page").await?;
    let empty = crate::cases::events::EventFormState::empty();
    let shares = crate::sharing::pages::ShareForm::default();
    let mut page = crate::cases::page::case_page_view(
        state,
        signed_in,
        case.clone(),
        (empty, shares, Default::default()),
    )
    .await?;
    let closed_by = page.closure.closed_by.take();
    show_on_page(&mut page, &signed_in.user, &case, closed_by, &form);
    Ok((status, crate::ui::render(&page)).into_response())
}

/// `POST /cases/{id}/close`: closes the case with the reason and note typed.
pub async fn close_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let lang = signed_in.lang();
    version(&params)?;
    let request = match read_form(&params, lang) {
        Ok(request) => request,
        Err(error) => {
            let form = CloseFormState { params: Some(params), errors: vec![error], conflict: None };
            return rerender(&state, &signed_in, id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (user, now, case) = (signed_in.user.clone(), state.clock.now(), CaseId(id.clone()));
    let written = state
        .with_store(move |store| crate::cases::actions::close_case(store, &user, &case, &request, now))
        .await;
    let (status, form) = match written {
        Ok(_) => {
            tracing::info!(case = %id, "case closed");
            return Ok(Redirect::to(&format!("/cases/{id}")).into_response());
        }
        Err(WebError::Conflict(_)) => {
            let conflict = Some(lang.t("closure-conflict"));
            (StatusCode::CONFLICT, CloseFormState { params: Some(params), errors: Vec::new(), conflict })
        }
        Err(WebError::Field { problem, .. }) => {
            let error = FieldError { id: NOTE_FIELD.into(), message: lang.form_problem(&problem) };
            let form = CloseFormState { params: Some(params), errors: vec![error], conflict: None };
            (StatusCode::UNPROCESSABLE_ENTITY, form)
        }
        Err(other) => return Err(other),
    };
    rerender(&state, &signed_in, id, form, status).await
}

/// `POST /cases/{id}/reopen`: reopens the case in one action.
pub async fn reopen_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let expected = version(&params)?;
    let (user, now, case) = (signed_in.user.clone(), state.clock.now(), CaseId(id.clone()));
    let written = state
        .with_store(move |store| crate::cases::actions::reopen_case(store, &user, &case, expected, now))
        .await;
    match written {
        Ok(_) => {
            tracing::info!(case = %id, "case reopened");
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(WebError::Conflict(_)) => {
            let conflict = Some(signed_in.lang().t("closure-conflict"));
            let form = CloseFormState { params: None, errors: Vec::new(), conflict };
            rerender(&state, &signed_in, id, form, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}
