//! Notifications, their email delivery and calendar feeds: the [`Notices`] half of the store.
//!
//! Notices caused by a write (an escalation opened, a task given to someone) are inserted by that
//! write's own transaction, so they exist exactly when what caused them does. The day's notices
//! (deadlines approaching, tasks overdue, the digest) are computed by [`Notices::record_daily_notices`].
//! Every notice carries a key unique per person, so writing it twice writes it once.

use std::collections::{BTreeMap, HashSet};

use amparo_domain::notice::{self, NoticeKind};
use amparo_domain::org::UserRole;
use amparo_domain::{Date, DeadlineKind, Language};
use chrono::{DateTime, Utc};

use crate::db::{Row, Tx};
use crate::engine::Engine;
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::notice_model::*;
use crate::notice_sql as sql;
use crate::records::{self, from_millis, millis};

/// How far ahead the digest looks.
pub const DIGEST_DAYS: u32 = 7;
/// How many deadlines the digest lists by name; the rest are counted.
const DIGEST_LIST: usize = 20;

/// Notifications, delivery and calendar feeds. Part of every [`crate::Store`].
pub trait Notices {
    /// Writes the day's notices: reminders of deadlines the policy's offsets reach today, tasks that
    /// became overdue, and each person's digest. Running it again the same day writes nothing.
    fn record_daily_notices(&self, org: &OrgId, today: Date, now: DateTime<Utc>)
    -> StoreResult<DailyNotices>;
    /// A person's notices, newest first, with how many are unread.
    fn notifications(&self, org: &OrgId, user: &UserId, limit: i64) -> StoreResult<NotificationPage>;
    /// Marks one of the person's notices read (`Some`), or all of them; another person's is not found.
    fn mark_read(
        &self,
        org: &OrgId,
        user: &UserId,
        id: Option<&NotificationId>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;

    /// Leases up to `claim.limit` messages due for an attempt and records each attempt as started.
    fn claim_outbox(&self, org: &OrgId, claim: &OutboxClaim) -> StoreResult<Vec<OutboxMessage>>;
    /// Records how an attempt ended; ignored when the worker's lease was lost to another worker.
    fn settle_delivery(&self, org: &OrgId, outcome: &DeliveryOutcome) -> StoreResult<bool>;
    fn delivery_attempts(&self, org: &OrgId, id: &NotificationId) -> StoreResult<Vec<DeliveryAttempt>>;
    fn outbox_status(&self, org: &OrgId) -> StoreResult<OutboxStatus>;

    /// A new calendar feed: the person's own (`case` `None`) or a case's; only the token's hash is
    /// given and kept.
    fn create_calendar_feed(
        &self,
        org: &OrgId,
        user: &UserId,
        case: Option<&CaseId>,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<CalendarFeed>;
    fn calendar_feeds(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<CalendarFeed>>;
    fn revoke_calendar_feed(
        &self,
        org: &OrgId,
        user: &UserId,
        id: &FeedId,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The feed a secret URL names, revoked or not (across organisations: a token names one feed).
    fn calendar_feed_by_token(&self, token_hash: &str) -> StoreResult<Option<CalendarFeed>>;
    /// The deadlines and tasks a feed shows.
    fn calendar_entries(&self, feed: &CalendarFeed) -> StoreResult<CalendarEntries>;
}

impl<E: Engine> Notices for E {
    fn record_daily_notices(
        &self,
        org: &OrgId,
        today: Date,
        now: DateTime<Utc>,
    ) -> StoreResult<DailyNotices> {
        self.write(|tx| {
            let policy = crate::shared::load_policy(tx, org)?;
            let offsets = policy.reminder_offsets().map_err(StoreError::Invalid)?;
            Ok(DailyNotices {
                deadline_reminders: deadline_reminders(tx, org, today, &offsets, millis(now))?,
                overdue_tasks: overdue_tasks(tx, org, millis(now))?,
                digests: digests(tx, org, today, millis(now))?,
            })
        })
    }

    fn notifications(&self, org: &OrgId, user: &UserId, limit: i64) -> StoreResult<NotificationPage> {
        self.read(|tx| {
            let key = [org.as_str().into(), user.as_str().into()];
            let unread = tx.query_int(sql::COUNT_UNREAD, &key)?;
            let items = tx
                .query(
                    &sql::select_notifications(),
                    &[key[0].clone(), key[1].clone(), limit.clamp(1, 500).into()],
                )?
                .iter()
                .map(notification_from_row)
                .collect::<StoreResult<_>>()?;
            Ok(NotificationPage { items, unread })
        })
    }

    fn mark_read(
        &self,
        org: &OrgId,
        user: &UserId,
        id: Option<&NotificationId>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.write(|tx| match id {
            Some(id) => {
                let key = [org.as_str().into(), user.as_str().into(), id.as_str().into()];
                if tx.query_opt(sql::NOTIFICATION_OF_USER, &key)?.is_none() {
                    return Err(StoreError::NotFound("notification".into()));
                }
                Ok(tx.execute(
                    sql::MARK_READ,
                    &[key[0].clone(), key[1].clone(), key[2].clone(), millis(now).into()],
                )?)
            }
            None => Ok(tx.execute(
                sql::MARK_ALL_READ,
                &[org.as_str().into(), user.as_str().into(), millis(now).into()],
            )?),
        })
    }

    fn claim_outbox(&self, org: &OrgId, claim: &OutboxClaim) -> StoreResult<Vec<OutboxMessage>> {
        self.write(|tx| {
            let now = millis(claim.now);
            tx.execute(sql::EXPIRE_STALE, &[org.as_str().into(), millis(claim.expire_before).into()])?;
            let candidates = tx
                .query(sql::CLAIMABLE, &[org.as_str().into(), now.into(), claim.limit.clamp(1, 1000).into()])?
                .iter()
                .map(|r| r.text(0))
                .collect::<StoreResult<Vec<_>>>()?;
            let until = now + claim.lease.num_milliseconds();
            let mut claimed = Vec::new();
            for id in candidates {
                let taken = tx.execute(
                    sql::TAKE_LEASE,
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
                let interrupted_before = tx.query_int(sql::INTERRUPTED_ATTEMPTS, &key)? > 0;
                let row = tx
                    .query_opt(sql::CLAIMED_MESSAGE, &key)?
                    .ok_or_else(|| StoreError::Backend("a claimed message vanished".into()))?;
                let message = outbox_message(org, &row, interrupted_before)?;
                tx.execute(
                    sql::START_ATTEMPT,
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

    fn settle_delivery(&self, org: &OrgId, outcome: &DeliveryOutcome) -> StoreResult<bool> {
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
                sql::SETTLE,
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
                sql::FINISH_ATTEMPT,
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

    fn delivery_attempts(&self, org: &OrgId, id: &NotificationId) -> StoreResult<Vec<DeliveryAttempt>> {
        self.read(|tx| {
            tx.query(sql::SELECT_ATTEMPTS, &[org.as_str().into(), id.as_str().into()])?
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

    fn outbox_status(&self, org: &OrgId) -> StoreResult<OutboxStatus> {
        self.read(|tx| {
            let mut status = OutboxStatus::default();
            for row in tx.query(sql::OUTBOX_STATUS, &[org.as_str().into()])? {
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

    fn create_calendar_feed(
        &self,
        org: &OrgId,
        user: &UserId,
        case: Option<&CaseId>,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<CalendarFeed> {
        self.write(|tx| {
            let reference = match case {
                Some(case) => Some(case_reference(tx, org, case)?),
                None => None,
            };
            let id = FeedId::generate();
            tx.execute(
                sql::INSERT_FEED,
                &[
                    org.as_str().into(),
                    id.as_str().into(),
                    token_hash.into(),
                    user.as_str().into(),
                    case.map(CaseId::as_str).into(),
                    millis(now).into(),
                ],
            )?;
            Ok(CalendarFeed {
                id,
                org_id: org.clone(),
                user_id: user.clone(),
                case_id: case.cloned(),
                reference,
                created_at: from_millis(millis(now)),
                revoked_at: None,
            })
        })
    }

    fn calendar_feeds(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<CalendarFeed>> {
        self.read(|tx| {
            tx.query(&sql::select_feeds(), &[org.as_str().into(), user.as_str().into()])?
                .iter()
                .map(feed_from_row)
                .collect()
        })
    }

    fn revoke_calendar_feed(
        &self,
        org: &OrgId,
        user: &UserId,
        id: &FeedId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            let key = [org.as_str().into(), user.as_str().into(), id.as_str().into()];
            if tx.query_opt(sql::FEED_OF_USER, &key)?.is_none() {
                return Err(StoreError::NotFound("calendar feed".into()));
            }
            tx.execute(
                sql::REVOKE_FEED,
                &[key[0].clone(), key[1].clone(), key[2].clone(), millis(now).into()],
            )?;
            Ok(())
        })
    }

    fn calendar_feed_by_token(&self, token_hash: &str) -> StoreResult<Option<CalendarFeed>> {
        self.read(|tx| {
            tx.query_opt(&sql::select_feed_by_token(), &[token_hash.into()])?
                .as_ref()
                .map(feed_from_row)
                .transpose()
        })
    }

    fn calendar_entries(&self, feed: &CalendarFeed) -> StoreResult<CalendarEntries> {
        self.read(|tx| {
            let org = &feed.org_id;
            let (deadline_rows, tasks) = match &feed.case_id {
                Some(case) => {
                    let key = [org.as_str().into(), case.as_str().into()];
                    let tasks = crate::triage::case_tasks(tx, org, case)?;
                    (tx.query(sql::CASE_DEADLINES, &key)?, tasks)
                }
                None => {
                    let key = [org.as_str().into(), feed.user_id.as_str().into()];
                    let tasks = crate::triage::open_tasks(tx, org, &feed.user_id)?;
                    (tx.query(sql::USER_DEADLINES, &key)?, tasks)
                }
            };
            let mut seen = HashSet::new();
            let mut deadlines = Vec::new();
            for row in &deadline_rows {
                let deadline = CalendarDeadline {
                    case_id: CaseId(row.text(0)?),
                    reference: row.text(1)?,
                    kind: row.text(2)?,
                    person: row.opt_text(3)?,
                    rule: row.text(4)?,
                    due: records::stored_date(&row.text(5)?)?,
                };
                // A person on a case in two roles would see its deadlines twice.
                if seen.insert((
                    deadline.case_id.clone(),
                    deadline.kind.clone(),
                    deadline.person.clone(),
                    deadline.due,
                )) {
                    deadlines.push(deadline);
                }
            }
            Ok(CalendarEntries { deadlines, tasks })
        })
    }
}

fn case_reference(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<String> {
    tx.query_opt(sql::CASE_REFERENCE, &[org.as_str().into(), case.as_str().into()])?
        .ok_or_else(|| StoreError::NotFound("case".into()))?
        .text(0)
}

/// One notice for one person; returns whether it was new.
struct NewNotice<'a> {
    user: &'a str,
    kind: NoticeKind,
    case: Option<&'a str>,
    dedupe_key: String,
    facts: NoticeFacts,
}

fn insert(tx: &mut dyn Tx, org: &OrgId, notice: NewNotice, now_ms: i64) -> StoreResult<bool> {
    let payload = serde_json::to_string(&notice.facts)?;
    Ok(tx.execute(
        sql::INSERT_NOTIFICATION,
        &[
            org.as_str().into(),
            NotificationId::generate().0.into(),
            notice.user.into(),
            notice.kind.as_str().into(),
            notice.case.into(),
            notice.dedupe_key.into(),
            payload.into(),
            now_ms.into(),
        ],
    )? == 1)
}

/// Tells the staff on a case that an escalation opened, in the transaction that opened it. Owners
/// of its checklist tasks learn how many are theirs in the same message (one message, not one per
/// task).
pub(crate) fn escalation_opened(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    escalation: &EscalationId,
    trigger: &amparo_domain::Trigger,
    staff: &[Assignment],
    tasks_by_role: &[UserRole],
    now_ms: i64,
) -> StoreResult<()> {
    if staff.is_empty() {
        return Ok(());
    }
    let reference = case_reference(tx, org, case)?;
    let roles = notice::escalation_recipients(trigger.critical_care);
    for assignment in staff.iter().filter(|a| roles.contains(&a.role)) {
        let tasks_for_you = staff
            .iter()
            .filter(|a| a.user_id == assignment.user_id)
            .map(|a| tasks_by_role.iter().filter(|r| **r == a.role).count() as u32)
            .sum();
        let facts = NoticeFacts {
            reference: Some(reference.clone()),
            trigger_kind: Some(trigger.kind.as_str().to_owned()),
            due: Some(trigger.event_on),
            critical_care: trigger.critical_care,
            tasks_for_you,
            ..NoticeFacts::default()
        };
        let notice = NewNotice {
            user: assignment.user_id.as_str(),
            kind: NoticeKind::EscalationOpened,
            case: Some(case.as_str()),
            dedupe_key: format!("escalation:{escalation}"),
            facts,
        };
        insert(tx, org, notice, now_ms)?;
    }
    Ok(())
}

/// The open tasks of `role` on a case that nobody owns: an assignment is about to give them out.
pub(crate) fn unowned_tasks(
    tx: &mut dyn Tx,
    org: &OrgId,
    case: &CaseId,
    role: UserRole,
) -> StoreResult<Vec<TaskId>> {
    tx.query(sql::UNOWNED_TASKS, &[org.as_str().into(), case.as_str().into(), role.as_str().into()])?
        .iter()
        .map(|r| r.text(0).map(TaskId))
        .collect()
}

/// Tells a person a task is now theirs, in the transaction that gave it to them.
pub(crate) fn task_assigned(
    tx: &mut dyn Tx,
    org: &OrgId,
    task: &TaskId,
    owner: &UserId,
    now_ms: i64,
) -> StoreResult<()> {
    let Some(row) = tx.query_opt(sql::TASK_FOR_NOTICE, &[org.as_str().into(), task.as_str().into()])? else {
        return Err(StoreError::NotFound("task".into()));
    };
    if row.opt_int(5)?.is_some() {
        return Ok(()); // done already: nothing to act on
    }
    let case = row.text(0)?;
    let facts = NoticeFacts {
        reference: Some(row.text(1)?),
        task_title_en: Some(row.text(2)?),
        task_title_es: Some(row.text(3)?),
        task_due_at: Some(from_millis(row.int(4)?)),
        ..NoticeFacts::default()
    };
    let notice = NewNotice {
        user: owner.as_str(),
        kind: NoticeKind::TaskAssigned,
        case: Some(&case),
        dedupe_key: format!("task-assigned:{task}"),
        facts,
    };
    insert(tx, org, notice, now_ms)?;
    Ok(())
}

fn deadline_reminders(
    tx: &mut dyn Tx,
    org: &OrgId,
    today: Date,
    offsets: &[u32],
    now_ms: i64,
) -> StoreResult<usize> {
    let mut written = 0;
    for days in offsets {
        let due = today.add_days(i64::from(*days));
        for row in tx.query(sql::DEADLINES_ON_WITH_STAFF, &[org.as_str().into(), due.to_string().into()])? {
            let kind = row.text(2)?;
            let role = UserRole::parse(&row.text(6)?);
            let roles = notice::deadline_recipients(DeadlineKind::parse(&kind));
            if !role.is_some_and(|r| roles.contains(&r)) {
                continue;
            }
            let case = row.text(0)?;
            let user = row.text(7)?;
            let facts = NoticeFacts {
                reference: Some(row.text(1)?),
                deadline_kind: Some(kind.clone()),
                due: Some(due),
                days_before: Some(*days),
                ..NoticeFacts::default()
            };
            let notice = NewNotice {
                user: &user,
                kind: NoticeKind::DeadlineApproaching,
                case: Some(&case),
                // One reminder per case, kind and day: each family member's parole ending the same
                // day is one thing to act on, not several.
                dedupe_key: format!("deadline:{case}:{kind}:{due}:{days}"),
                facts,
            };
            written += usize::from(insert(tx, org, notice, now_ms)?);
        }
    }
    Ok(written)
}

fn overdue_tasks(tx: &mut dyn Tx, org: &OrgId, now_ms: i64) -> StoreResult<usize> {
    let mut written = 0;
    for row in tx.query(sql::OVERDUE_TASKS, &[org.as_str().into(), now_ms.into()])? {
        let task = row.text(0)?;
        let case = row.text(1)?;
        let owner = row.text(3)?;
        let facts = NoticeFacts {
            reference: Some(row.text(2)?),
            task_title_en: Some(row.text(4)?),
            task_title_es: Some(row.text(5)?),
            task_due_at: Some(from_millis(row.int(6)?)),
            ..NoticeFacts::default()
        };
        let notice = NewNotice {
            user: &owner,
            kind: NoticeKind::TaskOverdue,
            case: Some(&case),
            dedupe_key: format!("task-overdue:{task}"),
            facts,
        };
        written += usize::from(insert(tx, org, notice, now_ms)?);
    }
    Ok(written)
}

fn digests(tx: &mut dyn Tx, org: &OrgId, today: Date, now_ms: i64) -> StoreResult<usize> {
    let until = today.add_days(i64::from(DIGEST_DAYS));
    let range = [org.as_str().into(), today.to_string().into(), until.to_string().into()];
    let mut digests: BTreeMap<String, DigestFacts> = BTreeMap::new();
    let mut seen = HashSet::new();
    for row in tx.query(sql::DIGEST_DEADLINES, &range)? {
        // The digest lists what the person would be reminded of: clinicians, medical dates only.
        let roles = notice::deadline_recipients(DeadlineKind::parse(&row.text(3)?));
        if !UserRole::parse(&row.text(5)?).is_some_and(|r| roles.contains(&r)) {
            continue;
        }
        let user = row.text(0)?;
        let deadline = DigestDeadline {
            case_id: CaseId(row.text(1)?),
            reference: row.text(2)?,
            kind: row.text(3)?,
            due: records::stored_date(&row.text(4)?)?,
        };
        if !seen.insert((user.clone(), deadline.case_id.clone(), deadline.kind.clone(), deadline.due)) {
            continue;
        }
        let digest = digests.entry(user).or_default();
        digest.deadlines_total += 1;
        if digest.deadlines.len() < DIGEST_LIST {
            digest.deadlines.push(deadline);
        }
    }
    for row in tx.query(sql::DIGEST_TASKS, &[org.as_str().into(), now_ms.into()])? {
        let digest = digests.entry(row.text(0)?).or_default();
        digest.open_tasks = u32::try_from(row.int(1)?).unwrap_or(u32::MAX);
        digest.overdue_tasks = u32::try_from(row.opt_int(2)?.unwrap_or(0)).unwrap_or(u32::MAX);
    }
    let unassigned = u32::try_from(tx.query_int(sql::UNASSIGNED_DUE, &range)?).unwrap_or(u32::MAX);
    if unassigned > 0 {
        for row in tx.query(sql::USERS_BY_ROLE, &[org.as_str().into()])? {
            if UserRole::parse(&row.text(1)?) == Some(UserRole::Admin) {
                digests.entry(row.text(0)?).or_default().unassigned_due = unassigned;
            }
        }
    }
    let mut written = 0;
    for (user, mut digest) in digests {
        digest.day = Some(today);
        let notice = NewNotice {
            user: &user,
            kind: NoticeKind::DailyDigest,
            case: None,
            dedupe_key: format!("digest:{today}"),
            facts: NoticeFacts { digest: Some(digest), ..NoticeFacts::default() },
        };
        written += usize::from(insert(tx, org, notice, now_ms)?);
    }
    Ok(written)
}

fn facts_from_json(text: &str) -> StoreResult<NoticeFacts> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(format!("stored notice: {e}")))
}

fn kind(text: &str) -> StoreResult<NoticeKind> {
    NoticeKind::parse(text)
        .ok_or_else(|| StoreError::Backend(format!("stored notice kind is not valid: {text:?}")))
}

fn notification_from_row(r: &Row) -> StoreResult<Notification> {
    let state = r.text(6)?;
    Ok(Notification {
        id: NotificationId(r.text(0)?),
        kind: kind(&r.text(1)?)?,
        case_id: r.opt_text(2)?.map(CaseId),
        facts: facts_from_json(&r.text(3)?)?,
        created_at: from_millis(r.int(4)?),
        read_at: r.opt_int(5)?.map(from_millis),
        email: EmailState::parse(&state)
            .ok_or_else(|| StoreError::Backend(format!("stored email state is not valid: {state:?}")))?,
    })
}

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

fn feed_from_row(r: &Row) -> StoreResult<CalendarFeed> {
    Ok(CalendarFeed {
        id: FeedId(r.text(0)?),
        org_id: OrgId(r.text(1)?),
        user_id: UserId(r.text(2)?),
        case_id: r.opt_text(3)?.map(CaseId),
        reference: r.opt_text(4)?,
        created_at: from_millis(r.int(5)?),
        revoked_at: r.opt_int(6)?.map(from_millis),
    })
}
