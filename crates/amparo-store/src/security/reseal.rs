//! Bringing stored sensitive values under the current key: at the first start with encryption
//! (values written before it are sealed) and after `amparo key rotate` (values under an older key
//! are re-encrypted, and blind indexes recomputed). Work goes case by case in short transactions,
//! so readers and writers carry on meanwhile; a value is only ever replaced by the same plaintext
//! sealed under the current key.

use crate::cases::{self, identifiers};
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::meta;
use crate::model::{CaseId, OrgId};
use crate::security::seal::{self, Field, Sealer};

/// The meta key holding the key canary.
const CANARY_META_KEY: &str = "key_canary";

const SELECT_CASES_AFTER: &str = "SELECT org_id, id FROM cases WHERE (org_id > $1 OR (org_id = $1 AND id > $2)) \
     ORDER BY org_id, id LIMIT $3";
const SELECT_CASE_MEDICAL: &str = "SELECT medical FROM cases WHERE org_id = $1 AND id = $2";
const UPDATE_CASE_MEDICAL: &str = "UPDATE cases SET medical = $3 WHERE org_id = $1 AND id = $2";
const SELECT_CASE_TRIAGE: &str = "SELECT triage FROM cases WHERE org_id = $1 AND id = $2";
const UPDATE_CASE_TRIAGE: &str = "UPDATE cases SET triage = $3 WHERE org_id = $1 AND id = $2";
const SELECT_CASE_CLOSE_NOTE: &str = "SELECT close_note FROM cases WHERE org_id = $1 AND id = $2";
const UPDATE_CASE_CLOSE_NOTE: &str = "UPDATE cases SET close_note = $3 WHERE org_id = $1 AND id = $2";
const SELECT_ESCALATION_REASONS: &str =
    "SELECT id, reason FROM escalations WHERE org_id = $1 AND case_id = $2 ORDER BY id";
const UPDATE_ESCALATION_REASON: &str = "UPDATE escalations SET reason = $3 WHERE org_id = $1 AND id = $2";
const SELECT_PEOPLE_SEALED: &str =
    "SELECT position, birth_date, a_number FROM people WHERE org_id = $1 AND case_id = $2 ORDER BY position";
const UPDATE_PERSON_SEALED: &str =
    "UPDATE people SET birth_date = $4, a_number = $5 WHERE org_id = $1 AND case_id = $2 AND position = $3";
const UPDATE_EVENT_BODY: &str = "UPDATE events SET body = $4 WHERE org_id = $1 AND case_id = $2 AND seq = $3";
const SELECT_TASK_NOTES: &str =
    "SELECT id, note FROM tasks WHERE org_id = $1 AND case_id = $2 AND note IS NOT NULL ORDER BY id";
const UPDATE_TASK_NOTE: &str = "UPDATE tasks SET note = $3 WHERE org_id = $1 AND id = $2";
const COUNT_STALE_IDENTIFIERS: &str =
    "SELECT COUNT(*) FROM identifiers WHERE org_id = $1 AND case_id = $2 AND key_id <> $3";

/// Refuses keys that cannot read this database; stores a canary the first time.
pub fn adopt_keys(tx: &mut dyn Tx, sealer: &Sealer) -> StoreResult<()> {
    match meta::get(tx, CANARY_META_KEY)? {
        Some(canary) => sealer.check_canary(&canary),
        None => meta::insert(tx, CANARY_META_KEY, &sealer.canary()?),
    }
}

/// Rewrites the canary under the current key, once every value has been re-encrypted under it, so
/// that dropping the older keys later cannot leave a database its own canary rejects.
pub fn renew_canary(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    signer: &crate::audit::Signer,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    meta::update(tx, CANARY_META_KEY, &sealer.canary()?)?;
    let key = sealer.current_key_id().to_string();
    let entry = crate::audit::Entry {
        chain: crate::audit::INSTALLATION,
        actor: None,
        action: "key.rotated",
        target: &key,
        detail: serde_json::json!({ "key_id": key }),
    };
    crate::audit::append(tx, signer, entry, now)
}

/// Where a pass over the cases resumes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub org_id: String,
    pub case_id: String,
}

/// The next `limit` cases after `after`, in (organisation, id) order.
pub fn next_cases(tx: &mut dyn Tx, after: &Cursor, limit: i64) -> StoreResult<Vec<Cursor>> {
    tx.query(
        SELECT_CASES_AFTER,
        &[after.org_id.as_str().into(), after.case_id.as_str().into(), limit.into()],
    )?
    .iter()
    .map(|r| Ok(Cursor { org_id: r.text(0)?, case_id: r.text(1)? }))
    .collect()
}

