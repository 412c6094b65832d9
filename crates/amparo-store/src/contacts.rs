//! A case's contacts: the family's and the professionals', kept as one sealed document per case,
//! read and replaced on someone's behalf with the data rules of `access` checked and the audit entry
//! written in the same transaction.
//!
//! Replacing the contacts is an edit of the case: it is made at the version the writer read (a stale
//! version is refused, nothing merged) and bumps it, so two people editing the family's phone at once
//! cannot silently overwrite each other. Nothing is derived from contacts, so nothing is re-derived.

use amparo_domain::contacts::Contacts;
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::columns::millis;
use crate::db::{RowLock, Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId};
use crate::security::seal::{Field, Sealer};
use crate::{Store, audit};

pub(crate) const INSERT_CONTACTS_HEAD: &str =
    "INSERT INTO case_contacts (org_id, case_id, body, updated_at, updated_by)";
pub(crate) const CONTACTS_WIDTH: usize = 5;
const INSERT_CONTACTS: &str = "INSERT INTO case_contacts (org_id, case_id, body, updated_at, updated_by) \
     VALUES ($1, $2, $3, $4, $5)";
const DELETE_CONTACTS: &str = "DELETE FROM case_contacts WHERE org_id = $1 AND case_id = $2";
const SELECT_CONTACTS: &str = "SELECT body FROM case_contacts WHERE org_id = $1 AND case_id = $2";
const UPDATE_CONTACTS_BODY: &str = "UPDATE case_contacts SET body = $3 WHERE org_id = $1 AND case_id = $2";
const CASE_VERSION: &str = "SELECT version FROM cases WHERE org_id = $1 AND id = $2";
const BUMP_CASE_VERSION: &str =
    "UPDATE cases SET version = version + 1, updated_at = $4 WHERE org_id = $1 AND id = $2 AND version = $3";

/// The contacts row of a case, sealed here.
pub(crate) fn contacts_values(
    sealer: &Sealer,
    (org, case): (&str, &str),
    contacts: &Contacts,
    now: DateTime<Utc>,
    by: Option<&str>,
) -> StoreResult<[Value; CONTACTS_WIDTH]> {
    let body = serde_json::to_string(contacts)?;
    let sealed = sealer.seal(Field::CaseContacts, org, case, &body)?;
    Ok([org.into(), case.into(), sealed.into(), millis(now).into(), by.into()])
}

/// A case's contacts (empty when none were ever given).
pub(crate) fn contacts(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    case: &CaseId,
) -> StoreResult<Contacts> {
    match tx.query_opt(SELECT_CONTACTS, &[org.as_str().into(), case.as_str().into()])? {
        None => Ok(Contacts::default()),
        Some(row) => {
            let body = sealer.open(Field::CaseContacts, org.as_str(), case.as_str(), &row.text(0)?)?;
            Ok(serde_json::from_str(&body)?)
        }
    }
}

/// Brings a case's contacts under the current key; how many values it rewrote.
pub(crate) fn reseal(tx: &mut dyn Tx, sealer: &Sealer, (org, case): (&str, &str)) -> StoreResult<usize> {
    let Some(row) = tx.query_opt(SELECT_CONTACTS, &[org.into(), case.into()])? else { return Ok(0) };
    let stored = row.text(0)?;
    if !sealer.needs_reseal(&stored) {
        return Ok(0);
    }
    let plain = sealer.open(Field::CaseContacts, org, case, &stored)?;
    let sealed = sealer.seal(Field::CaseContacts, org, case, &plain)?;
    tx.execute(UPDATE_CONTACTS_BODY, &[org.into(), case.into(), sealed.into()])?;
    Ok(1)
}

/// The contacts as `actor` may read them: a clinician does not read how to reach the family.
pub(crate) fn as_seen_by(actor: &Actor, mut found: Contacts) -> Contacts {
    if !access::sees_family_contacts(actor) {
        found.family = Default::default();
    }
    found
}

impl Store {
    /// The case's version and its contacts as `actor` reads them (a clinician: the professionals only),
    /// with the read written to the audit trail (`via` the API) in the same transaction.
    pub fn case_contacts_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        via: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, Contacts)> {
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            access::check_sees_case(tx, actor, case)?;
            let version = tx
                .query_opt(CASE_VERSION, &[actor.org.as_str().into(), case.as_str().into()])?
                .ok_or_else(|| StoreError::NotFound("case".into()))?
                .int(0)?;
            let found = as_seen_by(actor, contacts(tx, self.sealer(), &actor.org, case)?);
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "contacts.read",
                target: case.as_str(),
                detail: serde_json::json!({ "via": via }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok((version, found))
        })
    }

    /// The contacts of `case` for a page that has just written its own read of the case to the audit
    /// trail (`Store::read_case_as`); the visibility rule is checked here again.
    pub fn case_contacts_for_page(&self, actor: &Actor, case: &CaseId) -> StoreResult<Contacts> {
        self.read(|tx| {
            access::check_sees_case(tx, actor, case)?;
            Ok(as_seen_by(actor, contacts(tx, self.sealer(), &actor.org, case)?))
        })
    }

    /// Replaces the contacts of `case` as `actor` (a role that records events) if the case is still at
    /// `expected_version`; returns the new version. Every field is checked first, naming the wrong one.
    pub fn set_case_contacts_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        expected_version: i64,
        contacts: Contacts,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let contacts = contacts.validated("").map_err(|e| StoreError::field(e.field, e.problem))?;
        self.write(|tx| {
            access::check_records_events(actor)?;
            let key = [Value::from(actor.org.as_str()), Value::from(case.as_str())];
            // The case now, the audit chain with the entry (see `Store::lock_audit_chain`).
            self.lock_row(tx, RowLock::Case, &key)?;
            access::check_sees_case(tx, actor, case)?;
            let version = tx
                .query_opt(CASE_VERSION, &key)?
                .ok_or_else(|| StoreError::NotFound("case".into()))?
                .int(0)?;
            if version != expected_version {
                return Err(StoreError::Conflict { expected: expected_version, actual: version });
            }
            tx.execute(DELETE_CONTACTS, &key)?;
            let owner = (actor.org.as_str(), case.as_str());
            let values = contacts_values(self.sealer(), owner, &contacts, now, Some(actor.user.as_str()))?;
            tx.execute(INSERT_CONTACTS, &values)?;
            let bump = [key[0].clone(), key[1].clone(), expected_version.into(), millis(now).into()];
            if tx.execute(BUMP_CASE_VERSION, &bump)? != 1 {
                return Err(StoreError::Backend("case version bump touched no row".into()));
            }
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "contacts.updated",
                target: case.as_str(),
                detail: serde_json::json!({ "version": expected_version + 1 }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(expected_version + 1)
        })
    }
}
