//! Marking notices read, written once for the page and the API: only the reader's own notices.

use amparo_store::{Actor, NotificationId, Store, StoreResult, User};
use chrono::{DateTime, Utc};

/// Marks `notice` read for `user`, or every one of their notices when `notice` is `None`.
pub fn mark_read(
    store: &Store,
    user: &User,
    notice: Option<&NotificationId>,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    store.mark_read_as(&Actor::of(user), notice, now)
}
