//! What is wrong with one field, as data: a kind and its particulars.
//!
//! The domain words every problem in English (`Display`, which the command line and the API's
//! `message` use). The web app words the same data in the reader's language, so a Spanish reader of
//! a refused form never meets an English sentence. Problems found by serde while reading JSON arrive
//! as text; [`Problem::from_serde`] recognises serde's fixed shapes and the domain's own parse errors
//! and keeps anything else as [`Problem::Unreadable`].

use std::fmt;

use crate::date::Date;
use crate::identifiers::IdentifierError;

/// The kind of value a field expected, when a value of another kind was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    Text,
    WholeNumber,
    Number,
    TrueFalse,
    List,
    Object,
    /// serde's own description, when none of the above fits.
    Other(String),
}

impl Expected {
    /// From serde's `expected …` wording (`u32`, `a string`, `struct Person`, …).
    fn from_serde(text: &str) -> Expected {
        let text = text.trim();
        let integer =
            ["u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "i128", "usize", "isize"];
        if integer.contains(&text) || text.starts_with("an integer") {
            Expected::WholeNumber
        } else if ["f32", "f64"].contains(&text) || text.starts_with("a number") {
            Expected::Number
        } else if text.starts_with("a string") || text.starts_with("a borrowed string") {
            Expected::Text
        } else if text.starts_with("a boolean") {
            Expected::TrueFalse
        } else if text.starts_with("a sequence") || text.starts_with("a list") {
            Expected::List
        } else if text.starts_with("an object") || text.starts_with("struct ") || text.starts_with("a map") {
            Expected::Object
        } else {
            Expected::Other(text.to_owned())
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Expected::Text => "text",
            Expected::WholeNumber => "whole-number",
            Expected::Number => "number",
            Expected::TrueFalse => "true-false",
            Expected::List => "list",
            Expected::Object => "object",
            Expected::Other(_) => "other",
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Text => f.write_str("text"),
            Expected::WholeNumber => f.write_str("a whole number"),
            Expected::Number => f.write_str("a number"),
            Expected::TrueFalse => f.write_str("true or false"),
            Expected::List => f.write_str("a list"),
            Expected::Object => f.write_str("an object"),
            Expected::Other(text) => f.write_str(text),
        }
    }
}

/// Everything that can be wrong with one field of a case, an event or a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Blank where a value is required.
    Required,
    /// Left out of the document altogether.
    Missing {
        field: String,
    },
    /// Required by this type of event.
    RequiredFor {
        event_type: String,
    },
    /// A field this type of event does not take.
    NotAFieldOf {
        event_type: String,
    },
    UnknownEventType {
        value: String,
    },
    TooLong {
        max: usize,
    },
    TooManyPeople {
        max: usize,
    },
    TooManyEvents {
        max: usize,
    },
    ControlCharacter,
    NotAKey {
        value: String,
    },
    DuplicatePersonKey {
        key: String,
    },
    NoPeople,
    NoPatient,
    SecondPatient,
    NoSuchPerson {
        key: String,
    },
    EmptyPersons,
    PersonListedTwice {
        key: String,
    },
    DuplicateEventId {
        id: String,
    },
    NoSuchEarlierEvent {
        id: String,
    },
    /// A date that cannot be later than today (an attestation's date) is.
    AfterToday {
        date: Date,
        today: Date,
    },
    BeforeEventDate {
        date: Date,
        on: Date,
    },
    Between {
        min: i64,
        max: i64,
    },
    AtMost {
        max: i64,
    },
    NotNegative,
    NotAWholeNumber,
    WholeNumberBetween {
        min: i64,
        max: i64,
    },
    NotTrueFalse,
    NotADate {
        value: String,
    },
    Identifier(IdentifierError),
    WrongFormat {
        expected: String,
        found: String,
    },
    UnknownField {
        field: String,
    },
    /// A query or form parameter the request does not take.
    UnknownParameter,
    DuplicateField {
        field: String,
    },
    /// Given together with `other`, which excludes it.
    Exclusive {
        other: String,
    },
    /// Not a member of the organisation's staff.
    NoSuchStaff,
    /// A viewer only reads: they cannot be given a task.
    ViewerOwnsNoTasks,
    /// A clinician can be given a task only on a case shared with them (or assigned to them, which
    /// shares it), or they would own a task on a case they cannot open.
    CaseNotSharedWithOwner,
    /// Text of `min` to `max` characters.
    LengthBetween {
        min: usize,
        max: usize,
    },
    /// A selection with no condition at all would select every case.
    NoCondition,
    /// No case of the organisation has this reference.
    NoSuchCase {
        reference: String,
    },
    /// A value outside a fixed list (`expected` holds the values allowed).
    UnknownValue {
        value: String,
        expected: Vec<String>,
    },
    WrongType {
        expected: Expected,
    },
    /// Not an amount of dollars the format accepts (a number, or digits with up to 2 decimals).
    NotAnAmount {
        value: String,
    },
    /// A date outside the years the format accepts (1900-01-01 to 2199-12-31).
    DateOutOfRange {
        date: Date,
    },
    /// Another event already supersedes the event this one names.
    AlreadySuperseded {
        id: String,
    },
    /// `answers` names an event of a type this answer does not answer.
    NotAnswerable {
        id: String,
        expected: String,
    },
    /// `answers` names a notice dated after the answer.
    AnswerBeforeNotice {
        id: String,
        on: Date,
    },
    /// A note links to an event the case's timeline does not have.
    NoSuchEvent {
        id: String,
    },
    /// Two notes of one case file have the same number.
    DuplicateNoteId {
        id: u32,
    },
    /// Not the shape of an email address.
    NotAnEmail {
        value: String,
    },
    /// Not the shape of a telephone number.
    NotAPhoneNumber {
        value: String,
    },
    /// Another case of the organisation already has this reference.
    ReferenceTaken {
        reference: String,
    },
    /// The patient is the case's principal: they can be edited, never removed.
    PatientNotRemovable,
    /// A person the timeline or the medical profile names cannot be removed (`by` is the event's id,
    /// or `medical`).
    PersonStillNamed {
        key: String,
        by: String,
    },
    /// The event is already void.
    AlreadyVoided {
        id: String,
    },
    /// Another event links to this one (`by` supersedes or answers it), so voiding it would leave a
    /// link to nothing: void `by` first.
    EventLinked {
        id: String,
        by: String,
    },
    /// An uploaded file with no bytes.
    FileEmpty,
    /// An uploaded file larger than the server accepts.
    FileTooLarge {
        max_bytes: u64,
    },
    /// An uploaded file whose bytes are none of the accepted types (PDF, JPEG, PNG, HEIC, DOCX, plain
    /// text), whatever its name or the type the client claimed.
    FileTypeNotAccepted,
    /// Anything serde reports that none of the above describes; its words are kept as they are.
    Unreadable {
        detail: String,
    },
}

