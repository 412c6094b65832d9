//! The causes found by looking rather than by writing: the cases (and the escalations they opened)
//! an import wrote, and the daily pass's overdue tasks and deadline reminders. Each is told once
//! per endpoint, however often the pass runs.

use amparo_domain::Date;

use super::WebhookEvent;
use super::queue::{Cause, has_listeners, queue};
use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::{CaseId, OrgId};

/// The escalations of a case: for a case just imported, those its import opened.
const ESCALATIONS_OF_CASE: &str = "SELECT id, trigger_kind, critical_care FROM escalations \
     WHERE org_id = $1 AND case_id = $2 ORDER BY id";
/// Open tasks past their due time, owned or not, of open escalations and open cases.
const OVERDUE_TASKS: &str = "SELECT t.id, t.case_id, t.due_at FROM tasks t \
     JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id \
     LEFT JOIN escalations e ON e.org_id = t.org_id AND e.id = t.escalation_id \
     WHERE t.org_id = $1 AND t.done_at IS NULL AND t.due_at < $2 \
     AND e.closed_at IS NULL AND c.closed_at IS NULL ORDER BY t.id";
/// Deadlines of open cases due on one day (a range of one day, as the reminders' query is written,
/// so the `deadlines_due` index is used on SQLite).
const DEADLINES_ON: &str = "SELECT d.case_id, d.kind, d.person, d.due FROM deadlines d \
     JOIN cases c ON c.org_id = d.org_id AND c.id = d.case_id \
     WHERE d.org_id = $1 AND d.due >= $2 AND d.due <= $2 AND d.advisory = 0 AND c.is_open = 1 \
     ORDER BY d.case_id, d.kind, d.person";

/// Tells endpoints of the cases an import wrote, and of the escalations their import opened.
pub(crate) fn cases_created(
    tx: &mut dyn Tx,
    org: &OrgId,
    cases: &[CaseId],
    now_ms: i64,
) -> StoreResult<usize> {
    if cases.is_empty() || !has_listeners(tx, org)? {
        return Ok(0);
    }
    let mut causes: Vec<Cause> = cases
        .iter()
        .map(|case| {
            let data = serde_json::json!({ "case_id": case.as_str() });
            Cause::new(WebhookEvent::CaseCreated, case.as_str(), data)
        })
        .collect();
    for case in cases {
        for row in tx.query(ESCALATIONS_OF_CASE, &[org.as_str().into(), case.as_str().into()])? {
            let id = row.text(0)?;
            let data = serde_json::json!({
                "escalation_id": id,
                "case_id": case.as_str(),
                "trigger": row.text(1)?,
                "critical_care": row.int(2)? != 0,
            });
            causes.push(Cause::new(WebhookEvent::EscalationOpened, &id, data));
        }
    }
    queue(tx, org, &causes, now_ms)
}

/// The daily pass's causes: tasks overdue at `now_ms`, and deadlines the policy's reminder
/// `offsets` (days before) reach `today`.
pub(crate) fn daily(
    tx: &mut dyn Tx,
    org: &OrgId,
    today: Date,
    offsets: &[u32],
    now_ms: i64,
) -> StoreResult<usize> {
    if !has_listeners(tx, org)? {
        return Ok(0);
    }
    let mut causes = Vec::new();
    for row in tx.query(OVERDUE_TASKS, &[org.as_str().into(), now_ms.into()])? {
        let task = row.text(0)?;
        let due_at = crate::columns::from_millis(row.int(2)?);
        let data = serde_json::json!({ "task_id": task, "case_id": row.text(1)?, "due_at": due_at });
        causes.push(Cause::new(WebhookEvent::TaskOverdue, &task, data));
    }
    for days in offsets {
        let due = today.add_days(i64::from(*days));
        for row in tx.query(DEADLINES_ON, &[org.as_str().into(), due.to_string().into()])? {
            let (case, kind, person) = (row.text(0)?, row.text(1)?, row.opt_text(2)?);
            let about = format!("{case}:{kind}:{}:{due}:{days}", person.as_deref().unwrap_or(""));
            let data = serde_json::json!({
                "case_id": case,
                "deadline_kind": kind,
                "person_key": person,
                "due": row.text(3)?,
                "days_before": days,
            });
            causes.push(Cause::new(WebhookEvent::DeadlineReminder, &about, data));
        }
    }
    queue(tx, org, &causes, now_ms)
}
