//! The JSON API with `curl` alone, against the real `amparo serve`: a token made on the command line
//! opens a case, records an event on it, uploads a file to it and reads the board, with no session,
//! no cookie and no forgery token, just as the README shows; an organisation token acts as its
//! service account's role; and the rate per token is the server's `api_rate_per_minute`.

use std::process::Command;

use crate::support::{TestApp, amparo, case_json};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    a_command_line_token_drives_the_api_with_curl_alone,
    an_organisation_token_acts_as_its_service_account_and_the_rate_is_the_servers
);

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
    let dir = crate::support::fixtures::seed_two_clinics(db);
    let files = dir.path().join("attachments");
    std::fs::create_dir_all(&files).unwrap();
    let files = format!("file://{}", files.display());
    let app = TestApp::serve_with_env(db, dir, &[("AMPARO_ATTACHMENTS_URL", files)]);
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

    // A file, as `curl -F` sends it: no forgery token, the bearer token alone.
    let dir = tempfile::tempdir().unwrap();
    let notice = dir.path().join("notice.pdf");
    let bytes =
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% curl upload\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    std::fs::write(&notice, bytes).unwrap();
    let file = format!("file=@{}", notice.display());
    let attachments = format!("{base}/api/v1/cases/{id}/attachments");
    let (status, body) =
        curl(token, &["-F", "kind=notice", "-F", "title=Termination notice", "-F", &file, &attachments]);
    assert_eq!(status, 201, "{body}");
    let uploaded: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(uploaded["content_type"], "application/pdf", "{body}");
    let content = format!("{base}{}", uploaded["content"].as_str().unwrap());
    let copy = dir.path().join("copy.pdf");
    let (status, _) = curl(token, &["--output", copy.to_str().unwrap(), &content]);
    assert_eq!(status, 200);
    assert_eq!(std::fs::read(&copy).unwrap(), bytes, "the file comes back unchanged");

    let (status, body) = curl(token, &[&format!("{base}/api/v1/triage")]);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("A-77"), "{body}");
}

fn an_organisation_token_acts_as_its_service_account_and_the_rate_is_the_servers(db: &TestDatabase) {
    let dir = crate::support::fixtures::seed_two_clinics(db);
    let app = TestApp::serve_with_env(db, dir, &[("AMPARO_API_RATE_PER_MINUTE", "5".to_owned())]);
    let base = app.base().to_owned();
    let made = |role: &str| {
        let args = ["token", "create", "--org", "clinic-a", "--service", "Case sync", "--role", role];
        crate::support::run_on(db, &[&args[..], &["--scope", "write"]].concat())
    };
    let token = made("viewer").stdout().trim().to_owned();
    assert!(token.starts_with("amparo_oat_"), "{token}");
    // The same name is the same account, which keeps its role: a token cannot change it.
    made("attorney").failure(2, &["role: the service account \"Case sync\" acts as viewer"]);

    // It reads what a viewer reads, and writes nothing a viewer may not.
    let (status, body) = curl(&token, &[&format!("{base}/api/v1/cases")]);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("A-1") && !body.contains("B-1"), "{body}");
    let document = case_json("A-78", "Noor").replace("A012345678", "A087654321");
    let (status, body) = curl(
        &token,
        &["-H", "Content-Type: application/json", "--data", &document, &format!("{base}/api/v1/cases")],
    );
    assert_eq!(status, 403, "{body}");

    // The listing names it as the organisation's, acting as its service account.
    let listed = amparo(db, &["token", "list", "--org", "clinic-a", "--json"], None);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["kind"], "organisation", "{listed}");

    // The server was told 5 a minute: past them, a request is refused with Retry-After.
    for _ in 0..3 {
        let (status, _) = curl(&token, &[&format!("{base}/api/v1/triage")]);
        assert_eq!(status, 200);
    }
    let (status, body) = curl(&token, &["--dump-header", "-", &format!("{base}/api/v1/triage")]);
    assert_eq!(status, 429, "{body}");
    assert!(body.to_ascii_lowercase().contains("retry-after:"), "{body}");
}