impl Problem {
    /// A stable name for the kind, used by the API (`problem`) and by the message files
    /// (`problem-<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::Missing { .. } => "missing",
            Problem::RequiredFor { .. } => "required-for",
            Problem::NotAFieldOf { .. } => "not-a-field-of",
            Problem::UnknownEventType { .. } => "unknown-event-type",
            Problem::TooLong { .. } => "too-long",
            Problem::TooManyPeople { .. } => "too-many-people",
            Problem::TooManyEvents { .. } => "too-many-events",
            Problem::ControlCharacter => "control-character",
            Problem::NotAKey { .. } => "not-a-key",
            Problem::DuplicatePersonKey { .. } => "duplicate-person-key",
            Problem::NoPeople => "no-people",
            Problem::NoPatient => "no-patient",
            Problem::SecondPatient => "second-patient",
            Problem::NoSuchPerson { .. } => "no-such-person",
            Problem::EmptyPersons => "empty-persons",
            Problem::PersonListedTwice { .. } => "person-listed-twice",
            Problem::DuplicateEventId { .. } => "duplicate-event-id",
            Problem::NoSuchEarlierEvent { .. } => "no-such-earlier-event",
            Problem::BeforeEventDate { .. } => "before-event-date",
            Problem::AfterToday { .. } => "after-today",
            Problem::Between { .. } => "between",
            Problem::AtMost { .. } => "at-most",
            Problem::NotNegative => "not-negative",
            Problem::NotAWholeNumber => "not-a-whole-number",
            Problem::WholeNumberBetween { .. } => "whole-number-between",
            Problem::NotTrueFalse => "not-true-false",
            Problem::NotADate { .. } => "not-a-date",
            Problem::Identifier(IdentifierError::ANumber(_)) => "not-an-a-number",
            Problem::Identifier(IdentifierError::Receipt(_)) => "not-a-receipt-number",
            Problem::Identifier(IdentifierError::I94(_)) => "not-an-i94-number",
            Problem::Identifier(IdentifierError::Country(_)) => "not-a-country-code",
            Problem::Identifier(IdentifierError::Reference(_)) => "not-a-case-reference",
            Problem::Identifier(IdentifierError::Language(_)) => "not-a-language-code",
            Problem::WrongFormat { .. } => "wrong-format",
            Problem::UnknownField { .. } => "unknown-field",
            Problem::UnknownParameter => "unknown-parameter",
            Problem::DuplicateField { .. } => "duplicate-field",
            Problem::Exclusive { .. } => "exclusive",
            Problem::NoSuchStaff => "no-such-staff",
            Problem::ViewerOwnsNoTasks => "viewer-owns-no-tasks",
            Problem::CaseNotSharedWithOwner => "case-not-shared-with-owner",
            Problem::LengthBetween { .. } => "length-between",
            Problem::NoCondition => "no-condition",
            Problem::NoSuchCase { .. } => "no-such-case",
            Problem::UnknownValue { .. } => "unknown-value",
            Problem::WrongType { .. } => "wrong-type",
            Problem::NotAnAmount { .. } => "not-an-amount",
            Problem::DateOutOfRange { .. } => "date-out-of-range",
            Problem::AlreadySuperseded { .. } => "already-superseded",
            Problem::NotAnswerable { .. } => "not-answerable",
            Problem::AnswerBeforeNotice { .. } => "answer-before-notice",
            Problem::NoSuchEvent { .. } => "no-such-event",
            Problem::DuplicateNoteId { .. } => "duplicate-note-id",
            Problem::NotAnEmail { .. } => "not-an-email",
            Problem::NotAPhoneNumber { .. } => "not-a-phone-number",
            Problem::ReferenceTaken { .. } => "reference-taken",
            Problem::PatientNotRemovable => "patient-not-removable",
            Problem::PersonStillNamed { .. } => "person-still-named",
            Problem::AlreadyVoided { .. } => "already-voided",
            Problem::EventLinked { .. } => "event-linked",
            Problem::FileEmpty => "file-empty",
            Problem::FileTooLarge { .. } => "file-too-large",
            Problem::FileTypeNotAccepted => "file-type-not-accepted",
            Problem::Unreadable { .. } => "unreadable",
        }
    }

    /// Whether the value is simply absent (blank, left out, or required by the event's type).
    pub fn is_absence(&self) -> bool {
        matches!(self, Problem::Required | Problem::Missing { .. } | Problem::RequiredFor { .. })
    }

    /// One problem of every kind, for tests that every kind is worded in every language.
    pub fn one_of_each() -> Vec<Problem> {
        let day = |d| Date::from_ymd(2026, 3, d).unwrap_or_else(unreachable_date);
        vec![
            Problem::Required,
            Problem::Missing { field: "given_name".into() },
            Problem::RequiredFor { event_type: "parole_granted".into() },
            Problem::NotAFieldOf { event_type: "rfe_received".into() },
            Problem::UnknownEventType { value: "visa_issued".into() },
            Problem::TooLong { max: 200 },
            Problem::TooManyPeople { max: 100 },
            Problem::TooManyEvents { max: 10_000 },
            Problem::ControlCharacter,
            Problem::NotAKey { value: "p 1".into() },
            Problem::DuplicatePersonKey { key: "p1".into() },
            Problem::NoPeople,
            Problem::NoPatient,
            Problem::SecondPatient,
            Problem::NoSuchPerson { key: "z9".into() },
            Problem::EmptyPersons,
            Problem::PersonListedTwice { key: "p1".into() },
            Problem::DuplicateEventId { id: "e1".into() },
            Problem::NoSuchEarlierEvent { id: "e7".into() },
            Problem::BeforeEventDate { date: day(1), on: day(20) },
            Problem::AfterToday { date: day(21), today: day(20) },
            Problem::Between { min: 0, max: 24 },
            Problem::AtMost { max: 36_500 },
            Problem::NotNegative,
            Problem::NotAWholeNumber,
            Problem::WholeNumberBetween { min: 0, max: 3650 },
            Problem::NotTrueFalse,
            Problem::NotADate { value: "2026-13-40".into() },
            Problem::Identifier(IdentifierError::ANumber("12".into())),
            Problem::Identifier(IdentifierError::Receipt("IOE12".into())),
            Problem::Identifier(IdentifierError::I94("123".into())),
            Problem::Identifier(IdentifierError::Country("Mexico".into())),
            Problem::Identifier(IdentifierError::Reference("a b".into())),
            Problem::Identifier(IdentifierError::Language("spanish".into())),
            Problem::WrongFormat { expected: "amparo.case/1".into(), found: "amparo.case/2".into() },
            Problem::UnknownField { field: "nickname".into() },
            Problem::UnknownParameter,
            Problem::DuplicateField { field: "on".into() },
            Problem::Exclusive { other: "after".into() },
            Problem::NoSuchStaff,
            Problem::ViewerOwnsNoTasks,
            Problem::CaseNotSharedWithOwner,
            Problem::LengthBetween { min: 1, max: 100 },
            Problem::NoCondition,
            Problem::NoSuchCase { reference: "A-404".into() },
            Problem::UnknownValue {
                value: "tps".into(),
                expected: vec!["humanitarian".into(), "u4u".into()],
            },
            Problem::WrongType { expected: Expected::WholeNumber },
            Problem::NotAnAmount { value: "10.001".into() },
            Problem::DateOutOfRange { date: Date::from_ymd(1850, 1, 1).unwrap_or_else(unreachable_date) },
            Problem::AlreadySuperseded { id: "e2".into() },
            Problem::NotAnswerable { id: "e2".into(), expected: "rfe_received".into() },
            Problem::AnswerBeforeNotice { id: "e2".into(), on: day(20) },
            Problem::NoSuchEvent { id: "e9".into() },
            Problem::DuplicateNoteId { id: 2 },
            Problem::NotAnEmail { value: "maria.example.org".into() },
            Problem::NotAPhoneNumber { value: "call me".into() },
            Problem::ReferenceTaken { reference: "HP-2026-001".into() },
            Problem::PatientNotRemovable,
            Problem::PersonStillNamed { key: "m1".into(), by: "e2".into() },
            Problem::AlreadyVoided { id: "e2".into() },
            Problem::EventLinked { id: "e2".into(), by: "e3".into() },
            Problem::FileEmpty,
            Problem::FileTooLarge { max_bytes: 25 * 1024 * 1024 },
            Problem::FileTypeNotAccepted,
            Problem::Unreadable { detail: "number out of range".into() },
        ]
    }

    /// The problem a serde error message describes. `missing field` problems name the field
    /// themselves; the caller adds it to the path of the object that lacks it.
    pub fn from_serde(message: &str) -> Problem {
        if let Some(field) = backticked(message, "missing field `") {
            return Problem::Missing { field };
        }
        if let Some(field) = backticked(message, "unknown field `") {
            return Problem::UnknownField { field };
        }
        if let Some(field) = backticked(message, "duplicate field `") {
            return Problem::DuplicateField { field };
        }
        if let Some(value) = backticked(message, "unknown variant `") {
            let expected = message
                .split_once(", expected ")
                .map(|(_, list)| list.split('`').skip(1).step_by(2).map(str::to_owned).collect())
                .unwrap_or_default();
            return Problem::UnknownValue { value, expected };
        }
        if let Some(rest) = message.strip_prefix("invalid type: ")
            && let Some((_, expected)) = rest.split_once(", expected ")
        {
            return Problem::WrongType { expected: Expected::from_serde(expected) };
        }
        if let Some(rest) = message.strip_prefix("invalid value: integer `")
            && let Some((_, expected)) = rest.split_once("`, expected ")
        {
            return match integer_range(expected.trim()) {
                Some((min, max)) => Problem::Between { min, max },
                None => Problem::WrongType { expected: Expected::from_serde(expected) },
            };
        }
        if let Some(rest) = message.strip_prefix("not an amount: ")
            && let Some((quoted, _)) = rest.rsplit_once(" (")
        {
            return Problem::NotAnAmount { value: unquote(quoted) };
        }
        if let Some(value) = message.strip_prefix("not a date: ") {
            return Problem::NotADate { value: unquote(value) };
        }
        if let Some(error) = IdentifierError::from_message(message) {
            return Problem::Identifier(error);
        }
        Problem::Unreadable { detail: message.to_owned() }
    }
}

