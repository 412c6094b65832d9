//! Watching the server: `GET /metrics` served only to `metrics_allow` or the metrics token, and
//! read by an independent parser (Python's `prometheus_client`); request counts by route template,
//! never by the path a request named; JSON log lines that carry the request's id, returned as
//! `X-Request-Id`, and hold no personal data (the log scan reads JSON back before scanning it); the
//! last successful backup is known again after a restart, from the newest verified backup's manifest.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use amparo_store::testing::TestDatabase;
use amparo_trust::Secret;
use amparo_web::{Metrics, MetricsAccess};

use crate::support::log_scan::personal_data_in;
use crate::support::{PASSWORD, RouterApp, TestApp};

amparo_store::on_both_backends!(
    metrics_are_read_by_an_independent_parser_and_labelled_by_route_template,
    metrics_are_refused_without_an_allowed_address_or_the_token,
    json_log_lines_carry_the_request_id_and_no_personal_data,
    the_last_backup_is_known_again_after_a_restart,
);

/// Parses an exposition with `prometheus_client`'s `text_string_to_metric_families` and prints each
/// family (name, type, samples with their labels and values) as JSON.
const PARSE: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({"name": family.name, "type": family.type, "samples": [
        {"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples]})
print(json.dumps(families))
"#;

/// The families of `exposition` as the independent parser reads them; `None` where Python lacks
/// `prometheus_client` (outside CI).
fn parse_metrics(exposition: &str) -> Option<Vec<serde_json::Value>> {
    let ready =
        Command::new("python3").args(["-c", "import prometheus_client"]).status().is_ok_and(|s| s.success());
    if !ready {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "CI=true but python3 lacks prometheus_client"
        );
        eprintln!("metrics parsing skipped: pip install prometheus_client");
        return None;
    }
    let mut child = Command::new("python3")
        .args(["-c", PARSE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(exposition.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "prometheus_client refused the metrics: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn family<'a>(families: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    families.iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no family {name}"))
}

/// The value of the one sample named `sample` whose labels include `labels`.
fn value(family: &serde_json::Value, sample: &str, labels: &[(&str, &str)]) -> Option<f64> {
    family["samples"].as_array().unwrap().iter().find_map(|s| {
        let matches = s["name"] == sample && labels.iter().all(|(k, v)| s["labels"][*k] == *v);
        matches.then(|| s["value"].as_f64().unwrap())
    })
}

fn metrics_are_read_by_an_independent_parser_and_labelled_by_route_template(db: &TestDatabase) {
    let app = TestApp::serve_with_env(
        db,
        crate::support::fixtures::seed_two_clinics(db),
        &[("AMPARO_METRICS_ALLOW", "127.0.0.1".to_owned())],
    );
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&session, "A-1");
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/cases/{case_id}"), &session).status, 200);
    }
    assert_eq!(app.get("/no/such/page", "").status, 404);

    let reply = app.get("/metrics", "");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    assert!(!reply.body.contains(&case_id), "a case's id is never a label:\n{}", reply.body);
    assert!(!reply.body.contains("/no/such/page"), "nor a path no route serves");

    let Some(families) = parse_metrics(&reply.body) else { return };
    let requests = family(&families, "amparo_http_requests");
    assert_eq!(requests["type"], "counter");
    let case_page = [("method", "GET"), ("route", "/cases/{id}"), ("status", "200")];
    assert_eq!(value(requests, "amparo_http_requests_total", &case_page), Some(3.0));
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert_eq!(value(requests, "amparo_http_requests_total", &unmatched), Some(1.0));

    let latency = family(&families, "amparo_http_request_duration_seconds");
    assert_eq!(latency["type"], "histogram");
    let case_route = [("method", "GET"), ("route", "/cases/{id}")];
    assert_eq!(value(latency, "amparo_http_request_duration_seconds_count", &case_route), Some(3.0));
    let every = [("method", "GET"), ("route", "/cases/{id}"), ("le", "+Inf")];
    assert_eq!(value(latency, "amparo_http_request_duration_seconds_bucket", &every), Some(3.0));

    let database = family(&families, "amparo_database_call_duration_seconds");
    assert!(value(database, "amparo_database_call_duration_seconds_count", &[]).unwrap() >= 3.0);
    let pool = family(&families, "amparo_database_pool_max_connections");
    assert!(value(pool, "amparo_database_pool_max_connections", &[]).unwrap() >= 1.0);
    assert_eq!(value(family(&families, "amparo_database_up"), "amparo_database_up", &[]), Some(1.0));
    for name in [
        "amparo_outbox_pending_messages",
        "amparo_outbox_failed_messages",
        "amparo_derivation_stale_cases",
        "amparo_backup_last_success_timestamp_seconds",
        "amparo_daily_job_duration_seconds",
        "amparo_daily_job_last_run_timestamp_seconds",
    ] {
        assert!(value(family(&families, name), name, &[]).is_some(), "{name}");
    }
    // Every case was derived for today when it was written.
    let stale = family(&families, "amparo_derivation_stale_cases");
    assert_eq!(value(stale, "amparo_derivation_stale_cases", &[]), Some(0.0));
}

/// The application in process over the seeded database, serving metrics as `access` says.
fn app_with(db: &TestDatabase, access: MetricsAccess) -> RouterApp {
    let now = chrono::DateTime::from_timestamp(crate::support::unix_now() as i64, 0).unwrap();
    RouterApp::configured(db.store(), tempfile::tempdir().unwrap(), now, |state| {
        state.with_metrics(Arc::new(Metrics::default()), access)
    })
}

fn metrics_are_refused_without_an_allowed_address_or_the_token(db: &TestDatabase) {
    // Nobody by default, signed in or not (the in-process requests come from 127.0.0.1).
    let app = RouterApp::start(db);
    assert_eq!(app.get("/metrics", "").status, 403);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    assert_eq!(app.get("/metrics", &session).status, 403, "a session is no way in");
    drop(app);

    let token = Secret::new("a-long-scrape-token".to_owned());
    let access = MetricsAccess::new(&["192.0.2.0/24".to_owned()], Some(&token)).unwrap();
    let app = app_with(db, access);
    assert_eq!(app.get("/metrics", "").status, 403, "127.0.0.1 is not in the allowed block");
    let wrong = app.get_with("/metrics", "", &[("authorization", "Bearer a-long-scrape-tokeN")]);
    assert_eq!(wrong.status, 403);
    let right = app.get_with("/metrics", "", &[("authorization", "Bearer a-long-scrape-token")]);
    assert_eq!(right.status, 200, "{}", right.body);
    assert!(right.body.contains("# TYPE amparo_http_requests_total counter"));

    let app = app_with(db, MetricsAccess::new(&["127.0.0.0/8".to_owned()], None).unwrap());
    assert_eq!(app.get("/metrics", "").status, 200);
}

fn json_log_lines_carry_the_request_id_and_no_personal_data(db: &TestDatabase) {
    let app = TestApp::serve_with_env(
        db,
        crate::support::fixtures::seed_two_clinics(db),
        &[("AMPARO_LOG_FORMAT", "json".to_owned())],
    );
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&session, "A-1");
    // The case page names Lucía; a search names her too. Neither reaches the log.
    let page = app.get_with(&format!("/cases/{case_id}"), &session, &[("x-request-id", "trace-7f3a.case_1")]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Lucía"), "the page itself shows the name");
    assert_eq!(page.header("x-request-id"), Some("trace-7f3a.case_1"), "a well-formed id is kept");
    let search = app.get("/cases?q=Luc%C3%ADa", &session);
    assert_eq!(search.status, 200);
    let generated = search.header("x-request-id").expect("an id on every response").to_owned();
    assert_eq!(generated.len(), 32, "a fresh id: {generated}");
    let odd = app.get_with("/health", "", &[("x-request-id", "has spaces and \"quotes\"")]);
    assert_ne!(odd.header("x-request-id"), Some("has spaces and \"quotes\""), "an ill-formed id is replaced");

    let log = app.server_log();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    let of = |id: &str| -> Vec<&serde_json::Value> {
        lines.iter().filter(|line| line["span"]["request_id"] == id).collect()
    };
    let case_lines = of("trace-7f3a.case_1");
    assert!(!case_lines.is_empty(), "the case page's request has log lines:\n{log}");
    assert!(
        case_lines.iter().any(|line| line["fields"]["route"] == "/cases/{id}"),
        "its line names the route template:\n{log}"
    );
    // Opaque ids may be logged; the path a request named (which may hold a token) never is.
    assert!(!log.contains(&format!("/cases/{case_id}")), "the path a request named is never logged");
    assert!(!of(&generated).is_empty(), "a generated id is on its request's lines too");
    for line in &lines {
        assert!(line["timestamp"].is_string() && line["level"].is_string(), "{line}");
    }
    assert_eq!(personal_data_in(&log), None);
}

#[test]
fn the_log_scan_reads_json_back_before_scanning() {
    assert_eq!(personal_data_in("{\"fields\":{\"message\":\"Luc\\u00eda\"}}\n"), Some("Lucía"));
    assert_eq!(personal_data_in("{\"fields\":{\"message\":\"case opened\"}}\n"), None);
    assert_eq!(personal_data_in("plain text about Rosa\n"), Some("Rosa"));
}

/// The value of an unlabelled sample, read straight from the exposition.
fn sample(exposition: &str, name: &str) -> Option<f64> {
    exposition.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

fn the_last_backup_is_known_again_after_a_restart(db: &TestDatabase) {
    let dir = crate::support::fixtures::seed_two_clinics(db);
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    // A backup taken before the server (re)starts, named as the schedule names them.
    let taken = backups.join("amparo-20261101T020000.000Z.tar");
    crate::support::Run::new(&["backup", "--out", taken.to_str().unwrap()]).on(db).outcome().success();
    let manifest = Command::new("tar").arg("-xOf").arg(&taken).arg("manifest.json").output().unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&manifest.stdout).unwrap();
    let created = chrono::DateTime::parse_from_rfc3339(manifest["created_at"].as_str().unwrap()).unwrap();
    // Newer files that are no verified backup: one set apart by a failed verification, and one
    // that is not a backup at all. Neither counts.
    std::fs::copy(&taken, backups.join("amparo-20991231T000000.000Z.tar.unverified")).unwrap();
    std::fs::write(backups.join("amparo-20991230T000000.000Z.tar"), "not a backup").unwrap();

    let app = TestApp::serve_with_env(
        db,
        dir,
        &[
            ("AMPARO_METRICS_ALLOW", "127.0.0.1".to_owned()),
            ("AMPARO_BACKUP_DIR", backups.to_string_lossy().into_owned()),
        ],
    );
    let reply = app.get("/metrics", "");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let last = sample(&reply.body, "amparo_backup_last_success_timestamp_seconds");
    assert_eq!(last, Some(created.timestamp() as f64), "{}", reply.body);
}
