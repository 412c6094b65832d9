//! Editing a case after intake, its history and voiding events, through the router in process on
//! both backends: every endpoint, the roles that may and may not, stale versions (409), the page's
//! forms (a refused edit comes back with what was typed), and snapshots of the API's answers and
//! refusals. Which role reaches which route and case is also in `authorization`'s matrix.

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use serde_json::json;

use crate::support::snapshots::{redacted, seed_at, snapshot_time, uuids_redacted};
use crate::support::{PASSWORD, Persona, Reply, RouterApp, hidden_field};

amparo_store::on_both_backends!(
    the_api_edits_people_and_the_case_and_keeps_the_history,
    clinicians_change_the_medical_profile_only_and_viewers_nothing,
    the_api_voids_an_event_and_refuses_a_second_void,
    the_case_page_edits_a_birth_date_and_voids_an_event,
    a_stale_edit_from_the_page_keeps_what_was_typed,
);

fn app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

fn answer(reply: &Reply) -> serde_json::Value {
    json!({ "status": reply.status, "body": uuids_redacted(&reply.json()) })
}

fn version_of(app: &RouterApp, id: &str, session: &str) -> i64 {
    app.get(&format!("/api/v1/cases/{id}"), session).json()["version"].as_i64().unwrap()
}

fn the_api_edits_people_and_the_case_and_keeps_the_history(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&ana, "A-1");
    let session = (ana.as_str(), csrf.as_str());
    let person = format!("/api/v1/cases/{id}/people/p1");

    let body = json!({ "version": version, "person": { "birth_date": "2019-05-04", "citizenship": "hn" } });
    let edited = app.send_json("PATCH", &person, session, &body);
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.json()["version"], version + 1);
    insta::assert_json_snapshot!("api_person_edited", answer(&edited));
    let case = app.get(&format!("/api/v1/cases/{id}"), &ana).json();
    assert_eq!(case["file"]["case"]["people"][0]["birth_date"], "2019-05-04");
    assert_eq!(case["file"]["case"]["people"][0]["citizenship"], "HN", "upper-cased as intake does");

    let stale = app.send_json("PATCH", &person, session, &body);
    assert_eq!(stale.status, 409, "{}", stale.body);
    insta::assert_json_snapshot!("api_refused_stale_edit", answer(&stale));

    let bad = json!({ "version": version + 1, "person": { "birth_date": "2019-02-30" } });
    let refused = app.send_json("PATCH", &person, session, &bad);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.json()["field"], "person.birth_date", "{}", refused.body);
    insta::assert_json_snapshot!("api_refused_invalid_person", answer(&refused));

    let newborn = json!({ "version": version + 1, "person": {
        "key": "s1", "role": "sibling", "given_name": "Luz", "family_name": "Ejemplo", "birth_date": "2026-02-14" } });
    let added = app.post_json(&format!("/api/v1/cases/{id}/people"), &ana, &csrf, &newborn);
    assert_eq!(added.status, 201, "{}", added.body);
    let duplicate = app.post_json(
        &format!("/api/v1/cases/{id}/people"),
        &ana,
        &csrf,
        &json!({ "version": version + 2, "person": newborn["person"] }),
    );
    assert_eq!(duplicate.status, 422, "{}", duplicate.body);
    assert_eq!(duplicate.json()["field"], "person.key");

    let patient = app.send_json("DELETE", &person, session, &json!({ "version": version + 2 }));
    assert_eq!(patient.status, 422, "{}", patient.body);
    assert_eq!(patient.json()["problem"], "patient-not-removable");
    insta::assert_json_snapshot!("api_refused_patient_removal", answer(&patient));
    let removed = app.send_json(
        "DELETE",
        &format!("/api/v1/cases/{id}/people/s1"),
        session,
        &json!({ "version": version + 2 }),
    );
    assert_eq!(removed.status, 200, "{}", removed.body);

    let case_patch = json!({ "version": version + 3, "program": "u4u", "reference": "A-1b" });
    let patched = app.send_json("PATCH", &format!("/api/v1/cases/{id}"), session, &case_patch);
    assert_eq!(patched.status, 200, "{}", patched.body);
    let taken = json!({ "version": version + 4, "reference": "A-1b" });
    assert_eq!(
        app.send_json("PATCH", &format!("/api/v1/cases/{id}"), session, &taken).status,
        200,
        "unchanged"
    );
    // B-1 is another organisation's: A's references are its own.
    let (bo, bo_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    let (b_id, b_version) = app.case_id(&bo, "B-1");
    let b_patch = json!({ "version": b_version, "reference": "A-1b" });
    let other_org = app.send_json("PATCH", &format!("/api/v1/cases/{b_id}"), (&bo, &bo_csrf), &b_patch);
    assert_eq!(other_org.status, 200, "{}", other_org.body);
    let outsider = app.send_json("PATCH", &format!("/api/v1/cases/{id}"), (&bo, &bo_csrf), &taken);
    assert_eq!(outsider.status, 404, "{}", outsider.body);

    // Every write refuses a version the case has moved on from, and writes nothing.
    for (method, path, body) in [
        ("PATCH", format!("/api/v1/cases/{id}"), json!({ "version": version, "program": "oaw" })),
        (
            "POST",
            format!("/api/v1/cases/{id}/people"),
            json!({ "version": version, "person": newborn["person"] }),
        ),
        ("DELETE", format!("/api/v1/cases/{id}/people/m1"), json!({ "version": version })),
    ] {
        let reply = app.send_json(method, &path, session, &body);
        assert_eq!(reply.status, 409, "{method} {path}: {}", reply.body);
    }
    assert_eq!(app.get(&format!("/api/v1/cases/{id}"), &ana).json()["file"]["case"]["program"], "u4u");

    let history = app.get(&format!("/api/v1/cases/{id}/history"), &ana);
    assert_eq!(history.status, 200);
    let entries = history.json()["items"].as_array().unwrap().clone();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["person_updated", "person_added", "person_removed", "case_updated"]);
    insta::assert_json_snapshot!("api_case_history", answer(&history));
    assert_eq!(app.get(&format!("/api/v1/cases/{id}/history"), &bo).status, 404);
}

