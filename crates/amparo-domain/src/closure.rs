//! Closing a case: why the organisation stopped working it, with an optional note, and when. A closed
//! case keeps its record and stays searchable, but nothing about it is due any more (the store derives
//! no deadline for it) until it is reopened.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// Why a case was closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// The family obtained another status (asylum, adjustment, TPS…).
    OtherStatus,
    /// The family moved out of the organisation's reach.
    Moved,
    /// The family withdrew from representation.
    Withdrew,
    /// The organisation no longer represents the family.
    NoLongerRepresented,
    /// The patient died.
    Deceased,
    /// Anything else; a note then says what.
    Other,
}

impl CloseReason {
    pub const ALL: [CloseReason; 6] = [
        CloseReason::OtherStatus,
        CloseReason::Moved,
        CloseReason::Withdrew,
        CloseReason::NoLongerRepresented,
        CloseReason::Deceased,
        CloseReason::Other,
    ];

    /// The reason as the file format, the API and the database write it.
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::OtherStatus => "other_status",
            CloseReason::Moved => "moved",
            CloseReason::Withdrew => "withdrew",
            CloseReason::NoLongerRepresented => "no_longer_represented",
            CloseReason::Deceased => "deceased",
            CloseReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<CloseReason> {
        CloseReason::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The problem with `text` as a reason: blank, or not one of [`CloseReason::ALL`].
    pub fn problem(text: &str) -> Problem {
        if text.trim().is_empty() {
            return Problem::Required;
        }
        Problem::UnknownValue {
            value: text.to_owned(),
            expected: CloseReason::ALL.iter().map(|r| r.as_str().to_owned()).collect(),
        }
    }
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A case's closure: the reason, a note (required when the reason is `other`) and when it closed.
/// Who closed it stays in the database and the audit trail, not in the file: a person's id means
/// nothing to another installation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    pub reason: CloseReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub closed_at: DateTime<Utc>,
}

/// A closure's note, checked: `None` when blank; required for [`CloseReason::Other`]; at most
/// `max` characters, without control characters other than line breaks and tabs. The error is
/// the problem with the note.
pub fn checked_note(reason: CloseReason, note: Option<&str>, max: usize) -> Result<Option<String>, Problem> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    match note {
        None if reason == CloseReason::Other => Err(Problem::Required),
        None => Ok(None),
        Some(text) if text.chars().count() > max => Err(Problem::TooLong { max }),
        Some(text) if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            Err(Problem::ControlCharacter)
        }
        Some(text) => Ok(Some(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_reason_reads_back_from_its_name() {
        for reason in CloseReason::ALL {
            assert_eq!(CloseReason::parse(reason.as_str()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.as_str()));
        }
        assert_eq!(CloseReason::parse("closed"), None);
    }

    #[test]
    fn other_needs_a_note_and_notes_are_bounded() {
        assert_eq!(checked_note(CloseReason::Other, Some("  "), 10), Err(Problem::Required));
        assert_eq!(checked_note(CloseReason::Moved, Some("  "), 10), Ok(None));
        assert_eq!(checked_note(CloseReason::Moved, Some(" to Ohio "), 10), Ok(Some("to Ohio".into())));
        assert_eq!(
            checked_note(CloseReason::Moved, Some("far too long"), 10),
            Err(Problem::TooLong { max: 10 })
        );
        assert_eq!(checked_note(CloseReason::Other, Some("a\u{7}b"), 10), Err(Problem::ControlCharacter));
    }
}
