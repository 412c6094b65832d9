//! Plain data of notifications, their delivery and calendar feeds.

use amparo_domain::notice::NoticeKind;
use amparo_domain::{Date, Language};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{CaseId, OrgId, UserId};

id_type!(NotificationId, FeedId);

/// What a notice is about: references, kinds and dates only. Names, A-numbers and diagnoses are never
/// stored here, so no message rendered from it can carry them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoticeFacts {
    pub reference: Option<String>,
    pub deadline_kind: Option<String>,
    pub due: Option<Date>,
    /// For a deadline approaching: how many days ahead it was when the reminder was written.
    pub days_before: Option<u32>,
    pub trigger_kind: Option<String>,
    pub critical_care: bool,
    pub task_title_en: Option<String>,
    pub task_title_es: Option<String>,
    pub task_due_at: Option<DateTime<Utc>>,
    /// For an escalation: how many of its checklist tasks are the recipient's.
    pub tasks_for_you: u32,
    pub digest: Option<DigestFacts>,
}

/// One person's day: what is due on their cases.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DigestFacts {
    pub day: Option<Date>,
    /// The first deadlines of the coming week on the person's cases, soonest first.
    pub deadlines: Vec<DigestDeadline>,
    pub deadlines_total: u32,
    pub open_tasks: u32,
    pub overdue_tasks: u32,
    /// For admins: open cases with nobody assigned and a deadline within the week.
    pub unassigned_due: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigestDeadline {
    pub case_id: CaseId,
    pub reference: String,
    pub kind: String,
    pub due: Date,
}

/// Where a notice's email stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailState {
    Pending,
    Sent,
    Failed,
    Expired,
}

impl EmailState {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailState::Pending => "pending",
            EmailState::Sent => "sent",
            EmailState::Failed => "failed",
            EmailState::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<EmailState> {
        [EmailState::Pending, EmailState::Sent, EmailState::Failed, EmailState::Expired]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One notice as its recipient sees it in the app.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: NoticeKind,
    pub case_id: Option<CaseId>,
    pub facts: NoticeFacts,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub email: EmailState,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub unread: i64,
}

/// What the day's computation wrote (a second run on the same day writes nothing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DailyNotices {
    pub deadline_reminders: usize,
    pub overdue_tasks: usize,
    pub digests: usize,
}

/// A delivery worker asking for messages to send.
#[derive(Clone, Debug)]
pub struct OutboxClaim {
    /// Names the worker in leases and attempts (host and process).
    pub worker: String,
    pub now: DateTime<Utc>,
    /// How long the worker may hold a message before another may take it over; longer than a send.
    pub lease: Duration,
    pub limit: i64,
    /// Messages written before this are no longer worth emailing (a reminder weeks late) and expire.
    pub expire_before: DateTime<Utc>,
}

/// A message claimed for delivery, with what it takes to address and render it.
#[derive(Clone, Debug)]
pub struct OutboxMessage {
    pub id: NotificationId,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub email: String,
    pub language: Language,
    pub kind: NoticeKind,
    pub case_id: Option<CaseId>,
    pub facts: NoticeFacts,
    pub created_at: DateTime<Utc>,
    /// This attempt's number, from 1.
    pub attempt: i64,
    /// An earlier attempt was started and never finished: a crash may have come after the mail
    /// server accepted the message.
    pub interrupted_before: bool,
}

/// How one attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryResult {
    Sent,
    /// A transient failure: try again at `retry_at`.
    Deferred {
        error: String,
        retry_at: DateTime<Utc>,
    },
    /// A permanent refusal, or the last attempt: no more tries.
    Failed {
        error: String,
    },
}

#[derive(Clone, Debug)]
pub struct DeliveryOutcome {
    pub id: NotificationId,
    pub worker: String,
    pub attempt: i64,
    pub now: DateTime<Utc>,
    pub result: DeliveryResult,
}

/// One recorded attempt.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeliveryAttempt {
    pub attempt: i64,
    pub worker: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `None` while running, or when a crash interrupted it.
    pub outcome: Option<String>,
    pub error: Option<String>,
}

/// The outbox at a glance, for the admin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OutboxStatus {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    pub expired: i64,
}

/// A calendar subscription: a person's own feed, or a case's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarFeed {
    pub id: FeedId,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub case_id: Option<CaseId>,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A stored deadline as a calendar shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarDeadline {
    pub case_id: CaseId,
    pub reference: String,
    pub kind: String,
    pub person: Option<String>,
    pub rule: String,
    pub due: Date,
    /// Shown, marked advisory, but never an alarm (an asylum one-year date passed while paroled).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
}

/// What a feed holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarEntries {
    pub deadlines: Vec<CalendarDeadline>,
    pub tasks: Vec<crate::model::Task>,
}
