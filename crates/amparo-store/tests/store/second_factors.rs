//! Second factors in the store, on both backends: enrolment keeps one pending secret until it is
//! confirmed, a code's step only moves forward, sessions are promoted and held as the rules say,
//! and every change is in the audit trail.

use amparo_domain::Language;
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::*;
use chrono::{DateTime, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

struct Org {
    store: std::sync::Arc<Store>,
    org: OrgId,
}

impl Org {
    fn new(db: &TestDatabase) -> Org {
        let store = db.store();
        let org = store
            .create_organisation(&NewOrganisation { slug: "clinic".into(), name: "Clinic".into() }, now())
            .unwrap()
            .id;
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

    fn session(&self, user: &UserId, token: &str, stage: SessionStage) -> SessionRecord {
        let session = SessionRecord {
            token_hash: token.into(),
            org_id: self.org.clone(),
            user_id: user.clone(),
            csrf_token: "csrf".into(),
            created_at: now(),
            last_seen_at: now(),
            stage,
        };
        self.store.create_session(&session).unwrap();
        session
    }

    fn stage(&self, token: &str) -> Option<SessionStage> {
        self.store.session(&self.org, token).unwrap().map(|s| s.stage)
    }

    fn credentials(&self, email: &str) -> Credentials {
        self.store.credentials_by_email(email).unwrap().unwrap()
    }

    fn actions(&self) -> Vec<String> {
        self.store.audit_log(Some(&self.org)).unwrap().into_iter().map(|r| r.action).collect()
    }
}

fn complete(org: &Org, user: &UserId, token: &str) -> SessionRecord {
    SessionRecord {
        token_hash: token.into(),
        org_id: org.org.clone(),
        user_id: user.clone(),
        csrf_token: "csrf-2".into(),
        created_at: now(),
        last_seen_at: now(),
        stage: SessionStage::Complete,
    }
}

amparo_store::on_both_backends!(
    enrolment_keeps_one_pending_secret_until_confirmed,
    a_code_step_is_accepted_once_and_only_forward,
    removal_by_an_admin_ends_sessions_and_by_oneself_holds_them_when_required,
    requiring_a_factor_of_everyone_holds_sessions_of_members_without_one,
    the_secret_is_sealed_and_survives_a_key_rotation,
);

fn enrolment_keeps_one_pending_secret_until_confirmed(db: &TestDatabase) {
    let org = Org::new(db);
    let ada = org.user("ada@clinic.example.org", UserRole::Admin);
    assert!(org.store.second_factor(&org.org, &ada).unwrap().is_none());
    let credentials = org.credentials("ada@clinic.example.org");
    assert!(!credentials.second_factor);
    assert!(credentials.second_factor_required(), "administrators always need a second factor");

    let Enrolment::Pending { secret } =
        org.store.second_factor_enrolment(&org.org, &ada, SECRET, now()).unwrap()
    else {
        panic!("a new enrolment is pending")
    };
    assert_eq!(secret, SECRET);
    // Reloading the page must not change the secret the user may already have scanned.
    let Enrolment::Pending { secret } =
        org.store.second_factor_enrolment(&org.org, &ada, "ANOTHERSECRETANOTHERSECRET", now()).unwrap()
    else {
        panic!("still pending")
    };
    assert_eq!(secret, SECRET);
    assert!(!org.credentials("ada@clinic.example.org").second_factor, "pending is not enrolled");

    let old = org.session(&ada, "enrolling", SessionStage::Enrolment);
    let elsewhere = org.session(&ada, "elsewhere", SessionStage::Enrolment);
    let new = complete(&org, &ada, "promoted");
    let promotion = Promotion { old_token_hash: &old.token_hash, new: &new };
    org.store.confirm_second_factor(&org.org, &ada, 100, &promotion, now()).unwrap();
    assert_eq!(org.stage("enrolling"), None, "the pre-factor token is worth nothing now");
    assert_eq!(org.stage("promoted"), Some(SessionStage::Complete));
    assert_eq!(org.stage(&elsewhere.token_hash), None, "sessions opened with the password alone end");
    assert!(org.credentials("ada@clinic.example.org").second_factor);
    let stored = org.store.second_factor(&org.org, &ada).unwrap().unwrap();
    assert!(stored.confirmed);
    assert_eq!(stored.last_step, 100);

    // Confirming twice is refused; a confirmed factor is not offered for enrolment again.
    let again = complete(&org, &ada, "again");
    let promotion = Promotion { old_token_hash: "promoted", new: &again };
    let refused = org.store.confirm_second_factor(&org.org, &ada, 101, &promotion, now());
    assert!(matches!(refused, Err(StoreError::Invalid(_))), "{refused:?}");
    assert_eq!(org.stage("promoted"), Some(SessionStage::Complete), "a refused promotion changes nothing");
    assert!(matches!(
        org.store.second_factor_enrolment(&org.org, &ada, SECRET, now()).unwrap(),
        Enrolment::AlreadyEnrolled
    ));
    assert!(org.actions().contains(&"second_factor.enrolled".to_owned()));
}

fn enrolled(org: &Org, user: &UserId, step: i64) {
    org.store.second_factor_enrolment(&org.org, user, SECRET, now()).unwrap();
    let pending = org.session(user, "pending-enrolment", SessionStage::Enrolment);
    let new = complete(org, user, "enrolled-session");
    let promotion = Promotion { old_token_hash: &pending.token_hash, new: &new };
    org.store.confirm_second_factor(&org.org, user, step, &promotion, now()).unwrap();
    org.store.delete_session(&org.org, "enrolled-session").unwrap();
}

fn a_code_step_is_accepted_once_and_only_forward(db: &TestDatabase) {
    let org = Org::new(db);
    let bea = org.user("bea@clinic.example.org", UserRole::Attorney);
    enrolled(&org, &bea, 100);

    let pending = org.session(&bea, "pending", SessionStage::SecondFactor);
    let done = complete(&org, &bea, "done");
    for replayed in [100, 99] {
        let promotion = Promotion { old_token_hash: &pending.token_hash, new: &done };
        let refused = org.store.accept_second_factor_code(&org.org, &bea, replayed, &promotion);
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m == CODE_ALREADY_USED),
            "step {replayed}: {refused:?}"
        );
        assert_eq!(org.stage("pending"), Some(SessionStage::SecondFactor));
        assert_eq!(org.stage("done"), None);
    }
    let promotion = Promotion { old_token_hash: &pending.token_hash, new: &done };
    org.store.accept_second_factor_code(&org.org, &bea, 101, &promotion).unwrap();
    assert_eq!(org.stage("pending"), None);
    assert_eq!(org.stage("done"), Some(SessionStage::Complete));
    assert_eq!(org.store.second_factor(&org.org, &bea).unwrap().unwrap().last_step, 101);

    // A user without a confirmed factor has no code to accept.
    let cy = org.user("cy@clinic.example.org", UserRole::Advocate);
    org.store.second_factor_enrolment(&org.org, &cy, SECRET, now()).unwrap();
    let cy_pending = org.session(&cy, "cy-pending", SessionStage::SecondFactor);
    let cy_done = complete(&org, &cy, "cy-done");
    let promotion = Promotion { old_token_hash: &cy_pending.token_hash, new: &cy_done };
    assert!(org.store.accept_second_factor_code(&org.org, &cy, 500, &promotion).is_err());
}

