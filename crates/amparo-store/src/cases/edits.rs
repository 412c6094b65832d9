//! Editing a case after intake: its reference, programme, medical profile and people, as the
//! domain's [`CaseEdit`] describes. One transaction checks the data rules, refuses a stale version,
//! writes the record, keeps every change in the case's history (sealed) and the audit trail (which
//! fields, never their values), bumps the version and re-derives the case: a birth date or a
//! programme moves deadlines at once.

use amparo_domain::CaseFileError;
use amparo_domain::case_edit::{CaseEdit, HistoryEntry, record_changes};
use amparo_domain::{CaseFile, CaseRecord, Problem};
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::cases::{self, history, identifiers, rows};
use crate::db::{RowLock, Tx, Value};
use crate::derivation::{self, DeriveContext, NextVersion};
use crate::error::{StoreError, StoreResult};
use crate::import::{INSERT_PEOPLE, PERSON_WIDTH, person_values};
use crate::model::{CaseId, StoredCase};
use crate::policy::policy_and_today;
use crate::row_buffer::RowBuffer;
use crate::security::seal::Field;
use crate::{Store, audit};

const UPDATE_CASE_RECORD: &str =
    "UPDATE cases SET reference = $3, program = $4, medical = $5 WHERE org_id = $1 AND id = $2";
const DELETE_PEOPLE: &str = "DELETE FROM people WHERE org_id = $1 AND case_id = $2";

/// The case `actor` writes to, locked for the rest of the transaction and read whole (the audit
/// chain is taken later, with the entry: see [`Store::lock_audit_chain`]); refused when they do not
/// see it, missing, or stale (not at `expected_version`).
pub(crate) fn locked_case(
    store: &Store,
    tx: &mut dyn Tx,
    actor: &Actor,
    case: &CaseId,
    expected_version: i64,
) -> StoreResult<StoredCase> {
    store.lock_row(tx, RowLock::Case, &[actor.org.as_str().into(), case.as_str().into()])?;
    access::check_sees_case(tx, actor, case)?;
    let stored = cases::case(tx, store.sealer(), &actor.org, case)?
        .ok_or_else(|| StoreError::NotFound("case".into()))?;
    if stored.version != expected_version {
        return Err(StoreError::Conflict { expected: expected_version, actual: stored.version });
    }
    Ok(stored)
}

/// Moves `stored` (as it now is) to its next version and re-derives it from its events in force;
/// the new version.
pub(crate) fn bump_and_derive(
    store: &Store,
    tx: &mut dyn Tx,
    stored: &StoredCase,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let (org, case) = (&stored.org_id, &stored.id);
    let settings = policy_and_today(tx, org, now)?;
    let context = DeriveContext::new(settings.today, &settings.policy, store.rule_set(), now, store.sealer());
    // The version moves on in the derivation's update of the case row.
    let next = NextVersion { from: stored.version, at: now };
    derivation::write_derivation(tx, (org, case), &stored.in_force(), &context, (Some(next), None))?;
    Ok(stored.version + 1)
}

/// A record error as a field error, so the web app words it in the reader's language.
pub(crate) fn as_field(error: CaseFileError) -> StoreError {
    match error {
        CaseFileError::Field { path, problem, .. } => StoreError::Field { path, problem },
        other => StoreError::CaseFile(other),
    }
}

/// Writes the record's own fields and, when they changed, its people (rewritten whole, with their
/// sealed fields sealed to their new places, and the case's blind indexes rebuilt).
fn write_record(store: &Store, tx: &mut dyn Tx, stored: &StoredCase, record: &CaseRecord) -> StoreResult<()> {
    let (org, case) = (stored.org_id.as_str(), stored.id.as_str());
    let medical = rows::medical_to_json(&record.medical)?;
    let sealed = store.sealer().seal_opt(Field::CaseMedical, org, case, medical.as_deref())?;
    tx.execute(
        UPDATE_CASE_RECORD,
        &[
            org.into(),
            case.into(),
            record.reference.as_str().into(),
            record.program.as_str().into(),
            sealed.into(),
        ],
    )?;
    if record.people == stored.file.case.people {
        return Ok(());
    }
    let key: [Value; 2] = [org.into(), case.into()];
    tx.execute(DELETE_PEOPLE, &key)?;
    let mut people = RowBuffer::<{ PERSON_WIDTH }>::new(INSERT_PEOPLE);
    for (position, person) in record.people.iter().enumerate() {
        people.push(person_values(store.sealer(), (&key[0], &key[1]), (org, case), person, position)?);
    }
    people.flush(tx)?;
    tx.execute(identifiers::DELETE_IDENTIFIERS, &key)?;
    // Only the people and the timeline are indexed.
    let file =
        CaseFile { case: record.clone(), events: stored.file.events.clone(), extensions: Default::default() };
    identifiers::index_case_identifiers(tx, store.sealer(), (&stored.org_id, &stored.id), &file)
}

impl Store {
    /// Applies `edit` to the case as `actor`, if the case is still at `expected_version`: the record
    /// written, each change kept in the case's history and the audit trail, the case re-derived, all
    /// in one transaction; the new version (the same one when the edit changes nothing, and nothing
    /// is written). Refused: a role that may not make the edit (a clinician changes the medical
    /// profile only, a viewer nothing), a case the actor does not see, a stale version, a reference
    /// another case of the organisation has, and a record the case-file rules refuse.
    pub fn edit_case_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        expected_version: i64,
        edit: &CaseEdit,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.write(|tx| {
            access::check_edits_case(actor, edit)?;
            let mut stored = locked_case(self, tx, actor, case, expected_version)?;
            let record = edit.apply(&stored.file).map_err(as_field)?;
            if record.reference != stored.file.case.reference {
                let taken = tx.query_opt(
                    cases::SELECT_CASE_ID_BY_REFERENCE,
                    &[actor.org.as_str().into(), record.reference.as_str().into()],
                )?;
                if taken.is_some() {
                    let problem = Problem::ReferenceTaken { reference: record.reference.to_string() };
                    return Err(StoreError::field("reference", problem));
                }
            }
            let changes = record_changes(&stored.file.case, &record);
            if changes.is_empty() {
                return Ok(stored.version);
            }
            write_record(self, tx, &stored, &record)?;
            let version = stored.version + 1;
            let entries: Vec<HistoryEntry> = changes
                .into_iter()
                .map(|(action, person, changes)| HistoryEntry {
                    version,
                    action,
                    person,
                    changes,
                    changed_at: now,
                    changed_by: Some(actor.user.as_str().to_owned()),
                })
                .collect();
            history::append(tx, self.sealer(), (actor.org.as_str(), case.as_str()), &entries)?;
            stored.file.case = record;
            let version = bump_and_derive(self, tx, &stored, now)?;
            // Which fields changed, never their values: the audit trail is not sealed.
            let touched: Vec<serde_json::Value> = entries
                .iter()
                .map(|e| {
                    let fields: Vec<&str> = e.changes.iter().map(|c| c.field.as_str()).collect();
                    serde_json::json!({ "action": e.action.as_str(), "person": e.person, "fields": fields })
                })
                .collect();
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "case.edited",
                target: case.as_str(),
                detail: serde_json::json!({ "version": version, "changes": touched }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(version)
        })
    }
}
