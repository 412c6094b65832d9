//! Sharing a case with clinicians from its page: the case page lists the clinicians it is shared
//! with, a form shares it with another clinician of the organisation, and a button next to each
//! stops sharing it. `POST /cases/{id}/shares` takes `clinician` (a user id) and `shared`
//! (`true` or `false`), as the API does; the store records the change in the audit trail.

use amparo_domain::org::UserRole;
use amparo_store::{CaseId, StoreError, User, UserId};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::http::access::{self, Permission};
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::Choice;
use crate::ui::page::Lang;

/// What the sharing section shows besides the shares themselves: a confirmation after a change,
/// or the problem with the last form and the clinician chosen in it.
#[derive(Default)]
pub struct ShareForm {
    pub notice: Option<String>,
    pub error: Option<String>,
    pub chosen: Option<String>,
}

impl ShareForm {
    /// The confirmation a redirect after a change asks for (`?sharing=shared|unshared`).
    pub fn after_redirect(params: &Params, lang: Lang) -> ShareForm {
        let notice = match params.get("sharing") {
            Some("shared") => Some(lang.t("share-notice-shared")),
            Some("unshared") => Some(lang.t("share-notice-unshared")),
            _ => None,
        };
        ShareForm { notice, ..ShareForm::default() }
    }
}

pub struct SharedWith {
    pub id: String,
    pub name: String,
}

/// The sharing section of the case page, for people who may share cases.
pub struct SharingView {
    pub shared: Vec<SharedWith>,
    /// Clinicians of the organisation the case is not shared with yet.
    pub choices: Vec<Choice>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// The section for `viewer`, or nothing when their role may not share cases.
pub fn view(viewer: &User, shares: &[UserId], users: &[User], form: ShareForm) -> Option<SharingView> {
    if !access::allows(viewer.role, Permission::ShareCases) {
        return None;
    }
    let name = |id: &UserId| {
        users.iter().find(|u| &u.id == id).map_or_else(|| id.as_str().to_owned(), |u| u.display_name.clone())
    };
    let shared = shares.iter().map(|id| SharedWith { id: id.as_str().to_owned(), name: name(id) }).collect();
    let choices = users
        .iter()
        .filter(|u| u.role == UserRole::Clinician && !shares.contains(&u.id))
        .map(|u| Choice {
            value: u.id.as_str().to_owned(),
            label: format!("{} ({})", u.display_name, u.email),
            selected: form.chosen.as_deref() == Some(u.id.as_str()),
        })
        .collect();
    Some(SharingView { shared, choices, notice: form.notice, error: form.error })
}

/// Why a share or un-share was refused, in words the form can show.
enum Refusal {
    NoCase,
    NoClinicianChosen,
    UnknownUser,
    NotClinician,
    AlreadyShared,
    NotShared,
}

impl Refusal {
    fn message(&self, lang: Lang) -> String {
        lang.t(match self {
            Refusal::NoCase => "error-not-found",
            Refusal::NoClinicianChosen => "share-error-choose",
            Refusal::UnknownUser => "share-error-unknown-user",
            Refusal::NotClinician => "share-error-not-clinician",
            Refusal::AlreadyShared => "share-error-already",
            Refusal::NotShared => "share-error-not-shared",
        })
    }
}

pub async fn set_shared(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let shared = match form.get("shared") {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => return Err(WebError::field("shared", amparo_domain::Problem::NotTrueFalse)),
    };
    let clinician = form.get("clinician").map(|c| UserId(c.to_owned()));
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(id.clone());
    let chosen = clinician.clone();
    let outcome = state
        .with_store(move |store| {
            let org = &user.org_id;
            if store.case(org, &case)?.is_none() {
                return Ok(Err(Refusal::NoCase));
            }
            let Some(clinician) = clinician else { return Ok(Err(Refusal::NoClinicianChosen)) };
            match store.user(org, &clinician)? {
                None => return Ok(Err(Refusal::UnknownUser)),
                Some(user) if user.role != UserRole::Clinician => return Ok(Err(Refusal::NotClinician)),
                Some(_) => {}
            }
            match crate::sharing::actions::set_shared(store, &user, &case, &clinician, shared, now) {
                Ok(()) => Ok(Ok(())),
                Err(StoreError::Duplicate(_)) => Ok(Err(Refusal::AlreadyShared)),
                // The case was checked above: what is missing now is the share.
                Err(StoreError::NotFound(_)) if !shared => Ok(Err(Refusal::NotShared)),
                Err(other) => Err(other),
            }
        })
        .await?;
    let refusal = match outcome {
        Ok(()) => {
            tracing::info!(case = %id, shared, "case sharing changed");
            let done = if shared { "shared" } else { "unshared" };
            return Ok(Redirect::to(&format!("/cases/{id}?sharing={done}#sharing")).into_response());
        }
        Err(Refusal::NoCase) => return Err(WebError::NotFound("case".into())),
        Err(refusal) => refusal,
    };
    let org = signed_in.user.org_id.clone();
    let lookup = CaseId(id);
    let current = state
        .with_store(move |store| store.case(&org, &lookup))
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    let share_form = ShareForm {
        notice: None,
        error: Some(refusal.message(signed_in.lang())),
        chosen: chosen.map(|c| c.0),
    };
    crate::cases::page::render_case_with(
        &state,
        &signed_in,
        current,
        crate::cases::events::EventFormState::empty(),
        share_form,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
