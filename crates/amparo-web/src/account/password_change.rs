//! Changing one's own password (`/account/password`): the current password, then a new one under the
//! password policy, typed twice. The store writes it and ends every other session of the person at
//! once; the one they are using stays open.

use amparo_trust::password_policy::{self, PasswordContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::account::password_hash;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::FieldError;
use crate::ui::page::{Lang, Viewer};
use crate::ui::viewer;

#[derive(Template)]
#[template(path = "password_change.html")]
pub struct PasswordChangePage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub min_len: usize,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
}

impl PasswordChangePage {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

/// The person's password hash and whether they have a second factor (a shorter password will do).
async fn current(state: &AppState, signed_in: &SignedIn) -> Result<(String, bool), WebError> {
    let email = signed_in.user.email.clone();
    state
        .with_store(move |store| {
            Ok(store.credentials_by_email(&email)?.map(|c| (c.password_hash, c.second_factor)))
        })
        .await?
        .ok_or(WebError::Unauthenticated)
}

fn page(
    signed_in: &SignedIn,
    second_factor: bool,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> PasswordChangePage {
    PasswordChangePage {
        lang: signed_in.lang(),
        viewer: viewer(signed_in),
        min_len: PasswordContext::new(second_factor).min_len(),
        errors,
        notice,
    }
}

pub async fn form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (_, second_factor) = current(&state, &signed_in).await?;
    let notice = Params(params).get("changed").map(|_| signed_in.lang().t("password-change-done"));
    Ok(crate::ui::render(&page(&signed_in, second_factor, Vec::new(), notice)).into_response())
}

#[derive(Deserialize)]
pub struct ChangeForm {
    current: String,
    password: String,
    confirm: String,
}

pub async fn submit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<ChangeForm>,
) -> Result<Response, WebError> {
    let lang = signed_in.lang();
    let (hash, second_factor) = current(&state, &signed_in).await?;
    let typed = form.current;
    let matches = password_hash::off_executor(move || password_hash::verify_password(&typed, &hash))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let error = |id: &str, message: String| vec![FieldError { id: id.to_owned(), message }];
    let refused = if !matches {
        Some(error("current", lang.t("password-change-wrong-current")))
    } else if form.password != form.confirm {
        Some(error("confirm", lang.t("reset-differ")))
    } else {
        let context = PasswordContext::new(second_factor).with_email(&signed_in.user.email);
        password_policy::check(&form.password, &context)
            .err()
            .map(|e| error("password", lang.password_problem(&e)))
    };
    if let Some(errors) = refused {
        let view = page(&signed_in, second_factor, errors, None);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&view)).into_response());
    }
    let password = form.password;
    let new_hash = password_hash::off_executor(move || password_hash::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(WebError::Internal)?;
    let (org, me) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    let keep = signed_in.token_hash.clone();
    let now = state.clock.now();
    let ended =
        state.with_store(move |store| store.change_own_password((&org, &me), &new_hash, &keep, now)).await?;
    tracing::info!(user = %signed_in.user.id, sessions = ended, "password changed");
    Ok(Redirect::to("/account/password?changed=1").into_response())
}
