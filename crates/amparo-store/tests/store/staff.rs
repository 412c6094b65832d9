//! Staff administration and the organisation's profile in the store, on both backends: an
//! invitation link works once and not after it expires; deactivating a member ends their sessions,
//! revokes their feeds, refuses their sign-in and reset links and is audited; nobody deactivates
//! themself or the last active administrator; only an active administrator administers; the
//! profile is refused field by field; and the time zone decides the organisation's "today".

use amparo_domain::org::UserRole;
use amparo_domain::{Language, Problem, TimeZone};
use amparo_store::testing::TestDatabase;
use amparo_store::*;
use chrono::{DateTime, Duration, TimeZone as _, Utc};

use crate::support::{new_user, now, org};

amparo_store::on_both_backends!(
    an_invitation_works_once_and_not_after_it_expires,
    an_invitation_is_refused_for_a_taken_or_malformed_address_and_for_non_administrators,
    deactivating_ends_sessions_revokes_feeds_refuses_sign_in_and_is_audited,
    nobody_deactivates_themself_or_the_last_active_administrator,
    the_profile_is_refused_field_by_field_and_audited_when_saved,
    the_time_zone_decides_the_organisations_today,
);

fn admin_of(store: &Store, org: &OrgId, email: &str) -> Actor {
    Actor::of(&store.create_user(org, &new_user(email, UserRole::Admin), now()).unwrap())
}

fn session(store: &Store, user: &User, token: &str) {
    let record = SessionRecord {
        token_hash: token.into(),
        org_id: user.org_id.clone(),
        user_id: user.id.clone(),
        csrf_token: "csrf".into(),
        created_at: now(),
        last_seen_at: now(),
        stage: SessionStage::Complete,
    };
    store.create_session(&record).unwrap();
}

fn last_action(store: &Store, org: &OrgId) -> AuditRecord {
    store.audit_log(Some(org)).unwrap().pop().unwrap()
}

fn invite(store: &Store, admin: &Actor, email: &str, token: &str) -> StoreResult<()> {
    let new = NewInvitation {
        email,
        role: UserRole::Advocate,
        token_hash: token,
        expires_at: now() + Duration::days(7),
    };
    store.invite_user_as(admin, &new, now())
}

fn accept(store: &Store, org: &OrgId, token: &str, at: DateTime<Utc>) -> StoreResult<User> {
    let person =
        Acceptance { display_name: "  Rosa Ejemplo ", language: Language::Es, password_hash: "$argon2id$x" };
    store.accept_invitation(org, token, &person, at)
}

fn an_invitation_works_once_and_not_after_it_expires(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "invite-once");
    let admin = admin_of(&store, &org, "admin@example.org");
    invite(&store, &admin, " Rosa@Example.org ", "hash-1").unwrap();
    let audited = last_action(&store, &org);
    assert_eq!(
        (audited.action.as_str(), audited.actor.as_deref()),
        ("user.invited", Some(admin.user.as_str()))
    );
    assert!(!audited.detail.contains("rosa"), "the address stays out of the trail: {}", audited.detail);

    let open = store.invitation(&org, "hash-1", now()).unwrap().unwrap();
    assert_eq!((open.email.as_str(), open.role), ("rosa@example.org", UserRole::Advocate));
    let member = accept(&store, &org, "hash-1", now() + Duration::hours(1)).unwrap();
    assert_eq!(
        (member.email.as_str(), member.display_name.as_str(), member.role, member.language),
        ("rosa@example.org", "Rosa Ejemplo", UserRole::Advocate, Language::Es)
    );
    assert_eq!(last_action(&store, &org).action, "user.invitation_accepted");
    assert!(store.credentials_by_email("rosa@example.org").unwrap().is_some());

    // Used: refused, and nothing more is created.
    assert!(store.invitation(&org, "hash-1", now()).unwrap().is_none());
    match accept(&store, &org, "hash-1", now() + Duration::hours(2)) {
        Err(StoreError::Invalid(message)) => assert_eq!(message, INVALID_INVITATION),
        other => panic!("expected the link refused, got {other:?}"),
    }
    assert_eq!(store.users(&org).unwrap().len(), 2);

    // Expired: refused the same way.
    invite(&store, &admin, "late@example.org", "hash-2").unwrap();
    let late = now() + Duration::days(7);
    assert!(store.invitation(&org, "hash-2", late).unwrap().is_none());
    assert!(
        matches!(accept(&store, &org, "hash-2", late), Err(StoreError::Invalid(m)) if m == INVALID_INVITATION)
    );

    // A second invitation to the same address retires the first.
    invite(&store, &admin, "twice@example.org", "hash-3").unwrap();
    invite(&store, &admin, "twice@example.org", "hash-4").unwrap();
    assert!(store.invitation(&org, "hash-3", now()).unwrap().is_none());
    assert!(store.invitation(&org, "hash-4", now()).unwrap().is_some());
}