fn removal_by_an_admin_ends_sessions_and_by_oneself_holds_them_when_required(db: &TestDatabase) {
    let org = Org::new(db);
    let ada = org.user("ada@clinic.example.org", UserRole::Admin);
    let bea = org.user("bea@clinic.example.org", UserRole::Attorney);
    enrolled(&org, &bea, 10);
    org.session(&bea, "bea-1", SessionStage::Complete);
    assert!(org.store.remove_second_factor(&org.org, &bea, Some(&ada), now()).unwrap());
    assert_eq!(org.stage("bea-1"), None, "a reset by an administrator ends the user's sessions");
    assert!(!org.credentials("bea@clinic.example.org").second_factor);

    // An attorney, not required to have one, removes their own: the session goes on.
    enrolled(&org, &bea, 20);
    org.session(&bea, "bea-2", SessionStage::Complete);
    assert!(org.store.remove_second_factor(&org.org, &bea, Some(&bea), now()).unwrap());
    assert_eq!(org.stage("bea-2"), Some(SessionStage::Complete));

    // An administrator removing their own must set up a new one before going on.
    enrolled(&org, &ada, 30);
    org.session(&ada, "ada-1", SessionStage::Complete);
    org.store.remove_second_factor(&org.org, &ada, Some(&ada), now()).unwrap();
    assert_eq!(org.stage("ada-1"), Some(SessionStage::Enrolment));

    let actions = org.actions();
    assert!(actions.contains(&"second_factor.reset".to_owned()), "{actions:?}");
    assert!(actions.contains(&"second_factor.removed".to_owned()), "{actions:?}");
    assert!(org.store.verify_audit().unwrap().iter().all(|report| report.outcome.is_ok()));
}

