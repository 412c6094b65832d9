//! Case notes and contacts through the router in process, on both backends: the API (write, list and
//! pin notes; read and replace contacts at the case's version, 409 when stale, 422 naming the field),
//! the case page's forms (a refused form shown again with what was typed), the controls each role is
//! shown, the print view, the timeline's event notes, and the caseworker on the family letter.
//! Answers and refusals are snapshots.

use serde_json::json;

use crate::support::site::{Request, Transport};
use crate::support::snapshots::{redacted, seed_at, snapshot_time, uuids_redacted};
use crate::support::{PASSWORD, Reply, RouterApp, add_user, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    notes_through_the_api,
    contacts_through_the_api,
    notes_and_contacts_from_the_case_page,
    each_role_sees_only_the_controls_it_can_use,
    the_family_letter_names_the_caseworker,
);

fn app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    add_user(db, "clinic-a", "dr@a.example.org", "Dora Clinician", "clinician");
    add_user(db, "clinic-a", "vi@a.example.org", "Vic Viewer", "viewer");
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

fn send(
    app: &RouterApp,
    method: &str,
    path: &str,
    (cookie, csrf): (&str, &str),
    body: &serde_json::Value,
) -> Reply {
    let headers = vec![("cookie", cookie), ("x-csrf-token", csrf)];
    app.transport.send(Request { method, path, headers, body: Some(("application/json", body.to_string())) })
}

/// The reply's status and JSON body together, so that a changed status shows in the snapshot.
fn answer(reply: &Reply) -> serde_json::Value {
    json!({ "status": reply.status, "body": uuids_redacted(&reply.json()) })
}

/// Shares the case with the clinician, as the attorney.
fn share_with_clinician(app: &RouterApp, db: &TestDatabase, case: &str, attorney: (&str, &str)) {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let dr = store.users(&org.id).unwrap().into_iter().find(|u| u.email == "dr@a.example.org").unwrap();
    let share = json!({ "clinician": dr.id.as_str(), "shared": true });
    let reply = app.post_json(&format!("/api/v1/cases/{case}/shares"), attorney.0, attorney.1, &share);
    assert_eq!(reply.status, 200, "{}", reply.body);
}

fn notes_through_the_api(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let ana = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&ana.0, "A-1");
    let notes = format!("/api/v1/cases/{id}/notes");

    let call = json!({ "type": "call", "text": "Called Rosa about the pump supplier.", "event": "e2" });
    let added = app.post_json(&notes, &ana.0, &ana.1, &call);
    insta::assert_json_snapshot!("api_note_added", answer(&added));
    let meeting = json!({ "type": "meeting", "text": "Met the family." });
    assert_eq!(app.post_json(&notes, &ana.0, &ana.1, &meeting).status, 201);
    // A note is not an edit of the case: the version the event form holds is still current.
    assert_eq!(app.case_id(&ana.0, "A-1").1, version);

    let pinned = send(&app, "PATCH", &format!("{notes}/1"), (&ana.0, &ana.1), &json!({ "pinned": true }));
    insta::assert_json_snapshot!("api_note_pinned", answer(&pinned));
    insta::assert_json_snapshot!("api_notes_list", answer(&app.get(&notes, &ana.0)));

    // Refusals name the field and write nothing.
    let long = json!({ "type": "note", "text": "x".repeat(4_001) });
    insta::assert_json_snapshot!(
        "api_note_refused_too_long",
        answer(&app.post_json(&notes, &ana.0, &ana.1, &long))
    );
    let stray = json!({ "type": "note", "text": "About what?", "event": "e9" });
    let refused = app.post_json(&notes, &ana.0, &ana.1, &stray);
    assert_eq!((refused.status, refused.json()["field"].as_str()), (422, Some("event")), "{}", refused.body);
    let fax = json!({ "type": "fax", "text": "x" });
    let refused = app.post_json(&notes, &ana.0, &ana.1, &fax);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("type"), "{}", refused.body);
    let missing = send(&app, "PATCH", &format!("{notes}/9"), (&ana.0, &ana.1), &json!({ "pinned": true }));
    assert_eq!(missing.status, 404);
    assert_eq!(app.get(&notes, &ana.0).json()["items"].as_array().map(Vec::len), Some(2));

    // A viewer reads and writes nothing; a clinician writes on a shared case and reads no event link.
    let viewer = app.sign_in("vi@a.example.org", PASSWORD);
    assert_eq!(app.get(&notes, &viewer.0).status, 200);
    assert_eq!(app.post_json(&notes, &viewer.0, &viewer.1, &meeting).status, 403);
    let dr = app.sign_in("dr@a.example.org", PASSWORD);
    assert_eq!(app.post_json(&notes, &dr.0, &dr.1, &meeting).status, 404, "not shared yet");
    share_with_clinician(&app, db, &id, (&ana.0, &ana.1));
    let written =
        app.post_json(&notes, &dr.0, &dr.1, &json!({ "type": "note", "text": "Regimen unchanged." }));
    assert_eq!(written.status, 201, "{}", written.body);
    assert_eq!(written.json()["author"], "Dora Clinician");
    let read = app.get(&notes, &dr.0).json();
    assert!(read["items"].as_array().unwrap().iter().all(|n| n.get("event").is_none()), "{read}");
    let pin = send(&app, "PATCH", &format!("{notes}/1"), (&dr.0, &dr.1), &json!({ "pinned": false }));
    assert_eq!(pin.status, 403);
    // Another organisation's case is not found.
    let bo = app.sign_in("bo@b.example.org", PASSWORD);
    assert_eq!(app.get(&notes, &bo.0).status, 404);
    assert_eq!(app.post_json(&notes, &bo.0, &bo.1, &meeting).status, 404);
}

