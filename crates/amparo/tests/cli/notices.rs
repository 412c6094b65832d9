//! `amparo notice read` through the real binary: every fixture notice as text and as a PDF written
//! here, a scanned notice read by Tesseract (as an image and inside an image-only PDF), the refusal
//! when Tesseract is missing, and `--case`, which matches people, audits the read and records
//! nothing, on both backends.

use std::path::{Path, PathBuf};

use amparo_store::testing::TestDatabase;
use serde_json::Value;

use crate::support::pdf::{scanned_pdf, text_pdf};
use crate::support::{Run, run, run_on, stdout_of};

fn notices() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../amparo-domain/tests/notices")
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(notices())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().unwrap().strip_suffix(".txt").map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn expected(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The type and every printed date of the binary's proposal, in the expected files' shape.
fn type_and_dates(read: &Value) -> Value {
    let p = &read["proposal"];
    let value = |field: &str| p[field]["value"].clone();
    serde_json::json!({
        "event_type": p["event_type"],
        "notice_date": value("notice_date"),
        "received_date": value("received_date"),
        "effective": value("effective"),
        "depart_by": value("depart_by"),
        "respond_by": value("respond_by"),
        "valid_until": value("valid_until"),
        "pay_by": value("pay_by"),
        "receipt_number": value("receipt_number"),
        "served_by": value("served_by"),
    })
}

fn same_fields(got: &Value, want: &Value) -> bool {
    got.as_object().unwrap().iter().all(|(k, v)| want[k] == *v)
}

#[test]
fn every_fixture_gets_its_type_and_every_printed_date() {
    let names = fixture_names();
    assert!(names.len() >= 120);
    for name in names {
        let file = notices().join(format!("{name}.txt"));
        let read = run(&["notice", "read", file.to_str().unwrap(), "--json"]).json();
        assert_eq!(read["recorded"], false);
        assert_eq!(read["read_from"], "text");
        let got = type_and_dates(&read);
        assert!(same_fields(&got, &expected(&notices().join(format!("{name}.json")))), "{name}: {got}");
    }
}

#[test]
fn a_pdfs_text_layer_is_read_in_process() {
    let dir = tempfile::tempdir().unwrap();
    // One of each kind of layout: a letter, an I-797 with its header tables, an email, a CBP record.
    for name in ["termination-03", "approval-parole-01", "receipt-i765-02", "rfe-01", "i94-01", "fee-01"] {
        let text = std::fs::read_to_string(notices().join(format!("{name}.txt"))).unwrap();
        let pdf = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&pdf, text_pdf(&text)).unwrap();
        let read = run(&["notice", "read", pdf.to_str().unwrap(), "--json"]).json();
        assert_eq!(read["read_from"], "pdf_text", "{name}");
        let got = type_and_dates(&read);
        assert!(same_fields(&got, &expected(&notices().join(format!("{name}.json")))), "{name}: {got}");
    }
}

/// Whether Tesseract is here; CI installs it, so there its absence fails the test.
fn tesseract_installed() -> bool {
    let found =
        std::process::Command::new("tesseract").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "CI=true but tesseract is not installed");
        eprintln!("scanned-notice test skipped: tesseract is not installed");
    }
    found
}

