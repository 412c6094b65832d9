//! The `amparo.case/1` interchange format: one JSON document per case, read by import and
//! `amparo deadlines`, written by export. A file is accepted whole or refused with the JSON path of the
//! first offending field.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::case::{CaseRecord, PersonRole};
use crate::case_file_extensions::Extensions;
use crate::contacts::Contacts;
use crate::date::Date;
use crate::event::{Event, EventKind, RawEvent, answered_type};
use crate::notes::{CaseNote, InvalidField};
use crate::problem::Problem;

pub const FORMAT: &str = "amparo.case/1";

/// Larger files are refused before parsing: no real case comes near it, and it bounds memory.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
pub const MAX_PEOPLE: usize = 100;
pub const MAX_EVENTS: usize = 10_000;
/// Names, conditions and other short text.
pub const MAX_SHORT_TEXT: usize = 200;
/// Notes and other free text kept outside case files (triage notes).
pub const MAX_LONG_TEXT: usize = 20_000;
/// A case file's `note` fields (`case-file.md`).
pub const MAX_NOTE_TEXT: usize = 4_000;
/// The first and last dates a case file accepts (`case-file.md`): far outside them is a typing slip.
pub const FIRST_DATE: (i32, u32, u32) = (1900, 1, 1);
pub const LAST_DATE: (i32, u32, u32) = (2199, 12, 31);
/// A hundred years: beyond it a number of days to critical harm is a typing slip.
pub const MAX_DAYS_TO_CRITICAL_HARM: i64 = 36_500;

/// A case with its timeline, in file order, and the optional sections kept beside it
/// (`docs/case-file-extensions.md`).
#[derive(Clone, Debug, PartialEq)]
pub struct CaseFile {
    pub case: CaseRecord,
    pub events: Vec<Event>,
    /// The document's optional sections (`case_file_extensions`).
    pub extensions: Extensions,
}

/// Something worth telling the person importing the file that does not make it invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a case file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaseFileError {
    #[error("the file is {size} bytes; a case file may be at most {max} bytes")]
    TooLarge { size: usize, max: usize },
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Syntax { line: usize, column: usize, message: String },
    /// A field is wrong: its JSON path, the problem as data (for wording it in any language) and the
    /// problem in English as the parser first said it.
    #[error("{path}: {message}")]
    Field { path: String, problem: Problem, message: String },
}

