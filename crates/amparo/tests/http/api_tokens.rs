//! API tokens against the router: a token made on the command line reads and writes the JSON API
//! with no session and no forgery token, as its person and no more; a read token only reads; a
//! token never rides with a cookie nor opens a page; revoked, it stops at once; every use is in
//! the audit trail; each token has its own rate; the settings page makes, lists and revokes
//! personal tokens, and an administrator's makes organisation tokens acting as service accounts.

use crate::support::reply::Reply;
use crate::support::site::{Request, Transport};
use crate::support::{PASSWORD, RouterApp, amparo, element_text, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    a_token_acts_as_its_person_through_the_api_alone,
    a_token_is_refused_with_a_cookie_on_a_page_or_once_revoked,
    each_token_has_its_own_rate,
    the_settings_page_makes_lists_and_revokes_personal_tokens,
    an_administrator_makes_organisation_tokens_acting_as_service_accounts,
    a_write_records_its_token_use_with_it_and_a_refused_one_alone
);

/// A request with `Authorization: Bearer TOKEN` and nothing else of a browser's.
fn bearer(app: &RouterApp, method: &str, path: &str, token: &str, body: Option<serde_json::Value>) -> Reply {
    let authorization = format!("Bearer {token}");
    let headers = vec![("authorization", authorization.as_str())];
    let body = body.map(|b| ("application/json", b.to_string()));
    app.transport.send(Request { method, path, headers, body })
}

fn make_token(db: &TestDatabase, email: &str, scope: &str) -> String {
    let out = amparo(db, &["token", "create", "--email", email, "--scope", scope, "--name", "sync"], None);
    let token = out.trim().to_owned();
    assert!(token.starts_with("amparo_pat_"), "{out}");
    token
}

fn case_of(app: &RouterApp, token: &str, reference: &str) -> (String, i64) {
    let listed = bearer(app, "GET", &format!("/api/v1/cases?q={reference}"), token, None);
    assert_eq!(listed.status, 200, "{}", listed.body);
    let case = &listed.json()["items"][0];
    (case["id"].as_str().unwrap().to_owned(), case["version"].as_i64().unwrap())
}

fn a_token_acts_as_its_person_through_the_api_alone(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let write = make_token(db, "ana@a.example.org", "write");
    let read = make_token(db, "ana@a.example.org", "read");

    // Reads: the board and the case list, of Ana's organisation only.
    let board = bearer(&app, "GET", "/api/v1/triage", &write, None);
    assert_eq!(board.status, 200, "{}", board.body);
    let cases = bearer(&app, "GET", "/api/v1/cases", &read, None);
    assert_eq!(cases.status, 200, "{}", cases.body);
    assert!(cases.body.contains("A-1") && !cases.body.contains("B-1"), "{}", cases.body);

    // A write with no session and no forgery token.
    let (case_id, version) = case_of(&app, &write, "A-1");
    let notice = serde_json::json!({ "expected_version": version, "event": { "id": "t1",
        "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" } });
    let events = format!("/api/v1/cases/{case_id}/events");
    let recorded = bearer(&app, "POST", &events, &write, Some(notice.clone()));
    assert_eq!(recorded.status, 201, "{}", recorded.body);

    // A read token may not write, and says why.
    let refused = bearer(&app, "POST", &events, &read, Some(notice));
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.json()["error"], "insufficient_scope");

    // Another organisation's case is not found, as for its session.
    let bo = make_token(db, "bo@b.example.org", "write");
    let (other_case, _) = case_of(&app, &bo, "B-1");
    let hidden = bearer(&app, "GET", &format!("/api/v1/cases/{other_case}"), &write, None);
    assert_eq!(hidden.status, 404, "{}", hidden.body);

    // Every use is audited by the token's id, with the path but never its query.
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let trail = store.audit_log(Some(&org.id)).unwrap();
    let used: Vec<_> = trail.iter().filter(|e| e.action == "api_token.used").collect();
    assert_eq!(used.len(), 6, "{trail:#?}");
    assert!(used.iter().all(|e| e.target.starts_with("api_token:") && !e.detail.contains("q=")), "{used:#?}");
    assert!(
        trail.iter().any(|e| e.action == "event.recorded" || e.action.starts_with("event")),
        "{trail:#?}"
    );
    let listed = amparo(db, &["token", "list", "--org", "clinic-a", "--json"], None);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(listed.as_array().unwrap().iter().all(|t| !t["last_used_at"].is_null()), "{listed:#}");
    assert!(!listed.to_string().contains("amparo_pat_"));
}

