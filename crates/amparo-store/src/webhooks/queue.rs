//! Queuing deliveries in the caller's transaction: one row per endpoint subscribed to the event,
//! each with the same payload. A write with no endpoint to tell costs one indexed read.

use chrono::SecondsFormat;

use super::{WebhookDeliveryId, WebhookEvent};
use crate::columns::from_millis;
use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::OrgId;

pub(crate) use super::endpoints::reseal_all;

const SUBSCRIBED: &str = "SELECT id, events FROM webhook_endpoints \
     WHERE org_id = $1 AND active = 1 AND removed_at IS NULL ORDER BY id";
const INSERT_DELIVERY: &str = "INSERT INTO webhook_deliveries (org_id, id, endpoint_id, event_type, \
     dedupe_key, payload, state, attempts, next_attempt_at, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7) \
     ON CONFLICT (org_id, endpoint_id, dedupe_key) DO NOTHING";

const ANY_LISTENER: &str = "SELECT COUNT(*) FROM webhook_endpoints \
     WHERE org_id = $1 AND active = 1 AND removed_at IS NULL";

/// Whether any endpoint of `org` may be told anything (so that a large import with none builds
/// no causes).
pub(crate) fn has_listeners(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<bool> {
    Ok(tx.query_int(ANY_LISTENER, &[org.as_str().into()])? > 0)
}

/// Something that happened, as endpoints are told of it.
pub(crate) struct Cause {
    pub event: WebhookEvent,
    /// What it is about, unique per event (`task.overdue:<task id>`): told once per endpoint.
    pub dedupe_key: String,
    /// Ids, kinds and dates only: this is sent out of the organisation as it is.
    pub data: serde_json::Value,
}

impl Cause {
    pub(crate) fn new(event: WebhookEvent, about: &str, data: serde_json::Value) -> Cause {
        Cause { event, dedupe_key: format!("{}:{about}", event.as_str()), data }
    }
}

/// As [`queue`], for a write that knows already whether its organisation has an endpoint that
/// listens (read with its policy: see [`crate::policy::policy_and_today`]): with none, it reads
/// nothing more.
pub(crate) fn queue_if_listened(
    tx: &mut dyn Tx,
    org: &OrgId,
    listened: bool,
    causes: &[Cause],
    now_ms: i64,
) -> StoreResult<usize> {
    if !listened {
        return Ok(0);
    }
    queue(tx, org, causes, now_ms)
}

/// Queues a delivery of each cause to every active endpoint of `org` subscribed to its event;
/// returns how many were queued.
pub(crate) fn queue(tx: &mut dyn Tx, org: &OrgId, causes: &[Cause], now_ms: i64) -> StoreResult<usize> {
    if causes.is_empty() {
        return Ok(0);
    }
    let mut endpoints = Vec::new();
    for row in tx.query(SUBSCRIBED, &[org.as_str().into()])? {
        let events: Vec<WebhookEvent> = row.text(1)?.split(' ').filter_map(WebhookEvent::parse).collect();
        endpoints.push((row.text(0)?, events));
    }
    if endpoints.is_empty() {
        return Ok(0);
    }
    let created_at = from_millis(now_ms).to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut queued = 0;
    for cause in causes {
        let mut listeners = endpoints.iter().filter(|(_, events)| events.contains(&cause.event)).peekable();
        if listeners.peek().is_none() {
            continue;
        }
        // One id per event, the same at every endpoint, so a receiver can tell a retry from news.
        let payload = serde_json::json!({
            "id": WebhookDeliveryId::generate().as_str(),
            "type": cause.event.as_str(),
            "created_at": created_at,
            "organisation_id": org.as_str(),
            "data": cause.data,
        })
        .to_string();
        for (endpoint, _) in listeners {
            queued += tx.execute(
                INSERT_DELIVERY,
                &[
                    org.as_str().into(),
                    WebhookDeliveryId::generate().as_str().into(),
                    endpoint.as_str().into(),
                    cause.event.as_str().into(),
                    cause.dedupe_key.as_str().into(),
                    payload.as_str().into(),
                    now_ms.into(),
                ],
            )? as usize;
        }
    }
    Ok(queued)
}
