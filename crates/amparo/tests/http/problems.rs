//! Refused values through the router in process: a Spanish reader reads every problem of the intake
//! form, the event form and the case list's filters in Spanish, an English reader in English, and
//! the API keeps English with the field and the kind of problem as data.

use crate::support::{PASSWORD, RouterApp, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    intake_problems_are_worded_in_the_reader_language,
    event_form_problems_are_worded_in_the_reader_language,
    filter_problems_are_worded_in_the_reader_language,
    the_api_names_the_field_and_the_problem,
);

/// Signs in and switches the person to Spanish; the session cookie and CSRF token.
fn spanish_session(app: &RouterApp) -> (String, String) {
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    app.choose_language(&session, &csrf, "es");
    (session, csrf)
}

/// An intake form with one problem in almost every group.
fn bad_intake(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf", csrf),
        ("people", "2"),
        ("events", "2"),
        ("reference", "ES 1"),
        ("person-0-given_name", "Lucía"),
        ("person-0-family_name", "Ejemplar"),
        ("person-0-a_number", "12"),
        ("person-0-citizenship", "Honduras"),
        ("person-1-given_name", "Marta"),
        ("person-1-family_name", "Ejemplar"),
        ("person-1-role", "patient"),
        ("medical-condition", "intestinal failure"),
        ("medical-hours_per_day", "30"),
        ("event-0-type", "parole_granted"),
        ("event-0-on", "2026-13-40"),
        ("event-0-valid_until", "2027-03-01"),
        ("event-1-type", "re_parole_filed"),
        ("event-1-on", "2026-03-02"),
        ("event-1-receipt_number", "IOE12"),
        ("action", "save"),
    ]
}

fn intake_problems_are_worded_in_the_reader_language(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = spanish_session(&app);
    let refused = app.post_form("/cases/new", &session, &bad_intake(&csrf));
    assert_eq!(refused.status, 422);
    let page = refused.body;
    for expected in [
        "«ES 1» no es una referencia de caso",
        "«12» no es un número A (A-Number)",
        "«Honduras» no es un código de país",
        "Solo una persona puede figurar como paciente; esta es la segunda.",
        "Debe estar entre 0 y 24.",
        "«2026-13-40» no es una fecha; escríbala como AAAA-MM-DD",
        "«IOE12» no es un número de recibo",
        "href=\"#person-0-a_number\"",
        "aria-describedby=\"event-0-on-error\"",
    ] {
        assert!(page.contains(expected), "the Spanish intake form lacks {expected:?}: {page}");
    }
    for english in ["not a", "must be", "expected", "exactly one person", "is not"] {
        assert!(!page.contains(english), "English {english:?} reached a Spanish reader: {page}");
    }
    assert_eq!(app.get("/api/v1/cases?q=ES", &session).json()["total"], 0, "nothing saved");

    // The same form from an English reader reads in English.
    app.choose_language(&session, &csrf, "en");
    let page = app.post_form("/cases/new", &session, &bad_intake(&csrf)).body;
    for expected in [
        "“12” is not an A-number: the letter A followed by 7 to 9 digits.",
        "Only one person can be the patient; this is the second.",
        "Must be between 0 and 24.",
    ] {
        assert!(page.contains(expected), "the English intake form lacks {expected:?}: {page}");
    }
}

fn event_form_problems_are_worded_in_the_reader_language(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = spanish_session(&app);
    let (id, version) = app.case_id(&session, "A-1");
    let events = format!("/cases/{id}/events");
    let version = version.to_string();
    let missing_served = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("ev-type", "termination_notice"),
        ("ev-on", "2026-11-20"),
    ];
    let refused = app.post_form(&events, &session, &missing_served);
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("Es obligatorio en un evento de este tipo (Aviso de terminación)."),
        "{}",
        refused.body
    );

    // A date before the event's own date is refused by the store's check, worded the same way.
    let early = [&missing_served[..], &[("ev-served_by", "mail"), ("ev-depart_by", "2026-11-01")]].concat();
    let refused = app.post_form(&events, &session, &early);
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains(
            "El 1 de noviembre de 2026 es anterior a la fecha del evento (20 de noviembre de 2026)."
        ),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("aria-describedby=\"ev-depart_by-error\""), "{}", refused.body);
    assert!(!refused.body.contains("is before the event"), "{}", refused.body);
    assert_eq!(hidden_field(&refused.body, "version"), version, "nothing written");
    assert_eq!(app.case_id(&session, "A-1").1.to_string(), version);
}

fn filter_problems_are_worded_in_the_reader_language(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, _) = spanish_session(&app);
    let list = app.get("/cases?due_within=mucho", &session);
    assert_eq!(list.status, 422);
    assert!(list.body.contains("due_within: Escriba un número entero entre 0 y 3650."), "{}", list.body);
    let list = app.get("/cases?status=vigente", &session);
    assert!(list.body.contains("status: «vigente» no es una de las opciones:"), "{}", list.body);
    let unknown = app.get("/cases?colour=red", &session);
    assert!(unknown.body.contains("colour: Amparo no conoce este parámetro"), "{}", unknown.body);
    // The store's own refusals are worded the same way.
    let reviews = app.get("/reviews?program=&citizenship=", &session);
    assert_eq!(reviews.status, 422);
    assert!(reviews.body.contains("selection: Indique al menos una condición"), "{}", reviews.body);
    let reviews = app.get("/reviews?citizenship=Ucrania", &session);
    assert!(reviews.body.contains("«Ucrania» no es un código de país"), "{}", reviews.body);
}

fn the_api_names_the_field_and_the_problem(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = spanish_session(&app);
    let (id, version) = app.case_id(&session, "A-1");
    let path = format!("/api/v1/cases/{id}/events");
    let cases = [
        (
            serde_json::json!({ "type": "departed", "on": "2026-02-30" }),
            "event.on",
            "not-a-date",
            "not a date",
        ),
        (
            serde_json::json!({ "type": "termination_notice", "on": "2026-03-02" }),
            "event.served_by",
            "required-for",
            "required for a termination_notice event",
        ),
        (
            serde_json::json!({ "type": "departed", "on": "2026-03-05", "persons": ["x1"] }),
            "event.persons[0]",
            "no-such-person",
            "no person with key \"x1\"",
        ),
        (serde_json::json!({ "on": "2026-03-05" }), "event.type", "missing", "missing field `type`"),
    ];
    for (event, field, problem, english) in cases {
        let body = serde_json::json!({ "expected_version": version, "event": event });
        let refused = app.post_json(&path, &session, &csrf, &body);
        assert_eq!(refused.status, 422, "{}", refused.body);
        let json = refused.json();
        assert_eq!(json["error"], "invalid");
        assert_eq!(json["field"], field, "{json}");
        assert_eq!(json["problem"], problem, "{json}");
        let message = json["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field}: ")) && message.contains(english), "{json}");
    }
    assert_eq!(app.case_id(&session, "A-1").1, version, "refused writes left nothing behind");
}
