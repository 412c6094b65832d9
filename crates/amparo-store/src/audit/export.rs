//! Reads made outside any member's session, audited with the read: the operator exporting cases or
//! reading a notice against one.

use chrono::{DateTime, Utc};

use crate::Store;
use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::{CaseId, OrgId, StoredCase};
use crate::security::seal::Sealer;

/// The case `id` as an export writes it: its record and timeline with its notes, contacts and
/// history; `None` when there is no such case. Reads only; the caller audits.
pub(crate) fn case_for_export(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    id: &CaseId,
) -> StoreResult<Option<StoredCase>> {
    let Some(mut found) = crate::cases::case(tx, sealer, org, id)? else { return Ok(None) };
    found.file.extensions.notes = crate::notes::notes(tx, sealer, org, id)?;
    let contacts = crate::contacts::contacts(tx, sealer, org, id)?;
    found.file.extensions.contacts = (!contacts.is_empty()).then_some(contacts);
    // The export carries the case's history too (`docs/case-file-extensions.md`).
    found.file.extensions.history = crate::cases::history::history(tx, sealer, org.as_str(), id.as_str())?;
    Ok(Some(found))
}

impl Store {
    /// The case `id`, decrypted for export with its notes and contacts, with its export written to the audit trail in the same
    /// transaction (by the operator when one acts, see [`Store::act_as_operator`]); `None` when there
    /// is no such case, and nothing is recorded.
    pub fn export_case(
        &self,
        org: &OrgId,
        id: &CaseId,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StoredCase>> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let Some(found) = case_for_export(tx, self.sealer(), org, id)? else { return Ok(None) };
            let entry = super::Entry {
                chain: org.as_str(),
                actor: None,
                action: "case.exported",
                target: id.as_str(),
                detail: serde_json::json!({}),
            };
            super::append(tx, &self.audit_signer(), entry, now)?;
            Ok(Some(found))
        })
    }

    /// The case `id` as the operator reads it from the command line (`via` names the command), with
    /// the read written to the audit trail in the same transaction; `None` when there is no such
    /// case, and nothing is recorded.
    pub fn operator_read_case(
        &self,
        org: &OrgId,
        id: &CaseId,
        via: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StoredCase>> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let Some(found) = crate::cases::case(tx, self.sealer(), org, id)? else { return Ok(None) };
            let entry = super::Entry {
                chain: org.as_str(),
                actor: None,
                action: "case.read",
                target: id.as_str(),
                detail: serde_json::json!({ "via": via }),
            };
            super::append(tx, &self.audit_signer(), entry, now)?;
            Ok(Some(found))
        })
    }
}
