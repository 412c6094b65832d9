//! Intake looks for the case already being in Amparo before it saves: the same A-number, or a person
//! of the same name and birth date, shows the existing cases with a link and saves nothing until the
//! person confirms; a clinician is never told of a case not shared with them. The reference field
//! offers the organisation's next reference.

use chrono::Datelike;

use crate::support::{PASSWORD, Persona, RouterApp, unix_now};
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    intake_shows_a_case_with_the_same_a_number_and_saves_only_once_confirmed,
    intake_shows_a_case_with_the_same_name_and_birth_date_in_either_language,
    intake_tells_a_clinician_of_no_case_unshared_with_them,
    intake_offers_the_next_reference_of_the_year,
);

fn intake<'a>(csrf: &'a str, reference: &'a str, person: [&'a str; 4]) -> Vec<(&'a str, &'a str)> {
    let [given, family, birth_date, a_number] = person;
    vec![
        ("csrf", csrf),
        ("people", "1"),
        ("events", "1"),
        ("reference", reference),
        ("person-0-given_name", given),
        ("person-0-family_name", family),
        ("person-0-birth_date", birth_date),
        ("person-0-a_number", a_number),
        ("action", "save"),
    ]
}

/// The time now, as the application's fixed clock has it to the day.
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(unix_now() as i64, 0).unwrap()
}

fn member(store: &amparo_store::Store, email: &str) -> amparo_store::User {
    store.credentials_by_email(email).unwrap().unwrap().user
}

fn saved(app: &RouterApp, session: &str, reference: &str) -> u64 {
    app.get(&format!("/api/v1/cases?q={reference}"), session).json()["total"].as_u64().unwrap()
}

fn intake_shows_a_case_with_the_same_a_number_and_saves_only_once_confirmed(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (a1, _) = app.case_id(&session, "A-1");
    // A-1's patient, Lucía Ejemplo, holds A012345678; here under another name.
    let fields = intake(&csrf, "DUP-1", ["Lucy", "Otra", "", "A012345678"]);
    let warned = app.post_form("/cases/new", &session, &fields);
    assert_eq!(warned.status, 409, "{}", warned.body);
    for expected in [
        "This case may already be in Amparo",
        &format!("<a href=\"/cases/{a1}\">A-1 — Lucía Ejemplo</a>"),
        "Lucy Otra has the same A-number as a person on this case.",
        &format!("name=\"confirm_duplicate\" value=\"{a1}\""),
        "value=\"Lucy\"",
    ] {
        assert!(warned.body.contains(expected), "the warning lacks {expected:?}: {}", warned.body);
    }
    assert_eq!(saved(&app, &session, "DUP-1"), 0, "nothing saved before the person confirms");

    let forged = [&fields[..], &[("confirm_duplicate", "some-other-case")]].concat();
    assert_eq!(app.post_form("/cases/new", &session, &forged).status, 409, "only the cases shown confirm");
    assert_eq!(saved(&app, &session, "DUP-1"), 0);

    let confirmed = [&fields[..], &[("confirm_duplicate", a1.as_str())]].concat();
    let created = app.post_form("/cases/new", &session, &confirmed);
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(saved(&app, &session, "DUP-1"), 1);

    let store = db.store();
    let org = member(&store, "ana@a.example.org").org_id;
    let query = amparo_store::AuditQuery {
        action: Some("case.duplicate_shown".into()),
        limit: 100,
        ..amparo_store::AuditQuery::default()
    };
    let shown = store.audit_page(&org, &query).unwrap().entries;
    assert_eq!(shown.len(), 3, "each time A-1 was shown is in the audit trail");
    assert!(shown.iter().all(|e| e.target == a1), "{shown:?}");
}

