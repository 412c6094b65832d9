//! API tokens on both backends: made with only their hash kept, found by organisation and hash,
//! refused once revoked, expired or their person deactivated, every use and refusal audited, listed
//! per person and per organisation.

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::{NewApiToken, StoreError, TokenRefusal, TokenScope};
use amparo_trust::api_token::{self, TokenKind};
use chrono::Duration;

use crate::support::{new_user, now, org};

amparo_store::on_both_backends!(
    a_token_acts_until_revoked_and_every_use_is_audited,
    an_expired_token_or_a_deactivated_persons_token_is_refused,
    a_token_of_one_organisation_is_unknown_to_another,
    names_and_expiry_are_checked
);

fn a_token_acts_until_revoked_and_every_use_is_audited(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "tokens");
    let ana = store.create_user(&org, &new_user("ana@example.org", UserRole::Attorney), now()).unwrap();
    let bo = store.create_user(&org, &new_user("bo@example.org", UserRole::Advocate), now()).unwrap();
    let issued = api_token::issue(TokenKind::Personal, org.as_str()).unwrap();
    let new = NewApiToken {
        token_hash: &issued.hash,
        kind: TokenKind::Personal,
        user: &ana,
        name: "  sync script ",
        scope: TokenScope::Read,
        expires_at: Some(now() + Duration::days(30)),
    };
    let token = store.create_api_token(&new, Some(&ana.id), now()).unwrap();
    assert_eq!(token.name, "sync script");
    assert_eq!(token.last_used_at, None);

    // Presented: the text names the organisation, and its hash finds the token.
    let presented = api_token::parse(issued.text.expose()).unwrap();
    assert_eq!(presented.org_id, org.as_str());
    let later = now() + Duration::hours(1);
    let used = store.use_api_token(&org, &presented.hash, "GET", "/api/v1/cases", later).unwrap().unwrap();
    assert_eq!(used.user.id, ana.id);
    assert_eq!(used.token.scope, TokenScope::Read);
    let listed = store.api_tokens_of(&org, &ana.id).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_used_at, Some(later));
    assert!(store.api_tokens_of(&org, &bo.id).unwrap().is_empty());
    assert_eq!(store.api_tokens(&org).unwrap().len(), 1);

    // Bo cannot revoke Ana's token as his own; Ana can, once.
    let refused = store.revoke_api_token(&org, &token.id, Some(&bo.id), Some(&bo.id), later);
    assert!(matches!(refused, Err(StoreError::NotFound(_))), "{refused:?}");
    assert!(store.revoke_api_token(&org, &token.id, Some(&ana.id), Some(&ana.id), later).unwrap());
    assert!(!store.revoke_api_token(&org, &token.id, Some(&ana.id), Some(&ana.id), later).unwrap());
    let answer = store.use_api_token(&org, &presented.hash, "GET", "/api/v1/cases", later).unwrap();
    assert_eq!(answer.unwrap_err(), TokenRefusal::Revoked);

    let actions: Vec<String> = store
        .audit_log(Some(&org))
        .unwrap()
        .into_iter()
        .filter(|e| e.target == format!("api_token:{}", token.id.as_str()))
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["api_token.created", "api_token.used", "api_token.revoked", "api_token.refused"]);
    let log = serde_json::to_string(&store.audit_log(Some(&org)).unwrap()).unwrap();
    assert!(!log.contains(&issued.hash), "the hash is never in the audit trail");
    assert!(!log.contains(issued.text.expose().as_str()));
    assert!(store.verify_audit().unwrap().iter().all(|c| c.outcome.is_ok()));
}

fn an_expired_token_or_a_deactivated_persons_token_is_refused(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "expiry");
    store.create_user(&org, &new_user("admin@example.org", UserRole::Admin), now()).unwrap();
    let cy = store.create_user(&org, &new_user("cy@example.org", UserRole::Advocate), now()).unwrap();
    let make = |days: Option<i64>| {
        let issued = api_token::issue(TokenKind::Personal, org.as_str()).unwrap();
        let new = NewApiToken {
            token_hash: &issued.hash,
            kind: TokenKind::Personal,
            user: &cy,
            name: "t",
            scope: TokenScope::Write,
            expires_at: days.map(|d| now() + Duration::days(d)),
        };
        store.create_api_token(&new, None, now()).unwrap();
        issued.hash
    };
    let short = make(Some(1));
    let forever = make(None);
    let use_at = |hash: &str, days: i64| {
        store
            .use_api_token(&org, hash, "POST", "/api/v1/x", now() + Duration::days(days))
            .unwrap()
            .map(|_| ())
    };
    assert_eq!(use_at(&short, 0), Ok(()));
    assert_eq!(use_at(&short, 1), Err(TokenRefusal::Expired));
    assert_eq!(use_at(&forever, 400), Ok(()));
    assert_eq!(use_at("0".repeat(64).as_str(), 0), Err(TokenRefusal::Unknown));

    store.deactivate_user(&org, &cy.id, now()).unwrap();
    assert_eq!(use_at(&forever, 1), Err(TokenRefusal::Deactivated));
    let cy = store.user(&org, &cy.id).unwrap().unwrap();
    let issued = api_token::issue(TokenKind::Personal, org.as_str()).unwrap();
    let new = NewApiToken {
        token_hash: &issued.hash,
        kind: TokenKind::Personal,
        user: &cy,
        name: "t",
        scope: TokenScope::Read,
        expires_at: None,
    };
    assert!(matches!(store.create_api_token(&new, None, now()), Err(StoreError::Invalid(_))));
}

fn a_token_of_one_organisation_is_unknown_to_another(db: &TestDatabase) {
    let store = db.store();
    let one = org(&store, "one");
    let two = org(&store, "two");
    let dee = store.create_user(&one, &new_user("dee@example.org", UserRole::Viewer), now()).unwrap();
    let issued = api_token::issue(TokenKind::Personal, one.as_str()).unwrap();
    let new = NewApiToken {
        token_hash: &issued.hash,
        kind: TokenKind::Personal,
        user: &dee,
        name: "t",
        scope: TokenScope::Read,
        expires_at: None,
    };
    let token = store.create_api_token(&new, None, now()).unwrap();
    let answer = store.use_api_token(&two, &issued.hash, "GET", "/api/v1/cases", now()).unwrap();
    assert_eq!(answer.unwrap_err(), TokenRefusal::Unknown);
    assert!(store.api_tokens(&two).unwrap().is_empty());
    assert!(store.api_token(&two, &token.id).unwrap().is_none());
    let revoke = store.revoke_api_token(&two, &token.id, None, None, now());
    assert!(matches!(revoke, Err(StoreError::NotFound(_))));
}

fn names_and_expiry_are_checked(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "names");
    let eve = store.create_user(&org, &new_user("eve@example.org", UserRole::Attorney), now()).unwrap();
    let attempt = |name: &str, expires_at| {
        let new = NewApiToken {
            token_hash: "h",
            kind: TokenKind::Personal,
            user: &eve,
            name,
            scope: TokenScope::Read,
            expires_at,
        };
        match store.create_api_token(&new, None, now()) {
            Err(StoreError::Invalid(message)) => message,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(attempt("  ", None), "name: a token needs a name");
    assert_eq!(attempt(&"x".repeat(101), None), "name: at most 100 characters");
    assert_eq!(attempt("ok", Some(now())), "expires: must be in the future");
    assert!(store.api_tokens(&org).unwrap().is_empty());
}
