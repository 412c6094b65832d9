//! Webhooks end to end: an administrator registers endpoints through the API; a case opened, an
//! event recorded and the escalation it opens are delivered by the worker to a receiver written in
//! Python with its standard library (`support/webhook_receiver.py`), which checks every signature
//! as an integrator would; no payload names anyone or carries an A-number; a receiver that fails
//! gets retries after the backoff until it answers; the history says so. Addresses the server's
//! policy refuses, and wrong fields, are refused with the field named. A name is resolved once per
//! attempt and the connection goes to that address (a name resolving to loopback is refused when
//! private addresses are not allowed).

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_web::webhooks::address::{AddressPolicy, Lookup};
use amparo_web::webhooks::worker::WebhookWorker;
use chrono::Duration;

use crate::support::{Persona, RouterApp, SEEDED_PERSONAL_DATA, Session, case_json};

amparo_store::on_both_backends!(
    deliveries_are_signed_carry_ids_only_and_are_retried_until_answered,
    endpoints_at_refused_addresses_or_with_wrong_fields_are_refused,
    a_delivery_connects_to_the_address_it_checked_and_a_private_one_is_refused,
    an_endpoint_paused_on_the_page_or_through_the_api_is_told_nothing_until_resumed
);

const SUPPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support");

/// The Python receiver, on a loopback port, recording what it is sent.
struct Receiver {
    child: Child,
    port: u16,
    out: PathBuf,
    secrets: PathBuf,
}

impl Receiver {
    fn start(dir: &Path, fail: &[&str]) -> Receiver {
        let (out, secrets) = (dir.join("received.jsonl"), dir.join("secrets"));
        std::fs::create_dir_all(&secrets).unwrap();
        let mut command = Command::new("python3");
        command
            .arg(format!("{SUPPORT}/webhook_receiver.py"))
            .args(["--out", out.to_str().unwrap(), "--secrets", secrets.to_str().unwrap()])
            // The worker is handed later times to reach its retries; the receiver's clock is real.
            .args(["--tolerance", "86400"]);
        for f in fail {
            command.args(["--fail", f]);
        }
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("port ").expect("the receiver prints its port").parse().unwrap();
        Receiver { child, port, out, secrets }
    }

    fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.port)
    }

    fn hand_secret(&self, name: &str, secret: &str) {
        std::fs::write(self.secrets.join(format!("{name}.secret")), secret).unwrap();
    }

    fn received(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn register(app: &RouterApp, admin: &Session, url: &str, events: &[&str]) -> (String, String) {
    let body = serde_json::json!({ "url": url, "events": events });
    let reply = app.post_json("/api/v1/webhooks", &admin.cookie, &admin.csrf, &body);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let answer = reply.json();
    let secret = answer["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    (answer["webhook"]["id"].as_str().unwrap().to_owned(), secret)
}

fn history(app: &RouterApp, admin: &Session, endpoint: &str) -> Vec<serde_json::Value> {
    let reply = app.get(&format!("/api/v1/webhooks/{endpoint}/deliveries"), &admin.cookie);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["items"].as_array().unwrap().clone()
}

fn deliveries_are_signed_carry_ids_only_and_are_retried_until_answered(db: &TestDatabase) {
    let app = RouterApp::start_with(db, |state| {
        state.with_webhook_addresses(AddressPolicy::allowing_private(true))
    });
    let now = app.transport.now;
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let receiver = Receiver::start(app.transport.dir.path(), &["flaky:2"]);
    let all = ["case.created", "event.recorded", "escalation.opened", "escalation.closed"];
    let (steady, steady_secret) = register(&app, &admin, &receiver.url("steady"), &all);
    let (flaky, flaky_secret) = register(&app, &admin, &receiver.url("flaky"), &["case.created"]);
    receiver.hand_secret("steady", &steady_secret);
    receiver.hand_secret("flaky", &flaky_secret);

    // A case opened through the API, then a termination notice recorded on it: critical care
    // (three days to critical harm), so it opens an escalation.
    let document = case_json("W-1", "Marisol").replace("A012345678", "A098765432");
    let created =
        app.post_json("/api/v1/cases", &admin.cookie, &admin.csrf, &serde_json::from_str(&document).unwrap());
    assert_eq!(created.status, 201, "{}", created.body);
    let (case, version) =
        (created.json()["id"].as_str().unwrap().to_owned(), created.json()["version"].as_i64().unwrap());
    let notice = serde_json::json!({ "expected_version": version, "event": { "id": "t1",
        "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" } });
    let recorded =
        app.post_json(&format!("/api/v1/cases/{case}/events"), &admin.cookie, &admin.csrf, &notice);
    assert_eq!(recorded.status, 201, "{}", recorded.body);

    let worker = WebhookWorker::new(db.store(), AddressPolicy::allowing_private(true));
    let first = worker.deliver_due(now).unwrap();
    assert_eq!(first.retried_or_failed, 1, "the flaky receiver's first answer: {first:?}");

    let received = receiver.received();
    let steady_bodies: Vec<&serde_json::Value> =
        received.iter().filter(|r| r["path"] == "/steady").map(|r| &r["body"]).collect();
    assert_eq!(first.delivered, steady_bodies.len(), "{received:?}");
    let of_type = |kind: &str| -> Vec<&serde_json::Value> {
        steady_bodies.iter().copied().filter(|b| b["type"] == kind).collect()
    };
    // The case opened (its import may open an escalation of its own: its parole is near its end),
    // the notice recorded, and the escalation the notice opened.
    assert_eq!(steady_bodies[0]["type"], "case.created", "{received:?}");
    assert_eq!(of_type("case.created").len(), 1);
    let recorded = of_type("event.recorded");
    assert_eq!(recorded.len(), 1, "{received:?}");
    assert_eq!(recorded[0]["data"]["event_id"], "t1");
    assert_eq!(recorded[0]["data"]["version"], version + 1);
    let opened = of_type("escalation.opened");
    let by_notice: Vec<_> = opened.iter().filter(|b| b["data"]["trigger"] == "termination_notice").collect();
    assert_eq!(by_notice.len(), 1, "{received:?}");
    assert_eq!(by_notice[0]["data"]["critical_care"], true);
    for request in &received {
        assert_eq!(request["signature_valid"], true, "{request}");
        assert_eq!(request["content_type"], "application/json");
        assert_eq!(request["event"], request["body"]["type"]);
        assert_eq!(request["body"]["data"]["case_id"], case.as_str(), "{request}");
        // Ids, kinds and dates only: nothing of the family's names, A-number or diagnosis.
        let raw = request["raw"].as_str().unwrap();
        for personal in SEEDED_PERSONAL_DATA.iter().chain(&["Marisol", "A098765432", "098765432", "W-1"]) {
            assert!(!raw.contains(personal), "{personal:?} in {raw}");
        }
    }

    // A signature made with another secret is refused by the receiver: it really checks.
    let forged = Command::new("curl")
        .args(["--silent", "--output", "/dev/null", "--write-out", "%{http_code}", "-H"])
        .arg("Amparo-Signature: t=1,v1=00")
        .args(["--data", "{}", &receiver.url("steady")])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&forged.stdout), "401");

    // The flaky receiver answered 503: retried after 30 s, then 60 s more, then delivered.
    let waiting = history(&app, &admin, &flaky);
    assert_eq!(waiting.len(), 1);
    assert_eq!((waiting[0]["state"].as_str(), waiting[0]["attempts"].as_i64()), (Some("pending"), Some(1)));
    assert_eq!(waiting[0]["last_status"], 503);
    assert_eq!(worker.deliver_due(now + Duration::seconds(29)).unwrap().retried_or_failed, 0, "not due yet");
    assert_eq!(worker.deliver_due(now + Duration::seconds(30)).unwrap().retried_or_failed, 1);
    let delivered = worker.deliver_due(now + Duration::seconds(90)).unwrap();
    assert_eq!(delivered.delivered, 1, "{delivered:?}");
    let settled = history(&app, &admin, &flaky);
    assert_eq!((settled[0]["state"].as_str(), settled[0]["attempts"].as_i64()), (Some("delivered"), Some(3)));
    assert_eq!(settled[0]["last_status"], 200);
    let flaky_requests: Vec<_> = receiver.received().into_iter().filter(|r| r["path"] == "/flaky").collect();
    assert_eq!(
        flaky_requests.iter().map(|r| r["status"].as_i64().unwrap()).collect::<Vec<_>>(),
        [503, 503, 200]
    );
    // Each retry is the same event: the same id and body, signed again.
    assert!(flaky_requests.windows(2).all(|w| w[0]["raw"] == w[1]["raw"]));

    // The steady endpoint's history holds its deliveries, newest first, and the page lists
    // them; removed, it is told nothing more, and its history stays.
    let steady_history = history(&app, &admin, &steady);
    assert_eq!(steady_history.len(), first.delivered);
    assert!(
        steady_history.iter().all(|d| d["state"] == "delivered" && d["attempts"] == 1),
        "{steady_history:?}"
    );
    // Paged as every list is: following `next` two at a time walks the same history, once.
    let mut walked = Vec::new();
    let mut next = Some(format!("/api/v1/webhooks/{steady}/deliveries?limit=2"));
    while let Some(address) = next {
        let page = app.get(&address, &admin.cookie);
        assert_eq!(page.status, 200, "{address}: {}", page.body);
        let page = page.json();
        assert_eq!(page["total"].as_u64(), Some(steady_history.len() as u64), "{page}");
        assert!(page["items"].as_array().unwrap().len() <= 2, "{page}");
        walked.extend(page["items"].as_array().unwrap().iter().map(|d| d["id"].clone()));
        next = page["next"].as_str().map(str::to_owned);
    }
    assert_eq!(walked, steady_history.iter().map(|d| d["id"].clone()).collect::<Vec<_>>());
    assert!(steady_history.len() > 2, "more than one page was walked");
    let page = app.get(&format!("/settings/webhooks/{steady}"), &admin.cookie);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("escalation.opened"), "{}", page.body);
    let removed = app.send_json(
        "DELETE",
        &format!("/api/v1/webhooks/{steady}"),
        (&admin.cookie, &admin.csrf),
        &serde_json::json!({}),
    );
    assert_eq!(removed.status, 200, "{}", removed.body);
    let listed = app.get("/api/v1/webhooks", &admin.cookie).json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let again = app.post_json(
        "/api/v1/cases",
        &admin.cookie,
        &admin.csrf,
        &serde_json::from_str(&case_json("W-2", "Noor").replace("A012345678", "A013579246")).unwrap(),
    );
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(
        worker.deliver_due(now + Duration::seconds(120)).unwrap().delivered,
        1,
        "only the flaky one's"
    );

    // Every change is in the audit trail, and nothing of the secrets is.
    let audit = app.get("/api/v1/audit", &admin.cookie);
    assert!(audit.body.contains("webhook.created") && audit.body.contains("webhook.removed"));
    assert!(!audit.body.contains(&steady_secret) && !audit.body.contains(&flaky_secret));
    assert!(!app.server_log().contains(&steady_secret));
}

