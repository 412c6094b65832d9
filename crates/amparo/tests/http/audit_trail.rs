//! The audit trail records every read and write of case data, and sign-ins, right or wrong, by id:
//! never a name, an A-number or a diagnosis.

use crate::support::{PASSWORD, RouterApp};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    sign_ins_and_letter_reads_are_audited_by_id_only,
    writes_are_audited_with_their_ids
);

/// Finding 6: sign-ins, right or wrong, and reads of the family letter left no trace in the trail;
/// what the trail holds is ids, never a seeded name or A-number.
fn sign_ins_and_letter_reads_are_audited_by_id_only(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let ana = store.users(&org.id).unwrap().into_iter().find(|u| u.email == "ana@a.example.org").unwrap().id;
    let form = app.get("/login", "");
    let login_cookie = format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let csrf = crate::support::hidden_field(&form.body, "csrf");
    let wrong = app.post_form(
        "/login",
        &login_cookie,
        &[("csrf", &csrf), ("email", "ana@a.example.org"), ("password", "not the right password at all")],
    );
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    let (attorney, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&attorney, "A-1");
    assert_eq!(app.get(&format!("/cases/{case_id}/letter"), &attorney).status, 200);

    let trail = store.audit_log(Some(&org.id)).unwrap();
    let find = |action: &str| trail.iter().filter(|e| e.action == action).collect::<Vec<_>>();
    let failed = find("sign_in.failed");
    assert!(failed.len() == 1 && failed[0].target == ana.as_str(), "{trail:#?}");
    assert!(find("sign_in.succeeded").iter().any(|e| e.actor.as_ref() == Some(&ana.0)), "{trail:#?}");
    let letter = find("letter.read");
    assert!(letter.len() == 1 && letter[0].target == case_id, "{trail:#?}");
    for entry in &trail {
        let text = format!("{} {} {} {:?}", entry.action, entry.target, entry.detail, entry.actor);
        for value in crate::support::SEEDED_PERSONAL_DATA {
            assert!(!text.contains(value), "the trail holds {value:?}: {entry:?}");
        }
    }
}

/// Finding 6: events, assignments and task changes were written without a trace in the trail; each
/// is now recorded in its own transaction, by id.
fn writes_are_audited_with_their_ids(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let users = store.users(&org.id).unwrap();
    let ana = users.iter().find(|u| u.email == "ana@a.example.org").unwrap().id.as_str().to_owned();
    let (attorney, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, version) = app.case_id(&attorney, "A-1");
    let notice = serde_json::json!({ "expected_version": version, "event": { "id": "t1",
        "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" } });
    let recorded = app.post_json(&format!("/api/v1/cases/{case_id}/events"), &attorney, &csrf, &notice);
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let assign = serde_json::json!({ "role": "attorney", "user": ana });
    let assigned = app.post_json(&format!("/api/v1/cases/{case_id}/assignments"), &attorney, &csrf, &assign);
    assert!(assigned.status < 300, "{}", assigned.body);
    let escalations = app.get(&format!("/api/v1/cases/{case_id}/escalations"), &attorney).json();
    let task = escalations["items"][0]["tasks"][0]["id"].as_str().unwrap().to_owned();
    let moved = app.post_json(
        &format!("/api/v1/tasks/{task}/reassign"),
        &attorney,
        &csrf,
        &serde_json::json!({ "owner": ana }),
    );
    assert_eq!(moved.status, 200, "{}", moved.body);
    let done =
        app.post_json(&format!("/api/v1/tasks/{task}/complete"), &attorney, &csrf, &serde_json::json!({}));
    assert_eq!(done.status, 200, "{}", done.body);

    let trail = store.audit_log(Some(&org.id)).unwrap();
    let one = |action: &str, target: &str| {
        let found: Vec<_> = trail.iter().filter(|e| e.action == action && e.target == target).collect();
        assert_eq!(found.len(), 1, "{action} of {target}: {trail:#?}");
        assert_eq!(found[0].actor.as_deref(), Some(ana.as_str()));
        found[0].detail.clone()
    };
    one("event.recorded", &case_id);
    assert!(one("case.assigned", &case_id).contains(&ana));
    assert!(one("task.reassigned", &task).contains(&case_id));
    one("task.completed", &task);
    assert!(store.verify_audit().unwrap().iter().all(|r| r.outcome.is_ok()));
}
