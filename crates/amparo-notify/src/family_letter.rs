//! The family letter in any of the family's languages, part by part. In English or Spanish it is the
//! letter as [`crate::letter`] writes it. In a family language ([`crate::family_texts`]) whose
//! catalogue no qualified translator has reviewed yet, every part carries the English text beside it
//! and the letter opens with a notice, in that language and in English, saying so: the English is
//! the text that counts until the translation is reviewed.

use amparo_domain::Language;

use crate::family_texts::{FamilyLanguage, FamilyTexts};
use crate::letter::{self, Letter, LetterInput};
use crate::texts::Texts;

/// One part of the letter in its language, with the English beside it while that is unreviewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub english: Option<String>,
}

/// One upcoming date and what it means, each a part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatePart {
    pub when: Part,
    pub meaning: Part,
}

/// Whom to call: a role and the person's name (a name reads the same in every language).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactPart {
    pub role: Part,
    pub name: String,
}

/// The caseworker's lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseworkerPart {
    pub name_line: Part,
    pub email_line: Option<Part>,
}

/// The notice that a translation is unreviewed, in the letter's language and in English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreviewedNotice {
    pub text: String,
    pub english: String,
}

/// The letter as printed, part by part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyLetter {
    /// The staff language nearest to the letter's (English for a family language).
    pub language: Language,
    /// The BCP 47 tag of the language the letter is written in.
    pub lang: &'static str,
    /// Whether that language is written right to left (Dari, Pashto).
    pub rtl: bool,
    /// Present while the letter's translation is unreviewed.
    pub unreviewed: Option<UnreviewedNotice>,
    /// In English, when the letter is in English for want of any text in the family's language.
    pub language_note: Option<String>,
    /// "Print", for the screen-only line (in English for a family language).
    pub print: String,
    pub title: Part,
    pub date_line: Part,
    pub case_line: Part,
    pub dear: Part,
    pub intro: Part,
    pub standing: Part,
    pub next_dates_heading: Part,
    pub dates: Vec<DatePart>,
    pub no_dates: Option<Part>,
    pub who_to_call_heading: Part,
    pub caseworker: Option<CaseworkerPart>,
    pub contacts: Vec<ContactPart>,
    pub office: Part,
    pub disclaimer: Part,
}

/// The letter in `language`: a staff language's letter as it is, a family language's with the
/// English beside each part while its catalogue is unreviewed. `input.language` is ignored: the
/// language is `language`.
pub fn build(
    texts: &Texts,
    family: &FamilyTexts,
    language: FamilyLanguage,
    input: &LetterInput,
) -> FamilyLetter {
    if let Some(staff) = language.staff() {
        let letter = letter::build(texts, &LetterInput { language: staff, ..*input });
        return single(letter);
    }
    let in_english = LetterInput { language: Language::En, ..*input };
    let words = family.words(texts, language);
    let translated = letter::build_with(words.as_ref(), &in_english);
    if family.reviewed(language) {
        return single(translated);
    }
    let english = letter::build(texts, &in_english);
    let unreviewed = UnreviewedNotice {
        text: words.text("letter-unreviewed", &[]),
        english: texts.get(Language::En, "letter-unreviewed", &[]),
    };
    paired(translated, english, unreviewed)
}

fn alone(text: String) -> Part {
    Part { text, english: None }
}

fn beside(text: String, english: String) -> Part {
    Part { text, english: Some(english) }
}

/// A letter with no English beside it.
fn single(letter: Letter) -> FamilyLetter {
    FamilyLetter {
        language: letter.language,
        lang: letter.lang,
        rtl: letter.rtl,
        unreviewed: None,
        language_note: letter.language_note,
        print: letter.print,
        title: alone(letter.title),
        date_line: alone(letter.date_line),
        case_line: alone(letter.case_line),
        dear: alone(letter.dear),
        intro: alone(letter.intro),
        standing: alone(letter.standing),
        next_dates_heading: alone(letter.next_dates_heading),
        dates: letter
            .dates
            .into_iter()
            .map(|d| DatePart { when: alone(d.when), meaning: alone(d.meaning) })
            .collect(),
        no_dates: letter.no_dates.map(alone),
        who_to_call_heading: alone(letter.who_to_call_heading),
        caseworker: letter
            .caseworker
            .map(|c| CaseworkerPart { name_line: alone(c.name_line), email_line: c.email_line.map(alone) }),
        contacts: letter
            .contacts
            .into_iter()
            .map(|c| ContactPart { role: alone(c.role), name: c.name })
            .collect(),
        office: alone(letter.office),
        disclaimer: alone(letter.disclaimer),
    }
}

