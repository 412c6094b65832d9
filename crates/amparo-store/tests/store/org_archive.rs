//! An organisation's archive through the store, on both backends: a restore brings back sealed
//! values (a task's note, an escalation's reason, a closed case) readable under the new database's
//! key, with an audit chain that verifies; an archive that names what it does not define is refused
//! naming the field; and a restore refused half-way (an email already in use) leaves nothing.

use amparo_domain::CaseFile;
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::{CaseQuery, ClosedFilter, OrgId, Store, StoreError};

use crate::support::{new_user, now, org};

amparo_store::on_both_backends!(
    a_restore_brings_back_sealed_values_and_a_chain_that_verifies,
    an_archive_naming_what_it_does_not_define_is_refused,
    a_restore_refused_half_way_leaves_nothing
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