#[test]
fn a_scanned_notice_is_read_by_tesseract_as_an_image_and_inside_a_pdf() {
    if !tesseract_installed() {
        return;
    }
    let scanned = notices().join("scanned");
    let jpeg = std::fs::read(scanned.join("rfe-scan.jpg")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("scan.pdf");
    // pdftoppm's page at 150 dpi: 1275 × 1650 pixels.
    std::fs::write(&pdf, scanned_pdf(&jpeg, 1275, 1650)).unwrap();
    let want = expected(&scanned.join("rfe-scan.json"));
    for file in [scanned.join("rfe-scan.jpg"), pdf] {
        let read = run(&["notice", "read", file.to_str().unwrap(), "--json"]).json();
        assert_eq!(read["read_from"], "ocr");
        let got = type_and_dates(&read);
        assert!(same_fields(&got, &want), "{}: {got}", file.display());
        let text = run(&["notice", "read", file.to_str().unwrap()]).stdout();
        assert!(text.contains("read by Tesseract: check every value"), "{text}");
    }
}

#[test]
fn without_tesseract_a_scan_is_refused_with_what_to_do() {
    let scan = notices().join("scanned/rfe-scan.jpg");
    let empty = tempfile::tempdir().unwrap();
    let outcome = Run::new(&["notice", "read", scan.to_str().unwrap()])
        .env("PATH", empty.path().to_str().unwrap())
        .outcome();
    outcome.failure(2, &["Tesseract", "not installed", "type the notice"]);
}

#[test]
fn what_is_no_notice_is_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("blob.bin");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1]).unwrap();
    run(&["notice", "read", binary.to_str().unwrap()]).failure(2, &["neither text, a PDF nor an image"]);
    let empty_pdf = dir.path().join("empty.pdf");
    std::fs::write(&empty_pdf, text_pdf("")).unwrap();
    run(&["notice", "read", empty_pdf.to_str().unwrap()]).failure(2, &["no text layer", "type the notice"]);
    let chat = dir.path().join("chat.txt");
    std::fs::write(&chat, "See you at the clinic on Tuesday.").unwrap();
    let text = run(&["notice", "read", chat.to_str().unwrap()]).stdout();
    assert!(text.contains("Proposed event: none"), "{text}");
    assert!(text.contains("Nothing was recorded"), "{text}");
}

fn people_matched_audited_and_nothing_recorded(db: &TestDatabase) {
    stdout_of(&run_on(db, &["org", "add", "clinic", "--name", "Clinic"]));
    let dir = tempfile::tempdir().unwrap();
    let case = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "N-1",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Marisol", "family_name": "Ejemplo Duarte",
                  "a_number": "A204117385" },
                { "key": "m1", "role": "parent", "given_name": "Teodoro", "family_name": "Ejemplo" }
            ]
        },
        "events": [ { "id": "e1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2027-06-02" } ]
    });
    let file = dir.path().join("n1.json");
    std::fs::write(&file, case.to_string()).unwrap();
    stdout_of(&run_on(db, &["import", file.to_str().unwrap()]));
    let notice = notices().join("scanned/rfe-scan.txt");
    let read = Run::new(&["notice", "read", notice.to_str().unwrap(), "--case", "N-1", "--json"])
        .on(db)
        .outcome()
        .json();
    let people = read["proposal"]["people"].as_array().unwrap();
    assert_eq!(people.len(), 1, "{read}");
    assert_eq!(
        (people[0]["person"].as_str(), people[0]["matched_by"].as_str()),
        (Some("p1"), Some("a_number"))
    );
    assert_eq!(read["event"]["type"], "rfe_received");
    assert_eq!(read["event"]["respond_by"], "2026-06-13");
    // The read is audited as the operator's, and nothing was recorded on the case.
    let audit: Value = serde_json::from_str(&stdout_of(&run_on(db, &["audit", "list", "--json"]))).unwrap();
    let reads: Vec<&Value> =
        audit.as_array().unwrap().iter().filter(|e| e["action"] == "case.read").collect();
    assert_eq!(reads.len(), 1, "{audit}");
    assert!(reads[0]["detail"].as_str().unwrap().contains("notice read"));
    let exported: Value =
        serde_json::from_str(&stdout_of(&run_on(db, &["export", "--case", "N-1"]))).unwrap();
    assert_eq!(exported["events"].as_array().unwrap().len(), 1, "nothing recorded: {exported}");
    // A case that is not there is named.
    let outcome = Run::new(&["notice", "read", notice.to_str().unwrap(), "--case", "N-9"]).on(db).outcome();
    outcome.failure(2, &["--case: no case with reference \"N-9\""]);
}

amparo_store::on_both_backends!(people_matched_audited_and_nothing_recorded);