fn a_write_records_its_token_use_with_it_and_a_refused_one_alone(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let write = make_token(db, "ana@a.example.org", "write");
    let (case_id, version) = case_of(&app, &write, "A-1");
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let before = store.audit_log(Some(&org.id)).unwrap().len();
    let actions = || -> Vec<String> {
        store.audit_log(Some(&org.id)).unwrap().into_iter().skip(before).map(|e| e.action).collect()
    };

    let notice = serde_json::json!({ "expected_version": version, "event": { "id": "t1",
        "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" } });
    let events = format!("/api/v1/cases/{case_id}/events");
    let recorded = bearer(&app, "POST", &events, &write, Some(notice.clone()));
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    // The use and the event, committed together, next to each other on the chain.
    assert_eq!(actions(), ["api_token.used", "event.recorded"]);

    // The same again, at a version the case has left: refused, and the use recorded all the same.
    let stale = bearer(&app, "POST", &events, &write, Some(notice));
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(actions(), ["api_token.used", "event.recorded", "api_token.used"]);
    assert!(store.verify_audit().unwrap().iter().all(|c| c.outcome.is_ok()));
}

fn a_token_is_refused_with_a_cookie_on_a_page_or_once_revoked(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let token = make_token(db, "ana@a.example.org", "write");
    let (cookie, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let authorization = format!("Bearer {token}");

    let both = app.get_with("/api/v1/cases", &cookie, &[("authorization", &authorization)]);
    assert_eq!(both.status, 400, "{}", both.body);
    assert_eq!(both.json()["error"], "invalid_request");

    let page = bearer(&app, "GET", "/cases", &token, None);
    assert_eq!(page.status, 401, "{}", page.body);

    // The same token with its last digit changed.
    let last = if token.ends_with('0') { "1" } else { "0" };
    let wrong = bearer(&app, "GET", "/api/v1/cases", &format!("{}{last}", &token[..token.len() - 1]), None);
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.header("www-authenticate").is_some_and(|h| h.contains("invalid_token")), "{}", wrong.body);
    let basic = app.get_with("/api/v1/cases", "", &[("authorization", "Basic YW5hOnB3")]);
    assert_eq!(basic.status, 401, "{}", basic.body);

    let listed = amparo(db, &["token", "list", "--org", "clinic-a", "--email", "ana@a.example.org"], None);
    let id = listed.split_whitespace().next().unwrap().to_owned();
    let revoked = amparo(db, &["token", "revoke", "--org", "clinic-a", "--id", &id], None);
    assert!(revoked.contains("revoked"), "{revoked}");
    let after = bearer(&app, "GET", "/api/v1/cases", &token, None);
    assert_eq!(after.status, 401, "{}", after.body);
    assert_eq!(after.json()["error"], "invalid_token");
}

fn each_token_has_its_own_rate(db: &TestDatabase) {
    let app = RouterApp::start_with(db, |state| state.with_token_rate(3));
    let first = make_token(db, "ana@a.example.org", "read");
    let second = make_token(db, "ana@a.example.org", "read");
    for _ in 0..3 {
        assert_eq!(bearer(&app, "GET", "/api/v1/cases", &first, None).status, 200);
    }
    let limited = bearer(&app, "GET", "/api/v1/cases", &first, None);
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert_eq!(limited.header("retry-after"), Some("60"));
    assert_eq!(limited.json()["error"], "rate_limited");
    assert_eq!(bearer(&app, "GET", "/api/v1/cases", &second, None).status, 200);
}

