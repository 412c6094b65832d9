//! `amparo user deactivate --email E` on both backends: the person's sessions end and sign-in finds
//! no one; an unknown or already inactive address and the last active administrator are refused.

use amparo_store::testing::TestDatabase;

use crate::support::{add_user, amparo, run_on};

amparo_store::on_both_backends!(deactivate_ends_sessions_and_keeps_the_last_administrator);

fn deactivate_ends_sessions_and_keeps_the_last_administrator(db: &TestDatabase) {
    amparo(db, &["org", "add", "clinic-a", "--name", "Clinic A"], None);
    add_user(db, "clinic-a", "admin@a.example.org", "Ada Admin", "admin");
    add_user(db, "clinic-a", "ana@a.example.org", "Ana Ejemplo", "attorney");
    let store = db.store();
    let ana = store.credentials_by_email("ana@a.example.org").unwrap().unwrap().user;
    let session = amparo_store::SessionRecord {
        token_hash: "ana-session".into(),
        org_id: ana.org_id.clone(),
        user_id: ana.id.clone(),
        csrf_token: "csrf".into(),
        created_at: ana.created_at,
        last_seen_at: ana.created_at,
        stage: amparo_store::SessionStage::Complete,
    };
    store.create_session(&session).unwrap();

    let out = run_on(db, &["user", "deactivate", "--email", " Ana@A.example.org "]).success();
    assert_eq!(out.stdout, "deactivated ana@a.example.org (sessions ended: 1, calendar feeds revoked: 0)\n");
    assert!(store.session(&ana.org_id, "ana-session").unwrap().is_none());
    assert!(store.credentials_by_email("ana@a.example.org").unwrap().is_none());
    let audited = store.audit_log(Some(&ana.org_id)).unwrap().pop().unwrap();
    assert_eq!((audited.action.as_str(), audited.target.as_str()), ("user.deactivated", ana.id.as_str()));

    run_on(db, &["user", "deactivate", "--email", "ana@a.example.org"])
        .failure(2, &["--email: no active user has the email \"ana@a.example.org\""]);
    run_on(db, &["user", "deactivate", "--email", "admin@a.example.org"])
        .failure(2, &["last active administrator"]);
    assert!(store.credentials_by_email("admin@a.example.org").unwrap().is_some());
}
