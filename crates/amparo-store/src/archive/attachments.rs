//! An organisation's attachments in its archive: each row with its file opened (the organisation
//! leaves with its data in clear, as its case files are), described by one index entry and kept as
//! the member `attachments/ID.EXT`. On restore each file is checked against its entry (size,
//! SHA-256, the type read from its bytes, the case's people and timeline) before anything is
//! written, then sealed anew under this installation's keys, its object written before its row.

use std::collections::{BTreeMap, BTreeSet};

use amparo_domain::CaseFile;
use amparo_domain::attachments::{AttachmentDetails, AttachmentKind, ContentType, check_file};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Store;
use crate::attachments::{Attachment, object_key, rows, sealed};
use crate::columns::millis;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId};
use crate::security::seal::{self, Field, Sealer};

/// The folder of the archive that holds the files and their index.
pub const FOLDER: &str = "attachments/";

/// A file kept with a case: an entry of `attachments/index.json` (`amparo.attachments/1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedAttachment {
    /// A UUID, unique within the organisation's archive.
    pub id: String,
    /// The case's reference.
    pub case: String,
    /// The timeline event it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The key of the case's person it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// `notice`, `medical_letter`, …
    pub kind: String,
    pub title: String,
    /// The name the file had on the uploader's computer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The date written on the document (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dated: Option<String>,
    /// The type read from its bytes (`application/pdf`, …).
    pub media_type: String,
    /// The file's length.
    pub bytes: u64,
    /// The file's SHA-256, in lowercase hex.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    /// The staff member's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<String>,
    /// The archive member holding its bytes: `attachments/ID.EXT`.
    pub file: String,
}

/// An attachment with its file, in clear.
#[derive(Clone, PartialEq, Eq)]
pub struct ArchivedFile {
    pub attachment: ArchivedAttachment,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for ArchivedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ArchivedFile {{ id: {}, bytes: {} }}", self.attachment.id, self.bytes.len())
    }
}

/// The member an attachment's file is kept in.
pub fn member_name(id: &str, content_type: ContentType) -> String {
    format!("{FOLDER}{id}.{}", content_type.extension())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// An attachment row read for export, with the reference of its case.
pub(super) struct Listed {
    case: CaseId,
    reference: String,
    attachment: Attachment,
}

/// The attachments of the organisation's cases (`(reference, id)`, sorted by reference), in the
/// export's transaction: by case reference, then when uploaded, then id.
pub(super) fn listed(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    cases: &[(String, CaseId)],
) -> StoreResult<Vec<Listed>> {
    let mut found = Vec::new();
    for (reference, case) in cases {
        for attachment in rows::of_case(tx, sealer, org, case)? {
            found.push(Listed { case: case.clone(), reference: reference.clone(), attachment });
        }
    }
    Ok(found)
}

/// Each listed attachment with its file, read from the object store and opened; after the export's
/// transaction, since an object is written before its row and never changed but by re-sealing.
pub(super) fn files(store: &Store, org: &OrgId, listed: Vec<Listed>) -> StoreResult<Vec<ArchivedFile>> {
    if listed.is_empty() {
        return Ok(Vec::new());
    }
    let objects = store.objects()?;
    listed
        .into_iter()
        .map(|Listed { case, reference, attachment: a }| {
            let binding = (org.as_str(), case.as_str(), a.id.as_str());
            let object = objects.get(&object_key(binding.0, binding.1, binding.2))?;
            let bytes = sealed::open(store.sealer(), binding, &object)?;
            let attachment = ArchivedAttachment {
                file: member_name(&a.id, a.content_type),
                case: reference,
                event: a.event,
                person: a.person,
                kind: a.kind.as_str().to_owned(),
                title: a.title,
                file_name: a.file_name,
                dated: a.dated.map(|d| d.to_string()),
                media_type: a.content_type.mime().to_owned(),
                bytes: a.byte_size,
                sha256: sha256_hex(&bytes),
                uploaded_at: a.uploaded_at,
                uploaded_by: a.uploaded_by.map(|u| u.0),
                id: a.id,
            };
            Ok(ArchivedFile { attachment, bytes })
        })
        .collect()
}

fn refused(path: String, why: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("{path}: {why}"))
}

/// An entry's details as an upload's, for the same rules.
fn details(i: usize, a: &ArchivedAttachment) -> StoreResult<AttachmentDetails> {
    let kind = AttachmentKind::parse(&a.kind).map_err(|p| refused(format!("attachments[{i}].kind"), p))?;
    let dated = a
        .dated
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|_| refused(format!("attachments[{i}].dated"), "not a date (YYYY-MM-DD)"))?;
    Ok(AttachmentDetails {
        kind,
        title: a.title.clone(),
        dated,
        event: a.event.clone(),
        person: a.person.clone(),
        file_name: a.file_name.clone(),
    })
}