fn endpoints_at_refused_addresses_or_with_wrong_fields_are_refused(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let refused = |url: &str, events: serde_json::Value| {
        let body = serde_json::json!({ "url": url, "events": events });
        let reply = app.post_json("/api/v1/webhooks", &admin.cookie, &admin.csrf, &body);
        assert_eq!(reply.status, 422, "{url}: {}", reply.body);
        reply.json()
    };
    let events = serde_json::json!(["case.created"]);
    for url in
        ["http://127.0.0.1:9/hook", "http://localhost/hook", "http://169.254.169.254/latest", "http://[::1]/"]
    {
        let answer = refused(url, events.clone());
        let message = answer["message"].as_str().unwrap();
        assert!(message.starts_with("url: ") && message.contains("not a public address"), "{answer}");
    }
    let answer = refused("ftp://hooks.example.org/x", events.clone());
    assert!(answer["message"].as_str().unwrap().contains("only http and https"), "{answer}");
    let answer = refused("https://user:pw@hooks.example.org/x", events.clone());
    assert!(answer["message"].as_str().unwrap().starts_with("url: put no user name"), "{answer}");
    let answer = refused("https://hooks.example.org/x", serde_json::json!([]));
    assert!(answer["message"].as_str().unwrap().starts_with("events: "), "{answer}");
    let unknown = app.post_json(
        "/api/v1/webhooks",
        &admin.cookie,
        &admin.csrf,
        &serde_json::json!({ "url": "https://hooks.example.org/x", "events": ["case.deleted"] }),
    );
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert!(unknown.json()["field"].as_str().unwrap().starts_with("events"), "{}", unknown.body);
    // A public address is accepted, and nothing of the refused ones was kept.
    let accepted = app.post_json(
        "/api/v1/webhooks",
        &admin.cookie,
        &admin.csrf,
        &serde_json::json!({ "url": "https://hooks.example.org/amparo", "events": ["task.overdue"] }),
    );
    assert_eq!(accepted.status, 201, "{}", accepted.body);
    let listed = app.get("/api/v1/webhooks", &admin.cookie).json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    // Another organisation's administrator sees none of them and cannot remove them.
    let id = accepted.json()["webhook"]["id"].as_str().unwrap().to_owned();
    crate::support::add_user(db, "clinic-b", "admin@b.example.org", "Test Admin", "admin");
    let (other, other_csrf) = app.sign_in("admin@b.example.org", crate::support::PASSWORD);
    assert_eq!(app.get("/api/v1/webhooks", &other).json()["items"], serde_json::json!([]));
    let path = format!("/api/v1/webhooks/{id}");
    let hidden = app.send_json("DELETE", &path, (&other, &other_csrf), &serde_json::json!({}));
    assert_eq!(hidden.status, 404, "{}", hidden.body);
    let history = app.get(&format!("{path}/deliveries"), &other);
    assert_eq!(history.status, 404, "{}", history.body);
    assert_eq!(app.get("/api/v1/webhooks", &admin.cookie).json()["items"].as_array().unwrap().len(), 1);
}

