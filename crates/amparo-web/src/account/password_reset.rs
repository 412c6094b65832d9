//! Password reset by an admin: the admin asks for a one-time link (`POST /api/v1/users/{id}/password-reset`)
//! and hands it to the person, who chooses a new password at `/reset/{token}`. The link lasts a day,
//! works once, and using it ends every session of the user.

use amparo_store::UserId;
use amparo_trust::password_policy::{self, PasswordContext};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::account::password_hash;
use crate::account::views::ResetPage;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::{self, GuardedForm, GuardedWrite};
use crate::http::scoped_token::{self, Scoped};
use crate::http::session::SignedIn;

/// How long a reset link works.
const LINK_LIFETIME: chrono::Duration = chrono::Duration::hours(24);

/// A one-time link for the person to set a new password, and when it expires.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ResetLinkAnswer {
    /// Site-relative: `/reset/{token}`.
    link: String,
    #[schema(value_type = String, format = DateTime)]
    expires_at: chrono::DateTime<chrono::Utc>,
}

pub async fn issue(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedWrite,
) -> Result<Response, ApiError> {
    let (token, Scoped { org, hash }) = scoped_token::issue(&signed_in.user.org_id)?;
    let by = signed_in.user.id.clone();
    let now = state.clock.now();
    let expires_at = now + LINK_LIFETIME;
    let user = UserId(id);
    state
        .with_store(move |store| store.issue_password_reset(&org, &user, &hash, Some(&by), now, expires_at))
        .await?;
    tracing::info!(by = %signed_in.user.id, "password reset link issued");
    Ok(Json(ResetLinkAnswer { link: format!("/reset/{token}"), expires_at }).into_response())
}

fn invalid_link() -> WebError {
    WebError::ResetLinkInvalid
}

fn form_page(
    state: &AppState,
    lang: crate::ui::i18n::Lang,
    status: StatusCode,
    token: String,
    (email, second_factor): (String, bool),
    error: Option<String>,
) -> Result<Response, WebError> {
    let (form_token, cookie) = forgery::issue_sign_in_token(state.secure_cookies)?;
    let min_len = PasswordContext::new(second_factor).min_len();
    let page = ResetPage { lang, form_token, token, email, error, min_len };
    Ok((status, [(SET_COOKIE, cookie)], crate::ui::render(&page)).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = crate::ui::i18n::from_request(&headers);
    let now = state.clock.now();
    let (user, second_factor) = reset_user(&state, &token, now).await?;
    form_page(&state, lang, StatusCode::OK, token, (user.email, second_factor), None)
}

/// The user a valid link is for, and whether they have a second factor (a shorter password will do).
async fn reset_user(
    state: &AppState,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(amparo_store::User, bool), WebError> {
    // A link of the older form names no organisation: refused as a mistyped one.
    let Scoped { org, hash } = scoped_token::read(token).ok_or_else(invalid_link)?;
    state
        .with_store(move |store| {
            let Some(user) = store.password_reset_user(&org, &hash, now)? else { return Ok(None) };
            let factor = store.second_factor(&user.org_id, &user.id)?.is_some_and(|f| f.confirmed);
            Ok(Some((user, factor)))
        })
        .await?
        .ok_or_else(invalid_link)
}

#[derive(Deserialize)]
pub struct ResetForm {
    password: String,
    confirm: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    GuardedForm(form): GuardedForm<ResetForm>,
) -> Result<Response, WebError> {
    let now = state.clock.now();
    let (user, second_factor) = reset_user(&state, &token, now).await?;
    let lang = crate::ui::i18n::from_request(&headers);
    let refused = if form.password != form.confirm {
        Some(lang.t("reset-differ"))
    } else {
        let context = PasswordContext::new(second_factor).with_email(&user.email);
        password_policy::check(&form.password, &context).err().map(|e| lang.password_problem(&e))
    };
    if let Some(error) = refused {
        let shown = (user.email, second_factor);
        return form_page(&state, lang, StatusCode::UNPROCESSABLE_ENTITY, token, shown, Some(error));
    }
    let password_text = form.password;
    let new_hash = password_hash::off_executor(move || password_hash::hash_password(&password_text))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(WebError::Internal)?;
    let Scoped { org, hash } = scoped_token::read(&token).ok_or_else(invalid_link)?;
    let user =
        state.with_store(move |store| store.complete_password_reset(&org, &hash, &new_hash, now)).await?;
    tracing::info!(user = %user.id, "password reset");
    Ok(Redirect::to("/login?reset=1").into_response())
}
