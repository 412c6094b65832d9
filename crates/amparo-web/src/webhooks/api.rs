//! Webhooks through the API, for administrators: `GET /api/v1/webhooks` lists the endpoints,
//! `POST` registers one (its secret in the answer, this once), `GET /api/v1/webhooks/{id}` reads
//! one, `PATCH` pauses or resumes it, `DELETE` removes it, and
//! `GET /api/v1/webhooks/{id}/deliveries` is its delivery history.

use amparo_domain::objects::Object;
use amparo_store::webhooks::{WebhookDelivery, WebhookEndpoint, WebhookEndpointId, WebhookEvent};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::{GuardedJson, GuardedWrite};
use crate::http::input::Params;
use crate::http::paging::Paging;
use crate::http::session::SignedIn;

/// An event an endpoint may be told of.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
pub enum EventName {
    #[serde(rename = "case.created")]
    CaseCreated,
    #[serde(rename = "event.recorded")]
    EventRecorded,
    #[serde(rename = "escalation.opened")]
    EscalationOpened,
    #[serde(rename = "escalation.closed")]
    EscalationClosed,
    #[serde(rename = "task.overdue")]
    TaskOverdue,
    #[serde(rename = "deadline.reminder")]
    DeadlineReminder,
}

impl From<EventName> for WebhookEvent {
    fn from(name: EventName) -> WebhookEvent {
        match name {
            EventName::CaseCreated => WebhookEvent::CaseCreated,
            EventName::EventRecorded => WebhookEvent::EventRecorded,
            EventName::EscalationOpened => WebhookEvent::EscalationOpened,
            EventName::EscalationClosed => WebhookEvent::EscalationClosed,
            EventName::TaskOverdue => WebhookEvent::TaskOverdue,
            EventName::DeadlineReminder => WebhookEvent::DeadlineReminder,
        }
    }
}

impl From<WebhookEvent> for EventName {
    fn from(event: WebhookEvent) -> EventName {
        match event {
            WebhookEvent::CaseCreated => EventName::CaseCreated,
            WebhookEvent::EventRecorded => EventName::EventRecorded,
            WebhookEvent::EscalationOpened => EventName::EscalationOpened,
            WebhookEvent::EscalationClosed => EventName::EscalationClosed,
            WebhookEvent::TaskOverdue => EventName::TaskOverdue,
            WebhookEvent::DeadlineReminder => EventName::DeadlineReminder,
        }
    }
}

/// An endpoint to register.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "url": "https://hooks.example.org/amparo", "events": ["case.created", "escalation.opened"] }))]
pub struct WebhookRequest {
    /// `http` or `https`; a public address unless the server allows private ones.
    url: String,
    #[schema(min_items = 1)]
    events: Vec<EventName>,
}

/// A change to an endpoint: pause it (`false`) or resume it (`true`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "active": false }))]
pub struct WebhookChange {
    /// Whether deliveries are queued for it; a paused endpoint is told nothing of what happens
    /// while paused, and keeps its history.
    active: bool,
}

/// A registered endpoint (its secret is never shown again).
#[derive(Serialize, ToSchema)]
pub struct WebhookAnswer {
    id: String,
    url: String,
    events: Vec<EventName>,
    /// Whether deliveries are queued for it.
    active: bool,
    created_at: String,
    /// Who registered it; null for the operator on the command line.
    created_by: Option<String>,
}

/// An endpoint just registered, with the secret its deliveries are signed with: shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedWebhookAnswer {
    webhook: WebhookAnswer,
    /// `whsec_…`: the key of the HMAC-SHA256 in each delivery's `Amparo-Signature` header.
    secret: String,
}

/// The organisation's endpoints, oldest first.
#[derive(Serialize, ToSchema)]
pub struct WebhooksAnswer {
    items: Vec<WebhookAnswer>,
    #[serde(flatten)]
    paging: Paging,
}

/// One delivery of an endpoint.
#[derive(Serialize, ToSchema)]
pub struct DeliveryAnswer {
    id: String,
    event: EventName,
    /// `pending` (waiting for an attempt or a retry), `delivered` or `failed` (given up).
    #[schema(value_type = String, pattern = "^(pending|delivered|failed)$")]
    state: &'static str,
    attempts: i64,
    next_attempt_at: String,
    /// The HTTP status of the last attempt, when it got an answer.
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: String,
    finished_at: Option<String>,
    /// The body posted: ids, kinds and dates only.
    #[schema(value_type = crate::openapi::shapes::WebhookPayload)]
    payload: serde_json::Value,
}

