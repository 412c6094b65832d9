//! Attachments, on both backends: a file added comes back byte for byte; its type is read from its
//! bytes and a refused file names why; who adds and reads which files is checked in the store (a
//! clinician only medical letters of shared cases); every read is audited; no uploaded byte reaches
//! the database or the object store in clear; a cut or moved object fails to open; a key rotation
//! re-seals objects so the new key alone reads them; orphans are swept.

use amparo_domain::attachments::{AttachmentDetails, AttachmentKind, ContentType};
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Problem};
use amparo_store::attachments::{Sweep, SweepReport};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::sealing::{contains, database_bytes};
use crate::support::{new_user, now, org};

/// A marker that must never be found in clear anywhere Amparo keeps data.
const MARKER: &str = "AMPARO-ATTACHMENT-MARKER-7f3c9e";
const TITLE: &str = "Termination notice for the Ejemplo family";

fn case_file() -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "FILES-1",
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" }
            ]
        },
        "events": [
            { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

/// A PDF of a few chunks whose every chunk holds the marker.
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    while bytes.len() < 3 * amparo_trust::stream::CHUNK_LEN + 1234 {
        bytes.extend_from_slice(format!("% {MARKER} line {}\n", bytes.len()).as_bytes());
    }
    bytes
}

struct Team {
    db_store: std::sync::Arc<Store>,
    org: OrgId,
    case: CaseId,
    attorney: Actor,
    clinician: Actor,
    viewer: Actor,
}

fn team(db: &TestDatabase) -> Team {
    let store = db.store();
    let org = org(&store, "files");
    let actor =
        |email: &str, role| Actor::of(&store.create_user(&org, &new_user(email, role), now()).unwrap());
    let attorney = actor("attorney@example.org", UserRole::Attorney);
    let clinician = actor("clinician@example.org", UserRole::Clinician);
    let viewer = actor("viewer@example.org", UserRole::Viewer);
    let case = store.import_cases(&org, &[case_file()], None, now()).unwrap().remove(0);
    Team { db_store: store, org, case, attorney, clinician, viewer }
}

fn details(kind: AttachmentKind, title: &str) -> AttachmentDetails {
    AttachmentDetails {
        kind,
        title: title.into(),
        dated: Some("2026-01-15".parse().unwrap()),
        event: None,
        person: None,
        file_name: Some("notice.pdf".into()),
    }
}

fn new(kind: AttachmentKind, bytes: Vec<u8>) -> NewAttachment {
    NewAttachment { details: details(kind, TITLE), bytes }
}

impl Team {
    fn audited(&self, action: &str) -> usize {
        let query = AuditQuery { action: Some(action.into()), limit: 100, ..AuditQuery::default() };
        self.db_store.audit_page(&self.org, &query).unwrap().entries.len()
    }
}

/// Every byte of every object in the attachments folder.
fn folder_bytes(db: &TestDatabase) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stack = vec![db.attachments_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { out.extend(std::fs::read(&path).unwrap()) }
        }
    }
    out
}

