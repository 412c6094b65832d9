//! The family's status letter: in plain words and the family's language, where the case stands, what
//! the next dates mean and whom to call. It fits one printed page, so it lists the next few dates only,
//! the dates where the family itself must act first. It says nothing of health coverage, and lists no
//! advisory date (the rules say those raise no alarm) and no superseded one (the rules drop a
//! "depart by" once a later grant covers the person).

use amparo_domain::identifiers::LanguageTag;
use amparo_domain::org::UserRole;
use amparo_domain::rules::{Deadline, DeadlineKind};
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

/// The family's caseworker: who runs the case day to day, and how to reach them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterCaseworker {
    /// "Your caseworker: Ana Advocate".
    pub name_line: String,
    /// "Email: ana@clinic.example", when they have one.
    pub email_line: Option<String>,
}

/// The family's caseworker among the case's assignments: the advocate, who works with the family day
/// to day, else the attorney.
pub fn caseworker(assignments: &[Assignment]) -> Option<&Assignment> {
    [UserRole::Advocate, UserRole::Attorney]
        .into_iter()
        .find_map(|role| assignments.iter().find(|a| a.role == role))
}

/// The letter's text, every line already in the family's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    /// The staff language nearest to the letter's (English for a family language staff pages lack).
    pub language: Language,
    /// The BCP 47 tag of the language the letter is written in (`es`, `uk`, `prs`).
    pub lang: &'static str,
    /// Whether that language is written right to left.
    pub rtl: bool,
    /// In English, when the letter is in English because Amparo has no text in the family's language.
    pub language_note: Option<String>,
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
    /// The caseworker, named first under "who to call"; `None` when nobody is assigned.
    pub caseworker: Option<LetterCaseworker>,
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

/// The language the family asked for: the patient's, else the first one given on the case.
fn family_tag(file: &CaseFile) -> Option<&LanguageTag> {
    let people = &file.case.people;
    people
        .iter()
        .find(|p| p.role == PersonRole::Patient)
        .and_then(|p| p.preferred_language.as_ref())
        .or_else(|| people.iter().find_map(|p| p.preferred_language.as_ref()))
}

/// The family's language when the letter falls back to English for want of text in it (neither a
/// staff language nor one of [`crate::family_texts`]).
fn untranslated_language(file: &CaseFile, letter: Language) -> Option<&LanguageTag> {
    let tag = family_tag(file)?;
    let has_texts = crate::family_texts::FamilyLanguage::parse(tag.as_str()).is_some();
    (letter == Language::En && !has_texts && family_language(file) == Language::En).then_some(tag)
}

/// Whether the family itself must act by a deadline of this kind (report an address, register at 14,
/// leave by a notice's date): these come first in the letter, even when the day has passed.
fn family_acts(kind: DeadlineKind) -> bool {
    matches!(
        kind,
        DeadlineKind::AddressReportDue | DeadlineKind::RegistrationAt14Due | DeadlineKind::DepartBy
    )
}

/// The deadlines the letter lists, in the order it lists them: the family's own (open, whatever
/// their day up to the horizon), then the others from today to the horizon, each soonest first.
fn listed_deadlines(derivation: &Derivation, today: Date) -> impl Iterator<Item = &Deadline> {
    let horizon = today.add_days(HORIZON_DAYS);
    let alarms = || derivation.alarms().filter(move |d| d.due <= horizon);
    let mut own: Vec<&Deadline> = alarms().filter(|d| family_acts(d.kind)).collect();
    let mut others: Vec<&Deadline> = alarms().filter(|d| !family_acts(d.kind) && d.due >= today).collect();
    own.sort_by_key(|d| d.due);
    others.sort_by_key(|d| d.due);
    own.into_iter().chain(others)
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
    /// The email address of the caseworker ([`caseworker`]), as their account gives it.
    pub caseworker_email: Option<&'a str>,
    pub language: Language,
    pub today: Date,
}

/// The words a letter is written with: its messages and how it writes a day, in one language.
pub trait LetterWords {
    /// The message `id` with `args`.
    fn text(&self, id: &str, args: &[(&str, Arg)]) -> String;
    /// Whether the language has the message `id`.
    fn has(&self, id: &str) -> bool;
    /// A calendar day in words.
    fn date(&self, date: Date) -> String;
    /// The language's BCP 47 tag.
    fn tag(&self) -> &'static str;
    /// Whether the language is written right to left.
    fn rtl(&self) -> bool;

    /// A message chosen by a stored kind, falling back to `{prefix}-other` for a kind without words.
    fn kind(&self, prefix: &str, kind: &str) -> String {
        let id = format!("{prefix}-{kind}");
        if self.has(&id) { self.text(&id, &[]) } else { self.text(&format!("{prefix}-other"), &[]) }
    }
}

/// The staff languages' words (English, Spanish), from the notices' catalogues.
pub struct StaffWords<'a> {
    pub texts: &'a Texts,
    pub language: Language,
}

