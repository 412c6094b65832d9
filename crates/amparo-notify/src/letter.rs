//! The family's status letter: in plain words and the family's language, where the case stands, what
//! the next dates mean and whom to call. It fits one printed page, so it lists the next few dates only.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, Derivation, Language, PersonRole, words};
use amparo_store::Assignment;

use crate::texts::{Arg, Texts};

/// How many dates one page holds.
const MAX_DATES: usize = 5;
/// How far ahead the letter looks.
const HORIZON_DAYS: i64 = 366;

/// One upcoming date and what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterDate {
    pub when: String,
    pub meaning: String,
}

/// Whom to call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterContact {
    pub role: String,
    pub name: String,
}

/// The letter's text, every line already in the family's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub language: Language,
    pub title: String,
    pub print: String,
    pub date_line: String,
    pub case_line: String,
    pub dear: String,
    pub intro: String,
    pub standing: String,
    pub next_dates_heading: String,
    pub dates: Vec<LetterDate>,
    pub no_dates: Option<String>,
    pub who_to_call_heading: String,
    pub contacts: Vec<LetterContact>,
    pub office: String,
    pub disclaimer: String,
}

/// The language the family reads: the patient's, else the first one given on the case, else English.
pub fn family_language(file: &CaseFile) -> Language {
    let people = &file.case.people;
    people
        .iter()
        .find(|p| p.role == PersonRole::Patient)
        .and_then(|p| p.preferred_language.as_ref()?.language())
        .or_else(|| people.iter().find_map(|p| p.preferred_language.as_ref()?.language()))
        .unwrap_or(Language::En)
}

/// Whom the letter is addressed to: a parent or guardian where there is one, else the patient.
fn addressee(file: &CaseFile) -> String {
    let people = &file.case.people;
    people
        .iter()
        .find(|p| matches!(p.role, PersonRole::Parent | PersonRole::Guardian))
        .or_else(|| people.iter().find(|p| p.role == PersonRole::Patient))
        .map(|p| p.full_name())
        .unwrap_or_default()
}

/// Everything the letter is built from.
pub struct LetterInput<'a> {
    pub file: &'a CaseFile,
    pub derivation: &'a Derivation,
    pub assignments: &'a [Assignment],
    pub organisation: &'a str,
    pub language: Language,
    pub today: Date,
}

pub fn build(texts: &Texts, input: &LetterInput) -> Letter {
    let language = input.language;
    let t = |id: &str| texts.get(language, id, &[]);
    let standing = match input.derivation.covered_until {
        Some(until) if until >= input.today => texts.get(
            language,
            "letter-covered",
            &[("until", Arg::from(words::date_in_words(language, until)))],
        ),
        _ => t("letter-not-covered"),
    };
    let horizon = input.today.add_days(HORIZON_DAYS);
    let mut dates: Vec<LetterDate> = Vec::new();
    for deadline in input.derivation.deadlines.iter().filter(|d| d.due >= input.today && d.due <= horizon) {
        let kind = deadline.kind.as_str();
        let when = texts.get(
            language,
            "letter-when",
            &[
                ("due", Arg::from(words::date_in_words(language, deadline.due))),
                ("kind", Arg::from(texts.kind(language, "kind", kind))),
            ],
        );
        // One line per date and kind: the same deadline for each family member reads once.
        if dates.iter().any(|d| d.when == when) {
            continue;
        }
        dates.push(LetterDate { when, meaning: texts.kind(language, "letter-meaning", kind) });
        if dates.len() == MAX_DATES {
            break;
        }
    }
    let contacts: Vec<LetterContact> = [UserRole::Attorney, UserRole::Advocate, UserRole::Clinician]
        .into_iter()
        .filter_map(|role| {
            let assignment = input.assignments.iter().find(|a| a.role == role)?;
            Some(LetterContact {
                role: t(&format!("letter-role-{}", role.as_str())),
                name: assignment.user_name.clone(),
            })
        })
        .collect();
    let organisation = || Arg::from(input.organisation);
    Letter {
        language,
        title: t("letter-title"),
        print: t("letter-print"),
        date_line: texts.get(
            language,
            "letter-date",
            &[("day", Arg::from(words::date_in_words(language, input.today)))],
        ),
        case_line: texts.get(
            language,
            "letter-case",
            &[("reference", Arg::from(input.file.case.reference.to_string()))],
        ),
        dear: texts.get(language, "letter-dear", &[("name", Arg::from(addressee(input.file)))]),
        intro: t("letter-intro"),
        standing,
        next_dates_heading: t("letter-next-dates"),
        no_dates: dates.is_empty().then(|| t("letter-no-dates")),
        dates,
        who_to_call_heading: t("letter-who-to-call"),
        office: if contacts.is_empty() {
            texts.get(language, "letter-nobody", &[("organisation", organisation())])
        } else {
            texts.get(language, "letter-office", &[("organisation", organisation())])
        },
        contacts,
        disclaimer: t("letter-disclaimer"),
    }
}
