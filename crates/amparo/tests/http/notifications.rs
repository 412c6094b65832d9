//! Notifications, calendar feeds and the family letter through a real HTTP client against the real
//! `amparo serve`, on both backends. Feeds are parsed by Python's `icalendar`, an independent parser.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{PASSWORD, TestApp, amparo, hidden_field};
use amparo_domain::org::UserRole;
use amparo_store::DeadlineQuery;
use amparo_store::testing::TestDatabase;

const SUPPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support");

/// The real time: the binary stamps notices with it and expires stale ones, so the test's own writes
/// must use it too.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Parses a feed with `icalendar`; `None` where Python lacks it (outside CI).
fn parse_ics(feed: &str) -> Option<serde_json::Value> {
    let ready = Command::new("python3").args(["-c", "import icalendar"]).status().is_ok_and(|s| s.success());
    if !ready {
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "CI=true but python3 lacks icalendar");
        eprintln!("feed parsing skipped: pip install icalendar");
        return None;
    }
    let mut child = Command::new("python3")
        .arg(format!("{SUPPORT}/ics_events.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(feed.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "icalendar refused the feed: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// Puts the attorney of clinic A on case A-1 and writes the day's notices for the day the parole of
/// A-1 ends in 30 days.
fn staff_and_notify(db: &TestDatabase) {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let ana = store.users(&org).unwrap().remove(0).id;
    let case = store.case_references(&org).unwrap().remove(0).0;
    store.assign(&org, &case, UserRole::Attorney, Some(&ana), wall_clock()).unwrap();
    let query = DeadlineQuery {
        from: "2000-01-01".parse().unwrap(),
        to: "2100-01-01".parse().unwrap(),
        kind: Some("parole_ends".into()),
    };
    let due = store.deadlines_due(&org, &query).unwrap()[0].due;
    amparo(db, &["notify", "daily", "--org", "clinic-a", "--today", &due.add_days(-30).to_string()], None);
}

amparo_store::on_both_backends!(
    notifications_are_listed_counted_and_marked_read_by_their_owner,
    calendar_feeds_parse_keep_their_uids_and_die_when_revoked,
    the_family_letter_is_plain_and_in_the_familys_language,
);

fn notifications_are_listed_counted_and_marked_read_by_their_owner(db: &TestDatabase) {
    let app = TestApp::start(db);
    staff_and_notify(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let list = app.get("/api/v1/notifications", &session).json();
    let unread = list["unread"].as_i64().unwrap();
    assert!(unread >= 1, "{list}");
    assert_eq!(list["email_configured"], false);
    let items = list["items"].as_array().unwrap();
    // The parole end's 30-day reminder; under us-parole/2027.1 other deadlines of the case (the
    // asylum one-year date, the I-94 check) may be reminded the same day.
    let first = items
        .iter()
        .find(|n| n["kind"] == "deadline_approaching" && n["subject"] == "[A-1] Deadline in 30 days")
        .unwrap_or_else(|| panic!("no 30-day reminder in {list}"))
        .clone();
    assert_eq!(first["subject"], "[A-1] Deadline in 30 days", "{first}");
    assert!(first["link"].as_str().unwrap().starts_with("/cases/"));

    let id = first["id"].as_str().unwrap();
    let path = format!("/api/v1/notifications/{id}/read");
    assert_eq!(app.post_json(&path, &session, "wrong", &serde_json::json!({})).status, 403);
    let read = app.post_json(&path, &session, &csrf, &serde_json::json!({}));
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.json()["unread"].as_i64().unwrap(), unread - 1);

    // Someone in another organisation neither sees nor marks it.
    let (other, other_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    assert_eq!(app.get("/api/v1/notifications", &other).json()["unread"], 0);
    assert_eq!(app.post_json(&path, &other, &other_csrf, &serde_json::json!({})).status, 404);

    // Every notice at once, through the API, as the page's button does below.
    let all = app.post_json("/api/v1/notifications/read-all", &session, &csrf, &serde_json::json!({}));
    assert_eq!((all.status, all.json()["unread"].as_i64()), (200, Some(0)), "{}", all.body);
    assert_eq!(app.get("/api/v1/notifications", &session).json()["unread"], 0);
    assert_eq!(app.get("/api/v1/notifications", &other).json()["unread"], 0, "only the reader's");

    let page = app.get("/notifications", &session);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("[A-1]"), "{}", page.body);
    assert!(!page.body.contains("Email is not configured"), "only admins are warned");
    let form_csrf = hidden_field(&page.body, "csrf");
    let all = app.post_form("/notifications/read-all", &session, &[("csrf", &form_csrf)]);
    assert_eq!(all.status, 303);
    assert_eq!(app.get("/api/v1/notifications", &session).json()["unread"], 0);
    assert_eq!(app.post_form("/notifications/read-all", &session, &[("csrf", "nope")]).status, 403);
    assert_eq!(app.get("/notifications", "").status, 303, "behind sign-in");

    // An admin learns that email is off.
    let args = [
        "user",
        "add",
        "--org",
        "clinic-a",
        "--email",
        "admin@a.example.org",
        "--name",
        "Admin",
        "--role",
        "admin",
    ];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
    let (admin, _) = app.sign_in("admin@a.example.org", PASSWORD);
    assert!(app.get("/notifications", &admin).body.contains("Email is not configured"));
}

fn feed_address(page: &str) -> String {
    let start = page.find("<code id=\"feed-address\">").expect("the new address is shown") + 24;
    let end = page[start..].find("</code>").unwrap();
    page[start..start + end].to_owned()
}

fn calendar_feeds_parse_keep_their_uids_and_die_when_revoked(db: &TestDatabase) {
    let app = TestApp::start(db);
    staff_and_notify(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let page = app.get("/calendar/feeds", &session);
    let csrf = hidden_field(&page.body, "csrf");
    let created = app.post_form("/calendar/feeds", &session, &[("csrf", &csrf)]);
    assert_eq!(created.status, 200, "{}", created.body);
    let address = feed_address(&created.body);
    let path =
        address.split_once("/calendar/feed/").map(|(_, token)| format!("/calendar/feed/{token}")).unwrap();

    let first = app.get(&path, "");
    assert_eq!(first.status, 200);
    assert!(first.header("content-type").unwrap().starts_with("text/calendar"));
    for secret in ["Lucía", "Ejemplo", "A012345678", "012345678", "bowel"] {
        assert!(!first.body.contains(secret), "the feed carries {secret}");
    }
    let second = app.get(&path, "");
    if let (Some(a), Some(b)) = (parse_ics(&first.body), parse_ics(&second.body)) {
        let events = a["events"].as_array().unwrap();
        assert!(!events.is_empty(), "{a}");
        let uids = |v: &serde_json::Value| {
            v["events"].as_array().unwrap().iter().map(|e| e["uid"].clone()).collect::<Vec<_>>()
        };
        assert_eq!(uids(&a), uids(&b), "UIDs are stable across regenerations");
        let mut unique = uids(&a);
        unique.dedup();
        assert_eq!(unique.len(), events.len());
        for event in events {
            assert!(!event["start"].as_str().unwrap().starts_with("datetime:"), "all-day: {event}");
            assert!(event["summary"].as_str().unwrap().starts_with("A-1: "), "{event}");
        }
        assert!(events.iter().any(|e| e["summary"] == "A-1: the end of humanitarian parole"), "{a}");
    }

    // A case's feed, by reference; an unknown reference is refused by name.
    let case_feed = app.post_form("/calendar/feeds", &session, &[("csrf", &csrf), ("reference", "A-1")]);
    assert_eq!(case_feed.status, 200);
    assert_eq!(
        app.get(
            &feed_address(&case_feed.body)
                .split_once(app.base())
                .map_or_else(|| path.clone(), |(_, p)| p.to_owned()),
            ""
        )
        .status,
        200
    );
    let unknown = app.post_form("/calendar/feeds", &session, &[("csrf", &csrf), ("reference", "B-1")]);
    assert_eq!(unknown.status, 422, "another organisation's case is not found here");

    let listing = app.get("/calendar/feeds", &session).body;
    let revoke_at = listing.find("/revoke\"").unwrap();
    let action_start = listing[..revoke_at].rfind("action=\"").unwrap() + 8;
    let revoke_path = format!("{}/revoke", &listing[action_start..revoke_at]);
    assert_eq!(app.post_form(&revoke_path, &session, &[("csrf", "nope")]).status, 403);
    assert_eq!(app.post_form(&revoke_path, &session, &[("csrf", &csrf)]).status, 303);
    assert_eq!(app.get(&path, "").status, 404, "a revoked feed is gone");
    assert_eq!(app.get("/calendar/feed/not-a-token.ics", "").status, 404);
}

fn the_family_letter_is_plain_and_in_the_familys_language(db: &TestDatabase) {
    let app = TestApp::start(db);
    staff_and_notify(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&session, "A-1");
    let spanish = app.get(&format!("/cases/{case_id}/letter?lang=es"), &session);
    assert_eq!(spanish.status, 200);
    assert!(spanish.body.contains("<html lang=\"es\">"));
    assert!(spanish.body.contains("Carta sobre su caso"));
    assert!(spanish.body.contains("Estimado/a Rosa Ejemplo y familia"), "addressed to the parent");
    // Where the case stands and what the next dates mean, whichever side of its parole's end today is.
    assert!(spanish.body.contains("(permiso humanitario, “parole”)"), "{}", spanish.body);
    // Dates in words, as a family reads them ("20 de marzo de 2027"), never ISO.
    let first_date = |body: &str| {
        let start = body.find("<li><strong>").expect("a date line") + "<li><strong>".len();
        body[start..].split("</strong>").next().unwrap().to_owned()
    };
    let when = first_date(&spanish.body);
    assert!(when.contains(" de 20") && !when.contains('-'), "{when}");
    assert!(spanish.body.contains("Fecha: ") && !spanish.body.contains("Fecha: 20"), "{}", spanish.body);
    assert!(!spanish.body.contains("A012345678") && !spanish.body.contains("bowel"));
    assert!(spanish.body.contains("Su abogado/a: <strong>Test User</strong>"), "{}", spanish.body);
    assert!(spanish.body.contains("href=\"/static/letter.css\""));
    assert!(
        !spanish.body.contains("<script") && !spanish.body.contains("style="),
        "the CSP forbids inline code"
    );
    assert!(spanish.header("content-security-policy").unwrap().contains("style-src 'self'"));
    let css = app.get("/static/letter.css", "");
    assert!(css.body.contains("@media print"));
    let english = app.get(&format!("/cases/{case_id}/letter?lang=en"), &session);
    assert!(english.body.contains("Letter about your case"));
    let when = first_date(&english.body);
    assert!(when.contains(", 20") && !when.contains('-'), "{when}");
    assert_eq!(app.get(&format!("/cases/{case_id}/letter?lang=de"), &session).status, 422);
    let (other, _) = app.sign_in("bo@b.example.org", PASSWORD);
    assert_eq!(app.get(&format!("/cases/{case_id}/letter"), &other).status, 404);
}
