//! What the note and contact pages and their API both do, written once: each passes the signed-in
//! user to the store as the acting person, and the store checks the data rules in the transaction
//! that reads or writes (and writes the audit entry there).

use amparo_domain::contacts::Contacts;
use amparo_domain::notes::{CaseNote, NewNote};
use amparo_store::{Actor, CaseId, Store, StoreResult, User};
use chrono::{DateTime, Utc};

/// Writes `note` on `case` as `user`.
pub fn add_note(
    store: &Store,
    user: &User,
    case: &CaseId,
    note: &NewNote,
    now: DateTime<Utc>,
) -> StoreResult<CaseNote> {
    store.add_note_as(&Actor::of(user), case, note, now)
}

/// Pins or unpins note `seq` of `case` as `user`.
pub fn pin_note(
    store: &Store,
    user: &User,
    case: &CaseId,
    seq: i64,
    pinned: bool,
    now: DateTime<Utc>,
) -> StoreResult<CaseNote> {
    store.set_note_pinned_as(&Actor::of(user), case, seq, pinned, now)
}

/// The notes of `case` as `user` reads them through the API, the read audited.
pub fn read_notes(
    store: &Store,
    user: &User,
    case: &CaseId,
    now: DateTime<Utc>,
) -> StoreResult<Vec<CaseNote>> {
    store.case_notes_as(&Actor::of(user), case, "api", now)
}

/// The case's version and contacts as `user` reads them through the API, the read audited.
pub fn read_contacts(
    store: &Store,
    user: &User,
    case: &CaseId,
    now: DateTime<Utc>,
) -> StoreResult<(i64, Contacts)> {
    store.case_contacts_as(&Actor::of(user), case, "api", now)
}

/// Replaces the contacts of `case` as `user` if the case is still at `expected_version`; the new version.
pub fn save_contacts(
    store: &Store,
    user: &User,
    case: &CaseId,
    expected_version: i64,
    contacts: Contacts,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    store.set_case_contacts_as(&Actor::of(user), case, expected_version, contacts, now)
}
