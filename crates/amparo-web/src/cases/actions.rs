//! What the case pages and the case API both do, written once: reading a case (with the visibility
//! rule and the audit entry), recording an event, and closing and reopening a case. Each passes the
//! signed-in user to the store as the acting person, and the store checks the data rule in the
//! transaction that writes.

use amparo_domain::Event;
use amparo_store::{Actor, CaseId, Refusal, Store, StoreError, StoreResult, StoredCase, User};
use chrono::{DateTime, Utc};

/// The case `id` if `user` may see it, with the read written to the audit trail (`via` the page,
/// the print view or the API); `None` when there is no such case for them.
pub fn read_case(
    store: &Store,
    user: &User,
    id: &CaseId,
    via: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<StoredCase>> {
    match store.read_case_as(&Actor::of(user), id, via, now) {
        Ok(case) => Ok(Some(case)),
        Err(StoreError::NotFound(_) | StoreError::Refused(Refusal::CaseHidden)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Records `event` on `case` as `user`, if the case is still at `expected_version`; the new version.
pub fn record_event(
    store: &Store,
    user: &User,
    case: &CaseId,
    expected_version: i64,
    event: &Event,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    store.append_event_as(&Actor::of(user), case, expected_version, event, now)
}

/// Closes `case` as `user`, if it is still at the request's version; the new version.
pub fn close_case(
    store: &Store,
    user: &User,
    case: &CaseId,
    request: &amparo_store::CloseRequest,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    store.close_case_as(&Actor::of(user), case, request, now)
}

/// Reopens `case` as `user`, if it is still at `expected_version`; the new version.
pub fn reopen_case(
    store: &Store,
    user: &User,
    case: &CaseId,
    expected_version: i64,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    store.reopen_case_as(&Actor::of(user), case, expected_version, now)
}
