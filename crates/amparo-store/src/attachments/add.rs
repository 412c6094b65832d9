//! Adding a file to a case on someone's behalf: its type read from its bytes and its size checked,
//! the details checked against the case's people and timeline, the bytes sealed and written to the
//! object store, and only then the row and the audit entry, in one transaction that checks the data
//! rules again. If that transaction fails, the object is deleted (or left as a harmless orphan).

use amparo_domain::attachments::{AttachmentDetails, check_file};
use chrono::{DateTime, Utc};

use super::{Attachment, object_key, rows, sealed};
use crate::access::{self, Actor};
use crate::columns::millis;
use crate::db::{RowLock, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::CaseId;
use crate::security::seal::{self, Field};
use crate::{Store, audit, cases};

/// A file to add: its details and its bytes as received.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub details: AttachmentDetails,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for NewAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewAttachment {{ kind: {}, bytes: {} }}", self.details.kind.as_str(), self.bytes.len())
    }
}

/// A file whose object is written and whose row is still to be.
pub(crate) struct PreparedAttachment {
    pub(crate) stored: Attachment,
    details: AttachmentDetails,
    key: String,
    key_id: String,
}

/// The data rules and the details' rules, checked inside a transaction.
fn check(
    store: &Store,
    tx: &mut dyn Tx,
    actor: &Actor,
    case: &CaseId,
    details: &AttachmentDetails,
) -> StoreResult<()> {
    access::check_adds_attachment(actor, details.kind)?;
    access::check_sees_case(tx, actor, case)?;
    let stored = cases::case(tx, store.sealer(), &actor.org, case)?
        .ok_or_else(|| StoreError::NotFound("case".into()))?;
    // Someone who does not read the timeline (a clinician) links to no event: every id is unknown to
    // them, so the refusal does not tell which events exist.
    let events = if actor.sees_timeline() { stored.file.events.as_slice() } else { &[] };
    details.validate(&stored.file.case.people, events).map_err(|e| StoreError::field(e.field, e.problem))
}

impl Store {
    /// The largest file accepted, in bytes.
    pub fn attachment_max_bytes(&self) -> u64 {
        self.attachment_limit()
    }

    /// Adds a file to `case` as `actor` (any role but a viewer; a clinician only a medical letter, on a
    /// case shared with them); returns it as stored. A file that is empty, too large or of no
    /// accepted type is refused as a problem of the field `file`.
    pub fn add_attachment_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        new: &NewAttachment,
        now: DateTime<Utc>,
    ) -> StoreResult<Attachment> {
        let prepared = self.prepare_attachment(actor, case, new, now)?;
        let written = self.write(|tx| {
            // The case now, the audit chain with the entry (see `Store::lock_audit_chain`).
            self.lock_row(tx, RowLock::Case, &[actor.org.as_str().into(), case.as_str().into()])?;
            self.insert_attachment(tx, actor, &prepared, now)
        });
        self.settle_attachment(prepared, written)
    }

    /// The first step of adding a file: its type read and the data rules checked (so a refused file
    /// leaves no object behind), then its bytes sealed and written to the object store. The row is
    /// [`Store::insert_attachment`]'s to write, in the caller's transaction; then
    /// [`Store::settle_attachment`] removes the object if that transaction failed.
    pub(crate) fn prepare_attachment(
        &self,
        actor: &Actor,
        case: &CaseId,
        new: &NewAttachment,
        now: DateTime<Utc>,
    ) -> StoreResult<PreparedAttachment> {
        let objects = self.objects()?;
        let content_type =
            check_file(&new.bytes, self.attachment_limit()).map_err(|p| StoreError::field("file", p))?;
        // Checked before any byte is written, so a refused file leaves no object behind.
        self.read(|tx| check(self, tx, actor, case, &new.details))?;

        let id = uuid::Uuid::now_v7().to_string();
        let (org, case_str) = (actor.org.as_str(), case.as_str());
        let key = object_key(org, case_str, &id);
        let (object, key_id) = sealed::seal(self.sealer(), (org, case_str, &id), &new.bytes)?;
        objects.put(&key, object)?;

        let details = &new.details;
        let stored = Attachment {
            id,
            case: case.clone(),
            kind: details.kind,
            title: details.title.trim().to_owned(),
            file_name: details.file_name.clone(),
            content_type,
            byte_size: u64::try_from(new.bytes.len()).unwrap_or(u64::MAX),
            dated: details.dated,
            event: details.event.clone(),
            person: details.person.clone(),
            uploaded_at: now,
            uploaded_by: Some(actor.user.clone()),
        };
        Ok(PreparedAttachment { stored, details: details.clone(), key, key_id })
    }

    /// The row of a prepared file and its audit entry, in `tx`, which holds the audit chain and the
    /// case's row lock; the data rules are checked again here.
    pub(crate) fn insert_attachment(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        prepared: &PreparedAttachment,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let stored = &prepared.stored;
        let (org, case_str, id) = (actor.org.as_str(), stored.case.as_str(), stored.id.as_str());
        check(self, tx, actor, &stored.case, &prepared.details)?;
        let row_id = seal::attachment_row(case_str, id);
        let title = self.sealer().seal(Field::AttachmentTitle, org, &row_id, &stored.title)?;
        let file_name =
            self.sealer().seal_opt(Field::AttachmentFileName, org, &row_id, stored.file_name.as_deref())?;
        let size = i64::try_from(stored.byte_size).unwrap_or(i64::MAX);
        tx.execute(
            rows::INSERT,
            &[
                org.into(),
                case_str.into(),
                id.into(),
                stored.kind.as_str().into(),
                title.into(),
                file_name.into(),
                stored.content_type.mime().into(),
                size.into(),
                stored.dated.map(|d| d.to_string()).into(),
                stored.event.clone().into(),
                stored.person.clone().into(),
                prepared.key.as_str().into(),
                prepared.key_id.as_str().into(),
                millis(now).into(),
                actor.user.as_str().into(),
            ],
        )?;
        let entry = audit::Entry {
            chain: org,
            actor: Some(&actor.user),
            action: "attachment.added",
            target: case_str,
            detail: serde_json::json!({
                "attachment": id, "kind": stored.kind.as_str(), "bytes": size,
                "type": stored.content_type.extension(),
            }),
        };
        audit::append(tx, &self.audit_signer(), entry, now)
    }

    /// The prepared file as stored once its row's transaction committed; if it failed, its object is
    /// nobody's and is deleted.
    pub(crate) fn settle_attachment<T>(
        &self,
        prepared: PreparedAttachment,
        written: StoreResult<T>,
    ) -> StoreResult<Attachment> {
        match written {
            Ok(_) => Ok(prepared.stored),
            Err(e) => {
                self.discard_attachment(&prepared);
                Err(e)
            }
        }
    }

    /// Deletes the object of a file whose row was not written (a failure to delete it leaves an
    /// orphan that the sweep removes).
    pub(crate) fn discard_attachment(&self, prepared: &PreparedAttachment) {
        if let Err(cleanup) = self.objects().and_then(|objects| objects.delete(&prepared.key)) {
            let id = &prepared.stored.id;
            tracing::warn!(attachment = %id, error = %cleanup, "an unsaved attachment's object was left behind");
        }
    }
}