/// A page of an endpoint's deliveries, newest first.
#[derive(Serialize, ToSchema)]
pub struct DeliveriesAnswer {
    items: Vec<DeliveryAnswer>,
    #[serde(flatten)]
    paging: Paging,
}

/// An endpoint removed.
#[derive(Serialize, ToSchema)]
pub struct RemovedAnswer {
    removed: bool,
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) fn webhook_json(endpoint: &WebhookEndpoint) -> WebhookAnswer {
    WebhookAnswer {
        id: endpoint.id.as_str().to_owned(),
        url: endpoint.url.clone(),
        events: endpoint.events.iter().copied().map(EventName::from).collect(),
        active: endpoint.active,
        created_at: time(endpoint.created_at),
        created_by: endpoint.created_by.as_ref().map(|u| u.as_str().to_owned()),
    }
}

fn delivery_json(delivery: &WebhookDelivery) -> DeliveryAnswer {
    DeliveryAnswer {
        id: delivery.id.as_str().to_owned(),
        event: delivery.event.into(),
        state: delivery.state.as_str(),
        attempts: delivery.attempts,
        next_attempt_at: time(delivery.next_attempt_at),
        last_status: delivery.last_status,
        last_error: delivery.last_error.clone(),
        created_at: time(delivery.created_at),
        finished_at: delivery.finished_at.map(time),
        payload: serde_json::from_str(&delivery.payload).unwrap_or(serde_json::Value::Null),
    }
}

pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    let org = signed_in.user.org_id.clone();
    let endpoints = state.with_store(move |store| store.webhook_endpoints(&org)).await?;
    let paging = Paging::whole(endpoints.len());
    Ok(Json(WebhooksAnswer { items: endpoints.iter().map(webhook_json).collect(), paging }).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedJson(Object(request)): GuardedJson<Object<WebhookRequest>>,
) -> Result<Response, ApiError> {
    let events: Vec<WebhookEvent> = request.events.into_iter().map(WebhookEvent::from).collect();
    let (endpoint, secret) = super::actions::register(&state, &signed_in.user, &request.url, &events).await?;
    let answer = CreatedWebhookAnswer { webhook: webhook_json(&endpoint), secret };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

pub async fn one(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let org = signed_in.user.org_id.clone();
    let endpoint = state
        .with_store(move |store| store.webhook_endpoint(&org, &WebhookEndpointId(id)))
        .await?
        .ok_or_else(|| WebError::NotFound("webhook endpoint".into()))?;
    Ok(Json(webhook_json(&endpoint)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(Object(change)): GuardedJson<Object<WebhookChange>>,
) -> Result<Response, ApiError> {
    let endpoint = super::actions::set_active(&state, &signed_in.user, id, change.active).await?;
    Ok(Json(webhook_json(&endpoint)).into_response())
}

pub async fn remove(
    State(state): State<AppState>,
    signed_in: SignedIn,
    _write: GuardedWrite,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    state
        .with_store(move |store| {
            store.remove_webhook_endpoint(&user.org_id, &WebhookEndpointId(id), Some(&user.id), now)
        })
        .await?;
    Ok(Json(RemovedAnswer { removed: true }).into_response())
}

pub async fn deliveries(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params(params);
    params.only(&["offset", "limit"])?;
    let offset = params.int("offset", 0, i64::MAX)?.unwrap_or(0);
    let limit = params.int("limit", 1, 500)?.unwrap_or(50);
    let org = signed_in.user.org_id.clone();
    let endpoint = WebhookEndpointId(id);
    let path = format!("/api/v1/webhooks/{}/deliveries", endpoint.as_str());
    let page = state
        .with_store(move |store| {
            if store.webhook_endpoint(&org, &endpoint)?.is_none() {
                return Ok(None);
            }
            store.webhook_delivery_page(&org, &endpoint, offset, limit).map(Some)
        })
        .await?
        .ok_or_else(|| WebError::NotFound("webhook endpoint".into()))?;
    let end = offset.saturating_add(limit);
    let paging = Paging::of(&path, &params, ("offset", end), end < page.total, page.total);
    let items = page.deliveries.iter().map(delivery_json).collect();
    Ok(Json(DeliveriesAnswer { items, paging }).into_response())
}
