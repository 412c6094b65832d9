//! What the case pages and the case API both do, written once: reading a case (with the visibility
//! rule and the audit entry) and recording an event. Each takes the store and the signed-in user, so
//! the check and the write can later share one store transaction without touching the callers.

use amparo_domain::Event;
use amparo_store::{CaseId, Store, StoreResult, StoredCase, User};
use chrono::{DateTime, Utc};

use crate::cases::visibility;

/// The case `id` if `user` may see it, with the read written to the audit trail (`via` the page,
/// the print view or the API); `None` when there is no such case for them.
pub fn read_case(
    store: &Store,
    user: &User,
    id: &CaseId,
    via: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<StoredCase>> {
    if !visibility::may_see(store, user, id)? {
        return Ok(None);
    }
    let Some(case) = store.case(&user.org_id, id)? else { return Ok(None) };
    store.record_audit(&user.org_id, &visibility::case_read(user, id, via), now)?;
    Ok(Some(case))
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
    store.append_event(&user.org_id, case, expected_version, event, Some(&user.id), now)
}
