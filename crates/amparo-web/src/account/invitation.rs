//! Accepting an invitation (`/invite/{token}`): the invited person chooses the name they are shown
//! by and a password under the password policy, and is signed in. The link works once and until it
//! expires; a used, expired or mistyped link is refused with one message, so its state is not told.

use amparo_domain::org::UserRole;
use amparo_store::{Acceptance, INVALID_INVITATION, Invitation, SessionStage, StoreError};
use amparo_trust::password_policy::{self, PasswordContext};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::account::password_hash;
use crate::http::cookies;
use crate::http::error::WebError;
use crate::http::forgery::{self, GuardedForm};
use crate::http::scoped_token::{self, Scoped};
use crate::http::session::{ABSOLUTE_TIMEOUT, new_session, token_hash};
use crate::ui::form::FieldError;
use crate::ui::i18n::{self, Lang};

/// The longest name a member is shown by.
const MAX_NAME: usize = 200;

#[derive(Template)]
#[template(path = "invite.html")]
pub struct InvitePage {
    pub lang: Lang,
    pub form_token: String,
    pub token: String,
    pub email: String,
    pub role: String,
    pub name: String,
    pub min_len: usize,
    pub errors: Vec<FieldError>,
}

impl InvitePage {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

/// Invited administrators (and everyone, where the organisation requires it) set up a second factor
/// after signing in, so their password may be the shorter one; the policy is the same as sign-in's.
fn min_len() -> usize {
    PasswordContext::new(false).min_len()
}

async fn open_invitation(state: &AppState, token: &str) -> Result<Option<Invitation>, WebError> {
    // A link of the older form names no organisation: refused as a mistyped one.
    let Some(Scoped { org, hash }) = scoped_token::read(token) else { return Ok(None) };
    let now = state.clock.now();
    state.with_store(move |store| store.invitation(&org, &hash, now)).await
}

/// The refusal of a used, expired or mistyped link: one page for all three.
fn invalid_link(lang: Lang) -> Response {
    let page = crate::ui::page::ErrorPage {
        lang,
        status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
        heading: lang.t("invite-invalid-heading"),
        message: lang.t("invite-invalid"),
        detail: None,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&page)).into_response()
}

fn form_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    (token, invitation): (String, &Invitation),
    name: String,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let (form_token, cookie) = forgery::issue_sign_in_token(state.secure_cookies)?;
    let page = InvitePage {
        lang,
        form_token,
        token,
        email: invitation.email.clone(),
        role: lang.user_role(invitation.role),
        name,
        min_len: min_len(),
        errors,
    };
    Ok((status, [(SET_COOKIE, cookie)], crate::ui::render(&page)).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = i18n::from_request(&headers);
    let Some(invitation) = open_invitation(&state, &token).await? else { return Ok(invalid_link(lang)) };
    form_page(&state, lang, StatusCode::OK, (token, &invitation), String::new(), Vec::new())
}

#[derive(Deserialize)]
pub struct AcceptForm {
    name: String,
    password: String,
    confirm: String,
}

pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    GuardedForm(form): GuardedForm<AcceptForm>,
) -> Result<Response, WebError> {
    let lang = i18n::from_request(&headers);
    let Some(invitation) = open_invitation(&state, &token).await? else { return Ok(invalid_link(lang)) };
    let name = form.name.trim().to_owned();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        errors.push(FieldError { id: "name".into(), message: lang.t1("invite-error-name", "max", MAX_NAME) });
    }
    if form.password != form.confirm {
        errors.push(FieldError { id: "confirm".into(), message: lang.t("reset-differ") });
    } else if let Err(e) =
        password_policy::check(&form.password, &PasswordContext::new(false).with_email(&invitation.email))
    {
        errors.push(FieldError { id: "password".into(), message: lang.password_problem(&e) });
    }
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return form_page(&state, lang, status, (token, &invitation), name, errors);
    }
    let password = form.password;
    let new_hash = password_hash::off_executor(move || password_hash::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(WebError::Internal)?;
    let hash = token_hash(&token);
    let now = state.clock.now();
    let language = lang.0;
    let org = invitation.org_id.clone();
    let invited_to = invitation.org_id.clone();
    let accepted = state
        .with_store(move |store| {
            let person = Acceptance { display_name: &name, language, password_hash: &new_hash };
            // Used a moment ago by someone else (a second tab): refused like any spent link.
            let user = match store.accept_invitation(&invited_to, &hash, &person, now) {
                Err(StoreError::Invalid(message)) if message == INVALID_INVITATION => return Ok(None),
                other => other?,
            };
            Ok(Some((user, store.org_requires_second_factor(&org)?)))
        })
        .await?;
    let Some((user, org_requires)) = accepted else { return Ok(invalid_link(lang)) };
    tracing::info!(user = %user.id, "invitation accepted");
    // Signed in at once; an administrator (or everyone, where required) sets up a second factor first.
    let stage = if user.role == UserRole::Admin || org_requires {
        SessionStage::Enrolment
    } else {
        SessionStage::Complete
    };
    let (session_token, session) = new_session(&user, stage, now)?;
    state.with_store(move |store| store.create_session(&session)).await?;
    let to = if stage == SessionStage::Enrolment { "/account/security?required=1" } else { "/" };
    let cookies_set = [
        cookies::set(cookies::SESSION, &session_token, ABSOLUTE_TIMEOUT.num_seconds(), state.secure_cookies),
        forgery::clear_sign_in_token(state.secure_cookies),
        i18n::language_cookie(user.language, state.secure_cookies),
    ];
    let headers = AppendHeaders(cookies_set.into_iter().map(|cookie| (SET_COOKIE, cookie)));
    Ok((headers, Redirect::to(to)).into_response())
}
