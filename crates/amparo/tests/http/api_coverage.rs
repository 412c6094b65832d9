//! What the pages do, through the API too, on both backends: an administrator reads, replaces and
//! restores the escalation checklists (escalations opened afterwards start with the new one) and
//! reads a member's open tasks; a person makes, lists and revokes their calendar feeds (the address
//! shown once, working until revoked); a writer reads a notice into a proposed event without
//! recording anything. Wrong values name their field and change nothing; what another organisation
//! or another person holds is not found; the answers are snapshotted with ids and times redacted.

use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use serde_json::json;

use crate::support::pdf::text_pdf;
use crate::support::snapshots::{redacted, seed_at, snapshot_time, uuids_redacted};
use crate::support::{PASSWORD, Persona, Reply, RouterApp};

amparo_store::on_both_backends!(
    checklists_are_read_replaced_and_restored_through_the_api,
    a_members_open_tasks_are_read_through_the_api,
    calendar_feeds_are_made_listed_and_revoked_through_the_api,
    a_notice_is_read_through_the_api_and_nothing_is_recorded,
    a_whole_case_file_matches_its_schema_in_the_document,
);

fn app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

/// The reply's status and JSON body together, so that a changed status shows in the snapshot.
fn answer(reply: &Reply) -> serde_json::Value {
    json!({ "status": reply.status, "body": uuids_redacted(&reply.json()) })
}

fn clinic_a(db: &TestDatabase) -> amparo_store::OrgId {
    db.store().organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id
}

fn member_id(db: &TestDatabase, email: &str) -> String {
    db.store().credentials_by_email(email).unwrap().unwrap().user.id.0
}

fn audit_actions(db: &TestDatabase, action: &str) -> usize {
    db.store().audit_log(Some(&clinic_a(db))).unwrap().iter().filter(|e| e.action == action).count()
}

/// A termination notice recorded on the case `id` (critical care: it opens an escalation).
fn record_termination(app: &RouterApp, (session, csrf): (&str, &str), id: &str) {
    let version = app.get(&format!("/api/v1/cases/{id}"), session).json()["version"].as_i64().unwrap();
    let notice = json!({ "expected_version": version, "event": {
        "type": "termination_notice", "on": "2026-03-01", "served_by": "personal", "depart_by": "2026-03-08" } });
    let recorded = app.post_json(&format!("/api/v1/cases/{id}/events"), session, csrf, &notice);
    assert_eq!(recorded.status, 201, "{}", recorded.body);
}

fn checklists_are_read_replaced_and_restored_through_the_api(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let send = |method: &str, path: &str, body: serde_json::Value| {
        app.send_json(method, path, (&admin.cookie, &admin.csrf), &body)
    };
    const PATH: &str = "/api/v1/organisation/checklists";

    let server = app.get(PATH, &admin.cookie);
    assert_eq!(server.status, 200, "{}", server.body);
    let server = server.json();
    assert_eq!((server["own"].as_bool(), server["total"].as_i64()), (Some(false), Some(4)), "{server}");
    let kinds: Vec<&str> =
        server["items"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["termination_notice", "parole_denied", "noid_received", "parole_expiring"]);

    let tasks = json!({ "tasks": [
        { "title_en": "Call the family today", "title_es": "Llamar a la familia hoy", "owner": "advocate",
          "due_hours": 24, "due_hours_critical": 4 },
        { "title_en": "File the motion", "title_es": "Presentar la moción", "owner": "attorney",
          "due_hours": 72, "due_hours_critical": 24 } ] });
    let replaced = send("PUT", &format!("{PATH}/termination_notice"), tasks);
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    insta::assert_json_snapshot!("api_checklist_replaced", answer(&replaced));
    let replaced = replaced.json();
    assert_eq!(replaced["own"], true);
    assert_eq!(replaced["items"][1], server["items"][1], "the other kinds are kept as they were");
    assert!(app.get("/settings", &admin.cookie).body.contains("Call the family today"), "the page shows it");

    // Wrong values name the task and field, and nothing is written.
    let wrong = |body: serde_json::Value, field: &str, problem: &str| {
        let refused = send("PUT", &format!("{PATH}/termination_notice"), body.clone());
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        let answer = refused.json();
        assert_eq!(
            (answer["field"].as_str(), answer["problem"].as_str()),
            (Some(field), Some(problem)),
            "{answer}"
        );
        refused
    };
    let slower = wrong(
        json!({ "tasks": [
            { "title_en": "A", "title_es": "A", "owner": "advocate", "due_hours": 24, "due_hours_critical": 4 },
            { "title_en": "B", "title_es": "B", "owner": "attorney", "due_hours": 24, "due_hours_critical": 48 } ] }),
        "tasks[1].due_hours_critical",
        "at-most",
    );
    insta::assert_json_snapshot!("api_checklist_refused", answer(&slower));
    wrong(
        json!({ "tasks": [{ "title_en": "A", "title_es": "A", "owner": "viewer", "due_hours": 24, "due_hours_critical": 4 }] }),
        "tasks[0].owner",
        "unknown-value",
    );
    wrong(
        json!({ "tasks": [{ "title_en": "", "title_es": "A", "owner": "attorney", "due_hours": 24, "due_hours_critical": 4 }] }),
        "tasks[0].title_en",
        "required",
    );
    wrong(json!({ "tasks": [] }), "tasks", "required");
    let unknown = send("PUT", &format!("{PATH}/deportation"), json!({ "tasks": [] }));
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(app.get(PATH, &admin.cookie).json(), replaced, "nothing half written");

    // An escalation opened afterwards starts with the new checklist.
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case, _) = app.case_id(&ana, "A-1");
    record_termination(&app, (&ana, &ana_csrf), &case);
    let escalations = app.get(&format!("/api/v1/cases/{case}/escalations"), &ana).json();
    let titles: Vec<&str> = escalations["items"][0]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title_en"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Call the family today", "File the motion"], "{escalations}");

    // Back to the server's.
    let restored = send("DELETE", PATH, json!({}));
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(restored.json(), server);
    assert_eq!(audit_actions(db, "escalation_templates.changed"), 2, "each change audited, the refusals not");
}