fn requiring_a_factor_of_everyone_holds_sessions_of_members_without_one(db: &TestDatabase) {
    let org = Org::new(db);
    let ada = org.user("ada@clinic.example.org", UserRole::Admin);
    let bea = org.user("bea@clinic.example.org", UserRole::Attorney);
    let cy = org.user("cy@clinic.example.org", UserRole::Clinician);
    enrolled(&org, &cy, 5);
    org.session(&bea, "bea", SessionStage::Complete);
    org.session(&cy, "cy", SessionStage::Complete);
    assert!(!org.store.org_requires_second_factor(&org.org).unwrap());
    assert!(!org.credentials("bea@clinic.example.org").second_factor_required());

    org.store.set_second_factor_requirement(&org.org, true, &ada, now()).unwrap();
    assert!(org.store.org_requires_second_factor(&org.org).unwrap());
    assert!(org.credentials("bea@clinic.example.org").second_factor_required());
    assert_eq!(org.stage("bea"), Some(SessionStage::Enrolment));
    assert_eq!(org.stage("cy"), Some(SessionStage::Complete), "members with a factor go on");

    org.store.set_second_factor_requirement(&org.org, false, &ada, now()).unwrap();
    assert!(!org.credentials("bea@clinic.example.org").second_factor_required());
    let entries = org.store.audit_log(Some(&org.org)).unwrap();
    let changes: Vec<&AuditRecord> =
        entries.iter().filter(|r| r.action == "organisation.second_factor_requirement").collect();
    assert_eq!(changes.len(), 2);
    assert!(changes[0].detail.contains("\"required\":true"), "{}", changes[0].detail);
}

fn the_secret_is_sealed_and_survives_a_key_rotation(db: &TestDatabase) {
    let org = Org::new(db);
    let bea = org.user("bea@clinic.example.org", UserRole::Attorney);
    enrolled(&org, &bea, 7);
    if let Some(path) = db.sqlite_path() {
        let conn = rusqlite::Connection::open(path).unwrap();
        let stored: String = conn.query_row("SELECT secret FROM second_factors", [], |r| r.get(0)).unwrap();
        assert!(stored.starts_with("enc:"), "{stored}");
        assert!(!stored.contains(SECRET));
    }
    let rotated = amparo_trust::keyfile::rotate(db.key_file()).unwrap();
    assert!(org.store.reload_keys().unwrap());
    assert_eq!(org.store.reseal().unwrap(), 1, "the one secret is re-sealed");
    org.store.renew_key_canary().unwrap();
    // The new key alone now reads it.
    let only_new = rotated.current().to_line();
    let reopened = open(&db.url, Sealer::from_text(only_new.expose()).unwrap()).unwrap();
    let factor = reopened.second_factor(&org.org, &bea).unwrap().unwrap();
    assert_eq!(factor.secret, SECRET);
    assert!(factor.confirmed);
}
