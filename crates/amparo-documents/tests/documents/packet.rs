//! The packet: cover letter, exhibit index, then every exhibit behind its tab page — PDF pages as
//! they are, an image on a page of its own — numbered through, stamped with the exhibit's letter,
//! one bookmark per exhibit; one valid PDF.

use amparo_documents::{DocumentError, Request, Templates, generate};
use amparo_domain::attachments::ContentType;

use crate::support::*;

#[test]
fn the_packet_places_every_exhibit_page_behind_its_tab_numbered_and_bookmarked() {
    let case = stored_case("uk");
    // One exhibit is a letter Amparo typeset itself: its embedded fonts must survive placement.
    let letter = generated(&case, Request::MedicalLetter { attestation: None }).pdf;
    let letter_pages = pages_of(&pdf_file(&letter));
    let exhibits = [
        attachment("a1", "Medical necessity letter (draft)", ContentType::Pdf, letter),
        attachment("a2", "Parole approval notice", ContentType::Pdf, exhibit_pdf("Approval", 3)),
        attachment("a3", "Photo of the infusion pump", ContentType::Png, exhibit_png()),
        attachment("a4", "Hospital discharge summary", ContentType::Pdf, exhibit_pdf("Discharge", 2)),
    ];
    let generated = generated(&case, Request::Packet { exhibits: &exhibits });
    let pdf = pdf_file(&generated.pdf);
    assert_qpdf_check(&pdf);

    let cover = pages_of(&pdf_file(
        &crate::support::generated(&case, Request::CoverLetter { exhibits: &exhibits }).pdf,
    ));
    let exhibit_pages = letter_pages + 3 + 1 + 2;
    let total = pages_of(&pdf);
    assert_eq!(
        total,
        cover + exhibits.len() + exhibit_pages,
        "cover and index, a tab per exhibit, every page"
    );

    let text = flat_text_of(&pdf);
    for expected in [
        "RE-PAROLE",
        "Exhibit index",
        "Exhibit A: Medical necessity letter (draft)",
        "Exhibit B: Parole approval notice",
        "Exhibit C: Photo of the infusion pump",
        "Exhibit D: Hospital discharge summary",
        "intestinal failure",
        "Approval source page 1",
        "Approval source page 3",
        "Discharge source page 2",
        &format!("Page {total} of {total}"),
    ] {
        assert!(text.contains(expected), "{expected:?} missing from the packet: {text}");
    }
    // The exhibits come in the order chosen.
    let order: Vec<usize> =
        ["Approval source page 1", "Discharge source page 1"].iter().map(|t| text.find(t).unwrap()).collect();
    assert!(order[0] < order[1]);

    let bookmarks = bookmarks_of(&pdf);
    for letter in ["A", "B", "C", "D"] {
        assert!(
            bookmarks.iter().any(|b| b.starts_with(&format!("Exhibit {letter}:"))),
            "no bookmark for exhibit {letter}: {bookmarks:?}"
        );
    }
    assert!(bookmarks.iter().any(|b| b == "Exhibit index"), "{bookmarks:?}");

    // Amparo's own fonts are embedded; the only ones that are not are the standard Helvetica the
    // fixture exhibits were written with (and carry as they are).
    let fonts = fonts_of(&pdf);
    assert!(fonts.iter().any(|(name, embedded)| name.contains("NotoSans") && *embedded), "{fonts:?}");
    for (name, embedded) in &fonts {
        assert!(*embedded || name == "Helvetica", "font {name} is not embedded: {fonts:?}");
    }
}

#[test]
fn an_exhibit_that_cannot_be_placed_refuses_the_packet_naming_it() {
    let case = stored_case("uk");
    let derivation = derivation(&case);
    let profile = profile();
    let sources = sources(&case, &derivation, &profile);
    let exhibits = [
        attachment("a1", "Approval notice", ContentType::Pdf, exhibit_pdf("Approval", 1)),
        attachment("a2", "Phone photo", ContentType::Heic, b"....ftypheic".to_vec()),
    ];
    let error =
        generate(&Templates::builtin(), &sources, Request::Packet { exhibits: &exhibits }).unwrap_err();
    assert!(matches!(error, DocumentError::Exhibit { ref exhibit, .. } if exhibit == "B"), "{error}");
    assert_eq!(
        error.to_string(),
        "exhibit B (Phone photo): a HEIC file cannot be placed in a packet; add it as PDF, PNG or JPEG"
    );
    let damaged = [attachment("a1", "Cut PDF", ContentType::Pdf, b"%PDF-1.7\n1 0 obj".to_vec())];
    let error =
        generate(&Templates::builtin(), &sources, Request::Packet { exhibits: &damaged }).unwrap_err();
    assert!(error.to_string().starts_with("exhibit A (Cut PDF): not a readable PDF"), "{error}");
}
