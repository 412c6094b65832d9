//! Backups through the real binary: `amparo backup` taken while another thread keeps recording
//! events and uploading files holds every event and every file acknowledged before it began, and
//! `amparo restore` brings them back, files byte for byte (on both backends); a restore refuses a
//! place that is not empty; `amparo backup verify` finds an edited audit row, a manifest whose heads
//! were changed, a wrong key file and an attachment's object taken out; and the wording of the
//! refusals, as snapshots.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Event, Language, RawEvent};
use amparo_store::testing::TestDatabase;
use amparo_store::{Actor, NewAttachment, NewOrganisation, NewUser, Objects, Store, StoreError};
use chrono::{DateTime, TimeZone, Utc};

use crate::support::{Outcome, Run, run_on};

amparo_store::on_both_backends!(
    a_backup_under_writes_holds_every_write_acknowledged_before_it_began,
    a_restore_refuses_a_place_that_is_not_empty
);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn case_file() -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "BACKUP-1",
            "program": "humanitarian",
            "people": [{ "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
                         "a_number": "A123456789" }]
        },
        "events": [{ "id": "e0", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" }]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

fn event(n: usize) -> Event {
    let json = serde_json::json!({ "id": format!("w{n}"), "type": "medical_attested", "on": "2026-03-01",
                                   "days_to_critical_harm": 3, "note": format!("Re-attested, round {n}.") });
    serde_json::from_value::<RawEvent>(json).unwrap().into_event().unwrap()
}

/// The `n`th file of a stream of uploads: a PDF of one to three chunks that names its round.
fn pdf(n: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let size = 1000 + (n % 3) * 40_000;
    while bytes.len() < size {
        bytes.extend_from_slice(format!("% upload round {n}, line {}\n", bytes.len()).as_bytes());
    }
    bytes
}

fn upload(n: usize) -> NewAttachment {
    let details = AttachmentDetails {
        kind: AttachmentKind::Evidence,
        title: format!("Evidence, round {n}"),
        dated: None,
        event: None,
        person: Some("p1".into()),
        file_name: Some(format!("round-{n}.pdf")),
    };
    NewAttachment { details, bytes: pdf(n) }
}

/// An attorney of `org`, who uploads.
fn attorney(store: &Store, org: &amparo_store::OrgId) -> Actor {
    let new = NewUser {
        email: "attorney@clinic.example.org".into(),
        display_name: "Test Attorney".into(),
        role: UserRole::Attorney,
        language: Language::Es,
        password_hash: "$argon2id$fake".into(),
    };
    Actor::of(&store.create_user(org, &new, now()).unwrap())
}

/// The place a test backup goes, and the file itself.
fn backup_path(dir: &Path) -> PathBuf {
    dir.join("amparo-backup.tar")
}

fn backup(db: &TestDatabase, out: &Path) -> Outcome {
    run_on(db, &["backup", "--out", out.to_str().unwrap()])
}

/// Restores `archive` into `url` with the database's key in the environment.
fn restore(db: &TestDatabase, archive: &Path, url: &str) -> Outcome {
    Run::new(&["restore", "--from", archive.to_str().unwrap(), "--database", url])
        .envs(&db.key_env())
        .outcome()
}

fn a_backup_under_writes_holds_every_write_acknowledged_before_it_began(db: &TestDatabase) {
    let store = db.store();
    let org = store
        .create_organisation(&NewOrganisation { slug: "clinic".into(), name: "Clinic".into() }, now())
        .unwrap();
    let case = store.import_cases(&org.id, &[case_file()], None, now()).unwrap().remove(0);
    let uploader = attorney(&store, &org.id);
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    // Each upload acknowledged: its attachment's id and its round.
    let uploaded = Arc::new(Mutex::new(Vec::<(String, usize)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, acknowledged, uploaded, stop, org, case, uploader) = (
            store.clone(),
            acknowledged.clone(),
            uploaded.clone(),
            stop.clone(),
            org.id.clone(),
            case.clone(),
            uploader.clone(),
        );
        std::thread::spawn(move || {
            let mut version = 1;
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                match store.append_event(&org, &case, version, &event(n), None, now()) {
                    Ok(new_version) => version = new_version,
                    Err(StoreError::Conflict { actual, .. }) => {
                        version = actual;
                        continue;
                    }
                    Err(other) => panic!("append {n}: {other}"),
                }
                // Only now, after the commit, is the write acknowledged.
                acknowledged.lock().unwrap().push(format!("w{n}"));
                if n % 2 == 0 {
                    let added = store.add_attachment_as(&uploader, &case, &upload(n), now()).unwrap();
                    uploaded.lock().unwrap().push((added.id, n));
                }
                n += 1;
            }
        })
    };
    // Let the stream get going, then note what was acknowledged before the backup began.
    while acknowledged.lock().unwrap().len() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let files_before: Vec<(String, usize)> = uploaded.lock().unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let archive = backup_path(dir.path());
    let taken = backup(db, &archive).success();
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let during = acknowledged.lock().unwrap().len() - before.len();
    assert!(during > 0, "the writer kept writing while the backup ran");
    assert!(taken.stdout.contains("clinic: 1 cases"), "{}", taken.stdout);

    assert!(!files_before.is_empty(), "files were uploaded before the backup began");
    if db.postgres_schema().is_none() {
        let verified = verify(db, &archive, db.key_file()).stdout();
        assert!(verified.contains("attachments present with their sizes"), "{verified}");
    }

    // The live database goes out of the way; the backup comes back in its place, its files in an
    // empty folder.
    let (restored, files_dir) = match db.postgres_schema() {
        None => {
            let target = dir.path().join("restored.db");
            restore(db, &archive, target.to_str().unwrap()).success();
            (Store::open_sqlite(&target, db.sealer()).unwrap(), dir.path().join("restored.db.attachments"))
        }
        Some((base, schema)) => {
            drop(store);
            let files_dir = dir.path().join("restored-attachments");
            let mut admin = ::postgres::Client::connect(base, ::postgres::NoTls).unwrap();
            admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema}_live CASCADE; ALTER SCHEMA {schema} RENAME TO {schema}_live")).unwrap();
            // A PostgreSQL backup is checked by restoring it into an empty scratch schema first.
            let checked = Run::new(&["backup", "verify", archive.to_str().unwrap(), "--scratch", &db.url])
                .envs(&db.key_env())
                .outcome();
            admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).unwrap();
            let checked = checked.stdout();
            assert!(checked.contains("backup verified"), "{checked}");
            assert!(checked.contains("attachments present with their sizes"), "{checked}");
            let outcome = Run::new(&["restore", "--from", archive.to_str().unwrap(), "--database", &db.url])
                .envs(&db.key_env())
                .env("AMPARO_ATTACHMENTS_URL", files_dir.to_string_lossy())
                .outcome();
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema}_live CASCADE"));
            outcome.success();
            (Store::open_postgres(&db.url, db.sealer()).unwrap(), files_dir)
        }
    };
    let restored = restored.with_objects(Objects::folder(&files_dir).unwrap());
    restored.migrate().unwrap();
    let events: Vec<String> = restored
        .case(&org.id, &case)
        .unwrap()
        .unwrap()
        .file
        .events
        .iter()
        .filter_map(|e| e.id.as_ref().map(|id| id.to_string()))
        .collect();
    let missing: Vec<&String> = before.iter().filter(|id| !events.contains(id)).collect();
    assert!(missing.is_empty(), "acknowledged before the backup began, missing after restore: {missing:?}");
    // The copy holds a prefix of the stream: nothing written after one it lacks.
    let in_copy = events.iter().filter(|id| id.starts_with('w')).count();
    let stream = acknowledged.lock().unwrap().clone();
    assert_eq!(&stream[..in_copy], &events[1..], "the copy holds the stream's first writes, in order");
    assert!(restored.verify_audit().unwrap().iter().all(|r| r.outcome.is_ok()));

    // Every file acknowledged before the backup began comes back through the store, byte for byte.
    for (id, n) in &files_before {
        let file = restored.attachment_file_as(&uploader, &case, id, "download", now()).unwrap();
        assert_eq!(file.bytes, pdf(*n), "upload of round {n}");
    }
    // The copy holds a prefix of the uploads, and the folder exactly the objects its rows name.
    let rows = restored.stored_objects().unwrap();
    let stream = uploaded.lock().unwrap().clone();
    let ids: Vec<&str> = stream[..rows.len()].iter().map(|(id, _)| id.as_str()).collect();
    let mut in_copy: Vec<&str> = rows.iter().map(|o| o.id.as_str()).collect();
    in_copy.sort_unstable();
    let mut expected = ids.clone();
    expected.sort_unstable();
    assert_eq!(in_copy, expected, "the copy holds the stream's first uploads");
    assert_eq!(
        Objects::folder(&files_dir).unwrap().keys("").unwrap().len(),
        rows.len(),
        "no object without its row"
    );
}

