//! Editing a case after intake: the edits a person may make to its record (reference, programme,
//! medical profile, people), checked against the record and its timeline, and what each edit leaves
//! in the case's history — which fields changed, from what to what — so nothing is silently
//! overwritten and a removed person stays on record.
//!
//! Also the voids of events: an event recorded on the wrong case or by mistake stays on the timeline
//! as written, and a void says who removed it from force, when and why. Derivation reads the
//! timeline without its voided events ([`in_force`]).

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::case::{CaseRecord, MedicalProfile, Person, PersonKey, PersonRole, Program};
use crate::case_file::{CaseFile, CaseFileError, MAX_NOTE_TEXT, validate_record};
use crate::case_file_extensions::Extensions;
use crate::identifiers::CaseReference;
use crate::problem::Problem;

/// One edit of a case's record.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseEdit {
    /// The reference, the programme and the medical profile; `None` leaves a field as it is, and
    /// `Some(None)` for the medical profile removes it.
    Record {
        reference: Option<CaseReference>,
        program: Option<Program>,
        medical: Option<Option<MedicalProfile>>,
    },
    /// A new member of the family (a newborn sibling, a guardian).
    AddPerson(Person),
    /// A person's details replaced whole; their key never changes (events name them by it).
    UpdatePerson { key: PersonKey, person: Person },
    /// A member removed; they stay in the history.
    RemovePerson { key: PersonKey },
}

impl CaseEdit {
    /// Whether the edit touches the medical profile alone (what a clinician may change).
    pub fn medical_only(&self) -> bool {
        matches!(self, CaseEdit::Record { reference: None, program: None, medical: Some(_) })
    }

    /// The record after the edit, or the field that makes it wrong (named as the request names it:
    /// `person.birth_date`, `medical.condition`, `key`). Every event of the timeline, voided or not,
    /// must still name only people on the case.
    pub fn apply(&self, file: &CaseFile) -> Result<CaseRecord, CaseFileError> {
        let mut record = file.case.clone();
        let person_index = |key: &str| record.people.iter().position(|p| p.key == key);
        match self {
            CaseEdit::Record { reference, program, medical } => {
                if let Some(reference) = reference {
                    record.reference = reference.clone();
                }
                if let Some(program) = program {
                    record.program = *program;
                }
                if let Some(medical) = medical {
                    record.medical = medical.clone();
                }
                validate_record(&record).map_err(|e| relocate(e, "case.", ""))?;
            }
            CaseEdit::AddPerson(person) => {
                record.people.push(person.clone());
                let prefix = format!("case.people[{}]", record.people.len() - 1);
                validate_record(&record).map_err(|e| relocate(e, &prefix, "person"))?;
            }
            CaseEdit::UpdatePerson { key, person } => {
                let index = person_index(key).ok_or_else(|| no_such_person(key))?;
                record.people[index] = Person { key: key.clone(), ..person.clone() };
                let prefix = format!("case.people[{index}]");
                validate_record(&record).map_err(|e| relocate(e, &prefix, "person"))?;
            }
            CaseEdit::RemovePerson { key } => {
                let index = person_index(key).ok_or_else(|| no_such_person(key))?;
                if record.people[index].role == PersonRole::Patient {
                    return Err(field("key", Problem::PatientNotRemovable));
                }
                if record.medical.as_ref().is_some_and(|m| &m.person == key) {
                    return Err(field(
                        "key",
                        Problem::PersonStillNamed { key: key.clone(), by: "medical".into() },
                    ));
                }
                let named_by = file.events.iter().enumerate().find(|(_, e)| {
                    e.persons.as_ref().is_some_and(|persons| persons.iter().any(|p| p == key))
                });
                if let Some((index, event)) = named_by {
                    let by = event.id.clone().unwrap_or_else(|| format!("#{}", index + 1));
                    return Err(field("key", Problem::PersonStillNamed { key: key.clone(), by }));
                }
                record.people.remove(index);
            }
        }
        Ok(record)
    }
}

fn field(path: &str, problem: Problem) -> CaseFileError {
    CaseFileError::Field { path: path.to_owned(), message: problem.to_string(), problem }
}

fn no_such_person(key: &str) -> CaseFileError {
    field("key", Problem::NoSuchPerson { key: key.to_owned() })
}

/// Renames the path of a record's error from the case file's (`case.people[2].birth_date`) to the
/// request's (`person.birth_date`).
fn relocate(error: CaseFileError, from: &str, to: &str) -> CaseFileError {
    match error {
        CaseFileError::Field { path, problem, message } => {
            let path = match path.strip_prefix(from) {
                Some(rest) if to.is_empty() => rest.to_owned(),
                Some(rest) => format!("{to}{rest}"),
                None => path.strip_prefix("case.").map(str::to_owned).unwrap_or(path),
            };
            CaseFileError::Field { path, problem, message }
        }
        other => other,
    }
}

/// What one history entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    CaseUpdated,
    PersonAdded,
    PersonUpdated,
    PersonRemoved,
}

impl HistoryAction {
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryAction::CaseUpdated => "case_updated",
            HistoryAction::PersonAdded => "person_added",
            HistoryAction::PersonUpdated => "person_updated",
            HistoryAction::PersonRemoved => "person_removed",
        }
    }

    pub fn parse(text: &str) -> Option<HistoryAction> {
        [Self::CaseUpdated, Self::PersonAdded, Self::PersonUpdated, Self::PersonRemoved]
            .into_iter()
            .find(|a| a.as_str() == text)
    }
}