/// A translated letter with its English beside each part. Both were composed from the same input,
/// so their dates, contacts and caseworker lines come in the same order and number.
fn paired(letter: Letter, english: Letter, unreviewed: UnreviewedNotice) -> FamilyLetter {
    let dates = letter
        .dates
        .into_iter()
        .zip(english.dates)
        .map(|(d, e)| DatePart { when: beside(d.when, e.when), meaning: beside(d.meaning, e.meaning) })
        .collect();
    let caseworker = letter.caseworker.zip(english.caseworker).map(|(c, e)| CaseworkerPart {
        name_line: beside(c.name_line, e.name_line),
        email_line: c.email_line.zip(e.email_line).map(|(c, e)| beside(c, e)),
    });
    let contacts = letter
        .contacts
        .into_iter()
        .zip(english.contacts)
        .map(|(c, e)| ContactPart { role: beside(c.role, e.role), name: c.name })
        .collect();
    FamilyLetter {
        language: letter.language,
        lang: letter.lang,
        rtl: letter.rtl,
        unreviewed: Some(unreviewed),
        language_note: None,
        print: english.print,
        title: beside(letter.title, english.title),
        date_line: beside(letter.date_line, english.date_line),
        case_line: beside(letter.case_line, english.case_line),
        dear: beside(letter.dear, english.dear),
        intro: beside(letter.intro, english.intro),
        standing: beside(letter.standing, english.standing),
        next_dates_heading: beside(letter.next_dates_heading, english.next_dates_heading),
        dates,
        no_dates: letter.no_dates.zip(english.no_dates).map(|(n, e)| beside(n, e)),
        who_to_call_heading: beside(letter.who_to_call_heading, english.who_to_call_heading),
        caseworker,
        contacts,
        office: beside(letter.office, english.office),
        disclaimer: beside(letter.disclaimer, english.disclaimer),
    }
}

#[cfg(test)]
mod tests {
    use amparo_domain::{CaseFile, Date, Policy, RuleSet, derive};
    use amparo_store::{Assignment, UserId};

    use super::*;

    fn file(language: &str) -> CaseFile {
        let text = serde_json::json!({
            "format": "amparo.case/1",
            "case": { "reference": "FAMILY-1", "program": "humanitarian", "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
                  "birth_date": "2012-03-20", "preferred_language": language },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" }
            ] },
            "events": [
                { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" },
                { "id": "r1", "type": "rfe_received", "on": "2026-02-02", "served_by": "mail" }
            ]
        });
        CaseFile::parse(&text.to_string()).unwrap().0
    }

    fn letter_in(language: FamilyLanguage) -> FamilyLetter {
        let file = file(language.as_str());
        let today: Date = "2026-03-01".parse().unwrap();
        let derivation = derive(&file, today, &Policy::default(), RuleSet::builtin().unwrap());
        let assignments = [Assignment {
            role: amparo_domain::org::UserRole::Advocate,
            user_id: UserId("u-1".into()),
            user_name: "Beto Gestor".into(),
        }];
        let input = LetterInput {
            file: &file,
            derivation: &derivation,
            assignments: &assignments,
            organisation: "Legal aid",
            caseworker_email: Some("caso@clinic.example"),
            language: Language::En,
            today,
        };
        build(&Texts::load().unwrap(), &FamilyTexts::load().unwrap(), language, &input)
    }

    /// Every part of the letter, in order.
    fn parts(letter: &FamilyLetter) -> Vec<&Part> {
        let mut parts = vec![
            &letter.title,
            &letter.date_line,
            &letter.case_line,
            &letter.dear,
            &letter.intro,
            &letter.standing,
            &letter.next_dates_heading,
        ];
        for date in &letter.dates {
            parts.extend([&date.when, &date.meaning]);
        }
        parts.extend(letter.no_dates.iter());
        parts.push(&letter.who_to_call_heading);
        if let Some(caseworker) = &letter.caseworker {
            parts.push(&caseworker.name_line);
            parts.extend(caseworker.email_line.iter());
        }
        parts.extend(letter.contacts.iter().map(|c| &c.role));
        parts.extend([&letter.office, &letter.disclaimer]);
        parts
    }

    #[test]
    fn an_unreviewed_language_prints_the_english_beside_each_part_and_says_so() {
        let english = letter_in(FamilyLanguage::En);
        for language in FamilyLanguage::ALL.into_iter().filter(|l| l.staff().is_none()) {
            let tag = language.as_str();
            let letter = letter_in(language);
            assert_eq!((letter.lang, letter.rtl), (tag, language.rtl()), "{tag}");
            assert!(!letter.dates.is_empty(), "{tag}: the response to the RFE is listed");
            let english_parts = parts(&english);
            let ours = parts(&letter);
            assert_eq!(ours.len(), english_parts.len(), "{tag}: part for part");
            for (part, in_english) in ours.iter().zip(english_parts) {
                assert_eq!(part.english.as_ref(), Some(&in_english.text), "{tag}");
                if in_english.text != "Legal aid" {
                    assert_ne!(part.text, in_english.text, "{tag}: translated, not copied");
                }
            }
            let notice = letter.unreviewed.as_ref().expect("the notice");
            assert!(notice.english.starts_with("This translation has not yet been reviewed"), "{tag}");
            assert!(!notice.text.is_empty() && notice.text != notice.english, "{tag}: {notice:?}");
            assert_eq!(letter.language_note, None, "{tag}: the letter is in the family's language");
        }
    }

    #[test]
    fn english_and_spanish_letters_stand_alone() {
        for language in [FamilyLanguage::En, FamilyLanguage::Es] {
            let letter = letter_in(language);
            assert_eq!(letter.lang, language.as_str());
            assert!(!letter.rtl && letter.unreviewed.is_none());
            assert!(parts(&letter).iter().all(|p| p.english.is_none()), "{}", language.as_str());
        }
        assert!(letter_in(FamilyLanguage::Es).title.text.contains("Carta"));
    }

    #[test]
    fn dari_and_pashto_are_right_to_left_with_their_english_left_to_right() {
        for language in [FamilyLanguage::Prs, FamilyLanguage::Ps] {
            let letter = letter_in(language);
            assert!(letter.rtl);
            // Written in Arabic script: the text holds letters of that block, the English none.
            assert!(letter.intro.text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
            assert!(letter.intro.english.as_deref().is_some_and(|e| e.is_ascii()));
        }
    }
}