fn contacts_through_the_api(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let ana = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&ana.0, "A-1");
    let contacts = format!("/api/v1/cases/{id}/contacts");
    let body = json!({ "version": version, "contacts": {
        "family": { "phone": "+1 555 0142 7781", "email": "familia@example.org", "postal_address": "417 Calle Ejemplo",
                    "preferred_method": "message", "preferred_language": "es-MX", "interpreter_needed": true },
        "others": [ { "role": "physician", "name": "Dr. Pablo Muestra", "phone": "(555) 015-0199" } ] } });
    let saved = send(&app, "PUT", &contacts, (&ana.0, &ana.1), &body);
    insta::assert_json_snapshot!("api_contacts_saved", answer(&saved));
    assert_eq!(saved.json()["version"], version + 1);
    insta::assert_json_snapshot!("api_contacts", answer(&app.get(&contacts, &ana.0)));

    let stale = send(&app, "PUT", &contacts, (&ana.0, &ana.1), &body);
    insta::assert_json_snapshot!("api_contacts_stale_version", answer(&stale));
    let mut wrong = body.clone();
    wrong["version"] = json!(version + 1);
    wrong["contacts"]["family"]["phone"] = json!("call after five");
    let refused = send(&app, "PUT", &contacts, (&ana.0, &ana.1), &wrong);
    insta::assert_json_snapshot!("api_contacts_refused_bad_phone", answer(&refused));
    wrong["contacts"]["family"]["phone"] = json!("+1 555 0142 7781");
    wrong["contacts"]["others"][0]["email"] = json!("pablo.example.org");
    let refused = send(&app, "PUT", &contacts, (&ana.0, &ana.1), &wrong);
    assert_eq!(refused.json()["field"], "contacts.others[0].email", "{}", refused.body);
    assert_eq!(app.case_id(&ana.0, "A-1").1, version + 1, "nothing refused was written");

    // A clinician on a shared case reads the professionals only; a viewer reads all; neither writes.
    let dr = app.sign_in("dr@a.example.org", PASSWORD);
    assert_eq!(app.get(&contacts, &dr.0).status, 404, "not shared yet");
    share_with_clinician(&app, db, &id, (&ana.0, &ana.1));
    let seen = app.get(&contacts, &dr.0).json();
    assert_eq!(seen["contacts"]["family"], serde_json::Value::Null, "{seen}");
    assert_eq!(seen["contacts"]["others"][0]["name"], "Dr. Pablo Muestra");
    let viewer = app.sign_in("vi@a.example.org", PASSWORD);
    assert_eq!(app.get(&contacts, &viewer.0).json()["contacts"]["family"]["phone"], "+1 555 0142 7781");
    let current = json!({ "version": version + 1, "contacts": {} });
    for who in [&dr, &viewer] {
        assert_eq!(send(&app, "PUT", &contacts, (&who.0, &who.1), &current).status, 403);
    }
    let bo = app.sign_in("bo@b.example.org", PASSWORD);
    assert_eq!(app.get(&contacts, &bo.0).status, 404);
    assert_eq!(send(&app, "PUT", &contacts, (&bo.0, &bo.1), &current).status, 404);
}