fn a_restore_refuses_a_place_that_is_not_empty(db: &TestDatabase) {
    Run::new(&["org", "add", "clinic", "--name", "Clinic"]).on(db).outcome().success();
    let dir = tempfile::tempdir().unwrap();
    let archive = backup_path(dir.path());
    backup(db, &archive).success();
    let organisations = |db: &TestDatabase| db.store().organisations().unwrap().len();
    Run::new(&["org", "add", "second", "--name", "Second"]).on(db).outcome().success();
    restore(db, &archive, &db.url).failure(2, &["not empty", "restored only into"]);
    assert_eq!(organisations(db), 2, "nothing of the backup was written over the live database");
    // A second backup never replaces the first.
    backup(db, &archive).failure(2, &["the file exists; a backup never replaces one"]);
}

/// Unpacks a backup into `into` with the system's tar, as an operator looking inside would.
fn untar(archive: &Path, into: &Path) {
    let status = Command::new("tar").arg("-xf").arg(archive).arg("-C").arg(into).status().unwrap();
    assert!(status.success());
}

/// Packs `from` (manifest.json first) into a new archive, as someone altering a backup would.
/// Packs an unpacked backup again: its manifest, its database copy and, when it has them, its
/// attachments.
fn retar(from: &Path, archive: &Path) {
    let mut members = vec!["manifest.json", "database/amparo.sqlite3"];
    if from.join("attachments").is_dir() {
        members.push("attachments");
    }
    let status =
        Command::new("tar").arg("-cf").arg(archive).arg("-C").arg(from).args(members).status().unwrap();
    assert!(status.success());
}

