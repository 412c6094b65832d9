//! Sharing or un-sharing a case with a clinician, written once for the case page and the API. It
//! takes the store and the signed-in user, so any check and the write can later share one store
//! transaction without touching the callers.

use amparo_store::{CaseId, Store, StoreResult, User, UserId};
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
    store.set_case_shared(&user.org_id, case, clinician, shared, Some(&user.id), now)
}