/// Brings one case's sealed values and blind indexes under the current key; returns how many
/// values it rewrote.
pub fn reseal_case(tx: &mut dyn Tx, sealer: &Sealer, at: &Cursor) -> StoreResult<usize> {
    let (org, case) = (at.org_id.as_str(), at.case_id.as_str());
    let key = [org.into(), case.into()];
    let mut rewritten = 0;

    if let Some(row) = tx.query_opt(SELECT_CASE_MEDICAL, &key)?
        && let Some(stored) = row.opt_text(0)?
        && sealer.needs_reseal(&stored)
    {
        let plain = sealer.open(Field::CaseMedical, org, case, &stored)?;
        let sealed = sealer.seal(Field::CaseMedical, org, case, &plain)?;
        tx.execute(UPDATE_CASE_MEDICAL, &[org.into(), case.into(), sealed.into()])?;
        rewritten += 1;
    }

    if let Some(row) = tx.query_opt(SELECT_CASE_TRIAGE, &key)?
        && let Some(stored) = row.opt_text(0)?
        && sealer.needs_reseal(&stored)
    {
        let plain = sealer.open(Field::CaseTriage, org, case, &stored)?;
        let sealed = sealer.seal(Field::CaseTriage, org, case, &plain)?;
        tx.execute(UPDATE_CASE_TRIAGE, &[org.into(), case.into(), sealed.into()])?;
        rewritten += 1;
    }

    if let Some(row) = tx.query_opt(SELECT_CASE_CLOSE_NOTE, &key)?
        && let Some(stored) = row.opt_text(0)?
        && sealer.needs_reseal(&stored)
    {
        let plain = sealer.open(Field::CaseCloseNote, org, case, &stored)?;
        let sealed = sealer.seal(Field::CaseCloseNote, org, case, &plain)?;
        tx.execute(UPDATE_CASE_CLOSE_NOTE, &[org.into(), case.into(), sealed.into()])?;
        rewritten += 1;
    }

    for row in tx.query(SELECT_ESCALATION_REASONS, &key)? {
        let (escalation, stored) = (row.text(0)?, row.text(1)?);
        if sealer.needs_reseal(&stored) {
            let plain = sealer.open(Field::EscalationReason, org, &escalation, &stored)?;
            let sealed = sealer.seal(Field::EscalationReason, org, &escalation, &plain)?;
            tx.execute(UPDATE_ESCALATION_REASON, &[org.into(), escalation.into(), sealed.into()])?;
            rewritten += 1;
        }
    }

    for row in tx.query(SELECT_PEOPLE_SEALED, &key)? {
        let position = row.int(0)?;
        let row_id = seal::person_row(case, position);
        let mut changed = false;
        let mut reseal = |field: Field, stored: Option<String>| -> StoreResult<Option<String>> {
            match stored {
                Some(s) if sealer.needs_reseal(&s) => {
                    changed = true;
                    let plain = sealer.open(field, org, &row_id, &s)?;
                    sealer.seal(field, org, &row_id, &plain).map(Some)
                }
                other => Ok(other),
            }
        };
        let birth_date = reseal(Field::PersonBirthDate, row.opt_text(1)?)?;
        let a_number = reseal(Field::PersonANumber, row.opt_text(2)?)?;
        if changed {
            tx.execute(
                UPDATE_PERSON_SEALED,
                &[org.into(), case.into(), position.into(), birth_date.into(), a_number.into()],
            )?;
            rewritten += 1;
        }
    }

    for row in tx.query(cases::SELECT_EVENT_BODIES, &key)? {
        let (stored, seq) = (row.text(0)?, row.int(1)?);
        if sealer.needs_reseal(&stored) {
            let row_id = seal::event_row(case, seq);
            let plain = sealer.open(Field::EventBody, org, &row_id, &stored)?;
            let sealed = sealer.seal(Field::EventBody, org, &row_id, &plain)?;
            tx.execute(UPDATE_EVENT_BODY, &[org.into(), case.into(), seq.into(), sealed.into()])?;
            rewritten += 1;
        }
    }

    for row in tx.query(SELECT_TASK_NOTES, &key)? {
        let (task, stored) = (row.text(0)?, row.text(1)?);
        if sealer.needs_reseal(&stored) {
            let plain = sealer.open(Field::TaskNote, org, &task, &stored)?;
            let sealed = sealer.seal(Field::TaskNote, org, &task, &plain)?;
            tx.execute(UPDATE_TASK_NOTE, &[org.into(), task.into(), sealed.into()])?;
            rewritten += 1;
        }
    }

    rewritten += crate::notes::reseal(tx, sealer, (org, case))?;
    rewritten += crate::contacts::reseal(tx, sealer, (org, case))?;
    rewritten += cases::history::reseal(tx, sealer, org, case)?;
    rewritten += cases::voids::reseal(tx, sealer, org, case)?;
    rewritten += crate::attachments::rows::reseal(tx, sealer, (org, case))?;

    // Blind indexes cannot be re-keyed without the identifiers: rebuild them from the case itself.
    let current = sealer.current_key_id().to_string();
    let stale_index = tx.query_int(COUNT_STALE_IDENTIFIERS, &[org.into(), case.into(), current.into()])? > 0;
    if rewritten > 0 || stale_index {
        let (org_id, case_id) = (OrgId(org.to_owned()), CaseId(case.to_owned()));
        let stored = cases::case(tx, sealer, &org_id, &case_id)?
            .ok_or_else(|| StoreError::Backend(format!("case {case} vanished while re-encrypting")))?;
        tx.execute(identifiers::DELETE_IDENTIFIERS, &key)?;
        identifiers::index_case_identifiers(tx, sealer, (&org_id, &case_id), &stored.file)?;
    }
    Ok(rewritten)
}
