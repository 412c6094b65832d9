//! Shared by the HTTP test files: the CLI runner, a real `amparo serve` child process with a `ureq`
//! client, reply helpers, and the macro that runs every test on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use std::collections::HashMap;
use std::sync::Mutex;

use amparo_store::testing::TestDatabase;
use amparo_trust::totp::TotpSecret;

pub const PASSWORD: &str = "tamarind lantern quietly orbits";

pub fn amparo(db: &TestDatabase, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amparo"))
        .args(args)
        .args(["--database", &db.url])
        .envs(db.key_env())
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
pub struct TestApp {
    pub base: String,
    server: Child,
    agent: ureq::Agent,
    pub dir: tempfile::TempDir,
    /// The second factors set up through [`TestApp::sign_in`], by email.
    authenticators: Mutex<HashMap<String, Authenticator>>,
}

/// What a person's authenticator app holds: the secret, and the last step whose code was used.
#[derive(Clone)]
pub struct Authenticator {
    pub secret: String,
    pub last_step: u64,
}

impl Authenticator {
    /// The next code the server will accept: the current step's, or a later one when that was used
    /// already (the server takes one step of skew), waiting for the clock when even that is spent.
    pub fn next_code(&mut self) -> String {
        let secret = TotpSecret::from_base32(&self.secret).unwrap();
        let mut now = TotpSecret::step_at(unix_now());
        let step = now.max(self.last_step + 1);
        while step > now + 1 {
            std::thread::sleep(std::time::Duration::from_millis(500));
            now = TotpSecret::step_at(unix_now());
        }
        self.last_step = step;
        secret.code_at_step(step)
    }
}

/// The real time, as the server under test reads it for second-factor codes.
#[allow(clippy::disallowed_methods)]
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// The text of the element with this id, e.g. the second-factor key on the security page.
pub fn element_text(html: &str, id: &str) -> String {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in:\n{html}"));
    let open_end = start + html[start..].find('>').unwrap() + 1;
    let close = open_end + html[open_end..].find('<').unwrap();
    html[open_end..close].to_owned()
}

/// The server's log, in the test's folder.
pub const SERVER_LOG: &str = "server.log";

/// Personal data the HTTP tests seed (names, A-numbers, diagnoses): none may reach a log.
pub const SEEDED_PERSONAL_DATA: &[&str] =
    &["Lucía", "Iker", "Ejemplo", "Rosa", "A012345678", "012345678", "short bowel syndrome"];

impl TestApp {
    /// What the server logged so far.
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(SERVER_LOG)).unwrap_or_default()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
        if std::thread::panicking() {
            return;
        }
        let log = self.server_log();
        for value in SEEDED_PERSONAL_DATA {
            assert!(!log.contains(value), "the server logged personal data ({value}):\n{log}");
        }
    }
}

/// Adds a member to an organisation through the CLI, with the tests' password.
pub fn add_user(db: &TestDatabase, org: &str, email: &str, name: &str, role: &str) {
    let args = ["user", "add", "--org", org, "--email", email, "--name", name, "--role", role];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
}

pub fn case_json(reference: &str, given: &str) -> String {
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
    pub fn start(db: &TestDatabase) -> TestApp {
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
        TestApp::serve(db, dir)
    }

    /// Starts `amparo serve` on a free port over a database already seeded.
    pub fn serve(db: &TestDatabase, dir: tempfile::TempDir) -> TestApp {
        TestApp::serve_with_env(db, dir, &[])
    }

    /// [`TestApp::serve`] with more environment variables for the server (a config file, say).
    pub fn serve_with_env(db: &TestDatabase, dir: tempfile::TempDir, env: &[(&str, String)]) -> TestApp {
        // Every server of the HTTP tests logs at debug level into a file that is checked for
        // personal data when the test ends (see `Drop`).
        let log = std::fs::File::create(dir.path().join(SERVER_LOG)).unwrap();
        let mut server = Command::new(env!("CARGO_BIN_EXE_amparo"))
            .args(["serve", "--bind", "127.0.0.1:0", "--database", &db.url])
            .envs(db.key_env())
            .env("AMPARO_LOG", "debug")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("server exited before listening").unwrap();
            if let Some(address) = line.strip_prefix("listening on ") {
                break address.to_owned();
            }
        };
        // No kept-alive connections: the server closes one after refusing a request whose body it did
        // not read, and a client reusing it would fail the next request for reasons of its own.
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(0)
            .build()
            .new_agent();
        TestApp { base, server, agent, dir, authenticators: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, path: &str, cookie: &str) -> Reply {
        Reply::from(self.agent.get(format!("{}{path}", self.base)).header("cookie", cookie).call().unwrap())
    }

    /// A GET with extra request headers (`Accept-Language`, say).
    pub fn get_with(&self, path: &str, cookie: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.get(format!("{}{path}", self.base)).header("cookie", cookie);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.call().unwrap())
    }

    pub fn post_form(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> Reply {
        let request = self.agent.post(format!("{}{path}", self.base)).header("cookie", cookie);
        Reply::from(request.send_form(form.iter().copied()).unwrap())
    }

    pub fn post_json(&self, path: &str, cookie: &str, csrf: &str, body: &serde_json::Value) -> Reply {
        let request = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .header("content-type", "application/json");
        Reply::from(request.send(body.to_string()).unwrap())
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
        authenticator.next_code()
    }

    /// The authenticator set up for `email`, if any.
    pub fn authenticator(&self, email: &str) -> Option<Authenticator> {
        self.authenticators.lock().unwrap().get(email).cloned()
    }

    pub fn case_id(&self, session: &str, reference: &str) -> (String, i64) {
        let list = self.get(&format!("/api/v1/cases?q={reference}"), session).json();
        let case = &list["cases"][0];
        (case["id"].as_str().unwrap().to_owned(), case["version"].as_i64().unwrap())
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
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
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.as_str())
            .find(|v| v.starts_with(&format!("{name}=")))
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.set_cookie(name)?;
        Some(header.split(';').next()?.split_once('=')?.1.to_owned())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} field in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}