fn a_members_open_tasks_are_read_through_the_api(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let ana_id = member_id(db, "ana@a.example.org");
    let (case, _) = app.case_id(&ana, "A-1");
    let assigned = app.post_json(
        &format!("/api/v1/cases/{case}/assignments"),
        &ana,
        &ana_csrf,
        &json!({ "role": "attorney", "user": ana_id }),
    );
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    record_termination(&app, (&ana, &ana_csrf), &case);

    let tasks = app.get(&format!("/api/v1/users/{ana_id}/tasks"), &admin.cookie);
    assert_eq!(tasks.status, 200, "{}", tasks.body);
    insta::assert_json_snapshot!("api_member_tasks", answer(&tasks));
    let tasks = tasks.json();
    let items = tasks["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{tasks}");
    assert!(items.iter().all(|t| t["owner_id"] == ana_id.as_str() && t["done_at"].is_null()), "{tasks}");
    assert_eq!(tasks, app.get("/api/v1/tasks", &ana).json(), "what she sees as her own tasks");
    assert_eq!(audit_actions(db, "tasks.read"), 1, "another member's tasks are read audited");

    // Nobody of another organisation, nor anyone unknown, is found.
    let bo = member_id(db, "bo@b.example.org");
    for id in [bo.as_str(), "0190b6a8-0000-7000-8000-00000000dead", "x"] {
        let hidden = app.get(&format!("/api/v1/users/{id}/tasks"), &admin.cookie);
        assert_eq!(hidden.status, 404, "{id}: {}", hidden.body);
    }
    assert_eq!(audit_actions(db, "tasks.read"), 1, "nothing read, nothing audited");
}

