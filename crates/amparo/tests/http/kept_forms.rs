//! A form sent after its session ended comes back after a new sign-in, filled in and not sent: the
//! intake with no session at all (the cookie gone), the event form of a session that timed out. It is
//! kept sealed, for its own person only (another account signing in discards it), once, and only when
//! this site's page sent it; what was typed reaches no log.

use amparo_store::testing::TestDatabase;

use crate::support::{PASSWORD, Reply, RouterApp, add_user, hidden_field};

/// The browser's header for a form its own site's page sent.
const SAME_SITE: &[(&str, &str)] = &[("sec-fetch-site", "same-origin")];

amparo_store::on_both_backends!(
    an_intake_sent_without_a_session_returns_filled_after_signing_in,
    a_form_is_kept_only_for_the_person_whose_session_ended,
);

/// Signs in through the form from a browser holding `cookies` (the kept form's); the session cookie.
fn sign_in_with(app: &RouterApp, email: &str, next: &str, cookies: &str) -> String {
    let form = app.get(&format!("/login?next={next}"), cookies);
    let login = format!("{cookies}; amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let csrf = hidden_field(&form.body, "csrf");
    let fields = [("csrf", csrf.as_str()), ("next", next), ("email", email), ("password", PASSWORD)];
    let reply = app.post_form("/login", &login, &fields);
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(reply.header("location"), Some(next), "back to the form's page");
    format!("amparo_session={}", reply.cookie("amparo_session").unwrap())
}

/// The kept form's cookie, from the reply that kept it.
fn kept_cookie(reply: &Reply) -> String {
    format!("amparo_kept_form={}", reply.cookie("amparo_kept_form").expect("a kept form's cookie"))
}

/// The stored fields of every kept form, as the SQLite file holds them (none on PostgreSQL).
fn stored_drafts(db: &TestDatabase) -> Option<Vec<String>> {
    let path = db.sqlite_path()?;
    let connection = rusqlite::Connection::open(path).unwrap();
    let mut statement = connection.prepare("SELECT fields FROM form_drafts").unwrap();
    let rows = statement.query_map([], |row| row.get::<_, String>(0)).unwrap();
    Some(rows.map(Result::unwrap).collect())
}

fn an_intake_sent_without_a_session_returns_filled_after_signing_in(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let intake = [
        ("csrf", csrf.as_str()),
        ("people", "1"),
        ("events", "1"),
        ("reference", "KEPT-1"),
        ("person-0-given_name", "Lucía"),
        ("person-0-family_name", "Ejemplo"),
        ("person-0-a_number", "A012345678"),
    ];
    // Sent from another site, it is not kept: only a sign-in is asked for.
    let forged = app.post_form("/cases/new", "", &intake);
    assert_eq!(forged.status, 303);
    assert_eq!(forged.header("location"), Some("/login?next=/cases/new"));
    assert!(forged.set_cookie("amparo_kept_form").is_none());

    // The session cookie is gone (signed out elsewhere, or the browser dropped it): kept.
    let sent = app.post_form_with("/cases/new", "", &intake, SAME_SITE);
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.header("location"), Some("/login?next=/cases/new&kept=1"));
    let kept = kept_cookie(&sent);
    assert!(sent.set_cookie("amparo_kept_form").unwrap().contains("HttpOnly"));
    // Sealed at rest: nothing typed is in the database file.
    if let Some(drafts) = stored_drafts(db) {
        assert_eq!(drafts.len(), 1);
        assert!(drafts[0].starts_with("enc:"), "sealed");
        for typed in ["Lucía", "Ejemplo", "A012345678", "KEPT-1"] {
            assert!(!drafts[0].contains(typed), "{typed} stored in clear");
        }
    }
    // The sign-in page says why, in the person's language.
    let asked = app.get("/login?next=/cases/new&kept=1", "");
    assert!(asked.body.contains("Your session ended, so your form was not sent"), "{}", asked.body);
    let spanish = app.get_with("/login?next=/cases/new&kept=1", "", &[("accept-language", "es")]);
    assert!(spanish.body.contains("Su sesión terminó"), "{}", spanish.body);

    let signed_in = sign_in_with(&app, "ana@a.example.org", "/cases/new", &kept);
    let back = app.get("/cases/new", &format!("{signed_in}; {kept}"));
    assert_eq!(back.status, 200, "{}", back.body);
    assert!(back.body.contains("id=\"kept-form\""), "the page says the form was kept");
    assert!(back.body.contains("value=\"Lucía\"") && back.body.contains("value=\"A012345678\""));
    assert!(back.body.contains("value=\"KEPT-1\""));
    // Filled, not sent: no case was made; the new session's token is in the form, not the old one.
    assert_eq!(app.get("/api/v1/cases?q=KEPT-1", &signed_in).json()["total"], 0);
    assert_ne!(hidden_field(&back.body, "csrf"), csrf);
    assert!(back.set_cookie("amparo_kept_form").unwrap().contains("Max-Age=0"), "the cookie is dropped");
    // Once: the next visit starts empty.
    let again = app.get("/cases/new", &format!("{signed_in}; {kept}"));
    assert!(!again.body.contains("value=\"Lucía\""));
    if let Some(drafts) = stored_drafts(db) {
        assert!(drafts.is_empty(), "handed back once, then deleted");
    }
    // The session of before was never used for the form: it still works, unchanged.
    assert_eq!(app.get("/cases", &session).status, 200);
}

