//! `amparo export --out` and `amparo import --org-archive` through the real binary, on both
//! backends: an organisation with staff, cases (notes, contacts, a closure), assignments, a share,
//! an escalation with a task done, attachments, its own policy and time zone goes out to an archive,
//! into an empty database, and out again with every member identical but the manifest and the audit
//! trail (the documented normalisation); attachments travel in clear and are sealed again on
//! import; the new chain starts by naming the archive; staff come without passwords; a non-empty
//! organisation, an edited archive and an attachment that is not the file its index describes are
//! refused; and every JSON member passes its JSON Schema under `docs/schemas/`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Language};
use amparo_store::testing::TestDatabase;
use amparo_store::{Actor, NewAttachment, NewOrganisation, NewUser, OrganisationProfile, Store};
use chrono::{DateTime, TimeZone, Utc};
use sha2::Digest;

use crate::support::{Run, run_on};

amparo_store::on_both_backends!(
    an_archive_round_trip_is_identical_but_for_manifest_and_trail,
    a_restore_refuses_a_non_empty_organisation_and_an_edited_archive
);

/// An archive made on SQLite restores into PostgreSQL and exports the same members again: the
/// archive says nothing of the backend it came from.
#[test]
fn an_archive_crosses_from_sqlite_to_postgres() {
    let Some(target) = TestDatabase::postgres() else {
        eprintln!("PostgreSQL test skipped: set {}", amparo_store::testing::POSTGRES_URL_VAR);
        return;
    };
    let source = TestDatabase::sqlite();
    seed(&source);
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first.tar"), dir.path().join("second.tar"));
    export(&source, &first);
    restore(&target, &first).stdout();
    export(&target, &second);
    assert_eq!(normalised(&members(&second)), normalised(&members(&first)));
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn case(reference: &str, given: &str, days_to_harm: u32, terminated: bool, closed: bool) -> CaseFile {
    let mut events = vec![serde_json::json!(
        { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" })];
    if terminated {
        events.push(serde_json::json!({ "id": "t1", "type": "termination_notice", "on": "2026-02-27",
                                        "served_by": "mail", "depart_by": "2026-03-27" }));
    }
    let mut file = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "people": [{ "key": "p1", "role": "patient", "given_name": given, "family_name": "Ejemplo",
                         "a_number": "A012345678", "birth_date": "2019-05-04" }],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": days_to_harm }
        },
        "events": events,
        "notes": [{ "id": 1, "type": "call", "at": "2026-02-20T15:30:00Z", "author": "Inés Muestra",
                    "pinned": true, "text": "Called the mother; the pump supplier changes on Friday." }],
        "contacts": { "family": { "phone": "+1 555 0142 7781", "preferred_method": "phone" } }
    });
    if closed {
        file["closure"] = serde_json::json!({ "reason": "moved", "closed_at": "2026-02-28T09:30:00Z" });
    }
    CaseFile::parse(&file.to_string()).unwrap().0
}

fn member(store: &Store, org: &amparo_store::OrgId, email: &str, role: UserRole) -> amparo_store::User {
    let new = NewUser {
        email: email.into(),
        display_name: format!("Test {}", role.as_str()),
        role,
        language: Language::Es,
        password_hash:
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA".into(),
    };
    store.create_user(org, &new, now()).unwrap()
}

/// The notice's file: a PDF of two chunks.
fn notice_pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    while bytes.len() < 70_000 {
        bytes.extend_from_slice(format!("% ARCHIVE-NOTICE-MARKER line {}\n", bytes.len()).as_bytes());
    }
    bytes
}

const LETTER: &str = "To whom it may concern: ARCHIVE-LETTER-MARKER. The patient needs daily care.\n";

