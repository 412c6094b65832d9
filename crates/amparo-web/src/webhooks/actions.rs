//! The operations the settings page and the API share: registering an endpoint (its address
//! checked against the server's policy, its secret made here and handed back once), and pausing
//! or resuming one.

use amparo_store::webhooks::{WebhookEndpoint, WebhookEndpointId, WebhookEvent, check_url};
use amparo_store::{NewWebhookEndpoint, User};

use super::signature;
use crate::AppState;
use crate::http::error::WebError;

/// Registers an endpoint for `events` at `url`, by `user`; answers it with its new secret.
pub async fn register(
    state: &AppState,
    user: &User,
    url: &str,
    events: &[WebhookEvent],
) -> Result<(WebhookEndpoint, String), WebError> {
    let parsed = check_url(url)?;
    state.webhook_addresses.check_written(&parsed).map_err(|e| WebError::Invalid(e.to_string()))?;
    let secret = signature::new_secret().map_err(|e| WebError::Internal(format!("randomness: {e}")))?;
    let (user, url, events, now) = (user.clone(), parsed.to_string(), events.to_vec(), state.clock.now());
    let kept = secret.clone();
    let endpoint = state
        .with_store(move |store| {
            let new = NewWebhookEndpoint { org: &user.org_id, url: &url, secret: &kept, events: &events };
            store.create_webhook_endpoint(&new, Some(&user.id), now)
        })
        .await?;
    Ok((endpoint, secret))
}

/// Pauses (`active` false) or resumes an endpoint of `user`'s organisation, by `user`; answers it as
/// it now is. Another organisation's, or a removed one, is not found.
pub async fn set_active(
    state: &AppState,
    user: &User,
    id: String,
    active: bool,
) -> Result<WebhookEndpoint, WebError> {
    let (user, now) = (user.clone(), state.clock.now());
    state
        .with_store(move |store| {
            let id = WebhookEndpointId(id);
            store.set_webhook_active(&user.org_id, &id, active, Some(&user.id), now)?;
            store.webhook_endpoint(&user.org_id, &id)
        })
        .await?
        .ok_or_else(|| WebError::NotFound("webhook endpoint".into()))
}
