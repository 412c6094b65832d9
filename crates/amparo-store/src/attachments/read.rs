//! Reading a case's attachments on someone's behalf: the list (the evidence list, the timeline's
//! files, the packet builder's and the notice reader's choice) and one file's bytes, each checked
//! against the data rules (a clinician sees only the medical ones, of cases shared with them) and
//! written to the audit trail.

use chrono::{DateTime, Utc};

use super::{Attachment, AttachmentFile, object_key, rows, sealed};
use crate::access::{self, Actor};
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId};
use crate::{Store, audit, cases};

/// The attachments of `case` that `actor` sees, oldest first.
fn visible(store: &Store, tx: &mut dyn Tx, actor: &Actor, case: &CaseId) -> StoreResult<Vec<Attachment>> {
    access::check_sees_case(tx, actor, case)?;
    if !cases::exists(tx, &actor.org, case)? {
        return Err(StoreError::NotFound("case".into()));
    }
    visible_in(store, tx, actor, case)
}

/// The attachments of `case` that `actor` sees, read in `tx` by a caller that has checked that the
/// case exists and that `actor` sees it.
pub(crate) fn visible_in(
    store: &Store,
    tx: &mut dyn Tx,
    actor: &Actor,
    case: &CaseId,
) -> StoreResult<Vec<Attachment>> {
    let mut found = rows::of_case(tx, store.sealer(), &actor.org, case)?;
    found.retain(|a| access::sees_attachment(actor, a.kind));
    Ok(found)
}

impl Store {
    /// The attachments of `case` that `actor` sees, oldest first; the read is written to the audit
    /// trail (`via` the API, a page, the packet builder) in the same transaction.
    pub fn case_attachments_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        via: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Attachment>> {
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            let found = visible(self, tx, actor, case)?;
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "attachments.listed",
                target: case.as_str(),
                detail: serde_json::json!({ "via": via, "count": found.len() }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(found)
        })
    }

    /// The attachments of `case` that `actor` sees, for a page that has just written its own read of
    /// the case to the audit trail (`Store::read_case_as`). The data rules are checked again here.
    pub fn case_attachments_for_page(&self, actor: &Actor, case: &CaseId) -> StoreResult<Vec<Attachment>> {
        self.read(|tx| visible(self, tx, actor, case))
    }

    /// One attachment of `case` with its bytes, as `actor` reads it (`via`: `view`, `download`, the
    /// API…). The read is written to the audit trail before the bytes are fetched; an attachment the
    /// actor may not see reads as one that does not exist.
    pub fn attachment_file_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        id: &str,
        via: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<AttachmentFile> {
        let objects = self.objects()?;
        let attachment = self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            let found = visible(self, tx, actor, case)?
                .into_iter()
                .find(|a| a.id == id)
                .ok_or_else(|| StoreError::NotFound("attachment".into()))?;
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "attachment.read",
                target: case.as_str(),
                detail: serde_json::json!({ "attachment": found.id, "via": via }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(found)
        })?;
        let (org, case_str) = (actor.org.as_str(), case.as_str());
        let object = objects.get(&object_key(org, case_str, &attachment.id))?;
        let bytes = sealed::open(self.sealer(), (org, case_str, &attachment.id), &object)?;
        Ok(AttachmentFile { attachment, bytes })
    }

    /// One attachment's details as `actor` sees them, unaudited (no byte of the file is read).
    pub fn attachment_as(&self, actor: &Actor, case: &CaseId, id: &str) -> StoreResult<Attachment> {
        self.read(|tx| {
            access::check_sees_case(tx, actor, case)?;
            rows::one(tx, self.sealer(), &actor.org, case, id)?
                .filter(|a| access::sees_attachment(actor, a.kind))
                .ok_or_else(|| StoreError::NotFound("attachment".into()))
        })
    }

    /// The attachments `ids` of `case` with their bytes, in the order asked, read by the operator on
    /// the command line (the packet built by `amparo document`); the read is written to the audit
    /// trail, naming every file, before any byte is fetched. No ids means every attachment, oldest
    /// first; an id the case does not have is refused.
    pub fn operator_attachment_files(
        &self,
        org: &OrgId,
        case: &CaseId,
        ids: &[String],
        via: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AttachmentFile>> {
        let objects = self.objects()?;
        let chosen = self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            if !cases::exists(tx, org, case)? {
                return Err(StoreError::NotFound("case".into()));
            }
            let all = rows::of_case(tx, self.sealer(), org, case)?;
            if ids.is_empty() {
                let every: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
                let entry = audit::Entry {
                    chain: org.as_str(),
                    actor: None,
                    action: "attachment.read",
                    target: case.as_str(),
                    detail: serde_json::json!({ "attachments": every, "via": via }),
                };
                audit::append(tx, &self.audit_signer(), entry, now)?;
                return Ok(all);
            }
            let chosen = ids
                .iter()
                .map(|id| {
                    all.iter()
                        .find(|a| &a.id == id)
                        .cloned()
                        .ok_or_else(|| StoreError::NotFound(format!("attachment {id}")))
                })
                .collect::<StoreResult<Vec<_>>>()?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: None,
                action: "attachment.read",
                target: case.as_str(),
                detail: serde_json::json!({ "attachments": ids, "via": via }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(chosen)
        })?;
        chosen
            .into_iter()
            .map(|attachment| {
                let (org, case_str) = (org.as_str(), case.as_str());
                let object = objects.get(&object_key(org, case_str, &attachment.id))?;
                let bytes = sealed::open(self.sealer(), (org, case_str, &attachment.id), &object)?;
                Ok(AttachmentFile { attachment, bytes })
            })
            .collect()
    }
}
