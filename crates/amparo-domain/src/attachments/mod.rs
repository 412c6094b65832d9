//! Attachments: the files kept with a case (a termination notice, an I-94, a medical letter), their
//! kinds, the details typed beside them and the rules those details follow. The bytes themselves are
//! the store's; what type a file is, is read from its bytes by [`sniff`].

pub mod sniff;

use serde::{Deserialize, Serialize};

use crate::case::{Person, PersonKey};
use crate::date::Date;
use crate::event::{Event, EventId};
use crate::notes::{InvalidField, check_event_link};
use crate::problem::Problem;

pub use sniff::{ContentType, sniff};

/// The longest title accepted, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest file name kept, in characters (a longer one is cut).
pub const MAX_FILE_NAME: usize = 200;
/// The size limit when the configuration sets none: 25 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// What a file is, for the case: the evidence list groups by it, and a clinician sees only
/// [`AttachmentKind::MedicalLetter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Notice,
    I94,
    MedicalLetter,
    Identity,
    Evidence,
    Filing,
    Correspondence,
    Other,
}

impl AttachmentKind {
    /// Every kind, in the order the evidence list shows them.
    pub const ALL: [AttachmentKind; 8] = [
        AttachmentKind::Notice,
        AttachmentKind::I94,
        AttachmentKind::MedicalLetter,
        AttachmentKind::Identity,
        AttachmentKind::Evidence,
        AttachmentKind::Filing,
        AttachmentKind::Correspondence,
        AttachmentKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Notice => "notice",
            AttachmentKind::I94 => "i94",
            AttachmentKind::MedicalLetter => "medical_letter",
            AttachmentKind::Identity => "identity",
            AttachmentKind::Evidence => "evidence",
            AttachmentKind::Filing => "filing",
            AttachmentKind::Correspondence => "correspondence",
            AttachmentKind::Other => "other",
        }
    }

    /// The kind a stored or typed name stands for; anything else is [`Problem::UnknownValue`].
    pub fn parse(value: &str) -> Result<AttachmentKind, Problem> {
        AttachmentKind::ALL.into_iter().find(|k| k.as_str() == value).ok_or_else(|| Problem::UnknownValue {
            value: value.to_owned(),
            expected: AttachmentKind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
        })
    }

    /// Whether a clinician on a case shared with them sees (and may add) files of this kind.
    pub fn is_medical(self) -> bool {
        self == AttachmentKind::MedicalLetter
    }
}

/// The details typed beside a file being added to a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentDetails {
    pub kind: AttachmentKind,
    pub title: String,
    /// The date written on the document, when it has one.
    pub dated: Option<Date>,
    /// The timeline event it belongs to (the notice it is the letter of).
    pub event: Option<EventId>,
    /// The person it is about.
    pub person: Option<PersonKey>,
    /// The file's name on the uploader's computer, kept only to name the download.
    pub file_name: Option<String>,
}

impl AttachmentDetails {
    /// The details' rules against the case's people and timeline, naming the field that is wrong.
    pub fn validate(&self, people: &[Person], events: &[Event]) -> Result<(), InvalidField> {
        check_title(&self.title).map_err(|p| InvalidField::new("title", p))?;
        check_event_link(self.event.as_deref(), events).map_err(|p| InvalidField::new("event", p))?;
        if let Some(key) = &self.person
            && !people.iter().any(|p| &p.key == key)
        {
            return Err(InvalidField::new("person", Problem::NoSuchPerson { key: key.clone() }));
        }
        Ok(())
    }
}

/// A title: required, at most [`MAX_TITLE`] characters, one line.
pub fn check_title(title: &str) -> Result<(), Problem> {
    if title.trim().is_empty() {
        return Err(Problem::Required);
    }
    if title.chars().count() > MAX_TITLE {
        return Err(Problem::TooLong { max: MAX_TITLE });
    }
    if title.chars().any(char::is_control) {
        return Err(Problem::ControlCharacter);
    }
    Ok(())
}

/// A file name as kept for the download: its last path segment, control characters and quotes
/// dropped, at most [`MAX_FILE_NAME`] characters; `None` when nothing is left.
pub fn clean_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/'))
        .take(MAX_FILE_NAME)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Refuses a file that is empty, larger than `max_bytes`, or of no accepted type; returns its type.
pub fn check_file(bytes: &[u8], max_bytes: u64) -> Result<ContentType, Problem> {
    if bytes.is_empty() {
        return Err(Problem::FileEmpty);
    }
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_bytes {
        return Err(Problem::FileTooLarge { max_bytes });
    }
    sniff(bytes).ok_or(Problem::FileTypeNotAccepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_names_the_choices() {
        for kind in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(matches!(AttachmentKind::parse("passport"), Err(Problem::UnknownValue { .. })));
    }

    #[test]
    fn file_names_keep_only_their_last_segment() {
        assert_eq!(clean_file_name("C:\\Users\\x\\notice.pdf").as_deref(), Some("notice.pdf"));
        assert_eq!(clean_file_name("../../etc/\"a\".pdf").as_deref(), Some("a.pdf"));
        assert_eq!(clean_file_name("  "), None);
    }

    #[test]
    fn files_are_refused_with_a_reason() {
        assert_eq!(check_file(b"", 10), Err(Problem::FileEmpty));
        assert_eq!(check_file(b"%PDF-1.7 and more", 5), Err(Problem::FileTooLarge { max_bytes: 5 }));
        assert_eq!(check_file(b"\x00\x01binary", 100), Err(Problem::FileTypeNotAccepted));
        assert_eq!(check_file(b"%PDF-1.7\n", 100), Ok(ContentType::Pdf));
    }
}
