//! Webhooks: endpoints an organisation's administrators register for kinds of events, and the
//! outbox of deliveries to them.
//!
//! A delivery is queued by the transaction of the write that causes it ([`queue`]: a case created,
//! an event recorded, an escalation opened or closed) or by the daily pass (a task overdue, a
//! deadline reminder), so it exists exactly when its cause does. Its payload carries ids, kinds and
//! dates only — never a name, an A-number or any sealed value — and is fixed when queued. A worker
//! leases due deliveries (`outbox`), posts them and settles each one: delivered, retried later with
//! exponential backoff, or failed after [`MAX_ATTEMPTS`]. `endpoints` registers, lists and removes
//! endpoints, each change audited; an endpoint's signing secret is sealed at rest.

mod causes;
mod endpoints;
mod outbox;
mod queue;

use chrono::{DateTime, Duration, Utc};

pub(crate) use causes::{cases_created, daily};
pub use endpoints::check_url;
pub use outbox::{ClaimedDelivery, DeliveryClaim, DeliveryPage, WebhookAttempt};
pub(crate) use queue::{Cause, queue, queue_if_listened, reseal_all};

use crate::model::{OrgId, UserId};

id_type!(WebhookEndpointId, WebhookDeliveryId);

/// What an endpoint may be told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum WebhookEvent {
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

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 6] = [
        WebhookEvent::CaseCreated,
        WebhookEvent::EventRecorded,
        WebhookEvent::EscalationOpened,
        WebhookEvent::EscalationClosed,
        WebhookEvent::TaskOverdue,
        WebhookEvent::DeadlineReminder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::CaseCreated => "case.created",
            WebhookEvent::EventRecorded => "event.recorded",
            WebhookEvent::EscalationOpened => "escalation.opened",
            WebhookEvent::EscalationClosed => "escalation.closed",
            WebhookEvent::TaskOverdue => "task.overdue",
            WebhookEvent::DeadlineReminder => "deadline.reminder",
        }
    }

    pub fn parse(word: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.as_str() == word)
    }
}

/// A registered endpoint, without its secret.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookEndpoint {
    pub id: WebhookEndpointId,
    pub org_id: OrgId,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    /// Whether deliveries are queued for it; a paused endpoint keeps its history.
    pub active: bool,
    /// Who registered it; `None` for the operator on the command line.
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// An endpoint to register: the caller makes the secret and shows it once.
pub struct NewWebhookEndpoint<'a> {
    pub org: &'a OrgId,
    pub url: &'a str,
    pub secret: &'a str,
    pub events: &'a [WebhookEvent],
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookState {
    /// Waiting for its first attempt or for a retry.
    Pending,
    Delivered,
    /// Given up after [`MAX_ATTEMPTS`], or refused for good by the endpoint's address.
    Failed,
}

impl WebhookState {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookState::Pending => "pending",
            WebhookState::Delivered => "delivered",
            WebhookState::Failed => "failed",
        }
    }

    fn parse(word: &str) -> Option<WebhookState> {
        match word {
            "pending" => Some(WebhookState::Pending),
            "delivered" => Some(WebhookState::Delivered),
            "failed" => Some(WebhookState::Failed),
            _ => None,
        }
    }
}

/// One delivery as an endpoint's history shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookEndpointId,
    pub event: WebhookEvent,
    /// The JSON body posted: ids, kinds and dates only.
    pub payload: String,
    pub state: WebhookState,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    /// The HTTP status of the last attempt, when it got an answer.
    pub last_status: Option<i64>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Attempts a delivery gets before it fails for good.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long after its `attempt`-th failed attempt (from 1) a delivery is tried again: 30 seconds,
/// doubling each time, at most 6 hours (8 attempts span about an hour).
pub fn backoff(attempt: i64) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let seconds = 30_i64.saturating_mul(1_i64 << doublings);
    Duration::seconds(seconds.min(6 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(30), Duration::hours(6));
    }

    #[test]
    fn event_names_read_back() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
        assert_eq!(WebhookEvent::parse("case.deleted"), None);
    }
}