fn notes_and_contacts_from_the_case_page(db: &TestDatabase) {
    let app = app(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&session, "A-1");
    let page = format!("/cases/{id}");

    // A note about an event, then pinned.
    let form =
        [("csrf", csrf.as_str()), ("note-type", "call"), ("note-event", "e2"), ("note-text", "Called Rosa.")];
    let added = app.post_form(&format!("{page}/notes"), &session, &form);
    assert_eq!((added.status, added.header("location")), (303, Some(format!("{page}#notes").as_str())));
    let shown = app.get(&page, &session).body;
    assert!(shown.contains("Called Rosa.") && shown.contains("Ana Attorney"), "{shown}");
    assert!(shown.contains("href=\"#event-e2\""), "the note links its event");
    assert!(shown.contains("<a href=\"#note-1\">Note 1</a>"), "and the event on the timeline links the note");
    let pin = app.post_form(&format!("{page}/notes/1/pin"), &session, &[("csrf", &csrf), ("pinned", "true")]);
    assert_eq!(pin.status, 303, "{}", pin.body);
    assert!(app.get(&page, &session).body.contains("note pinned"), "the pinned note is marked");

    // A blank note is refused with the field named and the kind chosen kept.
    let blank = [("csrf", csrf.as_str()), ("note-type", "meeting"), ("note-text", "  ")];
    let refused = app.post_form(&format!("{page}/notes"), &session, &blank);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("href=\"#note-text\""), "{}", refused.body);
    assert!(refused.body.contains("<option value=\"meeting\" selected>"), "the kind is kept");

    // Contacts: a wrong phone names its field and keeps what was typed.
    let v = version.to_string();
    let typed = [
        ("csrf", csrf.as_str()),
        ("version", v.as_str()),
        ("ct-family-phone", "call after five"),
        ("ct-family-postal_address", "417 Calle Ejemplo"),
    ];
    let refused = app.post_form(&format!("{page}/contacts"), &session, &typed);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("href=\"#ct-family-phone\""), "{}", refused.body);
    assert!(refused.body.contains("value=\"417 Calle Ejemplo\""), "what was typed is kept");
    let good = [("csrf", csrf.as_str()), ("version", v.as_str()), ("ct-family-phone", "+1 555 0142 7781")];
    let saved = app.post_form(&format!("{page}/contacts"), &session, &good);
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(app.get(&page, &session).body.contains("+1 555 0142 7781"));
    // The same form again is stale: 409, the conflict said, what was typed kept at the current version.
    let stale = [("csrf", csrf.as_str()), ("version", v.as_str()), ("ct-family-phone", "+1 555 0100 0000")];
    let conflict = app.post_form(&format!("{page}/contacts"), &session, &stale);
    assert_eq!(conflict.status, 409);
    assert!(conflict.body.contains("Someone changed this case"), "{}", conflict.body);
    assert!(conflict.body.contains("value=\"+1 555 0100 0000\""), "what was typed is kept");
    let current = version + 1;
    assert!(conflict.body.contains(&format!("name=\"version\" value=\"{current}\"")));

    // A note on an event of any type, shown on the timeline and in the print view.
    let event = [
        ("csrf", csrf.as_str()),
        ("version", &current.to_string()),
        ("ev-type", "i94_checked"),
        ("ev-on", "2026-03-01"),
        ("ev-note", "Checked the online I-94; nothing changed."),
    ];
    let recorded = app.post_form(&format!("{page}/events"), &session, &event);
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    assert!(app.get(&page, &session).body.contains("Checked the online I-94; nothing changed."));
    let print = app.get(&format!("{page}/print"), &session).body;
    assert!(print.contains("Called Rosa.") && print.contains("Checked the online I-94"), "{print}");
    assert!(!print.contains("<form"), "the print view has no forms");
    // In Spanish too.
    app.choose_language(&session, &csrf, "es");
    let spanish = app.get(&page, &session).body;
    assert!(spanish.contains("Notas y actividad") && spanish.contains("Llamada"), "{spanish}");
}

