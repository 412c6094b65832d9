//! Where the notice's text comes from: the text pasted into the form, or one of the case's uploaded
//! notices or PDFs, read as the reader (the read audited by the store) and turned into text by
//! [`crate::notice_text`] (a PDF's text layer, or Tesseract for a scan when it is installed).

use amparo_domain::attachments::{AttachmentKind, ContentType};
use amparo_store::{Actor, Attachment, CaseId, Store, StoreError};
use chrono::{DateTime, Utc};

use crate::notice_text::{NoticeTextError, TextSource, notice_text};

/// The longest text pasted: a notice is a few pages, not a book.
pub const MAX_PASTED_CHARS: usize = 100_000;

/// What was asked to be read.
pub enum Asked {
    Pasted(String),
    Attachment(String),
}

/// Why no text could be had; each names the field the reader fixes.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("neither text nor a file was given")]
    Nothing,
    #[error("both text and a file were given")]
    Both,
    #[error("the pasted text is longer than {MAX_PASTED_CHARS} characters")]
    TooLong,
    #[error("no such notice or PDF on this case")]
    NoSuchFile,
    #[error("the file cannot be read as a notice: {0}")]
    Unreadable(#[source] NoticeTextError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether an attachment is offered for reading: a notice, or any PDF.
pub fn readable(attachment: &Attachment) -> bool {
    attachment.kind == AttachmentKind::Notice || attachment.content_type == ContentType::Pdf
}

/// What the form asks, from its two fields.
pub fn asked(text: &str, file: &str) -> Result<Asked, SourceError> {
    let has_text = !text.trim().is_empty();
    match (has_text, file.is_empty()) {
        (false, true) => Err(SourceError::Nothing),
        (true, false) => Err(SourceError::Both),
        (true, true) if text.chars().count() > MAX_PASTED_CHARS => Err(SourceError::TooLong),
        (true, true) => Ok(Asked::Pasted(text.replace("\r\n", "\n"))),
        (false, false) => Ok(Asked::Attachment(file.to_owned())),
    }
}

/// The attachment's bytes, read as `actor` (audited as a read `via` this page), if it is one the
/// page offers. Blocking: called on the store's thread.
pub fn attachment_bytes(
    store: &Store,
    actor: &Actor,
    case: &CaseId,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, SourceError> {
    let offered = store.case_attachments_for_page(actor, case)?;
    if !offered.iter().any(|a| a.id == id && readable(a)) {
        return Err(SourceError::NoSuchFile);
    }
    match store.attachment_file_as(actor, case, id, "notice read", now) {
        Ok(file) => Ok(file.bytes),
        Err(StoreError::NotFound(_)) => Err(SourceError::NoSuchFile),
        Err(other) => Err(other.into()),
    }
}

/// The text of a file's bytes. Blocking (Tesseract may take seconds): called off the async threads.
pub fn file_text(bytes: &[u8]) -> Result<(String, TextSource), SourceError> {
    notice_text(bytes).map_err(SourceError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_asks_for_text_or_a_file_never_both_nor_neither() {
        assert!(matches!(asked("  \n", ""), Err(SourceError::Nothing)));
        assert!(matches!(asked("Notice date: 2 March 2026", "f1"), Err(SourceError::Both)));
        assert!(matches!(asked(&"x".repeat(MAX_PASTED_CHARS + 1), ""), Err(SourceError::TooLong)));
        assert!(matches!(asked("a\r\nb", ""), Ok(Asked::Pasted(text)) if text == "a\nb"));
        assert!(matches!(asked("", "f1"), Ok(Asked::Attachment(id)) if id == "f1"));
    }
}
