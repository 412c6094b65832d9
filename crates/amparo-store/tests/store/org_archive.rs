//! An organisation's archive through the store, on both backends: a restore brings back sealed
//! values (a task's note, an escalation's reason, a closed case) readable under the new database's
//! key, with an audit chain that verifies, and a service account as one; an archive that names
//! what it does not define is refused naming the field; a restore refused half-way (an email already in use) leaves nothing; and
//! attachments come back byte for byte under the new database's key, each checked against its entry.

use amparo_domain::CaseFile;
use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::{Actor, CaseQuery, ClosedFilter, NewAttachment, OrgId, Store, StoreError};

use crate::support::{new_user, now, org};

amparo_store::on_both_backends!(
    a_restore_brings_back_sealed_values_and_a_chain_that_verifies,
    an_archive_naming_what_it_does_not_define_is_refused,
    a_restore_refused_half_way_leaves_nothing,
    attachments_come_back_sealed_anew_and_checked_against_their_entries
);

fn case(reference: &str, closed: bool) -> CaseFile {
    let mut file = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "people": [{ "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" }],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 3 }
        },
        "events": [
            { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" },
            { "id": "t1", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" }
        ]
    });
    if closed {
        file["closure"] = serde_json::json!({ "reason": "moved", "closed_at": "2026-02-28T09:30:00Z" });
    }
    CaseFile::parse(&file.to_string()).unwrap().0
}

/// An organisation with a member, an escalated case whose first task is done with a note, and a
/// closed case; its archive.
fn archived(store: &Store) -> (OrgId, amparo_store::archive::OrgArchive) {
    let org = org(store, "clinic");
    let attorney = store.create_user(&org, &new_user("ana@example.org", UserRole::Attorney), now()).unwrap();
    let ids = store.import_cases(&org, &[case("A-1", false), case("A-2", true)], None, now()).unwrap();
    store.assign(&org, &ids[0], UserRole::Attorney, Some(&attorney.id), now()).unwrap();
    let task = store.case_tasks(&org, &ids[0]).unwrap().remove(0);
    store.complete_task(&org, &task.id, &attorney.id, Some("Filed on the portal."), now()).unwrap();
    store.service_account(&org, "Hospital EHR", UserRole::Clinician, None, now()).unwrap();
    let archive = store.export_organisation(&org, now()).unwrap();
    (org, archive)
}

fn elsewhere(db: &TestDatabase) -> TestDatabase {
    if db.postgres_schema().is_some() { TestDatabase::postgres().unwrap() } else { TestDatabase::sqlite() }
}

fn a_restore_brings_back_sealed_values_and_a_chain_that_verifies(db: &TestDatabase) {
    let (_, archive) = archived(&db.store());
    assert_eq!(archive.escalations.len(), 1);
    let target = elsewhere(db);
    let store = target.store();
    let report = store.restore_organisation("clinic", &archive, &"0".repeat(64), now()).unwrap();
    let org = report.organisation.id;
    let a1 = store.case_by_reference(&org, "A-1").unwrap().unwrap();
    let tasks = store.case_tasks(&org, &a1.id).unwrap();
    assert_eq!(tasks.len(), archive.tasks.iter().filter(|t| t.case == "A-1").count());
    assert!(tasks.iter().any(|t| t.note.as_deref() == Some("Filed on the portal.") && t.done_at.is_some()));
    let escalations = store.escalations(&org, &a1.id).unwrap();
    assert_eq!(escalations.len(), 1);
    // A service account comes back as one (it never signs in), not as a person without a password.
    let services = store.service_accounts(&org).unwrap();
    assert_eq!(services.iter().map(|u| u.display_name.as_str()).collect::<Vec<_>>(), ["Hospital EHR"]);
    assert_eq!(archive.staff.iter().filter(|m| m.kind.as_deref() == Some("service")).count(), 1);
    assert_eq!(escalations[0].id.as_str(), archive.escalations[0].id);
    let closed = CaseQuery { closed: ClosedFilter::Closed, ..CaseQuery::default() };
    let page = store.list_cases(&org, &closed).unwrap();
    assert_eq!(page.cases.iter().map(|c| c.reference.as_str()).collect::<Vec<_>>(), ["A-2"]);
    for chain in store.verify_audit().unwrap() {
        assert_eq!(chain.outcome, Ok(()), "chain {} breaks", chain.chain);
    }
    let trail = store.audit_log(Some(&org)).unwrap();
    assert_eq!(trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["organisation.restored"]);
}

