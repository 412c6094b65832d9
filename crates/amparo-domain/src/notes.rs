//! Case notes and the activity log: what staff wrote down about a case (a plain note, a call, a
//! meeting, an email, a message), who wrote it and when, optionally about one event of the timeline,
//! and whether it is pinned to the top. Notes are not facts of the timeline: nothing is derived from
//! them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{Event, EventId};
use crate::problem::Problem;

/// The longest note, in characters (the same bound as an event's `note`, `case-file.md`).
pub const MAX_NOTE_TEXT: usize = crate::case_file::MAX_NOTE_TEXT;
/// The most notes one case carries; a case file with more is refused.
pub const MAX_NOTES: usize = 10_000;

/// What kind of activity a note records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Note,
    Call,
    Meeting,
    Email,
    Message,
}

impl NoteKind {
    pub const ALL: [NoteKind; 5] =
        [NoteKind::Note, NoteKind::Call, NoteKind::Meeting, NoteKind::Email, NoteKind::Message];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Call => "call",
            NoteKind::Meeting => "meeting",
            NoteKind::Email => "email",
            NoteKind::Message => "message",
        }
    }

    /// The kind named `text`, or the problem naming the kinds there are.
    pub fn parse(text: &str) -> Result<NoteKind, Problem> {
        NoteKind::ALL.into_iter().find(|k| k.as_str() == text).ok_or_else(|| Problem::UnknownValue {
            value: text.to_owned(),
            expected: NoteKind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
        })
    }
}

/// One field that is wrong: its name (or path, `others[1].email`) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InvalidField {
    pub field: String,
    pub problem: Problem,
}

impl InvalidField {
    pub fn new(field: impl Into<String>, problem: Problem) -> InvalidField {
        InvalidField { field: field.into(), problem }
    }
}

/// A note as kept with its case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseNote {
    /// The note's number within its case, from 1, in the order notes were written.
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: NoteKind,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Who wrote it, by name as they were called then (`None`: written by no one known, e.g. a tool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The event of the timeline the note is about, by its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventId>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    pub text: String,
}

/// A note as someone writes it; the store gives it its number, time and author.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewNote {
    pub kind: NoteKind,
    pub event: Option<EventId>,
    pub text: String,
}

/// Refuses blank text, text beyond [`MAX_NOTE_TEXT`] characters and control characters other than
/// line breaks and tabs.
pub fn check_note_text(text: &str) -> Result<(), Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Required);
    }
    if text.chars().count() > MAX_NOTE_TEXT {
        return Err(Problem::TooLong { max: MAX_NOTE_TEXT });
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(Problem::ControlCharacter);
    }
    Ok(())
}

/// Refuses a link to an event the case's timeline does not have.
pub fn check_event_link(event: Option<&str>, events: &[Event]) -> Result<(), Problem> {
    match event {
        Some(id) if !events.iter().any(|e| e.id.as_deref() == Some(id)) => {
            Err(Problem::NoSuchEvent { id: id.to_owned() })
        }
        _ => Ok(()),
    }
}

impl NewNote {
    /// The note's rules against its case's timeline, naming the field that is wrong.
    pub fn validate(&self, events: &[Event]) -> Result<(), InvalidField> {
        check_note_text(&self.text).map_err(|p| InvalidField::new("text", p))?;
        check_event_link(self.event.as_deref(), events).map_err(|p| InvalidField::new("event", p))
    }
}

/// A case file's notes against its timeline: numbers unique and from 1, each note valid. `path`
/// prefixes the fields named (`notes`).
pub fn validate_notes(notes: &[CaseNote], events: &[Event], path: &str) -> Result<(), InvalidField> {
    if notes.len() > MAX_NOTES {
        return Err(InvalidField::new(path, Problem::AtMost { max: MAX_NOTES as i64 }));
    }
    let mut seen = std::collections::HashSet::new();
    for (index, note) in notes.iter().enumerate() {
        let at = |field: &str| format!("{path}[{index}].{field}");
        if note.id == 0 {
            return Err(InvalidField::new(
                at("id"),
                Problem::WholeNumberBetween { min: 1, max: i64::from(u32::MAX) },
            ));
        }
        if !seen.insert(note.id) {
            return Err(InvalidField::new(at("id"), Problem::DuplicateNoteId { id: note.id }));
        }
        check_note_text(&note.text).map_err(|p| InvalidField::new(at("text"), p))?;
        if let Some(author) = &note.author
            && author.chars().count() > crate::case_file::MAX_SHORT_TEXT
        {
            let problem = Problem::TooLong { max: crate::case_file::MAX_SHORT_TEXT };
            return Err(InvalidField::new(at("author"), problem));
        }
        check_event_link(note.event.as_deref(), events).map_err(|p| InvalidField::new(at("event"), p))?;
    }
    Ok(())
}

/// Notes in the order a reader wants them: pinned first, then newest first (by time, then number).
pub fn in_reading_order(notes: &mut [CaseNote]) {
    notes.sort_by(|a, b| b.pinned.cmp(&a.pinned).then(b.at.cmp(&a.at)).then(b.id.cmp(&a.id)));
}
