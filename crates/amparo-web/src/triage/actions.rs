//! What the triage pages and the triage API both do, written once: completing and reassigning a
//! task, assigning someone to a case, and opening a programme-wide review. Each passes the signed-in
//! user to the store as the acting person; the data rules of tasks (a clinician completes only their
//! own; a task goes only to someone who can work it) are checked by the store in the transaction that
//! writes (`amparo_store::access`).

use amparo_domain::org::UserRole;
use amparo_store::{
    Actor, CaseId, CaseSelection, ReviewOutcome, ReviewTask, Store, StoreResult, Task, TaskId, User, UserId,
};
use chrono::{DateTime, Utc};

/// Completes `task` as `user`, with an optional note; the task as it now is.
pub fn complete_task(
    store: &Store,
    user: &User,
    task: &TaskId,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Task> {
    store.complete_task_as(&Actor::of(user), task, note, now)
}

/// Gives `task` to `owner`; the task as it now is.
pub fn reassign_task(
    store: &Store,
    user: &User,
    task: &TaskId,
    owner: &UserId,
    now: DateTime<Utc>,
) -> StoreResult<Task> {
    store.reassign_task_as(&Actor::of(user), task, owner, now)
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
    store.assign_as(&Actor::of(user), case, role, person, now)
}

/// Opens `review` on every case `selection` picks that does not have it yet, as `user`.
pub fn open_reviews(
    store: &Store,
    user: &User,
    selection: &CaseSelection,
    review: &ReviewTask,
    now: DateTime<Utc>,
) -> StoreResult<ReviewOutcome> {
    store.open_review_tasks_as(&Actor::of(user), selection, review, now)
}
