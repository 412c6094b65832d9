//! The medical-necessity letter and the re-parole cover letter: valid PDFs (`qpdf --check`) whose
//! text carries the record's names, dates and facts, every font embedded.

use amparo_documents::{Attestation, DocumentError, Request, Templates, generate};
use amparo_domain::attachments::ContentType;

use crate::support::*;

#[test]
fn the_medical_letter_draft_prints_the_medical_facts_in_the_letterhead_and_says_it_is_a_draft() {
    let case = stored_case("uk");
    let generated = generated(&case, Request::MedicalLetter { attestation: None });
    let pdf = pdf_file(&generated.pdf);
    assert_qpdf_check(&pdf);
    let fonts = assert_fonts_embedded(&pdf);
    assert!(fonts.iter().any(|f| f.contains("NotoSans")), "{fonts:?}");
    let text = flat_text_of(&pdf);
    for expected in [
        "Harbor Legal Aid Example",
        "12 Example Street",
        "Lina Ejemplova",
        "June 21, 2019",
        "A012345678",
        "intestinal failure",
        "home parenteral nutrition",
        "14 hours a day",
        "Example Children's Hospital",
        "does not exist in Lina Ejemplova’s country of origin (UA)",
        "within 3 days",
        "March 2, 2026",
        "Draft for the treating clinician",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    assert_eq!(generated.language, "en");
    assert!(
        generated.template_version.starts_with("medical-letter 1 (sha256 "),
        "{}",
        generated.template_version
    );
}

#[test]
fn an_attested_medical_letter_carries_the_clinicians_name_credentials_date_and_statement() {
    let case = stored_case("uk");
    let attestation = Attestation::check(
        "Dr. Mira Example",
        "MD, pediatric gastroenterology",
        "2026-02-27".parse().unwrap(),
        "I have treated Lina since 2025 and reviewed every fact in this letter.",
        today(),
    )
    .unwrap();
    let generated = generated(&case, Request::MedicalLetter { attestation: Some(&attestation) });
    let pdf = pdf_file(&generated.pdf);
    assert_qpdf_check(&pdf);
    assert_fonts_embedded(&pdf);
    let text = flat_text_of(&pdf);
    for expected in [
        "Dr. Mira Example",
        "MD, pediatric gastroenterology",
        "Attested on February 27, 2026",
        "reviewed every fact in this letter",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    assert!(!text.contains("Draft for the treating clinician"), "{text}");
    assert!(!text.contains("DRAFT"), "{text}");
}

#[test]
fn an_attestation_names_the_field_that_is_wrong() {
    let day = "2026-02-27".parse().unwrap();
    let cases = [
        (Attestation::check(" ", "MD", day, "statement", today()), "name: required"),
        (Attestation::check("Dr. A", "", day, "statement", today()), "credentials: required"),
        (Attestation::check("Dr. A", "MD", day, "", today()), "statement: required"),
        (
            Attestation::check("Dr. A", "MD", "2026-03-03".parse().unwrap(), "statement", today()),
            "date: 2026-03-03 is after today (2026-03-02)",
        ),
        (
            Attestation::check(&"x".repeat(201), "MD", day, "statement", today()),
            "name: at most 200 characters",
        ),
    ];
    for (result, expected) in cases {
        assert_eq!(result.unwrap_err().to_string(), expected);
    }
}

#[test]
fn a_case_without_a_medical_profile_has_no_medical_letter_and_says_which_field() {
    let mut case = stored_case("uk");
    case.file.case.medical = None;
    let derivation = derivation(&case);
    let profile = profile();
    let sources = sources(&case, &derivation, &profile);
    let error =
        generate(&Templates::builtin(), &sources, Request::MedicalLetter { attestation: None }).unwrap_err();
    assert!(matches!(error, DocumentError::Missing { ref field, .. } if field == "medical"), "{error}");
}

#[test]
fn the_cover_letter_asks_to_expedite_citing_the_rule_sets_dates_and_indexes_the_exhibits() {
    let case = stored_case("uk");
    let exhibits = [
        attachment("a1", "Medical necessity letter", ContentType::Pdf, exhibit_pdf("Medical", 2)),
        attachment("a2", "I-94 record", ContentType::Pdf, exhibit_pdf("I94", 1)),
        attachment("a3", "Photo of the infusion pump", ContentType::Png, exhibit_png()),
    ];
    let generated = generated(&case, Request::CoverLetter { exhibits: &exhibits });
    let pdf = pdf_file(&generated.pdf);
    assert_qpdf_check(&pdf);
    assert_fonts_embedded(&pdf);
    let text = flat_text_of(&pdf);
    // The dates are the rule set's: parole granted until 11 June 2026.
    let derivation = derivation(&case);
    let file_by = derivation
        .deadlines
        .iter()
        .find(|d| d.kind == amparo_domain::rules::DeadlineKind::ReParoleFileBy)
        .expect("the rule set derives a re-parole filing date");
    let file_by_words = amparo_documents::content::english_date(file_by.due);
    for expected in [
        "RE-PAROLE",
        "Form I-131",
        "expedite",
        "Lina Ejemplova",
        "Oksana Ejemplova",
        "Taras Ejemplov",
        "within 3 days",
        "June 11, 2026",
        "Parole ends",
        file_by_words.as_str(),
        "Exhibit index",
        "Medical necessity letter",
        "I-94 record",
        "Photo of the infusion pump",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    assert!(text.contains(&*file_by.citation.split_whitespace().collect::<Vec<_>>().join(" ")), "{text}");
}
