//! The dashboard and the case page's event form through the router in process: recording a termination
//! notice opens an escalation the dashboard lists; a bad entry names its field; a stale one (someone
//! else changed the case) is refused with 409, the conflict explained and the entry kept.

use crate::support::{PASSWORD, RouterApp, add_user, amparo, case_json, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    recording_events_from_the_case_page,
    the_calendar_shows_a_month_of_deadlines,
    the_calendar_api_lists_the_same_month,
    settings_are_for_administrators,
    the_print_view_is_one_clean_page,
    the_dashboard_counts_open_cases_up_to_a_thousand,
    an_administrator_edits_an_escalation_checklist
);

fn the_print_view_is_one_clean_page(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&session, "A-1");
    let page = app.get(&format!("/cases/{id}"), &session).body;
    assert!(page.contains(&format!("href=\"/cases/{id}/print\"")), "the case page links its print view");
    let print = app.get(&format!("/cases/{id}/print"), &session);
    assert_eq!(print.status, 200);
    for expected in
        ["<h1>Case A-1</h1>", "Lucía Ejemplo", "short bowel syndrome", "<del>", "corrected by e2", "8 CFR"]
    {
        assert!(print.body.contains(expected), "the print view lacks {expected:?}");
    }
    for absent in ["<form", "<nav", "csrf"] {
        assert!(!print.body.contains(absent), "the print view has {absent:?}");
    }
    assert_eq!(app.get("/cases/no-such-case/print", &session).status, 404);
}