/// The path and problem of a serde error at `path` (as `serde_path_to_error` writes it, `.` for the
/// document itself): a missing field is named in the path, not only its object.
pub fn located(path: &str, message: &str) -> (String, Problem) {
    let problem = Problem::from_serde(message);
    let path = match (&problem, path) {
        (Problem::Missing { field }, "." | "") => field.clone(),
        (Problem::Missing { field }, _) => format!("{path}.{field}"),
        _ => path.to_owned(),
    };
    (path, problem)
}

/// The text between `prefix` and the next backtick, when `message` starts with `prefix`.
fn backticked(message: &str, prefix: &str) -> Option<String> {
    message.strip_prefix(prefix).and_then(|rest| rest.split('`').next()).map(str::to_owned)
}

/// The value of a `{:?}`-quoted string as the domain's errors print it.
pub(crate) fn unquote(text: &str) -> String {
    serde_json::from_str::<String>(text)
        .unwrap_or_else(|_| text.trim_start_matches('"').trim_end_matches('"').to_owned())
}

/// The bounds of the integer types the format uses.
fn integer_range(type_name: &str) -> Option<(i64, i64)> {
    match type_name {
        "u8" => Some((0, i64::from(u8::MAX))),
        "u16" => Some((0, i64::from(u16::MAX))),
        "u32" => Some((0, i64::from(u32::MAX))),
        _ => None,
    }
}