fn intake_shows_a_case_with_the_same_name_and_birth_date_in_either_language(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let first =
        app.post_form("/cases/new", &session, &intake(&csrf, "NB-1", ["Nina", "Peña", "2020-02-11", ""]));
    assert_eq!(first.status, 303, "{}", first.body);
    let (nb1, _) = app.case_id(&session, "NB-1");

    // Another birth date is another child: saved at once.
    let other = intake(&csrf, "NB-2", ["Nina", "Peña", "2021-02-11", ""]);
    assert_eq!(app.post_form("/cases/new", &session, &other).status, 303);

    // The same child typed without the accent and in capitals.
    let same = intake(&csrf, "NB-3", ["NINA", "Pena", "2020-02-11", ""]);
    let warned = app.post_form("/cases/new", &session, &same);
    assert_eq!(warned.status, 409, "{}", warned.body);
    assert!(
        warned.body.contains(&format!("<a href=\"/cases/{nb1}\">NB-1 — Nina Peña</a>")),
        "{}",
        warned.body
    );
    assert!(warned.body.contains("NINA Pena has the same name and birth date as a person on this case."));
    assert!(!warned.body.contains("NB-2"), "a namesake born another day is not shown");
    assert_eq!(saved(&app, &session, "NB-3"), 0);

    let switched = app.post_form("/language", &session, &[("csrf", &csrf), ("language", "es")]);
    assert_eq!(switched.status, 303);
    let spanish = app.post_form("/cases/new", &session, &same);
    assert_eq!(spanish.status, 409);
    for expected in [
        "Puede que este caso ya esté en Amparo",
        "NINA Pena tiene el mismo nombre y la misma fecha de nacimiento que una persona de este caso.",
        "Guardar de todos modos como caso nuevo",
    ] {
        assert!(spanish.body.contains(expected), "{expected:?} missing: {}", spanish.body);
    }
}

fn intake_tells_a_clinician_of_no_case_unshared_with_them(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let clinician = app.persona(db, Persona::Member(UserRole::Clinician));
    let fields = intake(&clinician.csrf, "DUP-C", ["Lucía", "Ejemplo", "", "A012345678"]);
    let refused = app.post_form("/cases/new", &clinician.cookie, &fields);
    assert_eq!(refused.status, 403, "a clinician does not open cases");
    assert!(!refused.body.contains("A-1") && !refused.body.contains("confirm_duplicate"), "{}", refused.body);

    // The rule itself, as the store applies it for any caller: shown only once shared.
    let store = db.store();
    let user = member(&store, "clinician@a.example.org");
    let actor = amparo_store::Actor::of(&user);
    let text = crate::support::case_json("DUP-C", "Lucía");
    let (file, _) = amparo_domain::CaseFile::parse(&text).unwrap();
    let now = now();
    assert!(store.possible_duplicates_as(&actor, &file, now).unwrap().is_empty(), "A-1 is not shared");
    let (ana, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (a1, _) = app.case_id(&ana, "A-1");
    let attorney = amparo_store::Actor::of(&member(&store, "ana@a.example.org"));
    let case = amparo_store::CaseId(a1.clone());
    store.set_case_shared_as(&attorney, &case, &user.id, true, now).unwrap();
    let found = store.possible_duplicates_as(&actor, &file, now).unwrap();
    assert_eq!(found.iter().map(|d| d.id.0.as_str()).collect::<Vec<_>>(), [a1.as_str()]);
}

fn intake_offers_the_next_reference_of_the_year(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let year = now().year();
    let blank = app.get("/cases/new", &session).body;
    assert!(blank.contains(&format!("such as ABC-{year}-001")), "{blank}");
    assert!(blank.contains("<input id=\"reference\" name=\"reference\" type=\"text\" value=\"\""), "{blank}");

    for (reference, given) in [(format!("LS-{year}-009"), "Uno"), (format!("LS-{year}-010"), "Dos")] {
        let fields = intake(&csrf, &reference, [given, "Ejemplo", "", ""]);
        assert_eq!(app.post_form("/cases/new", &session, &fields).status, 303);
    }
    let next = format!("LS-{year}-011");
    let offered = app.get("/cases/new", &session).body;
    assert!(offered.contains(&format!("value=\"{next}\"")), "{offered}");
    assert!(offered.contains(&format!("pattern is {next}.")), "{offered}");
    let refused = app.post_form("/cases/new", &session, &intake(&csrf, "", ["", "Ejemplo", "", ""]));
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains(&format!("pattern is {next}.")), "the hint stays: {}", refused.body);
    assert!(!refused.body.contains(&format!("value=\"{next}\"")), "an emptied field is not refilled");
    let typed = app.get("/cases/new?reference=MINE-1", &session).body;
    assert!(typed.contains("value=\"MINE-1\"") && !typed.contains(&format!("value=\"{next}\"")));
}
