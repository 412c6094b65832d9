//! Attacks on signing in, on both backends, through the router in process: a burst of parallel
//! password guesses, which must get no more checks than the throttle's limit, and `next` values
//! that try to send a person to another site once signed in, or to break the redirect after a right
//! password.

use crate::support::site::{Request, form_encode};
use crate::support::{PASSWORD, RouterApp, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    sign_in_throttling_holds_against_parallel_guesses,
    next_after_sign_in_never_leaves_the_site,
);

/// The sign-in form's double-submit cookie and its token.
fn login_form(app: &RouterApp) -> (String, String) {
    let form = app.get("/login", "");
    (
        format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap()),
        hidden_field(&form.body, "csrf"),
    )
}

fn sign_in_throttling_holds_against_parallel_guesses(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (cookie, csrf) = login_form(&app);
    let guess = |n: usize| {
        let password = format!("wrong guess number {n}");
        let body = form_encode(&[("csrf", &csrf), ("email", "ana@a.example.org"), ("password", &password)]);
        Request {
            method: "POST",
            path: "/login",
            headers: vec![("cookie", cookie.as_str())],
            body: Some(("application/x-www-form-urlencoded", body)),
        }
    };
    let replies = app.transport.send_all((0..100).map(guess).collect());
    let refused = replies.iter().filter(|r| r.status == 401).count();
    let throttled = replies.iter().filter(|r| r.status == 429).count();
    // Each 401 is a password that was checked; a 429 is refused before the hash is computed.
    assert_eq!((refused, throttled), (5, 95), "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    assert_eq!(app.transport.throttle.attempts_granted(), 5, "passwords verified");
    // The right password after the burst is refused like any other attempt.
    let right = app.post_form(
        "/login",
        &cookie,
        &[("csrf", &csrf), ("email", "ana@a.example.org"), ("password", PASSWORD)],
    );
    assert_eq!(right.status, 429, "{}", right.body);
    assert!(right.set_cookie("amparo_session").is_none());
    assert_eq!(app.transport.throttle.attempts_granted(), 5);
}

fn next_after_sign_in_never_leaves_the_site(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let ana = store.users(&org.id).unwrap().into_iter().find(|u| u.email == "ana@a.example.org").unwrap();
    let (cookie, csrf) = login_form(&app);
    let payloads = [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "https:evil.example",
        "/\r/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: amparo_session=x",
        "/\0/evil.example",
        "/ /evil.example",
        "/%09/evil.example",
        "/%2F/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%0D%0ASet-Cookie:%20x=1",
        "/%00/evil.example",
    ];
    for payload in payloads {
        // The form shown for `/login?next=…` carries only a local path on.
        let encoded: String = form_encode(&[("next", payload)]);
        let form = app.get(&format!("/login?{encoded}"), "");
        assert_eq!(form.status, 200, "{payload:?}: {}", form.body);
        assert_eq!(hidden_field(&form.body, "next"), "/", "{payload:?}");
        let reply = app.post_form(
            "/login",
            &cookie,
            &[("csrf", &csrf), ("next", payload), ("email", "ana@a.example.org"), ("password", PASSWORD)],
        );
        let sessions = store.delete_sessions_of(&org.id, &ana.id).unwrap();
        assert_eq!((reply.status, reply.header("location")), (303, Some("/")), "{payload:?}: {}", reply.body);
        assert_eq!(sessions, 1, "{payload:?}: one session for one sign-in");
        // The language switch's `back` is held to the same rule.
        let switched =
            app.post_form("/language", &cookie, &[("csrf", &csrf), ("language", "es"), ("back", payload)]);
        assert_eq!((switched.status, switched.header("location")), (303, Some("/")), "back={payload:?}");
    }
    // A path of the site is followed, query and all.
    let reply = app.post_form(
        "/login",
        &cookie,
        &[("csrf", &csrf), ("next", "/cases?q=A-1"), ("email", "ana@a.example.org"), ("password", PASSWORD)],
    );
    assert_eq!(reply.header("location"), Some("/cases?q=A-1"));
}
