//! Closing and reopening a case, on both backends, through the API and the case page: which roles
//! may (and which are refused or never shown the control), stale versions, bad reasons and notes, the
//! board and the case list's "closed" filter, and snapshots of the answers and refusals.

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use serde_json::json;

use crate::support::snapshots::{redacted, seed_at, snapshot_time, uuids_redacted};
use crate::support::{PASSWORD, Persona, Reply, RouterApp};

amparo_store::on_both_backends!(
    the_api_closes_and_reopens_for_the_roles_that_record_events,
    the_api_refuses_stale_versions_bad_reasons_and_a_second_close,
    a_closed_case_leaves_the_board_and_is_listed_under_closed,
    the_case_page_closes_and_reopens_and_keeps_the_form_on_a_conflict,
    the_close_controls_are_shown_only_to_roles_that_may_use_them,
    intake_shows_a_closed_case_among_possible_duplicates_marked_closed,
);

fn app(db: &TestDatabase) -> RouterApp {
    seed_at(db, snapshot_time());
    RouterApp::at(db, tempfile::tempdir().unwrap(), snapshot_time())
}

/// The reply's status and JSON body together, so that a changed status shows in the snapshot.
fn answer(reply: &Reply) -> serde_json::Value {
    json!({ "status": reply.status, "body": uuids_redacted(&reply.json()) })
}

fn version(app: &RouterApp, session: &str, id: &str) -> i64 {
    app.get(&format!("/api/v1/cases/{id}"), session).json()["version"].as_i64().unwrap()
}

fn close(app: &RouterApp, (session, csrf): (&str, &str), id: &str, body: serde_json::Value) -> Reply {
    app.post_json(&format!("/api/v1/cases/{id}/close"), session, csrf, &body)
}

fn reopen(app: &RouterApp, (session, csrf): (&str, &str), id: &str, version: i64) -> Reply {
    app.post_json(&format!("/api/v1/cases/{id}/reopen"), session, csrf, &json!({ "version": version }))
}

fn the_api_closes_and_reopens_for_the_roles_that_record_events(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana, "A-1");

    let v = version(&app, &ana, &id);
    let body = json!({ "version": v, "reason": "moved", "note": "Moved to Oregon with an aunt." });
    let closed = close(&app, (&ana, &ana_csrf), &id, body);
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(closed.json()["version"], v + 1);
    insta::assert_json_snapshot!("api_case_closed", answer(&closed));
    let case = app.get(&format!("/api/v1/cases/{id}"), &ana);
    assert_eq!(case.json()["file"]["closure"]["reason"], "moved");
    insta::assert_json_snapshot!("api_case_closed_read", answer(&case));

    let reopened = reopen(&app, (&ana, &ana_csrf), &id, v + 1);
    assert_eq!(reopened.status, 200, "{}", reopened.body);
    insta::assert_json_snapshot!("api_case_reopened", answer(&reopened));
    assert!(app.get(&format!("/api/v1/cases/{id}"), &ana).json()["file"].get("closure").is_none());

    // Every role that records events closes and reopens; the others are refused and nothing changes.
    for role in [UserRole::Admin, UserRole::Advocate] {
        let member = app.persona(db, Persona::Member(role));
        let v = version(&app, &member.cookie, &id);
        let closed =
            close(&app, (&member.cookie, &member.csrf), &id, json!({ "version": v, "reason": "withdrew" }));
        assert_eq!(closed.status, 200, "{role:?}: {}", closed.body);
        assert_eq!(reopen(&app, (&member.cookie, &member.csrf), &id, v + 1).status, 200, "{role:?}");
    }
    for role in [UserRole::Clinician, UserRole::Viewer] {
        let member = app.persona(db, Persona::Member(role));
        let v = version(&app, &ana, &id);
        let refused =
            close(&app, (&member.cookie, &member.csrf), &id, json!({ "version": v, "reason": "withdrew" }));
        assert_eq!(refused.status, 403, "{role:?}: {}", refused.body);
        assert_eq!(reopen(&app, (&member.cookie, &member.csrf), &id, v).status, 403, "{role:?}");
        assert_eq!(version(&app, &ana, &id), v, "nothing written for {role:?}");
    }
    let anonymous = app.persona(db, Persona::Anonymous);
    assert_eq!(
        close(&app, (&anonymous.cookie, ""), &id, json!({ "version": 1, "reason": "moved" })).status,
        401
    );
    let without_token = close(&app, (&ana, ""), &id, json!({ "version": 1, "reason": "moved" }));
    assert_eq!(without_token.status, 403);

    let (bo, bo_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    let v = version(&app, &ana, &id);
    let elsewhere = close(&app, (&bo, &bo_csrf), &id, json!({ "version": v, "reason": "moved" }));
    assert_eq!(elsewhere.status, 404, "another organisation's case is not found: {}", elsewhere.body);
}

