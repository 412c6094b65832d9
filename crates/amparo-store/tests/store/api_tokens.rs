//! API tokens on both backends: made with only their hash kept, found by organisation and hash,
//! refused once revoked, expired or their person deactivated, every use and refusal audited, listed
//! per person and per organisation.

use std::sync::Arc;

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::{Actor, CaseId, NewApiToken, Store, StoreError, TokenRefusal, TokenScope};
use amparo_trust::api_token::{self, TokenKind};
use chrono::Duration;

use crate::support::{event, new_user, now, org};

amparo_store::on_both_backends!(
    a_token_acts_until_revoked_and_every_use_is_audited,
    an_expired_token_or_a_deactivated_persons_token_is_refused,
    a_token_of_one_organisation_is_unknown_to_another,
    names_and_expiry_are_checked,
    a_write_records_its_token_use_in_its_own_commit,
    a_refused_write_leaves_its_token_use_to_be_recorded_alone,
    a_token_revoked_before_the_write_commits_refuses_the_write,
    a_write_stamps_its_tokens_last_use_after_its_commit_at_most_once_a_minute
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

/// An organisation with one case and a write token of its attorney: the store, the attorney as an
/// actor, the case, and the token's hash.
fn with_a_case_and_a_token(db: &TestDatabase, slug: &str) -> (Arc<Store>, Actor, CaseId, String) {
    let store = db.store();
    let org = org(&store, slug);
    let attorney = store.create_user(
        &org,
        &new_user(&format!("attorney@{slug}.example.org"), UserRole::Attorney),
        now(),
    );
    let attorney = attorney.unwrap();
    let file = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "TOK-1",
            "program": "humanitarian",
            "people": [{ "key": "p1", "role": "patient", "given_name": "Lia", "family_name": "Ejemplo",
                         "birth_date": "2020-05-01", "citizenship": "HN" }]
        },
        "events": [{ "id": "e1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" }]
    });
    let file = amparo_domain::CaseFile::parse(&file.to_string()).unwrap().0;
    let case = store.import_cases(&org, &[file], None, now()).unwrap().remove(0);
    let issued = api_token::issue(TokenKind::Personal, org.as_str()).unwrap();
    let new = NewApiToken {
        token_hash: &issued.hash,
        kind: TokenKind::Personal,
        user: &attorney,
        name: "case sync",
        scope: TokenScope::Write,
        expires_at: None,
    };
    store.create_api_token(&new, None, now()).unwrap();
    (store, Actor::of(&attorney), case, issued.hash)
}

/// The actions of the organisation's audit trail after the first `skip` entries.
fn actions_after(store: &Store, actor: &Actor, skip: usize) -> Vec<String> {
    store.audit_log(Some(&actor.org)).unwrap().into_iter().skip(skip).map(|e| e.action).collect()
}

fn a_write_records_its_token_use_in_its_own_commit(db: &TestDatabase) {
    let (store, actor, case, hash) = with_a_case_and_a_token(db, "deferred");
    let before = store.audit_log(Some(&actor.org)).unwrap().len();
    let later = now() + Duration::minutes(5);
    let (used, deferred) = store
        .present_api_token_for_write(&actor.org, &hash, "POST", "/api/v1/cases/x/events", later)
        .unwrap()
        .unwrap();
    assert_eq!(used.user.id, actor.user);
    // Checked, not yet recorded.
    assert_eq!(store.audit_log(Some(&actor.org)).unwrap().len(), before);
    assert_eq!(store.api_tokens(&actor.org).unwrap()[0].last_used_at, None);

    let recorded = event(serde_json::json!({ "id": "w1", "type": "i94_checked", "on": "2026-02-20" }));
    let (version, unspent) = store.with_deferred_token_use(deferred.unwrap(), |store| {
        store.append_event_as(&actor, &case, 1, &recorded, later)
    });
    assert_eq!(version.unwrap(), 2);
    assert!(unspent.is_none(), "the write recorded the use");
    // The use and the event, one after the other on the chain, from the one transaction.
    assert_eq!(actions_after(&store, &actor, before), ["api_token.used", "event.recorded"]);
    assert_eq!(store.api_tokens(&actor.org).unwrap()[0].last_used_at, Some(later));
    assert!(store.verify_audit().unwrap().iter().all(|c| c.outcome.is_ok()));
}