fn clinicians_change_the_medical_profile_only_and_viewers_nothing(db: &TestDatabase) {
    let app = app(db);
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&ana, "A-1");
    let clinician = app.persona(db, Persona::Member(UserRole::Clinician));
    let viewer = app.persona(db, Persona::Member(UserRole::Viewer));
    let path = format!("/api/v1/cases/{id}");
    let medical = json!({ "version": version, "medical": {
        "person": "p1", "condition": "short bowel syndrome", "regimen": "parenteral nutrition 14 h",
        "days_to_critical_harm": 3 } });

    let unshared = app.send_json("PATCH", &path, (&clinician.cookie, &clinician.csrf), &medical);
    assert_eq!(unshared.status, 404, "not shared with them: {}", unshared.body);
    let viewed = app.send_json("PATCH", &path, (&viewer.cookie, &viewer.csrf), &medical);
    assert_eq!(viewed.status, 403, "{}", viewed.body);
    let clinician_id = app.get("/api/v1/cases", &ana).json();
    drop(clinician_id);
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let dr =
        store.users(&org.id).unwrap().into_iter().find(|u| u.email == "clinician@a.example.org").unwrap();
    let share = json!({ "clinician": dr.id.as_str(), "shared": true });
    assert_eq!(app.post_json(&format!("{path}/shares"), &ana, &ana_csrf, &share).status, 200);

    let changed = app.send_json("PATCH", &path, (&clinician.cookie, &clinician.csrf), &medical);
    assert_eq!(changed.status, 200, "{}", changed.body);
    let case = app.get(&path, &ana).json();
    assert_eq!(case["file"]["case"]["medical"]["regimen"], "parenteral nutrition 14 h");
    let programme = json!({ "version": version + 1, "program": "u4u" });
    let refused = app.send_json("PATCH", &path, (&clinician.cookie, &clinician.csrf), &programme);
    assert_eq!(refused.status, 403, "{}", refused.body);
    let person = json!({ "version": version + 1, "person": { "given_name": "Lu" } });
    let refused =
        app.send_json("PATCH", &format!("{path}/people/p1"), (&clinician.cookie, &clinician.csrf), &person);
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(app.get(&path, &ana).json()["file"]["case"]["program"], "humanitarian");

    // The case page links to the edit forms for a role that can use them, and shows them, each only to
    // a role that can use it, once opened (`?edit`): the page read every day stays small.
    let closed = app.get(&format!("/cases/{id}"), &ana).body;
    assert!(!closed.contains("/record\""), "the forms wait behind a link");
    assert!(closed.contains(&format!("href=\"/cases/{id}?edit#edit\"")), "the link to them");
    assert!(app.get(&format!("/cases/{id}"), &clinician.cookie).body.contains("?edit#edit"), "hers too");
    assert!(!app.get(&format!("/cases/{id}"), &viewer.cookie).body.contains("?edit"), "not a viewer's");
    let page = |session: &str| app.get(&format!("/cases/{id}?edit"), session).body;
    let clinician_page = page(&clinician.cookie);
    assert!(clinician_page.contains(&format!("action=\"/cases/{id}/medical\"")), "the medical form");
    for absent in ["/record\"", "/people\"", "/remove\"", "/void\""] {
        assert!(!clinician_page.contains(absent), "a clinician is offered {absent}");
    }
    let viewer_page = page(&viewer.cookie);
    for absent in ["/record\"", "/medical\"", "/people\"", "/void\""] {
        assert!(!viewer_page.contains(absent), "a viewer is offered {absent}");
    }
    assert!(viewer_page.contains("id=\"history\""), "everyone reads the history");
    let attorney_page = page(&ana);
    for offered in ["/record\"", "/medical\"", "/people\"", "/people/m1/remove\"", "/events/e2/void\""] {
        assert!(attorney_page.contains(offered), "an attorney is offered {offered}");
    }
    assert!(!attorney_page.contains("/people/p1/remove\""), "the patient cannot be removed");
}

