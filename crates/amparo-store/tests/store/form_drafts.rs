//! Forms kept across a new sign-in, on both backends: bound to one account, handed back once, gone
//! when expired (on read and by the daily pass).

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::{KeptForm, NewFormDraft};
use chrono::Duration;

use crate::support::{new_user, now, org};

amparo_store::on_both_backends!(a_kept_form_is_its_owners_once_and_expires);

fn form() -> KeptForm {
    KeptForm {
        action: "/cases/new".into(),
        fields: vec![("reference".into(), "KEPT-9".into()), ("person-0-given_name".into(), "Nina".into())],
    }
}

fn a_kept_form_is_its_owners_once_and_expires(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "drafts");
    let ana = store.create_user(&org, &new_user("ana@example.org", UserRole::Attorney), now()).unwrap();
    let bo = store.create_user(&org, &new_user("bo@example.org", UserRole::Advocate), now()).unwrap();
    let form = form();
    let keep = |hash: &str, owner: Option<&amparo_store::User>| {
        let owner = owner.map(|u| (&u.org_id, &u.id));
        let draft =
            NewFormDraft { token_hash: hash, owner, form: &form, expires_at: now() + Duration::minutes(30) };
        store.keep_form_draft(&draft, now()).unwrap();
    };
    let any_page = |_: &str| true;

    // Kept without a session: the first to sign in there owns it; another page leaves it waiting.
    keep("h1", None);
    assert!(store.claim_form_draft("h1", &ana, now()).unwrap());
    assert_eq!(store.take_form_draft("h1", &ana, |a| a == "/cases/other", now()).unwrap(), None);
    assert_eq!(store.take_form_draft("h1", &ana, any_page, now()).unwrap(), Some(form.clone()));
    assert_eq!(store.take_form_draft("h1", &ana, any_page, now()).unwrap(), None, "handed back once");

    // Kept for Ana: Bo signing in there discards it, and it is gone for Ana too.
    keep("h2", Some(&ana));
    assert!(!store.claim_form_draft("h2", &bo, now()).unwrap());
    assert!(!store.claim_form_draft("h2", &ana, now()).unwrap());
    assert_eq!(store.take_form_draft("h2", &ana, any_page, now()).unwrap(), None);

    // Bo reading Ana's form (without a sign-in claiming it) gets nothing, and it is dropped.
    keep("h3", Some(&ana));
    assert_eq!(store.take_form_draft("h3", &bo, any_page, now()).unwrap(), None);
    assert_eq!(store.take_form_draft("h3", &ana, any_page, now()).unwrap(), None);

    // Past its half hour: gone on read, and the daily pass deletes those never read.
    keep("h4", Some(&ana));
    let late = now() + Duration::minutes(31);
    assert_eq!(store.take_form_draft("h4", &ana, any_page, late).unwrap(), None);
    keep("h5", Some(&ana));
    keep("h6", None);
    assert_eq!(store.delete_expired_form_drafts(now()).unwrap(), 0);
    assert_eq!(store.delete_expired_form_drafts(late).unwrap(), 2);
    assert!(!store.claim_form_draft("h5", &ana, now()).unwrap());
}