fn verify(db: &TestDatabase, archive: &Path, key_file: &Path) -> Outcome {
    Run::new(&["backup", "verify", archive.to_str().unwrap()])
        .env("AMPARO_KEY_FILE", key_file.to_string_lossy())
        .envs(&db.key_env())
        .outcome()
}

/// A SQLite database with a case and some audit entries, backed up.
fn backed_up() -> (TestDatabase, tempfile::TempDir, PathBuf) {
    let db = TestDatabase::sqlite();
    let store = db.store();
    let org = store
        .create_organisation(&NewOrganisation { slug: "clinic".into(), name: "Clinic".into() }, now())
        .unwrap();
    store.import_cases(&org.id, &[case_file()], None, now()).unwrap();
    for days in ["100", "110"] {
        Run::new(&["org", "policy", "--re-parole-lead-days", days]).on(&db).outcome().success();
    }
    let dir = tempfile::tempdir().unwrap();
    let archive = backup_path(dir.path());
    backup(&db, &archive).success();
    (db, dir, archive)
}

#[test]
fn verify_passes_an_untouched_backup_and_opens_sealed_fields() {
    let (db, _dir, archive) = backed_up();
    let verified = verify(&db, &archive, db.key_file()).stdout();
    assert!(verified.contains("backup verified"), "{verified}");
    assert!(verified.contains("clinic: 1 cases, 1 events, 3 audit entries"), "{verified}");
    assert!(verified.contains("sealed values opened"), "{verified}");
    // The key is never inside: the archive holds the manifest and the database copy only.
    let listing = Command::new("tar").arg("-tf").arg(&archive).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&listing.stdout), "manifest.json\ndatabase/amparo.sqlite3\n");
}

