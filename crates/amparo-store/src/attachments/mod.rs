//! Attachments: files kept with a case. The row (kind, sealed title and file name, type, size, the
//! event and person it belongs to) is in the database; the bytes are sealed in chunks
//! (`amparo_trust::stream`, bound to organisation, case and attachment) and kept in the object store
//! (`objects`). An object is written first and its row after, with the audit entry, in one
//! transaction: a row is never acknowledged without its object, and an object whose row never came
//! is an orphan `Store::sweep_attachment_orphans` removes once older than its grace period.
//!
//! | file | job |
//! | --- | --- |
//! | `objects` | the object store (a folder, or S3) behind a blocking API |
//! | `s3` | an `s3://` URL's bucket, reached as the settings and the AWS variables say |
//! | `sealed` | sealing and opening an object's bytes under the store's keys |
//! | `rows` | the table's SQL, row mapping and re-sealing of the sealed columns |
//! | `add` | adding a file on someone's behalf |
//! | `read` | listing a case's attachments and reading one's bytes, audited |
//! | `upkeep` | bringing objects under a new key |
//! | `sweep` | removing orphans older than a grace period |
//! | `stored` | every object the rows name, for backups and their checks; where a database keeps them |

mod add;
pub mod objects;
mod read;
pub(crate) use read::visible_in;
pub(crate) mod rows;
mod s3;
pub(crate) mod sealed;
pub(crate) mod stored;
mod sweep;
mod upkeep;

use amparo_domain::Date;
use amparo_domain::attachments::{AttachmentKind, ContentType};
use chrono::{DateTime, Utc};

use crate::model::{CaseId, UserId};

pub use add::NewAttachment;
pub use objects::{ObjectEntry, Objects};
pub use s3::S3Settings;
pub use stored::{StoredObject, objects_for};
pub use sweep::{DEFAULT_SWEEP_GRACE, Sweep, SweepReport};

/// An attachment's details as stored (its bytes are read with `Store::attachment_file_as`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// A UUID, unique within its case.
    pub id: String,
    pub case: CaseId,
    pub kind: AttachmentKind,
    pub title: String,
    /// The name the file had on the uploader's computer, if any.
    pub file_name: Option<String>,
    /// The type read from its bytes when it was added.
    pub content_type: ContentType,
    pub byte_size: u64,
    /// The date written on the document.
    pub dated: Option<Date>,
    /// The timeline event it belongs to.
    pub event: Option<String>,
    /// The person of the case it is about.
    pub person: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: Option<UserId>,
}

impl Attachment {
    /// The name a download is given: the original file name, else the title, with the extension of
    /// its real type.
    pub fn download_name(&self) -> String {
        let ext = self.content_type.extension();
        match &self.file_name {
            Some(name) if name.to_ascii_lowercase().ends_with(&format!(".{ext}")) => name.clone(),
            Some(name) => format!("{name}.{ext}"),
            None => format!("{}.{ext}", self.title),
        }
    }
}

/// An attachment with its bytes, opened.
#[derive(Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub attachment: Attachment,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for AttachmentFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AttachmentFile {{ id: {}, bytes: {} }}", self.attachment.id, self.bytes.len())
    }
}

/// Where an attachment's object is kept: `org/case/attachment`.
pub(crate) fn object_key(org: &str, case: &str, id: &str) -> String {
    format!("{org}/{case}/{id}")
}