fn object_files(db: &TestDatabase) -> Vec<std::path::PathBuf> {
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

amparo_store::on_both_backends!(
    a_file_comes_back_byte_for_byte_and_every_read_is_audited,
    no_uploaded_byte_is_stored_in_clear,
    refused_files_and_details_name_the_field_and_write_nothing,
    clinicians_add_and_see_only_medical_letters_of_shared_cases,
    a_cut_or_moved_object_fails_to_open,
    a_key_rotation_reseals_objects_and_titles,
    orphan_objects_are_swept_and_rows_kept,
);

fn a_file_comes_back_byte_for_byte_and_every_read_is_audited(db: &TestDatabase) {
    let t = team(db);
    let bytes = pdf();
    let mut linked = new(AttachmentKind::Notice, bytes.clone());
    linked.details.event = Some("g1".into());
    linked.details.person = Some("m1".into());
    let added = t.db_store.add_attachment_as(&t.attorney, &t.case, &linked, now()).unwrap();
    assert_eq!(added.content_type, ContentType::Pdf);
    assert_eq!(added.byte_size, bytes.len() as u64);
    assert_eq!(t.audited("attachment.added"), 1);

    let listed = t.db_store.case_attachments_as(&t.attorney, &t.case, "api", now()).unwrap();
    assert_eq!(listed, vec![added.clone()]);
    assert_eq!(listed[0].title, TITLE);
    assert_eq!(listed[0].event.as_deref(), Some("g1"));
    assert_eq!(listed[0].person.as_deref(), Some("m1"));
    assert_eq!(t.audited("attachments.listed"), 1);

    let file = t.db_store.attachment_file_as(&t.attorney, &t.case, &added.id, "download", now()).unwrap();
    assert_eq!(file.bytes, bytes);
    assert_eq!(file.attachment, added);
    assert_eq!(t.audited("attachment.read"), 1);
    assert_eq!(added.download_name(), "notice.pdf");
}

fn no_uploaded_byte_is_stored_in_clear(db: &TestDatabase) {
    let t = team(db);
    t.db_store.add_attachment_as(&t.attorney, &t.case, &new(AttachmentKind::Notice, pdf()), now()).unwrap();
    let text = format!("Carta: {MARKER}\n").into_bytes();
    t.db_store.add_attachment_as(&t.attorney, &t.case, &new(AttachmentKind::Evidence, text), now()).unwrap();
    let stored = folder_bytes(db);
    assert!(stored.len() > 3 * amparo_trust::stream::CHUNK_LEN, "the objects are in the folder");
    assert!(!contains(&stored, MARKER), "the marker is in the attachments folder in clear");
    assert!(!contains(&stored, "%PDF"), "a file's header is in the attachments folder in clear");
    let database = database_bytes(db);
    assert!(!contains(&database, MARKER), "the marker is in the database");
    assert!(!contains(&database, TITLE), "the title is in the database in clear");
    assert!(!contains(&database, "notice.pdf"), "the file name is in the database in clear");
}

fn refused_files_and_details_name_the_field_and_write_nothing(db: &TestDatabase) {
    let t = team(db);
    let refused = |new: NewAttachment| match t
        .db_store
        .add_attachment_as(&t.attorney, &t.case, &new, now())
        .unwrap_err()
    {
        StoreError::Field { path, problem } => (path, problem),
        other => panic!("expected a field problem, got {other:?}"),
    };
    let exe = b"MZ\x90\x00\x03 an executable renamed notice.pdf".to_vec();
    assert_eq!(refused(new(AttachmentKind::Notice, exe)), ("file".into(), Problem::FileTypeNotAccepted));
    assert_eq!(refused(new(AttachmentKind::Notice, Vec::new())), ("file".into(), Problem::FileEmpty));
    let big = vec![b'a'; (t.db_store.attachment_max_bytes() + 1) as usize];
    let max_bytes = t.db_store.attachment_max_bytes();
    assert_eq!(
        refused(new(AttachmentKind::Notice, big)),
        ("file".into(), Problem::FileTooLarge { max_bytes })
    );
    let mut blank = new(AttachmentKind::Notice, pdf());
    blank.details.title = "  ".into();
    assert_eq!(refused(blank), ("title".into(), Problem::Required));
    let mut wrong_event = new(AttachmentKind::Notice, pdf());
    wrong_event.details.event = Some("nope".into());
    assert_eq!(refused(wrong_event), ("event".into(), Problem::NoSuchEvent { id: "nope".into() }));
    let mut wrong_person = new(AttachmentKind::Notice, pdf());
    wrong_person.details.person = Some("x9".into());
    assert_eq!(refused(wrong_person), ("person".into(), Problem::NoSuchPerson { key: "x9".into() }));
    assert!(object_files(db).is_empty(), "a refused file leaves no object");
    assert!(t.db_store.case_attachments_for_page(&t.attorney, &t.case).unwrap().is_empty());
    assert_eq!(t.audited("attachment.added"), 0);
}

fn clinicians_add_and_see_only_medical_letters_of_shared_cases(db: &TestDatabase) {
    let t = team(db);
    let store = &t.db_store;
    let notice =
        store.add_attachment_as(&t.attorney, &t.case, &new(AttachmentKind::Notice, pdf()), now()).unwrap();
    let letter = new(AttachmentKind::MedicalLetter, b"Dialysis three times a week.\n".to_vec());
    // Not shared yet: the case reads as missing.
    let hidden = store.add_attachment_as(&t.clinician, &t.case, &letter, now()).unwrap_err();
    assert!(matches!(hidden, StoreError::Refused(Refusal::CaseHidden)), "{hidden:?}");
    assert!(matches!(
        store.case_attachments_as(&t.clinician, &t.case, "api", now()),
        Err(StoreError::Refused(Refusal::CaseHidden))
    ));
    store.set_case_shared_as(&t.attorney, &t.case, &t.clinician.user, true, now()).unwrap();
    let medical = store.add_attachment_as(&t.clinician, &t.case, &letter, now()).unwrap();
    // A clinician adds no legal document, and a viewer adds nothing.
    let legal = store.add_attachment_as(&t.clinician, &t.case, &new(AttachmentKind::Notice, pdf()), now());
    assert!(matches!(legal, Err(StoreError::Refused(Refusal::RoleMayNot))), "{legal:?}");
    let viewer = store.add_attachment_as(&t.viewer, &t.case, &letter, now());
    assert!(matches!(viewer, Err(StoreError::Refused(Refusal::RoleMayNot))), "{viewer:?}");

    let seen = store.case_attachments_as(&t.clinician, &t.case, "api", now()).unwrap();
    assert_eq!(seen.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), [medical.id.as_str()]);
    let notice_read = store.attachment_file_as(&t.clinician, &t.case, &notice.id, "view", now());
    assert!(matches!(notice_read, Err(StoreError::NotFound(_))), "{notice_read:?}");
    assert_eq!(
        store.attachment_file_as(&t.clinician, &t.case, &medical.id, "view", now()).unwrap().bytes,
        letter.bytes
    );
    // The viewer reads every kind.
    assert_eq!(store.case_attachments_for_page(&t.viewer, &t.case).unwrap().len(), 2);
}