fn the_api_refuses_stale_versions_bad_reasons_and_a_second_close(db: &TestDatabase) {
    let app = app(db);
    let _redactions = redacted();
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&ana, "A-1");
    let v = version(&app, &ana, &id);
    let session = (ana.as_str(), csrf.as_str());

    let stale = close(&app, session, &id, json!({ "version": v - 1, "reason": "moved" }));
    assert_eq!(stale.status, 409);
    insta::assert_json_snapshot!("api_case_close_stale_version", answer(&stale));
    let unknown = close(&app, session, &id, json!({ "version": v, "reason": "bored" }));
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.json()["field"], "reason");
    insta::assert_json_snapshot!("api_case_close_unknown_reason", answer(&unknown));
    let no_note = close(&app, session, &id, json!({ "version": v, "reason": "other", "note": " " }));
    assert_eq!(no_note.status, 422);
    assert_eq!(no_note.json()["field"], "note");
    insta::assert_json_snapshot!("api_case_close_note_required", answer(&no_note));
    let extra = close(&app, session, &id, json!({ "version": v, "reason": "moved", "closed_by": "me" }));
    assert_eq!(extra.status, 422, "{}", extra.body);
    assert_eq!(version(&app, &ana, &id), v, "nothing was written");

    let closed = close(&app, session, &id, json!({ "version": v, "reason": "other", "note": "Transferred" }));
    assert_eq!(closed.status, 200, "{}", closed.body);
    let again = close(&app, session, &id, json!({ "version": v + 1, "reason": "moved" }));
    assert_eq!(again.status, 409);
    insta::assert_json_snapshot!("api_case_close_already_closed", answer(&again));
    let stale_reopen = reopen(&app, session, &id, v);
    assert_eq!(stale_reopen.status, 409);
    assert_eq!(reopen(&app, session, &id, v + 1).status, 200);
    let not_closed = reopen(&app, session, &id, v + 2);
    assert_eq!(not_closed.status, 409);
    insta::assert_json_snapshot!("api_case_reopen_not_closed", answer(&not_closed));
}

fn a_closed_case_leaves_the_board_and_is_listed_under_closed(db: &TestDatabase) {
    let app = app(db);
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, v) = app.case_id(&ana, "A-1");
    let on_board = || app.get("/api/v1/triage", &ana).body.contains("\"A-1\"");
    assert!(on_board());
    assert_eq!(close(&app, (&ana, &csrf), &id, json!({ "version": v, "reason": "deceased" })).status, 200);
    assert!(!on_board(), "a closed case leaves the board");

    let listed = |query: &str| app.get(&format!("/api/v1/cases{query}"), &ana).json();
    assert_eq!(listed("")["total"], 0, "the list shows open cases by default");
    let closed = listed("?closed=closed");
    assert_eq!((closed["total"].as_i64(), closed["items"][0]["closed"].as_bool()), (Some(1), Some(true)));
    assert_eq!(listed("?closed=all&q=lucia")["total"], 1, "a closed case is still found by name");
    let bad = app.get("/api/v1/cases?closed=maybe", &ana);
    assert_eq!((bad.status, bad.json()["field"].as_str()), (422, Some("closed")));

    let page = app.get("/cases?closed=closed", &ana);
    assert!(page.body.contains("<span class=\"badge closed\">closed</span>"), "{}", page.body);
    assert!(page.body.contains("<option value=\"closed\" selected>Closed cases</option>"));
    let open_page = app.get("/cases", &ana);
    assert!(!open_page.body.contains(&format!("/cases/{id}\"")), "the open list leaves it out");

    assert_eq!(reopen(&app, (&ana, &csrf), &id, v + 1).status, 200);
    assert!(on_board(), "reopened, it is back on the board");
    assert_eq!(listed("")["total"], 1);
}

