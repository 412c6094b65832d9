//! Notifications, their email delivery and calendar feeds: what the store keeps of them.
//!
//! Notices caused by a write (an escalation opened, a task given to someone) are inserted by that
//! write's own transaction, so they exist exactly when what caused them does. The day's notices
//! (deadlines approaching, tasks overdue, the digest) are computed by [`Store::record_daily_notices`].
//! Every notice carries a key unique per person, so writing it twice writes it once.

mod backups;
mod daily;
mod feeds;
pub(crate) use feeds::revoke_feeds_of;
mod inbox;
pub mod model;
mod outbox;

pub use daily::DIGEST_DAYS;

use amparo_domain::Language;
use amparo_domain::notice::{self, NoticeKind};
use amparo_domain::org::UserRole;

use crate::cases::CASE_REFERENCE;
use crate::columns::from_millis;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::notices::model::*;
use crate::triage::tasks;

/// Writes a notice unless the person was already told the same thing.
const INSERT_NOTIFICATION: &str = "INSERT INTO notifications (org_id, id, user_id, kind, case_id, dedupe_key, \
     payload, created_at, email_state, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $8) \
     ON CONFLICT (org_id, user_id, dedupe_key) DO NOTHING";
/// Unowned open tasks of a role on a case: those an assignment is about to give someone.
const UNOWNED_TASKS: &str = "SELECT id FROM tasks WHERE org_id = $1 AND case_id = $2 AND owner_role = $3 \
     AND owner_id IS NULL AND done_at IS NULL ORDER BY id";
const TASK_FOR_NOTICE: &str = "SELECT t.case_id, c.reference, t.title, t.due_at, t.done_at \
     FROM tasks t JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id WHERE t.org_id = $1 AND t.id = $2";

pub(crate) fn case_reference(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<String> {
    tx.query_opt(CASE_REFERENCE, &[org.as_str().into(), case.as_str().into()])?
        .ok_or_else(|| StoreError::NotFound("case".into()))?
        .text(0)
}

/// One notice for one person; returns whether it was new.
pub(crate) struct NewNotice<'a> {
    pub(crate) user: &'a str,
    pub(crate) kind: NoticeKind,
    pub(crate) case: Option<&'a str>,
    pub(crate) dedupe_key: String,
    pub(crate) facts: NoticeFacts,
}

pub(crate) fn insert(tx: &mut dyn Tx, org: &OrgId, notice: NewNotice, now_ms: i64) -> StoreResult<bool> {
    let payload = serde_json::to_string(&notice.facts)?;
    Ok(tx.execute(
        INSERT_NOTIFICATION,
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
    tx.query(UNOWNED_TASKS, &[org.as_str().into(), case.as_str().into(), role.as_str().into()])?
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
    let Some(row) = tx.query_opt(TASK_FOR_NOTICE, &[org.as_str().into(), task.as_str().into()])? else {
        return Err(StoreError::NotFound("task".into()));
    };
    if row.opt_int(4)?.is_some() {
        return Ok(()); // done already: nothing to act on
    }
    let case = row.text(0)?;
    let title = tasks::stored_title(&row.text(2)?)?;
    let facts = NoticeFacts {
        reference: Some(row.text(1)?),
        task_title_en: Some(title.get(Language::En).to_owned()),
        task_title_es: Some(title.get(Language::Es).to_owned()),
        task_due_at: Some(from_millis(row.int(3)?)),
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

pub(crate) fn facts_from_json(text: &str) -> StoreResult<NoticeFacts> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(format!("stored notice: {e}")))
}

pub(crate) fn kind(text: &str) -> StoreResult<NoticeKind> {
    NoticeKind::parse(text)
        .ok_or_else(|| StoreError::Backend(format!("stored notice kind is not valid: {text:?}")))
}
