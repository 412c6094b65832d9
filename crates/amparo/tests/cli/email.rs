//! Notifications end to end: the real binary computes the day's notices and delivers them to a real
//! SMTP server (Python's aiosmtpd, started on a free loopback port), which records what it accepted.
//! A refused or dropped connection is retried; a worker killed mid-batch and restarted sends each
//! message once. Calendar feeds are parsed by Python's `icalendar`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{PASSWORD, Run, amparo, case_json, command, run_on};
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::{DeadlineQuery, OrgId, Store, UserId};

const SUPPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support");

/// The real time: the binary stamps notices with it and expires stale ones, so the test's own writes
/// must use it too.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Whether Python has aiosmtpd and icalendar; under CI their absence fails the run.
fn python_ready() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd, icalendar"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but python3 lacks aiosmtpd or icalendar (pip install aiosmtpd icalendar)");
        }
        eprintln!("notification test skipped: pip install aiosmtpd icalendar");
    }
    ok
}

/// A recording SMTP server on a free loopback port.
struct Sink {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Sink {
    fn start(dir: &Path, name: &str, extra: &[&str]) -> Sink {
        let out = dir.join(format!("{name}.jsonl"));
        let mut child = Command::new("python3")
            .arg(format!("{SUPPORT}/smtp_sink.py"))
            .args(["--out", out.to_str().unwrap()])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("port ").expect("the sink prints its port").parse().unwrap();
        Sink { child, port, out }
    }

