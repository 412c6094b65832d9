//! Role changes and the audit page's queries in the store, on both backends: a role change ends the
//! member's other sessions and is audited in the same transaction, the last administrator cannot be
//! demoted (not even by two demotions racing), and the audit page filters, pages by key and checks
//! the chain's recent entries within one organisation.

use std::sync::{Arc, Barrier};

use amparo_domain::Language;
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::*;
use chrono::{DateTime, Duration, TimeZone, Utc};

amparo_store::on_both_backends!(
    a_role_change_ends_the_members_sessions_and_is_audited,
    the_last_administrator_stays,
    two_racing_demotions_leave_one_administrator,
    the_audit_page_filters_and_pages_by_key,
    the_recent_chain_check_is_bounded_and_finds_breaks_it_covers,
);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

struct Org {
    store: Arc<Store>,
    org: OrgId,
}

impl Org {
    fn new(db: &TestDatabase, slug: &str) -> Org {
        let store = db.store();
        let new = NewOrganisation { slug: slug.into(), name: "Clinic".into() };
        let org = store.create_organisation(&new, now()).unwrap().id;
        Org { store, org }
    }

    fn user(&self, email: &str, role: UserRole) -> UserId {
        let new = NewUser {
            email: email.into(),
            display_name: "Test Person".into(),
            role,
            language: Language::En,
            password_hash: "$argon2id$fake".into(),
        };
        self.store.create_user(&self.org, &new, now()).unwrap().id
    }

    fn session(&self, user: &UserId, token: &str) {
        let session = SessionRecord {
            token_hash: token.into(),
            org_id: self.org.clone(),
            user_id: user.clone(),
            csrf_token: "csrf".into(),
            created_at: now(),
            last_seen_at: now(),
            stage: SessionStage::Complete,
        };
        self.store.create_session(&session).unwrap();
    }

    fn role(&self, user: &UserId) -> UserRole {
        self.store.user(&self.org, user).unwrap().unwrap().role
    }

    fn by(&self, user: &UserId, role: UserRole, actor: &UserId) -> StoreResult<RoleChange> {
        self.store.set_user_role(&self.org, user, role, RoleActor { user: Some(actor), session: None }, now())
    }

    fn record(&self, actor: Option<&UserId>, action: &str, at: DateTime<Utc>) {
        let event = AuditEvent {
            actor: actor.cloned(),
            action: action.into(),
            target: "target".into(),
            detail: serde_json::json!({}),
        };
        self.store.record_audit(&self.org, &event, at).unwrap();
    }
}

fn a_role_change_ends_the_members_sessions_and_is_audited(db: &TestDatabase) {
    let org = Org::new(db, "clinic");
    let admin = org.user("admin@example.org", UserRole::Admin);
    let ana = org.user("ana@example.org", UserRole::Attorney);
    org.session(&ana, "ana-laptop");
    org.session(&ana, "ana-phone");
    org.session(&admin, "admin-desk");

    let change = org.by(&ana, UserRole::Viewer, &admin).unwrap();
    assert_eq!(change, RoleChange { old: UserRole::Attorney, new: UserRole::Viewer, sessions_ended: 2 });
    assert_eq!(org.role(&ana), UserRole::Viewer);
    assert!(org.store.session(&org.org, "ana-laptop").unwrap().is_none());
    assert!(org.store.session(&org.org, "ana-phone").unwrap().is_none());
    assert!(
        org.store.session(&org.org, "admin-desk").unwrap().is_some(),
        "the administrator stays signed in"
    );

    let log = org.store.audit_log(Some(&org.org)).unwrap();
    let entry = log.last().unwrap();
    assert_eq!(entry.action, "user.role_changed");
    assert_eq!(entry.actor.as_deref(), Some(admin.as_str()));
    assert_eq!(entry.target, ana.as_str());
    let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap();
    assert_eq!(
        detail,
        serde_json::json!({ "old_role": "attorney", "new_role": "viewer", "sessions_ended": 2, "feeds_revoked": 0 })
    );

    // The same role again changes nothing and records nothing.
    let same = org.by(&ana, UserRole::Viewer, &admin).unwrap();
    assert_eq!(same.sessions_ended, 0);
    assert_eq!(org.store.audit_log(Some(&org.org)).unwrap().len(), log.len());

    // An administrator changing their own role keeps the session they made the change from.
    let second = org.user("second@example.org", UserRole::Admin);
    org.session(&second, "second-desk");
    org.session(&second, "second-phone");
    let own = RoleActor { user: Some(&second), session: Some("second-desk") };
    let change = org.store.set_user_role(&org.org, &second, UserRole::Attorney, own, now()).unwrap();
    assert_eq!(change.sessions_ended, 1);
    assert!(org.store.session(&org.org, "second-desk").unwrap().is_some());
    assert!(org.store.session(&org.org, "second-phone").unwrap().is_none());

    // Someone of another organisation, or nobody, is "not found".
    let other = Org::new(db, "other");
    let outsider = other.user("out@example.org", UserRole::Attorney);
    assert!(matches!(org.by(&outsider, UserRole::Viewer, &admin), Err(StoreError::NotFound(_))));
    assert_eq!(other.role(&outsider), UserRole::Attorney);
    assert!(matches!(
        org.by(&UserId("nobody".into()), UserRole::Viewer, &admin),
        Err(StoreError::NotFound(_))
    ));
}

