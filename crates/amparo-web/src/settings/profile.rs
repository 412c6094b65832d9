//! The organisation's profile, for administrators (`/settings/organisation`): its name, address,
//! phone, email and letter signature (a family letter prints them) and its time zone, in which every
//! time of day is shown and "today" is taken. A refused form is shown again as typed, each wrong
//! field named.

use amparo_domain::Problem;
use amparo_domain::org::UserRole;
use amparo_store::{Actor, OrganisationProfile, ProfileInput, StoreError, check_profile};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::FieldError;
use crate::ui::page::{Lang, Viewer};
use crate::ui::viewer;

/// The fields of the form, in the order the page shows them.
const FIELDS: [&str; 6] = ["name", "address", "phone", "email", "letter_signature", "time_zone"];

#[derive(Template)]
#[template(path = "settings_profile.html")]
pub struct ProfilePage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub form: ProfileInput,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    /// The time now, as every page shows times: what the chosen zone looks like.
    pub now_shown: String,
}

impl ProfilePage {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

fn admin_only(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.user.role == UserRole::Admin { Ok(()) } else { Err(WebError::Forbidden) }
}

fn as_typed(profile: OrganisationProfile) -> ProfileInput {
    ProfileInput {
        name: profile.name,
        address: profile.address,
        phone: profile.phone,
        email: profile.email,
        letter_signature: profile.letter_signature,
        time_zone: profile.time_zone.name().to_owned(),
    }
}

/// A refused field in the reader's language, its label first so the summary names it.
fn field_error(lang: Lang, error: &StoreError) -> Option<FieldError> {
    let StoreError::Field { path, problem } = error else { return None };
    let field = FIELDS.iter().find(|f| **f == path)?;
    let message = match problem {
        Problem::WrongFormat { .. } if *field == "time_zone" => lang.t("profile-error-time-zone"),
        Problem::WrongFormat { .. } => lang.t("profile-error-email"),
        other => lang.problem(other),
    };
    let label = lang.t(&format!("profile-{}", field.replace('_', "-")));
    Some(FieldError { id: (*field).to_owned(), message: format!("{label}: {message}") })
}

fn render(view: &ProfilePage, status: StatusCode) -> Response {
    (status, crate::ui::render(view)).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let org = signed_in.user.org_id.clone();
    let profile = state.with_store(move |store| store.organisation_profile(&org)).await?;
    let lang = signed_in.lang();
    let view = ProfilePage {
        lang,
        viewer: viewer(&signed_in),
        form: as_typed(profile),
        errors: Vec::new(),
        notice: Params(params).get("saved").map(|_| lang.t("profile-saved")),
        now_shown: lang.moment(state.clock.now()),
    };
    Ok(render(&view, StatusCode::OK))
}

pub async fn save(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let form = Params(form);
    let typed = ProfileInput {
        name: form.text("name"),
        address: form.text("address"),
        phone: form.text("phone"),
        email: form.text("email"),
        letter_signature: form.text("letter_signature"),
        time_zone: form.text("time_zone"),
    };
    let lang = signed_in.lang();
    let profile = match check_profile(&typed) {
        Ok(profile) => profile,
        Err(problems) => {
            let errors = problems.iter().filter_map(|p| field_error(lang, p)).collect();
            let view = ProfilePage {
                lang,
                viewer: viewer(&signed_in),
                form: typed,
                errors,
                notice: None,
                now_shown: lang.moment(state.clock.now()),
            };
            return Ok(render(&view, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let actor = Actor::of(&signed_in.user);
    let now = state.clock.now();
    state.with_store(move |store| store.set_organisation_profile_as(&actor, &profile, now)).await?;
    tracing::info!(user = %signed_in.user.id, "organisation profile saved");
    Ok(Redirect::to("/settings/organisation?saved=1").into_response())
}