impl LetterWords for StaffWords<'_> {
    fn text(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.texts.get(self.language, id, args)
    }

    fn has(&self, id: &str) -> bool {
        self.texts.has(self.language, id)
    }

    fn date(&self, date: Date) -> String {
        words::date_in_words(self.language, date)
    }

    fn tag(&self) -> &'static str {
        self.language.as_str()
    }

    fn rtl(&self) -> bool {
        false
    }
}

/// The letter in a staff language (English or Spanish), as the letter page shows it; a family
/// language without texts falls back to English and says so.
pub fn build(texts: &Texts, input: &LetterInput) -> Letter {
    let language_note = untranslated_language(input.file, input.language)
        .map(|tag| texts.get(Language::En, "letter-in-english", &[("language", Arg::from(tag.as_str()))]));
    compose(&StaffWords { texts, language: input.language }, input, language_note)
}

/// The letter in any language whose words `words` gives (the family languages of
/// [`crate::family_texts`]); `input.language` is the staff language nearest to it.
pub fn build_with(words: &dyn LetterWords, input: &LetterInput) -> Letter {
    compose(words, input, None)
}

fn compose(words: &dyn LetterWords, input: &LetterInput, language_note: Option<String>) -> Letter {
    let language = input.language;
    let t = |id: &str| words.text(id, &[]);
    let standing = match input.derivation.covered_until {
        Some(until) if until >= input.today => {
            words.text("letter-covered", &[("until", Arg::from(words.date(until)))])
        }
        _ => t("letter-not-covered"),
    };
    let mut dates: Vec<LetterDate> = Vec::new();
    for deadline in listed_deadlines(input.derivation, input.today) {
        let kind = deadline.kind.as_str();
        let when = words.text(
            "letter-when",
            &[("due", Arg::from(words.date(deadline.due))), ("kind", Arg::from(words.kind("kind", kind)))],
        );
        // One line per date and kind: the same deadline for each family member reads once.
        if dates.iter().any(|d| d.when == when) {
            continue;
        }
        dates.push(LetterDate { when, meaning: words.kind("letter-meaning", kind) });
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
    let caseworker = caseworker(input.assignments).map(|a| LetterCaseworker {
        name_line: words.text("letter-caseworker", &[("name", Arg::from(a.user_name.as_str()))]),
        email_line: input
            .caseworker_email
            .map(|email| words.text("letter-caseworker-email", &[("email", Arg::from(email))])),
    });
    let organisation = || Arg::from(input.organisation);
    Letter {
        language,
        lang: words.tag(),
        rtl: words.rtl(),
        language_note,
        title: t("letter-title"),
        print: t("letter-print"),
        date_line: words.text("letter-date", &[("day", Arg::from(words.date(input.today)))]),
        case_line: words
            .text("letter-case", &[("reference", Arg::from(input.file.case.reference.to_string()))]),
        dear: words.text("letter-dear", &[("name", Arg::from(addressee(input.file)))]),
        intro: t("letter-intro"),
        standing,
        next_dates_heading: t("letter-next-dates"),
        no_dates: dates.is_empty().then(|| t("letter-no-dates")),
        dates,
        who_to_call_heading: t("letter-who-to-call"),
        caseworker,
        office: if contacts.is_empty() {
            words.text("letter-nobody", &[("organisation", organisation())])
        } else {
            words.text("letter-office", &[("organisation", organisation())])
        },
        contacts,
        disclaimer: t("letter-disclaimer"),
    }
}

#[cfg(test)]
mod tests {
    use amparo_domain::{Policy, RuleSet, derive};

    use super::*;

    fn file(people: serde_json::Value, events: serde_json::Value) -> CaseFile {
        let text = serde_json::json!({
            "format": "amparo.case/1",
            "case": { "reference": "LETTER-1", "program": "humanitarian", "people": people },
            "events": events
        });
        CaseFile::parse(&text.to_string()).unwrap().0
    }

    fn family(patient_language: &str, parent_language: Option<&str>) -> serde_json::Value {
        let mut parent = serde_json::json!(
            { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo", "birth_date": "1990-05-05" }
        );
        if let Some(language) = parent_language {
            parent["preferred_language"] = language.into();
        }
        serde_json::json!([
            { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
              "birth_date": "2012-03-20", "preferred_language": patient_language },
            parent
        ])
    }

    fn letter(file: &CaseFile, today: &str, language: Option<Language>) -> Letter {
        let today: Date = today.parse().unwrap();
        let rules = RuleSet::builtin().unwrap();
        let derivation = derive(file, today, &Policy::default(), rules);
        let input = LetterInput {
            file,
            derivation: &derivation,
            assignments: &[],
            organisation: "Legal aid",
            caseworker_email: None,
            language: language.unwrap_or_else(|| family_language(file)),
            today,
        };
        build(&Texts::load().unwrap(), &input)
    }

    #[test]
    fn the_caseworker_is_the_advocate_else_the_attorney_with_their_email() {
        let file = file(family("es", None), serde_json::json!([]));
        let today: Date = "2026-03-01".parse().unwrap();
        let derivation = derive(&file, today, &Policy::default(), RuleSet::builtin().unwrap());
        let assigned = |role, name: &str| Assignment {
            role,
            user_id: amparo_store::UserId(format!("u-{name}")),
            user_name: name.to_owned(),
        };
        let attorney = assigned(UserRole::Attorney, "Alma Abogada");
        let advocate = assigned(UserRole::Advocate, "Beto Gestor");
        let build_with = |assignments: &[Assignment]| {
            let input = LetterInput {
                file: &file,
                derivation: &derivation,
                assignments,
                organisation: "Legal aid",
                caseworker_email: Some("caso@clinic.example"),
                language: Language::Es,
                today,
            };
            build(&Texts::load().unwrap(), &input).caseworker
        };
        let both = build_with(&[attorney.clone(), advocate]).unwrap();
        assert!(both.name_line.contains("Beto Gestor"), "{both:?}");
        assert_eq!(both.email_line.as_deref(), Some("Correo electrónico: caso@clinic.example"));
        let only_attorney = build_with(&[attorney]).unwrap();
        assert!(only_attorney.name_line.contains("Alma Abogada"), "{only_attorney:?}");
        assert_eq!(build_with(&[]), None);
    }

    fn whole(letter: &Letter) -> String {
        let dates = letter.dates.iter().map(|d| format!("{} {}", d.when, d.meaning));
        [&letter.standing, &letter.intro, &letter.disclaimer]
            .into_iter()
            .cloned()
            .chain(dates)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_familys_own_dates_come_first_and_no_advisory_or_coverage_is_said() {
        let file = file(
            family("en", None),
            serde_json::json!([
                { "id": "a1", "type": "arrived", "on": "2024-06-03" },
                { "id": "g1", "type": "parole_granted", "on": "2024-06-03", "valid_until": "2026-06-02" },
                { "id": "e1", "type": "ead_approved", "on": "2024-09-02", "valid_until": "2026-05-01", "persons": ["m1"] },
                { "id": "r1", "type": "rfe_received", "on": "2026-02-02", "served_by": "mail" },
                { "id": "c1", "type": "address_changed", "on": "2026-02-18" }
            ]),
        );
        let letter = letter(&file, "2026-03-01", None);
        let whens: Vec<&str> = letter.dates.iter().map(|d| d.when.as_str()).collect();
        // The address report (due 2 March) and registration at 14 (due 20 April) come first.
        assert!(whens[0].contains("address report"), "{whens:?}");
        assert!(whens[1].contains("registration at 14"), "{whens:?}");
        assert_eq!(letter.dates.len(), MAX_DATES, "{whens:?}");
        let text = whole(&letter);
        assert!(!text.contains("asylum"), "an advisory date is not listed: {text}");
        for word in ["coverage", "Medicaid", "CHIP", "insurance"] {
            assert!(!text.contains(word), "{word}: {text}");
        }
        assert_eq!(letter.language_note, None);
    }

    #[test]
    fn a_depart_by_overtaken_by_a_later_grant_is_not_in_the_letter() {
        let events = |regrant: bool| {
            let mut events = vec![
                serde_json::json!({ "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" }),
                serde_json::json!({ "id": "t1", "type": "termination_notice", "on": "2026-02-02", "served_by": "mail",
                                    "depart_by": "2026-03-20" }),
            ];
            if regrant {
                events.push(serde_json::json!(
                    { "id": "g2", "type": "parole_granted", "on": "2026-02-20", "valid_until": "2027-02-19" }
                ));
            }
            serde_json::Value::from(events)
        };
        let before = letter(&file(family("es", None), events(false)), "2026-03-01", None);
        assert!(before.dates[0].when.contains("aviso de terminación"), "{:?}", before.dates);
        let after = letter(&file(family("es", None), events(true)), "2026-03-01", None);
        assert!(after.dates.iter().all(|d| !d.when.contains("aviso de terminación")), "{:?}", after.dates);
        assert!(after.standing.contains("2027"), "{}", after.standing);
    }

    #[test]
    fn a_language_without_texts_falls_back_to_english_and_says_so() {
        let events = serde_json::json!([
            { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" }
        ]);
        let german = file(family("de", None), events.clone());
        assert_eq!(family_language(&german), Language::En);
        let letter_de = letter(&german, "2026-03-01", None);
        assert_eq!(letter_de.language, Language::En);
        let note = letter_de.language_note.as_deref().unwrap();
        assert!(note.starts_with("This letter is in English") && note.contains("(de)"), "{note}");

        // A family language has its own letter (`family_letter`): nothing to excuse in English.
        let ukrainian = file(family("uk", None), events.clone());
        assert_eq!(letter(&ukrainian, "2026-03-01", None).language_note, None);

        // Someone on the case reads Spanish: the letter is in Spanish, nothing to excuse.
        let mixed = file(family("de", Some("es-MX")), events.clone());
        let letter_mixed = letter(&mixed, "2026-03-01", None);
        assert_eq!((letter_mixed.language, letter_mixed.language_note), (Language::Es, None));

        // A family that reads English is told nothing about languages.
        assert_eq!(letter(&file(family("en-US", None), events), "2026-03-01", None).language_note, None);
    }
}
