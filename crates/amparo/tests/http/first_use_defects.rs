//! Defects found using Amparo as a new user would, each fixed and kept fixed, through the router in
//! process on both backends: the timeline names who recorded each event; citizenship typed in lower
//! case is taken; the navigation counts unread notices; the letter's way back has a name; the calendar
//! links its feeds, offered as a `webcal://` address; a case feed shows no task of a closed escalation
//! as a live event.

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use crate::support::snapshots::seed_at;
use crate::support::{PASSWORD, RouterApp, amparo, hidden_field};

amparo_store::on_both_backends!(
    the_timeline_names_who_recorded_each_event,
    citizenship_typed_in_lower_case_is_taken_and_countries_are_suggested,
    the_navigation_counts_unread_notices,
    the_letters_way_back_has_a_name,
    the_calendar_links_its_feeds_and_offers_a_webcal_address,
    a_case_feed_shows_no_task_of_a_closed_escalation_as_live,
);

fn today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

fn app_today(db: &TestDatabase) -> RouterApp {
    seed_at(db, today());
    RouterApp::at(db, tempfile::tempdir().unwrap(), today())
}

fn the_timeline_names_who_recorded_each_event(db: &TestDatabase) {
    let app = app_today(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, version) = app.case_id(&session, "A-1");
    let fields = [
        ("csrf", csrf.as_str()),
        ("version", &version.to_string()),
        ("ev-type", "medical_attested"),
        ("ev-on", "2026-11-19"),
    ];
    assert_eq!(app.post_form(&format!("/cases/{id}/events"), &session, &fields).status, 303);
    let page = app.get(&format!("/cases/{id}"), &session).body;
    let timeline = &page[page.find("id=\"timeline-h\"").unwrap()..];
    let recorded: Vec<&str> = timeline
        .match_indices("<div class=\"meta recorded\">")
        .map(|(at, tag)| {
            let rest = &timeline[at + tag.len()..];
            &rest[..rest.find("</div>").unwrap()]
        })
        .collect();
    assert_eq!(recorded.len(), 3, "one line per event: {timeline}");
    assert!(
        recorded[0].starts_with("recorded by Ana Attorney, November 20, 2026"),
        "the newest first: {recorded:?}"
    );
    assert!(recorded[1].starts_with("imported, ") && recorded[2].starts_with("imported, "), "{recorded:?}");
}

