//! The web app and API through a real HTTP client, against the real `amparo serve` process, on both
//! backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use amparo_store::testing::TestDatabase;

const PASSWORD: &str = "correct horse battery staple";

fn amparo(db: &TestDatabase, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amparo"))
        .args(args)
        .args(["--database", &db.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "amparo {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A running server with two organisations, a user in each, and one case in the first.
struct TestApp {
    base: String,
    server: Child,
    agent: ureq::Agent,
    _dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

fn case_json(reference: &str, given: &str) -> String {
    serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "people": [
                { "key": "p1", "role": "patient", "given_name": given, "family_name": "Ejemplo",
                  "a_number": "A012345678" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 3 }
        },
        "events": [
            { "id": "e1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" },
            { "id": "e2", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-07-02", "supersedes": "e1" }
        ]
    })
    .to_string()
}

impl TestApp {
    fn start(db: &TestDatabase) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        amparo(db, &["org", "add", "clinic-a", "--name", "Clinic A"], None);
        amparo(db, &["org", "add", "clinic-b", "--name", "Clinic B"], None);
        for (org, email) in [("clinic-a", "ana@a.example.org"), ("clinic-b", "bo@b.example.org")] {
            let args =
                ["user", "add", "--org", org, "--email", email, "--name", "Test User", "--role", "attorney"];
            amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
        }
        for (org, reference, given) in [("clinic-a", "A-1", "Lucía"), ("clinic-b", "B-1", "Iker")] {
            let path = dir.path().join(format!("{reference}.json"));
            std::fs::write(&path, case_json(reference, given)).unwrap();
            amparo(db, &["import", "--org", org, path.to_str().unwrap()], None);
        }
        let mut server = Command::new(env!("CARGO_BIN_EXE_amparo"))
            .args(["serve", "--bind", "127.0.0.1:0", "--database", &db.url])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("server exited before listening").unwrap();
            if let Some(address) = line.strip_prefix("listening on ") {
                break address.to_owned();
            }
        };
        let agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
        TestApp { base, server, agent, _dir: dir }
    }

    fn get(&self, path: &str, cookie: &str) -> Reply {
        Reply::from(self.agent.get(format!("{}{path}", self.base)).header("cookie", cookie).call().unwrap())
    }

    fn post_form(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> Reply {
        let request = self.agent.post(format!("{}{path}", self.base)).header("cookie", cookie);
        Reply::from(request.send_form(form.iter().copied()).unwrap())
    }

    fn post_json(&self, path: &str, cookie: &str, csrf: &str, body: &serde_json::Value) -> Reply {
        let request = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .header("content-type", "application/json");
        Reply::from(request.send(body.to_string()).unwrap())
    }

    /// Signs in and returns the session cookie and the CSRF token of the session.
    fn sign_in(&self, email: &str, password: &str) -> (String, String) {
        let form = self.get("/login", "");
        let login_cookie = form.cookie("amparo_login_csrf").unwrap();
        let csrf = hidden_field(&form.body, "csrf");
        let reply = self.post_form(
            "/login",
            &format!("amparo_login_csrf={login_cookie}"),
            &[("csrf", &csrf), ("next", "/cases"), ("email", email), ("password", password)],
        );
        assert_eq!(reply.status, 303, "{}", reply.body);
        let session = format!("amparo_session={}", reply.cookie("amparo_session").unwrap());
        let page = self.get("/cases", &session);
        (session, hidden_field(&page.body, "csrf"))
    }

    fn case_id(&self, session: &str, reference: &str) -> (String, i64) {
        let list = self.get(&format!("/api/v1/cases?q={reference}"), session).json();
        let case = &list["cases"][0];
        (case["id"].as_str().unwrap().to_owned(), case["version"].as_i64().unwrap())
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl From<ureq::http::Response<ureq::Body>> for Reply {
    fn from(mut response: ureq::http::Response<ureq::Body>) -> Self {
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        Reply {
            status: response.status().as_u16(),
            headers,
            body: response.body_mut().read_to_string().unwrap(),
        }
    }
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn set_cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.as_str())
            .find(|v| v.starts_with(&format!("{name}=")))
    }

    fn cookie(&self, name: &str) -> Option<String> {
        let header = self.set_cookie(name)?;
        Some(header.split(';').next()?.split_once('=')?.1.to_owned())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} field in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(&amparo_store::testing::TestDatabase::sqlite());
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                match amparo_store::testing::TestDatabase::postgres() {
                    Some(db) => super::$name(&db),
                    None => eprintln!("PostgreSQL HTTP test skipped: set AMPARO_TEST_POSTGRES_URL"),
                }
            })*
        }
    };
}

on_both_backends!(
    health_and_security_headers,
    anonymous_visitors_are_sent_to_sign_in,
    sign_in_is_uniform_and_csrf_protected,
    signed_in_user_reads_cases,
    api_writes_are_versioned_and_validated,
    organisations_cannot_see_each_other,
    signing_out_ends_the_session,
    case_page_follows_the_organisation_policy,
);

fn case_page_follows_the_organisation_policy(db: &TestDatabase) {
    let app = TestApp::start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&session, "A-1");
    let page = app.get(&format!("/cases/{id}"), &session);
    assert!(
        page.body.contains("<strong>2026-04-03</strong> — re parole file by"),
        "90 days before 2026-07-02"
    );
    amparo(db, &["org", "policy", "--org", "clinic-a", "--re-parole-lead-days", "120"], None);
    let page = app.get(&format!("/cases/{id}"), &session);
    assert!(
        page.body.contains("<strong>2026-03-04</strong> — re parole file by"),
        "120 days before 2026-07-02"
    );
}

fn health_and_security_headers(db: &TestDatabase) {
    let app = TestApp::start(db);
    let health = app.get("/health", "");
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let csp = health.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
}

fn anonymous_visitors_are_sent_to_sign_in(db: &TestDatabase) {
    let app = TestApp::start(db);
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
    let app = TestApp::start(db);
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
    assert_eq!(ok.header("location"), Some("/cases"));
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
    assert_eq!(offsite.header("location"), Some("/cases"), "only local redirects after sign-in");
}

fn signed_in_user_reads_cases(db: &TestDatabase) {
    let app = TestApp::start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let list = app.get("/cases", &session);
    assert_eq!(list.status, 200);
    assert!(list.body.contains("A-1") && list.body.contains("Lucía Ejemplo"), "{}", list.body);
    let empty = app.get("/cases?q=zzz", &session);
    assert!(empty.body.contains("No cases found"));
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
    let app = TestApp::start(db);
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
    let app = TestApp::start(db);
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
    assert_eq!(b_list["cases"][0]["reference"], "B-1");
}

fn signing_out_ends_the_session(db: &TestDatabase) {
    let app = TestApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    assert_eq!(app.post_form("/logout", &session, &[("csrf", "forged")]).status, 403);
    assert_eq!(app.get("/cases", &session).status, 200, "a forged sign-out must not end the session");
    let out = app.post_form("/logout", &session, &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    assert_eq!(app.get("/cases", &session).status, 303, "the old cookie no longer works");
}
