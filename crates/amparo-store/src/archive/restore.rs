//! Writing an archive into an empty organisation, all or nothing: its profile and policy, its staff
//! (without passwords: each sets one through a reset link), its cases through the import path (so
//! they are sealed and derived as any import is), then what derivation cannot know — assignments,
//! shares, and the escalations and tasks as they stood, in place of those the import opened afresh —
//! and the attachments, each file sealed anew under this installation's keys.
//! The archive's own audit trail is not written back: a new chain starts with one entry naming the
//! archive by its SHA-256 and the head of the trail it carries (`SECURITY.md`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{OrgArchive, RestoreReport};
use crate::Store;
use crate::columns::millis;
use crate::db::{DbFailure, Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::import::{ImportContext, import};
use crate::model::{CaseId, OrgId, Organisation, UserId};
use crate::security::seal::Field;

/// The password hash of a restored member: no password matches it (it is no PHC string), so sign-in
/// refuses them until they set one through a reset link.
pub const NO_PASSWORD: &str = "!restored-without-password";

const SELECT_ORGANISATION: &str = "SELECT id, name, created_at FROM organisations WHERE slug = $1";
const COUNT_STAFF: &str = "SELECT COUNT(*) FROM users WHERE org_id = $1";
const COUNT_CASES: &str = "SELECT COUNT(*) FROM cases WHERE org_id = $1";
const INSERT_ORGANISATION: &str =
    "INSERT INTO organisations (id, slug, name, created_at) VALUES ($1, $2, $3, $4)";
const UPDATE_ORGANISATION: &str = "UPDATE organisations SET name = $2, settings = $3, \
     require_second_factor = $4, time_zone = $5, address = $6, phone = $7, email = $8, \
     letter_signature = $9 WHERE id = $1";
const INSERT_MEMBER: &str = "INSERT INTO users (org_id, id, email, display_name, role, language, \
     password_hash, created_at, deactivated_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
/// What the import opened and told afresh, cleared before the archive's own rows are written: the
/// organisation was empty, so everything here came from this restore.
const CLEAR_DERIVED: [&str; 4] = [
    "DELETE FROM notification_attempts WHERE org_id = $1",
    "DELETE FROM notifications WHERE org_id = $1",
    "DELETE FROM tasks WHERE org_id = $1",
    "DELETE FROM escalations WHERE org_id = $1",
];
const INSERT_ASSIGNMENT: &str =
    "INSERT INTO case_assignments (org_id, case_id, role, user_id, assigned_at) VALUES ($1, $2, $3, $4, $5)";
const INSERT_SHARE: &str =
    "INSERT INTO case_shares (org_id, case_id, user_id, shared_at, shared_by) VALUES ($1, $2, $3, $4, $5)";
const INSERT_ESCALATION: &str = "INSERT INTO escalations (org_id, id, case_id, trigger_kind, trigger_event_id, \
     trigger_on, critical_care, reason, opened_at, closed_at, close_reason) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
const INSERT_TASK: &str = "INSERT INTO tasks (org_id, id, case_id, escalation_id, title, owner_role, owner_id, \
     due_at, created_at, created_by, done_at, done_by, note, dedupe_key) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

fn opt_millis(at: Option<DateTime<Utc>>) -> Value {
    at.map(millis).into()
}

/// A value kept as JSON text; a string (text from before values were JSON) is kept as it was.
fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The organisation named `slug`, made now if there is none; one that exists must be empty.
fn empty_organisation(
    store: &Store,
    tx: &mut dyn Tx,
    slug: &str,
    archive: &OrgArchive,
) -> StoreResult<Organisation> {
    if let Some(row) = tx.query_opt(SELECT_ORGANISATION, &[slug.into()])? {
        let id = OrgId(row.text(0)?);
        store.lock_audit_chain(tx, id.as_str())?;
        let count = |tx: &mut dyn Tx, sql: &str| -> StoreResult<i64> {
            tx.query_opt(sql, &[id.as_str().into()])?.map_or(Ok(0), |r| r.int(0))
        };
        let (staff, cases) = (count(tx, COUNT_STAFF)?, count(tx, COUNT_CASES)?);
        if staff > 0 || cases > 0 {
            return Err(StoreError::WrongState(format!(
                "organisation {slug} is not empty ({staff} staff, {cases} cases): an archive is restored \
                 only into an empty organisation"
            )));
        }
        return Ok(Organisation {
            id,
            slug: slug.to_owned(),
            name: archive.organisation.name.clone(),
            created_at: crate::columns::from_millis(row.int(2)?),
        });
    }
    let id = OrgId::generate();
    store.lock_audit_chain(tx, id.as_str())?;
    let created_at = archive.organisation.created_at;
    let params = [
        id.as_str().into(),
        slug.into(),
        archive.organisation.name.as_str().into(),
        millis(created_at).into(),
    ];
    tx.execute(INSERT_ORGANISATION, &params)?;
    Ok(Organisation { id, slug: slug.to_owned(), name: archive.organisation.name.clone(), created_at })
}

fn profile(tx: &mut dyn Tx, org: &OrgId, archive: &OrgArchive) -> StoreResult<()> {
    let o = &archive.organisation;
    tx.execute(
        UPDATE_ORGANISATION,
        &[
            org.as_str().into(),
            o.name.as_str().into(),
            serde_json::to_string(&o.policy)?.into(),
            i64::from(o.require_second_factor).into(),
            o.time_zone.as_str().into(),
            o.address.as_str().into(),
            o.phone.as_str().into(),
            o.email.as_str().into(),
            o.letter_signature.as_str().into(),
        ],
    )?;
    Ok(())
}

fn staff(tx: &mut dyn Tx, org: &OrgId, archive: &OrgArchive) -> StoreResult<()> {
    for (i, m) in archive.staff.iter().enumerate() {
        let params = [
            org.as_str().into(),
            m.id.as_str().into(),
            m.email.as_str().into(),
            m.display_name.as_str().into(),
            m.role.as_str().into(),
            m.language.as_str().into(),
            NO_PASSWORD.into(),
            millis(m.created_at).into(),
            opt_millis(m.deactivated_at),
            m.kind.as_deref().unwrap_or("person").into(),
        ];
        let claimed = crate::accounts::sign_in_emails::claim(tx, &m.email, org, &UserId(m.id.clone()));
        match claimed.and_then(|()| tx.execute(INSERT_MEMBER, &params)) {
            Err(DbFailure::UniqueViolation) => {
                return Err(StoreError::Duplicate(format!(
                    "staff[{i}].email: {} already has an account in this installation",
                    m.email
                )));
            }
            other => other.map(|_| ())?,
        }
    }
    Ok(())
}

/// The archive's rows that name cases by reference, written against the ids the import gave.
fn case_rows(
    store: &Store,
    tx: &mut dyn Tx,
    org: &OrgId,
    ids: &BTreeMap<&str, CaseId>,
    archive: &OrgArchive,
) -> StoreResult<()> {
    let case = |reference: &str| -> StoreResult<Value> {
        ids.get(reference)
            .map(|id| Value::from(id.as_str()))
            .ok_or_else(|| StoreError::Invalid(format!("no case with reference {reference:?} was restored")))
    };
    for statement in CLEAR_DERIVED {
        tx.execute(statement, &[org.as_str().into()])?;
    }
    let o = || Value::from(org.as_str());
    for a in &archive.assignments {
        let params = [
            o(),
            case(&a.case)?,
            a.role.as_str().into(),
            a.user.as_str().into(),
            millis(a.assigned_at).into(),
        ];
        tx.execute(INSERT_ASSIGNMENT, &params)?;
    }
    for s in &archive.shares {
        let params = [
            o(),
            case(&s.case)?,
            s.user.as_str().into(),
            millis(s.shared_at).into(),
            s.shared_by.clone().into(),
        ];
        tx.execute(INSERT_SHARE, &params)?;
    }
    let sealer = store.sealer();
    for e in &archive.escalations {
        let reason = sealer.seal(Field::EscalationReason, org.as_str(), &e.id, &json_text(&e.reason))?;
        let params = [
            o(),
            e.id.as_str().into(),
            case(&e.case)?,
            e.trigger_kind.as_str().into(),
            e.trigger_event.clone().into(),
            e.trigger_on.as_str().into(),
            i64::from(e.critical_care).into(),
            reason.into(),
            millis(e.opened_at).into(),
            opt_millis(e.closed_at),
            e.close_reason.clone().into(),
        ];
        tx.execute(INSERT_ESCALATION, &params)?;
    }
    for t in &archive.tasks {
        let note = sealer.seal_opt(Field::TaskNote, org.as_str(), &t.id, t.note.as_deref())?;
        let params = [
            o(),
            t.id.as_str().into(),
            case(&t.case)?,
            t.escalation.clone().into(),
            json_text(&t.title).into(),
            t.owner_role.as_str().into(),
            t.owner.clone().into(),
            millis(t.due_at).into(),
            millis(t.created_at).into(),
            t.created_by.clone().into(),
            opt_millis(t.done_at),
            t.done_by.clone().into(),
            note.into(),
            t.dedupe_key.clone().into(),
        ];
        tx.execute(INSERT_TASK, &params)?;
    }
    Ok(())
}

impl Store {
    /// Restores `archive` as the organisation `slug` (made now, or one that exists with no staff
    /// and no cases), in one transaction: a refusal anywhere leaves the database as it was. Staff
    /// come without passwords ([`NO_PASSWORD`]). The new organisation's audit chain starts with one
    /// `organisation.restored` entry naming the archive (`archive_sha256`, the SHA-256 of the file
    /// the caller read) and the head of the trail it carries.
    pub fn restore_organisation(
        &self,
        slug: &str,
        archive: &OrgArchive,
        archive_sha256: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<RestoreReport> {
        super::check::archive(archive, self.attachment_limit())?;
        // Objects are written before their rows; should the transaction fail, they are removed.
        let mut written = Vec::new();
        let restored = self.write(|tx| {
            let organisation = empty_organisation(self, tx, slug, archive)?;
            let org = &organisation.id;
            profile(tx, org, archive)?;
            staff(tx, org, archive)?;
            let context =
                ImportContext { org, sealer: self.sealer(), actor: None, now, rules: self.rule_set() };
            let imported = import(tx, &context, archive.cases.iter().map(Ok))?;
            let ids: BTreeMap<&str, CaseId> =
                archive.cases.iter().map(|c| c.case.reference.as_str()).zip(imported).collect();
            case_rows(self, tx, org, &ids, archive)?;
            super::attachments::restore(self, tx, org, &ids, &archive.attachments, &mut written)?;
            let head = archive.audit.last();
            let entry = crate::audit::Entry {
                chain: org.as_str(),
                actor: None,
                action: "organisation.restored",
                target: org.as_str(),
                detail: serde_json::json!({
                    "archive_sha256": archive_sha256,
                    "cases": archive.cases.len(),
                    "staff": archive.staff.len(),
                    "trail_entries": archive.audit.len(),
                    "trail_head_seq": head.map(|e| e.seq),
                    "trail_head_hash": head.map(|e| e.hash.as_str()),
                    "attachments": archive.attachments.len(),
                }),
            };
            crate::audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(RestoreReport {
                organisation,
                cases: archive.cases.len(),
                staff: archive.staff.len(),
                attachments: archive.attachments.len(),
            })
        });
        if restored.is_err()
            && let Some(objects) = self.objects_if_any()
        {
            for key in &written {
                if let Err(error) = objects.delete(key) {
                    tracing::warn!(%error, "a restored attachment's object was left behind");
                }
            }
        }
        restored
    }
}
