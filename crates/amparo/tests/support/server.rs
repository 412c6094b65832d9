//! A real `amparo serve` child process on a free port, reached with a real HTTP client: for what
//! only the real server proves (its logs, headers on the wire, the configuration it is started with).

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use amparo_store::testing::TestDatabase;

use super::cli::command;
use super::fixtures::seed_two_clinics;
use super::reply::Reply;
use super::site::{CodeTime, Request, Site, Transport};

/// The server's log, in the test's folder.
pub const SERVER_LOG: &str = "server.log";

/// A running server with two organisations, a user in each, and one case in each.
pub type TestApp = Site<Server>;

/// The server process and the client that talks to it.
pub struct Server {
    pub base: String,
    child: Child,
    agent: ureq::Agent,
    pub dir: tempfile::TempDir,
}

impl Transport for Server {
    fn send(&self, request: Request<'_>) -> Reply {
        let url = format!("{}{}", self.base, request.path);
        let response = match request.body {
            None => {
                let mut builder = self.agent.get(url);
                for (name, value) in request.headers {
                    builder = builder.header(name, value);
                }
                builder.call()
            }
            Some((content_type, body)) => {
                let mut builder = self.agent.post(url).header("content-type", content_type);
                for (name, value) in request.headers {
                    builder = builder.header(name, value);
                }
                builder.send(body)
            }
        };
        Reply::from(response.unwrap())
    }
}

impl From<ureq::http::Response<ureq::Body>> for Reply {
    fn from(mut response: ureq::http::Response<ureq::Body>) -> Self {
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let bytes = response.body_mut().read_to_vec().unwrap();
        Reply {
            status: response.status().as_u16(),
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }
}

impl Site<Server> {
    pub fn start(db: &TestDatabase) -> TestApp {
        let dir = seed_two_clinics(db);
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
        let mut child = command()
            .args(["serve", "--bind", "127.0.0.1:0", "--database", &db.url])
            .envs(db.key_env())
            .env("AMPARO_LOG", "debug")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
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
        Site::new(Server { base, child, agent, dir }, CodeTime::Real)
    }

    /// The address the server listens on (`http://127.0.0.1:PORT`).
    pub fn base(&self) -> &str {
        &self.transport.base
    }

    /// What the server logged so far.
    pub fn server_log(&self) -> String {
        self.transport.server_log()
    }
}

impl Server {
    fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(SERVER_LOG)).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            return;
        }
        super::log_scan::assert_no_personal_data("the server", &self.server_log());
    }
}
