//! The family's status letter as a PDF, in the family's language: the same words as the letter page
//! (`amparo_notify::letter`), typeset with the script's font and direction. While the language's
//! catalogue has not been reviewed by a qualified translator, the letter prints the English text
//! beside it and says so.

use amparo_domain::{CaseFile, Date, Derivation, Language};
use amparo_notify::Texts;
use amparo_notify::family_texts::{FamilyLanguage, FamilyTexts};
use amparo_notify::letter::{self, Letter, LetterInput};
use amparo_store::Assignment;
use serde::Serialize;

use super::Letterhead;
use crate::error::DocumentError;

/// Everything the family letter is built from, beside the case.
pub struct FamilyInput<'a> {
    pub file: &'a CaseFile,
    pub derivation: &'a Derivation,
    pub assignments: &'a [Assignment],
    pub caseworker_email: Option<&'a str>,
    pub today: Date,
}

#[derive(Clone, Debug, Serialize)]
struct Dated {
    when: String,
    meaning: String,
}

/// One language's text of the letter, as the template lays it out.
#[derive(Clone, Debug, Serialize)]
struct LetterText {
    lang: &'static str,
    rtl: bool,
    title: String,
    date_line: String,
    case_line: String,
    dear: String,
    intro: String,
    standing: String,
    next_dates_heading: String,
    dates: Vec<Dated>,
    no_dates: Option<String>,
    who_to_call_heading: String,
    contacts: Vec<String>,
    office: String,
    disclaimer: String,
}

impl LetterText {
    fn of(letter: Letter) -> LetterText {
        let mut contacts = Vec::new();
        if let Some(caseworker) = letter.caseworker {
            contacts.push(caseworker.name_line);
            contacts.extend(caseworker.email_line);
        }
        contacts.extend(letter.contacts.into_iter().map(|c| format!("{}: {}", c.role, c.name)));
        LetterText {
            lang: letter.lang,
            rtl: letter.rtl,
            title: letter.title,
            date_line: letter.date_line,
            case_line: letter.case_line,
            dear: letter.dear,
            intro: letter.intro,
            standing: letter.standing,
            next_dates_heading: letter.next_dates_heading,
            dates: letter.dates.into_iter().map(|d| Dated { when: d.when, meaning: d.meaning }).collect(),
            no_dates: letter.no_dates,
            who_to_call_heading: letter.who_to_call_heading,
            contacts,
            office: letter.office,
            disclaimer: letter.disclaimer,
        }
    }
}

/// What the family letter prints.
#[derive(Clone, Debug, Serialize)]
pub struct FamilyLetter {
    letterhead: Letterhead,
    reference: String,
    letter: LetterText,
    /// The English text printed beside an unreviewed translation.
    english: Option<LetterText>,
    /// Why the English is there, in English.
    unreviewed_note: Option<String>,
}

/// The language the letter is written in: the one asked for, else the family's own, else English.
pub fn language_of(file: &CaseFile, asked: Option<&str>) -> Result<FamilyLanguage, DocumentError> {
    match asked {
        Some(tag) => FamilyLanguage::parse(tag).ok_or_else(|| DocumentError::Language(tag.to_owned())),
        None => Ok(FamilyLanguage::of_case(file).unwrap_or(FamilyLanguage::En)),
    }
}

impl FamilyLetter {
    pub fn of(
        input: &FamilyInput,
        letterhead: Letterhead,
        language: FamilyLanguage,
    ) -> Result<FamilyLetter, DocumentError> {
        let failed = |e: amparo_notify::texts::TextsError| DocumentError::Template(e.to_string());
        let staff = Texts::load().map_err(failed)?;
        let family = FamilyTexts::load().map_err(failed)?;
        let letter_input = |language: Language| LetterInput {
            file: input.file,
            derivation: input.derivation,
            assignments: input.assignments,
            organisation: &letterhead.name,
            caseworker_email: input.caseworker_email,
            language,
            today: input.today,
        };
        let nearest = language.staff().unwrap_or(Language::En);
        let words = family.words(&staff, language);
        let letter = LetterText::of(letter::build_with(words.as_ref(), &letter_input(nearest)));
        let (english, unreviewed_note) = if family.reviewed(language) {
            (None, None)
        } else {
            let english = LetterText::of(letter::build(&staff, &letter_input(Language::En)));
            let note = format!(
                "The {} text of this letter has not yet been reviewed by a qualified translator, so the \
                 English text is printed beside it. If the two differ, the English text is the one we wrote.",
                language_name(language)
            );
            (Some(english), Some(note))
        };
        Ok(FamilyLetter {
            reference: input.file.case.reference.as_str().to_owned(),
            letterhead,
            letter,
            english,
            unreviewed_note,
        })
    }
}

/// The language's name in English, for the note beside an unreviewed translation.
pub fn language_name(language: FamilyLanguage) -> &'static str {
    match language {
        FamilyLanguage::En => "English",
        FamilyLanguage::Es => "Spanish",
        FamilyLanguage::Ht => "Haitian Creole",
        FamilyLanguage::Uk => "Ukrainian",
        FamilyLanguage::Ru => "Russian",
        FamilyLanguage::Prs => "Dari",
        FamilyLanguage::Ps => "Pashto",
        FamilyLanguage::Pt => "Portuguese",
        FamilyLanguage::Fr => "French",
    }
}
