//! Snapshots of what the API answers and how key pages read, on the router in process with the
//! clock and every seeded record at one fixed time. Ids, versions, times and tokens are redacted
//! (see `support::snapshots`); both backends must produce the same snapshot.

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use serde_json::json;

use crate::support::snapshots::{redact_page, redacted, seed_at, snapshot_time, uuids_redacted};
use crate::support::{PASSWORD, Persona, Reply, RouterApp};

amparo_store::on_both_backends!(api_answers, api_refusals, key_pages);

/// The application over the snapshot organisation, its clock at the snapshot time.
fn snapshot_app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

/// The reply's status and JSON body together, so that a changed status shows in the snapshot.
fn answer(reply: &Reply) -> serde_json::Value {
    json!({ "status": reply.status, "body": uuids_redacted(&reply.json()) })
}

fn api_answers(db: &TestDatabase) {
    let app = snapshot_app(db);
    let _redactions = redacted();
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&ana, "A-1");

    insta::assert_json_snapshot!("api_cases_list", answer(&app.get("/api/v1/cases", &ana)));
    insta::assert_json_snapshot!("api_case", answer(&app.get(&format!("/api/v1/cases/{id}"), &ana)));
    insta::assert_json_snapshot!("api_triage_board", answer(&app.get("/api/v1/triage", &ana)));
    insta::assert_json_snapshot!("api_notifications", answer(&app.get("/api/v1/notifications", &ana)));

    let notice = json!({ "expected_version": version, "event": {
        "type": "termination_notice", "on": "2026-03-01", "served_by": "personal", "depart_by": "2026-03-08" } });
    let recorded = app.post_json(&format!("/api/v1/cases/{id}/events"), &ana, &ana_csrf, &notice);
    insta::assert_json_snapshot!("api_event_recorded", answer(&recorded));
    let escalations = app.get(&format!("/api/v1/cases/{id}/escalations"), &ana);
    insta::assert_json_snapshot!("api_case_escalations", answer(&escalations));
    insta::assert_json_snapshot!("api_my_tasks", answer(&app.get("/api/v1/tasks", &ana)));
    let stale = app.post_json(&format!("/api/v1/cases/{id}/events"), &ana, &ana_csrf, &notice);
    insta::assert_json_snapshot!("api_event_stale_version", answer(&stale));

    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let audit = app.get("/api/v1/audit", &admin.cookie);
    insta::assert_json_snapshot!("api_audit_export", answer(&audit));
}

fn api_refusals(db: &TestDatabase) {
    let app = snapshot_app(db);
    let _redactions = redacted();
    let anonymous = app.persona(db, Persona::Anonymous);
    let signed_out = app.get("/api/v1/cases", &anonymous.cookie);
    insta::assert_json_snapshot!("api_refused_signed_out", answer(&signed_out));

    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (bo, _) = app.sign_in("bo@b.example.org", PASSWORD);
    let (other_clinics_case, _) = app.case_id(&bo, "B-1");
    let elsewhere = app.get(&format!("/api/v1/cases/{other_clinics_case}"), &ana);
    insta::assert_json_snapshot!("api_refused_other_organisations_case", answer(&elsewhere));
    let malformed = app.get("/api/v1/cases/not-an-id", &ana);
    insta::assert_json_snapshot!("api_refused_malformed_id", answer(&malformed));

    let (id, version) = app.case_id(&ana, "A-1");
    let bad_event = json!({ "expected_version": version, "event": {
        "type": "parole_granted", "on": "2026-02-30", "valid_until": "someday" } });
    let refused = app.post_json(&format!("/api/v1/cases/{id}/events"), &ana, &ana_csrf, &bad_event);
    insta::assert_json_snapshot!("api_refused_invalid_event", answer(&refused));
    let without_token = app.post_json(&format!("/api/v1/cases/{id}/events"), &ana, "", &bad_event);
    insta::assert_json_snapshot!("api_refused_without_csrf_token", answer(&without_token));

    let advocate = app.persona(db, Persona::Member(UserRole::Viewer));
    let viewer_writes =
        app.post_json(&format!("/api/v1/cases/{id}/events"), &advocate.cookie, &advocate.csrf, &bad_event);
    insta::assert_json_snapshot!("api_refused_viewer_writes", answer(&viewer_writes));
}

fn key_pages(db: &TestDatabase) {
    let app = snapshot_app(db);
    let _redactions = redacted();
    let page = |reply: Reply| format!("status: {}\n\n{}", reply.status, redact_page(&reply.body));
    insta::assert_snapshot!("page_sign_in", page(app.get("/login", "")));
    insta::assert_snapshot!(
        "page_sign_in_spanish",
        page(app.get_with("/login", "", &[("accept-language", "es-MX,es;q=0.9")]))
    );
    let (ana, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana, "A-1");
    insta::assert_snapshot!("page_case_list", page(app.get("/cases", &ana)));
    insta::assert_snapshot!("page_case", page(app.get(&format!("/cases/{id}"), &ana)));
    insta::assert_snapshot!(
        "page_not_found",
        page(app.get("/cases/00000000-0000-0000-0000-000000000000", &ana))
    );
}
