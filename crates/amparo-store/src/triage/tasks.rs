//! Tasks: the checklist items of escalations and the reviews opened across cases. Reading them (their
//! notes opened), completing one (which closes its escalation when it was the last), giving one to
//! someone else (who is notified in the same transaction).

use amparo_domain::{Language, Problem, Texts};
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::columns::{from_millis, millis};
use crate::db::{Row, RowLock, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, EscalationId, OrgId, Task, TaskId, UserId};
use crate::security::seal::{Field, Sealer};
use crate::triage::{assignments, escalations};
use crate::{Store, accounts, notices};

/// Multi-row INSERT head of tasks (see `RowBuffer`), and its column count.
pub(crate) const INSERT_TASKS: &str = "INSERT INTO tasks (org_id, id, case_id, escalation_id, title, \
     owner_role, owner_id, due_at, created_at, created_by, dedupe_key)";
pub(crate) const TASK_WIDTH: usize = 11;
const TASK_COLUMNS: &str = "t.id, t.case_id, c.reference, t.escalation_id, t.title, t.owner_role, \
     t.owner_id, t.due_at, t.created_at, t.done_at, t.done_by, t.note";
fn select_case_tasks() -> String {
    format!(
        "SELECT {TASK_COLUMNS} FROM tasks t JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id \
         WHERE t.org_id = $1 AND t.case_id = $2 ORDER BY t.due_at, t.id"
    )
}
fn select_task() -> String {
    format!(
        "SELECT {TASK_COLUMNS} FROM tasks t JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id \
         WHERE t.org_id = $1 AND t.id = $2"
    )
}
fn select_open_tasks() -> String {
    format!(
        "SELECT {TASK_COLUMNS} FROM tasks t JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id \
         LEFT JOIN escalations e ON e.org_id = t.org_id AND e.id = t.escalation_id \
         WHERE t.org_id = $1 AND t.owner_id = $2 AND t.done_at IS NULL AND e.closed_at IS NULL \
         AND c.closed_at IS NULL ORDER BY t.due_at, c.reference, t.id"
    )
}
const COMPLETE_TASK: &str = "UPDATE tasks SET done_at = $3, done_by = $4, note = $5 WHERE org_id = $1 AND id = $2 AND done_at IS NULL";
const REASSIGN_TASK: &str = "UPDATE tasks SET owner_id = $3 WHERE org_id = $1 AND id = $2";
const OPEN_TASKS_OF_ESCALATION: &str =
    "SELECT COUNT(*) FROM tasks WHERE org_id = $1 AND escalation_id = $2 AND done_at IS NULL";

/// A task's title as stored: one JSON object of language code → the text people wrote.
pub(crate) fn title_json(title: &Texts) -> StoreResult<String> {
    Ok(serde_json::to_string(title)?)
}

/// A task's title from its stored column.
pub(crate) fn stored_title(stored: &str) -> StoreResult<Texts> {
    Ok(serde_json::from_str(stored)?)
}

fn task_from_row(r: &Row) -> StoreResult<Task> {
    let title = stored_title(&r.text(4)?)?;
    Ok(Task {
        id: TaskId(r.text(0)?),
        case_id: CaseId(r.text(1)?),
        reference: r.text(2)?,
        escalation_id: r.opt_text(3)?.map(EscalationId),
        title_en: title.get(Language::En).to_owned(),
        title_es: title.get(Language::Es).to_owned(),
        owner_role: assignments::role(&r.text(5)?)?,
        owner_id: r.opt_text(6)?.map(UserId),
        due_at: from_millis(r.int(7)?),
        created_at: from_millis(r.int(8)?),
        done_at: r.opt_int(9)?.map(from_millis),
        done_by: r.opt_text(10)?.map(UserId),
        note: r.opt_text(11)?,
    })
}

