//! Email delivery of notices through an outbox: workers lease due messages, record each attempt,
//! and settle it; a lost lease makes the settlement void. Messages too old to send expire.

use amparo_domain::Language;

use crate::Store;
use crate::columns::{from_millis, millis};
use crate::db::Row;
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::notices::model::*;
use crate::notices::{facts_from_json, kind};

const EXPIRE_STALE: &str = "UPDATE notifications SET email_state = 'expired', lease_owner = NULL, \
     lease_until = NULL WHERE org_id = $1 AND email_state = 'pending' AND created_at < $2";
/// Messages due for an attempt whose lease (if any) has run out.
const CLAIMABLE: &str = "SELECT id FROM notifications WHERE org_id = $1 AND email_state = 'pending' \
     AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2) \
     ORDER BY next_attempt_at, id LIMIT $3";
/// Takes one message, unless another worker took it first (the condition is checked again under the
/// row's lock on PostgreSQL; SQLite writers are serialised).
const TAKE_LEASE: &str = "UPDATE notifications SET lease_owner = $3, lease_until = $4, attempts = attempts + 1 \
     WHERE org_id = $1 AND id = $2 AND email_state = 'pending' AND (lease_until IS NULL OR lease_until < $5)";
const CLAIMED_MESSAGE: &str = "SELECT n.id, n.user_id, u.email, u.language, n.kind, n.case_id, n.payload, \
     n.created_at, n.attempts FROM notifications n JOIN users u ON u.org_id = n.org_id AND u.id = n.user_id \
     WHERE n.org_id = $1 AND n.id = $2";
const INTERRUPTED_ATTEMPTS: &str = "SELECT COUNT(*) FROM notification_attempts \
     WHERE org_id = $1 AND notification_id = $2 AND finished_at IS NULL";
const START_ATTEMPT: &str = "INSERT INTO notification_attempts (org_id, notification_id, attempt, worker, \
     started_at) VALUES ($1, $2, $3, $4, $5)";
const FINISH_ATTEMPT: &str = "UPDATE notification_attempts SET finished_at = $4, outcome = $5, error = $6 \
     WHERE org_id = $1 AND notification_id = $2 AND attempt = $3";
/// Records the outcome if the worker still holds the message.
const SETTLE: &str = "UPDATE notifications SET email_state = $4, next_attempt_at = $5, sent_at = $6, \
     last_error = $7, lease_owner = NULL, lease_until = NULL \
     WHERE org_id = $1 AND id = $2 AND lease_owner = $3 AND email_state = 'pending'";
const SELECT_ATTEMPTS: &str = "SELECT attempt, worker, started_at, finished_at, outcome, error \
     FROM notification_attempts WHERE org_id = $1 AND notification_id = $2 ORDER BY attempt";
const OUTBOX_STATUS: &str =
    "SELECT email_state, COUNT(*) FROM notifications WHERE org_id = $1 GROUP BY email_state";

fn outbox_message(org: &OrgId, r: &Row, interrupted_before: bool) -> StoreResult<OutboxMessage> {
    let language = r.text(3)?;
    Ok(OutboxMessage {
        id: NotificationId(r.text(0)?),
        org_id: org.clone(),
        user_id: UserId(r.text(1)?),
        email: r.text(2)?,
        language: Language::parse(&language)
            .ok_or_else(|| StoreError::Backend(format!("stored language is not valid: {language:?}")))?,
        kind: kind(&r.text(4)?)?,
        case_id: r.opt_text(5)?.map(CaseId),
        facts: facts_from_json(&r.text(6)?)?,
        created_at: from_millis(r.int(7)?),
        attempt: r.int(8)?,
        interrupted_before,
    })
}