impl CaseFileError {
    fn field(path: impl Into<String>, problem: Problem) -> Self {
        CaseFileError::Field { path: path.into(), message: problem.to_string(), problem }
    }
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawCaseFile {
    format: String,
    #[serde(deserialize_with = "crate::objects::object")]
    case: CaseRecord,
    #[serde(deserialize_with = "crate::objects::objects")]
    events: Vec<RawEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closure: Option<crate::closure::Closure>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<CaseNote>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contacts: Option<Contacts>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    history: Vec<crate::case_edit::HistoryEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    voids: Vec<crate::case_edit::EventVoid>,
}

impl CaseFile {
    /// Parses and validates one case file.
    pub fn parse(text: &str) -> Result<(CaseFile, Vec<Warning>), CaseFileError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(CaseFileError::TooLarge { size: text.len(), max: MAX_FILE_BYTES });
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let raw: RawCaseFile = serde_path_to_error::deserialize(&mut deserializer)
            .map(|crate::objects::Object(raw)| raw)
            .map_err(json_error)?;
        deserializer.end().map_err(|e| CaseFileError::Syntax {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e),
        })?;
        if raw.format != FORMAT {
            let problem = Problem::WrongFormat { expected: FORMAT.to_owned(), found: raw.format };
            return Err(CaseFileError::field("format", problem));
        }
        let mut events = Vec::with_capacity(raw.events.len());
        for (index, event) in raw.events.into_iter().enumerate() {
            let event = event
                .into_event()
                .map_err(|e| CaseFileError::field(format!("events[{index}].{}", e.field), e.problem))?;
            events.push(event);
        }
        let contacts = match raw.contacts {
            Some(contacts) => Some(contacts.validated("contacts").map_err(from_invalid)?),
            None => None,
        };
        let extensions = Extensions {
            closure: raw.closure,
            notes: raw.notes,
            contacts,
            history: raw.history,
            voids: raw.voids,
        };
        let file = CaseFile { case: raw.case, events, extensions };
        let warnings = file.validate()?;
        Ok((file, warnings))
    }

    /// The file as `amparo export` writes it: pretty-printed, fields in a fixed order.
    pub fn to_json(&self) -> String {
        let raw = RawCaseFile {
            format: FORMAT.to_owned(),
            case: self.case.clone(),
            events: self.events.iter().map(RawEvent::from).collect(),
            closure: self.extensions.closure.clone(),
            notes: self.extensions.notes.clone(),
            contacts: self.extensions.contacts.clone().filter(|c| !c.is_empty()),
            history: self.extensions.history.clone(),
            voids: self.extensions.voids.clone(),
        };
        // Serialising plain data into a String cannot fail; fall back to an empty object rather than panic.
        serde_json::to_string_pretty(&raw).unwrap_or_else(|_| String::from("{}"))
    }

    /// The case as derivation reads it: the timeline without its voided events.
    pub fn in_force(&self) -> std::borrow::Cow<'_, CaseFile> {
        crate::case_edit::in_force(self, &self.extensions.voids)
    }

    /// Every rule of the format beyond types, in the order a reader would check them.
    pub fn validate(&self) -> Result<Vec<Warning>, CaseFileError> {
        let mut warnings = Vec::new();
        validate_record(&self.case)?;
        let people: HashSet<&str> = self.case.people.iter().map(|p| p.key.as_str()).collect();
        let mut earlier_ids: HashSet<&str> = HashSet::new();
        if self.events.len() > MAX_EVENTS {
            return Err(CaseFileError::field("events", Problem::TooManyEvents { max: MAX_EVENTS }));
        }
        for (index, event) in self.events.iter().enumerate() {
            let path = format!("events[{index}]");
            validate_event(event, &path, &people, &earlier_ids)?;
            validate_links(event, &path, &self.events[..index])?;
            warnings.extend(event_warnings(event, &path));
            if let Some(id) = &event.id {
                earlier_ids.insert(id);
            }
        }
        if let Some(closure) = &self.extensions.closure {
            crate::closure::checked_note(closure.reason, closure.note.as_deref(), MAX_NOTE_TEXT)
                .map_err(|problem| CaseFileError::field("closure.note", problem))?;
        }
        crate::notes::validate_notes(&self.extensions.notes, &self.events, "notes").map_err(from_invalid)?;
        self.extensions.validate(&self.events)?;
        Ok(warnings)
    }
}

fn from_invalid(invalid: InvalidField) -> CaseFileError {
    CaseFileError::field(invalid.field, invalid.problem)
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> CaseFileError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        let message = strip_position(&inner);
        return CaseFileError::Syntax { line: inner.line(), column: inner.column(), message };
    }
    let message = strip_position(&inner);
    let (path, problem) = crate::problem::located(&path, &message);
    let path = if path == "." { String::from("(document)") } else { path };
    CaseFileError::Field { path, problem, message }
}

/// serde_json appends " at line L column C" to its messages; the path says where instead.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).map(str::to_owned).unwrap_or(text)
}

fn check_text(path: String, text: &str, max: usize) -> Result<(), CaseFileError> {
    if text.trim().is_empty() {
        return Err(CaseFileError::field(path, Problem::Required));
    }
    if text.chars().count() > max {
        return Err(CaseFileError::field(path, Problem::TooLong { max }));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(CaseFileError::field(path, Problem::ControlCharacter));
    }
    Ok(())
}

fn check_key(path: String, key: &str) -> Result<(), CaseFileError> {
    let ok = (1..=32).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(CaseFileError::field(path, Problem::NotAKey { value: key.to_owned() })) }
}

