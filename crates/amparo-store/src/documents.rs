//! Documents generated from a case (`amparo_documents`): one row per generation, naming the kind,
//! language, template version and a fingerprint of the data it printed (digests, no values), so that
//! generating it again can say which facts changed since. The PDF itself is not kept here: an attested
//! medical letter is kept as an attachment, which the row names, recorded with its `medical_attested`
//! event in one transaction ([`Store::attest_medical_letter_as`]). A cover letter's or packet's
//! exhibits are kept as their attachment ids in order, so the document can be typeset again as of its
//! day and checked against its data hash.

use chrono::{DateTime, Utc};

use amparo_domain::Event;

use crate::access::{self, Actor};
use crate::attachments::NewAttachment;
use crate::columns::{from_millis, millis};
use crate::db::RowLock;
use crate::db::{Row, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, UserId};
use crate::{Store, audit, cases};

const INSERT: &str = "INSERT INTO documents (org_id, case_id, id, kind, language, template_version, data_hash, \
     fingerprint, attachment_id, created_by, created_at, exhibits) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
const COLUMNS: &str = "id, case_id, kind, language, template_version, data_hash, fingerprint, attachment_id, created_by, created_at, exhibits";

fn select_latest() -> String {
    format!(
        "SELECT {COLUMNS} FROM documents WHERE org_id = $1 AND case_id = $2 AND kind = $3 AND language = $4 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    )
}

fn select_one() -> String {
    format!("SELECT {COLUMNS} FROM documents WHERE org_id = $1 AND case_id = $2 AND id = $3")
}

fn select_of_case() -> String {
    format!("SELECT {COLUMNS} FROM documents WHERE org_id = $1 AND case_id = $2 ORDER BY created_at, id")
}

/// A generation to record.
#[derive(Clone, Debug)]
pub struct NewDocument<'a> {
    pub case: &'a CaseId,
    /// `medical-letter`, `cover-letter`, `packet` or `family-letter`.
    pub kind: &'a str,
    pub language: &'a str,
    pub template_version: &'a str,
    pub data_hash: &'a str,
    /// Digests per fact, as JSON.
    pub fingerprint: &'a str,
    pub attachment: Option<&'a str>,
    /// The exhibits' attachment ids in order (a cover letter, a packet).
    pub exhibits: &'a [String],
}

/// A recorded generation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRecord {
    pub id: String,
    pub case: CaseId,
    pub kind: String,
    pub language: String,
    pub template_version: String,
    pub data_hash: String,
    pub fingerprint: String,
    pub attachment: Option<String>,
    /// `None` for the operator on the command line.
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// The exhibits' attachment ids in order; empty for the kinds without exhibits.
    pub exhibits: Vec<String>,
}

fn record(r: &Row) -> StoreResult<DocumentRecord> {
    Ok(DocumentRecord {
        id: r.text(0)?,
        case: CaseId(r.text(1)?),
        kind: r.text(2)?,
        language: r.text(3)?,
        template_version: r.text(4)?,
        data_hash: r.text(5)?,
        fingerprint: r.text(6)?,
        attachment: r.opt_text(7)?,
        created_by: r.opt_text(8)?.map(UserId),
        created_at: from_millis(r.int(9)?),
        exhibits: match r.opt_text(10)? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError::Backend(format!("documents.exhibits: {e}")))?,
            None => Vec::new(),
        },
    })
}

/// The exhibits as stored: `None` when there are none.
fn exhibits_column(exhibits: &[String]) -> StoreResult<Option<String>> {
    if exhibits.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(exhibits)
        .map(Some)
        .map_err(|e| StoreError::Backend(format!("documents.exhibits: {e}")))
}

fn insert(
    store: &Store,
    tx: &mut dyn Tx,
    org: &OrgId,
    by: Option<&UserId>,
    new: &NewDocument,
    now: DateTime<Utc>,
) -> StoreResult<DocumentRecord> {
    if !cases::exists(tx, org, new.case)? {
        return Err(StoreError::NotFound("case".into()));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let exhibits = exhibits_column(new.exhibits)?;
    tx.execute(
        INSERT,
        &[
            org.as_str().into(),
            new.case.as_str().into(),
            id.as_str().into(),
            new.kind.into(),
            new.language.into(),
            new.template_version.into(),
            new.data_hash.into(),
            new.fingerprint.into(),
            new.attachment.into(),
            by.map(UserId::as_str).into(),
            millis(now).into(),
            exhibits.as_deref().into(),
        ],
    )?;
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: by,
        action: "document.generated",
        target: new.case.as_str(),
        detail: serde_json::json!({ "document": id, "kind": new.kind, "language": new.language }),
    };
    audit::append(tx, &store.audit_signer(), entry, now)?;
    Ok(DocumentRecord {
        id,
        case: new.case.clone(),
        kind: new.kind.to_owned(),
        language: new.language.to_owned(),
        template_version: new.template_version.to_owned(),
        data_hash: new.data_hash.to_owned(),
        fingerprint: new.fingerprint.to_owned(),
        attachment: new.attachment.map(str::to_owned),
        created_by: by.cloned(),
        created_at: now,
        exhibits: new.exhibits.to_vec(),
    })
}

