//! Finding 8 (sign-in lockout of everyone behind a proxy), on both backends through the router in
//! process, whose requests all come from one peer address as they would from a reverse proxy:
//! failures from that address slow it down but never shut out a person signing in from a browser
//! they used before, and `X-Forwarded-For` is believed only from `trusted_proxies`.

use amparo_store::testing::TestDatabase;
use amparo_web::TrustedProxies;

use crate::support::site::{Request, Transport as _, form_encode};
use crate::support::{PASSWORD, RouterApp, hidden_field};

amparo_store::on_both_backends!(
    finding_8_failures_from_one_proxy_address_do_not_block_a_known_device,
    finding_8_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored,
);

/// One sign-in attempt with a fresh form; `extra` headers (a device cookie, forwarding headers).
fn attempt(
    app: &RouterApp,
    email: &str,
    password: &str,
    cookie: &str,
    extra: &[(&str, &str)],
) -> crate::support::Reply {
    let form = app.get("/login", "");
    let login = format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let cookies = if cookie.is_empty() { login } else { format!("{login}; {cookie}") };
    let csrf = hidden_field(&form.body, "csrf");
    let mut headers = vec![("cookie", cookies.as_str())];
    headers.extend_from_slice(extra);
    let body = form_encode(&[("csrf", &csrf), ("email", email), ("password", password)]);
    app.transport.send(Request {
        method: "POST",
        path: "/login",
        headers,
        body: Some(("application/x-www-form-urlencoded", body)),
    })
}

fn finding_8_failures_from_one_proxy_address_do_not_block_a_known_device(db: &TestDatabase) {
    let app = RouterApp::start(db);
    // Ana signed in from this browser before: it holds a device cookie.
    let first = attempt(&app, "ana@a.example.org", PASSWORD, "", &[]);
    assert_eq!(first.status, 303, "{}", first.body);
    let device = format!("amparo_device={}", first.cookie("amparo_device").expect("a device cookie"));

    // 50 failures from the proxy's one address, five of them at Ana's own account.
    let mut statuses = Vec::new();
    for n in 0..50 {
        let email = if n < 5 { "ana@a.example.org".to_owned() } else { format!("person{n}@a.example.org") };
        statuses.push(attempt(&app, &email, "a wrong password", "", &[]).status);
    }
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    assert!(statuses.contains(&429), "the address was slowed down: {statuses:?}");

    // Ana, from her browser, gets in: neither her account's failures nor the address's count for it.
    let known = attempt(&app, "ana@a.example.org", PASSWORD, &device, &[]);
    assert_eq!(known.status, 303, "{}", known.body);
    assert!(known.cookie("amparo_session").is_some());

    // Someone else behind the same proxy, on a new browser, is made to wait, not shut out.
    let stranger = attempt(&app, "bo@b.example.org", PASSWORD, "", &[]);
    assert_eq!(stranger.status, 429, "{}", stranger.body);
    let wait: i64 = stranger.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "a wait of seconds, not a lockout: {wait}");

    // A forged or foreign device cookie is no key: Ana's account stays locked for it.
    let forged = attempt(&app, "ana@a.example.org", PASSWORD, "amparo_device=00ff", &[]);
    assert_eq!(forged.status, 429, "{}", forged.body);
}

fn finding_8_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(db: &TestDatabase) {
    // No trusted proxies: every attempt is the peer's, whatever it claims.
    let app = RouterApp::start(db);
    for n in 0..10 {
        let spoofed = format!("198.51.100.{n}");
        let reply =
            attempt(&app, &format!("p{n}@a.example.org"), "wrong", "", &[("x-forwarded-for", &spoofed)]);
        assert_eq!(reply.status, 401);
    }
    let spoofed = attempt(&app, "p10@a.example.org", "wrong", "", &[("x-forwarded-for", "198.51.100.99")]);
    assert_eq!(spoofed.status, 429, "a made-up address does not escape the peer's count");

    // With the peer trusted as a proxy, the address it reports is the client's: the rightmost one
    // that is not a proxy, not what the client wrote at the left.
    let proxied =
        RouterApp::configured(db.store(), tempfile::tempdir().unwrap(), app.transport.now, |state| {
            state.with_trusted_proxies(TrustedProxies::parse(&["127.0.0.1/32".to_owned()]).unwrap())
        });
    for n in 0..10 {
        let chain = format!("203.0.113.{n}, 192.0.2.44");
        assert_eq!(behind_proxy(&proxied, &format!("q{n}@a.example.org"), &chain), 401);
    }
    assert_eq!(
        behind_proxy(&proxied, "q10@a.example.org", "203.0.113.250, 192.0.2.44"),
        429,
        "one client, however it varies the left"
    );
    assert_eq!(
        behind_proxy(&proxied, "q11@a.example.org", "192.0.2.45"),
        401,
        "another client behind the proxy is not slowed"
    );
}

/// A wrong password for `email` from behind the proxy, with this `X-Forwarded-For` chain.
fn behind_proxy(app: &RouterApp, email: &str, chain: &str) -> u16 {
    attempt(app, email, "wrong", "", &[("x-forwarded-for", chain)]).status
}
