//! Templates are data: an organisation's folder replaces a built-in file of the same name, the
//! document records the new version, and a template typst refuses is a clear error.

use amparo_documents::{DocumentError, Request, Templates, generate};

use crate::support::*;

#[test]
fn an_organisations_letterhead_replaces_the_built_in_one_and_changes_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = Templates::builtin();
    let mut letterhead =
        builtin.for_kind(amparo_documents::DocumentKind::MedicalLetter).unwrap().imports[0].text.clone();
    assert!(letterhead.contains("#let letterhead(org)"));
    letterhead = letterhead.replace(
        "#text(size: 15pt, weight: \"bold\")[#org.name]",
        "#text(size: 15pt, weight: \"bold\")[#org.name — Medical-Legal Partnership]",
    );
    std::fs::write(dir.path().join("letterhead.typ"), letterhead).unwrap();
    let replaced = Templates::with_folder(dir.path()).unwrap();
    let case = stored_case("uk");
    let ours = generated_with(&replaced, &case, Request::MedicalLetter { attestation: None });
    let theirs = generated(&case, Request::MedicalLetter { attestation: None });
    let text = flat_text_of(&pdf_file(&ours.pdf));
    assert!(text.contains("Harbor Legal Aid Example — Medical-Legal Partnership"), "{text}");
    assert_ne!(ours.template_version, theirs.template_version);
    assert_eq!(ours.fingerprint, theirs.fingerprint, "the same data");
}

#[test]
fn a_template_typst_refuses_is_an_error_naming_the_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("medical-letter.typ"), "// template-version: 9\n#let x = (\n").unwrap();
    let templates = Templates::with_folder(dir.path()).unwrap();
    let case = stored_case("uk");
    let derivation = derivation(&case);
    let profile = profile();
    let sources = sources(&case, &derivation, &profile);
    let error = generate(&templates, &sources, Request::MedicalLetter { attestation: None }).unwrap_err();
    assert!(
        matches!(error, DocumentError::Typeset { ref template, .. } if template == "medical-letter.typ"),
        "{error}"
    );
}

#[test]
fn a_templates_folder_that_is_not_there_is_refused() {
    let error = Templates::with_folder(std::path::Path::new("/nonexistent/amparo-templates")).unwrap_err();
    assert_eq!(error.to_string(), "templates folder /nonexistent/amparo-templates: not a folder");
}
