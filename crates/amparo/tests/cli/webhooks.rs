//! `amparo webhook` as an operator uses it, on both backends: an endpoint added (its secret printed
//! once), listed, paused (a case imported meanwhile queues it nothing), resumed (the next import
//! does), its deliveries read, and removed; addresses the server's policy refuses, unknown events
//! and unknown ids refused with the argument named and nothing written. What the operator reads is
//! snapshotted, ids and times redacted.

use std::path::Path;

use amparo_store::testing::TestDatabase;

use crate::support::snapshots::redact_uuids;
use crate::support::{Outcome, run_on, stdout_of};

amparo_store::on_both_backends!(webhook_commands_add_list_pause_resume_read_and_remove);

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../amparo-domain/tests/data/examples-2027.1/{name}.json"))
        .to_string_lossy()
        .into_owned()
}

/// What the operator reads, ids and the command line's real times redacted: `2026-12-06 15:20`
/// in lists, `2026-12-06T15:20:00Z` in JSON.
fn shown(text: &str) -> String {
    let text = redact_uuids(text);
    let shape = |bytes: &[u8], pattern: &[u8]| {
        bytes.len() >= pattern.len()
            && pattern.iter().zip(bytes).all(|(p, b)| match p {
                b'd' => b.is_ascii_digit(),
                b'*' => *b == b' ' || *b == b'T',
                other => other == b,
            })
    };
    let (bytes, mut out, mut i) = (text.as_bytes(), String::new(), 0);
    while i < bytes.len() {
        if shape(&bytes[i..], b"dddd-dd-dd*dd:dd") {
            out.push_str("[time]");
            i += if shape(&bytes[i..], b"dddd-dd-ddTdd:dd:ddZ") { 20 } else { 16 };
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn refusal(outcome: &Outcome) -> String {
    assert!(outcome.stdout.is_empty(), "a refusal prints nothing on standard output: {outcome:#?}");
    format!("exit code: {}\n{}", outcome.code, outcome.stderr)
}

fn webhook_commands_add_list_pause_resume_read_and_remove(db: &TestDatabase) {
    stdout_of(&run_on(db, &["org", "add", "clinic", "--name", "Clinic"]));
    let add = ["webhook", "add", "--url", "https://hooks.example.org/amparo"];
    let added = run_on(
        db,
        &[&add[..], &["--event", "case.created,escalation.opened", "--event", "task.overdue"]].concat(),
    );
    let secret = stdout_of(&added).trim().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    assert!(added.stderr.contains("shown once"), "{}", added.stderr);
    let listed = run_on(db, &["webhook", "list", "--json"]).json();
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    insta::assert_snapshot!("webhook_list_json", shown(&serde_json::to_string_pretty(&listed).unwrap()));
    assert!(!serde_json::to_string(&listed).unwrap().contains(&secret), "the secret is never listed");

    // Paused, an import queues it nothing; resumed, the next one does.
    insta::assert_snapshot!(
        "webhook_pause",
        shown(&stdout_of(&run_on(db, &["webhook", "pause", "--id", &id])))
    );
    insta::assert_snapshot!("webhook_list_paused", shown(&stdout_of(&run_on(db, &["webhook", "list"]))));
    stdout_of(&run_on(db, &["import", &example("e1-regrant")]));
    let none = stdout_of(&run_on(db, &["webhook", "deliveries", "--id", &id]));
    assert!(none.is_empty(), "{none}");
    insta::assert_snapshot!(
        "webhook_resume",
        shown(&stdout_of(&run_on(db, &["webhook", "resume", "--id", &id])))
    );
    stdout_of(&run_on(db, &["import", &example("e2-rfe-mail")]));
    let history = run_on(db, &["webhook", "deliveries", "--id", &id, "--json"]).json();
    let created: Vec<_> =
        history.as_array().unwrap().iter().filter(|d| d["event"] == "case.created").collect();
    assert_eq!(created.len(), 1, "{history}");
    assert_eq!(created[0]["state"], "pending");
    assert!(created[0]["payload"]["data"]["case_id"].is_string(), "{history}");
    let text = stdout_of(&run_on(db, &["webhook", "deliveries", "--id", &id]));
    let line = text.lines().find(|l| l.contains("case.created")).unwrap();
    insta::assert_snapshot!("webhook_deliveries_line", shown(line));

    // Refusals name the argument, and write nothing.
    let private =
        run_on(db, &["webhook", "add", "--url", "http://127.0.0.1:9/hook", "--event", "case.created"]);
    insta::assert_snapshot!("webhook_add_private_address", refusal(&private));
    let unknown_event = run_on(db, &[&add[..], &["--event", "case.deleted"]].concat());
    insta::assert_snapshot!("webhook_add_unknown_event", refusal(&unknown_event));
    let unknown_id = run_on(db, &["webhook", "pause", "--id", "0190aaaa-0000-7000-8000-000000000000"]);
    insta::assert_snapshot!("webhook_pause_unknown_id", shown(&refusal(&unknown_id)));
    let limit = run_on(db, &["webhook", "deliveries", "--id", &id, "--limit", "0"]);
    insta::assert_snapshot!("webhook_deliveries_bad_limit", refusal(&limit));
    assert_eq!(run_on(db, &["webhook", "list", "--json"]).json().as_array().unwrap().len(), 1);

    // Removed: gone from the list, its history kept; every change audited as the operator's.
    insta::assert_snapshot!(
        "webhook_remove",
        shown(&stdout_of(&run_on(db, &["webhook", "remove", "--id", &id])))
    );
    assert_eq!(run_on(db, &["webhook", "list", "--json"]).json(), serde_json::json!([]));
    let again = run_on(db, &["webhook", "remove", "--id", &id]);
    assert_eq!(again.code, 2, "{again:#?}");
    let store = db.store();
    let org = store.organisations().unwrap().remove(0).id;
    let trail: Vec<String> = store.audit_log(Some(&org)).unwrap().iter().map(|e| e.action.clone()).collect();
    for action in ["webhook.created", "webhook.paused", "webhook.resumed", "webhook.removed"] {
        assert!(trail.iter().any(|a| a == action), "{action} in {trail:?}");
    }
    let kept = store.webhook_deliveries(&org, &amparo_store::WebhookEndpointId(id), 100).unwrap();
    assert!(!kept.is_empty(), "the history stays");
}
