//! The re-parole request's cover letter (Form I-131): who asks, for whom, the expedite request on
//! the medical emergency with the dates the rule set derives (when parole ends, when the request
//! must be filed) and their citations, and the exhibit index of the attachments chosen.

use amparo_domain::rules::{Deadline, DeadlineKind};
use amparo_domain::{CaseFile, Date, Derivation, PersonRole};
use serde::Serialize;

use super::exhibits::Exhibit;
use super::{Letterhead, PersonLine, english_date};
use crate::error::DocumentError;

/// The derived dates the expedite request cites, with how an English letter names them.
const CITED: [(DeadlineKind, &str); 4] = [
    (DeadlineKind::ParoleEnds, "Parole ends"),
    (DeadlineKind::ReParoleWindowOpens, "Re-parole filing window opens"),
    (DeadlineKind::ReParoleFileBy, "Re-parole request to be filed by"),
    (DeadlineKind::MedicalAttestationRefreshBy, "Medical attestation to be refreshed by"),
];

/// One dated fact the expedite request cites.
#[derive(Clone, Debug, Serialize)]
pub struct CitedDate {
    pub label: String,
    pub person: Option<String>,
    pub date: String,
    pub citation: String,
}

#[derive(Clone, Debug, Serialize)]
struct Expedite {
    condition: Option<String>,
    facility: Option<String>,
    days_to_critical_harm: Option<u32>,
    care_unavailable_in_origin: bool,
    covered_until: Option<String>,
    dates: Vec<CitedDate>,
}

/// What the cover letter (and the packet's first pages) print.
#[derive(Clone, Debug, Serialize)]
pub struct CoverLetter {
    letterhead: Letterhead,
    date: String,
    reference: String,
    patient: PersonLine,
    beneficiaries: Vec<PersonLine>,
    expedite: Expedite,
    exhibits: Vec<Exhibit>,
}

fn cited(file: &CaseFile, deadline: &Deadline) -> Option<CitedDate> {
    let (_, label) = CITED.iter().find(|(kind, _)| *kind == deadline.kind)?;
    let person = deadline.person.as_ref().and_then(|key| file.case.person(key)).map(|p| p.full_name());
    Some(CitedDate {
        label: (*label).to_owned(),
        person,
        date: english_date(deadline.due),
        citation: deadline.citation.to_string(),
    })
}

impl CoverLetter {
    pub fn of(
        file: &CaseFile,
        derivation: &Derivation,
        letterhead: Letterhead,
        today: Date,
        exhibits: Vec<Exhibit>,
    ) -> Result<CoverLetter, DocumentError> {
        let patient = file.case.patient().ok_or_else(|| DocumentError::Missing {
            field: String::from("people"),
            problem: String::from("the case has no patient"),
        })?;
        let medical = file.case.medical.as_ref();
        let beneficiaries = std::iter::once(patient)
            .chain(file.case.people.iter().filter(|p| p.role != PersonRole::Patient))
            .map(PersonLine::of)
            .collect();
        // Only what is still ahead, or the parole end itself however near: a lapsed window is no
        // reason to expedite.
        let dates = derivation
            .deadlines
            .iter()
            .filter(|d| !d.advisory && (d.due >= today || d.kind == DeadlineKind::ParoleEnds))
            .filter_map(|d| cited(file, d))
            .collect();
        Ok(CoverLetter {
            letterhead,
            date: english_date(today),
            reference: file.case.reference.as_str().to_owned(),
            patient: PersonLine::of(patient),
            beneficiaries,
            expedite: Expedite {
                condition: medical.map(|m| m.condition.clone()),
                facility: medical.and_then(|m| m.facility.clone()),
                days_to_critical_harm: medical.and_then(|m| m.days_to_critical_harm),
                care_unavailable_in_origin: medical.and_then(|m| m.available_in_origin_country)
                    == Some(false),
                covered_until: derivation.covered_until.map(english_date),
                dates,
            },
            exhibits,
        })
    }
}
