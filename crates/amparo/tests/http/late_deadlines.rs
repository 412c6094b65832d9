//! What is late is never hidden: the dashboard lists overdue deadlines above the next 14 days, the
//! case page opens with them before the next deadline and each person's standing, and the calendar
//! marks them — in English and Spanish, an advisory date never among them.

use amparo_store::testing::TestDatabase;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use crate::support::snapshots::seed_at;
use crate::support::{PASSWORD, RouterApp};

amparo_store::on_both_backends!(
    the_dashboard_lists_overdue_deadlines_above_the_next_14_days,
    the_case_page_opens_with_what_is_late_then_the_next_deadline_and_each_persons_standing,
    the_calendar_marks_overdue_deadlines,
    an_advisory_date_is_not_in_the_case_pages_overdue_block,
);

/// The day the application's clock says: A-1's parole ended on July 2, 2026, so its re-parole
/// filing date (April 3, 2026) has passed without a filing.
fn today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

fn app_today(db: &TestDatabase) -> RouterApp {
    seed_at(db, today());
    RouterApp::at(db, tempfile::tempdir().unwrap(), today())
}

/// The part of a page from the element with `id` to the end of its section (or element `end`).
fn part<'a>(page: &'a str, id: &str, end: &str) -> &'a str {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no {id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Ana's session and form token, her language switched to `language`.
fn ana_in(app: &RouterApp, language: &str) -> (String, String) {
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let fields = [("csrf", csrf.as_str()), ("language", language), ("back", "/")];
    assert_eq!(app.post_form("/language", &session, &fields).status, 303);
    (session, csrf)
}

fn the_dashboard_lists_overdue_deadlines_above_the_next_14_days(db: &TestDatabase) {
    let app = app_today(db);
    let (session, _) = ana_in(&app, "en");
    let page = app.get("/", &session).body;
    let overdue = part(&page, "overdue-h", "</section>");
    assert!(overdue.contains(">Overdue</h2>"), "{overdue}");
    assert!(overdue.contains("<strong>April 3, 2026</strong>"), "the missed filing date: {overdue}");
    assert!(overdue.contains("231 days late"), "{overdue}");
    assert!(overdue.contains(">A-1</a>: File re-parole by"), "{overdue}");
    assert!(!overdue.contains("B-1"), "another organisation's deadlines stay out");
    let (overdue_at, upcoming_at) = (page.find("id=\"overdue-h\""), page.find("id=\"deadlines-h\""));
    assert!(overdue_at < upcoming_at, "overdue comes above the next 14 days");
    assert!(
        !part(&page, "deadlines-h", "</section>").contains("April 3, 2026"),
        "a late deadline is not among the upcoming ones"
    );

    let (spanish, _) = ana_in(&app, "es");
    let page = app.get("/", &spanish).body;
    let overdue = part(&page, "overdue-h", "</section>");
    assert!(overdue.contains(">Vencidos</h2>") && overdue.contains("231 días de retraso"), "{overdue}");
    assert!(overdue.contains("3 de abril de 2026"), "{overdue}");

    // Bo's organisation has the same late date; a case nobody can see is not counted for him either.
    let (bo, _) = app.sign_in("bo@b.example.org", PASSWORD);
    let theirs = app.get("/", &bo).body;
    let overdue = part(&theirs, "overdue-h", "</section>");
    assert!(overdue.contains(">B-1</a>") && !overdue.contains(">A-1</a>"), "{overdue}");
}

fn the_case_page_opens_with_what_is_late_then_the_next_deadline_and_each_persons_standing(db: &TestDatabase) {
    let app = app_today(db);
    let (session, _) = ana_in(&app, "en");
    let (id, _) = app.case_id(&session, "A-1");
    let page = app.get(&format!("/cases/{id}"), &session).body;
    let banner = part(&page, "overdue", "</div>");
    assert!(banner.contains("Overdue:"), "{banner}");
    assert!(banner.contains("<strong>April 3, 2026</strong> (231 days late): File re-parole by"), "{banner}");
    let order = ["id=\"overdue\"", "id=\"standing-h\"", "id=\"escalations-h\"", "id=\"status-h\""];
    let positions: Vec<usize> =
        order.iter().map(|p| page.find(p).unwrap_or_else(|| panic!("no {p} in {page}"))).collect();
    assert!(positions.is_sorted(), "late first, then each person's standing, then the rest: {positions:?}");
    let standing = part(&page, "standing-h", "</section>");
    for expected in
        ["Where each person stands", "Covered until:", "Lucía Ejemplo", "Rosa Ejemplo", "July 2, 2026"]
    {
        assert!(standing.contains(expected), "the standing lacks {expected:?}: {standing}");
    }

    let (spanish, _) = ana_in(&app, "es");
    let page = app.get(&format!("/cases/{id}"), &spanish).body;
    let banner = part(&page, "overdue", "</div>");
    assert!(
        banner.contains("Vencidos:") && banner.contains("3 de abril de 2026</strong> (231 días de retraso)"),
        "{banner}"
    );
    assert!(part(&page, "standing-h", "</section>").contains("Situación de cada persona"));
}

fn the_calendar_marks_overdue_deadlines(db: &TestDatabase) {
    let app = app_today(db);
    let (session, _) = ana_in(&app, "en");
    let april = app.get("/calendar?month=2026-04", &session).body;
    assert!(
        april.contains("<li class=\"overdue\">")
            && april.contains("<span class=\"badge overdue\">overdue</span>"),
        "{april}"
    );
    let (spanish, _) = ana_in(&app, "es");
    let april = app.get("/calendar?month=2026-04", &spanish).body;
    assert!(april.contains("<span class=\"badge overdue\">vencido</span>"), "{april}");
    // A later month's deadlines are not late yet.
    let next_year = app.get("/calendar?month=2027-06", &session).body;
    assert!(!next_year.contains("class=\"overdue\""), "{next_year}");
}

/// Arrived over a year before parole: the asylum one-year date (June 3, 2026) has passed but is
/// advisory, never an alarm, so the case page's overdue block leaves it out.
fn an_advisory_date_is_not_in_the_case_pages_overdue_block(db: &TestDatabase) {
    let app = app_today(db);
    let (session, csrf) = ana_in(&app, "en");
    let (id, version) = app.case_id(&session, "A-1");
    for (at, event) in [
        (version, json!({ "type": "arrived", "on": "2025-06-03" })),
        (version + 1, json!({ "type": "parole_granted", "on": "2026-06-20", "valid_until": "2027-06-19" })),
    ] {
        let body = json!({ "expected_version": at, "event": event });
        let reply = app.post_json(&format!("/api/v1/cases/{id}/events"), &session, &csrf, &body);
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let page = app.get(&format!("/cases/{id}"), &session).body;
    assert!(page.contains("June 3, 2026"), "the advisory date is listed with its why: {page}");
    // The re-grant met the filing date; its I-94 check has passed unmet; the advisory date is not late.
    let banner = part(&page, "overdue", "</div>");
    assert!(banner.contains("Check the I-94 by") && !banner.contains("June 3, 2026"), "{banner}");
    // The calendar lists it on its day, marked advisory and never overdue.
    let june = app.get("/calendar?month=2026-06", &session).body;
    let start = june.find("A-1</a> Asylum one-year date").unwrap_or_else(|| panic!("not listed: {june}"));
    let asylum = &june[start..start + june[start..].find("</li>").unwrap_or(0)];
    assert!(asylum.contains("class=\"tag advisory\"") && !asylum.contains("badge overdue"), "{asylum}");
}