fn an_invitation_is_refused_for_a_taken_or_malformed_address_and_for_non_administrators(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "invite-refused");
    let admin = admin_of(&store, &org, "admin@example.org");
    assert!(matches!(invite(&store, &admin, "ADMIN@example.org", "h1"), Err(StoreError::Duplicate(_))));
    match invite(&store, &admin, "not-an-email", "h2") {
        Err(StoreError::Field { path, problem: Problem::WrongFormat { found, .. } }) => {
            assert_eq!((path.as_str(), found.as_str()), ("email", "not-an-email"));
        }
        other => panic!("expected the email refused, got {other:?}"),
    }
    let attorney =
        Actor::of(&store.create_user(&org, &new_user("att@example.org", UserRole::Attorney), now()).unwrap());
    assert!(matches!(
        invite(&store, &attorney, "new@example.org", "h3"),
        Err(StoreError::Refused(Refusal::RoleMayNot))
    ));
    // An actor whose role was taken away a moment ago is refused as the database says now.
    let stale = Actor { role: UserRole::Admin, ..attorney };
    assert!(matches!(invite(&store, &stale, "new@example.org", "h4"), Err(StoreError::Refused(_))));
    assert!(store.invitation(&org, "h3", now()).unwrap().is_none());
    assert!(store.invitation(&org, "h4", now()).unwrap().is_none());
    assert!(
        store.audit_log(Some(&org)).unwrap().iter().all(|e| e.action != "user.invited"),
        "nothing audited"
    );
}

fn deactivating_ends_sessions_revokes_feeds_refuses_sign_in_and_is_audited(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "deactivate");
    let admin = admin_of(&store, &org, "admin@example.org");
    let ana = store.create_user(&org, &new_user("ana@example.org", UserRole::Attorney), now()).unwrap();
    session(&store, &ana, "ana-laptop");
    session(&store, &ana, "ana-phone");
    store.create_calendar_feed_as(&Actor::of(&ana), None, "ana-feed", now()).unwrap();
    store
        .issue_password_reset(&org, &ana.id, "ana-reset", Some(&admin.user), now(), now() + Duration::days(1))
        .unwrap();

    let done = store.deactivate_user_as(&admin, &ana.id, now()).unwrap();
    assert_eq!(done, Deactivation { sessions_ended: 2, feeds_revoked: 1, already: false });
    assert!(store.session(&org, "ana-laptop").unwrap().is_none());
    assert!(store.session(&org, "ana-phone").unwrap().is_none());
    assert!(store.calendar_feeds(&org, &ana.id).unwrap().iter().all(|f| f.revoked_at.is_some()));
    assert!(store.credentials_by_email("ana@example.org").unwrap().is_none(), "sign-in finds no one");
    assert!(store.password_reset_user(&org, "ana-reset", now()).unwrap().is_none(), "the reset link is dead");
    assert_eq!(store.user(&org, &ana.id).unwrap().unwrap().deactivated_at, Some(now()));
    let entry = last_action(&store, &org);
    assert_eq!((entry.action.as_str(), entry.target.as_str()), ("user.deactivated", ana.id.as_str()));
    assert_eq!(entry.actor.as_deref(), Some(admin.user.as_str()));

    // Again: nothing changes and nothing is recorded.
    let count = store.audit_log(Some(&org)).unwrap().len();
    assert!(store.deactivate_user_as(&admin, &ana.id, now()).unwrap().already);
    assert_eq!(store.audit_log(Some(&org)).unwrap().len(), count);

    // Reactivated, they sign in again.
    assert!(store.reactivate_user_as(&admin, &ana.id, now()).unwrap());
    assert!(store.credentials_by_email("ana@example.org").unwrap().is_some());
    assert_eq!(last_action(&store, &org).action, "user.reactivated");
    assert!(!store.reactivate_user_as(&admin, &ana.id, now()).unwrap(), "already active");
}

