//! `amparo attachments sweep` through the real binary, on both backends: a stored file no
//! attachment names is left alone within the grace period, counted and kept by a dry run, removed
//! after it, with the operator's audit entry; a file an attachment names is never touched; a grace
//! period out of range is refused.

use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Language};
use amparo_store::testing::TestDatabase;
use amparo_store::{Actor, NewAttachment, NewOrganisation, NewUser};
use chrono::{TimeZone, Utc};

use crate::support::{Run, run_on};

amparo_store::on_both_backends!(a_sweep_removes_only_old_files_no_attachment_names);

fn case_file() -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "SWEEP-1",
            "people": [{ "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" }]
        },
        "events": [{ "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" }]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

/// Every file under the database's attachments folder.
fn stored_files(db: &TestDatabase) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![db.attachments_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { out.push(path) }
        }
    }
    out
}

fn a_sweep_removes_only_old_files_no_attachment_names(db: &TestDatabase) {
    let store = db.store();
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    let org = store
        .create_organisation(&NewOrganisation { slug: "clinic".into(), name: "Clinic".into() }, now)
        .unwrap();
    let new = NewUser {
        email: "attorney@clinic.example.org".into(),
        display_name: "Test Attorney".into(),
        role: UserRole::Attorney,
        language: Language::Es,
        password_hash: "$argon2id$fake".into(),
    };
    let attorney = Actor::of(&store.create_user(&org.id, &new, now).unwrap());
    let case = store.import_cases(&org.id, &[case_file()], None, now).unwrap().remove(0);
    let details = AttachmentDetails {
        kind: AttachmentKind::Evidence,
        title: "School letter".into(),
        dated: None,
        event: None,
        person: None,
        file_name: None,
    };
    let kept = NewAttachment { details, bytes: b"A letter from the school.\n".to_vec() };
    let kept = store.add_attachment_as(&attorney, &case, &kept, now).unwrap();
    let folder = stored_files(db)[0].parent().unwrap().to_path_buf();
    let orphan = folder.join("0190aaaa-0000-7000-8000-000000000000");
    std::fs::write(&orphan, b"left by an interrupted upload").unwrap();

    // Just written: within the default grace period of a day.
    let young = run_on(db, &["attachments", "sweep"]).stdout();
    assert!(young.contains("2 stored files, 1 named by no attachment"), "{young}");
    assert!(young.contains("1 written within the last 24 hours: left alone"), "{young}");
    assert!(young.contains("0 removed"), "{young}");
    assert!(orphan.exists());

    let dry = run_on(db, &["attachments", "sweep", "--older-than", "0", "--dry-run"]).stdout();
    assert!(dry.contains("1 would be removed (29 bytes); nothing was removed (--dry-run)"), "{dry}");
    assert!(orphan.exists());

    let done = run_on(db, &["attachments", "sweep", "--older-than", "0"]).stdout();
    assert!(done.contains("1 removed (29 bytes)"), "{done}");
    assert!(!orphan.exists());
    assert_eq!(stored_files(db).len(), 1, "the attachment's own file stays");
    let file = store.attachment_file_as(&attorney, &case, &kept.id, "download", now).unwrap();
    assert_eq!(file.bytes, b"A letter from the school.\n");

    // The removal is the operator's, in the installation's audit trail.
    let trail = run_on(db, &["audit", "list", "--installation", "--json"]).stdout();
    let trail: serde_json::Value = serde_json::from_str(&trail).unwrap();
    let swept: Vec<&serde_json::Value> =
        trail.as_array().unwrap().iter().filter(|e| e["action"] == "attachments.swept").collect();
    assert_eq!(swept.len(), 1, "one sweep removed anything: {trail}");
    assert!(swept[0]["actor"].as_str().unwrap().starts_with("operator"), "{}", swept[0]);

    Run::new(&["attachments", "sweep", "--older-than", "1000000"])
        .on(db)
        .outcome()
        .failure(2, &["--older-than: at most"]);
}
