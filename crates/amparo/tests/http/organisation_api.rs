//! The organisation's settings and staff through the API, on both backends, as an administrator has
//! them on the pages: the profile, sign-in rule and policy read and changed (every case derived
//! again, the settings page showing the same), staff listed, invited, given another role,
//! deactivated and reactivated; wrong values refused naming the field and leaving everything as
//! it was; the refusals the pages make (the last administrator, one's own deactivation) made here
//! too; another organisation's members not found; each change audited.

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use serde_json::json;

use crate::support::site::{Request, Transport};
use crate::support::{Persona, RouterApp, amparo};

amparo_store::on_both_backends!(
    an_administrator_reads_and_changes_the_organisation_through_the_api,
    an_administrator_manages_staff_through_the_api
);

fn member_id(db: &TestDatabase, email: &str) -> String {
    db.store().credentials_by_email(email).unwrap().unwrap().user.id.0
}

fn an_administrator_reads_and_changes_the_organisation_through_the_api(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let patch = |path: &str, body: serde_json::Value| {
        app.send_json("PATCH", path, (&admin.cookie, &admin.csrf), &body)
    };

    let read = app.get("/api/v1/organisation", &admin.cookie);
    assert_eq!(read.status, 200, "{}", read.body);
    let organisation = read.json();
    assert_eq!(organisation["policy"]["critical_care_threshold_days"], 7, "{organisation}");
    assert_eq!(organisation["policy"]["re_parole_lead_days"], 90);
    assert!(organisation["second_factor_required"].is_boolean());
    assert!(organisation["time_zone"].is_string());

    // A policy change keeps what it does not name, sorts the closure days, and derives every case
    // again; the settings page shows the same.
    let changed = patch(
        "/api/v1/organisation/policy",
        json!({ "critical_care_threshold_days": 10, "closure_days": ["2026-12-31", "2026-12-24", "2026-12-24"] }),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    let changed = changed.json();
    assert_eq!(changed["policy"]["critical_care_threshold_days"], 10);
    assert_eq!(changed["policy"]["closure_days"], json!(["2026-12-24", "2026-12-31"]));
    assert_eq!(changed["policy"]["re_parole_lead_days"], 90, "kept");
    assert!(changed["cases_rederived"].as_u64().unwrap() >= 1, "{changed}");
    let page = app.get("/settings", &admin.cookie).body;
    assert!(page.contains("value=\"10\""), "the page shows the threshold set");

    // Wrong values name their field, and nothing is written.
    for (body, field) in [
        (json!({ "i94_check_days": 0 }), "i94_check_days"),
        (json!({ "medical_refresh_days": 0 }), "medical_refresh_days"),
        (json!({ "re_parole_lead_days": 5000 }), "re_parole_lead_days"),
        (json!({ "closure_days": ["Christmas"] }), "closure_days"),
        (json!({ "threshold": 3 }), "threshold"),
    ] {
        let refused = patch("/api/v1/organisation/policy", body.clone());
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        let named = refused.json()["field"].as_str().unwrap_or_default().to_owned();
        assert!(named.starts_with(field) || refused.body.contains(field), "{body}: {}", refused.body);
    }
    let unchanged = app.get("/api/v1/organisation", &admin.cookie).json();
    assert_eq!(unchanged["policy"], changed["policy"], "nothing half written");

    // The profile: the fields given replace the stored ones.
    let profile =
        patch("/api/v1/organisation", json!({ "phone": "+1 555 0101", "time_zone": "America/New_York" }));
    assert_eq!(profile.status, 200, "{}", profile.body);
    assert_eq!(
        (profile.json()["phone"].as_str(), profile.json()["time_zone"].as_str()),
        (Some("+1 555 0101"), Some("America/New_York"))
    );
    assert_eq!(profile.json()["name"], organisation["name"], "kept");
    let zone = patch("/api/v1/organisation", json!({ "time_zone": "Mars/Olympus_Mons" }));
    assert_eq!(zone.status, 422, "{}", zone.body);
    assert_eq!(zone.json()["field"], "time_zone");
    let blank = patch("/api/v1/organisation", json!({ "name": "  " }));
    assert_eq!((blank.status, blank.json()["field"].as_str()), (422, Some("name")), "{}", blank.body);

    // The second-factor rule, as the settings page's checkbox sets it.
    let rule = app.send_json(
        "PUT",
        "/api/v1/organisation/second-factor",
        (&admin.cookie, &admin.csrf),
        &json!({ "required": true }),
    );
    assert_eq!(
        (rule.status, rule.json()["second_factor_required"].as_bool()),
        (200, Some(true)),
        "{}",
        rule.body
    );
    let wrong = app.send_json(
        "PUT",
        "/api/v1/organisation/second-factor",
        (&admin.cookie, &admin.csrf),
        &json!({ "required": "yes" }),
    );
    assert_eq!((wrong.status, wrong.json()["field"].as_str()), (422, Some("required")), "{}", wrong.body);

    // A token of the administrator's reads the same, with no session.
    let out = amparo(db, &["token", "create", "--email", "admin@a.example.org", "--scope", "read"], None);
    let authorization = format!("Bearer {}", out.trim());
    let headers = vec![("authorization", authorization.as_str())];
    let by_token =
        app.transport.send(Request { method: "GET", path: "/api/v1/organisation", headers, body: None });
    assert_eq!(by_token.status, 200, "{}", by_token.body);
    assert_eq!(by_token.json()["phone"], "+1 555 0101");

    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let trail: Vec<String> = store.audit_log(Some(&org)).unwrap().iter().map(|e| e.action.clone()).collect();
    assert_eq!(trail.iter().filter(|a| *a == "policy.changed").count(), 1, "{trail:?}");
    assert_eq!(trail.iter().filter(|a| *a == "organisation.profile_changed").count(), 1, "{trail:?}");
}

fn an_administrator_manages_staff_through_the_api(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let ana = member_id(db, "ana@a.example.org");
    let me = member_id(db, "admin@a.example.org");
    let send = |method: &str, path: &str, body: serde_json::Value| {
        app.send_json(method, path, (&admin.cookie, &admin.csrf), &body)
    };

    let listed = app.get("/api/v1/users", &admin.cookie);
    assert_eq!(listed.status, 200, "{}", listed.body);
    let items = listed.json()["items"].as_array().unwrap().clone();
    let row = items.iter().find(|m| m["id"] == ana.as_str()).unwrap();
    assert_eq!((row["role"].as_str(), row["active"].as_bool()), (Some("attorney"), Some(true)), "{row}");
    assert!(
        items.iter().all(|m| m["email"].as_str().unwrap().ends_with("@a.example.org")),
        "clinic A's only"
    );

    // An invitation: a one-time link, shown once; an address already a member's is refused.
    let invited = send(
        "POST",
        "/api/v1/users/invitations",
        json!({ "email": "new.advocate@a.example.org", "role": "advocate" }),
    );
    assert_eq!(invited.status, 201, "{}", invited.body);
    let link = invited.json()["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with("/invite/"), "{link}");
    assert_eq!(app.get(&link, "").status, 200, "the link opens the invitation");
    let taken =
        send("POST", "/api/v1/users/invitations", json!({ "email": "ana@a.example.org", "role": "viewer" }));
    assert_eq!(taken.status, 409, "{}", taken.body);
    let bad_role =
        send("POST", "/api/v1/users/invitations", json!({ "email": "x@a.example.org", "role": "boss" }));
    assert_eq!(
        (bad_role.status, bad_role.json()["field"].as_str()),
        (422, Some("role")),
        "{}",
        bad_role.body
    );

    // Another role; deactivated and reactivated.
    let path = format!("/api/v1/users/{ana}");
    let role = send("PATCH", &path, json!({ "role": "advocate" }));
    assert_eq!((role.status, role.json()["role"].as_str()), (200, Some("advocate")), "{}", role.body);
    let off = send("POST", &format!("{path}/deactivate"), json!({}));
    assert_eq!((off.status, off.json()["active"].as_bool()), (200, Some(false)), "{}", off.body);
    assert!(off.json()["deactivated_at"].is_string());
    let on = send("POST", &format!("{path}/reactivate"), json!({}));
    assert_eq!((on.status, on.json()["active"].as_bool()), (200, Some(true)), "{}", on.body);

    // The pages' refusals: one's own deactivation, the last administrator giving up the role.
    let myself = send("POST", &format!("/api/v1/users/{me}/deactivate"), json!({}));
    assert_eq!(myself.status, 409, "{}", myself.body);
    let last = send("PATCH", &format!("/api/v1/users/{me}"), json!({ "role": "viewer" }));
    assert_eq!(last.status, 409, "{}", last.body);
    assert_eq!(app.get("/api/v1/users", &admin.cookie).status, 200, "still an administrator");

    // Another organisation's member is not found, and left as they were.
    let bo = member_id(db, "bo@b.example.org");
    for (method, path) in
        [("PATCH", format!("/api/v1/users/{bo}")), ("POST", format!("/api/v1/users/{bo}/deactivate"))]
    {
        let hidden = send(method, &path, json!({ "role": "viewer" }));
        assert_eq!(hidden.status, 404, "{method} {path}: {}", hidden.body);
    }
    let bo_now = db.store().credentials_by_email("bo@b.example.org").unwrap().unwrap().user;
    assert_eq!((bo_now.role, bo_now.deactivated_at), (UserRole::Attorney, None));

    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let trail: Vec<String> = store.audit_log(Some(&org)).unwrap().iter().map(|e| e.action.clone()).collect();
    for action in ["user.invited", "user.role_changed", "user.deactivated", "user.reactivated"] {
        assert!(trail.iter().any(|a| a == action), "{action} in {trail:?}");
    }
}