fn nobody_deactivates_themself_or_the_last_active_administrator(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "deactivate-refused");
    let admin = admin_of(&store, &org, "admin@example.org");
    match store.deactivate_user_as(&admin, &admin.user, now()) {
        Err(StoreError::Invalid(message)) => assert_eq!(message, SELF_DEACTIVATION),
        other => panic!("expected self-deactivation refused, got {other:?}"),
    }
    // The operator on the command line is not the administrator: the last-one rule holds there.
    match store.deactivate_user(&org, &admin.user, now()) {
        Err(StoreError::Invalid(message)) => assert_eq!(message, LAST_ACTIVE_ADMIN),
        other => panic!("expected the last administrator kept, got {other:?}"),
    }
    let second = admin_of(&store, &org, "second@example.org");
    store.deactivate_user_as(&admin, &second.user, now()).unwrap();
    // The deactivated administrator no longer counts, nor acts.
    assert!(
        matches!(store.deactivate_user(&org, &admin.user, now()), Err(StoreError::Invalid(m)) if m == LAST_ACTIVE_ADMIN)
    );
    assert!(matches!(
        store.reactivate_user_as(&second, &second.user, now()),
        Err(StoreError::Refused(Refusal::RoleMayNot))
    ));
    let viewer =
        Actor::of(&store.create_user(&org, &new_user("v@example.org", UserRole::Viewer), now()).unwrap());
    assert!(matches!(store.deactivate_user_as(&viewer, &admin.user, now()), Err(StoreError::Refused(_))));
    assert!(store.user(&org, &admin.user).unwrap().unwrap().deactivated_at.is_none());
}

fn profile_input(time_zone: &str) -> ProfileInput {
    ProfileInput {
        name: "Clínica Ejemplo".into(),
        address: "100 Example Street\r\nSpringfield".into(),
        phone: "+1 555 0100".into(),
        email: "office@example.org".into(),
        letter_signature: "The Example Clinic team".into(),
        time_zone: time_zone.into(),
    }
}

fn the_profile_is_refused_field_by_field_and_audited_when_saved(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "profile");
    let admin = admin_of(&store, &org, "admin@example.org");
    let fresh = store.organisation_profile(&org).unwrap();
    assert_eq!(
        (fresh.name.as_str(), fresh.time_zone, fresh.phone.as_str()),
        ("Org profile", TimeZone::UTC, "")
    );

    let bad = ProfileInput {
        name: " ".into(),
        email: "office".into(),
        phone: "x".repeat(201),
        ..profile_input("Mars/Base")
    };
    let problems = check_profile(&bad).unwrap_err();
    let fields: Vec<String> = problems
        .iter()
        .map(|p| match p {
            StoreError::Field { path, problem } => format!("{path}: {problem:?}"),
            other => panic!("not a field problem: {other:?}"),
        })
        .collect();
    assert_eq!(fields.len(), 4, "{fields:?}");
    assert!(fields[0].starts_with("name: Required"), "{fields:?}");
    assert!(fields[1].starts_with("phone: TooLong"), "{fields:?}");
    assert!(fields[2].starts_with("email: WrongFormat"), "{fields:?}");
    assert!(fields[3].starts_with("time_zone: WrongFormat"), "{fields:?}");

    let profile = check_profile(&profile_input("America/Los_Angeles")).unwrap();
    assert_eq!(profile.address, "100 Example Street\nSpringfield");
    let attorney =
        Actor::of(&store.create_user(&org, &new_user("att@example.org", UserRole::Attorney), now()).unwrap());
    assert!(matches!(
        store.set_organisation_profile_as(&attorney, &profile, now()),
        Err(StoreError::Refused(_))
    ));
    assert_eq!(store.organisation_profile(&org).unwrap(), fresh, "nothing written");

    store.set_organisation_profile_as(&admin, &profile, now()).unwrap();
    assert_eq!(store.organisation_profile(&org).unwrap(), profile);
    let entry = last_action(&store, &org);
    assert_eq!(entry.action, "organisation.profile_changed");
    let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap();
    assert_eq!(detail["time_zone"], "America/Los_Angeles");
    assert_eq!(detail["changed"].as_array().unwrap().len(), 6);
}

fn the_time_zone_decides_the_organisations_today(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "zone-today");
    let admin = admin_of(&store, &org, "admin@example.org");
    // 03:00 on 6 December in UTC is still the evening of 5 December in Los Angeles.
    let late_evening = Utc.with_ymd_and_hms(2026, 12, 6, 3, 0, 0).unwrap();
    assert_eq!(store.today_for(&org, late_evening).unwrap().to_string(), "2026-12-06");
    let profile = check_profile(&profile_input("America/Los_Angeles")).unwrap();
    store.set_organisation_profile_as(&admin, &profile, late_evening).unwrap();
    assert_eq!(store.today_for(&org, late_evening).unwrap().to_string(), "2026-12-05");
    assert_eq!(store.time_zone(&org).unwrap().name(), "America/Los_Angeles");
    // Another organisation keeps its own day.
    let other = crate::support::org(&store, "zone-other");
    assert_eq!(store.today_for(&other, late_evening).unwrap().to_string(), "2026-12-06");
}