#[test]
fn verify_finds_an_edited_audit_row() {
    let (db, dir, archive) = backed_up();
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    untar(&archive, &unpacked);
    let copy = rusqlite::Connection::open(unpacked.join("database/amparo.sqlite3")).unwrap();
    copy.execute_batch(
        "DROP TRIGGER IF EXISTS audit_log_append_only_update; \
         UPDATE audit_log SET detail = '{}' WHERE seq = 1 AND org_id <> ''",
    )
    .unwrap();
    drop(copy);
    let tampered = dir.path().join("tampered.tar");
    retar(&unpacked, &tampered);
    verify(&db, &tampered, db.key_file())
        .failure(1, &["the backup does not verify", "at seq 1: entry edited"]);
}

#[test]
fn verify_finds_a_manifest_whose_heads_were_changed() {
    let (db, dir, archive) = backed_up();
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    untar(&archive, &unpacked);
    let path = unpacked.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // Asking for less than the copy holds (an earlier head) must not pass.
    let head = manifest["audit"]["chains"].as_array_mut().unwrap().last_mut().unwrap();
    head["seq"] = serde_json::json!(1);
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    let tampered = dir.path().join("tampered.tar");
    retar(&unpacked, &tampered);
    verify(&db, &tampered, db.key_file())
        .failure(1, &["the manifest's audit heads", "does not match its MAC"]);
}

#[test]
fn verify_names_an_attachment_whose_object_was_taken_out() {
    let db = TestDatabase::sqlite();
    let store = db.store();
    let org = store
        .create_organisation(&NewOrganisation { slug: "clinic".into(), name: "Clinic".into() }, now())
        .unwrap();
    let case = store.import_cases(&org.id, &[case_file()], None, now()).unwrap().remove(0);
    let uploader = attorney(&store, &org.id);
    let kept = store.add_attachment_as(&uploader, &case, &upload(1), now()).unwrap();
    let lost = store.add_attachment_as(&uploader, &case, &upload(2), now()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let archive = backup_path(dir.path());
    let taken = backup(&db, &archive).stdout;
    assert!(taken.contains("clinic: 1 cases, 1 events, "), "{taken}");
    assert!(taken.contains(&format!("2 attachments ({} bytes)", pdf(1).len() + pdf(2).len())), "{taken}");
    // The objects travel sealed: no byte of a file is in the archive in clear.
    let bytes = std::fs::read(&archive).unwrap();
    assert!(!bytes.windows(14).any(|w| w == b"upload round 1"), "a file's text is in the backup in clear");

    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    untar(&archive, &unpacked);
    let objects: Vec<String> = Command::new("tar")
        .arg("-tf")
        .arg(&archive)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().map(str::to_owned).collect())
        .unwrap();
    let attachment_members: Vec<&String> = objects.iter().filter(|m| m.starts_with("attachments/")).collect();
    assert_eq!(attachment_members.len(), 2, "{objects:?}");
    assert!(attachment_members.iter().any(|m| m.ends_with(&kept.id)));
    let lost_member = attachment_members.iter().find(|m| m.ends_with(&lost.id)).unwrap();
    std::fs::remove_file(unpacked.join(lost_member.as_str())).unwrap();
    let tampered = dir.path().join("tampered.tar");
    retar(&unpacked, &tampered);
    verify(&db, &tampered, db.key_file()).failure(
        1,
        &[
            "the backup does not verify",
            &format!("attachment {} of case", lost.id),
            "missing from the backup",
        ],
    );
}

/// A file lost from the attachments folder before the backup: the copy is still written, the
/// command fails naming the attachment, and the backup does not verify.
#[test]
fn a_backup_says_which_attachments_it_found_missing() {
    let db = TestDatabase::sqlite();
    let store = db.store();
    let org = store
        .create_organisation(&NewOrganisation { slug: "clinic".into(), name: "Clinic".into() }, now())
        .unwrap();
    let case = store.import_cases(&org.id, &[case_file()], None, now()).unwrap().remove(0);
    let uploader = attorney(&store, &org.id);
    store.add_attachment_as(&uploader, &case, &upload(1), now()).unwrap();
    let lost = store.add_attachment_as(&uploader, &case, &upload(2), now()).unwrap();
    let lost_key = format!("{}/{}/{}", org.id.as_str(), case.as_str(), lost.id);
    std::fs::remove_file(db.attachments_dir().join(&lost_key)).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let archive = backup_path(dir.path());
    // The stages that ran say so first; the failure comes after them.
    let taken = backup(&db, &archive);
    assert_eq!(taken.code, 1, "{taken:#?}");
    for fragment in ["amparo: the stored files of 1 attachments were missing", &lost_key, "the copy is kept"]
    {
        assert!(taken.stderr.contains(fragment), "{fragment:?}: {taken:#?}");
    }
    assert!(archive.is_file(), "the copy is kept");
    verify(&db, &archive, db.key_file())
        .failure(1, &[&format!("attachment {} of case", lost.id), "missing from the backup"]);
}

