//! The family letter as a PDF in each family language: the language's own text, in its script and
//! direction, with the English beside it while the catalogue is unreviewed; a Dari letter's text
//! extracts in logical order.

use amparo_documents::{DocumentError, Request, Templates, generate};
use amparo_notify::Texts;
use amparo_notify::family_texts::{FamilyLanguage, FamilyTexts};

use crate::support::*;

fn title_in(language: FamilyLanguage) -> String {
    let staff = Texts::load().unwrap();
    let family = FamilyTexts::load().unwrap();
    family.words(&staff, language).text("letter-title", &[])
}

#[test]
fn the_family_letter_is_written_in_each_family_language_with_every_font_embedded() {
    let family = FamilyTexts::load().unwrap();
    for language in FamilyLanguage::ALL {
        let case = stored_case(language.as_str());
        let generated = generated(&case, Request::FamilyLetter { language: None });
        assert_eq!(generated.language, language.as_str());
        let pdf = pdf_file(&generated.pdf);
        assert_qpdf_check(&pdf);
        let fonts = assert_fonts_embedded(&pdf);
        let text = flat_text_of(&pdf);
        // Each word of the title; a word with a combining hamza (heh with hamza, in Dari and Pashto)
        // extracts with its mark repeated, so it is looked for by its other words.
        for word in title_in(language).split_whitespace().filter(|w| !w.contains('\u{654}')) {
            assert!(text.contains(word), "{language:?}: {word:?} missing from: {text}");
        }
        assert!(text.contains("DOC-7"), "{language:?}: {text}");
        let unreviewed = !family.reviewed(language);
        assert_eq!(
            text.contains("has not yet been reviewed by a qualified translator"),
            unreviewed,
            "{language:?}: {text}"
        );
        if unreviewed {
            assert!(text.contains(&title_in(FamilyLanguage::En)), "{language:?}: the English beside: {text}");
        }
        if language.rtl() {
            assert!(fonts.iter().any(|f| f.contains("NotoNaskhArabic")), "{language:?}: {fonts:?}");
        }
    }
}

#[test]
fn a_dari_letters_text_extracts_in_logical_order() {
    let case = stored_case("prs");
    let generated = generated(&case, Request::FamilyLetter { language: Some("prs") });
    let text = text_of(&pdf_file(&generated.pdf));
    let title = title_in(FamilyLanguage::Prs);
    // Logical order: the title's first word is read first and its last word last, on one line, and
    // the date line reads "date: day month year" from the right.
    let words: Vec<&str> = title.split_whitespace().collect();
    assert!(words.len() >= 3, "{title}");
    let (first, last) = (words[0], words[words.len() - 1]);
    let line = text
        .lines()
        .map(flatten)
        .find(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no line starts with {first:?}: {text}"));
    assert!(line.ends_with(last), "{line:?} does not read {title:?} in logical order");
    let reversed: Vec<&str> = words.iter().rev().copied().collect();
    assert!(
        !text
            .lines()
            .map(flatten)
            .any(|l| l.starts_with(reversed[0]) && l.ends_with(reversed[reversed.len() - 1]))
    );
}

#[test]
fn an_unknown_language_is_refused_by_name() {
    let case = stored_case("uk");
    let derivation = derivation(&case);
    let profile = profile();
    let sources = sources(&case, &derivation, &profile);
    let error = generate(&Templates::builtin(), &sources, Request::FamilyLetter { language: Some("tlh") })
        .unwrap_err();
    assert!(matches!(error, DocumentError::Language(ref tag) if tag == "tlh"), "{error}");
}
