//! Webhooks in the settings (`/settings/webhooks`), for administrators: the endpoints with their
//! events, a form to register one (its secret shown once, as made), pausing and resuming one,
//! removal, and each endpoint's delivery history (`/settings/webhooks/{id}`).

use amparo_store::webhooks::{
    WebhookDelivery, WebhookEndpoint, WebhookEndpointId, WebhookEvent, WebhookState,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::session::SignedIn;
use crate::ui::i18n::Lang;
use crate::ui::page::Viewer;
use crate::ui::viewer;

/// How many deliveries an endpoint's page lists.
const HISTORY: i64 = 100;

/// One endpoint as the page lists it.
pub struct EndpointView {
    pub id: String,
    pub url: String,
    pub events: String,
    pub created: String,
    /// Whether deliveries are queued for it (a paused one is told nothing until resumed).
    pub active: bool,
}

/// One event the form offers.
pub struct EventChoice {
    pub name: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    lang: Lang,
    viewer: Viewer,
    /// The secret of the endpoint just registered, shown this once.
    created: Option<String>,
    error: Option<String>,
    /// What was typed, kept when the form is refused.
    url: String,
    choices: Vec<EventChoice>,
    endpoints: Vec<EndpointView>,
}

/// One delivery as the history lists it.
pub struct DeliveryView {
    pub event: &'static str,
    pub state: String,
    pub attempts: i64,
    pub created: String,
    pub next: String,
    pub last_status: String,
    pub last_error: String,
}

#[derive(Template)]
#[template(path = "webhook_history.html")]
struct HistoryPage {
    lang: Lang,
    viewer: Viewer,
    endpoint: EndpointView,
    deliveries: Vec<DeliveryView>,
}

fn event_label(lang: Lang, event: WebhookEvent) -> String {
    lang.t(match event {
        WebhookEvent::CaseCreated => "webhooks-event-case-created",
        WebhookEvent::EventRecorded => "webhooks-event-event-recorded",
        WebhookEvent::EscalationOpened => "webhooks-event-escalation-opened",
        WebhookEvent::EscalationClosed => "webhooks-event-escalation-closed",
        WebhookEvent::TaskOverdue => "webhooks-event-task-overdue",
        WebhookEvent::DeadlineReminder => "webhooks-event-deadline-reminder",
    })
}

fn endpoint_view(lang: Lang, endpoint: &WebhookEndpoint) -> EndpointView {
    let events: Vec<String> = endpoint.events.iter().map(|e| event_label(lang, *e)).collect();
    EndpointView {
        id: endpoint.id.as_str().to_owned(),
        url: endpoint.url.clone(),
        events: events.join(", "),
        created: lang.moment(endpoint.created_at),
        active: endpoint.active,
    }
}

fn delivery_view(lang: Lang, delivery: &WebhookDelivery) -> DeliveryView {
    DeliveryView {
        event: delivery.event.as_str(),
        state: lang.t(match delivery.state {
            WebhookState::Pending => "webhooks-state-pending",
            WebhookState::Delivered => "webhooks-state-delivered",
            WebhookState::Failed => "webhooks-state-failed",
        }),
        attempts: delivery.attempts,
        created: lang.moment(delivery.created_at),
        next: match delivery.state {
            WebhookState::Pending => lang.moment(delivery.next_attempt_at),
            _ => String::new(),
        },
        last_status: delivery.last_status.map(|s| s.to_string()).unwrap_or_default(),
        last_error: delivery.last_error.clone().unwrap_or_default(),
    }
}

async fn show(
    state: &AppState,
    signed_in: &SignedIn,
    created: Option<String>,
    error: Option<String>,
    url: String,
) -> Result<Response, WebError> {
    let org = signed_in.user.org_id.clone();
    let endpoints = state.with_store(move |store| store.webhook_endpoints(&org)).await?;
    let lang = signed_in.lang();
    let page = WebhooksPage {
        lang,
        viewer: viewer(signed_in),
        created,
        error,
        url,
        choices: WebhookEvent::ALL
            .iter()
            .map(|e| EventChoice { name: e.as_str(), label: event_label(lang, *e) })
            .collect(),
        endpoints: endpoints.iter().map(|e| endpoint_view(lang, e)).collect(),
    };
    Ok(crate::ui::render(&page).into_response())
}

pub async fn webhooks(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    show(&state, &signed_in, None, None, String::new()).await
}

/// Registers an endpoint from the form and shows its secret once; a refused address or no event
/// chosen shows the form again with what was typed.
pub async fn add(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let url = form.iter().find(|(k, _)| k == "url").map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let events: Vec<WebhookEvent> =
        form.iter().filter(|(k, _)| k == "events").filter_map(|(_, v)| WebhookEvent::parse(v)).collect();
    match super::actions::register(&state, &signed_in.user, &url, &events).await {
        Ok((_, secret)) => show(&state, &signed_in, Some(secret), None, String::new()).await,
        Err(WebError::Invalid(message)) => show(&state, &signed_in, None, Some(message), url).await,
        Err(other) => Err(other),
    }
}

pub async fn remove(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (org, user, now) = (signed_in.user.org_id.clone(), signed_in.user.id.clone(), state.clock.now());
    state
        .with_store(move |store| {
            store.remove_webhook_endpoint(&org, &WebhookEndpointId(id), Some(&user), now)
        })
        .await?;
    Ok(Redirect::to("/settings/webhooks").into_response())
}

/// Pauses an endpoint: nothing is queued for it until it is resumed; its history stays.
pub async fn pause(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    form: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    set_active(state, signed_in, id, form, false).await
}

/// Resumes a paused endpoint: what happens from now on is queued for it again.
pub async fn resume(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    form: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    set_active(state, signed_in, id, form, true).await
}

async fn set_active(
    state: AppState,
    signed_in: SignedIn,
    id: String,
    _: GuardedForm<Vec<(String, String)>>,
    active: bool,
) -> Result<Response, WebError> {
    super::actions::set_active(&state, &signed_in.user, id, active).await?;
    Ok(Redirect::to("/settings/webhooks").into_response())
}

/// An endpoint's latest deliveries, newest first.
pub async fn history(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let org = signed_in.user.org_id.clone();
    let (endpoint, deliveries) = state
        .with_store(move |store| {
            let id = WebhookEndpointId(id);
            let Some(endpoint) = store.webhook_endpoint(&org, &id)? else { return Ok(None) };
            Ok(Some((endpoint, store.webhook_deliveries(&org, &id, HISTORY)?)))
        })
        .await?
        .ok_or_else(|| WebError::NotFound("webhook endpoint".into()))?;
    let lang = signed_in.lang();
    let page = HistoryPage {
        lang,
        viewer: viewer(&signed_in),
        endpoint: endpoint_view(lang, &endpoint),
        deliveries: deliveries.iter().map(|d| delivery_view(lang, d)).collect(),
    };
    Ok(crate::ui::render(&page).into_response())
}
