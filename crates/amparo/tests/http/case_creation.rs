//! `POST /api/v1/cases`, on both backends: a case file becomes a case (201, the case as `GET` gives
//! it, its address in `Location`); possible duplicates, open or closed, are a 409 listing them until
//! confirmed; a reference already used is a 409 naming the field; a bad document is refused with its
//! line or JSON path; only the roles that open cases at intake may.

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use serde_json::json;

use crate::support::snapshots::{redacted, seed_at, snapshot_time, uuids_redacted};
use crate::support::{PASSWORD, Persona, Reply, RouterApp, case_json};

amparo_store::on_both_backends!(
    a_case_file_becomes_a_case_with_its_address,
    possible_duplicates_are_listed_open_or_closed_until_confirmed,
    bad_documents_and_roles_that_do_not_open_cases_are_refused,
);

fn app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

fn answer(reply: &Reply) -> serde_json::Value {
    json!({ "status": reply.status, "body": uuids_redacted(&reply.json()) })
}

/// Sends `body` as it is (not necessarily JSON) to create a case.
fn create(app: &RouterApp, (session, csrf): (&str, &str), query: &str, body: &str) -> Reply {
    let headers = vec![("cookie", session), ("x-csrf-token", csrf)];
    let path = format!("/api/v1/cases{query}");
    app.transport
        .send_all(vec![crate::support::site::Request {
            method: "POST",
            path: &path,
            headers,
            body: Some(("application/json", body.to_owned())),
        }])
        .remove(0)
}

/// A new family nobody has seen: no A-number, the patient named `given` Nueva.
fn new_family(reference: &str, given: &str) -> String {
    json!({
        "format": "amparo.case/1",
        "case": { "reference": reference, "people": [
            { "key": "p1", "role": "patient", "given_name": given, "family_name": "Nueva", "birth_date": "2022-04-05" }
        ] },
        "events": [{ "id": "e1", "type": "parole_granted", "on": "2025-09-01", "valid_until": "2026-08-31" }]
    })
    .to_string()
}

fn a_case_file_becomes_a_case_with_its_address(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let created = create(&app, (&ana, &csrf), "", &new_family("NEW-1", "Tomasa"));
    assert_eq!(created.status, 201, "{}", created.body);
    let location = created.header("location").unwrap().to_owned();
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/cases/{id}"));
    let read = app.get(&location, &ana);
    assert_eq!(read.json(), created.json(), "the same shape as reading the case");
    insta::assert_json_snapshot!("api_case_created", answer(&created));

    // The same file again is first a possible duplicate; confirmed, its reference is taken.
    assert_eq!(create(&app, (&ana, &csrf), "", &new_family("NEW-1", "Tomasa")).status, 409);
    let taken = create(&app, (&ana, &csrf), "?confirm_duplicate=true", &new_family("NEW-1", "Tomasa"));
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert_eq!(taken.json()["field"], "case.reference");
    insta::assert_json_snapshot!("api_case_create_reference_taken", answer(&taken));

    let advocate = app.sign_in("ben@a.example.org", PASSWORD);
    assert_eq!(create(&app, (&advocate.0, &advocate.1), "", &new_family("NEW-2", "Julia")).status, 201);
    let (bo, bo_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    assert_eq!(
        create(&app, (&bo, &bo_csrf), "", &new_family("NEW-1", "Marta")).status,
        201,
        "references are per organisation"
    );
}

fn possible_duplicates_are_listed_open_or_closed_until_confirmed(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (a1, v) = app.case_id(&ana, "A-1");
    let closing = json!({ "version": v, "reason": "moved" });
    assert_eq!(app.post_json(&format!("/api/v1/cases/{a1}/close"), &ana, &csrf, &closing).status, 200);

    // The same family as A-1 (same A-number, same names), under a new reference.
    let again = case_json("DUP-1", "Lucía");
    let warned = create(&app, (&ana, &csrf), "", &again);
    assert_eq!(warned.status, 409, "{}", warned.body);
    let listed = &warned.json()["duplicates"];
    assert_eq!((listed[0]["id"].as_str(), listed[0]["closed"].as_bool()), (Some(a1.as_str()), Some(true)));
    insta::assert_json_snapshot!("api_case_create_duplicate", answer(&warned));
    assert_eq!(app.get("/api/v1/cases?closed=all&q=DUP-1", &ana).json()["total"], 0, "nothing saved");

    let bad_confirm = create(&app, (&ana, &csrf), "?confirm_duplicate=perhaps", &again);
    assert_eq!((bad_confirm.status, bad_confirm.json()["field"].as_str()), (422, Some("confirm_duplicate")));
    let confirmed = create(&app, (&ana, &csrf), "?confirm_duplicate=true", &again);
    assert_eq!(confirmed.status, 201, "{}", confirmed.body);
    assert_eq!(app.get("/api/v1/cases?q=DUP-1", &ana).json()["total"], 1);
}

fn bad_documents_and_roles_that_do_not_open_cases_are_refused(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let session = (ana.as_str(), csrf.as_str());

    let syntax = create(&app, session, "", "{\"format\": \"amparo.case/1\",");
    assert_eq!(syntax.status, 400, "{}", syntax.body);
    insta::assert_json_snapshot!("api_case_create_syntax_error", answer(&syntax));
    let mut wrong: serde_json::Value = serde_json::from_str(&new_family("BAD-1", "Elena")).unwrap();
    wrong["case"]["people"][0]["birth_date"] = json!("2022-02-30");
    let field = create(&app, session, "", &wrong.to_string());
    assert_eq!(field.status, 422, "{}", field.body);
    assert_eq!(field.json()["field"], "case.people[0].birth_date");
    insta::assert_json_snapshot!("api_case_create_bad_field", answer(&field));
    let mut closure: serde_json::Value = serde_json::from_str(&new_family("BAD-2", "Paula")).unwrap();
    closure["closure"] = json!({ "reason": "other", "closed_at": "2026-03-01T09:00:00Z" });
    let no_note = create(&app, session, "", &closure.to_string());
    assert_eq!((no_note.status, no_note.json()["field"].as_str()), (422, Some("closure.note")));
    assert_eq!(app.get("/api/v1/cases?closed=all&q=BAD", &ana).json()["total"], 0, "nothing saved");

    let without_token = create(&app, (&ana, ""), "", &new_family("BAD-3", "Irene"));
    assert_eq!(without_token.status, 403);
    for role in [UserRole::Clinician, UserRole::Viewer] {
        let member = app.persona(db, Persona::Member(role));
        let refused = create(&app, (&member.cookie, &member.csrf), "", &new_family("BAD-4", "Carla"));
        assert_eq!(refused.status, 403, "{role:?}: {}", refused.body);
    }
    let anonymous = app.persona(db, Persona::Anonymous);
    assert_eq!(create(&app, (&anonymous.cookie, ""), "", &new_family("BAD-5", "Sofía")).status, 401);
    assert_eq!(app.get("/api/v1/cases?closed=all&q=BAD", &ana).json()["total"], 0);
}
