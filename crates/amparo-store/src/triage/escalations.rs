//! Escalations of the critical-care protocol: opening those a case's triggers call for (with their
//! checklist tasks, given to whoever holds each role) and closing those the timeline resolved, as
//! part of each derivation; and reading them back for the case page and the dashboard.

use std::collections::HashMap;

use amparo_domain::org::UserRole;
use amparo_domain::triage::{KnownEscalation, PlannedTask, Trigger, TriggerKind, plan_escalations};
use amparo_domain::{CaseFile, Language};

use crate::case_set::CaseSet;
use crate::columns::{from_millis, stored_date};
use crate::db::{Row, Tx, Value};
use crate::derivation::DeriveContext;
use crate::derivation::buffer::DerivedRows;
use crate::error::{StoreError, StoreResult};
use crate::model::{Assignment, CaseId, Escalation, EscalationId, OpenEscalation, OrgId, Task, TaskId};
use crate::security::seal::Sealer;
use crate::triage::{assignments::assignments, reasons, tasks};
use crate::webhooks::{self, WebhookEvent};
use crate::{Store, notices};

/// Multi-row INSERT head of escalations (see `RowBuffer`), and its column count.
pub(crate) const INSERT_ESCALATIONS: &str = "INSERT INTO escalations (org_id, id, case_id, trigger_kind, \
     trigger_event_id, trigger_on, critical_care, reason, opened_at)";
pub(crate) const ESCALATION_WIDTH: usize = 9;
const SELECT_CASE_ESCALATIONS: &str = "SELECT id, trigger_kind, trigger_event_id, trigger_on, critical_care, \
     reason, opened_at, closed_at, close_reason FROM escalations WHERE org_id = $1 AND case_id = $2 \
     ORDER BY opened_at DESC, id DESC";
/// As [`SELECT_CASE_ESCALATIONS`] for a set of cases, the case id last.
fn select_set_escalations(cases: &CaseSet) -> String {
    format!(
        "SELECT id, trigger_kind, trigger_event_id, trigger_on, critical_care, reason, opened_at, closed_at, \
         close_reason, case_id FROM escalations WHERE org_id = $1 AND {} \
         ORDER BY case_id, opened_at DESC, id DESC",
        cases.condition("case_id")
    )
}
/// The organisation's open escalations, critical care first, then newest first, at most `limit` (a
/// placeholder) of them.
pub(crate) fn select_open_escalations(limit: &str) -> String {
    format!(
        "SELECT e.id, e.case_id, c.reference, e.critical_care, e.reason, \
         e.opened_at FROM escalations e JOIN cases c ON c.org_id = e.org_id AND c.id = e.case_id \
         WHERE e.org_id = $1 AND e.closed_at IS NULL ORDER BY e.critical_care DESC, e.opened_at DESC, e.id LIMIT {limit}"
    )
}
pub(crate) const CLOSE_ESCALATION: &str = "UPDATE escalations SET closed_at = $3, close_reason = $4 WHERE org_id = $1 AND id = $2 AND closed_at IS NULL";

/// Opens the escalations the case's triggers call for (into `rows`) and closes those the timeline
/// resolved.
pub(crate) fn sync_escalations(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
    context: &DeriveContext,
    (known, rows): (Vec<KnownEscalation>, &mut DerivedRows),
) -> StoreResult<()> {
    let now_ms = context.now_ms;
    let plan = plan_escalations(file, context.plan(), &known);
    if !plan.open.is_empty() {
        let owners = assignments(tx, org, case)?;
        let key = (&Value::from(org.as_str()), &Value::from(case.as_str()));
        let sealing = (context.sealer, org.as_str());
        let mut told = Vec::new();
        for opened in queue_escalations(rows, key, sealing, plan.open, &owners, now_ms)? {
            let (id, trigger, roles) = (&opened.id, &opened.trigger, &opened.task_roles);
            notices::escalation_opened(tx, (org, case), id, trigger, &owners, roles, now_ms)?;
            told.push(escalation_opened(case, &opened));
        }
        webhooks::queue(tx, org, &told, now_ms)?;
    }
    let mut closed = Vec::new();
    for (id, reason) in plan.close {
        let params = [org.as_str().into(), id.as_str().into(), now_ms.into(), reason.into()];
        if tx.execute(CLOSE_ESCALATION, &params)? > 0 {
            closed.push(escalation_closed(case, &id));
        }
    }
    webhooks::queue(tx, org, &closed, now_ms)?;
    Ok(())
}

