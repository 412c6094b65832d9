//! The data rules checked inside each write made on someone's behalf, on both backends: when the
//! permission is withdrawn first (the case unshared, the task given to someone else), the write is
//! refused and nothing of it is written; a task goes only to someone who can work its case.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Problem};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{event, new_user, now, org};

/// A critical-care case whose termination notice opens an escalation with its checklist tasks.
fn critical_case() -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "ACCESS-1",
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo", "citizenship": "MX",
                  "birth_date": "2021-03-02" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 3,
                         "available_in_origin_country": false, "attested_on": "2026-02-01" }
        },
        "events": [
            { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30", "class_of_admission": "DT" },
            { "id": "t1", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

struct Team {
    store: std::sync::Arc<Store>,
    org: OrgId,
    case: CaseId,
    attorney: Actor,
    clinician: Actor,
    other_clinician: Actor,
    viewer: Actor,
}

fn team(db: &TestDatabase) -> Team {
    let store = db.store();
    let org = org(&store, "access");
    let actor = |email: &str, role| {
        let user = store.create_user(&org, &new_user(email, role), now()).unwrap();
        Actor::of(&user)
    };
    let attorney = actor("attorney@example.org", UserRole::Attorney);
    let clinician = actor("clinician@example.org", UserRole::Clinician);
    let other_clinician = actor("other-clinician@example.org", UserRole::Clinician);
    let viewer = actor("viewer@example.org", UserRole::Viewer);
    let case = store.import_cases(&org, &[critical_case()], None, now()).unwrap().remove(0);
    Team { store, org, case, attorney, clinician, other_clinician, viewer }
}

impl Team {
    fn share(&self, clinician: &Actor, shared: bool) {
        self.store.set_case_shared_as(&self.attorney, &self.case, &clinician.user, shared, now()).unwrap();
    }

    fn reads_recorded(&self) -> usize {
        let query = AuditQuery { action: Some("case.read".into()), limit: 100, ..AuditQuery::default() };
        self.store.audit_page(&self.org, &query).unwrap().entries.len()
    }

    fn first_task(&self) -> Task {
        self.store.escalations(&self.org, &self.case).unwrap()[0].tasks[0].clone()
    }
}

amparo_store::on_both_backends!(
    a_case_unshared_before_it_is_read_is_refused_and_the_read_not_recorded,
    a_task_reassigned_before_it_is_completed_is_refused_and_left_open,
    a_task_goes_only_to_someone_who_can_work_its_case,
    clinicians_and_viewers_record_no_events,
    a_clinician_records_only_attestations_and_only_on_a_shared_case,
    documents_are_made_and_read_by_role_and_case,
);

/// Generated documents: a viewer makes none, a clinician only the medical letter of a case shared
/// with them, and reads no other kind; each refusal writes nothing.
fn documents_are_made_and_read_by_role_and_case(db: &TestDatabase) {
    let t = team(db);
    let exhibits = vec![String::from("a1")];
    let document = |kind| NewDocument {
        case: &t.case,
        kind,
        language: "en",
        template_version: "v1",
        data_hash: "h",
        fingerprint: "{}",
        attachment: None,
        exhibits: &exhibits,
    };
    let refused =
        |actor: &Actor, kind| t.store.record_document_as(actor, &document(kind), now()).unwrap_err();
    assert!(matches!(refused(&t.viewer, "medical-letter"), StoreError::Refused(Refusal::RoleMayNot)));
    assert!(matches!(refused(&t.clinician, "packet"), StoreError::Refused(Refusal::RoleMayNot)));
    assert!(matches!(refused(&t.clinician, "medical-letter"), StoreError::Refused(Refusal::CaseHidden)));
    assert!(t.store.case_documents(&t.org, &t.case).unwrap().is_empty(), "nothing written");

    let packet = t.store.record_document_as(&t.attorney, &document("packet"), now()).unwrap();
    assert_eq!(packet.exhibits, exhibits, "the exhibits are kept in their order");
    t.share(&t.clinician, true);
    let letter = t.store.record_document_as(&t.clinician, &document("medical-letter"), now()).unwrap();
    let theirs: Vec<String> =
        t.store.case_documents_as(&t.clinician, &t.case).unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(theirs, std::slice::from_ref(&letter.id), "a clinician reads the medical letter only");
    assert!(matches!(t.store.document_as(&t.clinician, &t.case, &packet.id), Err(StoreError::NotFound(_))));
    assert_eq!(t.store.document_as(&t.viewer, &t.case, &packet.id).unwrap(), packet);
    t.share(&t.clinician, false);
    assert!(matches!(t.store.document_as(&t.clinician, &t.case, &letter.id), Err(StoreError::NotFound(_))));
}

fn a_case_unshared_before_it_is_read_is_refused_and_the_read_not_recorded(db: &TestDatabase) {
    let t = team(db);
    t.share(&t.clinician, true);
    assert!(t.store.sees_case(&t.clinician, &t.case).unwrap());
    let read = t.store.read_case_as(&t.clinician, &t.case, "page", now()).unwrap();
    assert_eq!(read.id, t.case);
    assert_eq!(t.reads_recorded(), 1);

    t.share(&t.clinician, false);
    let refused = t.store.read_case_as(&t.clinician, &t.case, "page", now()).unwrap_err();
    assert!(matches!(refused, StoreError::Refused(Refusal::CaseHidden)), "{refused:?}");
    assert_eq!(t.reads_recorded(), 1, "a refused read is not in the audit trail");
    assert!(!t.store.sees_case(&t.clinician, &t.case).unwrap());
    // Every other role sees every case of the organisation.
    assert!(t.store.sees_case(&t.viewer, &t.case).unwrap());
    t.store.read_case_as(&t.attorney, &t.case, "api", now()).unwrap();
    assert_eq!(t.reads_recorded(), 2);
}

fn a_task_reassigned_before_it_is_completed_is_refused_and_left_open(db: &TestDatabase) {
    let t = team(db);
    t.store.assign_as(&t.attorney, &t.case, UserRole::Clinician, Some(&t.clinician.user), now()).unwrap();
    let task = t.first_task();
    t.store.reassign_task_as(&t.attorney, &task.id, &t.clinician.user, now()).unwrap();
    t.share(&t.other_clinician, true);
    t.store.reassign_task_as(&t.attorney, &task.id, &t.other_clinician.user, now()).unwrap();

    let refused = t.store.complete_task_as(&t.clinician, &task.id, Some("done"), now()).unwrap_err();
    assert!(matches!(refused, StoreError::Refused(Refusal::TaskNotTheirs)), "{refused:?}");
    let task = t.store.task(&t.org, &task.id).unwrap().unwrap();
    assert_eq!((task.done_at, task.note), (None, None), "the refused completion wrote nothing");

    let done = t.store.complete_task_as(&t.other_clinician, &task.id, Some("done"), now()).unwrap();
    assert_eq!(done.done_by.as_ref(), Some(&t.other_clinician.user));
    assert_eq!(done.note.as_deref(), Some("done"), "the note is read back in clear");
}

fn a_task_goes_only_to_someone_who_can_work_its_case(db: &TestDatabase) {
    let t = team(db);
    let task = t.first_task();
    let owner_of = |t: &Team| t.store.task(&t.org, &task.id).unwrap().unwrap().owner_id;
    let before = owner_of(&t);

    let viewer = t.store.reassign_task_as(&t.attorney, &task.id, &t.viewer.user, now()).unwrap_err();
    assert!(
        matches!(viewer, StoreError::Field { ref path, problem: Problem::ViewerOwnsNoTasks } if path == "owner"),
        "{viewer:?}"
    );
    let unshared = t.store.reassign_task_as(&t.attorney, &task.id, &t.clinician.user, now()).unwrap_err();
    assert!(
        matches!(unshared, StoreError::Field { ref path, problem: Problem::CaseNotSharedWithOwner } if path == "owner"),
        "{unshared:?}"
    );
    assert_eq!(owner_of(&t), before, "a refused reassignment changes nothing");
    assert!(t.store.open_tasks(&t.org, &t.clinician.user).unwrap().is_empty());

    // Shared, then unshared again before the task is given: refused as it now is.
    t.share(&t.clinician, true);
    t.share(&t.clinician, false);
    let withdrawn = t.store.reassign_task_as(&t.attorney, &task.id, &t.clinician.user, now()).unwrap_err();
    assert!(matches!(withdrawn, StoreError::Field { problem: Problem::CaseNotSharedWithOwner, .. }));
    assert_eq!(owner_of(&t), before);

    t.share(&t.clinician, true);
    let moved = t.store.reassign_task_as(&t.attorney, &task.id, &t.clinician.user, now()).unwrap();
    assert_eq!(moved.owner_id.as_ref(), Some(&t.clinician.user));
    // A clinician is not told of tasks on cases they do not see.
    let hidden = t.store.reassign_task_as(&t.other_clinician, &task.id, &t.attorney.user, now()).unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound(_)), "{hidden:?}");
}

fn clinicians_and_viewers_record_no_events(db: &TestDatabase) {
    let t = team(db);
    t.share(&t.clinician, true);
    let stored = t.store.case(&t.org, &t.case).unwrap().unwrap();
    let (version, events) = (stored.version, stored.file.events.len());
    let fee = event(serde_json::json!({ "type": "fee_paid", "on": "2026-03-01" }));
    for actor in [&t.clinician, &t.viewer] {
        let refused = t.store.append_event_as(actor, &t.case, version, &fee, now()).unwrap_err();
        assert!(matches!(refused, StoreError::Refused(Refusal::RoleMayNot)), "{refused:?}");
    }
    let unchanged = t.store.case(&t.org, &t.case).unwrap().unwrap();
    assert_eq!((unchanged.version, unchanged.file.events.len()), (version, events), "nothing was appended");
    let next = t.store.append_event_as(&t.attorney, &t.case, version, &fee, now()).unwrap();
    assert_eq!(next, version + 1);
    assert_eq!(t.store.case(&t.org, &t.case).unwrap().unwrap().file.events.len(), events + 1);
}

fn a_clinician_records_only_attestations_and_only_on_a_shared_case(db: &TestDatabase) {
    let t = team(db);
    let version = t.store.case(&t.org, &t.case).unwrap().unwrap().version;
    let attestation = event(serde_json::json!({
        "type": "medical_attested", "on": "2026-03-02", "days_to_critical_harm": 2, "note": "reviewed"
    }));
    // Not shared: the case is hidden, as one of another organisation is, and nothing is written.
    let hidden = t.store.append_event_as(&t.clinician, &t.case, version, &attestation, now()).unwrap_err();
    assert!(matches!(hidden, StoreError::Refused(Refusal::CaseHidden)), "{hidden:?}");
    assert_eq!(t.store.case(&t.org, &t.case).unwrap().unwrap().version, version);

    t.share(&t.clinician, true);
    let version = t.store.case(&t.org, &t.case).unwrap().unwrap().version;
    // An attestation that corrects a legal entry is not the clinician's to record.
    let correcting = event(serde_json::json!({
        "type": "medical_attested", "on": "2026-03-02", "days_to_critical_harm": 2, "supersedes": "t1"
    }));
    let refused = t.store.append_event_as(&t.clinician, &t.case, version, &correcting, now()).unwrap_err();
    assert!(matches!(refused, StoreError::Refused(Refusal::RoleMayNot)), "{refused:?}");

    let next = t.store.append_event_as(&t.clinician, &t.case, version, &attestation, now()).unwrap();
    assert_eq!(next, version + 1);
    let stored = t.store.case(&t.org, &t.case).unwrap().unwrap();
    let last = stored.file.events.last().unwrap();
    assert_eq!(last.kind.type_name(), "medical_attested");
    // Recorded as the clinician, and stale versions are refused for them as for anyone.
    let recordings = t.store.event_recordings(&t.org, &t.case).unwrap();
    assert_eq!(recordings.last().unwrap().recorded_by.as_ref(), Some(&t.clinician.user));
    let stale = t.store.append_event_as(&t.clinician, &t.case, version, &attestation, now()).unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "{stale:?}");
}
