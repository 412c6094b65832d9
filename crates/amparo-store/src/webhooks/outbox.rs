//! Delivering webhooks through the outbox: a worker leases due deliveries of active endpoints,
//! posts each and settles it; a settlement by a worker that lost its lease changes nothing. A
//! failed attempt is retried after [`backoff`](super::backoff) until [`MAX_ATTEMPTS`].

use amparo_trust::Secret;
use chrono::{DateTime, Duration, Utc};

use super::{
    MAX_ATTEMPTS, WebhookDelivery, WebhookDeliveryId, WebhookEndpointId, WebhookEvent, WebhookState, backoff,
};
use crate::Store;
use crate::columns::{corrupt, from_millis, millis};
use crate::db::{Row, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::OrgId;
use crate::security::seal::Field;

/// Deliveries due for an attempt, to an endpoint still active, whose lease (if any) ran out.
const CLAIMABLE: &str = "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e \
     ON e.org_id = d.org_id AND e.id = d.endpoint_id \
     WHERE d.org_id = $1 AND d.state = 'pending' AND d.next_attempt_at <= $2 \
     AND (d.lease_until IS NULL OR d.lease_until < $2) AND e.active = 1 AND e.removed_at IS NULL \
     ORDER BY d.next_attempt_at, d.id LIMIT $3";
/// Takes one delivery unless another worker took it first (checked again under the row's lock on
/// PostgreSQL; SQLite's writers are serialised).
const TAKE_LEASE: &str = "UPDATE webhook_deliveries SET lease_owner = $3, lease_until = $4, \
     attempts = attempts + 1 WHERE org_id = $1 AND id = $2 AND state = 'pending' \
     AND (lease_until IS NULL OR lease_until < $5)";
const CLAIMED: &str = "SELECT d.id, d.endpoint_id, e.url, e.secret, d.payload, d.attempts, d.event_type \
     FROM webhook_deliveries d JOIN webhook_endpoints e ON e.org_id = d.org_id AND e.id = d.endpoint_id \
     WHERE d.org_id = $1 AND d.id = $2";
const SETTLE: &str = "UPDATE webhook_deliveries SET state = $4, next_attempt_at = $5, finished_at = $6, \
     last_status = $7, last_error = $8, lease_owner = NULL, lease_until = NULL \
     WHERE org_id = $1 AND id = $2 AND lease_owner = $3 AND state = 'pending'";
const ATTEMPTS_SO_FAR: &str =
    "SELECT attempts, next_attempt_at FROM webhook_deliveries WHERE org_id = $1 AND id = $2";
const HISTORY: &str = "SELECT id, endpoint_id, event_type, payload, state, attempts, next_attempt_at, \
     last_status, last_error, created_at, finished_at FROM webhook_deliveries \
     WHERE org_id = $1 AND endpoint_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4";
const HISTORY_COUNT: &str = "SELECT COUNT(*) FROM webhook_deliveries WHERE org_id = $1 AND endpoint_id = $2";

/// A page of an endpoint's deliveries, newest first, and how many it has in all.
#[derive(Clone, Debug)]
pub struct DeliveryPage {
    pub deliveries: Vec<WebhookDelivery>,
    pub total: i64,
}

/// What a worker asks for.
pub struct DeliveryClaim {
    /// Names the worker in its leases.
    pub worker: String,
    pub now: DateTime<Utc>,
    /// How long the worker may take before another may try the same delivery.
    pub lease: Duration,
    pub limit: i64,
}

/// A delivery leased to a worker, with what it needs to post it.
pub struct ClaimedDelivery {
    pub id: WebhookDeliveryId,
    pub org_id: OrgId,
    pub endpoint_id: WebhookEndpointId,
    pub url: String,
    /// The endpoint's signing secret, opened.
    pub secret: Secret<String>,
    /// The JSON body to post, as queued.
    pub payload: String,
    /// The event it tells of (`case.created`…), as the payload's `type` says.
    pub event_type: String,
    /// Which attempt this is, from 1.
    pub attempt: i64,
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookAttempt {
    /// The endpoint answered 2xx.
    Delivered { status: i64 },
    /// Worth another try: the endpoint answered otherwise (`status`), or could not be reached.
    Failed { status: Option<i64>, error: String },
    /// Never worth another try: the endpoint's address is refused by the server's policy.
    Refused { error: String },
}

fn history_row(r: &Row) -> StoreResult<WebhookDelivery> {
    let event = r.text(2)?;
    let state = r.text(4)?;
    Ok(WebhookDelivery {
        id: WebhookDeliveryId(r.text(0)?),
        endpoint_id: WebhookEndpointId(r.text(1)?),
        event: WebhookEvent::parse(&event).ok_or_else(|| corrupt("webhook_deliveries.event_type", &event))?,
        payload: r.text(3)?,
        state: WebhookState::parse(&state).ok_or_else(|| corrupt("webhook_deliveries.state", &state))?,
        attempts: r.int(5)?,
        next_attempt_at: from_millis(r.int(6)?),
        last_status: r.opt_int(7)?,
        last_error: r.opt_text(8)?,
        created_at: from_millis(r.int(9)?),
        finished_at: r.opt_int(10)?.map(from_millis),
    })
}

impl Store {
    /// Leases up to `claim.limit` deliveries of `org` due for an attempt.
    pub fn claim_webhook_deliveries(
        &self,
        org: &OrgId,
        claim: &DeliveryClaim,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        self.write(|tx| {
            let now = millis(claim.now);
            let candidates = tx
                .query(CLAIMABLE, &[org.as_str().into(), now.into(), claim.limit.clamp(1, 1000).into()])?
                .iter()
                .map(|r| r.text(0))
                .collect::<StoreResult<Vec<_>>>()?;
            let until = now + claim.lease.num_milliseconds();
            let mut claimed = Vec::new();
            for id in candidates {
                let lease = [
                    org.as_str().into(),
                    id.as_str().into(),
                    claim.worker.as_str().into(),
                    until.into(),
                    now.into(),
                ];
                if tx.execute(TAKE_LEASE, &lease)? == 0 {
                    continue;
                }
                let row = tx
                    .query_opt(CLAIMED, &[org.as_str().into(), id.as_str().into()])?
                    .ok_or_else(|| StoreError::Backend("a claimed delivery vanished".into()))?;
                let endpoint = row.text(1)?;
                let secret =
                    self.sealer().open(Field::WebhookSecret, org.as_str(), &endpoint, &row.text(3)?)?;
                claimed.push(ClaimedDelivery {
                    id: WebhookDeliveryId(row.text(0)?),
                    org_id: org.clone(),
                    endpoint_id: WebhookEndpointId(endpoint),
                    url: row.text(2)?,
                    secret: Secret::new(secret),
                    payload: row.text(4)?,
                    attempt: row.int(5)?,
                    event_type: row.text(6)?,
                });
            }
            Ok(claimed)
        })
    }

    /// Records how a worker's attempt ended: delivered, retried after the backoff, or failed for
    /// good. Answers whether the worker still held the delivery (if not, nothing changed).
    pub fn settle_webhook_delivery(
        &self,
        org: &OrgId,
        id: &WebhookDeliveryId,
        worker: &str,
        outcome: &WebhookAttempt,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|tx| {
            let key = [org.as_str().into(), id.as_str().into()];
            let Some(row) = tx.query_opt(ATTEMPTS_SO_FAR, &key)? else {
                return Err(StoreError::NotFound("webhook delivery".into()));
            };
            let attempts = row.int(0)?;
            let now_ms = millis(now);
            let (state, next, finished, status, error) = match outcome {
                WebhookAttempt::Delivered { status } => {
                    (WebhookState::Delivered, now_ms, Some(now_ms), Some(*status), None)
                }
                WebhookAttempt::Failed { status, error } if attempts < MAX_ATTEMPTS => {
                    let retry = millis(now + backoff(attempts));
                    (WebhookState::Pending, retry, None, *status, Some(error.clone()))
                }
                WebhookAttempt::Failed { status, error } => {
                    (WebhookState::Failed, now_ms, Some(now_ms), *status, Some(error.clone()))
                }
                WebhookAttempt::Refused { error } => {
                    (WebhookState::Failed, now_ms, Some(now_ms), None, Some(error.clone()))
                }
            };
            let settled = tx.execute(
                SETTLE,
                &[
                    key[0].clone(),
                    key[1].clone(),
                    worker.into(),
                    state.as_str().into(),
                    next.into(),
                    finished.into(),
                    status.into(),
                    error.into(),
                ],
            )?;
            Ok(settled == 1)
        })
    }

    /// An endpoint's latest deliveries, newest first, at most `limit`.
    pub fn webhook_deliveries(
        &self,
        org: &OrgId,
        endpoint: &WebhookEndpointId,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDelivery>> {
        self.read(|tx| history(tx, org, endpoint, 0, limit))
    }

    /// `limit` of an endpoint's deliveries from the `offset`th newest, and how many it has, read
    /// in one snapshot so that the count and the page agree.
    pub fn webhook_delivery_page(
        &self,
        org: &OrgId,
        endpoint: &WebhookEndpointId,
        offset: i64,
        limit: i64,
    ) -> StoreResult<DeliveryPage> {
        self.read(|tx| {
            let total = tx
                .query_opt(HISTORY_COUNT, &[org.as_str().into(), endpoint.as_str().into()])?
                .map_or(Ok(0), |row| row.int(0))?;
            Ok(DeliveryPage { deliveries: history(tx, org, endpoint, offset, limit)?, total })
        })
    }
}

fn history(
    tx: &mut dyn Tx,
    org: &OrgId,
    endpoint: &WebhookEndpointId,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<WebhookDelivery>> {
    let args =
        [org.as_str().into(), endpoint.as_str().into(), limit.clamp(1, 1000).into(), offset.max(0).into()];
    tx.query(HISTORY, &args)?.iter().map(history_row).collect()
}