/// A backup taken before attachments existed (its copy has no table of them) still verifies.
#[test]
fn verify_passes_a_backup_from_before_attachments() {
    let (db, dir, archive) = backed_up();
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    untar(&archive, &unpacked);
    let copy = rusqlite::Connection::open(unpacked.join("database/amparo.sqlite3")).unwrap();
    copy.execute_batch("DROP TABLE attachments; DELETE FROM amparo_migrations WHERE version >= 23").unwrap();
    drop(copy);
    let path = unpacked.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    manifest["schema_version"] = serde_json::json!(22);
    for org in manifest["organisations"].as_array_mut().unwrap() {
        let org = org.as_object_mut().unwrap();
        org.remove("attachments");
        org.remove("attachment_bytes");
    }
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    let older = dir.path().join("older.tar");
    retar(&unpacked, &older);
    let verified = verify(&db, &older, db.key_file()).stdout();
    assert!(verified.contains("backup verified"), "{verified}");
    assert!(verified.contains("0 attachments present"), "{verified}");
}

#[test]
fn verify_refuses_a_wrong_key() {
    let (db, dir, archive) = backed_up();
    let other = dir.path().join("other.key");
    Run::new(&["key", "generate", "--out", other.to_str().unwrap()]).outcome().success();
    verify(&db, &archive, &other).failure(1, &["the key file does not open it"]);
}

/// The refusals an operator reads, as snapshots (scratch paths shown as `[dir]`).
#[test]
fn the_wording_of_backup_refusals() {
    let (db, dir, archive) = backed_up();
    let shown = |outcome: Outcome| {
        assert!(outcome.stdout.is_empty(), "{outcome:#?}");
        format!(
            "exit code: {}\n{}",
            outcome.code,
            outcome.stderr.replace(&*dir.path().to_string_lossy(), "[dir]")
        )
    };
    insta::assert_snapshot!("backup_over_an_existing_file", shown(backup(&db, &archive)));
    insta::assert_snapshot!("backup_without_out", shown(run_on(&db, &["backup"])));
    let target = dir.path().join("taken.db");
    std::fs::write(&target, "not empty").unwrap();
    insta::assert_snapshot!(
        "restore_into_a_used_file",
        shown(restore(&db, &archive, target.to_str().unwrap()))
    );
    let not_a_backup = dir.path().join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    insta::assert_snapshot!("verify_not_a_backup", shown(verify(&db, &not_a_backup, db.key_file())));
    insta::assert_snapshot!(
        "verify_without_a_key",
        shown(Run::new(&["backup", "verify", archive.to_str().unwrap()]).cwd(dir.path()).outcome())
    );
}

/// PostgreSQL backups need `pg_dump`; without it on PATH the operator is told what to install, and
/// no backup file is left behind.
#[test]
fn a_postgres_backup_without_pg_dump_says_what_to_install() {
    let Some(db) = TestDatabase::postgres() else {
        eprintln!("PostgreSQL test skipped: set {}", amparo_store::testing::POSTGRES_URL_VAR);
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let archive = backup_path(dir.path());
    let empty_path = dir.path().join("bin");
    std::fs::create_dir(&empty_path).unwrap();
    Run::new(&["backup", "--out", archive.to_str().unwrap()])
        .on(&db)
        .env("PATH", empty_path.to_string_lossy())
        .outcome()
        .failure(1, &["pg_dump was not found on PATH", "postgresql-client"]);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the empty bin folder: no partial file"
    );
}