/// Tasks of a case outside any escalation (reviews), for the case page.
pub(crate) fn case_tasks(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Task>> {
    let key = [org.as_str().into(), case.as_str().into()];
    tx.query(&select_case_tasks(), &key)?.iter().map(task_from_row).collect()
}

pub(crate) fn open_tasks(tx: &mut dyn Tx, org: &OrgId, user: &UserId) -> StoreResult<Vec<Task>> {
    tx.query(&select_open_tasks(), &[org.as_str().into(), user.as_str().into()])?
        .iter()
        .map(task_from_row)
        .collect()
}

fn task(tx: &mut dyn Tx, org: &OrgId, id: &TaskId) -> StoreResult<Option<Task>> {
    tx.query_opt(&select_task(), &[org.as_str().into(), id.as_str().into()])?
        .as_ref()
        .map(task_from_row)
        .transpose()
}

fn complete_task(
    tx: &mut dyn Tx,
    sealer: &Sealer,
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
    let note = sealer.seal_opt(Field::TaskNote, org.as_str(), id.as_str(), note)?;
    tx.execute(
        COMPLETE_TASK,
        &[org.as_str().into(), id.as_str().into(), now_ms.into(), by.as_str().into(), note.into()],
    )?;
    if let Some(escalation) = existing.escalation_id {
        let open = tx
            .query_opt(OPEN_TASKS_OF_ESCALATION, &[org.as_str().into(), escalation.as_str().into()])?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        if open == 0 {
            let reason = String::from(CHECKLIST_DONE);
            let closed = tx.execute(
                escalations::CLOSE_ESCALATION,
                &[org.as_str().into(), escalation.as_str().into(), now_ms.into(), reason.into()],
            )?;
            if closed > 0 {
                let told = escalations::escalation_closed(&existing.case_id, escalation.as_str());
                crate::webhooks::queue(tx, org, &[told], now_ms)?;
            }
        }
    }
    Ok(())
}

/// Why an escalation closed when the last task of its checklist was done (pages word it per language).
pub const CHECKLIST_DONE: &str = "every task of the checklist is done";

fn reassign_task(tx: &mut dyn Tx, org: &OrgId, id: &TaskId, to: &UserId, now_ms: i64) -> StoreResult<()> {
    // The task first: an unknown task is "not found" whatever the owner given.
    if task(tx, org, id)?.is_none() {
        return Err(StoreError::NotFound("task".into()));
    }
    if accounts::user(tx, org, to)?.is_none() {
        return Err(StoreError::field("owner", Problem::NoSuchStaff));
    }
    let changed = task(tx, org, id)?.is_some_and(|t| t.owner_id.as_ref() != Some(to));
    tx.execute(REASSIGN_TASK, &[org.as_str().into(), id.as_str().into(), to.as_str().into()])?;
    if changed {
        notices::task_assigned(tx, org, id, to, now_ms)?;
    }
    Ok(())
}

/// Task notes are stored sealed; readers get them in clear.
pub(crate) fn open_notes(sealer: &Sealer, org: &OrgId, tasks: &mut [Task]) -> StoreResult<()> {
    for task in tasks {
        task.note = sealer.open_opt(Field::TaskNote, org.as_str(), task.id.as_str(), task.note.take())?;
    }
    Ok(())
}

impl Store {
    /// Open tasks owned by `user`, earliest due (so overdue) first; tasks of closed escalations are
    /// no longer open.
    pub fn open_tasks(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<Task>> {
        let mut tasks = self.read(|tx| open_tasks(tx, org, user))?;
        open_notes(self.sealer(), org, &mut tasks)?;
        Ok(tasks)
    }

    /// Another member's open tasks, read by an administrator (to hand them on before a
    /// deactivation, say): the read is audited, as the tasks name cases and carry notes.
    pub fn member_open_tasks_as(
        &self,
        actor: &Actor,
        member: &UserId,
        via: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Task>> {
        let mut tasks = self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            let tasks = open_tasks(tx, &actor.org, member)?;
            let entry = crate::audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "tasks.read",
                target: &format!("user:{}", member.as_str()),
                detail: serde_json::json!({ "via": via, "tasks": tasks.len() }),
            };
            crate::audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(tasks)
        })?;
        open_notes(self.sealer(), &actor.org, &mut tasks)?;
        Ok(tasks)
    }

    /// Every task of a case, done or not, including reviews outside escalations.
    pub fn case_tasks(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Task>> {
        let mut tasks = self.read(|tx| case_tasks(tx, org, case))?;
        open_notes(self.sealer(), org, &mut tasks)?;
        Ok(tasks)
    }

    pub fn task(&self, org: &OrgId, id: &TaskId) -> StoreResult<Option<Task>> {
        let mut found = self.read(|tx| task(tx, org, id))?;
        open_notes(self.sealer(), org, found.as_mut_slice())?;
        Ok(found)
    }

    /// Marks a task done with an optional note; an escalation whose tasks are all done closes.
    pub fn complete_task(
        &self,
        org: &OrgId,
        task: &TaskId,
        by: &UserId,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            // Two people completing one task at once: the second waits, then finds it done.
            self.lock_row(tx, RowLock::Task, &[org.as_str().into(), task.as_str().into()])?;
            complete_task(tx, self.sealer(), org, task, by, note, millis(now))
        })
    }

    /// Gives a task to someone else, who is notified in the same transaction.
    pub fn reassign_task(
        &self,
        org: &OrgId,
        task: &TaskId,
        to: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| reassign_task(tx, org, task, to, millis(now)))
    }

    /// Completes `task` as `actor` (see [`Store::complete_task`]), checking in the same transaction,
    /// once the task is locked, that they may: a clinician only a task they own, so one reassigned a
    /// moment before is refused and left open. The task as it now is.
    pub fn complete_task_as(
        &self,
        actor: &Actor,
        task: &TaskId,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Task> {
        let org = &actor.org;
        let mut done = self.write(|tx| {
            self.lock_row(tx, RowLock::Task, &[org.as_str().into(), task.as_str().into()])?;
            let found = self::task(tx, org, task)?.ok_or_else(|| StoreError::NotFound("task".into()))?;
            access::check_completes(actor, &found)?;
            complete_task(tx, self.sealer(), org, task, &actor.user, note, millis(now))?;
            self.lock_audit_chain(tx, org.as_str())?;
            let entry = crate::audit::Entry {
                chain: org.as_str(),
                actor: Some(&actor.user),
                action: "task.completed",
                target: task.as_str(),
                detail: serde_json::json!({ "case": found.case_id.as_str(), "note": note.is_some() }),
            };
            crate::audit::append(tx, &self.audit_signer(), entry, now)?;
            self::task(tx, org, task)?.ok_or_else(|| StoreError::NotFound("task".into()))
        })?;
        open_notes(self.sealer(), org, std::slice::from_mut(&mut done))?;
        Ok(done)
    }

    /// Gives `task` to `to` on behalf of `actor` (see [`Store::reassign_task`]), refused in the same
    /// transaction when `actor` does not see the task's case or when `to` could not work it: a viewer,
    /// or a clinician the case is not shared with. The task as it now is.
    pub fn reassign_task_as(
        &self,
        actor: &Actor,
        task: &TaskId,
        to: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Task> {
        let org = &actor.org;
        let mut moved = self.write(|tx| {
            self.lock_row(tx, RowLock::Task, &[org.as_str().into(), task.as_str().into()])?;
            // Sharing changes commit holding the chain too, so the new owner's access is read as it now is.
            self.lock_audit_chain(tx, org.as_str())?;
            let found = self::task(tx, org, task)?.ok_or_else(|| StoreError::NotFound("task".into()))?;
            if !access::sees_case(tx, actor, &found.case_id)? {
                return Err(StoreError::NotFound("task".into()));
            }
            let owner = accounts::user(tx, org, to)?
                .ok_or_else(|| StoreError::field("owner", Problem::NoSuchStaff))?;
            access::check_may_own(tx, &owner, &found.case_id)?;
            reassign_task(tx, org, task, to, millis(now))?;
            let entry = crate::audit::Entry {
                chain: org.as_str(),
                actor: Some(&actor.user),
                action: "task.reassigned",
                target: task.as_str(),
                detail: serde_json::json!({
                    "case": found.case_id.as_str(),
                    "from": found.owner_id.as_ref().map(UserId::as_str),
                    "to": to.as_str(),
                }),
            };
            crate::audit::append(tx, &self.audit_signer(), entry, now)?;
            self::task(tx, org, task)?.ok_or_else(|| StoreError::NotFound("task".into()))
        })?;
        open_notes(self.sealer(), org, std::slice::from_mut(&mut moved))?;
        Ok(moved)
    }
}
