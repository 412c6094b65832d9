//! `amparo document` through the real binary, on both backends: each kind written as a valid PDF
//! (`qpdf --check`) whose text carries the record; the packet with the exhibits chosen, in their
//! order; every read audited; the generation recorded, and a second one naming what changed; bad
//! input refused by name with no file written.

use std::path::Path;
use std::process::Command;

use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::{Actor, CaseId, NewAttachment, NewUser};
use serde_json::Value;

use crate::support::{Run, run_on, stdout_of};

fn case_file(days_to_critical_harm: u32) -> Value {
    serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "D-1",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Lina", "family_name": "Ejemplova",
                  "citizenship": "UA", "preferred_language": "uk" },
                { "key": "m1", "role": "parent", "given_name": "Oksana", "family_name": "Ejemplova" }
            ],
            "medical": { "person": "p1", "condition": "intestinal failure", "regimen": "home parenteral nutrition",
                         "hours_per_day": 14, "facility": "Example Children's Hospital",
                         "available_in_origin_country": false, "days_to_critical_harm": days_to_critical_harm }
        },
        "events": [ { "id": "g1", "type": "parole_granted", "on": "2025-06-12", "valid_until": "2026-06-11" } ]
    })
}

/// A one-page PDF printing `text` in Helvetica.
fn text_pdf(text: &str) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font =
        doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 14.into()]),
        Operation::new("Td", vec![72.into(), 700.into()]),
        Operation::new("Tj", vec![Object::string_literal(text)]),
        Operation::new("ET", vec![]),
    ];
    let stream = doc.add_object(Stream::new(dictionary! {}, Content { operations }.encode().unwrap()));
    let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => stream });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// The store's writes here sit among the binary's, which read the real clock.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn tool(program: &str, args: &[&str], path: &Path) -> String {
    let output = Command::new(program)
        .args(args)
        .arg(path)
        .args(if program == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap();
    assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn document(db: &TestDatabase, args: &[&str]) -> Run {
    Run::new(&["document", "--case", "D-1"])
        .args(args)
        .on(db)
        .env("AMPARO_ATTACHMENTS_URL", db.attachments_dir().to_string_lossy().into_owned())
}

fn documents_from_the_record(db: &TestDatabase) {
    stdout_of(&run_on(db, &["org", "add", "harbor", "--name", "Harbor Legal Aid Example"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d1.json");
    std::fs::write(&file, case_file(3).to_string()).unwrap();
    stdout_of(&run_on(db, &["import", file.to_str().unwrap()]));

    // Two exhibits added by an attorney through the store, as the evidence page does.
    let store = db.store();
    let org = store.organisations().unwrap().remove(0).id;
    let now = wall_clock();
    let new_user = NewUser {
        email: "attorney@harbor.example".into(),
        display_name: "Dana Example".into(),
        role: UserRole::Attorney,
        language: amparo_domain::Language::En,
        password_hash: "$argon2id$fake".into(),
    };
    let attorney = Actor::of(&store.create_user(&org, &new_user, now).unwrap());
    let case: CaseId = store.case_by_reference(&org, "D-1").unwrap().unwrap().id;
    let mut ids = Vec::new();
    for (title, text) in
        [("Approval notice", "Approval notice original text"), ("I-94 record", "I-94 record original text")]
    {
        let new = NewAttachment {
            details: AttachmentDetails {
                kind: AttachmentKind::Evidence,
                title: title.into(),
                dated: None,
                event: None,
                person: None,
                file_name: Some(format!("{title}.pdf")),
            },
            bytes: text_pdf(text),
        };
        ids.push(store.add_attachment_as(&attorney, &case, &new, now).unwrap().id);
    }

    // The medical letter, first of its kind.
    let out = dir.path().join("medical.pdf");
    let said = document(db, &["--kind", "medical-letter", "--out", out.to_str().unwrap(), "--json"])
        .outcome()
        .json();
    assert_eq!(said["kind"], "medical-letter");
    assert_eq!(said["previous"], Value::Null);
    assert!(tool("qpdf", &["--check"], &out).contains("No syntax or stream encoding errors"));
    let text = flat(&tool("pdftotext", &[], &out));
    for expected in ["Harbor Legal Aid Example", "Lina Ejemplova", "intestinal failure", "within 3 days"] {
        assert!(text.contains(expected), "{expected:?}: {text}");
    }

    // The packet with the exhibits in the order asked: the I-94 first.
    let packet = dir.path().join("packet.pdf");
    document(
        db,
        &["--kind", "packet", "--exhibit", &ids[1], "--exhibit", &ids[0], "--out", packet.to_str().unwrap()],
    )
    .outcome()
    .success();
    assert!(tool("qpdf", &["--check"], &packet).contains("No syntax or stream encoding errors"));
    let text = flat(&tool("pdftotext", &[], &packet));
    assert!(text.contains("Exhibit A: I-94 record"), "{text}");
    assert!(text.contains("Exhibit B: Approval notice"), "{text}");
    assert!(
        text.find("I-94 record original text").unwrap() < text.find("Approval notice original text").unwrap()
    );

    // The family letter in Dari.
    let family = dir.path().join("family.pdf");
    let said = document(
        db,
        &["--kind", "family-letter", "--language", "prs", "--out", family.to_str().unwrap(), "--json"],
    )
    .outcome()
    .json();
    assert_eq!(said["language"], "prs");
    assert!(tool("qpdf", &["--check"], &family).contains("No syntax or stream encoding errors"));

    // The medical letter as DOCX opens in python-docx; the packet has none.
    let editable = dir.path().join("medical.docx");
    document(db, &["--kind", "medical-letter", "--out", editable.to_str().unwrap()]).outcome().success();
    let read = Command::new("python3")
        .args([
            "-c",
            "import docx, sys; print('\\n'.join(p.text for p in docx.Document(sys.argv[1]).paragraphs))",
        ])
        .arg(&editable)
        .output()
        .unwrap();
    let paragraphs = String::from_utf8(read.stdout).unwrap();
    assert!(paragraphs.contains("intestinal failure"), "{paragraphs}");
    document(db, &["--kind", "packet", "--out", dir.path().join("packet.docx").to_str().unwrap()])
        .outcome()
        .failure(2, &["the packet is made as PDF only"]);

    // Every read audited: the case for each document, the exhibits named.
    let audit: Value = serde_json::from_str(&stdout_of(&run_on(db, &["audit", "list", "--json"]))).unwrap();
    let entries = audit.as_array().unwrap();
    let count = |action: &str| entries.iter().filter(|e| e["action"] == action).count();
    assert_eq!(count("document.generated"), 4, "{audit}");
    assert!(count("case.read") >= 3, "{audit}");
    let exhibit_reads: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "attachment.read" && e["detail"].as_str().unwrap_or("").contains(&ids[0]))
        .collect();
    assert_eq!(exhibit_reads.len(), 1, "{audit}");

    // The same letter again: nothing changed. Then the office's phone changes, and the letter made
    // again names that one fact.
    let again = dir.path().join("medical-2.pdf");
    let said =
        document(db, &["--kind", "medical-letter", "--out", again.to_str().unwrap()]).outcome().stdout();
    assert!(said.contains("Nothing changed since the one made"), "{said}");
    let admin = NewUser { email: "admin@harbor.example".into(), role: UserRole::Admin, ..new_user };
    let admin = Actor::of(&store.create_user(&org, &admin, now).unwrap());
    let mut profile = store.organisation_profile(&org).unwrap();
    profile.phone = "+1 555 0199".into();
    store.set_organisation_profile_as(&admin, &profile, now).unwrap();
    let said =
        document(db, &["--kind", "medical-letter", "--out", again.to_str().unwrap()]).outcome().stdout();
    assert!(said.contains("Changed since the one made"), "{said}");
    let changed: Vec<&str> = said.lines().filter(|l| l.starts_with("  ")).map(str::trim).collect();
    assert_eq!(changed, ["changed  letterhead.phone"], "{said}");

    // Refusals name what is wrong and leave no file.
    let refused = dir.path().join("refused.pdf");
    document(db, &["--kind", "memo", "--out", refused.to_str().unwrap()])
        .outcome()
        .failure(2, &["--kind: \"memo\" is not one of medical-letter, cover-letter, packet, family-letter"]);
    document(db, &["--kind", "packet", "--exhibit", "no-such-id", "--out", refused.to_str().unwrap()])
        .outcome()
        .failure(1, &["attachment no-such-id"]);
    document(db, &["--kind", "family-letter", "--language", "tlh", "--out", refused.to_str().unwrap()])
        .outcome()
        .failure(2, &["language \"tlh\""]);
    assert!(!refused.exists());
}

amparo_store::on_both_backends!(documents_from_the_record);
