//! Closing and reopening a case. Each is a write at the version the person read (a stale one is
//! refused), made by someone whose role records events and who sees the case, audited, and followed
//! by a re-derivation in the same transaction: a closed case derives no deadline, so it leaves the
//! board, the dashboard, reminders and the calendar at once.
//!
//! Escalations are **suspended**, not resolved: closing closes the case's open escalations with the
//! reason [`CASE_CLOSED`], and reopening opens exactly those again before re-deriving, which then
//! closes any the timeline resolved meanwhile and opens any new one. Every open task of a closed case
//! (a review's too) is left out of task lists, feeds, overdue notices and digests (`closed_at`).

use amparo_domain::case_file::MAX_NOTE_TEXT;
use amparo_domain::{CloseReason, Closure};
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::cases;
use crate::columns::millis;
use crate::db::{RowLock, Tx};
use crate::derivation::{self, DeriveContext};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, StoredCase, UserId};
use crate::policy::policy_and_today;
use crate::security::seal::Field;
use crate::{Store, audit};

/// The close reason of an escalation suspended because its case closed.
pub const CASE_CLOSED: &str = "case_closed";

const CLOSE_CASE: &str = "UPDATE cases SET closed_at = $4, closed_by = $5, close_reason = $6, close_note = $7, \
     version = version + 1, updated_at = $4 WHERE org_id = $1 AND id = $2 AND version = $3";
const REOPEN_CASE: &str = "UPDATE cases SET closed_at = NULL, closed_by = NULL, close_reason = NULL, \
     close_note = NULL, version = version + 1, updated_at = $4 WHERE org_id = $1 AND id = $2 AND version = $3";
const OPEN_ESCALATIONS: &str = "SELECT id FROM escalations \
     WHERE org_id = $1 AND case_id = $2 AND closed_at IS NULL ORDER BY id";
const SUSPEND_ESCALATIONS: &str = "UPDATE escalations SET closed_at = $3, close_reason = $4 \
     WHERE org_id = $1 AND case_id = $2 AND closed_at IS NULL";
const RESUME_ESCALATIONS: &str = "UPDATE escalations SET closed_at = NULL, close_reason = NULL \
     WHERE org_id = $1 AND case_id = $2 AND close_reason = $3";
const CLOSED_BY: &str = "SELECT closed_by FROM cases WHERE org_id = $1 AND id = $2";

/// What closing a case needs: the version read, the reason and the note as typed.
#[derive(Clone, Debug)]
pub struct CloseRequest {
    pub expected_version: i64,
    pub reason: CloseReason,
    pub note: Option<String>,
}

/// The case, locked and checked to be at `expected_version`.
fn current(
    tx: &mut dyn Tx,
    store: &Store,
    actor: &Actor,
    case: &CaseId,
    expected: i64,
) -> StoreResult<StoredCase> {
    access::check_records_events(actor)?;
    // The case now, the audit chain with the entry (see `Store::lock_audit_chain`).
    store.lock_row(tx, RowLock::Case, &[actor.org.as_str().into(), case.as_str().into()])?;
    access::check_sees_case(tx, actor, case)?;
    let stored = cases::case(tx, store.sealer(), &actor.org, case)?
        .ok_or_else(|| StoreError::NotFound("case".into()))?;
    if stored.version != expected {
        return Err(StoreError::Conflict { expected, actual: stored.version });
    }
    Ok(stored)
}

/// Re-derives `file` of the case as it now is, and records the audit entry of `action`.
fn derive_and_audit(
    tx: &mut dyn Tx,
    store: &Store,
    (actor, case): (&Actor, &CaseId),
    stored: &StoredCase,
    (action, detail): (&str, serde_json::Value),
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let settings = policy_and_today(tx, &actor.org, now)?;
    let context = DeriveContext::new(settings.today, &settings.policy, store.rule_set(), now, store.sealer());
    // Voided events are out of force here as everywhere a case is derived.
    derivation::write_derivation(tx, (&actor.org, case), &stored.in_force(), &context, (None, None))?;
    let entry = audit::Entry {
        chain: actor.org.as_str(),
        actor: Some(&actor.user),
        action,
        target: case.as_str(),
        detail,
    };
    audit::append(tx, &store.audit_signer(), entry, now)
}