impl Store {
    /// Leases up to `claim.limit` messages due for an attempt and records each attempt as started.
    pub fn claim_outbox(&self, org: &OrgId, claim: &OutboxClaim) -> StoreResult<Vec<OutboxMessage>> {
        self.write(|tx| {
            let now = millis(claim.now);
            tx.execute(EXPIRE_STALE, &[org.as_str().into(), millis(claim.expire_before).into()])?;
            let candidates = tx
                .query(CLAIMABLE, &[org.as_str().into(), now.into(), claim.limit.clamp(1, 1000).into()])?
                .iter()
                .map(|r| r.text(0))
                .collect::<StoreResult<Vec<_>>>()?;
            let until = now + claim.lease.num_milliseconds();
            let mut claimed = Vec::new();
            for id in candidates {
                let taken = tx.execute(
                    TAKE_LEASE,
                    &[
                        org.as_str().into(),
                        id.as_str().into(),
                        claim.worker.as_str().into(),
                        until.into(),
                        now.into(),
                    ],
                )?;
                if taken == 0 {
                    continue;
                }
                let key = [org.as_str().into(), id.as_str().into()];
                let interrupted_before = tx.query_int(INTERRUPTED_ATTEMPTS, &key)? > 0;
                let row = tx
                    .query_opt(CLAIMED_MESSAGE, &key)?
                    .ok_or_else(|| StoreError::Backend("a claimed message vanished".into()))?;
                let message = outbox_message(org, &row, interrupted_before)?;
                tx.execute(
                    START_ATTEMPT,
                    &[
                        key[0].clone(),
                        key[1].clone(),
                        message.attempt.into(),
                        claim.worker.as_str().into(),
                        now.into(),
                    ],
                )?;
                claimed.push(message);
            }
            Ok(claimed)
        })
    }

    /// Records how an attempt ended; ignored when the worker's lease was lost to another worker.
    pub fn settle_delivery(&self, org: &OrgId, outcome: &DeliveryOutcome) -> StoreResult<bool> {
        self.write(|tx| {
            let now = millis(outcome.now);
            let (state, next, sent_at, error) = match &outcome.result {
                DeliveryResult::Sent => (EmailState::Sent, now, Some(now), None),
                DeliveryResult::Deferred { error, retry_at } => {
                    (EmailState::Pending, millis(*retry_at), None, Some(error.clone()))
                }
                DeliveryResult::Failed { error } => (EmailState::Failed, now, None, Some(error.clone())),
            };
            let settled = tx.execute(
                SETTLE,
                &[
                    org.as_str().into(),
                    outcome.id.as_str().into(),
                    outcome.worker.as_str().into(),
                    state.as_str().into(),
                    next.into(),
                    sent_at.into(),
                    error.clone().into(),
                ],
            )?;
            let label = match &outcome.result {
                DeliveryResult::Sent => "sent",
                DeliveryResult::Deferred { .. } => "deferred",
                DeliveryResult::Failed { .. } => "failed",
            };
            tx.execute(
                FINISH_ATTEMPT,
                &[
                    org.as_str().into(),
                    outcome.id.as_str().into(),
                    outcome.attempt.into(),
                    now.into(),
                    label.into(),
                    error.into(),
                ],
            )?;
            Ok(settled == 1)
        })
    }

    pub fn delivery_attempts(&self, org: &OrgId, id: &NotificationId) -> StoreResult<Vec<DeliveryAttempt>> {
        self.read(|tx| {
            tx.query(SELECT_ATTEMPTS, &[org.as_str().into(), id.as_str().into()])?
                .iter()
                .map(|r| {
                    Ok(DeliveryAttempt {
                        attempt: r.int(0)?,
                        worker: r.text(1)?,
                        started_at: from_millis(r.int(2)?),
                        finished_at: r.opt_int(3)?.map(from_millis),
                        outcome: r.opt_text(4)?,
                        error: r.opt_text(5)?,
                    })
                })
                .collect()
        })
    }

    pub fn outbox_status(&self, org: &OrgId) -> StoreResult<OutboxStatus> {
        self.read(|tx| {
            let mut status = OutboxStatus::default();
            for row in tx.query(OUTBOX_STATUS, &[org.as_str().into()])? {
                let count = row.int(1)?;
                match EmailState::parse(&row.text(0)?) {
                    Some(EmailState::Pending) => status.pending = count,
                    Some(EmailState::Sent) => status.sent = count,
                    Some(EmailState::Failed) => status.failed = count,
                    Some(EmailState::Expired) => status.expired = count,
                    None => {}
                }
            }
            Ok(status)
        })
    }
}
