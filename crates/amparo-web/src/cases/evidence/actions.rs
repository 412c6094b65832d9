//! What the evidence pages and their API both do, written once: reading an upload into the file and
//! details the store takes, and each store call made with the signed-in user as the acting person
//! (the store checks the data rules and writes the audit entry in its own transaction).

use amparo_domain::Problem;
use amparo_domain::attachments::{AttachmentDetails, AttachmentKind, clean_file_name};
use amparo_store::{Actor, Attachment, AttachmentFile, CaseId, NewAttachment, Store, StoreResult, User};
use chrono::{DateTime, Utc};

use crate::http::upload::GuardedUpload;

/// The upload's fields, as the form and the API name them.
pub const KIND: &str = "kind";
pub const TITLE: &str = "title";
pub const DATED: &str = "dated";
pub const EVENT: &str = "event";
pub const PERSON: &str = "person";
pub const FILE: &str = crate::http::upload::FILE_FIELD;

/// The file and details an upload describes, or the field that is wrong. Size and type are the
/// store's to check (against its configured limit, from the bytes).
pub fn parse(mut upload: GuardedUpload, max_bytes: u64) -> Result<NewAttachment, (&'static str, Problem)> {
    let kind = AttachmentKind::parse(upload.field(KIND).unwrap_or_default()).map_err(|p| {
        match upload.field(KIND) {
            None => (KIND, Problem::Required),
            Some(_) => (KIND, p),
        }
    })?;
    let title = upload.field(TITLE).unwrap_or_default().to_owned();
    amparo_domain::attachments::check_title(&title).map_err(|p| (TITLE, p))?;
    let dated = match upload.field(DATED) {
        Some(text) => Some(text.parse().map_err(|_| (DATED, Problem::NotADate { value: text.to_owned() }))?),
        None => None,
    };
    let event = upload.field(EVENT).map(str::to_owned);
    let person = upload.field(PERSON).map(str::to_owned);
    let Some(file) = upload.file.take() else { return Err((FILE, Problem::Required)) };
    if file.too_large {
        return Err((FILE, Problem::FileTooLarge { max_bytes }));
    }
    let file_name = file.name.as_deref().and_then(clean_file_name);
    let details = AttachmentDetails { kind, title, dated, event, person, file_name };
    Ok(NewAttachment { details, bytes: file.bytes })
}

/// Adds the file to `case` as `user`.
pub fn add(
    store: &Store,
    user: &User,
    case: &CaseId,
    new: &NewAttachment,
    now: DateTime<Utc>,
) -> StoreResult<Attachment> {
    store.add_attachment_as(&Actor::of(user), case, new, now)
}

/// The attachments of `case` that `user` sees, the read audited (`via` the API).
pub fn list(store: &Store, user: &User, case: &CaseId, now: DateTime<Utc>) -> StoreResult<Vec<Attachment>> {
    store.case_attachments_as(&Actor::of(user), case, "api", now)
}

/// One file with its bytes, the read audited (`via`: `view`, `download`, `api`).
pub fn file(
    store: &Store,
    user: &User,
    case: &CaseId,
    id: &str,
    via: &str,
    now: DateTime<Utc>,
) -> StoreResult<AttachmentFile> {
    store.attachment_file_as(&Actor::of(user), case, id, via, now)
}
