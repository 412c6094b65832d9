//! The rows a case is stored as (the case, its people, its events' bodies) and their conversion to
//! and from the domain's case file.

use std::collections::HashSet;

use amparo_domain::case_file::{validate_event, validate_links};
use amparo_domain::case_file_extensions::Extensions;
use amparo_domain::identifiers::{ANumber, CaseReference, CountryCode};
use amparo_domain::{CaseFile, CaseRecord, Event, MedicalProfile, Person, PersonRole, Program, RawEvent};

use crate::columns::{corrupt, from_millis};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, StoredCase};

pub struct CaseRow {
    pub id: String,
    pub org_id: String,
    pub reference: String,
    pub program: String,
    pub version: i64,
    pub medical: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// While the case is closed: when, why and the note (opened).
    pub closed_at: Option<i64>,
    pub close_reason: Option<String>,
    pub close_note: Option<String>,
}

pub struct PersonRow {
    pub position: i64,
    pub key: String,
    pub role: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<String>,
    pub a_number: Option<String>,
    pub citizenship: Option<String>,
    pub preferred_language: Option<String>,
}

pub fn medical_to_json(medical: &Option<MedicalProfile>) -> StoreResult<Option<String>> {
    Ok(match medical {
        Some(m) => Some(serde_json::to_string(m)?),
        None => None,
    })
}

pub fn person_row(person: &Person, position: usize) -> PersonRow {
    PersonRow {
        position: position as i64,
        key: person.key.clone(),
        role: person.role.as_str().to_owned(),
        given_name: person.given_name.clone(),
        family_name: person.family_name.clone(),
        birth_date: person.birth_date.map(|d| d.to_string()),
        a_number: person.a_number.as_ref().map(|a| a.as_str().to_owned()),
        citizenship: person.citizenship.as_ref().map(|c| c.as_str().to_owned()),
        preferred_language: person.preferred_language.as_ref().map(|l| l.as_str().to_owned()),
    }
}

fn person_from_row(row: PersonRow) -> StoreResult<Person> {
    Ok(Person {
        role: PersonRole::parse(&row.role).ok_or_else(|| corrupt("person role", &row.role))?,
        birth_date: row.birth_date.map(|d| d.parse().map_err(|_| corrupt("birth date", &d))).transpose()?,
        a_number: row
            .a_number
            .map(|a| ANumber::parse(&a).map_err(|_| corrupt("A-number", "***")))
            .transpose()?,
        citizenship: row
            .citizenship
            .map(|c| CountryCode::parse(&c).map_err(|_| corrupt("citizenship", &c)))
            .transpose()?,
        preferred_language: row
            .preferred_language
            .map(|l| amparo_domain::LanguageTag::parse(&l).map_err(|_| corrupt("language", &l)))
            .transpose()?,
        key: row.key,
        given_name: row.given_name,
        family_name: row.family_name,
    })
}

fn event_from_body(body: &str) -> StoreResult<Event> {
    let raw: RawEvent = serde_json::from_str(body)?;
    raw.into_event().map_err(|e| StoreError::Backend(format!("stored event: {e}")))
}

/// Rebuilds a stored case from its rows; people and events must come in position and sequence order.
pub fn assemble_case(
    case: CaseRow,
    people: Vec<PersonRow>,
    event_bodies: Vec<String>,
) -> StoreResult<StoredCase> {
    let record = CaseRecord {
        reference: CaseReference::parse(&case.reference)
            .map_err(|_| corrupt("reference", &case.reference))?,
        program: Program::parse(&case.program).ok_or_else(|| corrupt("program", &case.program))?,
        people: people.into_iter().map(person_from_row).collect::<StoreResult<_>>()?,
        medical: case.medical.as_deref().map(serde_json::from_str).transpose()?,
    };
    let events = event_bodies.iter().map(|b| event_from_body(b)).collect::<StoreResult<_>>()?;
    let closure = closure_from_row(case.closed_at, case.close_reason, case.close_note)?;
    Ok(StoredCase {
        id: CaseId(case.id),
        org_id: OrgId(case.org_id),
        version: case.version,
        file: CaseFile { case: record, events, extensions: Extensions { closure, ..Default::default() } },
        created_at: from_millis(case.created_at),
        updated_at: from_millis(case.updated_at),
    })
}

/// A closed case's closure from its columns; `None` while the case is open.
fn closure_from_row(
    closed_at: Option<i64>,
    reason: Option<String>,
    note: Option<String>,
) -> StoreResult<Option<amparo_domain::Closure>> {
    let Some(closed_at) = closed_at else { return Ok(None) };
    let reason = reason.unwrap_or_default();
    let reason =
        amparo_domain::CloseReason::parse(&reason).ok_or_else(|| corrupt("close reason", &reason))?;
    Ok(Some(amparo_domain::Closure { reason, note, closed_at: from_millis(closed_at) }))
}

/// The same rules a case file's events obey, checked against the case as stored: its people, the
/// ids of its earlier events, and the links an event makes to them (one correction per event; an
/// answer names an earlier notice of the type it answers, on this case's timeline).
pub fn check_new_event(file: &CaseFile, event: &Event) -> StoreResult<()> {
    let people: HashSet<&str> = file.case.people.iter().map(|p| p.key.as_str()).collect();
    let ids: HashSet<&str> = file.events.iter().filter_map(|e| e.id.as_deref()).collect();
    validate_event(event, "event", &people, &ids)?;
    validate_links(event, "event", &file.events)?;
    Ok(())
}
