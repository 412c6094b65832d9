//! The people a notice names, and which of the case's people they are: by A-number first, then by
//! name (every part of the person's given and family names among the printed name's words, accents
//! and case aside). A name alone that fits two people matches neither.

use serde::Serialize;

use super::Found;
use super::kind::find_phrase;
use super::numbers::{a_numbers, line_at};
use crate::case::{Person, PersonKey};
use crate::identifiers::ANumber;

/// Someone the notice names, and the case's person it is when one fits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedPerson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Found<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_number: Option<Found<ANumber>>,
    /// The case's person, when the notice was read against a case and one fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonKey>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchedBy>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    ANumber,
    Name,
}

/// Labels a name follows on its line.
const NAME_LABELS: [&str; 8] = [
    "beneficiary:",
    "applicant:",
    "parolee:",
    "name:",
    "applicant/petitioner:",
    "dear",
    "to:",
    "last/surname:",
];

const HONORIFICS: [&str; 6] = ["mr.", "ms.", "mrs.", "mx.", "sr.", "sra."];

/// The names printed after a name label, as printed (`QUINTERO VIDAL, ROSA`), in order.
fn names(text: &str) -> Vec<(usize, Found<String>)> {
    let lower = super::flatten(text);
    let mut out: Vec<(usize, Found<String>)> = Vec::new();
    for label in NAME_LABELS {
        let mut from = 0;
        while let Some(at) = find_phrase(&lower, label, from) {
            from = at + label.len();
            let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
            let rest = text[from..line_end].split("  ").find(|s| !s.trim().is_empty()).unwrap_or_default();
            let mut name = rest.trim().trim_end_matches([',', ':', ';']).trim();
            if label == "to:" && name.contains('@') {
                continue;
            }
            if label == "last/surname:" {
                // CBP's record: `Last/Surname: QUINTERO` with `First (Given) Name: ROSA` below.
                let given = find_phrase(&lower, "first (given) name:", from)
                    .filter(|g| text[from..*g].matches('\n').count() <= 2)
                    .map(|g| super::numbers::line_at(text, g + 19).trim_start_matches(|c: char| c != ':'))
                    .map(|g| g.trim_start_matches(':').trim());
                if let Some(given) = given.filter(|g| !g.is_empty()) {
                    let family = name;
                    let joined = format!("{family}, {given}");
                    out.push((at, Found::new(joined, line_at(text, at).to_owned())));
                }
                continue;
            }
            for honorific in HONORIFICS {
                if name.to_ascii_lowercase().starts_with(honorific) {
                    name = name[honorific.len()..].trim();
                }
            }
            let words = name.split_whitespace().count();
            let plausible = (2..=6).contains(&words)
                && name.chars().all(|c| c.is_alphabetic() || " ,.'-".contains(c))
                && !["applicant", "beneficiary", "sir", "madam", "customer"]
                    .iter()
                    .any(|w| name.to_ascii_lowercase().starts_with(w));
            if plausible && !out.iter().any(|(_, f)| same_words(&f.value, name)) {
                out.push((at, Found::new(name.to_owned(), line_at(text, at).to_owned())));
            }
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

/// A word folded for comparison: lower case, without accents.
fn fold(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c.to_lowercase().next().unwrap_or(c) {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

fn folded_words(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect()
}

fn same_words(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (folded_words(a), folded_words(b));
    a.sort();
    b.sort();
    a == b
}

/// Whether every part of `person`'s names is among the words of `printed`.
fn name_fits(person: &Person, printed: &str) -> bool {
    let words = folded_words(printed);
    let parts = folded_words(&person.full_name());
    !parts.is_empty() && parts.iter().all(|p| words.contains(p))
}

/// The line number of byte `at`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count()
}

/// The people `text` names, each with the A-number printed within three lines after the name, then
/// the A-numbers printed apart from any name; matched to `people` when given.
pub fn named_people(text: &str, people: &[Person]) -> Vec<NamedPerson> {
    let mut numbers: Vec<(usize, Found<ANumber>)> = a_numbers(text)
        .into_iter()
        .map(|f| {
            let at = text.find(f.source.as_str()).unwrap_or(0);
            (line_of(text, at), f)
        })
        .collect();
    let mut out = Vec::new();
    for (at, name) in names(text) {
        let line = line_of(text, at);
        let near = numbers.iter().position(|(l, _)| *l >= line && *l <= line + 3);
        let a_number = near.map(|i| numbers.remove(i).1);
        out.push(NamedPerson { name: Some(name), a_number, person: None, matched_by: None });
    }
    out.extend(numbers.into_iter().map(|(_, a)| NamedPerson {
        name: None,
        a_number: Some(a),
        person: None,
        matched_by: None,
    }));
    for named in &mut out {
        let by_number = named
            .a_number
            .as_ref()
            .and_then(|a| people.iter().find(|p| p.a_number.as_ref() == Some(&a.value)));
        if let Some(person) = by_number {
            named.person = Some(person.key.clone());
            named.matched_by = Some(MatchedBy::ANumber);
            continue;
        }
        if let Some(name) = &named.name {
            let fits: Vec<&Person> = people.iter().filter(|p| name_fits(p, &name.value)).collect();
            if let [person] = fits.as_slice() {
                named.person = Some(person.key.clone());
                named.matched_by = Some(MatchedBy::Name);
            }
        }
    }
    out
}