fn a_cut_or_moved_object_fails_to_open(db: &TestDatabase) {
    let t = team(db);
    let store = &t.db_store;
    let a =
        store.add_attachment_as(&t.attorney, &t.case, &new(AttachmentKind::Notice, pdf()), now()).unwrap();
    let b =
        store.add_attachment_as(&t.attorney, &t.case, &new(AttachmentKind::Filing, pdf()), now()).unwrap();
    let path_of = |id: &str| object_files(db).into_iter().find(|p| p.ends_with(id)).unwrap();
    let (path_a, path_b) = (path_of(&a.id), path_of(&b.id));
    // One family's file moved over another's does not open as theirs.
    std::fs::copy(&path_a, &path_b).unwrap();
    let moved = store.attachment_file_as(&t.attorney, &t.case, &b.id, "view", now()).unwrap_err();
    assert!(matches!(moved, StoreError::Key(_)), "{moved:?}");
    // A file cut at a chunk boundary does not open short.
    let sealed = std::fs::read(&path_a).unwrap();
    let cut = amparo_trust::stream::HEADER_LEN + 2 * (amparo_trust::stream::CHUNK_LEN + 16);
    std::fs::write(&path_a, &sealed[..cut]).unwrap();
    let short = store.attachment_file_as(&t.attorney, &t.case, &a.id, "view", now()).unwrap_err();
    assert!(matches!(short, StoreError::Key(_)), "{short:?}");
}

