//! What the edit pages and the API both do, written once: edit a case's record, void an event, read
//! the history. Each passes the signed-in user to the store as the acting person.

use amparo_domain::case_edit::{CaseEdit, HistoryEntry};
use amparo_store::{Actor, CaseId, Refusal, Store, StoreError, StoreResult, User};
use chrono::{DateTime, Utc};

/// Applies `edit` to `case` as `user`, if the case is still at `expected_version`; the new version.
pub fn edit_case(
    store: &Store,
    user: &User,
    case: &CaseId,
    expected_version: i64,
    edit: &CaseEdit,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    store.edit_case_as(&Actor::of(user), case, expected_version, edit, now)
}

/// Voids the event `event_id` of `case` as `user`, with `reason`; the new version.
pub fn void_event(
    store: &Store,
    user: &User,
    case: &CaseId,
    expected_version: i64,
    (event_id, reason): (&str, &str),
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    store.void_event_as(&Actor::of(user), case, expected_version, event_id, reason, now)
}

/// The case's history as `user` reads it (audited); `None` when there is no such case for them.
pub fn history(
    store: &Store,
    user: &User,
    case: &CaseId,
    now: DateTime<Utc>,
) -> StoreResult<Option<Vec<HistoryEntry>>> {
    match store.case_history_as(&Actor::of(user), case, now) {
        Ok(entries) => Ok(Some(entries)),
        Err(StoreError::NotFound(_) | StoreError::Refused(Refusal::CaseHidden)) => Ok(None),
        Err(other) => Err(other),
    }
}
