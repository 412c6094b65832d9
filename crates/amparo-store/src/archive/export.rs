//! Reading an organisation's archive: every section in one transaction, so the archive is one
//! moment's copy, with the export written to the audit trail in that same transaction.

use chrono::{DateTime, Utc};

use super::attachments;
use super::{
    ArchivedAssignment, ArchivedAuditEntry, ArchivedEscalation, ArchivedMember, ArchivedOrganisation,
    ArchivedShare, ArchivedTask, OrgArchive,
};
use crate::Store;
use crate::columns::from_millis;
use crate::db::{Row, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId};
use crate::security::seal::{Field, Sealer};

const SELECT_ORGANISATION: &str = "SELECT slug, name, settings, require_second_factor, time_zone, address, \
     phone, email, letter_signature, created_at FROM organisations WHERE id = $1";
const SELECT_STAFF: &str = "SELECT id, email, display_name, role, language, created_at, deactivated_at, \
     kind FROM users WHERE org_id = $1";
const SELECT_CASES: &str = "SELECT id, reference FROM cases WHERE org_id = $1";
const SELECT_ASSIGNMENTS: &str = "SELECT c.reference, a.role, a.user_id, a.assigned_at FROM case_assignments a \
     JOIN cases c ON c.org_id = a.org_id AND c.id = a.case_id WHERE a.org_id = $1";
const SELECT_SHARES: &str = "SELECT c.reference, s.user_id, s.shared_at, s.shared_by FROM case_shares s \
     JOIN cases c ON c.org_id = s.org_id AND c.id = s.case_id WHERE s.org_id = $1";
const SELECT_ESCALATIONS: &str = "SELECT e.id, c.reference, e.trigger_kind, e.trigger_event_id, e.trigger_on, \
     e.critical_care, e.reason, e.opened_at, e.closed_at, e.close_reason FROM escalations e \
     JOIN cases c ON c.org_id = e.org_id AND c.id = e.case_id WHERE e.org_id = $1";
const SELECT_TASKS: &str = "SELECT t.id, c.reference, t.escalation_id, t.title, t.owner_role, t.owner_id, \
     t.due_at, t.created_at, t.created_by, t.done_at, t.done_by, t.note, t.dedupe_key FROM tasks t \
     JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id WHERE t.org_id = $1";

fn opt_time(row: &Row, index: usize) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(row.opt_int(index)?.map(from_millis))
}

