//! The application in process: `amparo_web::router` over an `AppState` whose clock is fixed, each
//! request sent through `tower::ServiceExt::oneshot`. No server, no port, no child process: the
//! page and API tests that need none of those run here, with personas for each kind of visitor.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_web::{AppState, FixedClock};
use axum::body::Body;
use axum::extract::ConnectInfo;
use chrono::{DateTime, Utc};
use tower::ServiceExt as _;

use super::fixtures::{PASSWORD, add_user, seed_two_clinics_in_store};
use super::reply::Reply;
use super::site::{CodeTime, Request, Site, Transport, unix_now};

/// The router of one test, and the runtime its handlers run on.
pub struct InProcess {
    router: axum::Router,
    runtime: tokio::runtime::Runtime,
    /// The time the application's clock always says.
    pub now: DateTime<Utc>,
    /// A scratch folder (the seeded case files, for one).
    pub dir: tempfile::TempDir,
    /// Everything the application logs while handling this test's requests, at debug level, as
    /// the real server's log would hold it; checked for personal data when the test ends.
    log: Log,
    dispatch: tracing::Dispatch,
    /// The application's sign-in throttle, to count the passwords and codes it let through.
    pub throttle: Arc<amparo_web::Throttle>,
}

/// A log kept in memory.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl InProcess {
    /// What the application logged so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.log.0.lock().unwrap()).into_owned()
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        super::log_scan::assert_no_personal_data("the application", &self.log());
    }
}

/// The application in process, seeded like [`super::TestApp::start`].
pub type RouterApp = Site<InProcess>;

/// The peer address every in-process request claims, as the real server passes it on.
const PEER: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 40000);

impl InProcess {
    /// `request` as the router takes it, from the peer address every in-process request claims.
    fn http_request(request: Request<'_>) -> axum::http::Request<Body> {
        let mut builder = axum::http::Request::builder().method(request.method).uri(request.path);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        let body = match request.body {
            Some((content_type, body)) => {
                builder = builder.header("content-type", content_type);
                Body::from(body)
            }
            None => Body::empty(),
        };
        let mut http_request = builder.body(body).unwrap();
        http_request.extensions_mut().insert(ConnectInfo(PEER));
        http_request
    }

    async fn answer(router: axum::Router, http_request: axum::http::Request<Body>) -> Reply {
        let response = router.oneshot(http_request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let bytes = bytes.to_vec();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes }
    }

    /// Sends every request at once, as a burst of parallel clients would, and waits for all the
    /// replies (in the order they came back).
    pub fn send_all(&self, requests: Vec<Request<'_>>) -> Vec<Reply> {
        let _logging = tracing::dispatcher::set_default(&self.dispatch);
        self.runtime.block_on(async {
            let mut running = tokio::task::JoinSet::new();
            for request in requests {
                running.spawn(Self::answer(self.router.clone(), Self::http_request(request)));
            }
            let mut replies = Vec::new();
            while let Some(reply) = running.join_next().await {
                replies.push(reply.unwrap());
            }
            replies
        })
    }
}

impl Transport for InProcess {
    fn send(&self, request: Request<'_>) -> Reply {
        let http_request = Self::http_request(request);
        let _logging = tracing::dispatcher::set_default(&self.dispatch);
        self.runtime.block_on(Self::answer(self.router.clone(), http_request))
    }
}

/// The real time to the second, fixed from then on: stored records written through the command line
/// during seeding and the application's clock then agree on the day.
fn now_to_the_second() -> DateTime<Utc> {
    DateTime::from_timestamp(unix_now() as i64, 0).unwrap()
}

impl Site<InProcess> {
    /// What the application logged so far.
    pub fn server_log(&self) -> String {
        self.transport.log()
    }

    /// Two organisations, an attorney in each, a case in each, written through the store; the
    /// application's clock fixed now.
    pub fn start(db: &TestDatabase) -> RouterApp {
        let now = now_to_the_second();
        seed_two_clinics_in_store(db, now);
        RouterApp::at(db, tempfile::tempdir().unwrap(), now)
    }

    /// As [`RouterApp::start`], with the application's state set up by `configure`.
    pub fn start_with(db: &TestDatabase, configure: impl FnOnce(AppState) -> AppState) -> RouterApp {
        let now = now_to_the_second();
        seed_two_clinics_in_store(db, now);
        RouterApp::configured(db.store(), tempfile::tempdir().unwrap(), now, configure)
    }

    /// The application over a database already seeded, its clock fixed now.
    pub fn over(db: &TestDatabase, dir: tempfile::TempDir) -> RouterApp {
        RouterApp::at(db, dir, now_to_the_second())
    }

    /// The application over a database already seeded, its clock fixed at `now`.
    pub fn at(db: &TestDatabase, dir: tempfile::TempDir, now: DateTime<Utc>) -> RouterApp {
        RouterApp::configured(db.store(), dir, now, |state| state)
    }

    /// The application over `store` (a second one over the same database, opened another way),
    /// its clock fixed at `now` and its state set up by `configure`.
    pub fn configured(
        store: Arc<amparo_store::Store>,
        dir: tempfile::TempDir,
        now: DateTime<Utc>,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> RouterApp {
        let state = configure(AppState::new(store, Arc::new(FixedClock(now)), false));
        let throttle = state.throttle.clone();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let router = amparo_web::router(state);
        let seconds = u64::try_from(now.timestamp()).unwrap();
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let dispatch = tracing::Dispatch::new(subscriber);
        Site::new(InProcess { router, runtime, now, dir, log, dispatch, throttle }, CodeTime::Fixed(seconds))
    }

    /// Signs in as `persona` (adding the member first, for a role) and returns the session.
    pub fn persona(&self, db: &TestDatabase, persona: Persona) -> Session {
        match persona {
            Persona::Anonymous => Session { cookie: String::new(), csrf: String::new() },
            Persona::Member(role) => {
                let email = format!("{}@a.example.org", role.as_str());
                add_user(db, "clinic-a", &email, "Test Member", role.as_str());
                let (cookie, csrf) = self.sign_in(&email, PASSWORD);
                Session { cookie, csrf }
            }
        }
    }
}

/// Who is at the keyboard.
#[derive(Clone, Copy, Debug)]
pub enum Persona {
    /// No session at all.
    Anonymous,
    /// A member of clinic A with this role, signed in through the real sign-in form (an
    /// administrator sets up a second factor on the way, as the site requires).
    Member(UserRole),
}

/// A session cookie (`amparo_session=...`, empty when anonymous) and its CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}
