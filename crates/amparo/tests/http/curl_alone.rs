//! The JSON API with `curl` alone, against the real `amparo serve`: a token made on the command line
//! opens a case, records an event on it and reads the board, with no session, no cookie and no
//! forgery token, just as the README shows.

use std::process::Command;

use crate::support::{TestApp, amparo, case_json};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(a_command_line_token_drives_the_api_with_curl_alone);

/// Runs `curl` with `args` and the token, answering (status, body).
fn curl(token: &str, args: &[&str]) -> (u16, String) {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--write-out", "\n%{http_code}", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .args(args)
        .output()
        .expect("curl is installed");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.parse().unwrap(), body.to_owned())
}

fn a_command_line_token_drives_the_api_with_curl_alone(db: &TestDatabase) {
    let app = TestApp::start(db);
    let base = app.base().to_owned();
    let out = amparo(db, &["token", "create", "--email", "ana@a.example.org", "--scope", "write"], None);
    let token = out.trim();

    let document = case_json("A-77", "Noor").replace("A012345678", "A098765432");
    let (status, body) = curl(
        token,
        &["-H", "Content-Type: application/json", "--data", &document, &format!("{base}/api/v1/cases")],
    );
    assert_eq!(status, 201, "{body}");
    let case: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (id, version) = (case["id"].as_str().unwrap(), case["version"].as_i64().unwrap());

    let event = serde_json::json!({ "expected_version": version, "event": { "id": "t1",
        "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" } });
    let (status, body) = curl(
        token,
        &[
            "-H",
            "Content-Type: application/json",
            "--data",
            &event.to_string(),
            &format!("{base}/api/v1/cases/{id}/events"),
        ],
    );
    assert_eq!(status, 201, "{body}");

    let (status, body) = curl(token, &[&format!("{base}/api/v1/triage")]);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("A-77"), "{body}");
}