fn the_last_administrator_stays(db: &TestDatabase) {
    let org = Org::new(db, "clinic");
    let admin = org.user("admin@example.org", UserRole::Admin);
    org.session(&admin, "admin-desk");
    let before = org.store.audit_log(Some(&org.org)).unwrap().len();
    match org.by(&admin, UserRole::Attorney, &admin) {
        Err(StoreError::Invalid(message)) => assert_eq!(message, LAST_ADMIN),
        other => panic!("the last administrator was demoted: {other:?}"),
    }
    assert_eq!(org.role(&admin), UserRole::Admin);
    assert!(org.store.session(&org.org, "admin-desk").unwrap().is_some(), "nothing was half written");
    assert_eq!(org.store.audit_log(Some(&org.org)).unwrap().len(), before);

    // With a second administrator, either may step down, but not both.
    let second = org.user("second@example.org", UserRole::Admin);
    org.by(&admin, UserRole::Attorney, &second).unwrap();
    assert!(matches!(org.by(&second, UserRole::Viewer, &second), Err(StoreError::Invalid(_))));
    // Another organisation's administrators do not count.
    let other = Org::new(db, "other");
    other.user("admin@other.example.org", UserRole::Admin);
    assert!(matches!(org.by(&second, UserRole::Viewer, &second), Err(StoreError::Invalid(_))));
}

fn two_racing_demotions_leave_one_administrator(db: &TestDatabase) {
    for round in 0..5 {
        let org = Arc::new(Org::new(db, &format!("clinic-{round}")));
        let first = org.user(&format!("first{round}@example.org"), UserRole::Admin);
        let second = org.user(&format!("second{round}@example.org"), UserRole::Admin);
        let barrier = Arc::new(Barrier::new(2));
        let demote = |user: UserId| {
            let (org, barrier) = (org.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                org.by(&user, UserRole::Attorney, &user).is_ok()
            })
        };
        let a = demote(first.clone());
        let b = demote(second.clone());
        let (a, b) = (a.join().unwrap(), b.join().unwrap());
        assert!(a ^ b, "round {round}: exactly one demotion passes ({a}, {b})");
        let admins = [&first, &second].iter().filter(|u| org.role(u) == UserRole::Admin).count();
        assert_eq!(admins, 1);
    }
}