/// Refuses a date outside the years the format accepts.
fn check_date(path: String, date: Date) -> Result<(), CaseFileError> {
    let bound = |(y, m, d): (i32, u32, u32)| Date::from_ymd(y, m, d);
    let inside = bound(FIRST_DATE).is_none_or(|first| date >= first)
        && bound(LAST_DATE).is_none_or(|last| date <= last);
    if inside { Ok(()) } else { Err(CaseFileError::field(path, Problem::DateOutOfRange { date })) }
}

/// The case record's own rules: people, patient, medical facts.
pub fn validate_record(case: &CaseRecord) -> Result<(), CaseFileError> {
    if case.people.is_empty() {
        return Err(CaseFileError::field("case.people", Problem::NoPeople));
    }
    if case.people.len() > MAX_PEOPLE {
        return Err(CaseFileError::field("case.people", Problem::TooManyPeople { max: MAX_PEOPLE }));
    }
    let mut keys = HashSet::new();
    for (index, person) in case.people.iter().enumerate() {
        let path = format!("case.people[{index}]");
        check_key(format!("{path}.key"), &person.key)?;
        if !keys.insert(person.key.as_str()) {
            let problem = Problem::DuplicatePersonKey { key: person.key.clone() };
            return Err(CaseFileError::field(format!("{path}.key"), problem));
        }
        check_text(format!("{path}.given_name"), &person.given_name, MAX_SHORT_TEXT)?;
        check_text(format!("{path}.family_name"), &person.family_name, MAX_SHORT_TEXT)?;
        if let Some(birth_date) = person.birth_date {
            check_date(format!("{path}.birth_date"), birth_date)?;
        }
    }
    let patients: Vec<usize> = case
        .people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.role == PersonRole::Patient)
        .map(|(i, _)| i)
        .collect();
    match patients.as_slice() {
        [] => {
            return Err(CaseFileError::field("case.people", Problem::NoPatient));
        }
        [_] => {}
        [_, second, ..] => {
            return Err(CaseFileError::field(format!("case.people[{second}].role"), Problem::SecondPatient));
        }
    }
    if let Some(medical) = &case.medical {
        if !keys.contains(medical.person.as_str()) {
            let problem = Problem::NoSuchPerson { key: medical.person.clone() };
            return Err(CaseFileError::field("case.medical.person", problem));
        }
        check_text("case.medical.condition".into(), &medical.condition, MAX_SHORT_TEXT)?;
        for (name, value) in [("regimen", &medical.regimen), ("facility", &medical.facility)] {
            if let Some(text) = value {
                check_text(format!("case.medical.{name}"), text, MAX_SHORT_TEXT)?;
            }
        }
        if medical.hours_per_day.is_some_and(|h| h > 24) {
            return Err(CaseFileError::field(
                "case.medical.hours_per_day",
                Problem::Between { min: 0, max: 24 },
            ));
        }
        if medical.days_to_critical_harm.is_some_and(|d| i64::from(d) > MAX_DAYS_TO_CRITICAL_HARM) {
            let problem = Problem::AtMost { max: MAX_DAYS_TO_CRITICAL_HARM };
            return Err(CaseFileError::field("case.medical.days_to_critical_harm", problem));
        }
        if let Some(attested_on) = medical.attested_on {
            check_date("case.medical.attested_on".into(), attested_on)?;
        }
    }
    Ok(())
}