/// Closes the case's open escalations with [`CASE_CLOSED`] and queues an `escalation.closed`
/// delivery for each, in the closing's transaction (the case row is locked, so the ones read are
/// the ones closed).
fn suspend_escalations(tx: &mut dyn Tx, (org, case): (&OrgId, &CaseId), now_ms: i64) -> StoreResult<()> {
    let key = [org.as_str().into(), case.as_str().into()];
    let open =
        tx.query(OPEN_ESCALATIONS, &key)?.iter().map(|r| r.text(0)).collect::<StoreResult<Vec<_>>>()?;
    if open.is_empty() {
        return Ok(());
    }
    tx.execute(
        SUSPEND_ESCALATIONS,
        &[org.as_str().into(), case.as_str().into(), now_ms.into(), CASE_CLOSED.into()],
    )?;
    let told: Vec<_> =
        open.iter().map(|id| crate::triage::escalations::escalation_suspended(case, id, now_ms)).collect();
    crate::webhooks::queue(tx, org, &told, now_ms)?;
    Ok(())
}

fn bumped(count: u64) -> StoreResult<()> {
    if count == 1 {
        Ok(())
    } else {
        Err(StoreError::Backend(format!("case version bump touched {count} rows")))
    }
}

impl Store {
    /// Closes `case` for `actor` with a reason and an optional note (required for `other`), if the
    /// case is still at the version they read and open; returns the new version.
    pub fn close_case_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        request: &CloseRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let note =
            amparo_domain::closure::checked_note(request.reason, request.note.as_deref(), MAX_NOTE_TEXT)
                .map_err(|problem| StoreError::field("note", problem))?;
        self.write(|tx| {
            let mut stored = current(tx, self, actor, case, request.expected_version)?;
            if stored.file.extensions.closure.is_some() {
                return Err(StoreError::WrongState("the case is already closed".into()));
            }
            let (org, now_ms) = (actor.org.as_str(), millis(now));
            let sealed = self.sealer().seal_opt(Field::CaseCloseNote, org, case.as_str(), note.as_deref())?;
            let count = tx.execute(
                CLOSE_CASE,
                &[
                    org.into(),
                    case.as_str().into(),
                    request.expected_version.into(),
                    now_ms.into(),
                    actor.user.as_str().into(),
                    request.reason.as_str().into(),
                    sealed.into(),
                ],
            )?;
            bumped(count)?;
            suspend_escalations(tx, (&actor.org, case), now_ms)?;
            stored.file.extensions.closure =
                Some(Closure { reason: request.reason, note: note.clone(), closed_at: now });
            let version = request.expected_version + 1;
            // The note is sealed personal text: the trail keeps the reason only.
            let detail = serde_json::json!({ "version": version, "reason": request.reason.as_str() });
            derive_and_audit(tx, self, (actor, case), &stored, ("case.closed", detail), now)?;
            Ok(version)
        })
    }

    /// Reopens `case` for `actor` if it is still at the version they read and closed; returns the new
    /// version. The escalations its closing suspended are open again.
    pub fn reopen_case_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        expected_version: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.write(|tx| {
            let mut stored = current(tx, self, actor, case, expected_version)?;
            let Some(closure) = stored.file.extensions.closure.take() else {
                return Err(StoreError::WrongState("the case is not closed".into()));
            };
            let org = actor.org.as_str();
            let key = [org.into(), case.as_str().into(), expected_version.into(), millis(now).into()];
            bumped(tx.execute(REOPEN_CASE, &key)?)?;
            tx.execute(RESUME_ESCALATIONS, &[org.into(), case.as_str().into(), CASE_CLOSED.into()])?;
            let version = expected_version + 1;
            let detail = serde_json::json!({ "version": version, "was": closure.reason.as_str() });
            derive_and_audit(tx, self, (actor, case), &stored, ("case.reopened", detail), now)?;
            Ok(version)
        })
    }

    /// Who closed `case`, while it is closed.
    pub fn case_closed_by(&self, org: &OrgId, case: &CaseId) -> StoreResult<Option<UserId>> {
        self.read(|tx| closed_by(tx, org, case))
    }
}

/// Who closed `case`, while it is closed, read in `tx`.
pub(crate) fn closed_by(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Option<UserId>> {
    let row = tx.query_opt(CLOSED_BY, &[org.as_str().into(), case.as_str().into()])?;
    Ok(row.map(|r| r.opt_text(0)).transpose()?.flatten().map(UserId))
}