fn citizenship_typed_in_lower_case_is_taken_and_countries_are_suggested(db: &TestDatabase) {
    let app = app_today(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let form = app.get("/cases/new", &session).body;
    assert!(form.contains("id=\"person-0-citizenship\"") && form.contains("list=\"countries\""), "{form}");
    assert!(form.contains("<option value=\"MX\">Mexico</option>"), "{form}");
    let fields = [
        ("csrf", csrf.as_str()),
        ("people", "1"),
        ("events", "0"),
        ("reference", "INT-7"),
        ("person-0-given_name", "Inés"),
        ("person-0-family_name", "Ejemplo"),
        ("person-0-citizenship", " mx "),
        ("action", "save"),
    ];
    let created = app.post_form("/cases/new", &session, &fields);
    assert_eq!(created.status, 303, "{}", created.body);
    let page = app.get(created.header("location").unwrap(), &session).body;
    assert!(page.contains(">MX<"), "stored upper-cased: {page}");

    let wrong =
        [&fields[..6], &[("person-0-citizenship", "mex"), ("reference", "INT-8"), ("action", "save")]]
            .concat();
    let refused = app.post_form("/cases/new", &session, &wrong);
    assert_eq!(refused.status, 422, "three letters are still refused, by name");
    assert!(refused.body.contains("href=\"#person-0-citizenship\""), "{}", refused.body);
}

fn the_navigation_counts_unread_notices(db: &TestDatabase) {
    let app = app_today(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let before = app.get("/", &session).body;
    assert!(!before.contains("unread)"), "no count while nothing is unread");
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let ana = store.users(&org).unwrap().remove(0).id;
    let case = store.case_references(&org).unwrap().remove(0).0;
    store.assign(&org, &case, UserRole::Attorney, Some(&ana), today()).unwrap();
    amparo(db, &["notify", "daily", "--org", "clinic-a", "--today", "2026-11-20"], None);
    let unread = app.get("/api/v1/notifications", &session).json()["unread"].as_i64().unwrap();
    assert!(unread > 0, "the daily pass wrote notices for Ana");
    let page = app.get("/", &session).body;
    let expected = format!(
        "Notifications <span class=\"badge count\" aria-hidden=\"true\">{unread}</span><span class=\"visually-hidden\"> ({unread} unread)</span></a>"
    );
    assert!(page.contains(&expected), "{page}");
}

fn the_letters_way_back_has_a_name(db: &TestDatabase) {
    let app = app_today(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&session, "A-1");
    let letter = app.get(&format!("/cases/{id}/letter?lang=es"), &session).body;
    let back = format!(
        "<a href=\"/cases/{id}\" lang=\"en\"><span aria-hidden=\"true\">←</span> Back to the case</a>"
    );
    assert!(letter.contains(&back), "{letter}");
    let fields = [("csrf", csrf.as_str()), ("language", "es"), ("back", "/")];
    app.post_form("/language", &session, &fields);
    let letter = app.get(&format!("/cases/{id}/letter?lang=en"), &session).body;
    assert!(
        letter.contains("lang=\"es\"><span aria-hidden=\"true\">←</span> Volver al caso</a>"),
        "{letter}"
    );
}

fn the_calendar_links_its_feeds_and_offers_a_webcal_address(db: &TestDatabase) {
    let app = app_today(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let calendar = app.get("/calendar", &session).body;
    assert!(
        calendar.contains("<a href=\"/calendar/feeds\" id=\"feeds-link\">Subscribe in your calendar app</a>")
    );
    let page = app.get("/calendar/feeds", &session).body;
    let csrf = hidden_field(&page, "csrf");
    let created = app.post_form("/calendar/feeds", &session, &[("csrf", &csrf)]).body;
    let start = created.find("<code id=\"feed-address\">").unwrap() + 24;
    let address = &created[start..start + created[start..].find("</code>").unwrap()];
    let (_, rest) = address.split_once("://").unwrap();
    assert!(created.contains(&format!("<a id=\"feed-subscribe\" href=\"webcal://{rest}\">")), "{created}");
}

/// A-1 is critical care with its parole ended and nothing filed: an escalation with its checklist is
/// open. Filing re-parole resolves it; its tasks left undone are no longer events of the case's feed.
fn a_case_feed_shows_no_task_of_a_closed_escalation_as_live(db: &TestDatabase) {
    let app = app_today(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let page = app.get("/calendar/feeds", &session).body;
    let form_csrf = hidden_field(&page, "csrf");
    let created =
        app.post_form("/calendar/feeds", &session, &[("csrf", &form_csrf), ("reference", "A-1")]).body;
    let start = created.find("/calendar/feed/").unwrap();
    let path = &created[start..start + created[start..].find("</code>").unwrap()];
    let live_tasks = |feed: &str| {
        feed.split("BEGIN:VEVENT")
            .filter(|e| e.contains("UID:task-") && !e.contains("STATUS:CANCELLED"))
            .count()
    };
    let open = app.get(path, "");
    assert_eq!(open.status, 200);
    assert!(live_tasks(&open.body) > 0, "the open escalation's tasks: {}", open.body);

    let (id, version) = app.case_id(&session, "A-1");
    let body =
        json!({ "expected_version": version, "event": { "type": "re_parole_filed", "on": "2026-11-19" } });
    let filed = app.post_json(&format!("/api/v1/cases/{id}/events"), &session, &csrf, &body);
    assert_eq!(filed.status, 201, "{}", filed.body);
    let closed = app.get(path, "");
    assert_eq!(live_tasks(&closed.body), 0, "{}", closed.body);
}