/// What a webhook is told of an escalation opened: ids and the trigger's kind.
fn escalation_opened(case: &CaseId, opened: &Opened) -> webhooks::Cause {
    let data = serde_json::json!({
        "escalation_id": opened.id.as_str(),
        "case_id": case.as_str(),
        "trigger": opened.trigger.kind.as_str(),
        "critical_care": opened.trigger.critical_care,
    });
    webhooks::Cause::new(WebhookEvent::EscalationOpened, opened.id.as_str(), data)
}

/// What a webhook is told of an escalation closed: its id and its case's.
pub(crate) fn escalation_closed(case: &CaseId, escalation: &str) -> webhooks::Cause {
    let data = serde_json::json!({ "escalation_id": escalation, "case_id": case.as_str() });
    webhooks::Cause::new(WebhookEvent::EscalationClosed, escalation, data)
}

/// What a webhook is told of an escalation suspended because its case closed: its id, its case's
/// and the reason. A case closed, reopened and closed again suspends the same escalation twice,
/// so the closing's time keeps each one a delivery of its own.
pub(crate) fn escalation_suspended(case: &CaseId, escalation: &str, now_ms: i64) -> webhooks::Cause {
    let data = serde_json::json!({
        "escalation_id": escalation,
        "case_id": case.as_str(),
        "reason": crate::cases::closure::CASE_CLOSED,
    });
    webhooks::Cause::new(WebhookEvent::EscalationClosed, &format!("{escalation}@{now_ms}"), data)
}

/// Queues an escalation per trigger, with its checklist's tasks given to whoever holds each role.
/// An escalation just opened, for the notices it causes.
pub(crate) struct Opened {
    pub id: EscalationId,
    pub trigger: Trigger,
    pub task_roles: Vec<UserRole>,
}

/// Queues the rows of newly opened escalations (their reasons sealed under `org_id`) and their
/// checklist tasks.
pub(crate) fn queue_escalations(
    rows: &mut DerivedRows,
    (org, case): (&Value, &Value),
    (sealer, org_id): (&Sealer, &str),
    open: Vec<(Trigger, Vec<PlannedTask>)>,
    owners: &[Assignment],
    now_ms: i64,
) -> StoreResult<Vec<Opened>> {
    let mut opened = Vec::with_capacity(open.len());
    for (trigger, tasks) in open {
        let escalation = EscalationId::generate();
        let id = Value::Shared(escalation.as_str().into());
        let task_roles = tasks.iter().map(|t| t.owner_role).collect();
        rows.escalations.push([
            org.clone(),
            id.clone(),
            case.clone(),
            trigger.kind.as_str().into(),
            trigger.event_id.clone().into(),
            trigger.event_on.to_string().into(),
            i64::from(trigger.critical_care).into(),
            reasons::seal_trigger_reason(sealer, (org_id, escalation.as_str()), &trigger.reason)?.into(),
            now_ms.into(),
        ]);
        for task in tasks {
            let owner = owners.iter().find(|a| a.role == task.owner_role).map(|a| a.user_id.as_str());
            let due_ms = now_ms + i64::from(task.due_in_hours) * 3_600_000;
            rows.tasks.push([
                org.clone(),
                TaskId::generate().0.into(),
                case.clone(),
                id.clone(),
                tasks::title_json(&task.title)?.into(),
                task.owner_role.as_str().into(),
                owner.into(),
                due_ms.into(),
                now_ms.into(),
                Value::Null,
                Value::Null,
            ]);
        }
        opened.push(Opened { id: escalation, trigger, task_roles });
    }
    Ok(opened)
}

/// The case's escalations as planning knows them; one whose trigger kind is no longer known keeps
/// no trigger.
pub(crate) fn stored_escalations(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    case: &CaseId,
) -> StoreResult<Vec<KnownEscalation>> {
    tx.query(SELECT_CASE_ESCALATIONS, &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| known_escalation(r, sealer, org))
        .collect()
}

