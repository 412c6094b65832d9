//! The TOTP second factor through the router in process (its clock fixed, so codes are those of
//! that time), on both backends: administrators must set one up before anything else; a sign-in
//! with a factor needs a right, unused code; guessing codes is throttled; the organisation can
//! require a factor of everyone; an administrator (or the operator, on the command line) removes a
//! lost one; a password of 8 characters is enough with it.

use crate::support::{PASSWORD, RouterApp, amparo, hidden_field, unix_now};
use amparo_store::testing::TestDatabase;
use amparo_trust::totp::TotpSecret;

amparo_store::on_both_backends!(
    an_administrator_sets_up_a_factor_before_anything_else,
    a_sign_in_with_a_factor_needs_a_right_unused_code,
    guessing_codes_is_throttled,
    the_organisation_can_require_a_factor_of_everyone,
    a_lost_factor_is_removed_by_an_administrator_or_the_operator,
    with_a_factor_eight_characters_are_enough,
);

const ADMIN: &str = "ada@a.example.org";
const ATTORNEY: &str = "ana@a.example.org";

fn add_admin(db: &TestDatabase) {
    let args = ["user", "add", "--org", "clinic-a", "--email", ADMIN, "--name", "Ada", "--role", "admin"];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
}

/// Types the password only; returns the session cookie and where the server sends the browser.
fn password_step(app: &RouterApp, email: &str) -> (String, String) {
    let form = app.get("/login", "");
    let login_cookie = form.cookie("amparo_login_csrf").unwrap();
    let csrf = hidden_field(&form.body, "csrf");
    let reply = app.post_form(
        "/login",
        &format!("amparo_login_csrf={login_cookie}"),
        &[("csrf", &csrf), ("next", "/cases"), ("email", email), ("password", PASSWORD)],
    );
    assert_eq!(reply.status, 303, "{}", reply.body);
    let session = format!("amparo_session={}", reply.cookie("amparo_session").unwrap());
    (session, reply.header("location").unwrap().to_owned())
}

/// A wrong code for `secret` now: one from far in the past.
fn stale_code(secret: &str) -> String {
    let secret = TotpSecret::from_base32(secret).unwrap();
    secret.code_at_step(TotpSecret::step_at(unix_now()) - 100)
}

fn audit_actions(app: &RouterApp, admin: &str) -> Vec<String> {
    let export = app.get("/api/v1/audit", admin).json();
    export["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

fn an_administrator_sets_up_a_factor_before_anything_else(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_admin(db);
    let (session, location) = password_step(&app, ADMIN);
    assert_eq!(location, "/account/security?required=1&next=/cases");

    // Until a factor is set up, pages lead to the security page and the API refuses.
    let blocked = app.get("/calendar?month=2026-04", &session);
    assert_eq!(blocked.status, 303);
    let to = "/account/security?required=1&next=/calendar%3Fmonth%3D2026-04";
    assert_eq!(blocked.header("location"), Some(to), "where the person was going is kept");
    let kept = app.get(to, &session).body;
    assert!(kept.contains("name=\"next\" value=\"/calendar?month=2026-04\""), "{kept}");
    let api = app.get("/api/v1/cases", &session);
    assert_eq!(api.status, 403);
    assert_eq!(api.json()["error"], "second_factor_required");

    let page = app.get("/account/security", &session);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"must-enrol\""));
    assert!(page.body.contains("<svg"), "a QR code");
    let secret: String = crate::support::element_text(&page.body, "totp-secret").split_whitespace().collect();
    assert!(TotpSecret::from_base32(&secret).is_ok(), "the key shown is base32: {secret}");
    // Reloading keeps the same key: the person may have scanned it already.
    let again = app.get("/account/security", &session);
    assert!(again.body.contains(&crate::support::element_text(&page.body, "totp-secret")));

    let csrf = hidden_field(&page.body, "csrf");
    let refused = app.post_form(
        "/account/security/confirm",
        &session,
        &[("csrf", &csrf), ("code", &stale_code(&secret))],
    );
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("That code is not right"), "{}", refused.body);
    assert_eq!(app.get("/cases", &session).status, 303, "still not set up");

    // The helper types the right code, as the person would; the session is replaced.
    let enrolled = app.enrol(ADMIN, &session);
    assert_ne!(enrolled, session);
    assert_eq!(app.get("/cases", &enrolled).status, 200);
    let old = app.get("/cases", &session);
    assert_eq!(old.status, 303);
    assert!(
        old.header("location").unwrap().starts_with("/login"),
        "the token from before the factor is dead"
    );
    assert!(app.get("/account/security?enrolled=1", &enrolled).body.contains("Your second factor is set up"));
    assert!(audit_actions(&app, &enrolled).contains(&"second_factor.enrolled".to_owned()));
}