fn calendar_feeds_are_made_listed_and_revoked_through_the_api(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case, _) = app.case_id(&ana, "A-1");
    let (bo, bo_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    let (other_case, _) = app.case_id(&bo, "B-1");
    const PATH: &str = "/api/v1/calendar/feeds";

    let mine = app.post_json(PATH, &ana, &ana_csrf, &json!({}));
    assert_eq!(mine.status, 201, "{}", mine.body);
    let of_case = app.post_json(PATH, &ana, &ana_csrf, &json!({ "case_id": case }));
    assert_eq!(of_case.status, 201, "{}", of_case.body);
    let mut shown = of_case.json();
    assert_eq!(shown["feed"]["reference"], "A-1");
    let address = shown["address"].as_str().unwrap().to_owned();
    let path =
        address.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned())).unwrap();
    assert!(path.starts_with("/calendar/feed/") && path.ends_with(".ics"), "{address}");
    shown["address"] = json!("[address]");
    insta::assert_json_snapshot!(
        "api_calendar_feed_created",
        json!({ "status": of_case.status, "body": uuids_redacted(&shown) })
    );
    let feed = app.get(&path, "");
    assert_eq!(feed.status, 200, "the address works without signing in: {}", feed.body);
    assert!(feed.body.starts_with("BEGIN:VCALENDAR"), "{}", feed.body);

    // Another organisation's case, or a case id of the wrong type, makes no feed.
    let hidden = app.post_json(PATH, &ana, &ana_csrf, &json!({ "case_id": other_case }));
    assert_eq!(hidden.status, 404, "{}", hidden.body);
    let wrong = app.post_json(PATH, &ana, &ana_csrf, &json!({ "case_id": 5 }));
    assert_eq!((wrong.status, wrong.json()["field"].as_str()), (422, Some("case_id")), "{}", wrong.body);

    let listed = app.get(PATH, &ana);
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.json()["total"], 2, "{}", listed.body);
    let secret = path.trim_start_matches("/calendar/feed/").trim_end_matches(".ics");
    assert!(!listed.body.contains(secret), "the address is shown once");
    insta::assert_json_snapshot!("api_calendar_feeds", answer(&listed));
    assert!(app.get(PATH, &bo).json()["items"].as_array().unwrap().is_empty(), "each person's own");

    // Revoked: the address stops working; nobody else revokes it.
    let id = shown["feed"]["id"].as_str().unwrap().to_owned();
    let by_other = app.send_json("DELETE", &format!("{PATH}/{id}"), (&bo, &bo_csrf), &json!({}));
    assert_eq!(by_other.status, 404, "{}", by_other.body);
    assert_eq!(app.get(&path, "").status, 200, "still working");
    let revoked = app.send_json("DELETE", &format!("{PATH}/{id}"), (&ana, &ana_csrf), &json!({}));
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert!(revoked.json()["revoked_at"].is_string(), "{}", revoked.body);
    assert_eq!(app.get(&path, "").status, 404, "revoked");
    assert_eq!(audit_actions(db, "feed.created"), 2);
    assert_eq!(audit_actions(db, "feed.revoked"), 1, "the refused revocation is not");
}

/// A request for evidence about the seeded patient (by A-number), that does not say how it was served.
const RFE: &str = "U.S. Citizenship and Immigration Services\n\nREQUEST FOR EVIDENCE\n\n\
Date of Notice: February 16, 2026\nForm: I-131, Application for Travel Documents\n\
Applicant: Lucia Ejemplo\nA#: 012345678\n\n\
Please submit the evidence listed below.\n\n\
Your response must be received by May 12, 2026. If you do not respond by the due date, we may deny your request.\n";

/// Adds a notice to A-1 as its attorney, through the store; its id.
fn attach_notice(db: &TestDatabase, bytes: Vec<u8>) -> String {
    let store = db.store();
    let org = clinic_a(db);
    let ana = store.users(&org).unwrap().into_iter().find(|u| u.email == "ana@a.example.org").unwrap();
    let case = store.case_by_reference(&org, "A-1").unwrap().unwrap().id;
    let details = AttachmentDetails {
        kind: AttachmentKind::Notice,
        title: "Request for evidence".into(),
        dated: None,
        event: None,
        person: None,
        file_name: None,
    };
    let new = amparo_store::NewAttachment { details, bytes };
    store.add_attachment_as(&amparo_store::Actor::of(&ana), &case, &new, snapshot_time()).unwrap().id
}

