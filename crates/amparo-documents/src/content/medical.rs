//! The medical-necessity letter: drafted from the case's medical profile for the treating clinician,
//! who reviews it and attests it. Until attested it prints as a draft; attested, it carries the
//! clinician's name, credentials, date and statement.

use amparo_domain::{CaseFile, Date};
use serde::Serialize;

use super::{Letterhead, PersonLine, english_date};
use crate::error::DocumentError;

/// A clinician's attestation of the letter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attestation {
    pub name: String,
    pub credentials: String,
    pub date: Date,
    pub statement: String,
}

/// The longest attestation field kept (a name, credentials) and the longest statement.
pub const MAX_ATTESTATION_LINE: usize = 200;
pub const MAX_ATTESTATION_STATEMENT: usize = 4000;

impl Attestation {
    /// An attestation as typed, checked: every field given, within its length, the date not after
    /// `today`. Each problem names its field.
    pub fn check(
        name: &str,
        credentials: &str,
        date: Date,
        statement: &str,
        today: Date,
    ) -> Result<Attestation, DocumentError> {
        let field = |field: &str, problem: String| DocumentError::Missing { field: field.into(), problem };
        for (name_of, value, max) in [
            ("name", name, MAX_ATTESTATION_LINE),
            ("credentials", credentials, MAX_ATTESTATION_LINE),
            ("statement", statement, MAX_ATTESTATION_STATEMENT),
        ] {
            if value.trim().is_empty() {
                return Err(field(name_of, String::from("required")));
            }
            if value.chars().count() > max {
                return Err(field(name_of, format!("at most {max} characters")));
            }
        }
        if date > today {
            return Err(field("date", format!("{date} is after today ({today})")));
        }
        Ok(Attestation {
            name: name.trim().into(),
            credentials: credentials.trim().into(),
            date,
            statement: statement.trim().into(),
        })
    }
}

#[derive(Clone, Debug, Serialize)]
struct AttestationLines {
    name: String,
    credentials: String,
    date: String,
    statement: String,
}

#[derive(Clone, Debug, Serialize)]
struct MedicalFacts {
    condition: String,
    regimen: Option<String>,
    hours_per_day: Option<u8>,
    facility: Option<String>,
    available_in_origin_country: Option<bool>,
    days_to_critical_harm: Option<u32>,
}

/// What the medical letter prints.
#[derive(Clone, Debug, Serialize)]
pub struct MedicalLetter {
    letterhead: Letterhead,
    date: String,
    reference: String,
    patient: PersonLine,
    medical: MedicalFacts,
    attestation: Option<AttestationLines>,
}

impl MedicalLetter {
    pub fn of(
        file: &CaseFile,
        letterhead: Letterhead,
        today: Date,
        attestation: Option<&Attestation>,
    ) -> Result<MedicalLetter, DocumentError> {
        let medical = file.case.medical.as_ref().ok_or_else(|| DocumentError::Missing {
            field: String::from("medical"),
            problem: String::from("the case has no medical profile; record the condition first"),
        })?;
        let patient = file.case.person(medical.person.as_str()).ok_or_else(|| DocumentError::Missing {
            field: String::from("medical.person"),
            problem: format!("no person {:?} on the case", medical.person.as_str()),
        })?;
        Ok(MedicalLetter {
            letterhead,
            date: english_date(attestation.map_or(today, |a| a.date)),
            reference: file.case.reference.as_str().to_owned(),
            patient: PersonLine::of(patient),
            medical: MedicalFacts {
                condition: medical.condition.clone(),
                regimen: medical.regimen.clone(),
                hours_per_day: medical.hours_per_day,
                facility: medical.facility.clone(),
                available_in_origin_country: medical.available_in_origin_country,
                days_to_critical_harm: medical.days_to_critical_harm,
            },
            attestation: attestation.map(|a| AttestationLines {
                name: a.name.clone(),
                credentials: a.credentials.clone(),
                date: english_date(a.date),
                statement: a.statement.clone(),
            }),
        })
    }
}
