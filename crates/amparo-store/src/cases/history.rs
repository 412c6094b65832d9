//! A case's history after intake: each edit of its record as the `case_history` table keeps it —
//! the version it made, what it touched, the fields before and after (sealed: they copy birth dates,
//! A-numbers and medical facts), who made it and when.

use amparo_domain::case_edit::{FieldChange, HistoryAction, HistoryEntry};
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::columns::{corrupt, from_millis, millis};
use crate::db::{Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::model::CaseId;
use crate::security::seal::{Field, Sealer};
use crate::{Store, audit};

const SELECT_HISTORY: &str = "SELECT seq, version, action, subject, changes, changed_at, changed_by \
     FROM case_history WHERE org_id = $1 AND case_id = $2 ORDER BY seq";
const NEXT_HISTORY_SEQ: &str =
    "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_history WHERE org_id = $1 AND case_id = $2";
/// Multi-row INSERT head of history entries (see `RowBuffer`), and its column count.
pub(crate) const INSERT_HISTORY: &str = "INSERT INTO case_history (org_id, case_id, seq, version, action, subject, changes, changed_at, changed_by)";
pub(crate) const HISTORY_WIDTH: usize = 9;

/// The row id a history entry's changes are sealed to.
fn history_row(case: &str, seq: i64) -> String {
    format!("{case}/h{seq}")
}

/// A history entry's row (its `seq` from 1 within the case), its changes sealed.
pub(crate) fn history_values(
    sealer: &Sealer,
    (org, case): (&str, &str),
    seq: i64,
    entry: &HistoryEntry,
) -> StoreResult<[Value; HISTORY_WIDTH]> {
    let changes = serde_json::to_string(&entry.changes)?;
    let sealed = sealer.seal(Field::CaseHistoryChanges, org, &history_row(case, seq), &changes)?;
    Ok([
        org.into(),
        case.into(),
        seq.into(),
        entry.version.into(),
        entry.action.as_str().into(),
        entry.person.as_deref().into(),
        sealed.into(),
        millis(entry.changed_at).into(),
        entry.changed_by.as_deref().into(),
    ])
}

/// Appends `entries` to the case's history.
pub(crate) fn append(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, case): (&str, &str),
    entries: &[HistoryEntry],
) -> StoreResult<()> {
    let next = tx.query_opt(NEXT_HISTORY_SEQ, &[org.into(), case.into()])?.map(|r| r.int(0)).transpose()?;
    let mut rows = crate::row_buffer::RowBuffer::<{ HISTORY_WIDTH }>::new(INSERT_HISTORY);
    for (seq, entry) in (next.unwrap_or(1)..).zip(entries) {
        rows.push(history_values(sealer, (org, case), seq, entry)?);
    }
    rows.flush(tx)?;
    Ok(())
}

/// The case's history, oldest first, its changes opened.
pub(crate) fn history(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &str,
    case: &str,
) -> StoreResult<Vec<HistoryEntry>> {
    tx.query(SELECT_HISTORY, &[org.into(), case.into()])?
        .iter()
        .map(|r| {
            let seq = r.int(0)?;
            let action = r.text(2)?;
            let changes =
                sealer.open(Field::CaseHistoryChanges, org, &history_row(case, seq), &r.text(4)?)?;
            let changes: Vec<FieldChange> = serde_json::from_str(&changes)?;
            Ok(HistoryEntry {
                version: r.int(1)?,
                action: HistoryAction::parse(&action).ok_or_else(|| corrupt("history action", &action))?,
                person: r.opt_text(3)?,
                changes,
                changed_at: from_millis(r.int(5)?),
                changed_by: r.opt_text(6)?,
            })
        })
        .collect()
}

impl Store {
    /// The history of the case `id` as `actor` reads it, oldest first, with the read written to the
    /// audit trail in the same transaction; a case they do not see is refused.
    pub fn case_history_as(
        &self,
        actor: &Actor,
        id: &CaseId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<HistoryEntry>> {
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            access::check_sees_case(tx, actor, id)?;
            if !crate::cases::exists(tx, &actor.org, id)? {
                return Err(StoreError::NotFound("case".into()));
            }
            let entries = history(tx, self.sealer(), actor.org.as_str(), id.as_str())?;
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "case.history.read",
                target: id.as_str(),
                detail: serde_json::json!({}),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(entries)
        })
    }

    /// The history of the case `id`, oldest first (for export and for the case page, which audits
    /// its read of the case already).
    pub fn case_history(&self, org: &crate::model::OrgId, id: &CaseId) -> StoreResult<Vec<HistoryEntry>> {
        self.read(|tx| history(tx, self.sealer(), org.as_str(), id.as_str()))
    }
}

const SELECT_HISTORY_SEALED: &str =
    "SELECT seq, changes FROM case_history WHERE org_id = $1 AND case_id = $2";
const UPDATE_HISTORY_CHANGES: &str =
    "UPDATE case_history SET changes = $4 WHERE org_id = $1 AND case_id = $2 AND seq = $3";

/// Brings the case's history under the current key (a key rotation); how many entries it rewrote.
pub(crate) fn reseal(tx: &mut dyn Tx, sealer: &Sealer, org: &str, case: &str) -> StoreResult<usize> {
    let mut rewritten = 0;
    for row in tx.query(SELECT_HISTORY_SEALED, &[org.into(), case.into()])? {
        let (seq, stored) = (row.int(0)?, row.text(1)?);
        if sealer.needs_reseal(&stored) {
            let row_id = history_row(case, seq);
            let plain = sealer.open(Field::CaseHistoryChanges, org, &row_id, &stored)?;
            let sealed = sealer.seal(Field::CaseHistoryChanges, org, &row_id, &plain)?;
            tx.execute(UPDATE_HISTORY_CHANGES, &[org.into(), case.into(), seq.into(), sealed.into()])?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}
