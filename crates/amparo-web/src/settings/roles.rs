//! Changing a member's role from the settings page (administrators only):
//! `POST /settings/users/{id}/role` with `role`. The store ends the member's sessions, so they sign
//! in again under the new role (an administrator then sets up a second factor first, as sign-in
//! requires), records the change, and refuses to leave the organisation without an administrator.

use amparo_domain::org::UserRole;
use amparo_store::{LAST_ADMIN, RoleActor, StoreError, UserId};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::FieldError;

/// The id of a staff row's role select, which errors point to.
fn field(user: &str) -> String {
    format!("role-{user}")
}

pub async fn set_role(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let lang = signed_in.lang();
    let org = signed_in.user.org_id.clone();
    let user = UserId(id.clone());
    let lookup = (org.clone(), user.clone());
    let member = state
        .with_store(move |store| store.user(&lookup.0, &lookup.1))
        .await?
        .ok_or_else(|| WebError::NotFound("user".into()))?;
    let Some(role) = form.get("role").and_then(UserRole::parse) else {
        let message = lang.t("settings-role-error-unknown");
        return refuse(&state, &signed_in, FieldError { id: field(&id), message }).await;
    };
    let actor = signed_in.user.id.clone();
    let session = signed_in.token_hash.clone();
    let now = state.clock.now();
    let changed = state
        .with_store(move |store| {
            let by = RoleActor { user: Some(&actor), session: Some(&session) };
            match store.set_user_role(&org, &user, role, by, now) {
                Err(StoreError::Invalid(message)) if message == LAST_ADMIN => Ok(None),
                other => other.map(Some),
            }
        })
        .await?;
    let Some(change) = changed else {
        let message = lang.t1("settings-role-error-last-admin", "name", member.display_name.as_str());
        return refuse(&state, &signed_in, FieldError { id: field(&id), message }).await;
    };
    tracing::info!(
        user = %id,
        old = change.old.as_str(),
        new = change.new.as_str(),
        sessions = change.sessions_ended,
        "role changed"
    );
    // An administrator who gave up the role may no longer open the settings.
    if member.id == signed_in.user.id && role != UserRole::Admin {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(Redirect::to(&format!("/settings?role_changed={id}#staff")).into_response())
}

/// The settings page again, with the role change's problem on the member's row.
async fn refuse(state: &AppState, signed_in: &SignedIn, error: FieldError) -> Result<Response, WebError> {
    let mut view = crate::settings::page::page(state, signed_in, None, vec![error], None).await?;
    view.errors_heading = signed_in.lang().t("settings-role-error-summary");
    Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&view)).into_response())
}

/// The confirmation shown after a member's role was changed: who, and their role now.
pub(crate) async fn notice(
    state: &AppState,
    signed_in: &SignedIn,
    changed: &str,
) -> Result<Option<String>, WebError> {
    let org = signed_in.user.org_id.clone();
    let user = UserId(changed.to_owned());
    let member = state.with_store(move |store| store.user(&org, &user)).await?;
    let lang = signed_in.lang();
    Ok(member.map(|m| {
        lang.t2("settings-role-changed", "name", m.display_name.as_str(), "role", lang.user_role(m.role))
    }))
}
