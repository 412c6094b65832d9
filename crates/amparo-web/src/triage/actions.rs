//! What the triage pages and the triage API both do, written once: completing and reassigning a
//! task, assigning someone to a case, and opening a programme-wide review. The data rule of tasks
//! (a clinician completes only their own) is checked here and nowhere else. Each action takes the
//! store and the signed-in user, so the check and the write can later share one store transaction
//! without touching the callers.

use amparo_domain::org::UserRole;
use amparo_store::{
    CaseId, CaseSelection, ReviewOutcome, ReviewTask, Store, StoreError, StoreResult, Task, TaskId, User,
    UserId,
};
use chrono::{DateTime, Utc};

fn not_found_task() -> StoreError {
    StoreError::NotFound("task".into())
}

/// Refuses, as "not found", a task `user` may not complete: a clinician completes only their own.
fn check_may_work_task(store: &Store, user: &User, task: &TaskId) -> StoreResult<()> {
    if user.role != UserRole::Clinician {
        return Ok(());
    }
    match store.task(&user.org_id, task)? {
        Some(found) if found.owner_id.as_ref() == Some(&user.id) => Ok(()),
        _ => Err(not_found_task()),
    }
}

/// Completes `task` as `user`, with an optional note; the task as it now is.
pub fn complete_task(
    store: &Store,
    user: &User,
    task: &TaskId,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Task> {
    check_may_work_task(store, user, task)?;
    store.complete_task(&user.org_id, task, &user.id, note, now)?;
    store.task(&user.org_id, task)?.ok_or_else(not_found_task)
}

/// Gives `task` to `owner`; the task as it now is.
pub fn reassign_task(
    store: &Store,
    user: &User,
    task: &TaskId,
    owner: &UserId,
    now: DateTime<Utc>,
) -> StoreResult<Task> {
    store.reassign_task(&user.org_id, task, owner, now)?;
    store.task(&user.org_id, task)?.ok_or_else(not_found_task)
}

/// Assigns `person` to `case` in `role`, or clears the role when `person` is `None`.
pub fn assign(
    store: &Store,
    user: &User,
    case: &CaseId,
    role: UserRole,
    person: Option<&UserId>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    store.assign(&user.org_id, case, role, person, now)
}

/// Opens `review` on every case `selection` picks that does not have it yet, as `user`.
pub fn open_reviews(
    store: &Store,
    user: &User,
    selection: &CaseSelection,
    review: &ReviewTask,
    now: DateTime<Utc>,
) -> StoreResult<ReviewOutcome> {
    store.open_review_tasks(&user.org_id, selection, review, Some(&user.id), now)
}