fn a_sign_in_with_a_factor_needs_a_right_unused_code(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_admin(db);
    let (admin, _) = app.sign_in(ADMIN, PASSWORD);
    let secret = app.authenticator(ADMIN).unwrap().secret;
    let used_step = app.authenticator(ADMIN).unwrap().last_step;

    let (pending, location) = password_step(&app, ADMIN);
    assert_eq!(location, "/login/second-factor?next=/cases");
    // The pending session opens nothing.
    let page = app.get("/cases", &pending);
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), Some("/login/second-factor?next=/cases"));
    assert_eq!(app.get("/api/v1/cases", &pending).status, 401);

    let form = app.get("/login/second-factor", &pending);
    assert_eq!(form.status, 200);
    let csrf = hidden_field(&form.body, "csrf");
    let wrong =
        app.post_form("/login/second-factor", &pending, &[("csrf", &csrf), ("code", &stale_code(&secret))]);
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("That code is not right"));

    // The code that set the factor up is spent: it does not sign in again.
    let replay = TotpSecret::from_base32(&secret).unwrap().code_at_step(used_step);
    let replayed = app.post_form("/login/second-factor", &pending, &[("csrf", &csrf), ("code", &replay)]);
    assert_eq!(replayed.status, 401, "a used code is refused");
    assert!(
        replayed.body.contains("already used") || replayed.body.contains("not right"),
        "{}",
        replayed.body
    );

    let forged = app.post_form("/login/second-factor", &pending, &[("csrf", "forged"), ("code", "123456")]);
    assert_eq!(forged.status, 403, "the form is CSRF-protected");

    let code = app.next_code(ADMIN);
    let done = app.post_form(
        "/login/second-factor",
        &pending,
        &[("csrf", &csrf), ("code", &code), ("next", "/cases")],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location"), Some("/cases"));
    let signed_in = format!("amparo_session={}", done.cookie("amparo_session").unwrap());
    assert_eq!(app.get("/cases", &signed_in).status, 200);
    assert_eq!(app.get("/cases", &pending).status, 303, "the pending token was replaced");
    // The earlier session, signed in with a code, goes on.
    assert_eq!(app.get("/cases", &admin).status, 200);
}

fn guessing_codes_is_throttled(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_admin(db);
    app.sign_in(ADMIN, PASSWORD);
    let secret = app.authenticator(ADMIN).unwrap().secret;
    let (pending, _) = password_step(&app, ADMIN);
    let csrf = hidden_field(&app.get("/login/second-factor", &pending).body, "csrf");
    let wrong = stale_code(&secret);
    for _ in 0..5 {
        let reply = app.post_form("/login/second-factor", &pending, &[("csrf", &csrf), ("code", &wrong)]);
        assert_eq!(reply.status, 401);
    }
    // Now even the right code is refused, and typing the password again buys no new guesses.
    let right = app.next_code(ADMIN);
    let throttled = app.post_form("/login/second-factor", &pending, &[("csrf", &csrf), ("code", &right)]);
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    let form = app.get("/login", "");
    let login_cookie = form.cookie("amparo_login_csrf").unwrap();
    let again = app.post_form(
        "/login",
        &format!("amparo_login_csrf={login_cookie}"),
        &[("csrf", &hidden_field(&form.body, "csrf")), ("email", ADMIN), ("password", PASSWORD)],
    );
    assert_eq!(again.status, 429, "the account stays throttled");
}

fn the_organisation_can_require_a_factor_of_everyone(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_admin(db);
    let (admin, admin_csrf) = app.sign_in(ADMIN, PASSWORD);
    let (attorney, _) = app.sign_in(ATTORNEY, PASSWORD);
    assert!(app.authenticator(ATTORNEY).is_none(), "an attorney needs no factor by default");
    assert_eq!(app.get("/cases", &attorney).status, 200);

    let settings = app.get("/settings", &admin);
    assert!(settings.body.contains("id=\"second-factor-everyone\""));
    assert!(
        !settings
            .body
            .contains("name=\"required\" value=\"on\" aria-describedby=\"second-factor-hint\" checked")
    );
    let saved =
        app.post_form("/settings/second-factor", &admin, &[("csrf", &admin_csrf), ("required", "on")]);
    assert_eq!(saved.status, 303);
    assert!(app.get("/settings", &admin).body.contains("aria-describedby=\"second-factor-hint\" checked"));

    // The attorney's open session is held until they set one up.
    let held = app.get("/cases", &attorney);
    assert_eq!(held.status, 303);
    assert_eq!(held.header("location"), Some("/account/security?required=1&next=/cases"));
    let (_, location) = password_step(&app, ATTORNEY);
    assert!(location.starts_with("/account/security?required=1"), "{location}");
    let enrolled = app.enrol(ATTORNEY, &attorney);
    assert_eq!(app.get("/cases", &enrolled).status, 200);
    assert!(audit_actions(&app, &admin).contains(&"organisation.second_factor_requirement".to_owned()));

    // A clinician without one, signed in later, sets one up first too.
    let args = [
        "user",
        "add",
        "--org",
        "clinic-a",
        "--email",
        "dr@a.example.org",
        "--name",
        "Dr",
        "--role",
        "clinician",
    ];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
    let (_, location) = password_step(&app, "dr@a.example.org");
    assert!(location.starts_with("/account/security?required=1"), "{location}");
}