fn settings_are_for_administrators(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "ada@a.example.org", "Ada Admin", "admin");
    let (attorney, attorney_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    assert_eq!(app.get("/settings", &attorney).status, 403);
    let fields = [
        ("csrf", attorney_csrf.as_str()),
        ("re_parole_lead_days", "120"),
        ("medical_refresh_days", "180"),
        ("critical_care_threshold_days", "7"),
        ("closure_days", ""),
    ];
    assert_eq!(app.post_form("/settings/policy", &attorney, &fields).status, 403);
    assert!(!app.get("/", &attorney).body.contains("href=\"/settings\""), "no link for others");

    let (admin, csrf) = app.sign_in("ada@a.example.org", PASSWORD);
    let page = app.get("/settings", &admin);
    assert_eq!(page.status, 200);
    for expected in [
        "<h1>Settings</h1>",
        "value=\"90\"",
        "ana@a.example.org",
        "Attorney",
        "Escalation checklists",
        "Termination notice on a critical-care case",
    ] {
        assert!(page.body.contains(expected), "settings lack {expected:?}");
    }
    let bad = [
        ("csrf", csrf.as_str()),
        ("re_parole_lead_days", "soon"),
        ("medical_refresh_days", "0"),
        ("critical_care_threshold_days", "7"),
        ("i94_check_days", "400"),
        ("closure_days", "2026-12-24\nChristmas"),
    ];
    let refused = app.post_form("/settings/policy", &admin, &bad);
    assert_eq!(refused.status, 422);
    for expected in [
        "href=\"#re_parole_lead_days\"",
        "href=\"#medical_refresh_days\"",
        "href=\"#closure_days\"",
        "href=\"#i94_check_days\"",
        "Enter a whole number of days from 1 to 365.",
        "aria-describedby=\"re_parole_lead_days-error\"",
        "value=\"soon\"",
    ] {
        assert!(refused.body.contains(expected), "the refused form lacks {expected:?}");
    }
    let good = [
        ("csrf", csrf.as_str()),
        ("re_parole_lead_days", "120"),
        ("medical_refresh_days", "180"),
        ("critical_care_threshold_days", "7"),
        ("i94_check_days", "45"),
        ("closure_days", "2026-12-24\n2026-12-31"),
    ];
    let saved = app.post_form("/settings/policy", &admin, &good);
    assert_eq!(saved.status, 303);
    assert_eq!(
        saved.header("location"),
        Some("/settings?saved=1"),
        "the one case of the organisation recomputed"
    );
    let page = app.get("/settings?saved=1", &admin).body;
    assert!(page.contains("Policy saved; 1 case was recomputed.") && page.contains("value=\"120\""));
    assert!(
        page.contains("id=\"i94_check_days\"") && page.contains("value=\"45\""),
        "the I-94 check setting kept"
    );
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    assert_eq!(store.policy(&org.id).unwrap().i94_check_days, 45);
    let audit = app.get("/api/v1/audit", &admin).json();
    let change = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "policy.changed").cloned();
    let change = change.unwrap_or_else(|| panic!("the change is audited: {audit}"));
    let detail: serde_json::Value = serde_json::from_str(change["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["before"]["i94_check_days"], 30, "{change}");
    assert_eq!(detail["after"]["i94_check_days"], 45, "{change}");
    assert!(page.contains("2026-12-24\n2026-12-31"));
    let (id, _) = app.case_id(&admin, "A-1");
    assert!(
        app.get(&format!("/cases/{id}"), &admin).body.contains("March 4, 2026</strong> — File re-parole by")
    );
}

fn the_calendar_api_lists_the_same_month(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let july = app.get("/api/v1/calendar?month=2026-07", &session);
    assert_eq!(july.status, 200, "{}", july.body);
    let july = july.json();
    assert_eq!(july["month"], "2026-07");
    let deadlines = july["items"].as_array().unwrap();
    // The family's parole ends on the day the page shows, once per person, with its rule and why.
    let parole_ends: Vec<_> =
        deadlines.iter().filter(|d| d["reference"] == "A-1" && d["due"] == "2026-07-02").collect();
    assert!(!parole_ends.is_empty(), "{july}");
    for deadline in &parole_ends {
        for field in ["case_id", "kind", "rule", "basis", "citation", "why"] {
            assert!(deadline[field].as_str().is_some_and(|v| !v.is_empty()), "{field}: {deadline}");
        }
        assert!(deadline["overdue"].is_boolean(), "{deadline}");
    }
    assert!(deadlines.iter().all(|d| d["due"].as_str().unwrap().starts_with("2026-07-")), "{july}");
    // Another organisation sees none of them; a bad month or parameter is refused naming it.
    let (bo, _) = app.sign_in("bo@b.example.org", PASSWORD);
    let other = app.get("/api/v1/calendar?month=2026-07", &bo).json();
    assert!(other["items"].as_array().unwrap().iter().all(|d| d["reference"] != "A-1"), "{other}");
    let bad = app.get("/api/v1/calendar?month=2026-13", &session);
    assert_eq!((bad.status, bad.json()["field"].clone()), (422, serde_json::json!("month")), "{}", bad.body);
    let unknown = app.get("/api/v1/calendar?mont=2026-07", &session);
    assert_eq!((unknown.status, unknown.json()["field"].clone()), (422, serde_json::json!("mont")));
}

fn the_calendar_shows_a_month_of_deadlines(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let july = app.get("/calendar?month=2026-07", &session);
    assert_eq!(july.status, 200);
    for expected in [
        "<h1>Calendar: July 2026</h1>",
        "<th scope=\"col\">Monday</th>",
        ">A-1</a> Parole ends",
        "href=\"/calendar?month=2026-06\"",
        "href=\"/calendar?month=2026-08\"",
        "July 2, 2026",
    ] {
        assert!(july.body.contains(expected), "July lacks {expected:?}");
    }
    assert_eq!(july.body.matches(">A-1</a> Parole ends").count(), 1, "the family's shared deadline once");
    let other_org = app.get("/calendar?month=2026-07", &app.sign_in("bo@b.example.org", PASSWORD).0).body;
    assert!(!other_org.contains(">A-1<"), "another organisation's cases stay out");
    let december = app.get("/calendar?month=2025-12", &session).body;
    assert!(december.contains("Calendar: December 2025") && december.contains("month=2026-01"));
    let bad = app.get("/calendar?month=2026-13", &session);
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("YYYY-MM"));
    let spanish = app.get("/calendar?month=2026-07", &format!("{session}; amparo_lang=es"));
    assert!(
        spanish.body.contains("Calendar: July 2026"),
        "the signed-in user's stored language wins over a cookie"
    );
}

