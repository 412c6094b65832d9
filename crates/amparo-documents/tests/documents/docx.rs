//! The letters as DOCX open in python-docx with their facts in their paragraphs; a Dari letter's
//! paragraphs are marked right to left.

use std::process::Command;

use amparo_documents::{Request, docx};

use crate::support::*;

/// The paragraphs python-docx reads, with whether each is marked right to left, one JSON object a line.
fn paragraphs(bytes: &[u8]) -> Vec<(String, bool)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.docx");
    std::fs::write(&path, bytes).unwrap();
    let script = "import docx, json, sys\n\
        for p in docx.Document(sys.argv[1]).paragraphs:\n\
        \x20   bidi = p._p.pPr is not None and p._p.pPr.find('{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi') is not None\n\
        \x20   print(json.dumps([p.text, bidi]))\n";
    let output = Command::new("python3").arg("-c").arg(script).arg(&path).output().unwrap();
    assert!(
        output.status.success(),
        "python-docx could not open it: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<(String, bool)>(l).unwrap())
        .collect()
}

#[test]
fn the_medical_letter_as_docx_opens_in_python_docx_with_its_facts() {
    let case = stored_case("uk");
    let generated = generated(&case, Request::MedicalLetter { attestation: None });
    let text: Vec<String> = paragraphs(&docx(&generated).unwrap()).into_iter().map(|(t, _)| t).collect();
    let all = text.join("\n");
    for expected in [
        "Harbor Legal Aid Example",
        "Lina Ejemplova",
        "intestinal failure",
        "within 3 days",
        "Draft for the treating clinician",
    ] {
        assert!(all.contains(expected), "{expected:?} missing from: {all}");
    }
    assert_eq!(text[0], "Harbor Legal Aid Example");
}

#[test]
fn the_cover_letter_as_docx_carries_the_exhibit_index() {
    let case = stored_case("uk");
    let exhibits = [attachment(
        "a1",
        "I-94 record & notice",
        amparo_domain::attachments::ContentType::Pdf,
        exhibit_pdf("I94", 2),
    )];
    let generated = generated(&case, Request::CoverLetter { exhibits: &exhibits });
    let all: Vec<String> = paragraphs(&docx(&generated).unwrap()).into_iter().map(|(t, _)| t).collect();
    assert!(
        all.iter().any(|p| p == "Exhibit A: I-94 record & notice, dated January 15, 2026 (2 pages)"),
        "{all:?}"
    );
    assert!(all.iter().any(|p| p == "RE-PAROLE"), "{all:?}");
}

#[test]
fn a_dari_family_letter_as_docx_marks_its_paragraphs_right_to_left_and_keeps_the_english_left_to_right() {
    let case = stored_case("prs");
    let generated = generated(&case, Request::FamilyLetter { language: None });
    let read = paragraphs(&docx(&generated).unwrap());
    let title = amparo_notify::family_texts::FamilyTexts::load()
        .unwrap()
        .words(&amparo_notify::Texts::load().unwrap(), amparo_notify::family_texts::FamilyLanguage::Prs)
        .text("letter-title", &[]);
    let dari = read.iter().find(|(t, _)| *t == title).unwrap_or_else(|| panic!("{title:?} not in {read:?}"));
    assert!(dari.1, "the Dari title is marked right to left");
    let english = read.iter().find(|(t, _)| t.contains("has not yet been reviewed")).unwrap();
    assert!(!english.1);
}

#[test]
fn the_packet_has_no_docx() {
    let case = stored_case("uk");
    let generated = generated(&case, Request::Packet { exhibits: &[] });
    assert!(docx(&generated).is_err());
}
