//! What each document prints, as data: the record read into plain values (already in words) that
//! the templates lay out. Templates hold the layout and the fixed wording; this holds the facts.

pub mod cover;
pub mod exhibits;
pub mod family;
pub mod medical;

use amparo_domain::{Date, Language, Person, words};
use amparo_store::OrganisationProfile;
use serde::Serialize;

/// Who writes: the organisation's letterhead and signature.
#[derive(Clone, Debug, Serialize)]
pub struct Letterhead {
    pub name: String,
    pub address: Vec<String>,
    pub phone: String,
    pub email: String,
    pub signature: Vec<String>,
}

impl Letterhead {
    pub fn of(profile: &OrganisationProfile) -> Letterhead {
        let lines =
            |text: &str| text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        Letterhead {
            name: profile.name.clone(),
            address: lines(&profile.address),
            phone: profile.phone.clone(),
            email: profile.email.clone(),
            signature: lines(&profile.letter_signature),
        }
    }
}

/// A person as a filing names them.
#[derive(Clone, Debug, Serialize)]
pub struct PersonLine {
    pub name: String,
    pub role: String,
    pub birth_date: Option<String>,
    pub a_number: Option<String>,
    pub citizenship: Option<String>,
}

impl PersonLine {
    pub fn of(person: &Person) -> PersonLine {
        PersonLine {
            name: person.full_name(),
            role: serde_json::to_value(person.role)
                .ok()
                .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                .unwrap_or_default(),
            birth_date: person.birth_date.map(english_date),
            a_number: person.a_number.as_ref().map(|a| a.as_str().to_owned()),
            citizenship: person.citizenship.as_ref().map(|c| c.as_str().to_owned()),
        }
    }
}

/// A day as an English letter writes it ("14 March 2026").
pub fn english_date(date: Date) -> String {
    words::date_in_words(Language::En, date)
}
