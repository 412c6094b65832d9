//! Finding 12 (password normalisation), on both backends through the sign-in form: a password is
//! one password however its accented letters were typed, and hashes made before passwords were
//! normalised keep working and are replaced by normalised ones.

use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::PasswordHash;

use crate::support::{RouterApp, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    finding_12_a_decomposed_password_signs_in_composed,
    finding_12_a_hash_of_the_raw_form_is_upgraded_at_sign_in,
);

/// "ñ" as one code point (what most keyboards send) and as "n" plus a combining tilde (what some
/// input methods and pasted text give).
const COMPOSED: &str = "mi contrase\u{f1}a de la monta\u{f1}a";
const DECOMPOSED: &str = "mi contrasen\u{303}a de la montan\u{303}a";
const EMAIL: &str = "ana@a.example.org";

fn org(db: &TestDatabase) -> amparo_store::Organisation {
    db.store().organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap()
}

fn stored_hash(db: &TestDatabase) -> String {
    db.store().credentials_by_email(EMAIL).unwrap().unwrap().password_hash
}

fn set_hash(db: &TestDatabase, hash: &str) {
    let store = db.store();
    let user = store.credentials_by_email(EMAIL).unwrap().unwrap().user;
    store.set_password(&org(db).id, &user.id, hash).unwrap();
}

/// Status and location of one sign-in attempt.
fn sign_in(app: &RouterApp, password: &str) -> u16 {
    let form = app.get("/login", "");
    let cookie = format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let csrf = hidden_field(&form.body, "csrf");
    app.post_form("/login", &cookie, &[("csrf", &csrf), ("email", EMAIL), ("password", password)]).status
}

fn finding_12_a_decomposed_password_signs_in_composed(db: &TestDatabase) {
    let app = RouterApp::start(db);
    set_hash(db, &amparo_web::hash_password(DECOMPOSED).unwrap());
    assert_eq!(sign_in(&app, COMPOSED), 303, "the composed form signs in");
    assert_eq!(sign_in(&app, DECOMPOSED), 303, "and so does the form it was set with");
    assert_eq!(sign_in(&app, "mi contrasena de la montana"), 401, "without the tilde it is another password");
}

/// A hash made before normalisation, of the decomposed text as typed: that text still signs in once,
/// the hash is replaced by one of the normalised form (so the composed form works from then on),
/// and the upgrade is logged without the password.
fn finding_12_a_hash_of_the_raw_form_is_upgraded_at_sign_in(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let legacy = PasswordHasher::<PasswordHash>::hash_password_with_salt(
        &argon2::Argon2::default(),
        DECOMPOSED.as_bytes(),
        &[9u8; 16],
    )
    .unwrap()
    .to_string();
    set_hash(db, &legacy);
    assert_eq!(sign_in(&app, COMPOSED), 401, "the old hash knows only the form typed then");
    assert_eq!(stored_hash(db), legacy, "a refused attempt changes nothing");

    assert_eq!(sign_in(&app, DECOMPOSED), 303);
    let upgraded = stored_hash(db);
    assert_ne!(upgraded, legacy, "the raw-form hash was replaced");
    assert_eq!(
        amparo_web::check_password(COMPOSED, &upgraded),
        amparo_web::PasswordMatch::Normalised,
        "the new hash is of the normalised form"
    );
    assert_eq!(sign_in(&app, COMPOSED), 303, "the composed form signs in after the upgrade");
    let log = app.server_log();
    assert!(log.contains("password hash upgraded to the normalised form"), "{log}");
    assert!(!log.contains("contrase"), "the password never reaches the log");
}