/// A name server that answers loopback for every name (a rebinding attacker's, or a stub for a
/// receiver on this machine), counting the questions it is asked.
#[derive(Debug, Default)]
struct Loopback {
    asked: AtomicUsize,
}

impl Lookup for Loopback {
    fn lookup(&self, _host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Ok(vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)])
    }
}

fn a_delivery_connects_to_the_address_it_checked_and_a_private_one_is_refused(db: &TestDatabase) {
    // Registered under the default policy: the name passes (it is not written as a private
    // address), and only resolving it tells where it leads.
    let app = RouterApp::start(db);
    let now = app.transport.now;
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let receiver = Receiver::start(app.transport.dir.path(), &[]);
    // `.test` names never resolve in public DNS: a delivery reaching the receiver went where the
    // stub said, not where the system resolver would.
    let url = format!("http://hooks.rebind.test:{}/pinned", receiver.port);
    let (endpoint, secret) = register(&app, &admin, &url, &["case.created"]);
    receiver.hand_secret("pinned", &secret);
    let document = case_json("W-3", "Marisol").replace("A012345678", "A024680135");
    let created =
        app.post_json("/api/v1/cases", &admin.cookie, &admin.csrf, &serde_json::from_str(&document).unwrap());
    assert_eq!(created.status, 201, "{}", created.body);

    // Private addresses not allowed: the name resolves to loopback, so nothing is sent and the
    // delivery fails at once, saying why.
    let lookup = Arc::new(Loopback::default());
    let strict = WebhookWorker::with_lookup(db.store(), AddressPolicy::default(), lookup.clone());
    let pass = strict.deliver_due(now).unwrap();
    assert_eq!((pass.delivered, pass.retried_or_failed), (0, 1), "{pass:?}");
    assert_eq!(lookup.asked.load(Ordering::SeqCst), 1, "resolved once");
    assert!(receiver.received().is_empty(), "nothing reached the loopback receiver");
    let refused = history(&app, &admin, &endpoint);
    assert_eq!(refused[0]["state"], "failed", "{refused:?}");
    let error = refused[0]["last_error"].as_str().unwrap();
    assert!(error.contains("not a public address") && error.contains("127.0.0.1"), "{error}");

    // Allowed (a receiver on the same network), the next delivery goes to the address the one
    // lookup answered, and the receiver checks its signature.
    let again = case_json("W-4", "Noor").replace("A012345678", "A035791357");
    let created =
        app.post_json("/api/v1/cases", &admin.cookie, &admin.csrf, &serde_json::from_str(&again).unwrap());
    assert_eq!(created.status, 201, "{}", created.body);
    let open = WebhookWorker::with_lookup(db.store(), AddressPolicy::allowing_private(true), lookup.clone());
    let pass = open.deliver_due(now).unwrap();
    assert_eq!((pass.delivered, pass.retried_or_failed), (1, 0), "{pass:?}");
    assert_eq!(lookup.asked.load(Ordering::SeqCst), 2, "one question per attempt");
    let received = receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0]["path"], "/pinned");
    assert_eq!(received[0]["signature_valid"], true);
}

