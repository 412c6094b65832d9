//! The site as a whole, on both backends, through the router in process: health and security
//! headers, anonymous visitors sent to sign in, a uniform CSRF-protected sign-in, reading cases,
//! versioned API writes, organisations kept apart, signing out, the organisation's policy on the
//! case page, password guessing throttled. HSTS and `Secure` cookies from a settings file are
//! checked on the real `amparo serve`.

use crate::support::{PASSWORD, Reply, RouterApp, TestApp, amparo, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    health_and_security_headers,
    hsts_only_when_served_over_https,
    anonymous_visitors_are_sent_to_sign_in,
    sign_in_is_uniform_and_csrf_protected,
    signed_in_user_reads_cases,
    api_writes_are_versioned_and_validated,
    organisations_cannot_see_each_other,
    signing_out_ends_the_session,
    case_page_follows_the_organisation_policy,
    password_guessing_is_throttled,
);

fn password_guessing_is_throttled(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let form = app.get("/login", "");
    let login_cookie = format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let csrf = hidden_field(&form.body, "csrf");
    let attempt = |email: &str, password: &str| {
        app.post_form("/login", &login_cookie, &[("csrf", &csrf), ("email", email), ("password", password)])
    };
    for guess in 0..5 {
        assert_eq!(attempt("ana@a.example.org", &format!("guess number {guess} of many")).status, 401);
    }
    // Now even the right password is refused, without saying whether it was right.
    let throttled = attempt("ana@a.example.org", PASSWORD);
    assert_eq!(throttled.status, 429);
    assert!(throttled.body.contains("Too many failed sign-ins"), "{}", throttled.body);
    let retry: i64 = throttled.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(throttled.set_cookie("amparo_session").is_none());
    // Another account from the same address is not locked out by one account's guesses.
    assert_eq!(attempt("bo@b.example.org", PASSWORD).status, 303);
}

fn case_page_follows_the_organisation_policy(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&session, "A-1");
    let page = app.get(&format!("/cases/{id}"), &session);
    assert!(
        page.body.contains("<strong>April 3, 2026</strong> — File re-parole by"),
        "90 days before 2026-07-02"
    );
    amparo(db, &["org", "policy", "--org", "clinic-a", "--re-parole-lead-days", "120"], None);
    let page = app.get(&format!("/cases/{id}"), &session);
    assert!(
        page.body.contains("<strong>March 4, 2026</strong> — File re-parole by"),
        "120 days before 2026-07-02"
    );
}

fn health_and_security_headers(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let health = app.get("/health", "");
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let csp = health.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
}

fn hsts_only_when_served_over_https(db: &TestDatabase) {
    let plain = RouterApp::start(db);
    assert_eq!(plain.get("/health", "").header("strict-transport-security"), None);
    drop(plain);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("amparo.toml");
    std::fs::write(&config, "secure_cookies = true\n").unwrap();
    let https = TestApp::serve_with_env(db, dir, &[("AMPARO_CONFIG", config.to_string_lossy().into_owned())]);
    let health = https.get("/health", "");
    assert_eq!(health.header("strict-transport-security"), Some("max-age=31536000; includeSubDomains"));
    let form = https.get("/login", "");
    assert!(form.set_cookie("amparo_login_csrf").unwrap().contains("Secure"), "cookies are Secure too");
}

fn anonymous_visitors_are_sent_to_sign_in(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let page = app.get("/cases?q=x", "");
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), Some("/login?next=/cases%3Fq%3Dx"));
    let api = app.get("/api/v1/cases", "");
    assert_eq!(api.status, 401);
    assert_eq!(api.json()["error"], "unauthenticated");
    let forged = app.get("/cases", "amparo_session=0000");
    assert_eq!(forged.status, 303);
}