fn recording_events_from_the_case_page(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let dashboard = app.get("/", &session);
    assert_eq!(dashboard.status, 200);
    for expected in
        ["<h1>Dashboard</h1>", "Most urgent", ">A-1<", "Deadlines in the next 14 days", "Open escalations"]
    {
        assert!(dashboard.body.contains(expected), "the dashboard lacks {expected:?}");
    }
    assert!(!dashboard.body.contains("termination notice of"), "no notice yet");
    let (id, _) = app.case_id(&session, "A-1");
    let case = format!("/cases/{id}");
    let events = format!("/cases/{id}/events");
    let page = app.get(&case, &session).body;
    let version = hidden_field(&page, "version");
    assert_eq!(version, "1");

    let missing_served = [
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("ev-type", "termination_notice"),
        ("ev-on", "2026-11-20"),
        ("ev-depart_by", "2026-12-20"),
    ];
    let refused = app.post_form(&events, &session, &missing_served);
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("href=\"#ev-served_by\"")
            && refused.body.contains("aria-describedby=\"ev-served_by-error\"")
    );
    assert!(refused.body.contains("value=\"2026-12-20\""), "what was typed is kept");
    assert_eq!(app.case_id(&session, "A-1").1, 1, "nothing written");

    let forged: Vec<(&str, &str)> =
        missing_served.iter().map(|&(k, v)| if k == "csrf" { (k, "forged") } else { (k, v) }).collect();
    assert_eq!(app.post_form(&events, &session, &forged).status, 403);

    let notice = [&missing_served[..], &[("ev-served_by", "mail")]].concat();
    let recorded = app.post_form(&events, &session, &notice);
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    assert_eq!(recorded.header("location"), Some(format!("{case}#timeline").as_str()));
    let page = app.get(&case, &session).body;
    assert!(page.contains("Termination notice") && page.contains("depart by December 20, 2026"), "{page}");
    let dashboard = app.get("/", &session).body;
    assert!(dashboard.contains("termination notice of 2026-11-20"), "{dashboard}");

    // The same form again, still at version 1: someone else's change came first.
    let answer = [
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("ev-type", "medical_attested"),
        ("ev-on", "2026-11-21"),
        ("ev-note", "Dialysis schedule confirmed by the clinic"),
    ];
    let stale = app.post_form(&events, &session, &answer);
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("Someone else changed this case after you opened it"));
    assert!(stale.body.contains("value=\"Dialysis schedule confirmed by the clinic\""), "the entry is kept");
    assert_eq!(hidden_field(&stale.body, "version"), "2", "the form now carries the current version");
    assert_eq!(app.case_id(&session, "A-1").1, 2);
}

