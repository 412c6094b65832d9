//! Triage, escalations and tasks, written once against [`Tx`] and run by both backends inside their
//! own transactions.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Problem, Program};

use crate::db::{Row, Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::records::{self, ExistingEscalation, from_millis};
use crate::shared::DerivedRows;
use crate::sql;

/// The roles a case can be assigned in, and so the owners of checklist tasks.
pub const ASSIGNABLE: [UserRole; 3] = [UserRole::Attorney, UserRole::Advocate, UserRole::Clinician];

pub fn attorney_assigned(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<bool> {
    let row = tx.query_opt(sql::ATTORNEY_ASSIGNED, &[org.as_str().into(), case.as_str().into()])?;
    Ok(row.map(|r| r.int(0)).transpose()?.unwrap_or(0) > 0)
}

fn role(text: &str) -> StoreResult<UserRole> {
    UserRole::parse(text).ok_or_else(|| StoreError::Backend(format!("stored role is not valid: {text:?}")))
}

pub fn assignments(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Assignment>> {
    tx.query(sql::SELECT_ASSIGNMENTS, &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| {
            Ok(Assignment { role: role(&r.text(0)?)?, user_id: UserId(r.text(1)?), user_name: r.text(2)? })
        })
        .collect()
}

/// Changes one role's assignment and marks the case for re-derivation (its score depends on it);
/// the caller re-derives stale cases before committing.
pub fn assign(
    tx: &mut dyn Tx,
    org: &OrgId,
    case: &CaseId,
    assigned_role: UserRole,
    user: Option<&UserId>,
    now_ms: i64,
) -> StoreResult<()> {
    if !ASSIGNABLE.contains(&assigned_role) {
        let expected = ASSIGNABLE.iter().map(|r| r.as_str().to_owned()).collect();
        let value = assigned_role.as_str().to_owned();
        return Err(StoreError::field("role", Problem::UnknownValue { value, expected }));
    }
    if tx.query_opt(sql::CASE_EXISTS, &[org.as_str().into(), case.as_str().into()])?.is_none() {
        return Err(StoreError::NotFound("case".into()));
    }
    if let Some(user) = user
        && tx.query_opt(sql::USER_EXISTS, &[org.as_str().into(), user.as_str().into()])?.is_none()
    {
        return Err(StoreError::field("user", Problem::NoSuchStaff));
    }
    let key = [org.as_str().into(), case.as_str().into(), assigned_role.as_str().into()];
    tx.execute(sql::DELETE_ASSIGNMENT, &key)?;
    if let Some(user) = user {
        let mut params = key.to_vec();
        params.extend([user.as_str().into(), now_ms.into()]);
        tx.execute(sql::INSERT_ASSIGNMENT, &params)?;
        // Checklist tasks opened while nobody held the role now have an owner.
        let adopted = crate::notices::unowned_tasks(tx, org, case, assigned_role)?;
        let mut params = key.to_vec();
        params.push(user.as_str().into());
        tx.execute(sql::ADOPT_UNOWNED_TASKS, &params)?;
        for task in &adopted {
            crate::notices::task_assigned(tx, org, task, user, now_ms)?;
        }
    }
    tx.execute(sql::MARK_CASE_STALE, &[org.as_str().into(), case.as_str().into()])?;
    Ok(())
}

/// Opens the escalations the case's triggers call for (into `rows`) and closes those the timeline
/// resolved.
pub fn sync_escalations(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    file: &CaseFile,
    context: &records::DeriveContext,
    rows: &mut DerivedRows,
) -> StoreResult<()> {
    let now_ms = context.now_ms;
    let known = stored_escalations(tx, org, case)?;
    let plan = records::plan_escalations(file, context, &known)?;
    if !plan.open.is_empty() {
        let owners = assignments(tx, org, case)?;
        let key = (&Value::from(org.as_str()), &Value::from(case.as_str()));
        for opened in queue_escalations(rows, key, plan.open, &owners, now_ms) {
            let (id, trigger, roles) = (&opened.id, &opened.trigger, &opened.task_roles);
            crate::notices::escalation_opened(tx, (org, case), id, trigger, &owners, roles, now_ms)?;
        }
    }
    for (id, reason) in plan.close {
        tx.execute(sql::CLOSE_ESCALATION, &[org.as_str().into(), id.into(), now_ms.into(), reason.into()])?;
    }
    Ok(())
}

/// Queues an escalation per trigger, with its checklist's tasks given to whoever holds each role.
/// An escalation just opened, for the notices it causes.
pub struct Opened {
    pub id: EscalationId,
    pub trigger: amparo_domain::Trigger,
    pub task_roles: Vec<UserRole>,
}

/// Queues the rows of newly opened escalations and their checklist tasks.
pub fn queue_escalations(
    rows: &mut DerivedRows,
    (org, case): (&Value, &Value),
    open: Vec<(amparo_domain::Trigger, Vec<amparo_domain::PlannedTask>)>,
    owners: &[Assignment],
    now_ms: i64,
) -> Vec<Opened> {
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
            trigger.reason_en.clone().into(),
            trigger.reason_es.clone().into(),
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
                task.title_en.into(),
                task.title_es.into(),
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
    opened
}

struct NewTask<'a> {
    title: (String, String),
    owner_role: UserRole,
    owner: Option<String>,
    due_ms: i64,
    created_by: Option<&'a UserId>,
    dedupe_key: Option<&'a str>,
}

fn insert_task(
    tx: &mut dyn Tx,
    org: &OrgId,
    case: &CaseId,
    task: &NewTask,
    now_ms: i64,
    statement: &str,
) -> StoreResult<u64> {
    Ok(tx.execute(
        statement,
        &[
            org.as_str().into(),
            TaskId::generate().0.into(),
            case.as_str().into(),
            Value::Null,
            task.title.0.clone().into(),
            task.title.1.clone().into(),
            task.owner_role.as_str().into(),
            task.owner.clone().into(),
            task.due_ms.into(),
            now_ms.into(),
            task.created_by.map(UserId::as_str).into(),
            task.dedupe_key.into(),
        ],
    )?)
}

fn stored_escalations(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<ExistingEscalation>> {
    tx.query(sql::SELECT_CASE_ESCALATIONS, &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| {
            Ok(ExistingEscalation {
                id: r.text(0)?,
                kind: r.text(1)?,
                event_id: r.opt_text(2)?,
                event_on: r.text(3)?,
                critical_care: r.int(4)? != 0,
                reason_en: r.text(5)?,
                reason_es: r.text(6)?,
                open: r.opt_int(8)?.is_none(),
            })
        })
        .collect()
}

fn task_from_row(r: &Row) -> StoreResult<Task> {
    Ok(Task {
        id: TaskId(r.text(0)?),
        case_id: CaseId(r.text(1)?),
        reference: r.text(2)?,
        escalation_id: r.opt_text(3)?.map(EscalationId),
        title_en: r.text(4)?,
        title_es: r.text(5)?,
        owner_role: role(&r.text(6)?)?,
        owner_id: r.opt_text(7)?.map(UserId),
        due_at: from_millis(r.int(8)?),
        created_at: from_millis(r.int(9)?),
        done_at: r.opt_int(10)?.map(from_millis),
        done_by: r.opt_text(11)?.map(UserId),
        note: r.opt_text(12)?,
    })
}

pub fn escalations(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Escalation>> {
    let key = [org.as_str().into(), case.as_str().into()];
    let tasks: Vec<Task> =
        tx.query(&sql::select_case_tasks(), &key)?.iter().map(task_from_row).collect::<StoreResult<_>>()?;
    tx.query(sql::SELECT_CASE_ESCALATIONS, &key)?
        .iter()
        .map(|r| {
            let id = EscalationId(r.text(0)?);
            Ok(Escalation {
                tasks: tasks.iter().filter(|t| t.escalation_id.as_ref() == Some(&id)).cloned().collect(),
                id,
                case_id: case.clone(),
                trigger_kind: r.text(1)?,
                trigger_event_id: r.opt_text(2)?,
                trigger_on: records::stored_date(&r.text(3)?)?,
                critical_care: r.int(4)? != 0,
                reason_en: r.text(5)?,
                reason_es: r.text(6)?,
                opened_at: from_millis(r.int(7)?),
                closed_at: r.opt_int(8)?.map(from_millis),
                close_reason: r.opt_text(9)?,
            })
        })
        .collect()
}

/// The organisation's open escalations, critical care first, then newest first.
pub fn open_escalations(tx: &mut dyn Tx, org: &OrgId, limit: i64) -> StoreResult<Vec<OpenEscalation>> {
    tx.query(sql::SELECT_OPEN_ESCALATIONS, &[org.as_str().into(), limit.into()])?
        .iter()
        .map(|r| {
            Ok(OpenEscalation {
                id: EscalationId(r.text(0)?),
                case_id: CaseId(r.text(1)?),
                reference: r.text(2)?,
                critical_care: r.int(3)? != 0,
                reason_en: r.text(4)?,
                reason_es: r.text(5)?,
                opened_at: from_millis(r.int(6)?),
            })
        })
        .collect()
}

/// Tasks of a case outside any escalation (reviews), for the case page.
pub fn case_tasks(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Task>> {
    let key = [org.as_str().into(), case.as_str().into()];
    tx.query(&sql::select_case_tasks(), &key)?.iter().map(task_from_row).collect()
}

pub fn open_tasks(tx: &mut dyn Tx, org: &OrgId, user: &UserId) -> StoreResult<Vec<Task>> {
    tx.query(&sql::select_open_tasks(), &[org.as_str().into(), user.as_str().into()])?
        .iter()
        .map(task_from_row)
        .collect()
}

pub fn task(tx: &mut dyn Tx, org: &OrgId, id: &TaskId) -> StoreResult<Option<Task>> {
    tx.query_opt(&sql::select_task(), &[org.as_str().into(), id.as_str().into()])?
        .as_ref()
        .map(task_from_row)
        .transpose()
}

pub fn complete_task(
    tx: &mut dyn Tx,
    sealer: &crate::seal::Sealer,
    org: &OrgId,
    id: &TaskId,
    by: &UserId,
    note: Option<&str>,
    now_ms: i64,
) -> StoreResult<()> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > amparo_domain::case_file::MAX_LONG_TEXT) {
        return Err(StoreError::field(
            "note",
            Problem::TooLong { max: amparo_domain::case_file::MAX_LONG_TEXT },
        ));
    }
    let existing = task(tx, org, id)?.ok_or_else(|| StoreError::NotFound("task".into()))?;
    if existing.done_at.is_some() {
        return Err(StoreError::Duplicate("the task is already done".into()));
    }
    let note = sealer.seal_opt(crate::seal::Field::TaskNote, org.as_str(), id.as_str(), note)?;
    tx.execute(
        sql::COMPLETE_TASK,
        &[org.as_str().into(), id.as_str().into(), now_ms.into(), by.as_str().into(), note.into()],
    )?;
    if let Some(escalation) = existing.escalation_id {
        let open = tx
            .query_opt(sql::OPEN_TASKS_OF_ESCALATION, &[org.as_str().into(), escalation.as_str().into()])?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        if open == 0 {
            let reason = String::from("every task of the checklist is done");
            tx.execute(
                sql::CLOSE_ESCALATION,
                &[org.as_str().into(), escalation.0.into(), now_ms.into(), reason.into()],
            )?;
        }
    }
    Ok(())
}

pub fn reassign_task(tx: &mut dyn Tx, org: &OrgId, id: &TaskId, to: &UserId, now_ms: i64) -> StoreResult<()> {
    // The task first: an unknown task is "not found" whatever the owner given.
    if task(tx, org, id)?.is_none() {
        return Err(StoreError::NotFound("task".into()));
    }
    if tx.query_opt(sql::USER_EXISTS, &[org.as_str().into(), to.as_str().into()])?.is_none() {
        return Err(StoreError::field("owner", Problem::NoSuchStaff));
    }
    let changed = task(tx, org, id)?.is_some_and(|t| t.owner_id.as_ref() != Some(to));
    tx.execute(sql::REASSIGN_TASK, &[org.as_str().into(), id.as_str().into(), to.as_str().into()])?;
    if changed {
        crate::notices::task_assigned(tx, org, id, to, now_ms)?;
    }
    Ok(())
}

pub fn board(tx: &mut dyn Tx, org: &OrgId, filter: &BoardFilter) -> StoreResult<BoardPage> {
    let mut conditions = sql::Conditions::new(org.as_str());
    conditions.fixed("c.is_open = 1");
    if filter.critical_only {
        conditions.fixed("c.critical_care = 1");
    }
    if let Some(program) = filter.program {
        conditions.push("c.program = ?", program.as_str());
    }
    if let Some(due_by) = filter.due_by {
        conditions.push("c.next_due <= ?", due_by.to_string());
    }
    if let Some(user) = &filter.assigned_to {
        conditions.push(
            "EXISTS (SELECT 1 FROM case_assignments a WHERE a.org_id = c.org_id AND a.case_id = c.id AND a.user_id = ?)",
            user.as_str(),
        );
    }
    if let Some(user) = &filter.shared_with {
        conditions.push(
            "EXISTS (SELECT 1 FROM case_shares s WHERE s.org_id = c.org_id AND s.case_id = c.id AND s.user_id = ?)",
            user.as_str(),
        );
    }
    // Every case has exactly one patient, so counting cases alone counts the board's rows.
    let count_sql = match filter.count_up_to {
        Some(cap) => format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE {} LIMIT {}) n",
            conditions.sql(),
            cap.max(0).saturating_add(1)
        ),
        None => format!("SELECT COUNT(*) FROM cases c WHERE {}", conditions.sql()),
    };
    let total = tx.query_int(&count_sql, &conditions.params)?;
    let where_sql = conditions.sql();
    let limit = conditions.next(filter.limit.clamp(1, 500));
    let offset = conditions.next(filter.offset.max(0));
    let list_sql = sql::board_page(&where_sql, &limit, &offset);
    let entries = tx
        .query(&list_sql, &conditions.params)?
        .iter()
        .map(|r| {
            let program = r.text(2)?;
            Ok(BoardEntry {
                case_id: CaseId(r.text(0)?),
                reference: r.text(1)?,
                program: Program::parse(&program).ok_or_else(|| {
                    StoreError::Backend(format!("stored program is not valid: {program:?}"))
                })?,
                score: r.int(3)?,
                critical_care: r.int(4)? != 0,
                next_due: r.opt_text(5)?.as_deref().map(records::stored_date).transpose()?,
                next_kind: r.opt_text(6)?,
                reasons: records::reasons_from_json(r.opt_text(7)?.as_deref())?,
                patient_name: format!("{} {}", r.text(8)?, r.text(9)?),
                open_escalations: r.int(10)?,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok(BoardPage { entries, total })
}

fn selection_conditions(org: &OrgId, selection: &CaseSelection) -> StoreResult<sql::Conditions> {
    if selection.is_empty() {
        return Err(StoreError::field("selection", Problem::NoCondition));
    }
    let mut conditions = sql::Conditions::new(org.as_str());
    if let Some(program) = selection.program {
        conditions.push("c.program = ?", program.as_str());
    }
    if let Some(class) = &selection.class_of_admission {
        conditions.push("c.class_of_admission = ?", class.trim().to_uppercase());
    }
    if let Some(country) = &selection.citizenship {
        let country = amparo_domain::identifiers::CountryCode::parse(country.trim())
            .map_err(|e| StoreError::field("citizenship", Problem::Identifier(e)))?;
        conditions.push(
            "EXISTS (SELECT 1 FROM people q WHERE q.org_id = c.org_id AND q.case_id = c.id AND q.citizenship = ?)",
            country.as_str(),
        );
    }
    if let Some(before) = selection.parole_ends_before {
        conditions.push("c.covered_until < ?", before.to_string());
    }
    Ok(conditions)
}

pub fn select_cases(
    tx: &mut dyn Tx,
    org: &OrgId,
    selection: &CaseSelection,
) -> StoreResult<Vec<SelectedCase>> {
    let conditions = selection_conditions(org, selection)?;
    let query = format!(
        "SELECT c.id, c.reference, p.given_name, p.family_name, c.covered_until {} WHERE {} ORDER BY c.reference",
        sql::BOARD_FROM,
        conditions.sql()
    );
    tx.query(&query, &conditions.params)?
        .iter()
        .map(|r| {
            Ok(SelectedCase {
                case_id: CaseId(r.text(0)?),
                reference: r.text(1)?,
                patient_name: format!("{} {}", r.text(2)?, r.text(3)?),
                covered_until: r.opt_text(4)?.as_deref().map(records::stored_date).transpose()?,
            })
        })
        .collect()
}

pub fn open_review_tasks(
    tx: &mut dyn Tx,
    org: &OrgId,
    selection: &CaseSelection,
    review: &ReviewTask,
    actor: Option<&UserId>,
    now_ms: i64,
) -> StoreResult<ReviewOutcome> {
    let key = review.key.trim();
    if key.is_empty() || key.len() > 100 {
        return Err(StoreError::field("key", Problem::LengthBetween { min: 1, max: 100 }));
    }
    for (field, title) in [("title_en", &review.title_en), ("title_es", &review.title_es)] {
        if title.trim().is_empty() || title.chars().count() > amparo_domain::case_file::MAX_SHORT_TEXT {
            let max = amparo_domain::case_file::MAX_SHORT_TEXT;
            return Err(StoreError::field(field, Problem::LengthBetween { min: 1, max }));
        }
    }
    let selected = select_cases(tx, org, selection)?;
    let dedupe = format!("review:{key}");
    let mut created = 0;
    for case in &selected {
        let owner = assignments(tx, org, &case.case_id)?
            .into_iter()
            .find(|a| a.role == UserRole::Attorney)
            .map(|a| a.user_id.0);
        let task = NewTask {
            title: (review.title_en.trim().to_owned(), review.title_es.trim().to_owned()),
            owner_role: UserRole::Attorney,
            owner,
            due_ms: now_ms + i64::from(review.due_in_hours) * 3_600_000,
            created_by: actor,
            dedupe_key: Some(&dedupe),
        };
        created += insert_task(tx, org, &case.case_id, &task, now_ms, sql::INSERT_TASK_ONCE)? as usize;
    }
    Ok(ReviewOutcome { selected: selected.len(), created })
}