fn the_api_voids_an_event_and_refuses_a_second_void(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&ana, "A-1");
    let void = |event: &str, version: i64, reason: &str| {
        let body = json!({ "version": version, "reason": reason });
        app.post_json(&format!("/api/v1/cases/{id}/events/{event}/void"), &ana, &csrf, &body)
    };
    let blank = void("e2", version, " ");
    assert_eq!(blank.status, 422);
    assert_eq!(blank.json()["field"], "reason");
    assert_eq!(void("nope", version, "mistake").status, 404);
    let stale = void("e2", version - 1, "mistake");
    assert_eq!(stale.status, 409);

    let voided = void("e2", version, "Typed on the wrong case");
    assert_eq!(voided.status, 200, "{}", voided.body);
    insta::assert_json_snapshot!("api_event_voided", answer(&voided));
    let again = void("e2", version + 1, "Typed on the wrong case");
    assert_eq!(again.status, 422, "{}", again.body);
    insta::assert_json_snapshot!("api_refused_already_voided", answer(&again));

    let viewer = app.persona(db, Persona::Member(UserRole::Viewer));
    let body = json!({ "version": version + 1, "reason": "mistake" });
    let refused =
        app.post_json(&format!("/api/v1/cases/{id}/events/e1/void"), &viewer.cookie, &viewer.csrf, &body);
    assert_eq!(refused.status, 403);
    let audit = db.store();
    let org = audit.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let actions: Vec<String> =
        audit.audit_log(Some(&org.id)).unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "event.voided").count(), 1);
    let page = app.get(&format!("/cases/{id}"), &ana).body;
    assert!(page.contains("Voided by Ana Attorney"), "the timeline names who voided it");
    assert!(page.contains("Typed on the wrong case"));
}

