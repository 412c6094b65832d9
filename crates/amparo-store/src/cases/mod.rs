//! Cases as stored: reading one whole (its people and timeline, sealed fields opened), listing their
//! references, and appending to a timeline (`events`). Writing new cases is `import`; the list with
//! search and paging is `case_list`.

pub mod answers;
pub mod closure;
pub mod edits;
pub mod events;
pub mod history;
pub mod identifiers;
mod many;
pub mod page_reads;
pub mod recordings;
pub mod rows;
pub mod voids;

use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::db::{Row, Tx};
use crate::derivation::{StoredRow, stored_row_columns};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, StoredCase};
use crate::security::seal::{self, Field, Sealer};
use crate::{Store, audit};
use rows::{CaseRow, PersonRow};

pub(crate) use many::{RunCase, cases_after, stale_cases};

const CASE_COLUMNS: &str = "id, org_id, reference, program, version, medical, created_at, updated_at, \
     closed_at, close_reason, close_note";
/// How many columns [`CASE_COLUMNS`] names.
const CASE_COLUMN_COUNT: usize = 11;
const SELECT_PEOPLE: &str = "SELECT position, key, role, given_name, family_name, birth_date, a_number, \
     citizenship, preferred_language FROM people WHERE org_id = $1 AND case_id = $2 ORDER BY position";
pub(crate) const SELECT_EVENT_BODIES: &str =
    "SELECT body, seq FROM events WHERE org_id = $1 AND case_id = $2 ORDER BY seq";
/// A case's timeline and its voids in one statement: each event's body and number, then its void's
/// columns as [`voids::void`] reads them from column 1 on (null for an event in force). Voids are
/// few, so the join costs a lookup per event where a statement of their own cost a round trip.
const SELECT_TIMELINE: &str = "SELECT e.body, e.seq, e.event_id, v.reason, v.voided_at, v.voided_by \
     FROM events e LEFT JOIN event_voids v ON v.org_id = $1 AND v.case_id = $2 AND v.seq = e.seq \
     WHERE e.org_id = $1 AND e.case_id = $2 ORDER BY e.seq";
const SELECT_CASE_REFERENCES: &str = "SELECT id, reference FROM cases WHERE org_id = $1 ORDER BY reference";
const SELECT_REFERENCES_LIKE: &str = "SELECT reference FROM cases WHERE org_id = $1 AND reference LIKE $2";
/// Whether a case exists: its version, or no row.
const CASE_VERSION: &str = "SELECT version FROM cases WHERE org_id = $1 AND id = $2";
pub(crate) const SELECT_CASE_ID_BY_REFERENCE: &str =
    "SELECT id FROM cases WHERE org_id = $1 AND reference = $2";
pub(crate) const CASE_REFERENCE: &str = "SELECT reference FROM cases WHERE org_id = $1 AND id = $2";

fn select_case() -> String {
    format!("SELECT {CASE_COLUMNS} FROM cases WHERE org_id = $1 AND id = $2")
}

fn select_case_by_reference() -> String {
    format!("SELECT {CASE_COLUMNS} FROM cases WHERE org_id = $1 AND reference = $2")
}