fn a_notice_is_read_through_the_api_and_nothing_is_recorded(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case, version) = app.case_id(&ana, "A-1");
    let path = format!("/api/v1/cases/{case}/notice-reading");
    let read = |body: serde_json::Value| app.post_json(&path, &ana, &ana_csrf, &body);

    let proposal = read(json!({ "text": RFE }));
    assert_eq!(proposal.status, 200, "{}", proposal.body);
    insta::assert_json_snapshot!("api_notice_read", answer(&proposal));
    let proposal = proposal.json();
    assert_eq!(proposal["read_from"], "text");
    assert_eq!(proposal["proposal"]["kind"]["value"], "rfe");
    assert_eq!(proposal["event"]["type"], "rfe_received");
    assert_eq!(proposal["event"]["respond_by"], "2026-05-12");
    let words = proposal["proposal"]["respond_by"]["source"].as_str().unwrap();
    assert!(words.starts_with("Your response must be received by May 12, 2026."), "{proposal}");
    assert_eq!(proposal["proposal"]["people"][0]["matched_by"], "a_number", "{proposal}");
    let after = app.get(&format!("/api/v1/cases/{case}"), &ana).json();
    assert_eq!(after["version"], version, "nothing recorded");

    // From the case's uploaded PDF, the read of the file audited.
    let pdf = attach_notice(db, text_pdf(RFE));
    let reads = || {
        db.store()
            .audit_log(Some(&clinic_a(db)))
            .unwrap()
            .iter()
            .filter(|e| e.action == "attachment.read" && e.detail.contains("notice read"))
            .count()
    };
    let before = reads();
    let from_pdf = read(json!({ "attachment": pdf }));
    assert_eq!(from_pdf.status, 200, "{}", from_pdf.body);
    assert_eq!(from_pdf.json()["read_from"], "pdf_text");
    assert_eq!(from_pdf.json()["event"], proposal["event"]);
    assert_eq!(reads(), before + 1);

    // What cannot be read names its field; another organisation's case is not found.
    let refused = |body: serde_json::Value, status: u16, field: Option<&str>| {
        let reply = read(body.clone());
        assert_eq!((reply.status, reply.json()["field"].as_str()), (status, field), "{body}: {}", reply.body);
        reply
    };
    let nothing = refused(json!({}), 422, Some("text"));
    insta::assert_json_snapshot!("api_notice_read_nothing", answer(&nothing));
    refused(json!({ "text": RFE, "attachment": pdf }), 422, Some("attachment"));
    refused(json!({ "text": "x".repeat(100_001) }), 422, Some("text"));
    // A body over the server's limit is refused in JSON too, before anything is read.
    let huge = refused(json!({ "text": "é".repeat(600_000) }), 413, None);
    assert_eq!(huge.json()["error"], "too_large");
    refused(json!({ "attachment": "0190b6a8-0000-7000-8000-00000000dead" }), 404, None);
    refused(json!({ "text": 5 }), 422, Some("text"));
    let (bo, _) = app.sign_in("bo@b.example.org", PASSWORD);
    let (other_case, _) = app.case_id(&bo, "B-1");
    let hidden = app.post_json(
        &format!("/api/v1/cases/{other_case}/notice-reading"),
        &ana,
        &ana_csrf,
        &json!({ "text": RFE }),
    );
    assert_eq!(hidden.status, 404, "{}", hidden.body);
    assert_eq!(reads(), before + 1, "nothing read on a refusal");
}

/// Whether Python's `jsonschema` is installed (CI installs it; elsewhere the check is skipped, saying so).
fn jsonschema_installed() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "CI=true but jsonschema is not installed");
        eprintln!("schema check skipped: pip install jsonschema");
    }
    ok
}

/// A case with the sections of its file written through the API (an event voided, the case closed;
/// a note, contacts and a person added, whose sections the answer leaves to their own routes), read
/// back: the answer matches the document's `CaseAnswer`,
/// checked by Python's `jsonschema` (an independent validator) against the served document.
fn a_whole_case_file_matches_its_schema_in_the_document(db: &TestDatabase) {
    let app = app(db);
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case, _) = app.case_id(&ana, "A-1");
    let version = || app.get(&format!("/api/v1/cases/{case}"), &ana).json()["version"].as_i64().unwrap();
    let send = |method: &str, path: &str, body: serde_json::Value| {
        let reply = app.send_json(method, &format!("/api/v1/cases/{case}{path}"), (&ana, &ana_csrf), &body);
        assert!(reply.status == 200 || reply.status == 201, "{method} {path}: {}", reply.body);
    };
    send("POST", "/notes", json!({ "type": "call", "text": "Called the family.", "event": "e1" }));
    let contacts = json!({ "family": { "phone": "+1 555 0100", "interpreter_needed": true },
        "others": [{ "role": "physician", "name": "Dr. Rivera" }] });
    send("PUT", "/contacts", json!({ "version": version(), "contacts": contacts }));
    let person = json!({ "key": "s1", "role": "sibling", "given_name": "Luz", "family_name": "Ejemplo" });
    send("POST", "/people", json!({ "version": version(), "person": person }));
    send("POST", "/events/e2/void", json!({ "version": version(), "reason": "recorded on the wrong case" }));
    send("POST", "/close", json!({ "version": version(), "reason": "moved", "note": "Moved to Oregon." }));
    let read = app.get(&format!("/api/v1/cases/{case}"), &ana);
    assert_eq!(read.status, 200, "{}", read.body);
    let file = &read.json()["file"];
    // The notes, contacts and history are read through their own routes; the rest is in the file.
    for section in ["closure", "voids"] {
        assert!(!file[section].is_null(), "{section} in {file}");
    }
    if !jsonschema_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (document, answer) = (dir.path().join("openapi.json"), dir.path().join("case.json"));
    std::fs::write(&document, app.get("/api/v1/openapi.json", "").body).unwrap();
    std::fs::write(&answer, &read.body).unwrap();
    let script = "import json, sys, jsonschema\n\
        doc = json.load(open(sys.argv[1]))\n\
        schema = {'$ref': '#/components/schemas/CaseAnswer', 'components': doc['components']}\n\
        jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))\n";
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&document)
        .arg(&answer)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
