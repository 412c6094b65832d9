//! Whether every member of the organisation needs a second factor, set from the settings page.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::session::SignedIn;

#[derive(Deserialize)]
pub struct RequirementForm {
    /// A checkbox: present when ticked.
    required: Option<String>,
}

/// Whether every member of the organisation needs a second factor (settings page).
pub async fn set_requirement(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<RequirementForm>,
) -> Result<Response, WebError> {
    let required = form.required.is_some();
    let (org, by, now) = (signed_in.user.org_id.clone(), signed_in.user.id.clone(), state.clock.now());
    state.with_store(move |store| store.set_second_factor_requirement(&org, required, &by, now)).await?;
    tracing::info!(by = %signed_in.user.id, required, "second-factor requirement set");
    Ok(Redirect::to("/settings?saved=1#second-factor").into_response())
}