fn an_archive_naming_what_it_does_not_define_is_refused(db: &TestDatabase) {
    let (_, mut archive) = archived(&db.store());
    archive.assignments[0].user = "nobody".into();
    let target = elsewhere(db);
    let refused = target.store().restore_organisation("clinic", &archive, "x", now()).unwrap_err();
    assert!(
        matches!(&refused, StoreError::Invalid(m) if m == "assignments[0].user: no staff member with id \"nobody\" in the archive"),
        "{refused:?}"
    );
    let (_, mut archive) = archived(&elsewhere(db).store());
    archive.tasks[0].escalation = Some("elsewhere".into());
    let refused = target.store().restore_organisation("clinic", &archive, "x", now()).unwrap_err();
    assert!(
        matches!(&refused, StoreError::Invalid(m) if m.starts_with("tasks[0].escalation: no escalation")),
        "{refused:?}"
    );
    assert!(target.store().organisations().unwrap().is_empty());
}

fn a_restore_refused_half_way_leaves_nothing(db: &TestDatabase) {
    let (_, archive) = archived(&db.store());
    let target = elsewhere(db);
    let store = target.store();
    // The member's email already has an account in the target installation.
    let other = org(&store, "other");
    store.create_user(&other, &new_user("ana@example.org", UserRole::Viewer), now()).unwrap();
    let refused = store.restore_organisation("clinic", &archive, "x", now()).unwrap_err();
    assert!(matches!(&refused, StoreError::Duplicate(m) if m.starts_with("staff[0].email")), "{refused:?}");
    let slugs: Vec<String> = store.organisations().unwrap().into_iter().map(|o| o.slug).collect();
    assert_eq!(slugs, ["other"], "the organisation made for the restore is gone with the rest");
}

fn attachments_come_back_sealed_anew_and_checked_against_their_entries(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "clinic");
    let attorney = store.create_user(&org, &new_user("ana@example.org", UserRole::Attorney), now()).unwrap();
    let ids = store.import_cases(&org, &[case("A-1", false)], None, now()).unwrap();
    store.assign(&org, &ids[0], UserRole::Attorney, Some(&attorney.id), now()).unwrap();
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(100_000, b'x');
    let details = AttachmentDetails {
        kind: AttachmentKind::Notice,
        title: "Termination notice".into(),
        dated: Some("2026-02-27".parse().unwrap()),
        event: Some("t1".into()),
        person: Some("p1".into()),
        file_name: Some("notice.pdf".into()),
    };
    let added = store
        .add_attachment_as(
            &Actor::of(&attorney),
            &ids[0],
            &NewAttachment { details, bytes: bytes.clone() },
            now(),
        )
        .unwrap();
    let archive = store.export_organisation(&org, now()).unwrap();
    assert_eq!(archive.attachments.len(), 1);
    assert_eq!(archive.attachments[0].bytes, bytes, "the archive holds the file in clear");
    assert_eq!(archive.attachments[0].attachment.case, "A-1");

    let target = elsewhere(db);
    let refused_with = |edit: &dyn Fn(&mut amparo_store::archive::ArchivedFile)| {
        let mut edited = archive.clone();
        edit(&mut edited.attachments[0]);
        let refused = target.store().restore_organisation("clinic", &edited, "x", now()).unwrap_err();
        assert!(target.store().organisations().unwrap().is_empty(), "nothing was written");
        refused.to_string()
    };
    let no_event = refused_with(&|f| f.attachment.event = Some("t9".into()));
    assert!(no_event.starts_with("attachments[0].event: "), "{no_event}");
    let not_a_pdf = refused_with(&|f| f.bytes = b"plain words".to_vec());
    assert!(not_a_pdf.starts_with("attachments[0].media_type: the file is text/plain"), "{not_a_pdf}");
    let bad_digest = refused_with(&|f| f.attachment.sha256 = "0".repeat(64));
    assert!(bad_digest.starts_with("attachments[0].sha256: "), "{bad_digest}");

    let restored = target.store();
    let report = restored.restore_organisation("clinic", &archive, &"0".repeat(64), now()).unwrap();
    assert_eq!(report.attachments, 1);
    let ana = Actor::of(&restored.credentials_by_email("ana@example.org").unwrap().unwrap().user);
    let case = restored.case_by_reference(&report.organisation.id, "A-1").unwrap().unwrap().id;
    let file = restored.attachment_file_as(&ana, &case, &added.id, "download", now()).unwrap();
    assert_eq!(file.bytes, bytes);
    assert_eq!(
        (file.attachment.title.as_str(), file.attachment.event.as_deref(), file.attachment.person.as_deref()),
        ("Termination notice", Some("t1"), Some("p1"))
    );
    // Sealed under the new database's key: the source's key does not open it.
    let object = restored.stored_objects().unwrap().remove(0);
    let sealed = restored.stored_object(&object).unwrap();
    assert!(store.open_stored_object(&object, &sealed).is_err(), "opened with the source's key");
    restored.open_stored_object(&object, &sealed).unwrap();
}