/// Beyond 1,000 open cases the dashboard stops counting and says "more than", so its time does not
/// grow with the organisation; up to it, it gives the exact number.
fn the_dashboard_counts_open_cases_up_to_a_thousand(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let few = app.get("/", &session).body;
    assert!(few.contains("The whole board (1 open case)"), "{few}");

    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = (1..=1000)
        .map(|n| {
            let path = dir.path().join(format!("M-{n}.json"));
            std::fs::write(&path, case_json(&format!("M-{n}"), "Marta")).unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect();
    let args: Vec<&str> =
        ["import", "--org", "clinic-a"].into_iter().chain(files.iter().map(String::as_str)).collect();
    amparo(db, &args, None);

    let many = app.get("/", &session).body;
    assert!(many.contains("The whole board (more than 1,000 open cases)"), "{many}");
    assert!(!many.contains("1,001"), "no exact count past the cap");
    app.choose_language(&session, &csrf, "es");
    let spanish = app.get("/", &session).body;
    assert!(spanish.contains("Todo el tablero (más de 1000 casos abiertos)"), "{spanish}");
}

/// The settings page edits the checklist a kind of escalation starts with; the next escalation of
/// that kind follows it, a bad entry is refused field by field, and the server's can be restored.
fn an_administrator_edits_an_escalation_checklist(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "ada@a.example.org", "Ada Admin", "admin");
    let (admin, csrf) = app.sign_in("ada@a.example.org", PASSWORD);
    let page = app.get("/settings", &admin).body;
    assert!(
        page.contains("id=\"tpl-termination_notice-0-title_en\"")
            && page.contains("The server&#39;s checklists"),
        "{page}"
    );
    // Four checklists as forms still make a light page (the interface's budget is 100 KB a page).
    assert!(page.len() < 60_000, "the settings page is {} bytes", page.len());
    let path = "/settings/checklists/termination_notice";
    let field = |row: usize, name: &str| format!("tpl-termination_notice-{row}-{name}");
    let (t_en, t_es, owner, hours, critical) = (
        field(0, "title_en"),
        field(0, "title_es"),
        field(0, "owner"),
        field(0, "due_hours"),
        field(0, "due_hours_critical"),
    );
    let (t_en1, t_es1, hours1, critical1) =
        (field(1, "title_en"), field(1, "title_es"), field(1, "due_hours"), field(1, "due_hours_critical"));

    let bad = [
        ("csrf", csrf.as_str()),
        (t_en.as_str(), "Call the family today"),
        (t_es.as_str(), ""),
        (owner.as_str(), "advocate"),
        (hours.as_str(), "24"),
        (critical.as_str(), "48"),
    ];
    let refused = app.post_form(path, &admin, &bad);
    assert_eq!(refused.status, 422);
    for expected in [
        "The checklist was not saved:",
        "href=\"#tpl-termination_notice-0-title_es\"",
        "aria-describedby=\"tpl-termination_notice-0-due_hours_critical-error\"",
        "Must be at most 24.",
        "value=\"Call the family today\"",
        "value=\"48\"",
    ] {
        assert!(
            refused.body.contains(expected),
            "the refused checklist lacks {expected:?}: {}",
            refused.body
        );
    }
    let (attorney, attorney_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let forbidden = [("csrf", attorney_csrf.as_str()), (t_en.as_str(), "x")];
    assert_eq!(app.post_form(path, &attorney, &forbidden).status, 403);

    let good = [
        ("csrf", csrf.as_str()),
        (t_en.as_str(), "Call the family today"),
        (t_es.as_str(), "Llamar hoy a la familia"),
        (owner.as_str(), "advocate"),
        (hours.as_str(), "24"),
        (critical.as_str(), "2"),
        (t_en1.as_str(), ""),
        (t_es1.as_str(), ""),
        (hours1.as_str(), ""),
        (critical1.as_str(), ""),
    ];
    let saved = app.post_form(path, &admin, &good);
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = app.get(saved.header("location").unwrap(), &admin).body;
    assert!(
        page.contains("The checklist was saved.") && page.contains("This organisation&#39;s own checklists"),
        "{page}"
    );
    assert!(
        page.contains("value=\"Llamar hoy a la familia\"")
            && !page.contains("id=\"tpl-termination_notice-2-title_en\""),
        "one task and an empty row"
    );

    // Saving the policy keeps the checklists.
    let policy = [
        ("csrf", csrf.as_str()),
        ("re_parole_lead_days", "90"),
        ("medical_refresh_days", "180"),
        ("critical_care_threshold_days", "7"),
        ("i94_check_days", "30"),
        ("closure_days", ""),
    ];
    assert_eq!(app.post_form("/settings/policy", &admin, &policy).status, 303);

    // The next termination notice on this critical-care case starts the organisation's checklist.
    let (id, version) = app.case_id(&attorney, "A-1");
    let notice = serde_json::json!({ "expected_version": version, "event": {
        "type": "termination_notice", "on": "2026-11-20", "served_by": "personal", "depart_by": "2026-11-27" } });
    let recorded = app.post_json(&format!("/api/v1/cases/{id}/events"), &attorney, &attorney_csrf, &notice);
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let escalations = app.get(&format!("/api/v1/cases/{id}/escalations"), &attorney).json();
    let termination = escalations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["trigger_kind"] == "termination_notice")
        .cloned()
        .expect("a termination escalation");
    let tasks = termination["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{termination}");
    assert_eq!(tasks[0]["title_en"], "Call the family today");
    assert_eq!(tasks[0]["owner_role"], "advocate");

    let audit = app.get("/api/v1/audit", &admin).json();
    assert!(
        audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "escalation_templates.changed"),
        "{audit}"
    );
    let restored = app.post_form("/settings/checklists/reset", &admin, &[("csrf", csrf.as_str())]);
    assert_eq!(restored.status, 303);
    let page = app.get("/settings", &admin).body;
    assert!(!page.contains("value=\"Llamar hoy a la familia\""), "the server's checklists again");
}