fn an_endpoint_paused_on_the_page_or_through_the_api_is_told_nothing_until_resumed(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let (id, _) = register(&app, &admin, "https://hooks.example.org/paused", &["case.created"]);
    let open_case = |reference: &str, a_number: &str| {
        let document = case_json(reference, "Marisol").replace("A012345678", a_number);
        let created = app.post_json(
            "/api/v1/cases",
            &admin.cookie,
            &admin.csrf,
            &serde_json::from_str(&document).unwrap(),
        );
        assert_eq!(created.status, 201, "{}", created.body);
    };
    let row = |page: &str| -> String {
        let start = page.find(&format!("id=\"webhook-{id}\"")).expect("the endpoint's row");
        page[start..start + page[start..].find("</tr>").unwrap()].to_owned()
    };

    // The page shows it active, with a button to pause it.
    let page = app.get("/settings/webhooks", &admin.cookie);
    assert_eq!(page.status, 200);
    let listed = row(&page.body);
    assert!(
        listed.contains(">Active<") && listed.contains(&format!("/settings/webhooks/{id}/pause")),
        "{listed}"
    );

    // Paused from the page: the page says so and offers to resume; a case opened meanwhile is
    // queued nothing for it.
    let paused =
        app.post_form(&format!("/settings/webhooks/{id}/pause"), &admin.cookie, &[("csrf", &admin.csrf)]);
    assert_eq!((paused.status, paused.header("location")), (303, Some("/settings/webhooks")));
    let listed = row(&app.get("/settings/webhooks", &admin.cookie).body);
    assert!(
        listed.contains(">Paused<") && listed.contains(&format!("/settings/webhooks/{id}/resume")),
        "{listed}"
    );
    let read = app.get(&format!("/api/v1/webhooks/{id}"), &admin.cookie);
    assert_eq!((read.status, read.json()["active"].as_bool()), (200, Some(false)), "{}", read.body);
    open_case("P-1", "A011223344");
    assert!(history(&app, &admin, &id).is_empty(), "a paused endpoint is queued nothing");

    // In Spanish the page says the same.
    let fields = [("csrf", admin.csrf.as_str()), ("language", "es"), ("back", "/")];
    assert_eq!(app.post_form("/language", &admin.cookie, &fields).status, 303);
    let listed = row(&app.get("/settings/webhooks", &admin.cookie).body);
    assert!(listed.contains(">En pausa<") && listed.contains(">Reanudar<"), "{listed}");

    // Resumed through the API: what happens from now on is queued again.
    let path = format!("/api/v1/webhooks/{id}");
    let resumed =
        app.send_json("PATCH", &path, (&admin.cookie, &admin.csrf), &serde_json::json!({ "active": true }));
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert_eq!(resumed.json()["active"], true);
    let listed = row(&app.get("/settings/webhooks", &admin.cookie).body);
    assert!(listed.contains(">Activo<") && listed.contains(">Pausar<"), "{listed}");
    open_case("P-2", "A022334455");
    let told = history(&app, &admin, &id);
    assert_eq!(told.len(), 1, "{told:?}");

    // A wrong value is refused naming the field; an unknown endpoint is not found; another
    // organisation's administrator cannot read, pause or resume it.
    let wrong =
        app.send_json("PATCH", &path, (&admin.cookie, &admin.csrf), &serde_json::json!({ "active": "no" }));
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert_eq!(wrong.json()["field"], "active", "{}", wrong.body);
    let unknown = app.send_json(
        "PATCH",
        "/api/v1/webhooks/0190aaaa-0000-7000-8000-000000000000",
        (&admin.cookie, &admin.csrf),
        &serde_json::json!({ "active": false }),
    );
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    crate::support::add_user(db, "clinic-b", "admin@b.example.org", "Test Admin", "admin");
    let (other, other_csrf) = app.sign_in("admin@b.example.org", crate::support::PASSWORD);
    assert_eq!(app.get(&path, &other).status, 404);
    let foreign =
        app.send_json("PATCH", &path, (&other, &other_csrf), &serde_json::json!({ "active": false }));
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    let foreign_page =
        app.post_form(&format!("/settings/webhooks/{id}/pause"), &other, &[("csrf", &other_csrf)]);
    assert_eq!(foreign_page.status, 404, "{}", foreign_page.body);
    assert_eq!(app.get(&path, &admin.cookie).json()["active"], true, "untouched by the other organisation");

    // Each change is audited.
    let audit = app.get("/api/v1/audit", &admin.cookie).body;
    assert!(audit.contains("webhook.paused") && audit.contains("webhook.resumed"), "{audit}");
}