fn a_refused_write_leaves_its_token_use_to_be_recorded_alone(db: &TestDatabase) {
    let (store, actor, case, hash) = with_a_case_and_a_token(db, "conflict");
    let before = store.audit_log(Some(&actor.org)).unwrap().len();
    let (_, deferred) =
        store.present_api_token_for_write(&actor.org, &hash, "POST", "/api/v1/x", now()).unwrap().unwrap();
    let recorded = event(serde_json::json!({ "id": "w1", "type": "i94_checked", "on": "2026-02-20" }));
    // Based on a version the case is not at: refused, and the use rolled back with the write.
    let (refused, unspent) = store.with_deferred_token_use(deferred.unwrap(), |store| {
        store.append_event_as(&actor, &case, 7, &recorded, now())
    });
    assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
    assert!(actions_after(&store, &actor, before).is_empty());
    assert_eq!(store.api_tokens(&actor.org).unwrap()[0].last_used_at, None);

    // Handed back, it is recorded on its own: every use is audited, written or not.
    assert_eq!(store.record_token_use(unspent.unwrap()).unwrap(), Ok(()));
    assert_eq!(actions_after(&store, &actor, before), ["api_token.used"]);
    assert_eq!(store.api_tokens(&actor.org).unwrap()[0].last_used_at, Some(now()));
}

fn a_token_revoked_before_the_write_commits_refuses_the_write(db: &TestDatabase) {
    let (store, actor, case, hash) = with_a_case_and_a_token(db, "revoked");
    let (_, deferred) =
        store.present_api_token_for_write(&actor.org, &hash, "POST", "/api/v1/x", now()).unwrap().unwrap();
    let token = store.api_tokens(&actor.org).unwrap().remove(0);
    assert!(store.revoke_api_token(&actor.org, &token.id, None, None, now()).unwrap());
    let before = store.audit_log(Some(&actor.org)).unwrap().len();

    let recorded = event(serde_json::json!({ "id": "w1", "type": "i94_checked", "on": "2026-02-20" }));
    let (refused, unspent) = store.with_deferred_token_use(deferred.unwrap(), |store| {
        store.append_event_as(&actor, &case, 1, &recorded, now())
    });
    assert!(matches!(refused, Err(StoreError::TokenRevoked)), "{refused:?}");
    assert_eq!(store.case(&actor.org, &case).unwrap().unwrap().version, 1, "nothing was written");
    assert!(actions_after(&store, &actor, before).is_empty());
    // The use then recorded on its own is the refusal.
    assert_eq!(store.record_token_use(unspent.unwrap()).unwrap(), Err(TokenRefusal::Revoked));
    assert_eq!(actions_after(&store, &actor, before), ["api_token.refused"]);
    assert!(store.verify_audit().unwrap().iter().all(|c| c.outcome.is_ok()));
}

fn a_write_stamps_its_tokens_last_use_after_its_commit_at_most_once_a_minute(db: &TestDatabase) {
    let (store, actor, case, hash) = with_a_case_and_a_token(db, "stamped");
    let before = store.audit_log(Some(&actor.org)).unwrap().len();
    let write_at = |version: i64, id: &str, at| {
        let (_, deferred) =
            store.present_api_token_for_write(&actor.org, &hash, "POST", "/api/v1/x", at).unwrap().unwrap();
        let recorded = event(serde_json::json!({ "id": id, "type": "i94_checked", "on": "2026-02-20" }));
        let (written, unspent) = store.with_deferred_token_use(deferred.unwrap(), |store| {
            store.append_event_as(&actor, &case, version, &recorded, at)
        });
        written.unwrap();
        assert!(unspent.is_none(), "the write recorded the use");
        store.api_tokens(&actor.org).unwrap()[0].last_used_at
    };
    let first = now() + Duration::minutes(5);
    assert_eq!(write_at(1, "w1", first), Some(first), "never used: stamped");
    let soon = first + Duration::seconds(30);
    assert_eq!(write_at(2, "w2", soon), Some(first), "used within the minute: left as it was");
    let later = first + Duration::minutes(2);
    assert_eq!(write_at(3, "w3", later), Some(later), "a minute on: stamped again");
    // Every use is audited all the same, each with its write.
    let used = actions_after(&store, &actor, before).iter().filter(|a| *a == "api_token.used").count();
    assert_eq!(used, 3);
}