/// One event's rules against the people of its case and the events before it. `path` prefixes every
/// field the error names; the same check guards events appended one at a time.
pub fn validate_event(
    event: &Event,
    path: &str,
    people: &HashSet<&str>,
    earlier_ids: &HashSet<&str>,
) -> Result<(), CaseFileError> {
    if let Some(id) = &event.id {
        check_key(format!("{path}.id"), id)?;
        if earlier_ids.contains(id.as_str()) {
            return Err(CaseFileError::field(
                format!("{path}.id"),
                Problem::DuplicateEventId { id: id.clone() },
            ));
        }
    }
    if let Some(persons) = &event.persons {
        if persons.is_empty() {
            return Err(CaseFileError::field(format!("{path}.persons"), Problem::EmptyPersons));
        }
        let mut seen = HashSet::new();
        for (i, key) in persons.iter().enumerate() {
            if !people.contains(key.as_str()) {
                let problem = Problem::NoSuchPerson { key: key.clone() };
                return Err(CaseFileError::field(format!("{path}.persons[{i}]"), problem));
            }
            if !seen.insert(key) {
                let problem = Problem::PersonListedTwice { key: key.clone() };
                return Err(CaseFileError::field(format!("{path}.persons[{i}]"), problem));
            }
        }
    }
    if let Some(target) = &event.supersedes
        && !earlier_ids.contains(target.as_str())
    {
        let problem = Problem::NoSuchEarlierEvent { id: target.clone() };
        return Err(CaseFileError::field(format!("{path}.supersedes"), problem));
    }
    check_date(format!("{path}.on"), event.on)?;
    for (field, date) in event.kind.dates() {
        check_date(format!("{path}.{field}"), date)?;
    }
    for (field, date) in event.kind.later_dates() {
        if date < event.on {
            let problem = Problem::BeforeEventDate { date, on: event.on };
            return Err(CaseFileError::field(format!("{path}.{field}"), problem));
        }
    }
    if let crate::event::EventKind::MedicalAttested { days_to_critical_harm } = &event.kind
        && days_to_critical_harm.is_some_and(|d| i64::from(d) > MAX_DAYS_TO_CRITICAL_HARM)
    {
        let problem = Problem::AtMost { max: MAX_DAYS_TO_CRITICAL_HARM };
        return Err(CaseFileError::field(format!("{path}.days_to_critical_harm"), problem));
    }
    if let Some(note) = &event.note {
        check_text(format!("{path}.note"), note, MAX_NOTE_TEXT)?;
    }
    let short_texts = match &event.kind {
        EventKind::ParoleGranted { class_of_admission: Some(text), .. } => Some(("class_of_admission", text)),
        EventKind::EadApproved { card_number: Some(text), .. } => Some(("card_number", text)),
        _ => None,
    };
    if let Some((field, text)) = short_texts {
        check_text(format!("{path}.{field}"), text, MAX_SHORT_TEXT)?;
    }
    Ok(())
}

/// The rules that tie an event to the events before it: at most one correction per event, and an
/// answer's `answers` naming an earlier notice of the type it answers, dated on or before it.
/// `earlier` is the case's timeline before this event, in file order.
pub fn validate_links(event: &Event, path: &str, earlier: &[Event]) -> Result<(), CaseFileError> {
    if let Some(target) = &event.supersedes
        && earlier.iter().any(|e| e.supersedes.as_ref() == Some(target))
    {
        let problem = Problem::AlreadySuperseded { id: target.clone() };
        return Err(CaseFileError::field(format!("{path}.supersedes"), problem));
    }
    let Some(target) = &event.answers else {
        return Ok(());
    };
    let field = format!("{path}.answers");
    let Some(notice) = earlier.iter().find(|e| e.id.as_ref() == Some(target)) else {
        return Err(CaseFileError::field(field, Problem::NoSuchEarlierEvent { id: target.clone() }));
    };
    let expected = answered_type(event.kind.type_name()).unwrap_or_default();
    if notice.kind.type_name() != expected {
        let problem = Problem::NotAnswerable { id: target.clone(), expected: expected.to_owned() };
        return Err(CaseFileError::field(field, problem));
    }
    if notice.on > event.on {
        return Err(CaseFileError::field(
            field,
            Problem::AnswerBeforeNotice { id: target.clone(), on: notice.on },
        ));
    }
    Ok(())
}

/// Things accepted but worth a second look.
pub fn event_warnings(event: &Event, path: &str) -> Vec<Warning> {
    use crate::event::EventKind::*;
    match &event.kind {
        ParoleRequested { receipt_number: Some(r) }
        | ReParoleFiled { receipt_number: Some(r) }
        | EadFiled { receipt_number: Some(r) }
        | AsylumFiled { receipt_number: Some(r) }
            if !r.has_known_prefix() =>
        {
            vec![Warning {
                path: format!("{path}.receipt_number"),
                message: format!(
                    "unknown receipt prefix {:?}; check the number on the receipt notice",
                    &r.as_str()[..3]
                ),
            }]
        }
        _ => Vec::new(),
    }
}