fn organisation(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<ArchivedOrganisation> {
    let row = tx
        .query_opt(SELECT_ORGANISATION, &[org.as_str().into()])?
        .ok_or_else(|| StoreError::NotFound("organisation".into()))?;
    let policy = serde_json::from_str(&row.text(2)?)
        .map_err(|e| StoreError::Backend(format!("stored organisation policy: {e}")))?;
    Ok(ArchivedOrganisation {
        slug: row.text(0)?,
        name: row.text(1)?,
        policy,
        require_second_factor: row.int(3)? != 0,
        time_zone: row.text(4)?,
        address: row.text(5)?,
        phone: row.text(6)?,
        email: row.text(7)?,
        letter_signature: row.text(8)?,
        created_at: from_millis(row.int(9)?),
    })
}

fn staff(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Vec<ArchivedMember>> {
    let mut staff = tx
        .query(SELECT_STAFF, &[org.as_str().into()])?
        .iter()
        .map(|r| {
            Ok(ArchivedMember {
                id: r.text(0)?,
                email: r.text(1)?,
                display_name: r.text(2)?,
                role: r.text(3)?,
                language: r.text(4)?,
                created_at: from_millis(r.int(5)?),
                deactivated_at: opt_time(r, 6)?,
                // A person is the default and says nothing; only a service account is marked.
                kind: Some(r.text(7)?).filter(|kind| kind != "person"),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    staff.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(staff)
}

/// The organisation's cases, `(reference, id)`, sorted here by bytes of the reference, so that both
/// backends (and every collation) give the same order.
fn case_ids(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Vec<(String, CaseId)>> {
    let mut references = tx
        .query(SELECT_CASES, &[org.as_str().into()])?
        .iter()
        .map(|r| Ok((r.text(1)?, CaseId(r.text(0)?))))
        .collect::<StoreResult<Vec<_>>>()?;
    references.sort();
    Ok(references)
}

fn cases(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    references: &[(String, CaseId)],
) -> StoreResult<Vec<amparo_domain::CaseFile>> {
    let mut files = Vec::with_capacity(references.len());
    for (reference, id) in references {
        let found = crate::audit::export::case_for_export(tx, sealer, org, id)?
            .ok_or_else(|| StoreError::Backend(format!("case {reference} vanished during export")))?;
        files.push(found.file);
    }
    Ok(files)
}

fn assignments(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Vec<ArchivedAssignment>> {
    let mut rows = tx
        .query(SELECT_ASSIGNMENTS, &[org.as_str().into()])?
        .iter()
        .map(|r| {
            Ok(ArchivedAssignment {
                case: r.text(0)?,
                role: r.text(1)?,
                user: r.text(2)?,
                assigned_at: from_millis(r.int(3)?),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    rows.sort_by(|a, b| (&a.case, &a.role).cmp(&(&b.case, &b.role)));
    Ok(rows)
}

fn shares(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Vec<ArchivedShare>> {
    let mut rows = tx
        .query(SELECT_SHARES, &[org.as_str().into()])?
        .iter()
        .map(|r| {
            Ok(ArchivedShare {
                case: r.text(0)?,
                user: r.text(1)?,
                shared_at: from_millis(r.int(2)?),
                shared_by: r.opt_text(3)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    rows.sort_by(|a, b| (&a.case, &a.user).cmp(&(&b.case, &b.user)));
    Ok(rows)
}

/// Stored JSON text as a value; text from before values were kept as JSON stays a string.
fn json_or_text(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
}

fn escalations(tx: &mut dyn Tx, sealer: &Sealer, org: &OrgId) -> StoreResult<Vec<ArchivedEscalation>> {
    let mut rows = tx
        .query(SELECT_ESCALATIONS, &[org.as_str().into()])?
        .iter()
        .map(|r| {
            let id = r.text(0)?;
            let reason = sealer.open(Field::EscalationReason, org.as_str(), &id, &r.text(6)?)?;
            Ok(ArchivedEscalation {
                case: r.text(1)?,
                trigger_kind: r.text(2)?,
                trigger_event: r.opt_text(3)?,
                trigger_on: r.text(4)?,
                critical_care: r.int(5)? != 0,
                reason: json_or_text(reason),
                opened_at: from_millis(r.int(7)?),
                closed_at: opt_time(r, 8)?,
                close_reason: r.opt_text(9)?,
                id,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    rows.sort_by(|a, b| (&a.case, a.opened_at, &a.id).cmp(&(&b.case, b.opened_at, &b.id)));
    Ok(rows)
}

fn tasks(tx: &mut dyn Tx, sealer: &Sealer, org: &OrgId) -> StoreResult<Vec<ArchivedTask>> {
    let mut rows = tx
        .query(SELECT_TASKS, &[org.as_str().into()])?
        .iter()
        .map(|r| {
            let id = r.text(0)?;
            let note = sealer.open_opt(Field::TaskNote, org.as_str(), &id, r.opt_text(11)?)?;
            Ok(ArchivedTask {
                case: r.text(1)?,
                escalation: r.opt_text(2)?,
                title: json_or_text(r.text(3)?),
                owner_role: r.text(4)?,
                owner: r.opt_text(5)?,
                due_at: from_millis(r.int(6)?),
                created_at: from_millis(r.int(7)?),
                created_by: r.opt_text(8)?,
                done_at: opt_time(r, 9)?,
                done_by: r.opt_text(10)?,
                note,
                dedupe_key: r.opt_text(12)?,
                id,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    rows.sort_by(|a, b| (&a.case, a.created_at, &a.id).cmp(&(&b.case, b.created_at, &b.id)));
    Ok(rows)
}

fn audit(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Vec<ArchivedAuditEntry>> {
    Ok(crate::audit::entries(tx, org.as_str())?
        .into_iter()
        .map(|e| ArchivedAuditEntry {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            target: e.target,
            detail: e.detail,
            hash: e.hash,
            key_id: e.key_id,
        })
        .collect())
}

impl Store {
    /// Everything the organisation owns, decrypted, as one moment's copy; the export is written to
    /// its audit trail in the same transaction (by the operator when one acts), after the trail was
    /// read, so the archive's trail ends just before its own export.
    ///
    /// The attachments' rows are read in that transaction and their files fetched and opened after
    /// it, so the database is not held while files are read (an object is written before its row
    /// and only ever replaced by the same bytes sealed anew).
    pub fn export_organisation(&self, org: &OrgId, now: DateTime<Utc>) -> StoreResult<OrgArchive> {
        let (mut archive, listed) = self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let sealer = self.sealer();
            let references = case_ids(tx, org)?;
            let listed = attachments::listed(tx, sealer, org, &references)?;
            let archive = OrgArchive {
                organisation: organisation(tx, org)?,
                staff: staff(tx, org)?,
                cases: cases(tx, sealer, org, &references)?,
                assignments: assignments(tx, org)?,
                shares: shares(tx, org)?,
                escalations: escalations(tx, sealer, org)?,
                tasks: tasks(tx, sealer, org)?,
                audit: audit(tx, org)?,
                attachments: Vec::new(),
            };
            let entry = crate::audit::Entry {
                chain: org.as_str(),
                actor: None,
                action: "organisation.exported",
                target: org.as_str(),
                detail: serde_json::json!({
                    "cases": archive.cases.len(),
                    "staff": archive.staff.len(),
                    "audit_entries": archive.audit.len(),
                    "attachments": listed.len(),
                }),
            };
            crate::audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok((archive, listed))
        })?;
        archive.attachments = attachments::files(self, org, listed)?;
        Ok(archive)
    }
}