/// An organisation with something in every section of the archive.
fn seed(db: &TestDatabase) {
    let store = db.store();
    let org = store
        .create_organisation(&NewOrganisation { slug: "clinic-a".into(), name: "Clinic A".into() }, now())
        .unwrap();
    let admin = member(&store, &org.id, "admin@a.example.org", UserRole::Admin);
    let attorney = member(&store, &org.id, "ana@a.example.org", UserRole::Attorney);
    let clinician = member(&store, &org.id, "cleo@a.example.org", UserRole::Clinician);
    let profile = OrganisationProfile {
        name: "Clinic A".into(),
        address: "1 Example Way\nSpringfield".into(),
        phone: "+1 555 0100 2000".into(),
        email: "office@a.example.org".into(),
        letter_signature: "The Clinic A team".into(),
        time_zone: amparo_domain::TimeZone::parse("America/Chicago").unwrap(),
    };
    store.set_organisation_profile_as(&Actor::of(&admin), &profile, now()).unwrap();
    let mut policy = store.policy(&org.id).unwrap();
    policy.critical_care_threshold_days = 10;
    store.set_policy(&org.id, &policy, now()).unwrap();
    let files = [
        case("A-1", "Lucía", 90, false, false),
        case("A-2", "Nina", 3, false, true),
        case("A-3/x", "Iker", 3, true, false),
    ];
    let ids = store.import_cases(&org.id, &files, None, now()).unwrap();
    store.assign(&org.id, &ids[2], UserRole::Attorney, Some(&attorney.id), now()).unwrap();
    store.set_case_shared(&org.id, &ids[2], &clinician.id, true, Some(&admin.id), now()).unwrap();
    let tasks = store.case_tasks(&org.id, &ids[2]).unwrap();
    assert!(!tasks.is_empty(), "the critical case's termination notice opens an escalation");
    store.complete_task(&org.id, &tasks[0].id, &attorney.id, Some("Filed on the portal."), now()).unwrap();
    let notice = NewAttachment {
        details: AttachmentDetails {
            kind: AttachmentKind::Notice,
            title: "Termination notice".into(),
            dated: Some("2026-02-27".parse().unwrap()),
            event: Some("t1".into()),
            person: Some("p1".into()),
            file_name: Some("notice.pdf".into()),
        },
        bytes: notice_pdf(),
    };
    store.add_attachment_as(&Actor::of(&admin), &ids[2], &notice, now()).unwrap();
    let letter = NewAttachment {
        details: AttachmentDetails {
            kind: AttachmentKind::MedicalLetter,
            title: "Letter from the clinic".into(),
            dated: None,
            event: None,
            person: None,
            file_name: None,
        },
        bytes: LETTER.as_bytes().to_vec(),
    };
    store.add_attachment_as(&Actor::of(&admin), &ids[0], &letter, now()).unwrap();
}

/// Every byte of every file under `dir`.
fn folder_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { out.extend(std::fs::read(&path).unwrap()) }
        }
    }
    out
}

