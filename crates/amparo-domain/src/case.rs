//! The case record: who the case is about and the medical facts that make it urgent.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::identifiers::{ANumber, CaseReference, CountryCode, LanguageTag};

/// The parole programme a case falls under; it decides which rules apply (the U4U re-parole window).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Program {
    /// Case-by-case humanitarian parole (Form I-131), the usual route for medical cases.
    #[default]
    Humanitarian,
    U4u,
    Oaw,
    Chnv,
    CbpOne,
    /// Family Reunification Parole.
    Frp,
    Other,
}

impl Program {
    pub const ALL: [Program; 7] = [
        Program::Humanitarian,
        Program::U4u,
        Program::Oaw,
        Program::Chnv,
        Program::CbpOne,
        Program::Frp,
        Program::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Program::Humanitarian => "humanitarian",
            Program::U4u => "u4u",
            Program::Oaw => "oaw",
            Program::Chnv => "chnv",
            Program::CbpOne => "cbp_one",
            Program::Frp => "frp",
            Program::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Program> {
        Program::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// How a person relates to the case: the patient is the principal, everyone else a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    Patient,
    Parent,
    Guardian,
    Sibling,
    Other,
}

impl PersonRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonRole::Patient => "patient",
            PersonRole::Parent => "parent",
            PersonRole::Guardian => "guardian",
            PersonRole::Sibling => "sibling",
            PersonRole::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<PersonRole> {
        [
            PersonRole::Patient,
            PersonRole::Parent,
            PersonRole::Guardian,
            PersonRole::Sibling,
            PersonRole::Other,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// The languages Amparo writes in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    pub fn parse(text: &str) -> Option<Language> {
        match text {
            "en" => Some(Language::En),
            "es" => Some(Language::Es),
            _ => None,
        }
    }
}

/// A short key naming a person within one case (`p1`, `m1`); events refer to people by it.
pub type PersonKey = String;

/// Someone the case is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub key: PersonKey,
    pub role: PersonRole,
    pub given_name: String,
    pub family_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a_number: Option<ANumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizenship: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<LanguageTag>,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// The medical facts that matter to the legal case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedicalProfile {
    /// The person these facts are about (usually the patient).
    pub person: PersonKey,
    pub condition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regimen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_day: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_in_origin_country: Option<bool>,
    /// Days until critical harm if care is interrupted, as the treating clinician attests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_to_critical_harm: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attested_on: Option<Date>,
}

/// One family's humanitarian-parole matter, without its timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRecord {
    pub reference: CaseReference,
    #[serde(default)]
    pub program: Program,
    #[serde(deserialize_with = "crate::objects::objects")]
    pub people: Vec<Person>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::objects::optional_object"
    )]
    pub medical: Option<MedicalProfile>,
}

impl CaseRecord {
    pub fn person(&self, key: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.key == key)
    }

    /// The principal of the case; validation guarantees exactly one.
    pub fn patient(&self) -> Option<&Person> {
        self.people.iter().find(|p| p.role == PersonRole::Patient)
    }
}