/// `one_of_each` builds fixed, valid dates; this is never reached.
fn unreachable_date() -> Date {
    Date::from(chrono::NaiveDate::MIN)
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Required => f.write_str("must not be empty"),
            Problem::Missing { field } => write!(f, "missing field `{field}`"),
            Problem::RequiredFor { event_type } => write!(f, "required for a {event_type} event"),
            Problem::NotAFieldOf { event_type } => write!(f, "not a field of a {event_type} event"),
            Problem::UnknownEventType { value } => write!(
                f,
                "unknown event type {value:?} (expected one of: {})",
                crate::event::EVENT_TYPES.join(", ")
            ),
            Problem::TooLong { max } => write!(f, "at most {max} characters"),
            Problem::TooManyPeople { max } => write!(f, "at most {max} people"),
            Problem::TooManyEvents { max } => write!(f, "at most {max} events"),
            Problem::ControlCharacter => f.write_str("contains a control character"),
            Problem::NotAKey { value } => {
                write!(f, "not a key: {value:?} (1 to 32 letters, digits, '-' or '_')")
            }
            Problem::DuplicatePersonKey { key } => write!(f, "duplicate person key {key:?}"),
            Problem::NoPeople => f.write_str("a case needs at least its patient"),
            Problem::NoPatient => f.write_str("exactly one person must have the role \"patient\"; none has"),
            Problem::SecondPatient => {
                f.write_str("exactly one person may have the role \"patient\"; this is the second")
            }
            Problem::NoSuchPerson { key } => write!(f, "no person with key {key:?} on this case"),
            Problem::EmptyPersons => f.write_str("leave it out to mean everyone; an empty list means no one"),
            Problem::PersonListedTwice { key } => write!(f, "{key:?} is listed twice"),
            Problem::DuplicateEventId { id } => write!(f, "duplicate event id {id:?}"),
            Problem::NoSuchEarlierEvent { id } => write!(f, "no earlier event with id {id:?} on this case"),
            Problem::BeforeEventDate { date, on } => write!(f, "{date} is before the event's date ({on})"),
            Problem::AfterToday { date, today } => write!(f, "{date} is after today ({today})"),
            Problem::Between { min, max } => write!(f, "must be between {min} and {max}"),
            Problem::AtMost { max } => write!(f, "must be at most {max}"),
            Problem::NotNegative => f.write_str("must be a non-negative number"),
            Problem::NotAWholeNumber => f.write_str("expected a whole number"),
            Problem::WholeNumberBetween { min, max } => {
                write!(f, "expected a whole number from {min} to {max}")
            }
            Problem::NotTrueFalse => f.write_str("expected true or false"),
            Problem::NotADate { value } => write!(f, "not a date: {value:?}"),
            Problem::Identifier(error) => write!(f, "{error}"),
            Problem::WrongFormat { expected, found } => write!(f, "expected {expected:?}, found {found:?}"),
            Problem::UnknownField { field } => write!(f, "unknown field `{field}`"),
            Problem::UnknownParameter => f.write_str("unknown parameter"),
            Problem::DuplicateField { field } => write!(f, "duplicate field `{field}`"),
            Problem::Exclusive { other } => write!(f, "give either this or {other}, not both"),
            Problem::NoSuchStaff => f.write_str("no such person in this organisation"),
            Problem::ViewerOwnsNoTasks => f.write_str("a viewer cannot be given tasks"),
            Problem::CaseNotSharedWithOwner => {
                f.write_str("the case is not shared with this clinician; share it or assign them first")
            }
            Problem::LengthBetween { min, max } => write!(f, "{min} to {max} characters"),
            Problem::NoCondition => f.write_str("give at least one condition"),
            Problem::NoSuchCase { reference } => write!(f, "no case {reference:?} here"),
            Problem::UnknownValue { value, expected } => {
                write!(f, "unknown value {value:?} (expected one of: {})", expected.join(", "))
            }
            Problem::WrongType { expected } => write!(f, "invalid type, expected {expected}"),
            Problem::NotAnAmount { value } => write!(
                f,
                "not an amount: {value:?} (expected dollars from 0 to 1000000 with at most 2 decimals, e.g. 1000.00)"
            ),
            Problem::DateOutOfRange { date } => {
                write!(f, "{date} is outside the accepted dates (1900-01-01 to 2199-12-31)")
            }
            Problem::AlreadySuperseded { id } => {
                write!(
                    f,
                    "event {id:?} is already corrected by an earlier event; correct that correction instead"
                )
            }
            Problem::NotAnswerable { id, expected } => {
                write!(f, "event {id:?} is not a {expected} event, the notice this answers")
            }
            Problem::AnswerBeforeNotice { id, on } => {
                write!(f, "event {id:?} is dated {on}, after this answer")
            }
            Problem::NoSuchEvent { id } => write!(f, "no event with id {id:?} on this case"),
            Problem::DuplicateNoteId { id } => write!(f, "note number {id} is given twice"),
            Problem::NotAnEmail { value } => {
                write!(f, "{value:?} is not an email address (expected name@example.org)")
            }
            Problem::NotAPhoneNumber { value } => write!(
                f,
                "{value:?} is not a telephone number (expected 7 to 15 digits, optionally with +, spaces, dots, dashes or brackets)"
            ),
            Problem::ReferenceTaken { reference } => {
                write!(f, "another case of this organisation already has the reference {reference:?}")
            }
            Problem::PatientNotRemovable => {
                f.write_str("the patient cannot be removed from the case; edit their details instead")
            }
            Problem::PersonStillNamed { key, by } if by == "medical" => {
                write!(f, "{key:?} is the person the medical profile is about; change the profile first")
            }
            Problem::PersonStillNamed { key, by } => {
                write!(
                    f,
                    "{key:?} is named by event {by:?} on the timeline; void or correct that event first"
                )
            }
            Problem::AlreadyVoided { id } => write!(f, "event {id:?} is already void"),
            Problem::EventLinked { id, by } => {
                write!(f, "event {by:?} links to event {id:?}; void {by:?} first")
            }
            Problem::FileEmpty => f.write_str("the file is empty"),
            Problem::FileTooLarge { max_bytes } => {
                write!(f, "the file is larger than the {} MiB accepted", max_bytes.div_ceil(1024 * 1024))
            }
            Problem::FileTypeNotAccepted => f.write_str(
                "the file is not one of the accepted types (PDF, JPEG, PNG, HEIC, Word DOCX or plain text)",
            ),
            Problem::Unreadable { detail } => f.write_str(detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_code() {
        let all = Problem::one_of_each();
        let mut codes: Vec<&str> = all.iter().map(Problem::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "two samples share a code, or a kind has two samples");
    }

    /// `code` matches every kind (the compiler sees to it); this sees that `one_of_each`, which the
    /// wording tests use, has one of every kind `code` names.
    #[test]
    fn one_of_each_covers_every_code() {
        let source = include_str!("problem.rs");
        let body = source
            .split("impl Problem {")
            .nth(1)
            .and_then(|rest| rest.split("pub fn code(&self)").nth(1))
            .and_then(|rest| rest.split("\n    }\n").next());
        let mut declared: Vec<&str> = body
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split("=> \"").nth(1))
            .map(|rest| rest.trim_end_matches("\","))
            .collect();
        declared.sort_unstable();
        let mut sampled: Vec<&str> = Problem::one_of_each().iter().map(Problem::code).collect();
        sampled.sort_unstable();
        assert!(declared.len() > 30, "the code list was not found: {declared:?}");
        assert_eq!(sampled, declared);
    }

    #[test]
    fn serde_wordings_are_recognised() {
        let cases = [
            ("missing field `given_name`", Problem::Missing { field: "given_name".into() }),
            (
                "unknown field `ssn`, expected one of `key`, `role`",
                Problem::UnknownField { field: "ssn".into() },
            ),
            ("duplicate field `on`", Problem::DuplicateField { field: "on".into() }),
            (
                "unknown variant `tps`, expected one of `humanitarian`, `u4u`",
                Problem::UnknownValue {
                    value: "tps".into(),
                    expected: vec!["humanitarian".into(), "u4u".into()],
                },
            ),
            (
                "invalid type: integer `20250904`, expected a string",
                Problem::WrongType { expected: Expected::Text },
            ),
            (
                "invalid type: string \"x\", expected u32",
                Problem::WrongType { expected: Expected::WholeNumber },
            ),
            ("invalid type: sequence, expected an object", Problem::WrongType { expected: Expected::Object }),
            ("invalid value: integer `300`, expected u8", Problem::Between { min: 0, max: 255 }),
            ("not a date: \"2026-13-01\"", Problem::NotADate { value: "2026-13-01".into() }),
            ("number out of range", Problem::Unreadable { detail: "number out of range".into() }),
        ];
        for (message, expected) in cases {
            assert_eq!(Problem::from_serde(message), expected, "{message}");
        }
    }

    #[test]
    fn the_domains_own_parse_errors_come_back_whole() {
        let errors = [
            IdentifierError::ANumber("12 \"x\"".into()),
            IdentifierError::Receipt("IOE12".into()),
            IdentifierError::I94("123".into()),
            IdentifierError::Country("Mexico".into()),
            IdentifierError::Reference("a b".into()),
        ];
        for error in errors {
            assert_eq!(Problem::from_serde(&error.to_string()), Problem::Identifier(error.clone()));
        }
        let not_a_date = crate::date::NotADate("2026-02-30".into());
        assert_eq!(
            Problem::from_serde(&not_a_date.to_string()),
            Problem::NotADate { value: "2026-02-30".into() }
        );
    }
}
