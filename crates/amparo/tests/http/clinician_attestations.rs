//! A clinician records a medical attestation from the case page of a case shared with them, through
//! the event form every writer uses, and through the API: nothing else on the timeline, on no other
//! case; a stale version keeps what was typed; a viewer records nothing.

use amparo_store::testing::TestDatabase;

use crate::support::snapshots::{redacted, uuids_redacted};
use crate::support::{PASSWORD, RouterApp, add_user, hidden_field};

amparo_store::on_both_backends!(a_clinician_records_an_attestation_and_nothing_else);

fn a_clinician_records_an_attestation_and_nothing_else(db: &TestDatabase) {
    let _redactions = redacted();
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "dr@a.example.org", "Clinician", "clinician");
    add_user(db, "clinic-a", "viewer@a.example.org", "Viewer", "viewer");
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let clinician_id =
        store.users(&org.id).unwrap().into_iter().find(|u| u.email == "dr@a.example.org").unwrap().id;
    let (attorney, attorney_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (clinician, clinician_csrf) = app.sign_in("dr@a.example.org", PASSWORD);
    let (viewer, viewer_csrf) = app.sign_in("viewer@a.example.org", PASSWORD);
    let (case, version) = app.case_id(&attorney, "A-1");
    let events = format!("/cases/{case}/events");
    let version = version.to_string();
    let attest = |session: &str, csrf: &str, version: &str, days: &str| {
        let fields = [
            ("csrf", csrf),
            ("version", version),
            ("ev-type", "medical_attested"),
            ("ev-on", "2026-03-02"),
            ("ev-days_to_critical_harm", days),
            ("ev-note", "reviewed on the ward"),
        ];
        app.post_form(&events, session, &fields)
    };

    // Not shared: the case does not exist for the clinician, and nothing is written.
    assert_eq!(attest(&clinician, &clinician_csrf, &version, "2").status, 404);
    let share = serde_json::json!({ "clinician": clinician_id.as_str(), "shared": true });
    let shared = app.post_json(&format!("/api/v1/cases/{case}/shares"), &attorney, &attorney_csrf, &share);
    assert_eq!(shared.status, 200, "{}", shared.body);
    let (_, version) = app.case_id(&attorney, "A-1");
    let version = version.to_string();

    // A legal event sent anyway is refused on the form, naming the field, with the entry kept.
    let fields = [
        ("csrf", clinician_csrf.as_str()),
        ("version", version.as_str()),
        ("ev-type", "fee_paid"),
        ("ev-on", "2026-03-02"),
    ];
    let refused = app.post_form(&events, &clinician, &fields);
    assert_eq!(refused.status, 422, "{}", refused.body);
    let summary = &refused.body[refused.body.find("id=\"event-errors-h\"").unwrap()..];
    let wording = summary[summary.find("<ul>").unwrap()..summary.find("</ul>").unwrap() + 5].to_owned();
    insta::assert_snapshot!("page_refused_clinician_legal_event", wording);
    assert!(refused.body.contains("value=\"2026-03-02\""), "the date typed is kept");

    // A number that is not one: the form says which field, and keeps the note.
    let typo = attest(&clinician, &clinician_csrf, &version, "two");
    assert_eq!(typo.status, 422, "{}", typo.body);
    assert!(typo.body.contains("id=\"ev-days_to_critical_harm-error\""), "{}", typo.body);
    assert!(typo.body.contains("reviewed on the ward"));

    let recorded = attest(&clinician, &clinician_csrf, &version, "2");
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    let file = app.get(&format!("/api/v1/cases/{case}"), &attorney).json();
    let last = file["file"]["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "medical_attested");
    assert_eq!(last["days_to_critical_harm"], 2);
    // The attorney's timeline says who recorded it.
    assert!(app.get(&format!("/cases/{case}"), &attorney).body.contains("recorded by Clinician"));

    // The same version again is stale: the conflict is shown with what was typed still there.
    let stale = attest(&clinician, &clinician_csrf, &version, "4");
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("Someone else changed this case"), "{}", stale.body);
    assert!(stale.body.contains("reviewed on the ward") && stale.body.contains("value=\"4\""));

    // Through the API: an attestation, yes; a termination notice, never.
    let current = app.get(&format!("/api/v1/cases/{case}"), &attorney).json()["version"].clone();
    let api = |body: serde_json::Value| {
        app.post_json(&format!("/api/v1/cases/{case}/events"), &clinician, &clinician_csrf, &body)
    };
    let termination = serde_json::json!({ "expected_version": current, "event": {
        "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" } });
    let refused = api(termination);
    let answer = serde_json::json!({ "status": refused.status, "body": uuids_redacted(&refused.json()) });
    insta::assert_json_snapshot!("api_refused_clinician_legal_event", answer);
    let attestation = serde_json::json!({ "expected_version": current, "event": {
        "type": "medical_attested", "on": "2026-03-03", "days_to_critical_harm": 5 } });
    let created = api(attestation);
    assert_eq!(created.status, 201, "{}", created.body);

    // A viewer has no form and is refused the route.
    let (_, version) = app.case_id(&attorney, "A-1");
    let page = app.get(&format!("/cases/{case}"), &viewer).body;
    assert!(!page.contains(&format!("action=\"{events}\"")), "a viewer is shown no event form");
    assert_eq!(attest(&viewer, &viewer_csrf, &version.to_string(), "2").status, 403);
    assert_eq!(hidden_field(&page, "csrf"), viewer_csrf);
}