    fn events(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn messages(&self) -> Vec<serde_json::Value> {
        self.events().into_iter().filter(|e| e["event"] == "message").collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn config(dir: &Path, port: u16, extra: &str) -> PathBuf {
    let path = dir.join("amparo.toml");
    let text = format!(
        "public_url = \"https://amparo.example.org\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\n\
         security = \"none\"\nfrom = \"Amparo <reminders@legal-aid.example.org>\"\ntimeout_seconds = 1\n{extra}"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the binary with a configuration file; returns its standard output.
fn amparo_with(db: &TestDatabase, config: &Path, args: &[&str]) -> String {
    Run::new(&["--config", config.to_str().unwrap()]).args(args).on(db).outcome().stdout()
}

struct Staffed {
    store: std::sync::Arc<Store>,
    org: OrgId,
    users: BTreeMap<&'static str, UserId>,
    dir: tempfile::TempDir,
}

/// An organisation with an attorney reading Spanish, an advocate and a clinician reading English,
/// and `cases` cases they all work on.
fn staffed(db: &TestDatabase, cases: usize) -> Staffed {
    let dir = tempfile::tempdir().unwrap();
    amparo(db, &["org", "add", "clinic-a", "--name", "Clinic A"], None);
    for (email, role, language) in [
        ("abogada@a.example.org", "attorney", "es"),
        ("advocate@a.example.org", "advocate", "en"),
        ("clinician@a.example.org", "clinician", "en"),
    ] {
        let args =
            ["user", "add", "--email", email, "--name", "Staff", "--role", role, "--language", language];
        amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
    }
    let mut paths = Vec::new();
    for n in 0..cases {
        let path = dir.path().join(format!("{n}.json"));
        std::fs::write(&path, case_json(&format!("HP-{n:04}"), "Lucía")).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    amparo(db, &[&["import"][..], &refs].concat(), None);
    let store = db.store();
    let org = store.organisations().unwrap().remove(0).id;
    let mut users = BTreeMap::new();
    for user in store.users(&org).unwrap() {
        let role = match user.role {
            UserRole::Attorney => "attorney",
            UserRole::Advocate => "advocate",
            _ => "clinician",
        };
        users.insert(role, user.id);
    }
    for (case, _) in store.case_references(&org).unwrap() {
        for (role, name) in [
            (UserRole::Attorney, "attorney"),
            (UserRole::Advocate, "advocate"),
            (UserRole::Clinician, "clinician"),
        ] {
            store.assign(&org, &case, role, Some(&users[name]), wall_clock()).unwrap();
        }
    }
    Staffed { store, org, users, dir }
}

impl Staffed {
    /// The day a reminder `days` before the cases' parole ends goes out.
    fn day_before_parole_ends(&self, days: i64) -> String {
        let query = DeadlineQuery {
            from: "2000-01-01".parse().unwrap(),
            to: "2100-01-01".parse().unwrap(),
            kind: Some("parole_ends".into()),
        };
        self.store.deadlines_due(&self.org, &query).unwrap()[0].due.add_days(-days).to_string()
    }
}

amparo_store::on_both_backends!(
    reminders_reach_the_right_inbox_in_the_right_language,
    address_reports_remind_the_advocate_and_a_revocation_response_both,
    a_refused_or_dropped_connection_is_retried,
    a_worker_killed_mid_batch_sends_each_message_once,
);

fn reminders_reach_the_right_inbox_in_the_right_language(db: &TestDatabase) {
    if !python_ready() {
        return;
    }
    let s = staffed(db, 1);
    let sink = Sink::start(s.dir.path(), "inbox", &[]);
    let config = config(s.dir.path(), sink.port, "");
    let refused = run_on(db, &["org", "policy", "--reminder-days", "30,400"]);
    assert_eq!(Some(refused.code), Some(2));
    assert!(refused.stderr.as_str().contains("--reminder-days: 400 is more than 366 days ahead"));
    let policy = amparo(db, &["org", "policy", "--reminder-days", "7,30,0"], None);
    assert!(policy.contains("\"reminder_days\": [\n    30,\n    7,\n    0\n  ]"), "{policy}");
    let today = s.day_before_parole_ends(30);
    let daily = amparo_with(db, &config, &["notify", "daily", "--today", &today]);
    assert!(daily.contains("2 deadline reminders"), "{daily}");
    let sent = amparo_with(db, &config, &["notify", "send"]);
    let messages = sink.messages();
    assert_eq!(sent.trim(), format!("sent {}, deferred 0, failed 0", messages.len()));

    let case_id = s.store.case_references(&s.org).unwrap()[0].0.clone();
    let link = format!("https://amparo.example.org/cases/{case_id}");
    let to = |address: &str| messages.iter().filter(|m| m["to"] == address).collect::<Vec<_>>();
    let spanish = to("abogada@a.example.org");
    let reminder =
        spanish.iter().find(|m| m["subject"] == "[HP-0000] Plazo en 30 días").expect("Spanish reminder");
    let text = reminder["text"].as_str().unwrap();
    assert!(text.contains("el fin del permiso humanitario (parole)"), "{text}");
    assert!(text.contains(&link), "{text}");
    assert!(reminder["html"].as_str().unwrap().contains(&format!("href=\"{link}\"")));
    assert_eq!(reminder["from"], "Amparo <reminders@legal-aid.example.org>");
    let english = to("advocate@a.example.org");
    let reminder =
        english.iter().find(|m| m["subject"] == "[HP-0000] Deadline in 30 days").expect("English reminder");
    assert!(reminder["text"].as_str().unwrap().contains("the end of humanitarian parole"));
    let clinician = to("clinician@a.example.org");
    assert!(
        clinician.iter().all(|m| !m["subject"].as_str().unwrap().contains("Deadline")),
        "the end of parole is not the clinician's: {clinician:#?}"
    );

    // Message-IDs are the notices' own, and no subject carries a name, an A-number or a diagnosis.
    let notices = s.store.notifications(&s.org, &s.users["attorney"], 50).unwrap().items;
    for message in &messages {
        let subject = message["subject"].as_str().unwrap();
        assert!(!["Lucía", "Ejemplo", "012345678", "bowel"].iter().any(|v| subject.contains(v)), "{subject}");
    }
    for notice in &notices {
        let id = format!("<{}@legal-aid.example.org>", notice.id);
        assert_eq!(messages.iter().filter(|m| m["message_id"] == id.as_str()).count(), 1, "{id}");
    }

    // Nothing is sent twice, and the day computed again adds nothing.
    assert_eq!(amparo_with(db, &config, &["notify", "send"]).trim(), "sent 0, deferred 0, failed 0");
    let again = amparo_with(db, &config, &["notify", "daily", "--today", &today]);
    assert!(again.contains("0 deadline reminders, 0 overdue tasks, 0 digests"), "{again}");
    assert_eq!(sink.messages().len(), messages.len());
}

fn address_reports_remind_the_advocate_and_a_revocation_response_both(db: &TestDatabase) {
    if !python_ready() {
        return;
    }
    let s = staffed(db, 1);
    let case = s.store.case_references(&s.org).unwrap()[0].0.clone();
    for event in [
        serde_json::json!({ "id": "c1", "type": "address_changed", "on": "2026-11-02" }),
        serde_json::json!({ "id": "v1", "type": "ead_revocation_notice", "on": "2026-11-16", "served_by": "personal",
                            "respond_by": "2026-11-30" }),
    ] {
        let event = serde_json::from_value::<amparo_domain::RawEvent>(event).unwrap().into_event().unwrap();
        let version = s.store.case(&s.org, &case).unwrap().unwrap().version;
        s.store.append_event(&s.org, &case, version, &event, None, wall_clock()).unwrap();
    }
    let sink = Sink::start(s.dir.path(), "family-filings", &[]);
    let config = config(s.dir.path(), sink.port, "");
    // A week before each: the address report is due 2026-11-12, the revocation response 2026-11-30.
    for today in ["2026-11-05", "2026-11-23"] {
        amparo_with(db, &config, &["notify", "daily", "--today", today]);
    }
    amparo_with(db, &config, &["notify", "send"]);
    let messages = sink.messages();
    let texts = |address: &str| -> Vec<String> {
        messages
            .iter()
            .filter(|m| m["to"] == address)
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let says = |address: &str, words: &str| texts(address).iter().any(|t| t.contains(words));
    assert!(
        says("advocate@a.example.org", "the address report date"),
        "{:#?}",
        texts("advocate@a.example.org")
    );
    assert!(says("advocate@a.example.org", "the work permit revocation response date"));
    assert!(says("abogada@a.example.org", "la fecha para responder a la revocación del permiso de trabajo"));
    assert!(
        !says("abogada@a.example.org", "la fecha para notificar el domicilio"),
        "the address report is the advocate's: {:#?}",
        texts("abogada@a.example.org")
    );
    assert!(
        !says("clinician@a.example.org", "address report") && !says("clinician@a.example.org", "revocation")
    );
}

/// Runs `notify send` until the outbox is empty (the backoff is a second), at most 20 s.
fn send_until_settled(db: &TestDatabase, s: &Staffed, config: &Path) -> Vec<String> {
    let started = Instant::now();
    let mut outputs = Vec::new();
    while s.store.outbox_status(&s.org).unwrap().pending > 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "delivery did not settle: {outputs:?}");
        std::thread::sleep(Duration::from_millis(300));
        outputs.push(amparo_with(db, config, &["notify", "send"]).trim().to_owned());
    }
    outputs
}

fn a_refused_or_dropped_connection_is_retried(db: &TestDatabase) {
    if !python_ready() {
        return;
    }
    let s = staffed(db, 1);
    amparo_with(
        db,
        &config(s.dir.path(), closed_port(), ""),
        &["notify", "daily", "--today", &s.day_before_parole_ends(30)],
    );
    let pending = s.store.outbox_status(&s.org).unwrap().pending;
    assert!(pending >= 2);

    let refused =
        amparo_with(db, &config(s.dir.path(), closed_port(), "retry_seconds = 1\n"), &["notify", "send"]);
    assert_eq!(refused.trim(), format!("sent 0, deferred {pending}, failed 0"));
    let dropping = Sink::start(s.dir.path(), "drop", &["--mode", "drop"]);
    let dropped =
        amparo_with(db, &config(s.dir.path(), dropping.port, "retry_seconds = 1\n"), &["notify", "send"]);
    // The first retry waits a second: some may not be due yet, none may be sent.
    assert!(dropped.starts_with("sent 0,"), "{dropped}");

    let sink = Sink::start(s.dir.path(), "accept", &[]);
    let outputs = send_until_settled(db, &s, &config(s.dir.path(), sink.port, "retry_seconds = 1\n"));
    assert_eq!(sink.messages().len() as i64, pending, "{outputs:?}");
    let status = s.store.outbox_status(&s.org).unwrap();
    assert_eq!((status.pending, status.sent), (0, pending));
    let notice = &s.store.notifications(&s.org, &s.users["attorney"], 1).unwrap().items[0];
    let attempts = s.store.delivery_attempts(&s.org, &notice.id).unwrap();
    assert!(attempts.len() >= 2, "{attempts:?}");
    assert_eq!(attempts[0].outcome.as_deref(), Some("deferred"));
    assert!(attempts[0].error.as_deref().is_some_and(|e| !e.is_empty()));
    assert_eq!(attempts.last().unwrap().outcome.as_deref(), Some("sent"));
}

fn a_worker_killed_mid_batch_sends_each_message_once(db: &TestDatabase) {
    if !python_ready() {
        return;
    }
    let s = staffed(db, 6);
    let sink = Sink::start(s.dir.path(), "slow", &["--delay-rcpt", "0.2"]);
    let config = config(s.dir.path(), sink.port, "lease_seconds = 1\n");
    amparo_with(db, &config, &["notify", "daily", "--today", &s.day_before_parole_ends(30)]);
    let total = s.store.outbox_status(&s.org).unwrap().pending as usize;
    assert!(total >= 12, "{total}");

    let mut worker = command()
        .args(["--config", config.to_str().unwrap(), "notify", "send", "--database", &db.url])
        .envs(db.key_env())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it while the server holds its sixth message at RCPT: five accepted, one in flight.
    let started = Instant::now();
    loop {
        let events = sink.events();
        let accepted = events.iter().filter(|e| e["event"] == "message").count();
        let offered = events.iter().filter(|e| e["event"] == "rcpt").count();
        if accepted >= 5 && offered > accepted {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the worker stalled: {events:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    worker.kill().unwrap(); // SIGKILL
    worker.wait().unwrap();
    let at_kill = sink.messages().len();
    assert!(at_kill < total);

    // Restarted until the outbox is empty (the killed worker's lease runs out after a few seconds).
    let restarted = Instant::now();
    while s.store.outbox_status(&s.org).unwrap().pending > 0 {
        amparo_with(db, &config, &["notify", "send"]);
        assert!(restarted.elapsed() < Duration::from_secs(30), "messages stuck after the restart");
        std::thread::sleep(Duration::from_millis(200));
    }
    let messages = sink.messages();
    let mut ids: Vec<&str> = messages.iter().map(|m| m["message_id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "a message was sent twice");
    assert_eq!(ids.len(), total, "every message was sent");
    let mut out = std::io::stderr();
    let _ = writeln!(out, "killed after {at_kill} of {total}; all {total} sent once");
}

/// `amparo serve` runs the delivery worker itself: what the day wrote reaches the mail server
/// without any command.
#[test]
fn the_server_delivers_in_the_background() {
    if !python_ready() {
        return;
    }
    let db = TestDatabase::sqlite();
    let s = staffed(&db, 1);
    let sink = Sink::start(s.dir.path(), "served", &[]);
    let config = config(s.dir.path(), sink.port, "");
    amparo_with(&db, &config, &["notify", "daily", "--today", &s.day_before_parole_ends(30)]);
    let mut server = command()
        .args(["--config", config.to_str().unwrap(), "serve", "--bind", "127.0.0.1:0", "--database", &db.url])
        .envs(db.key_env())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while s.store.outbox_status(&s.org).unwrap().pending > 0 {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = server.kill();
            panic!("the server did not deliver: {:?}", s.store.outbox_status(&s.org).unwrap());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let status = s.store.outbox_status(&s.org).unwrap();
    assert_eq!(sink.messages().len() as i64, status.sent);
    assert!(sink.messages().iter().any(|m| m["subject"] == "[HP-0000] Plazo en 30 días"));
}