fn sign_in_is_uniform_and_csrf_protected(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let form = app.get("/login", "");
    let cookie = form.cookie("amparo_login_csrf").unwrap();
    let csrf = hidden_field(&form.body, "csrf");
    let login_cookie = format!("amparo_login_csrf={cookie}");
    let attempt = |email: &str, password: &str| {
        app.post_form("/login", &login_cookie, &[("csrf", &csrf), ("email", email), ("password", password)])
    };
    let wrong_password = attempt("ana@a.example.org", "not the right password at all");
    let unknown_user = attempt("nobody@a.example.org", PASSWORD);
    assert_eq!(wrong_password.status, 401);
    assert_eq!(unknown_user.status, 401);
    let message =
        |r: &Reply| r.body.split("role=\"alert\"").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert_eq!(message(&wrong_password), message(&unknown_user), "the two failures must look the same");
    assert!(wrong_password.set_cookie("amparo_session").is_none());
    let no_csrf = app.post_form(
        "/login",
        "",
        &[("csrf", &csrf), ("email", "ana@a.example.org"), ("password", PASSWORD)],
    );
    assert_eq!(no_csrf.status, 403);
    let ok = attempt("Ana@A.example.org", PASSWORD);
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), Some("/"), "sign-in leads to the dashboard");
    let session = ok.set_cookie("amparo_session").unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"), "{session}");
    let offsite = app.post_form(
        "/login",
        &login_cookie,
        &[
            ("csrf", &csrf),
            ("next", "//evil.example"),
            ("email", "ana@a.example.org"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(offsite.header("location"), Some("/"), "only local redirects after sign-in");
}

fn signed_in_user_reads_cases(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let list = app.get("/cases", &session);
    assert_eq!(list.status, 200);
    assert!(list.body.contains("A-1") && list.body.contains("Lucía Ejemplo"), "{}", list.body);
    assert!(list.body.contains("critical care"), "3 days to harm: marked critical care in the list");
    let api_list = app.get("/api/v1/cases", &session).json();
    assert_eq!(api_list["items"][0]["critical_care"], true);
    let empty = app.get("/cases?q=zzz", &session);
    assert!(empty.body.contains("No case matches this search and these filters."));
    let (id, version) = app.case_id(&session, "A-1");
    assert_eq!(version, 1);
    let page = app.get(&format!("/cases/{id}"), &session);
    assert_eq!(page.status, 200);
    for expected in
        ["Case A-1", "Lucía Ejemplo", "short bowel syndrome", "A012345678", "<del>", "corrected by"]
    {
        assert!(page.body.contains(expected), "case page lacks {expected:?}");
    }
    assert_eq!(app.get("/cases/no-such-case", &session).status, 404);
    let api = app.get(&format!("/api/v1/cases/{id}"), &session).json();
    assert_eq!(api["file"]["case"]["reference"], "A-1");
    assert_eq!(api["file"]["events"].as_array().unwrap().len(), 2);
}

fn api_writes_are_versioned_and_validated(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&session, "A-1");
    let path = format!("/api/v1/cases/{id}/events");
    let notice = serde_json::json!({ "expected_version": version, "event": {
        "id": "e3", "type": "termination_notice", "on": "2026-03-02", "served_by": "mail", "depart_by": "2026-03-09" } });
    assert_eq!(app.post_json(&path, &session, "wrong", &notice).status, 403);
    let created = app.post_json(&path, &session, &csrf, &notice);
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.json()["version"], version + 1);
    let stale = app.post_json(&path, &session, &csrf, &notice);
    assert_eq!(stale.status, 409);
    assert_eq!(stale.json()["error"], "conflict");
    let bad_person = serde_json::json!({ "expected_version": version + 1, "event": {
        "type": "departed", "on": "2026-03-05", "persons": ["x1"] } });
    let refused = app.post_json(&path, &session, &csrf, &bad_person);
    assert_eq!(refused.status, 422);
    assert!(refused.json()["message"].as_str().unwrap().starts_with("event.persons[0]"), "{}", refused.body);
    let bad_date = serde_json::json!({ "expected_version": version + 1, "event": { "type": "departed", "on": "2026-02-30" } });
    let refused = app.post_json(&path, &session, &csrf, &bad_date);
    assert_eq!(refused.status, 422);
    assert!(
        refused.json()["message"].as_str().unwrap().starts_with("event.on: not a date"),
        "{}",
        refused.body
    );
    let case = app.get(&format!("/api/v1/cases/{id}"), &session).json();
    assert_eq!(case["version"], version + 1);
    assert_eq!(case["file"]["events"].as_array().unwrap().len(), 3, "refused writes left nothing behind");
}

fn organisations_cannot_see_each_other(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (a_session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (b_session, b_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    let (a_case, _) = app.case_id(&a_session, "A-1");
    assert_eq!(app.get(&format!("/cases/{a_case}"), &b_session).status, 404);
    assert_eq!(app.get(&format!("/api/v1/cases/{a_case}"), &b_session).status, 404);
    let write =
        serde_json::json!({ "expected_version": 1, "event": { "type": "departed", "on": "2026-03-05" } });
    assert_eq!(
        app.post_json(&format!("/api/v1/cases/{a_case}/events"), &b_session, &b_csrf, &write).status,
        404
    );
    let b_list = app.get("/api/v1/cases", &b_session).json();
    assert_eq!(b_list["total"], 1);
    assert_eq!(b_list["items"][0]["reference"], "B-1");
}

fn signing_out_ends_the_session(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    assert_eq!(app.post_form("/logout", &session, &[("csrf", "forged")]).status, 403);
    assert_eq!(app.get("/cases", &session).status, 200, "a forged sign-out must not end the session");
    let out = app.post_form("/logout", &session, &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    assert_eq!(app.get("/cases", &session).status, 303, "the old cookie no longer works");
}
