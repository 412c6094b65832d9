//! Intake through the router in process: the form creates a whole case with the same rules as import,
//! refuses a bad case whole (saving nothing), and needs the session's CSRF token.

use crate::support::{PASSWORD, RouterApp};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    intake_creates_a_whole_case_or_nothing,
    intake_takes_any_language_code_and_the_case_page_says_english_is_shown
);

fn intake_creates_a_whole_case_or_nothing(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let form = app.get("/cases/new", &session);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<h1>New case</h1>") && form.body.contains("id=\"person-2-given_name\""));

    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("people", "3"),
        ("events", "1"),
        ("reference", "INT-1"),
        ("person-0-given_name", "Lucía"),
        ("person-0-family_name", "Ejemplar"),
        ("person-1-given_name", "Marta"),
        ("person-1-family_name", ""),
        ("person-1-role", "parent"),
        ("medical-condition", "intestinal failure"),
        ("medical-days_to_critical_harm", "two"),
        ("event-0-type", "parole_granted"),
        ("event-0-on", "2026-03-02"),
        ("event-0-valid_until", "2027-03-01"),
        ("action", "save"),
    ];
    let refused = app.post_form("/cases/new", &session, &fields);
    assert_eq!(refused.status, 422);
    for expected in [
        "There are 2 problems with the case",
        "href=\"#person-1-family_name\"",
        "aria-describedby=\"person-1-family_name-error\"",
        "href=\"#medical-days_to_critical_harm\"",
        "value=\"Marta\"",
    ] {
        assert!(refused.body.contains(expected), "the refused form lacks {expected:?}");
    }
    assert_eq!(app.get("/api/v1/cases?q=INT-1", &session).json()["total"], 0, "nothing saved");

    let forged: Vec<(&str, &str)> =
        fields.iter().map(|&(k, v)| if k == "csrf" { (k, "forged") } else { (k, v) }).collect();
    assert_eq!(app.post_form("/cases/new", &session, &forged).status, 403);

    let more = [&fields[..], &[("action", "add_person")]].concat();
    let wider = app.post_form("/cases/new", &session, &more);
    assert_eq!(wider.status, 200);
    assert!(wider.body.contains("id=\"person-3-given_name\"") && wider.body.contains("value=\"Lucía\""));

    for (name, value) in fields.iter_mut() {
        match *name {
            "person-1-family_name" => *value = "Ejemplar",
            "medical-days_to_critical_harm" => *value = "2",
            _ => {}
        }
    }
    let created = app.post_form("/cases/new", &session, &fields);
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.header("location").unwrap().to_owned();
    let page = app.get(&location, &session).body;
    assert!(page.contains("Case INT-1") && page.contains("Marta Ejemplar") && page.contains("March 1, 2027"));
    let list = app.get("/api/v1/cases?q=INT-1", &session).json();
    assert_eq!(list["items"][0]["critical_care"], true, "2 days to harm");

    let again = app.post_form("/cases/new", &session, &fields);
    assert_eq!(again.status, 422);
    assert!(again.body.contains("Another case already has this reference."), "{}", again.body);
}

/// A family speaking Dari (`prs`) and Haitian Creole (`ht`): any language code is taken, a malformed one is refused naming its
/// field, and the case page says the family's material is shown in English.
fn intake_takes_any_language_code_and_the_case_page_says_english_is_shown(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let form = app.get("/cases/new", &session).body;
    assert!(form.contains(
        "<input id=\"person-0-preferred_language\" name=\"person-0-preferred_language\" type=\"text\""
    ));
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("people", "2"),
        ("events", "1"),
        ("reference", "INT-2"),
        ("person-0-given_name", "Farid"),
        ("person-0-family_name", "Ejemplo"),
        ("person-0-preferred_language", "prs!"),
        ("person-1-given_name", "Maryam"),
        ("person-1-family_name", "Ejemplo"),
        ("person-1-role", "parent"),
        ("person-1-preferred_language", "ht"),
        ("medical-condition", "leukaemia"),
        ("event-0-type", "parole_granted"),
        ("event-0-on", "2026-03-02"),
        ("event-0-valid_until", "2027-03-01"),
        ("action", "save"),
    ];
    let refused = app.post_form("/cases/new", &session, &fields);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("href=\"#person-0-preferred_language\""), "{}", refused.body);
    assert_eq!(app.get("/api/v1/cases?q=INT-2", &session).json()["total"], 0, "nothing saved");

    fields[6].1 = "prs";
    let created = app.post_form("/cases/new", &session, &fields);
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.header("location").unwrap().to_owned();
    let page = app.get(&location, &session).body;
    assert!(page.contains("Amparo has no texts in ht, prs, a preferred language on this case"), "{page}");
    assert!(page.contains("prs (no Amparo texts: English is shown)"), "{page}");
    let switched = app.post_form("/language", &session, &[("csrf", &csrf), ("language", "es")]);
    assert_eq!(switched.status, 303);
    let spanish = app.get(&location, &session).body;
    assert!(spanish.contains("Amparo no tiene textos en ht, prs"), "{spanish}");
    let letter = app.get(&format!("{location}/letter"), &session).body;
    // The family letter has texts in Dari, the patient's language: it is written in it, right to
    // left, with the English beside each part, and no language of the case lacks a letter.
    assert!(
        letter.contains("<html lang=\"prs\" dir=\"rtl\">"),
        "the letter is in the patient's language: {letter}"
    );
    assert!(letter.contains("id=\"unreviewed\""), "{letter}");
    assert!(!letter.contains("id=\"language-fallback\""), "{letter}");
    let (a1, _) = app.case_id(&session, "A-1");
    assert!(!app.get(&format!("/cases/{a1}"), &session).body.contains("id=\"language-fallback\""));
}