fn a_form_is_kept_only_for_the_person_whose_session_ended(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "advocate@a.example.org", "Advocate", "advocate");
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case, version) = app.case_id(&session, "A-1");
    // The same database an hour later: the session has timed out.
    let later =
        RouterApp::at(db, tempfile::tempdir().unwrap(), app.transport.now + chrono::Duration::hours(1));
    let version = version.to_string();
    let event = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("ev-type", "fee_paid"),
        ("ev-on", "2026-03-02"),
        ("ev-note", "paid at the counter"),
    ];
    let events = format!("/cases/{case}/events");
    // With a token that is not the session's, nothing is kept.
    let mut forged = event;
    forged[0] = ("csrf", "not-the-token");
    let refused = later.post_form(&events, &session, &forged);
    assert_eq!(refused.status, 303);
    assert!(refused.set_cookie("amparo_kept_form").is_none());

    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let event = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("ev-type", "fee_paid"),
        ("ev-on", "2026-03-02"),
        ("ev-note", "paid at the counter"),
    ];
    let sent = later.post_form(&events, &session, &event);
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.header("location"), Some(format!("/login?next=/cases/{case}&kept=1").as_str()));
    let kept = kept_cookie(&sent);

    // Someone else signs in at that browser: the form is discarded, never shown to them.
    let page = format!("/cases/{case}");
    let other = sign_in_with(&later, "advocate@a.example.org", &page, &kept);
    let theirs = later.get(&page, &format!("{other}; {kept}"));
    assert_eq!(theirs.status, 200);
    assert!(!theirs.body.contains("paid at the counter"), "another account never sees the form");
    let owner = sign_in_with(&later, "ana@a.example.org", &page, &kept);
    assert!(!later.get(&page, &format!("{owner}; {kept}")).body.contains("paid at the counter"));

    // Kept again and fetched by its own person: the event form is filled, nothing recorded yet.
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let event = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("ev-type", "fee_paid"),
        ("ev-on", "2026-03-02"),
        ("ev-note", "paid at the counter"),
    ];
    let kept = kept_cookie(&later.post_form(&events, &session, &event));
    let owner = sign_in_with(&later, "ana@a.example.org", &page, &kept);
    let back = later.get(&page, &format!("{owner}; {kept}"));
    assert!(back.body.contains("id=\"kept-form\""), "{}", back.body);
    assert!(
        back.body.contains("value=\"paid at the counter\"") && back.body.contains("value=\"2026-03-02\"")
    );
    assert!(back.body.contains("<option value=\"fee_paid\" selected>"));
    let events_now = later.get(&format!("/api/v1/cases/{case}"), &owner).json()["file"]["events"].clone();
    assert_eq!(events_now.as_array().unwrap().len(), 2, "nothing was recorded for them");
    // Its return is in the audit trail.
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let query = amparo_store::AuditQuery {
        action: Some("form.restored".into()),
        limit: 10,
        ..amparo_store::AuditQuery::default()
    };
    assert_eq!(store.audit_page(&org.id, &query).unwrap().entries.len(), 1);
}