fn the_audit_page_filters_and_pages_by_key(db: &TestDatabase) {
    let org = Org::new(db, "clinic");
    let ana = org.user("ana@example.org", UserRole::Attorney);
    let bo = org.user("bo@example.org", UserRole::Advocate);
    // 25 entries over 25 days: reads by Ana on even days, shares by Bo on odd ones.
    for day in 0..25 {
        let at = now() + Duration::days(day);
        if day % 2 == 0 {
            org.record(Some(&ana), "case.read", at);
        } else {
            org.record(Some(&bo), "case.shared", at);
        }
    }
    let other = Org::new(db, "other");
    let outsider = other.user("out@example.org", UserRole::Attorney);
    other.record(Some(&outsider), "case.read", now());

    let query = |cursor, limit| AuditQuery { cursor, limit, ..AuditQuery::default() };
    let first = org.store.audit_page(&org.org, &query(None, 10)).unwrap();
    let seqs = |page: &AuditPage| page.entries.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(&first), (16..=25).rev().collect::<Vec<u64>>(), "newest first");
    assert_eq!((first.newer, first.older), (None, Some(16)));
    let second = org.store.audit_page(&org.org, &query(Some(AuditCursor::Before(16)), 10)).unwrap();
    assert_eq!(seqs(&second), (6..=15).rev().collect::<Vec<u64>>());
    assert_eq!((second.newer, second.older), (Some(15), Some(6)));
    let last = org.store.audit_page(&org.org, &query(Some(AuditCursor::Before(6)), 10)).unwrap();
    assert_eq!(seqs(&last), (1..=5).rev().collect::<Vec<u64>>());
    assert_eq!((last.newer, last.older), (Some(5), None));
    // Back from the last page: the ten entries just newer, still newest first.
    let back = org.store.audit_page(&org.org, &query(Some(AuditCursor::After(5)), 10)).unwrap();
    assert_eq!(seqs(&back), seqs(&second));
    assert_eq!((back.newer, back.older), (Some(15), Some(6)));
    assert!(first.entries.iter().all(|e| e.chain == org.org.as_str()), "one organisation only");

    // Filters: action, actor, time range, together with paging.
    let reads = AuditQuery { action: Some("case.read".into()), limit: 5, ..AuditQuery::default() };
    let page = org.store.audit_page(&org.org, &reads).unwrap();
    assert_eq!(seqs(&page), [25, 23, 21, 19, 17]);
    assert!(page.entries.iter().all(|e| e.action == "case.read"));
    let next = AuditQuery { cursor: page.older.map(AuditCursor::Before), ..reads.clone() };
    let page = org.store.audit_page(&org.org, &next).unwrap();
    assert_eq!(seqs(&page), [15, 13, 11, 9, 7]);
    assert_eq!((page.newer, page.older), (Some(15), Some(7)));
    let by_bo = AuditQuery { actor: Some(bo.clone()), limit: 50, ..AuditQuery::default() };
    let page = org.store.audit_page(&org.org, &by_bo).unwrap();
    assert_eq!(page.entries.len(), 12);
    assert!(page.entries.iter().all(|e| e.actor.as_deref() == Some(bo.as_str())));
    let window = AuditQuery {
        from: Some(now() + Duration::days(3)),
        until: Some(now() + Duration::days(6)),
        limit: 50,
        ..AuditQuery::default()
    };
    assert_eq!(seqs(&org.store.audit_page(&org.org, &window).unwrap()), [6, 5, 4]);
    let nothing = AuditQuery {
        action: Some("case.shared".into()),
        actor: Some(ana),
        limit: 50,
        ..AuditQuery::default()
    };
    let page = org.store.audit_page(&org.org, &nothing).unwrap();
    assert_eq!((page.entries.len(), page.newer, page.older), (0, None, None));
    // Another organisation's member filters this one's trail to nothing.
    let theirs = AuditQuery { actor: Some(outsider), limit: 50, ..AuditQuery::default() };
    assert!(org.store.audit_page(&org.org, &theirs).unwrap().entries.is_empty());
}

fn the_recent_chain_check_is_bounded_and_finds_breaks_it_covers(db: &TestDatabase) {
    let org = Org::new(db, "clinic");
    for minute in 0..12 {
        org.record(None, "case.read", now() + Duration::minutes(minute));
    }
    let whole = org.store.check_recent_audit(&org.org, 100).unwrap();
    assert_eq!(whole, RecentChainCheck { entries: 12, whole_chain: true, outcome: Ok(()) });
    let recent = org.store.check_recent_audit(&org.org, 5).unwrap();
    assert_eq!(recent, RecentChainCheck { entries: 5, whole_chain: false, outcome: Ok(()) });
    // An entry edited behind Amparo's back is found when the window covers it, and only then.
    let org_id = org.org.as_str().to_owned();
    db.tamper_audit_log(&[&format!(
        "UPDATE audit_log SET detail = '{{\"edited\":1}}' WHERE org_id = '{org_id}' AND seq = 2"
    )]);
    assert_eq!(org.store.check_recent_audit(&org.org, 5).unwrap().outcome, Ok(()));
    let whole = org.store.check_recent_audit(&org.org, 100).unwrap();
    assert!(whole.outcome.as_ref().is_err_and(|e| e.contains('2')), "{whole:?}");
    db.tamper_audit_log(&[&format!(
        "UPDATE audit_log SET detail = '{{\"edited\":1}}' WHERE org_id = '{org_id}' AND seq = 10"
    )]);
    assert!(org.store.check_recent_audit(&org.org, 5).unwrap().outcome.is_err());
    let empty = Org::new(db, "empty");
    assert_eq!(
        empty.store.check_recent_audit(&empty.org, 5).unwrap(),
        RecentChainCheck { entries: 0, whole_chain: true, outcome: Ok(()) }
    );
}
