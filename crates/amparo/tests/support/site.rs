//! The site as a person with a browser uses it, whatever carries the requests (a real server over
//! HTTP, or the router in process): pages, forms and JSON, signing in with a second factor, the
//! language switch.

use std::collections::HashMap;
use std::sync::Mutex;

use amparo_trust::totp::TotpSecret;

use super::reply::{Reply, element_text, hidden_field};

/// One request as the tests write it.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: Vec<(&'a str, &'a str)>,
    /// The body and its content type.
    pub body: Option<(&'static str, String)>,
}

/// What carries requests to the application.
pub trait Transport {
    fn send(&self, request: Request<'_>) -> Reply;
}

/// What a person's authenticator app holds: the secret, and the last step whose code was used.
#[derive(Clone)]
pub struct Authenticator {
    pub secret: String,
    pub last_step: u64,
}

/// Where the server under test reads the time for second-factor codes.
#[derive(Clone, Copy)]
pub enum CodeTime {
    /// The real clock, which moves on.
    Real,
    /// A fixed clock (Unix seconds), which never does.
    Fixed(u64),
}

impl Authenticator {
    /// The next code the server will accept: the current step's, or a later one when that was used
    /// already (the server takes one step of skew), waiting for a real clock when even that is spent.
    pub fn next_code(&mut self, time: CodeTime) -> String {
        let secret = TotpSecret::from_base32(&self.secret).unwrap();
        let read = || match time {
            CodeTime::Real => TotpSecret::step_at(unix_now()),
            CodeTime::Fixed(seconds) => TotpSecret::step_at(seconds),
        };
        let mut now = read();
        let step = now.max(self.last_step + 1);
        while step > now + 1 {
            assert!(matches!(time, CodeTime::Real), "a fixed clock has no fresh second-factor code left");
            std::thread::sleep(std::time::Duration::from_millis(500));
            now = read();
        }
        self.last_step = step;
        secret.code_at_step(step)
    }
}

/// The real time, as a spawned server reads it for second-factor codes.
#[allow(clippy::disallowed_methods)]
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// The application behind a transport, with the second factors people set up along the way.
pub struct Site<T: Transport> {
    pub transport: T,
    code_time: CodeTime,
    /// The second factors set up through [`Site::sign_in`], by email.
    authenticators: Mutex<HashMap<String, Authenticator>>,
}

/// `application/x-www-form-urlencoded`, as a browser encodes a form.
pub fn form_encode(form: &[(&str, &str)]) -> String {
    fn encode(text: &str) -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

impl<T: Transport> Site<T> {
    pub fn new(transport: T, code_time: CodeTime) -> Site<T> {
        Site { transport, code_time, authenticators: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, path: &str, cookie: &str) -> Reply {
        self.get_with(path, cookie, &[])
    }

    /// A GET with extra request headers (`Accept-Language`, say).
    pub fn get_with(&self, path: &str, cookie: &str, headers: &[(&str, &str)]) -> Reply {
        let mut all = vec![("cookie", cookie)];
        all.extend_from_slice(headers);
        self.transport.send(Request { method: "GET", path, headers: all, body: None })
    }

    pub fn post_form(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> Reply {
        let body = Some(("application/x-www-form-urlencoded", form_encode(form)));
        self.transport.send(Request { method: "POST", path, headers: vec![("cookie", cookie)], body })
    }

    /// A form post with extra request headers (`Sec-Fetch-Site`, `Origin`), as a browser sends them.
    pub fn post_form_with(
        &self,
        path: &str,
        cookie: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut all = vec![("cookie", cookie)];
        all.extend_from_slice(headers);
        let body = Some(("application/x-www-form-urlencoded", form_encode(form)));
        self.transport.send(Request { method: "POST", path, headers: all, body })
    }

    pub fn post_json(&self, path: &str, cookie: &str, csrf: &str, body: &serde_json::Value) -> Reply {
        let headers = vec![("cookie", cookie), ("x-csrf-token", csrf)];
        let body = Some(("application/json", body.to_string()));
        self.transport.send(Request { method: "POST", path, headers, body })
    }

    /// A JSON request of any method (`PATCH`, `DELETE`, …) with the session's CSRF token.
    pub fn send_json(
        &self,
        method: &str,
        path: &str,
        (cookie, csrf): (&str, &str),
        body: &serde_json::Value,
    ) -> Reply {
        let headers = vec![("cookie", cookie), ("x-csrf-token", csrf)];
        let body = Some(("application/json", body.to_string()));
        self.transport.send(Request { method, path, headers, body })
    }

    /// Signs in and returns the session cookie and the CSRF token of the session.
    pub fn sign_in(&self, email: &str, password: &str) -> (String, String) {
        let form = self.get("/login", "");
        let login_cookie = form.cookie("amparo_login_csrf").unwrap();
        let csrf = hidden_field(&form.body, "csrf");
        let reply = self.post_form(
            "/login",
            &format!("amparo_login_csrf={login_cookie}"),
            &[("csrf", &csrf), ("next", "/cases"), ("email", email), ("password", password)],
        );
        assert_eq!(reply.status, 303, "{}", reply.body);
        let mut session = format!("amparo_session={}", reply.cookie("amparo_session").unwrap());
        let location = reply.header("location").unwrap_or_default().to_owned();
        if location.starts_with("/login/second-factor") {
            session = self.enter_code(email, &session);
        } else if location.starts_with("/account/security") {
            session = self.enrol(email, &session);
        }
        let page = self.get("/cases", &session);
        (session, hidden_field(&page.body, "csrf"))
    }

    /// Switches the signed-in person's language (stored with them) through the header's switch.
    pub fn choose_language(&self, session: &str, csrf: &str, language: &str) {
        let reply =
            self.post_form("/language", session, &[("csrf", csrf), ("language", language), ("back", "/")]);
        assert_eq!(reply.status, 303, "{}", reply.body);
    }

    /// The second step of a sign-in, with the code of the authenticator set up for `email`.
    pub fn enter_code(&self, email: &str, pending: &str) -> String {
        let code = self.next_code(email);
        let form = self.get("/login/second-factor", pending);
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = hidden_field(&form.body, "csrf");
        let reply = self.post_form("/login/second-factor", pending, &[("csrf", &csrf), ("code", &code)]);
        assert_eq!(reply.status, 303, "{}", reply.body);
        format!("amparo_session={}", reply.cookie("amparo_session").unwrap())
    }

    /// Sets up a second factor from the security page, as a person with an authenticator app does,
    /// and returns the session that replaces `session`.
    pub fn enrol(&self, email: &str, session: &str) -> String {
        let page = self.get("/account/security", session);
        assert_eq!(page.status, 200, "{}", page.body);
        let secret: String = element_text(&page.body, "totp-secret").split_whitespace().collect();
        self.authenticators.lock().unwrap().insert(email.to_owned(), Authenticator { secret, last_step: 0 });
        let code = self.next_code(email);
        let csrf = hidden_field(&page.body, "csrf");
        let reply = self.post_form("/account/security/confirm", session, &[("csrf", &csrf), ("code", &code)]);
        assert_eq!(reply.status, 303, "{}", reply.body);
        format!("amparo_session={}", reply.cookie("amparo_session").unwrap())
    }

    /// The next code of the authenticator set up for `email`.
    pub fn next_code(&self, email: &str) -> String {
        let mut authenticators = self.authenticators.lock().unwrap();
        let authenticator =
            authenticators.get_mut(email).unwrap_or_else(|| panic!("no authenticator for {email}"));
        authenticator.next_code(self.code_time)
    }

    /// The authenticator set up for `email`, if any.
    pub fn authenticator(&self, email: &str) -> Option<Authenticator> {
        self.authenticators.lock().unwrap().get(email).cloned()
    }

    pub fn case_id(&self, session: &str, reference: &str) -> (String, i64) {
        let list = self.get(&format!("/api/v1/cases?q={reference}"), session).json();
        let case = &list["items"][0];
        (case["id"].as_str().unwrap().to_owned(), case["version"].as_i64().unwrap())
    }

    /// Records a termination notice on `case` as the signed-in `(session, csrf)`, which opens an
    /// escalation on a critical-care case; returns the ids of the escalation's tasks.
    pub fn terminate_and_escalate(&self, case: &str, (session, csrf): (&str, &str)) -> Vec<String> {
        let version = self.get(&format!("/api/v1/cases/{case}"), session).json()["version"].clone();
        let notice = serde_json::json!({ "expected_version": version, "event": { "id": "t1",
            "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" } });
        let recorded = self.post_json(&format!("/api/v1/cases/{case}/events"), session, csrf, &notice);
        assert_eq!(recorded.status, 201, "{}", recorded.body);
        let escalations = self.get(&format!("/api/v1/cases/{case}/escalations"), session).json();
        escalations["items"][0]["tasks"]
            .as_array()
            .unwrap_or_else(|| panic!("no escalation: {escalations}"))
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    }
}