/// The rules of the archive's attachments, before anything is written: each entry's case, staff
/// member, event and person exist; its id is new; its file is the one its entry describes.
pub(super) fn check(
    files: &[ArchivedFile],
    cases: &[CaseFile],
    staff: &BTreeSet<&str>,
    max_bytes: u64,
) -> StoreResult<()> {
    let by_reference: BTreeMap<&str, &CaseFile> =
        cases.iter().map(|c| (c.case.reference.as_str(), c)).collect();
    let mut ids = BTreeMap::new();
    for (i, ArchivedFile { attachment: a, bytes }) in files.iter().enumerate() {
        let path = |field: &str| format!("attachments[{i}].{field}");
        if uuid::Uuid::parse_str(&a.id).is_err() {
            return Err(refused(path("id"), "not a UUID"));
        }
        if let Some(first) = ids.insert(a.id.as_str(), i) {
            return Err(refused(path("id"), format!("{:?} is also at attachments[{first}]", a.id)));
        }
        let case = by_reference.get(a.case.as_str()).ok_or_else(|| {
            refused(path("case"), format!("no case with reference {:?} in the archive", a.case))
        })?;
        if let Some(user) = &a.uploaded_by
            && !staff.contains(user.as_str())
        {
            return Err(refused(
                path("uploaded_by"),
                format!("no staff member with id {user:?} in the archive"),
            ));
        }
        details(i, a)?
            .validate(&case.case.people, &case.events)
            .map_err(|e| refused(path(&e.field), e.problem))?;
        let content_type = ContentType::from_mime(&a.media_type).ok_or_else(|| {
            refused(path("media_type"), format!("{:?} is not a type Amparo keeps", a.media_type))
        })?;
        let read = check_file(bytes, max_bytes).map_err(|p| refused(path("file"), p))?;
        if read != content_type {
            return Err(refused(
                path("media_type"),
                format!("the file is {}, not {}", read.mime(), a.media_type),
            ));
        }
        if a.file != member_name(&a.id, content_type) {
            return Err(refused(path("file"), format!("expected {}", member_name(&a.id, content_type))));
        }
        if a.bytes != bytes.len() as u64 || a.sha256 != sha256_hex(bytes) {
            return Err(refused(path("sha256"), format!("{} does not match its size and digest", a.file)));
        }
    }
    Ok(())
}

/// Seals each file under this installation's keys, writes its object, then its row, in the
/// restore's transaction; the keys of the objects written are pushed to `written`, for the caller
/// to delete should the transaction fail.
pub(super) fn restore(
    store: &Store,
    tx: &mut dyn Tx,
    org: &OrgId,
    ids: &BTreeMap<&str, CaseId>,
    files: &[ArchivedFile],
    written: &mut Vec<String>,
) -> StoreResult<()> {
    if files.is_empty() {
        return Ok(());
    }
    let objects = store.objects()?;
    let sealer = store.sealer();
    for (i, ArchivedFile { attachment: a, bytes }) in files.iter().enumerate() {
        let case = ids
            .get(a.case.as_str())
            .ok_or_else(|| refused(format!("attachments[{i}].case"), "no such case was restored"))?;
        let (o, c, id) = (org.as_str(), case.as_str(), a.id.as_str());
        let key = object_key(o, c, id);
        let (object, key_id) = sealed::seal(sealer, (o, c, id), bytes)?;
        objects.put(&key, object)?;
        written.push(key.clone());
        let row_id = seal::attachment_row(c, id);
        let title = sealer.seal(Field::AttachmentTitle, o, &row_id, &a.title)?;
        let file_name = sealer.seal_opt(Field::AttachmentFileName, o, &row_id, a.file_name.as_deref())?;
        let size = i64::try_from(a.bytes).unwrap_or(i64::MAX);
        tx.execute(
            rows::INSERT,
            &[
                o.into(),
                c.into(),
                id.into(),
                a.kind.as_str().into(),
                title.into(),
                file_name.into(),
                a.media_type.as_str().into(),
                size.into(),
                a.dated.clone().into(),
                a.event.clone().into(),
                a.person.clone().into(),
                key.as_str().into(),
                key_id.as_str().into(),
                millis(a.uploaded_at).into(),
                a.uploaded_by.clone().into(),
            ],
        )?;
    }
    Ok(())
}