/// Whether the organisation has the case.
pub(crate) fn exists(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<bool> {
    Ok(tx.query_opt(CASE_VERSION, &[org.as_str().into(), case.as_str().into()])?.is_some())
}

fn case_row(r: &Row) -> StoreResult<CaseRow> {
    Ok(CaseRow {
        id: r.text(0)?,
        org_id: r.text(1)?,
        reference: r.text(2)?,
        program: r.text(3)?,
        version: r.int(4)?,
        medical: r.opt_text(5)?,
        created_at: r.int(6)?,
        updated_at: r.int(7)?,
        closed_at: r.opt_int(8)?,
        close_reason: r.opt_text(9)?,
        close_note: r.opt_text(10)?,
    })
}

fn assemble(tx: &mut dyn Tx, sealer: &Sealer, row: Option<Row>) -> StoreResult<Option<StoredCase>> {
    let Some(row) = row else { return Ok(None) };
    let case = case_row(&row)?;
    let key = [case.org_id.as_str().into(), case.id.as_str().into()];
    let people = tx.query(SELECT_PEOPLE, &key)?;
    let events = tx.query(SELECT_TIMELINE, &key)?;
    let mut voids = Vec::new();
    for event in &events {
        if event.opt_text(3)?.is_some() {
            voids.push(voids::void(event, 1, sealer, (&case.org_id, &case.id))?);
        }
    }
    Ok(Some(build(sealer, case, (&people, 0), (&events, 0), voids)?))
}

/// A case from its row and the rows of its people and events (each read from column `at` on: a
/// read of many cases puts the case id first), sealed fields opened.
fn build(
    sealer: &Sealer,
    mut case: CaseRow,
    (people, people_at): (&[Row], usize),
    (events, events_at): (&[Row], usize),
    voids: Vec<amparo_domain::case_edit::EventVoid>,
) -> StoreResult<StoredCase> {
    let (org, id) = (case.org_id.clone(), case.id.clone());
    case.medical = sealer.open_opt(Field::CaseMedical, &org, &id, case.medical.take())?;
    case.close_note = sealer.open_opt(Field::CaseCloseNote, &org, &id, case.close_note.take())?;
    let people = people
        .iter()
        .map(|r| {
            let at = people_at;
            let position = r.int(at)?;
            let row_id = seal::person_row(&id, position);
            Ok(PersonRow {
                position,
                key: r.text(at + 1)?,
                role: r.text(at + 2)?,
                given_name: r.text(at + 3)?,
                family_name: r.text(at + 4)?,
                birth_date: sealer.open_opt(Field::PersonBirthDate, &org, &row_id, r.opt_text(at + 5)?)?,
                a_number: sealer.open_opt(Field::PersonANumber, &org, &row_id, r.opt_text(at + 6)?)?,
                citizenship: r.opt_text(at + 7)?,
                preferred_language: r.opt_text(at + 8)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let at = events_at;
    let events = events
        .iter()
        .map(|r| sealer.open(Field::EventBody, &org, &seal::event_row(&id, r.int(at + 1)?), &r.text(at)?))
        .collect::<StoreResult<Vec<_>>>()?;
    let mut stored = rows::assemble_case(case, people, events)?;
    stored.file.extensions.voids = voids;
    Ok(stored)
}

pub(crate) fn case(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    id: &CaseId,
) -> StoreResult<Option<StoredCase>> {
    let row = tx.query_opt(&select_case(), &[org.as_str().into(), id.as_str().into()])?;
    assemble(tx, sealer, row)
}

/// A case as a writer read it, with what its derivation reads of its row when the writer read that
/// too (`None`: the derivation reads it).
pub(crate) struct CaseAsRead {
    pub case: StoredCase,
    pub row: Option<StoredRow>,
}

/// The case, its row locked for the rest of the transaction as [`crate::db::RowLock::Case`] locks it:
/// the lock, the case's row and what its derivation reads of the row in one statement where the
/// engine locks rows, then the case's people, timeline and voids.
pub(crate) fn locked_case(
    store: &Store,
    tx: &mut dyn Tx,
    org: &OrgId,
    id: &CaseId,
) -> StoreResult<Option<CaseAsRead>> {
    let key = [org.as_str().into(), id.as_str().into()];
    let columns = format!("{CASE_COLUMNS}, {}", stored_row_columns());
    let row = match store.engine().locked_case_select(&columns) {
        Some(select) => tx.query_opt(&select, &key)?,
        None => {
            store.lock_row(tx, crate::db::RowLock::Case, &key)?;
            tx.query_opt(&format!("SELECT {columns} FROM cases WHERE org_id = $1 AND id = $2"), &key)?
        }
    };
    let derivation_row = row.as_ref().map(|row| StoredRow::at(row, CASE_COLUMN_COUNT)).transpose()?;
    let case = assemble(tx, store.sealer(), row)?;
    Ok(case.map(|case| CaseAsRead { case, row: derivation_row }))
}

fn case_by_reference(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    reference: &str,
) -> StoreResult<Option<StoredCase>> {
    let row = tx.query_opt(&select_case_by_reference(), &[org.as_str().into(), reference.into()])?;
    assemble(tx, sealer, row)
}

impl Store {
    pub fn case(&self, org: &OrgId, id: &CaseId) -> StoreResult<Option<StoredCase>> {
        self.read(|tx| case(tx, self.sealer(), org, id))
    }

    /// The case `id` as `actor` reads it (`via` the page, the print view or the API), with the read
    /// written to the audit trail in the same transaction, after checking that they see it: a case
    /// unshared a moment before is refused, and nothing is recorded.
    pub fn read_case_as(
        &self,
        actor: &Actor,
        id: &CaseId,
        via: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredCase> {
        self.write(|tx| {
            // Sharing changes commit holding the chain too, so the check below sees the latest one.
            self.lock_audit_chain(tx, actor.org.as_str())?;
            access::check_sees_case(tx, actor, id)?;
            let found = case(tx, self.sealer(), &actor.org, id)?
                .ok_or_else(|| StoreError::NotFound("case".into()))?;
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "case.read",
                target: id.as_str(),
                detail: serde_json::json!({ "via": via }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(found)
        })
    }

    pub fn case_by_reference(&self, org: &OrgId, reference: &str) -> StoreResult<Option<StoredCase>> {
        self.read(|tx| case_by_reference(tx, self.sealer(), org, reference))
    }

    /// The organisation's references matching the `LIKE` pattern, in no order (intake reads those of
    /// the current year to offer the next one).
    pub fn references_like(&self, org: &OrgId, pattern: &str) -> StoreResult<Vec<String>> {
        self.read(|tx| {
            tx.query(SELECT_REFERENCES_LIKE, &[org.as_str().into(), pattern.into()])?
                .iter()
                .map(|r| r.text(0))
                .collect()
        })
    }

    /// Every case of the organisation in reference order, for export.
    pub fn case_references(&self, org: &OrgId) -> StoreResult<Vec<(CaseId, String)>> {
        self.read(|tx| {
            tx.query(SELECT_CASE_REFERENCES, &[org.as_str().into()])?
                .iter()
                .map(|r| Ok((CaseId(r.text(0)?), r.text(1)?)))
                .collect()
        })
    }
}