fn a_lost_factor_is_removed_by_an_administrator_or_the_operator(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_admin(db);
    let (admin, admin_csrf) = app.sign_in(ADMIN, PASSWORD);
    // The attorney sets one up of their own accord, then loses their phone.
    let (attorney, _) = app.sign_in(ATTORNEY, PASSWORD);
    let attorney = app.enrol(ATTORNEY, &attorney);
    let (_, location) = password_step(&app, ATTORNEY);
    assert!(location.starts_with("/login/second-factor"));

    let attorney_id = user_id(db, ATTORNEY);
    let reset = app.post_json(
        &format!("/api/v1/users/{attorney_id}/second-factor/reset"),
        &admin,
        &admin_csrf,
        &serde_json::json!({}),
    );
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(reset.json()["removed"], true);
    assert_eq!(app.get("/cases", &attorney).status, 303, "their sessions ended");
    let (session, location) = password_step(&app, ATTORNEY);
    assert_eq!(location, "/cases", "no factor asked of an attorney any more");
    assert_eq!(app.get("/cases", &session).status, 200);
    assert!(audit_actions(&app, &admin).contains(&"second_factor.reset".to_owned()));

    // The only administrator loses theirs: the operator removes it on the command line.
    let out = amparo(db, &["user", "reset-second-factor", "--email", ADMIN], None);
    assert!(out.contains("removed the second factor"), "{out}");
    assert_eq!(app.get("/cases", &admin).status, 303, "the administrator's sessions ended");
    let (_, location) = password_step(&app, ADMIN);
    assert!(location.starts_with("/account/security?required=1"), "they set up a new one: {location}");
}

/// A user's id, read from the database as the operator could.
fn user_id(db: &TestDatabase, email: &str) -> String {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    store.users(&org.id).unwrap().into_iter().find(|u| u.email == email).unwrap().id.as_str().to_owned()
}

/// Issues a reset link for `email` and sets `password` through it; returns the form page's minimum
/// length and the reply to the new password.
fn reset_password(
    app: &RouterApp,
    db: &TestDatabase,
    (admin, csrf): (&str, &str),
    email: &str,
    password: &str,
) -> (String, crate::support::Reply) {
    let issued = app.post_json(
        &format!("/api/v1/users/{}/password-reset", user_id(db, email)),
        admin,
        csrf,
        &serde_json::json!({}),
    );
    assert_eq!(issued.status, 200, "{}", issued.body);
    let link = issued.json()["link"].as_str().unwrap().to_owned();
    let form = app.get(&link, "");
    let min = form.body.split("minlength=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let cookie = format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let form_csrf = hidden_field(&form.body, "csrf");
    let reply =
        app.post_form(&link, &cookie, &[("csrf", &form_csrf), ("password", password), ("confirm", password)]);
    (min, reply)
}

fn with_a_factor_eight_characters_are_enough(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_admin(db);
    let (admin, admin_csrf) = app.sign_in(ADMIN, PASSWORD);
    let (attorney, _) = app.sign_in(ATTORNEY, PASSWORD);
    app.enrol(ATTORNEY, &attorney);
    let short = "ocelot-9";

    let (min, done) = reset_password(&app, db, (&admin, &admin_csrf), ATTORNEY, short);
    assert_eq!(min, "8");
    assert_eq!(done.status, 303, "{}", done.body);

    // Without a factor, the same password is too short.
    let args = [
        "user",
        "add",
        "--org",
        "clinic-a",
        "--email",
        "cy@a.example.org",
        "--name",
        "Cy",
        "--role",
        "advocate",
    ];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
    let (min, refused) = reset_password(&app, db, (&admin, &admin_csrf), "cy@a.example.org", short);
    assert_eq!(min, "15");
    assert_eq!(refused.status, 422, "{}", refused.body);
}
