//! Changing an organisation's policy on both backends: `i94_check_days` out of its bounds is refused
//! naming the field with nothing written; a change made by someone keeps the other settings as they
//! are now, is audited with who made it and the policy before and after, and re-derives the cases.

use amparo_domain::org::UserRole;
use amparo_domain::{Policy, Problem};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{new_user, now, org};

amparo_store::on_both_backends!(
    i94_check_days_out_of_bounds_is_refused_and_nothing_written,
    a_policy_change_keeps_the_other_settings_and_is_audited_with_its_author,
);

fn changes(store: &Store, org: &OrgId) -> Vec<AuditRecord> {
    let query = AuditQuery { action: Some("policy.changed".into()), limit: 100, ..AuditQuery::default() };
    store.audit_page(org, &query).unwrap().entries
}

fn i94_check_days_out_of_bounds_is_refused_and_nothing_written(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "policy-bounds");
    for days in [0, 366] {
        let refused = store.update_policy(&org, &|p| Ok(Policy { i94_check_days: days, ..p }), None, now());
        match refused {
            Err(StoreError::Field { path, problem }) => {
                assert_eq!(path, "i94_check_days");
                assert_eq!(problem, Problem::Between { min: 1, max: 365 });
            }
            other => panic!("{days}: expected a refused field, got {other:?}"),
        }
    }
    let too_far = Policy { reminder_days: vec![400], ..Policy::default() };
    assert!(
        matches!(store.set_policy(&org, &too_far, now()), Err(StoreError::Field { path, .. }) if path == "reminder_days")
    );
    assert_eq!(store.policy(&org).unwrap(), Policy::default(), "nothing written");
    assert!(changes(&store, &org).is_empty(), "nothing audited");
}

fn a_policy_change_keeps_the_other_settings_and_is_audited_with_its_author(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "policy-audit");
    let admin = store.create_user(&org, &new_user("admin@example.org", UserRole::Admin), now()).unwrap();
    let file = amparo_domain::CaseFile::parse(
        &serde_json::json!({
            "format": "amparo.case/1",
            "case": { "reference": "POL-1", "program": "humanitarian",
                      "people": [{ "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" }] },
            "events": [{ "id": "g1", "type": "parole_granted", "on": "2026-01-05", "valid_until": "2027-01-04" }]
        })
        .to_string(),
    )
    .unwrap()
    .0;
    store.import_cases(&org, &[file], None, now()).unwrap();
    let recheck = |store: &Store| {
        let query = DeadlineQuery {
            from: "2026-01-01".parse().unwrap(),
            to: "2026-12-31".parse().unwrap(),
            kind: Some("i94_recheck_by".into()),
        };
        store.deadlines_due(&org, &query).unwrap()[0].due.to_string()
    };
    assert_eq!(recheck(&store), "2026-02-04");
    // Someone else changed the reminders meanwhile: this change keeps theirs.
    store.set_policy(&org, &Policy { reminder_days: vec![10], ..Policy::default() }, now()).unwrap();
    let count = store
        .update_policy(&org, &|p| Ok(Policy { i94_check_days: 60, ..p }), Some(&admin.id), now())
        .unwrap();
    assert_eq!(count, 1);
    let policy = store.policy(&org).unwrap();
    assert_eq!((policy.i94_check_days, policy.reminder_days), (60, vec![10]));
    // 60 days after the grant is Friday 6 March 2026.
    assert_eq!(recheck(&store), "2026-03-06");
    let audited = changes(&store, &org);
    let latest = audited.iter().max_by_key(|e| e.seq).unwrap();
    assert_eq!(latest.actor.as_deref(), Some(admin.id.as_str()));
    let detail: serde_json::Value = serde_json::from_str(&latest.detail).unwrap();
    assert_eq!(
        (detail["before"]["i94_check_days"].as_u64(), detail["after"]["i94_check_days"].as_u64()),
        (Some(30), Some(60))
    );
}
