//! The record of each generation, on both backends: what it came from, and what changed since the
//! last one of its kind when the case changed.

use amparo_documents::{ChangeKind, Fingerprint, Request};
use amparo_store::testing::TestDatabase;
use amparo_store::{NewDocument, NewOrganisation};
use chrono::{TimeZone, Utc};

use crate::support::*;

fn record_and_compare(db: &TestDatabase) {
    let store = db.store();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    let org = store
        .create_organisation(
            &NewOrganisation { slug: "docs".into(), name: "Harbor Legal Aid Example".into() },
            at,
        )
        .unwrap()
        .id;
    let file = amparo_domain::CaseFile::parse(&case_json("uk").to_string()).unwrap().0;
    let stored = store.import_cases(&org, &[file], None, at).unwrap().remove(0);
    let case = store.case(&org, &stored).unwrap().unwrap();

    let first = generated(&case, Request::MedicalLetter { attestation: None });
    let fingerprint = serde_json::to_string(&first.fingerprint).unwrap();
    let new = NewDocument {
        case: &case.id,
        kind: "medical-letter",
        language: "en",
        template_version: &first.template_version,
        data_hash: &first.fingerprint.hash(),
        fingerprint: &fingerprint,
        attachment: None,
        exhibits: &[],
    };
    let recorded = store.record_document_by_operator(&org, &new, at).unwrap();
    assert!(!fingerprint.contains("intestinal"), "no fact is kept in clear: {fingerprint}");

    // The clinician's new estimate: the letter made again names the one fact that changed.
    let mut changed = case.clone();
    if let Some(medical) = changed.file.case.medical.as_mut() {
        medical.days_to_critical_harm = Some(2);
    }
    let second = generated(&changed, Request::MedicalLetter { attestation: None });
    let latest = store.latest_document(&org, &case.id, "medical-letter", "en").unwrap().unwrap();
    assert_eq!(latest, recorded);
    let earlier: Fingerprint = serde_json::from_str(&latest.fingerprint).unwrap();
    let changes = second.fingerprint.changes_since(&earlier);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].path, "medical.days_to_critical_harm");
    assert_eq!(changes[0].how, ChangeKind::Changed);
    assert!(second.fingerprint.changes_since(&second.fingerprint).is_empty());

    assert!(store.latest_document(&org, &case.id, "medical-letter", "uk").unwrap().is_none());
    assert_eq!(store.case_documents(&org, &case.id).unwrap().len(), 1);
    let query = amparo_store::AuditQuery {
        action: Some("document.generated".into()),
        case: Some(case.id.clone()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.audit_page(&org, &query).unwrap().entries.len(), 1, "the generation is audited");
}

/// An attestation as the attest form makes it: the signed letter, its event and its record at once.
fn attestation_is_all_or_nothing(db: &TestDatabase) {
    use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
    use amparo_domain::{Event, EventKind};
    use amparo_store::{Actor, NewAttachment, NewUser};

    let store = db.store();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    let org = store
        .create_organisation(
            &NewOrganisation { slug: "attest".into(), name: "Harbor Legal Aid Example".into() },
            at,
        )
        .unwrap()
        .id;
    let user = NewUser {
        email: "attorney@harbor.example".into(),
        display_name: "Dana Example".into(),
        role: amparo_domain::org::UserRole::Attorney,
        language: amparo_domain::Language::En,
        password_hash: "$argon2id$fake".into(),
    };
    let actor = Actor::of(&store.create_user(&org, &user, at).unwrap());
    let file = amparo_domain::CaseFile::parse(&case_json("uk").to_string()).unwrap().0;
    let id = store.import_cases(&org, &[file], None, at).unwrap().remove(0);
    let case = store.case(&org, &id).unwrap().unwrap();

    let attestation =
        amparo_documents::Attestation::check("Dr. Mira Example", "MD", today(), "Reviewed.", today())
            .unwrap();
    let letter = generated(&case, Request::MedicalLetter { attestation: Some(&attestation) });
    let fingerprint = serde_json::to_string(&letter.fingerprint).unwrap();
    let hash = letter.fingerprint.hash();
    let document = NewDocument {
        case: &case.id,
        kind: "medical-letter",
        language: "en",
        template_version: &letter.template_version,
        data_hash: &hash,
        fingerprint: &fingerprint,
        attachment: None,
        exhibits: &[],
    };
    let pdf = NewAttachment {
        details: AttachmentDetails {
            kind: AttachmentKind::MedicalLetter,
            title: "Medical necessity letter, attested".into(),
            dated: Some(today()),
            event: None,
            person: Some("p1".into()),
            file_name: Some("medical-letter.pdf".into()),
        },
        bytes: letter.pdf.clone(),
    };
    let raw = serde_json::json!({ "id": "att-1", "type": "medical_attested", "on": "2026-03-02", "days_to_critical_harm": 3 });
    let event: Event = serde_json::from_value::<amparo_domain::RawEvent>(raw).unwrap().into_event().unwrap();
    // A stale version: nothing is written, no attachment, no record, no object left.
    let stale = store.attest_medical_letter_as(&actor, case.version - 1, &event, &pdf, &document, at);
    assert!(matches!(stale, Err(amparo_store::StoreError::Conflict { .. })), "{stale:?}");
    assert!(store.case_attachments_for_page(&actor, &case.id).unwrap().is_empty());
    assert!(store.case_documents(&org, &case.id).unwrap().is_empty());
    let objects = walk_files(&db.attachments_dir());
    assert!(objects.is_empty(), "an object was left behind: {objects:?}");

    let (version, record) =
        store.attest_medical_letter_as(&actor, case.version, &event, &pdf, &document, at).unwrap();
    assert_eq!(version, case.version + 1);
    let kept = store.case_attachments_for_page(&actor, &case.id).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(record.attachment.as_deref(), Some(kept[0].id.as_str()));
    let back = store.attachment_file_as(&actor, &case.id, &kept[0].id, "test", at).unwrap();
    assert_eq!(back.bytes, letter.pdf, "the signed PDF is kept byte for byte");
    let stored = store.case(&org, &case.id).unwrap().unwrap();
    assert!(stored.file.events.iter().any(|e| matches!(e.kind, EventKind::MedicalAttested { .. })));
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk_files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

amparo_store::on_both_backends!(record_and_compare, attestation_is_all_or_nothing);