impl Store {
    /// Records a generation made by `actor`, who must see the case and make documents of its kind (a
    /// viewer none, a clinician only the medical letter); audited in the same transaction.
    pub fn record_document_as(
        &self,
        actor: &Actor,
        new: &NewDocument,
        now: DateTime<Utc>,
    ) -> StoreResult<DocumentRecord> {
        access::check_makes_document(actor, new.kind)?;
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            access::check_sees_case(tx, actor, new.case)?;
            insert(self, tx, &actor.org, Some(&actor.user), new, now)
        })
    }

    /// A clinician's attestation of the medical letter, all or nothing: the `medical_attested` event
    /// appended (refused on a stale `expected_version`, or for a role that does not record it), the
    /// signed PDF kept as an attachment, and the generation recorded naming it, in one transaction
    /// with their audit entries. The attachment's object is written first and removed if the
    /// transaction fails. Returns the case's new version and the generation.
    pub fn attest_medical_letter_as(
        &self,
        actor: &Actor,
        expected_version: i64,
        event: &Event,
        letter: &NewAttachment,
        document: &NewDocument,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, DocumentRecord)> {
        access::check_records_event(actor, event)?;
        let case = document.case;
        let prepared = self.prepare_attachment(actor, case, letter, now)?;
        let attachment_id = prepared.stored.id.clone();
        let written = self.write(|tx| {
            // The case now, the audit chain with the first entry (see `Store::lock_audit_chain`):
            // what is written after it only inserts new rows.
            self.lock_row(tx, RowLock::Case, &[actor.org.as_str().into(), case.as_str().into()])?;
            access::check_sees_case(tx, actor, case)?;
            let version = cases::events::append_event(
                tx,
                self.sealer(),
                (&actor.org, case),
                expected_version,
                event,
                Some(&actor.user),
                (now, self.rule_set()),
            )?;
            let entry = audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "event.recorded",
                target: case.as_str(),
                detail: serde_json::json!({ "version": version }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            self.insert_attachment(tx, actor, &prepared, now)?;
            let with_file = NewDocument { attachment: Some(&attachment_id), ..document.clone() };
            let record = insert(self, tx, &actor.org, Some(&actor.user), &with_file, now)?;
            Ok((version, record))
        });
        if written.is_err() {
            self.discard_attachment(&prepared);
        }
        written
    }

    /// Records a generation made by the operator on the command line; audited as theirs.
    pub fn record_document_by_operator(
        &self,
        org: &OrgId,
        new: &NewDocument,
        now: DateTime<Utc>,
    ) -> StoreResult<DocumentRecord> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            insert(self, tx, org, None, new, now)
        })
    }

    /// The latest generation of `kind` in `language` for the case, to compare a new one with.
    pub fn latest_document(
        &self,
        org: &OrgId,
        case: &CaseId,
        kind: &str,
        language: &str,
    ) -> StoreResult<Option<DocumentRecord>> {
        self.read(|tx| {
            let key = [org.as_str().into(), case.as_str().into(), kind.into(), language.into()];
            tx.query_opt(&select_latest(), &key)?.as_ref().map(record).transpose()
        })
    }

    /// One generation of a case that `actor` sees and may read (a clinician only the medical letter):
    /// `NotFound` otherwise, as for a document of another case.
    pub fn document_as(&self, actor: &Actor, case: &CaseId, id: &str) -> StoreResult<DocumentRecord> {
        let found = self.read(|tx| {
            if !access::sees_case(tx, actor, case)? {
                return Ok(None);
            }
            let key = [actor.org.as_str().into(), case.as_str().into(), id.into()];
            tx.query_opt(&select_one(), &key)?.as_ref().map(record).transpose()
        })?;
        found
            .filter(|d| access::reads_document(actor, &d.kind))
            .ok_or_else(|| StoreError::NotFound("document".into()))
    }

    /// The generations of a case that `actor` sees and may read, oldest first: `Refused` for a case
    /// they do not see.
    pub fn case_documents_as(&self, actor: &Actor, case: &CaseId) -> StoreResult<Vec<DocumentRecord>> {
        let all = self.read(|tx| {
            access::check_sees_case(tx, actor, case)?;
            if !cases::exists(tx, &actor.org, case)? {
                return Err(StoreError::NotFound("case".into()));
            }
            tx.query(&select_of_case(), &[actor.org.as_str().into(), case.as_str().into()])?
                .iter()
                .map(record)
                .collect::<StoreResult<Vec<_>>>()
        })?;
        Ok(all.into_iter().filter(|d| access::reads_document(actor, &d.kind)).collect())
    }

    /// Every generation recorded for the case, oldest first.
    pub fn case_documents(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<DocumentRecord>> {
        self.read(|tx| {
            tx.query(&select_of_case(), &[org.as_str().into(), case.as_str().into()])?
                .iter()
                .map(record)
                .collect()
        })
    }
}