fn a_key_rotation_reseals_objects_and_titles(db: &TestDatabase) {
    let t = team(db);
    let bytes = pdf();
    let added = t
        .db_store
        .add_attachment_as(&t.attorney, &t.case, &new(AttachmentKind::Notice, bytes.clone()), now())
        .unwrap();
    let before = folder_bytes(db);
    let rotated = amparo_trust::keyfile::rotate(db.key_file()).unwrap();
    assert!(t.db_store.reload_keys().unwrap());
    let rewritten = t.db_store.reseal().unwrap();
    assert!(rewritten >= 2, "the title row and the object: {rewritten}");
    assert_eq!(t.db_store.reseal().unwrap(), 0, "a second pass finds nothing left");
    assert_ne!(folder_bytes(db), before, "the object was sealed anew");
    t.db_store.renew_key_canary().unwrap();
    // The new key alone reads the file and its title.
    let only_new = rotated.current().to_line();
    let options = DatabaseOptions {
        attachments_url: Some(db.attachments_dir().to_string_lossy().into_owned()),
        ..DatabaseOptions::default()
    };
    let sealer = Sealer::from_text(only_new.expose()).unwrap();
    let reopened = open_with_options(&db.url, Rules::builtin().unwrap(), sealer, &options).unwrap();
    assert_eq!(reopened.case_attachments_for_page(&t.attorney, &t.case).unwrap()[0].title, TITLE);
    // (A read writes an audit entry, whose chain is still anchored under the old key here: the
    // bytes are checked through the same opening the read uses, after listing.)
    let file = t.db_store.attachment_file_as(&t.attorney, &t.case, &added.id, "view", now()).unwrap();
    assert_eq!(file.bytes, bytes);
}

fn orphan_objects_are_swept_and_rows_kept(db: &TestDatabase) {
    let t = team(db);
    let kept = t
        .db_store
        .add_attachment_as(&t.attorney, &t.case, &new(AttachmentKind::Notice, pdf()), now())
        .unwrap();
    let dir = object_files(db)[0].parent().unwrap().to_path_buf();
    let orphan = dir.join("0190aaaa-0000-7000-8000-000000000000");
    std::fs::write(&orphan, b"left by a failed upload").unwrap();
    assert_eq!(object_files(db).len(), 2);
    // Times counted from when the orphan was written, as the object store reports it.
    let written =
        chrono::DateTime::<chrono::Utc>::from(std::fs::metadata(&orphan).unwrap().modified().unwrap());
    let hours = |h: i64| written + chrono::Duration::hours(h);
    let swept = |sweep: Sweep, at| t.db_store.sweep_attachment_orphans(&sweep, at).unwrap();

    // Within the grace period (a day by default) an orphan may be an upload about to commit.
    let young = swept(Sweep::default(), hours(1));
    assert_eq!(young, SweepReport { objects: 2, too_young: 1, ..SweepReport::default() });
    // A dry run counts what would go and removes nothing.
    let dry = swept(Sweep { dry_run: true, ..Sweep::default() }, hours(25));
    assert_eq!((dry.orphans, dry.orphan_bytes, dry.removed), (1, 23, 0));
    assert_eq!(object_files(db).len(), 2);
    assert!(t.db_store.audit_log(None).unwrap().iter().all(|e| e.action != "attachments.swept"));

    let done = swept(Sweep::default(), hours(25));
    assert_eq!((done.orphans, done.removed, done.too_young), (1, 1, 0));
    assert_eq!(object_files(db).len(), 1);
    let file = t.db_store.attachment_file_as(&t.attorney, &t.case, &kept.id, "view", now()).unwrap();
    assert_eq!(file.bytes, pdf());
    // The removal is in the installation's audit trail, with counts.
    let trail = t.db_store.audit_log(None).unwrap();
    let entry = trail.iter().find(|e| e.action == "attachments.swept").unwrap();
    assert!(entry.detail.contains("\"removed\":1"), "{}", entry.detail);
    // Nothing is left to sweep.
    assert_eq!(swept(Sweep::default(), hours(25)).removed, 0);
}