/// The members of a tar file by name.
fn members(archive: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut tar = tar::Archive::new(std::fs::File::open(archive).unwrap());
    tar.entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Another empty database on the same backend as `db`.
fn empty_like(db: &TestDatabase) -> TestDatabase {
    if db.postgres_schema().is_some() { TestDatabase::postgres().unwrap() } else { TestDatabase::sqlite() }
}

fn export(db: &TestDatabase, out: &Path) -> String {
    run_on(db, &["export", "--org", "clinic-a", "--out", out.to_str().unwrap()]).stdout()
}

fn restore(db: &TestDatabase, archive: &Path) -> crate::support::Outcome {
    Run::new(&["import", "--org-archive", archive.to_str().unwrap()]).on(db).outcome()
}

/// The documented normalisation: every member but the manifest and the audit trail, and the
/// manifest's member list without the trail's entry.
fn normalised(members: &BTreeMap<String, Vec<u8>>) -> (BTreeMap<String, Vec<u8>>, serde_json::Value) {
    let mut manifest: serde_json::Value = serde_json::from_slice(&members["manifest.json"]).unwrap();
    let listed = manifest["members"].as_array_mut().unwrap();
    listed.retain(|m| m["path"] != "audit/trail.json");
    let rest = members
        .iter()
        .filter(|(name, _)| *name != "manifest.json" && *name != "audit/trail.json")
        .map(|(name, bytes)| (name.clone(), bytes.clone()))
        .collect();
    (rest, manifest["members"].clone())
}

fn an_archive_round_trip_is_identical_but_for_manifest_and_trail(db: &TestDatabase) {
    seed(db);
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first.tar"), dir.path().join("second.tar"));
    assert!(export(db, &first).contains("exported clinic-a: 3 cases, 3 staff"));
    // The export itself is audited, after the trail it carries was read.
    let audit = db.store().audit_log(Some(&db.store().organisations().unwrap()[0].id)).unwrap();
    assert_eq!(audit.last().unwrap().action, "organisation.exported");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&first).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let original = members(&first);
    let names: Vec<&str> =
        original.keys().map(String::as_str).filter(|n| !n.starts_with("attachments/")).collect();
    assert_eq!(
        names,
        [
            "assignments.csv",
            "audit/trail.json",
            "cases/A-1.json",
            "cases/A-2.json",
            "cases/A-3%2Fx.json",
            "escalations.json",
            "manifest.json",
            "organisation.json",
            "shares.csv",
            "staff.json",
            "tasks.json"
        ]
    );
    // The attachments: their index, and each file in clear under the name the index gives it.
    let index: serde_json::Value = serde_json::from_slice(&original["attachments/index.json"]).unwrap();
    let entries = index["attachments"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{index}");
    let (letter, notice) = (&entries[0], &entries[1]);
    assert_eq!((letter["case"].as_str(), letter["kind"].as_str()), (Some("A-1"), Some("medical_letter")));
    assert_eq!(letter["media_type"], "text/plain; charset=utf-8");
    assert_eq!(original[letter["file"].as_str().unwrap()], LETTER.as_bytes());
    assert_eq!(notice["case"], "A-3/x");
    assert_eq!((notice["event"].as_str(), notice["person"].as_str()), (Some("t1"), Some("p1")));
    assert_eq!(
        (notice["title"].as_str(), notice["dated"].as_str()),
        (Some("Termination notice"), Some("2026-02-27"))
    );
    assert_eq!(notice["bytes"], notice_pdf().len());
    assert_eq!(notice["sha256"], hex::encode(sha2::Sha256::digest(notice_pdf())));
    let notice_file = notice["file"].as_str().unwrap();
    assert_eq!(notice_file, format!("attachments/{}.pdf", notice["id"].as_str().unwrap()));
    assert_eq!(original[notice_file], notice_pdf());
    assert_eq!(original.keys().filter(|n| n.starts_with("attachments/")).count(), 3);
    let manifest: serde_json::Value = serde_json::from_slice(&original["manifest.json"]).unwrap();
    assert_eq!(manifest["counts"]["attachments"], 2);
    assert_eq!(manifest["attachments"].as_array().unwrap().len(), 2);
    let staff = String::from_utf8(original["staff.json"].clone()).unwrap();
    assert!(!staff.contains("argon2") && !staff.contains("password"), "no password hash leaves: {staff}");
    let tasks: serde_json::Value = serde_json::from_slice(&original["tasks.json"]).unwrap();
    assert!(tasks["tasks"].as_array().unwrap().iter().any(|t| t["note"] == "Filed on the portal."));
    let organisation: serde_json::Value = serde_json::from_slice(&original["organisation.json"]).unwrap();
    assert_eq!(organisation["time_zone"], "America/Chicago");
    assert_eq!(organisation["policy"]["critical_care_threshold_days"], 10);
    assert!(
        String::from_utf8_lossy(&original["assignments.csv"])
            .starts_with("case,role,user,assigned_at\r\nA-3/x,attorney,")
    );

    let target = empty_like(db);
    let restored = restore(&target, &first).stdout();
    assert!(restored.contains("restored clinic-a: 3 cases, 3 staff, 2 attachments"), "{restored}");
    // Sealed again under the importing installation's key: no file is kept in clear.
    let kept = folder_bytes(&target.attachments_dir());
    for marker in [&b"ARCHIVE-NOTICE-MARKER"[..], b"ARCHIVE-LETTER-MARKER"] {
        assert!(!kept.windows(marker.len()).any(|w| w == marker), "a file is kept in clear");
    }
    assert!(restored.contains("admin@a.example.org: http://127.0.0.1:8080/reset/"), "{restored}");
    assert!(!restored.contains("ana@a.example.org"), "only administrators get a link: {restored}");
    export(&target, &second);
    let again = members(&second);
    assert_eq!(normalised(&again), normalised(&original), "export → import → export differs");

    // The new chain starts by naming the archive it came from.
    let digest = hex::encode(sha2::Sha256::digest(std::fs::read(&first).unwrap()));
    let trail: serde_json::Value = serde_json::from_slice(&again["audit/trail.json"]).unwrap();
    let first_entry = &trail["entries"][0];
    assert_eq!(first_entry["action"], "organisation.restored");
    let detail: serde_json::Value = serde_json::from_str(first_entry["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["archive_sha256"], digest);
    let exported: serde_json::Value = serde_json::from_slice(&original["audit/trail.json"]).unwrap();
    assert_eq!(detail["trail_entries"], exported["entries"].as_array().unwrap().len());
    // The restored staff cannot sign in with any password until they set one.
    let store = target.store();
    let credentials = store.credentials_by_email("ana@a.example.org").unwrap().unwrap();
    assert_eq!(credentials.password_hash, amparo_store::archive::NO_PASSWORD);
    assert!(!amparo_web::verify_password("", &credentials.password_hash));

    check_schemas(&original);
}

fn a_restore_refuses_a_non_empty_organisation_and_an_edited_archive(db: &TestDatabase) {
    seed(db);
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive.tar");
    export(db, &archive);
    // Into the same database: the organisation is there and holds cases.
    restore(db, &archive).failure(3, &["organisation clinic-a is not empty", "3 cases"]);

    // A member changed after the manifest was written.
    let mut edited = members(&archive);
    let staff = String::from_utf8(edited["staff.json"].clone()).unwrap().replace("\"es\"", "\"en\"");
    edited.insert("staff.json".into(), staff.into_bytes());
    let tampered = dir.path().join("tampered.tar");
    let mut builder = tar::Builder::new(std::fs::File::create(&tampered).unwrap());
    for (name, bytes) in &edited {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        builder.append_data(&mut header, name, bytes.as_slice()).unwrap();
    }
    builder.finish().unwrap();
    drop(builder);
    let target = empty_like(db);
    restore(&target, &tampered).failure(2, &["staff.json differs from its digest in manifest.json"]);
    assert!(target.store().organisations().unwrap().is_empty(), "nothing was written");

    // An attachment's file swapped for another, the manifest made to agree: the index still
    // describes the first file, and the import names the entry.
    let mut swapped = members(&archive);
    let index: serde_json::Value = serde_json::from_slice(&swapped["attachments/index.json"]).unwrap();
    let letter_file = index["attachments"][0]["file"].as_str().unwrap().to_owned();
    let other = b"Another letter altogether.\n".to_vec();
    let mut manifest: serde_json::Value = serde_json::from_slice(&swapped["manifest.json"]).unwrap();
    for listed in manifest["attachments"].as_array_mut().unwrap() {
        if listed["path"] == letter_file.as_str() {
            listed["bytes"] = other.len().into();
            listed["sha256"] = hex::encode(sha2::Sha256::digest(&other)).into();
        }
    }
    swapped.insert("manifest.json".into(), serde_json::to_vec(&manifest).unwrap());
    swapped.insert(letter_file.clone(), other);
    let tampered = dir.path().join("swapped.tar");
    write_tar(&tampered, &swapped);
    restore(&target, &tampered).failure(2, &["attachments[0].sha256", &letter_file, "does not match"]);
    assert!(target.store().organisations().unwrap().is_empty(), "nothing was written");
    assert!(folder_bytes(&target.attachments_dir()).is_empty(), "no object was left behind");
}

/// Writes `members` as a tar, the manifest first.
fn write_tar(path: &Path, members: &BTreeMap<String, Vec<u8>>) {
    let mut builder = tar::Builder::new(std::fs::File::create(path).unwrap());
    let manifest = members.iter().filter(|(n, _)| *n == "manifest.json");
    for (name, bytes) in manifest.chain(members.iter().filter(|(n, _)| *n != "manifest.json")) {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        builder.append_data(&mut header, name, bytes.as_slice()).unwrap();
    }
    builder.finish().unwrap();
}

/// Each JSON member against its schema under `docs/schemas/`, by Python's `jsonschema` (an
/// independent checker); skipped, saying so, where it is not installed.
fn check_schemas(members: &BTreeMap<String, Vec<u8>>) {
    let schemas = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas");
    let probe = std::process::Command::new("python3").args(["-c", "import jsonschema"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("JSON Schema check skipped: pip install jsonschema");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut pairs = Vec::new();
    for (name, bytes) in members {
        let schema = match name.as_str() {
            "manifest.json" => "org-archive-manifest.schema.json",
            "organisation.json" => "organisation.schema.json",
            "staff.json" => "staff.schema.json",
            "escalations.json" => "escalations.schema.json",
            "tasks.json" => "tasks.schema.json",
            "audit/trail.json" => "audit-trail.schema.json",
            "attachments/index.json" => "attachments-index.schema.json",
            n if n.starts_with("cases/") => "case.schema.json",
            _ => continue,
        };
        let path = dir.path().join(name.replace('/', "_"));
        std::fs::write(&path, bytes).unwrap();
        pairs.push(format!("{}={}", schemas.join(schema).display(), path.display()));
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/validate_schemas.py");
    let output = std::process::Command::new("python3").arg(script).args(&pairs).output().unwrap();
    assert!(
        output.status.success(),
        "schema check failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