fn the_settings_page_makes_lists_and_revokes_personal_tokens(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (cookie, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let refused =
        app.post_form("/account/tokens", &cookie, &[("csrf", &csrf), ("name", " "), ("scope", "read")]);
    assert_eq!(refused.status, 200);
    assert!(element_text(&refused.body, "token-error").starts_with("Name:"), "{}", refused.body);

    let made = app.post_form(
        "/account/tokens",
        &cookie,
        &[("csrf", &csrf), ("name", "reporting"), ("scope", "read"), ("expires", "30")],
    );
    assert_eq!(made.status, 200, "{}", made.body);
    let token = element_text(&made.body, "new-token");
    assert!(token.starts_with("amparo_pat_"), "{}", made.body);
    assert_eq!(bearer(&app, "GET", "/api/v1/cases", &token, None).status, 200);

    let page = app.get("/account/tokens", &cookie);
    assert!(page.body.contains("reporting") && !page.body.contains(&token), "{}", page.body);
    let id = page.body.split("id=\"api-token-").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form_token = hidden_field(&page.body, "csrf");
    let revoked = app.post_form(&format!("/account/tokens/{id}/revoke"), &cookie, &[("csrf", &form_token)]);
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    assert_eq!(bearer(&app, "GET", "/api/v1/cases", &token, None).status, 401);

    // Bo, of another organisation, cannot revoke Ana's token.
    let (bo, bo_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    let other = app.post_form(&format!("/account/tokens/{id}/revoke"), &bo, &[("csrf", &bo_csrf)]);
    assert_eq!(other.status, 404, "{}", other.body);
}

fn an_administrator_makes_organisation_tokens_acting_as_service_accounts(db: &TestDatabase) {
    use amparo_domain::org::UserRole;
    let app = RouterApp::start(db);
    let admin = app.persona(db, crate::support::Persona::Member(UserRole::Admin));
    let page = app.get("/account/tokens", &admin.cookie);
    assert!(page.body.contains("/account/tokens/organisation"), "{}", page.body);
    let (ana, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let attorney_page = app.get("/account/tokens", &ana);
    assert!(!attorney_page.body.contains("/account/tokens/organisation"), "only for administrators");

    let form = |service: &str, role: &str| {
        let fields = [
            ("csrf", admin.csrf.as_str()),
            ("service", service),
            ("role", role),
            ("name", "intake sync"),
            ("scope", "write"),
            ("expires", "30"),
        ];
        app.post_form("/account/tokens/organisation", &admin.cookie, &fields)
    };
    let made = form("Intake sync", "advocate");
    assert_eq!(made.status, 200, "{}", made.body);
    let token = element_text(&made.body, "new-token");
    assert!(token.starts_with("amparo_oat_"), "{}", made.body);

    // It acts as the service account: an advocate's rights, in the organisation's data.
    let cases = bearer(&app, "GET", "/api/v1/cases", &token, None);
    assert_eq!(cases.status, 200, "{}", cases.body);
    assert!(cases.body.contains("A-1") && !cases.body.contains("B-1"), "{}", cases.body);
    assert_eq!(bearer(&app, "GET", "/api/v1/audit", &token, None).status, 403, "an advocate reads no audit");
    let staff = app.get("/settings/staff", &admin.cookie);
    assert!(staff.body.contains("Intake sync"), "the service account is listed among the staff");

    // The same name keeps its role; no name, or no role, is refused with the field named.
    let other_role = form("Intake sync", "admin");
    assert!(element_text(&other_role.body, "token-error").starts_with("role: "), "{}", other_role.body);
    let unnamed = form(" ", "viewer");
    assert!(element_text(&unnamed.body, "token-error").starts_with("service: "), "{}", unnamed.body);
    let no_role = form("Reports", "owner");
    assert!(element_text(&no_role.body, "token-error").starts_with("Role:"), "{}", no_role.body);

    // The listing names whom it acts as; the making is audited.
    let listed = app.get("/account/tokens", &admin.cookie);
    assert!(listed.body.contains("Intake sync") && !listed.body.contains(&token), "{}", listed.body);
    let trail = app.get("/api/v1/audit", &admin.cookie).body;
    assert!(trail.contains("service_account.created") && trail.contains("api_token.created"));
}