/// The escalations of a set of cases, as planning knows them, by case id (each case's in
/// [`stored_escalations`]'s order).
pub(crate) fn stored_escalations_of(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    cases: CaseSet,
) -> StoreResult<HashMap<String, Vec<KnownEscalation>>> {
    let mut known: HashMap<String, Vec<KnownEscalation>> = HashMap::new();
    for r in tx.query(&select_set_escalations(&cases), &cases.params(org.as_str()))? {
        known.entry(r.text(9)?).or_default().push(known_escalation(&r, sealer, org)?);
    }
    Ok(known)
}

fn known_escalation(r: &Row, sealer: &Sealer, org: &OrgId) -> StoreResult<KnownEscalation> {
    let id = r.text(0)?;
    let trigger = TriggerKind::parse(&r.text(1)?).zip(r.text(3)?.parse().ok()).map(|(kind, event_on)| {
        Ok::<_, StoreError>(Trigger {
            kind,
            event_id: r.opt_text(2)?,
            event_on,
            critical_care: r.int(4)? != 0,
            reason: reasons::open_trigger_reason(sealer, (org.as_str(), &id), &r.text(5)?)?,
        })
    });
    Ok(KnownEscalation { trigger: trigger.transpose()?, open: r.opt_int(7)?.is_none(), id })
}

pub(crate) fn escalations(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    case: &CaseId,
) -> StoreResult<Vec<Escalation>> {
    let key = [org.as_str().into(), case.as_str().into()];
    let tasks: Vec<Task> =
        tasks::case_tasks(tx, org, case)?.into_iter().map(Ok).collect::<StoreResult<_>>()?;
    tx.query(SELECT_CASE_ESCALATIONS, &key)?
        .iter()
        .map(|r| {
            let id = EscalationId(r.text(0)?);
            let reason = reasons::open_trigger_reason(sealer, (org.as_str(), id.as_str()), &r.text(5)?)?;
            Ok(Escalation {
                tasks: tasks.iter().filter(|t| t.escalation_id.as_ref() == Some(&id)).cloned().collect(),
                id,
                case_id: case.clone(),
                trigger_kind: r.text(1)?,
                trigger_event_id: r.opt_text(2)?,
                trigger_on: stored_date(&r.text(3)?)?,
                critical_care: r.int(4)? != 0,
                reason_en: reason.text(Language::En),
                reason_es: reason.text(Language::Es),
                opened_at: from_millis(r.int(6)?),
                closed_at: r.opt_int(7)?.map(from_millis),
                close_reason: r.opt_text(8)?,
            })
        })
        .collect()
}

/// The organisation's open escalations, critical care first, then newest first.
pub(crate) fn open_escalations(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    limit: i64,
) -> StoreResult<Vec<OpenEscalation>> {
    tx.query(&select_open_escalations("$2"), &[org.as_str().into(), limit.into()])?
        .iter()
        .map(|r| open_escalation(r, sealer, org))
        .collect()
}

/// An open escalation from a row of [`select_open_escalations`].
pub(crate) fn open_escalation(r: &Row, sealer: &Sealer, org: &OrgId) -> StoreResult<OpenEscalation> {
    let id = EscalationId(r.text(0)?);
    let reason = reasons::open_trigger_reason(sealer, (org.as_str(), id.as_str()), &r.text(4)?)?;
    Ok(OpenEscalation {
        id,
        case_id: CaseId(r.text(1)?),
        reference: r.text(2)?,
        critical_care: r.int(3)? != 0,
        reason_en: reason.text(Language::En),
        reason_es: reason.text(Language::Es),
        opened_at: from_millis(r.int(5)?),
    })
}

impl Store {
    /// A case's escalations with their tasks, newest first; closed ones stay on the record.
    pub fn escalations(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Escalation>> {
        let mut escalations = self.read(|tx| escalations(tx, self.sealer(), org, case))?;
        for escalation in &mut escalations {
            tasks::open_notes(self.sealer(), org, &mut escalation.tasks)?;
        }
        Ok(escalations)
    }

    /// The organisation's open escalations, critical care first, then newest first; at most `limit`.
    pub fn open_escalations(&self, org: &OrgId, limit: i64) -> StoreResult<Vec<OpenEscalation>> {
        self.read(|tx| open_escalations(tx, self.sealer(), org, limit))
    }
}