/// One field's value before and after an edit, as text (`None`: it had no value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One edit, as the case's history keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// The case version the edit made.
    pub version: i64,
    pub action: HistoryAction,
    /// The person the edit is about, or none for the case itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonKey>,
    pub changes: Vec<FieldChange>,
    pub changed_at: DateTime<Utc>,
    /// The staff member who made it; none for a command-line write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
}

/// What changed between two records, as history entries without their version, time and author:
/// the case's own fields first, then each person added, changed or removed.
pub fn record_changes(
    before: &CaseRecord,
    after: &CaseRecord,
) -> Vec<(HistoryAction, Option<PersonKey>, Vec<FieldChange>)> {
    let mut entries = Vec::new();
    let mut case_changes = Vec::new();
    push_change(
        &mut case_changes,
        "reference",
        Some(before.reference.to_string()),
        Some(after.reference.to_string()),
    );
    push_change(
        &mut case_changes,
        "program",
        Some(before.program.as_str().into()),
        Some(after.program.as_str().into()),
    );
    case_changes.extend(object_changes("medical.", &to_value(&before.medical), &to_value(&after.medical)));
    if !case_changes.is_empty() {
        entries.push((HistoryAction::CaseUpdated, None, case_changes));
    }
    for old in &before.people {
        match after.person(&old.key) {
            Some(new) => {
                let changes = object_changes("", &to_value(old), &to_value(new));
                if !changes.is_empty() {
                    entries.push((HistoryAction::PersonUpdated, Some(old.key.clone()), changes));
                }
            }
            None => {
                let changes = object_changes("", &to_value(old), &Value::Null);
                entries.push((HistoryAction::PersonRemoved, Some(old.key.clone()), changes));
            }
        }
    }
    for new in after.people.iter().filter(|p| before.person(&p.key).is_none()) {
        let changes = object_changes("", &Value::Null, &to_value(new));
        entries.push((HistoryAction::PersonAdded, Some(new.key.clone()), changes));
    }
    entries
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn push_change(changes: &mut Vec<FieldChange>, field: &str, before: Option<String>, after: Option<String>) {
    if before != after {
        changes.push(FieldChange { field: field.to_owned(), before, after });
    }
}

/// The fields of two JSON objects (either may be null) that differ, in the order the first names
/// them and then the second's new ones; the key of a person is not a field that changes.
fn object_changes(prefix: &str, before: &Value, after: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let mut changes = Vec::new();
    let names = before.keys().chain(after.keys().filter(|k| !before.contains_key(*k)));
    for name in names {
        push_change(&mut changes, &format!("{prefix}{name}"), text(before.get(name)), text(after.get(name)));
    }
    changes
}

/// An event taken out of force: which one (its place on the timeline, from 1, and its id if it has
/// one), why, when and by whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventVoid {
    pub seq: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    pub reason: String,
    pub voided_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voided_by: Option<String>,
}

/// The case as derivation reads it: its timeline without the voided events. Most cases have none,
/// and are read as they are, without a copy.
pub fn in_force<'a>(file: &'a CaseFile, voids: &[EventVoid]) -> Cow<'a, CaseFile> {
    if voids.is_empty() {
        return Cow::Borrowed(file);
    }
    let events = file
        .events
        .iter()
        .enumerate()
        .filter(|(index, _)| !voids.iter().any(|v| v.seq == *index as i64 + 1))
        .map(|(_, event)| event.clone())
        .collect();
    // A closed case derives nothing, voids or not: the closure stays; the voids are spent.
    let extensions = Extensions { voids: Vec::new(), ..file.extensions.clone() };
    Cow::Owned(CaseFile { case: file.case.clone(), events, extensions })
}

/// Whether the event at `seq` (from 1) may be voided with `reason`: it is not void already, no
/// event in force corrects or answers it, and the reason is given.
pub fn check_void(file: &CaseFile, voids: &[EventVoid], seq: i64, reason: &str) -> Result<(), CaseFileError> {
    let index = usize::try_from(seq - 1).ok().filter(|i| *i < file.events.len());
    let Some(index) = index else {
        return Err(field("event", Problem::NoSuchEarlierEvent { id: format!("#{seq}") }));
    };
    let name = file.events[index].id.clone().unwrap_or_else(|| format!("#{seq}"));
    if voids.iter().any(|v| v.seq == seq) {
        return Err(field("event", Problem::AlreadyVoided { id: name }));
    }
    if let Some(target) = &file.events[index].id {
        let live = in_force(file, voids);
        let linking = live
            .events
            .iter()
            .find(|e| e.supersedes.as_ref() == Some(target) || e.answers.as_ref() == Some(target));
        if let Some(by) = linking {
            let by = by.id.clone().unwrap_or_default();
            return Err(field("event", Problem::EventLinked { id: name, by }));
        }
    }
    let trimmed = reason.trim();
    if trimmed.is_empty() {
        return Err(field("reason", Problem::Required));
    }
    if reason.chars().count() > MAX_NOTE_TEXT {
        return Err(field("reason", Problem::TooLong { max: MAX_NOTE_TEXT }));
    }
    if reason.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(field("reason", Problem::ControlCharacter));
    }
    Ok(())
}