fn each_role_sees_only_the_controls_it_can_use(db: &TestDatabase) {
    let app = app(db);
    let ana = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana.0, "A-1");
    let page = format!("/cases/{id}");
    let form = [("csrf", ana.1.as_str()), ("note-text", "First contact.")];
    assert_eq!(app.post_form(&format!("{page}/notes"), &ana.0, &form).status, 303);
    let note_form = format!("action=\"/cases/{id}/notes\"");
    let pin_form = format!("action=\"/cases/{id}/notes/1/pin\"");
    let contacts_form = format!("action=\"/cases/{id}/contacts\"");

    // The contacts form waits behind a link until the case's edit forms are opened (`?edit`).
    let daily = app.get(&page, &ana.0).body;
    assert!(
        daily.contains(&note_form) && !daily.contains(&contacts_form),
        "notes at once, contacts behind a link"
    );
    assert!(daily.contains(&format!("href=\"/cases/{id}?edit#contacts\"")));
    let page = format!("{page}?edit");
    let attorney = app.get(&page, &ana.0).body;
    for control in [&note_form, &pin_form, &contacts_form] {
        assert!(attorney.contains(control.as_str()), "the attorney has {control}");
    }
    let viewer = app.sign_in("vi@a.example.org", PASSWORD);
    let read = app.get(&page, &viewer.0).body;
    assert!(read.contains("First contact."), "a viewer reads notes");
    for control in [&note_form, &pin_form, &contacts_form] {
        assert!(!read.contains(control.as_str()), "a viewer has no {control}");
    }
    share_with_clinician(&app, db, &id, (&ana.0, &ana.1));
    let dr = app.sign_in("dr@a.example.org", PASSWORD);
    let clinician = app.get(&page, &dr.0).body;
    assert!(clinician.contains(&note_form) && clinician.contains("First contact."));
    assert!(!clinician.contains(&pin_form) && !clinician.contains(&contacts_form));
    assert!(!clinician.contains("id=\"note-event\""), "a clinician is offered no event of the timeline");
    assert!(!clinician.contains(">The family</h3>"), "a clinician does not read the family's contacts");
    let csrf = hidden_field(&clinician, "csrf");
    let written = app.post_form(
        &format!("/cases/{id}/notes"),
        &dr.0,
        &[("csrf", &csrf), ("note-text", "Seen in clinic.")],
    );
    assert_eq!(written.status, 303, "{}", written.body);
}

fn the_family_letter_names_the_caseworker(db: &TestDatabase) {
    let app = app(db);
    let ana = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana.0, "A-1");
    let letter = format!("/cases/{id}/letter?lang=es");
    assert!(!app.get(&letter, &ana.0).body.contains("id=\"caseworker\""), "nobody assigned yet");
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let ben = store.users(&org.id).unwrap().into_iter().find(|u| u.email == "ben@a.example.org").unwrap();
    let assign = json!({ "role": "advocate", "user": ben.id.as_str() });
    let reply = app.post_json(&format!("/api/v1/cases/{id}/assignments"), &ana.0, &ana.1, &assign);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = app.get(&letter, &ana.0).body;
    assert!(body.contains("La persona encargada de su caso: Ben Advocate"), "{body}");
    assert!(body.contains("ben@a.example.org"), "{body}");
    let english = app.get(&format!("/cases/{id}/letter?lang=en"), &ana.0).body;
    assert!(english.contains("Your caseworker: Ben Advocate"), "{english}");
}