fn the_case_page_closes_and_reopens_and_keeps_the_form_on_a_conflict(db: &TestDatabase) {
    let app = app(db);
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, v) = app.case_id(&ana, "A-1");
    let page = app.get(&format!("/cases/{id}"), &ana);
    assert!(page.body.contains(&format!("action=\"/cases/{id}/close\"")), "{}", page.body);

    let v_text = v.to_string();
    let form = |version: &str, reason: &'static str, note: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.to_owned()),
            ("close-reason", reason.into()),
            ("close-note", note.into()),
        ]
    };
    let send = |fields: Vec<(&str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form(&format!("/cases/{id}/close"), &ana, &fields)
    };
    let no_reason = send(form(&v_text, "", "Typed before choosing"));
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("Choose why the case is closed."));
    assert!(no_reason.body.contains("Typed before choosing</textarea>"), "what was typed is kept");
    let no_note = send(form(&v_text, "other", ""));
    assert_eq!(no_note.status, 422);
    assert!(no_note.body.contains("id=\"close-note-error\""), "{}", no_note.body);
    let stale = send(form(&(v - 1).to_string(), "moved", "Moved to Texas"));
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("Someone else changed this case after you opened it, so it was not closed"));
    assert!(stale.body.contains("Moved to Texas</textarea>"), "the note is kept on a conflict");
    assert!(stale.body.contains("<option value=\"moved\" selected>"), "and the reason");

    let closed = send(form(&v_text, "moved", "Moved to Texas"));
    assert_eq!(closed.status, 303, "{}", closed.body);
    let page = app.get(&format!("/cases/{id}"), &ana);
    assert!(page.body.contains("This case is closed"));
    assert!(page.body.contains("by Ana Attorney. Reason: The family moved away."), "{}", page.body);
    assert!(page.body.contains("Moved to Texas"));
    assert!(page.body.contains(&format!("action=\"/cases/{id}/reopen\"")));
    assert!(!page.body.contains(&format!("action=\"/cases/{id}/close\"")));
    let print = app.get(&format!("/cases/{id}/print"), &ana);
    assert!(print.body.contains("This case is closed.</strong> Closed on"), "{}", print.body);
    assert!(!print.body.contains("/reopen\""), "the print view has no form");

    app.choose_language(&ana, &csrf, "es");
    let spanish = app.get(&format!("/cases/{id}"), &ana);
    assert!(spanish.body.contains("Este caso está cerrado"));
    assert!(spanish.body.contains("por Ana Attorney. Motivo: La familia se mudó."), "{}", spanish.body);
    assert!(spanish.body.contains("Reabrir el caso"));

    let stale_reopen =
        app.post_form(&format!("/cases/{id}/reopen"), &ana, &[("csrf", &csrf), ("version", &v_text)]);
    assert_eq!(stale_reopen.status, 409);
    let next = (v + 1).to_string();
    let reopened =
        app.post_form(&format!("/cases/{id}/reopen"), &ana, &[("csrf", &csrf), ("version", &next)]);
    assert_eq!(reopened.status, 303, "{}", reopened.body);
    assert!(!app.get(&format!("/cases/{id}"), &ana).body.contains("Este caso está cerrado"));
}

fn the_close_controls_are_shown_only_to_roles_that_may_use_them(db: &TestDatabase) {
    let app = app(db);
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, v) = app.case_id(&ana, "A-1");
    let viewer = app.persona(db, Persona::Member(UserRole::Viewer));
    let page = app.get(&format!("/cases/{id}"), &viewer.cookie);
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("/close\""), "a viewer is offered no close form");
    let refused = app.post_form(
        &format!("/cases/{id}/close"),
        &viewer.cookie,
        &[("csrf", &viewer.csrf), ("version", &v.to_string()), ("close-reason", "moved")],
    );
    assert_eq!(refused.status, 403);

    assert_eq!(close(&app, (&ana, &csrf), &id, json!({ "version": v, "reason": "moved" })).status, 200);
    let closed_page = app.get(&format!("/cases/{id}"), &viewer.cookie);
    assert!(closed_page.body.contains("This case is closed"), "a viewer reads that it is closed");
    assert!(!closed_page.body.contains("/reopen\""), "but is offered no Reopen");
}

fn intake_shows_a_closed_case_among_possible_duplicates_marked_closed(db: &TestDatabase) {
    let app = app(db);
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, v) = app.case_id(&ana, "A-1");
    let intake = |csrf: &str| -> Reply {
        // A-1's patient holds A012345678: the family comes back under a new reference.
        let fields = [
            ("csrf", csrf),
            ("people", "1"),
            ("events", "1"),
            ("reference", "BACK-1"),
            ("person-0-given_name", "Lucía"),
            ("person-0-family_name", "Ejemplo"),
            ("person-0-a_number", "A012345678"),
            ("action", "save"),
        ];
        app.post_form("/cases/new", &ana, &fields)
    };
    let open = intake(&csrf);
    assert_eq!(open.status, 409);
    assert!(!open.body.contains("badge closed"), "an open case is not marked closed");
    assert_eq!(close(&app, (&ana, &csrf), &id, json!({ "version": v, "reason": "moved" })).status, 200);
    let closed = intake(&csrf);
    assert_eq!(closed.status, 409, "a closed case is still a possible duplicate");
    let marked =
        format!("<a href=\"/cases/{id}\">A-1 — Lucía Ejemplo</a> <span class=\"badge closed\">closed</span>");
    assert!(closed.body.contains(&marked), "{}", closed.body);
}
