//! Sharing or un-sharing a case with a clinician, written once for the case page and the API. The
//! signed-in user is passed to the store as the acting person, which checks that they see the case
//! in the transaction that writes.

use amparo_store::{Actor, CaseId, Store, StoreResult, User, UserId};
use chrono::{DateTime, Utc};

/// Shares `case` with `clinician` (or stops sharing it, `shared` false) on behalf of `user`; the
/// store records the change in the audit trail.
pub fn set_shared(
    store: &Store,
    user: &User,
    case: &CaseId,
    clinician: &UserId,
    shared: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    store.set_case_shared_as(&Actor::of(user), case, clinician, shared, now)
}