fn the_case_page_edits_a_birth_date_and_voids_an_event(db: &TestDatabase) {
    let app = app(db);
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&ana, "A-1");
    let version = version.to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("p-p1-given_name", "Lucía"),
        ("p-p1-family_name", "Ejemplo"),
        ("p-p1-role", "patient"),
        ("p-p1-birth_date", "2019-05-04"),
        ("p-p1-a_number", "A012345678"),
        ("p-p1-citizenship", "mx"),
        ("p-p1-preferred_language", ""),
    ];
    let saved = app.post_form(&format!("/cases/{id}/people/p1"), &ana, &form);
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.header("location"), Some(format!("/cases/{id}#family").as_str()));
    let page = app.get(&format!("/cases/{id}"), &ana).body;
    for expected in ["History of changes", "Lucía Ejemplo changed", "Birth date: — → 2019-05-04", "MX"] {
        assert!(page.contains(expected), "the page lacks {expected:?}");
    }

    let new_version = version_of(&app, &id, &ana).to_string();
    let bad = [("csrf", csrf.as_str()), ("version", new_version.as_str()), ("void-e2-reason", "")];
    let refused = app.post_form(&format!("/cases/{id}/events/e2/void"), &ana, &bad);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("href=\"#void-e2-reason\""), "the summary links the field");
    let void =
        [("csrf", csrf.as_str()), ("version", new_version.as_str()), ("void-e2-reason", "Typed twice")];
    let voided = app.post_form(&format!("/cases/{id}/events/e2/void"), &ana, &void);
    assert_eq!(voided.status, 303, "{}", voided.body);
    let page = app.get(&format!("/cases/{id}"), &ana).body;
    assert!(page.contains("Voided by Ana Attorney"), "{page}");
    assert!(!page.contains("/events/e2/void\""), "a void event offers no second void");

    app.choose_language(&ana, &csrf, "es");
    let page = app.get(&format!("/cases/{id}"), &ana).body;
    for expected in
        ["Historial de cambios", "Lucía Ejemplo cambiado", "Anulado por Ana Attorney", "Typed twice"]
    {
        assert!(page.contains(expected), "the Spanish page lacks {expected:?}");
    }
}

fn a_stale_edit_from_the_page_keeps_what_was_typed(db: &TestDatabase) {
    let app = app(db);
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&ana, "A-1");
    let page = app.get(&format!("/cases/{id}"), &ana).body;
    assert_eq!(hidden_field(&page, "version"), version.to_string());
    // Someone else changes the case meanwhile.
    let (ben, ben_csrf) = app.sign_in("ben@a.example.org", PASSWORD);
    let body = json!({ "version": version, "program": "u4u" });
    assert_eq!(app.send_json("PATCH", &format!("/api/v1/cases/{id}"), (&ben, &ben_csrf), &body).status, 200);

    let version = version.to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("np-key", "s1"),
        ("np-given_name", "Benjamín"),
        ("np-family_name", "Ejemplo"),
        ("np-role", "sibling"),
        ("np-birth_date", "2026-02-14"),
    ];
    let stale = app.post_form(&format!("/cases/{id}/people"), &ana, &form);
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("Someone else changed this case"), "{}", stale.body);
    assert!(stale.body.contains("value=\"Benjamín\""), "what was typed is kept");
    assert!(stale.body.contains("id=\"edit-new-person\" open"), "the form is open again");
    // The same entry on the current version is written.
    let current = version_of(&app, &id, &ana).to_string();
    let mut again = form;
    again[1] = ("version", current.as_str());
    assert_eq!(app.post_form(&format!("/cases/{id}/people"), &ana, &again).status, 303);
    assert!(app.get(&format!("/cases/{id}"), &ana).body.contains("Benjamín Ejemplo added"));
}
