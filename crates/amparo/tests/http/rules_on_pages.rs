//! What rule set us-parole/2027.1 changed on the pages and in the API, through the router in process
//! with the clock fixed: an answer names the notice it answers (the form and the API offer the open
//! ones, a notice of another kind is refused naming the field), unlinked answers are flagged, a
//! re-grant leaves no "depart by" on screen, coverage per person in both languages, and advisory
//! deadlines never shown as overdue.

use amparo_store::testing::TestDatabase;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use crate::support::snapshots::{redacted, seed_at, uuids_redacted};
use crate::support::{PASSWORD, RouterApp, hidden_field};

amparo_store::on_both_backends!(
    an_answer_clears_only_the_notice_it_names,
    a_wrong_answer_link_is_refused_naming_the_field,
    an_unlinked_answer_is_flagged_on_the_case_page,
    a_re_grant_leaves_no_depart_by_on_screen,
    a_termination_without_an_effective_date_says_why,
    coverage_is_shown_per_person_in_both_languages,
    an_advisory_deadline_is_never_shown_as_overdue,
    the_event_form_names_each_refused_field_in_both_languages,
);

/// The day the application's clock says in these tests.
fn today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

fn app_today(db: &TestDatabase) -> RouterApp {
    seed_at(db, today());
    RouterApp::at(db, tempfile::tempdir().unwrap(), today())
}

/// Ana's session, form token and case A-1.
struct Case {
    session: String,
    csrf: String,
    id: String,
}

fn open_case(app: &RouterApp) -> Case {
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (id, _) = app.case_id(&session, "A-1");
    Case { session, csrf, id }
}

/// Records `event` through the API at the case's current version; the reply.
fn record(app: &RouterApp, case: &Case, event: serde_json::Value) -> crate::support::Reply {
    let (_, version) = app.case_id(&case.session, "A-1");
    let body = json!({ "expected_version": version, "event": event });
    app.post_json(&format!("/api/v1/cases/{}/events", case.id), &case.session, &case.csrf, &body)
}

fn recorded(app: &RouterApp, case: &Case, event: serde_json::Value) {
    let reply = record(app, case, event);
    assert_eq!(reply.status, 201, "{}", reply.body);
}

/// The ids of the open notices an answer of `answer_type` may name, by the API.
fn answerable(app: &RouterApp, case: &Case, answer_type: &str) -> Vec<String> {
    let reply = app.get(&format!("/api/v1/cases/{}/answerable?type={answer_type}", case.id), &case.session);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let notices = reply.json()["notices"].as_array().cloned().unwrap_or_default();
    notices.iter().map(|n| n["id"].as_str().unwrap_or_default().to_owned()).collect()
}

/// Two open RFEs: `r1` for Lucía (p1), `r2` for Rosa (m1).
fn two_rfes(app: &RouterApp, case: &Case) {
    recorded(
        app,
        case,
        json!({ "id": "r1", "type": "rfe_received", "on": "2026-11-02",
        "served_by": "mail", "persons": ["p1"] }),
    );
    recorded(
        app,
        case,
        json!({ "id": "r2", "type": "rfe_received", "on": "2026-11-03",
        "served_by": "mail", "persons": ["m1"] }),
    );
}

/// The part of a page from the element with `id` to the end of its section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no {id} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

fn an_answer_clears_only_the_notice_it_names(db: &TestDatabase) {
    let app = app_today(db);
    let case = open_case(&app);
    two_rfes(&app, &case);
    assert_eq!(answerable(&app, &case, "rfe_answered"), ["r1", "r2"]);
    assert!(answerable(&app, &case, "noid_answered").is_empty(), "no NOID is open");

    // The form offers both, labelled by kind, person and date.
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    let picker = &page[page.find("id=\"ev-answers\"").unwrap()..];
    let picker = &picker[..picker.find("</select>").unwrap()];
    for label in [
        "Request for evidence (RFE) received — Lucía Ejemplo — November 2, 2026 (r1)",
        "Request for evidence (RFE) received — Rosa Ejemplo — November 3, 2026 (r2)",
        "The latest open notice of its kind",
    ] {
        assert!(picker.contains(label), "the picker lacks {label:?}: {picker}");
    }

    // Answering Lucía's (the earlier one) from the form leaves Rosa's open.
    let csrf = hidden_field(&page, "csrf");
    let version = hidden_field(&page, "version");
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("ev-type", "rfe_answered"),
        ("ev-on", "2026-11-10"),
        ("ev-answers", "r1"),
    ];
    let saved = app.post_form(&format!("/cases/{}/events", case.id), &case.session, &form);
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(answerable(&app, &case, "rfe_answered"), ["r2"]);
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    let deadlines = section(&page, "status-h");
    assert_eq!(deadlines.matches("RFE response due").count(), 1, "{deadlines}");
    assert!(deadlines.contains("RFE served by mail on 2026-11-03"), "Rosa's is still due: {deadlines}");
    assert!(!page.contains("(r1)</option>"), "the answered notice is no longer offered");
    assert!(page.contains("Rosa Ejemplo — November 3, 2026 (r2)</option>"));
    assert!(!page.contains("names no notice"), "a linked answer is not flagged");
}

fn a_wrong_answer_link_is_refused_naming_the_field(db: &TestDatabase) {
    let app = app_today(db);
    let _redactions = redacted();
    let case = open_case(&app);
    two_rfes(&app, &case);
    // e2 is the grant in force: not an RFE.
    let wrong = record(&app, &case, json!({ "type": "rfe_answered", "on": "2026-11-10", "answers": "e2" }));
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    insta::assert_json_snapshot!(
        "api_refused_wrong_answer_link",
        json!({ "status": wrong.status, "body": uuids_redacted(&wrong.json()) })
    );
    let missing = record(&app, &case, json!({ "type": "rfe_answered", "on": "2026-11-10", "answers": "r9" }));
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(missing.body.contains("event.answers"), "{}", missing.body);
    let early = record(&app, &case, json!({ "type": "rfe_answered", "on": "2026-11-02", "answers": "r2" }));
    assert_eq!(early.status, 422, "an answer dated before its notice: {}", early.body);
    let stray = record(&app, &case, json!({ "type": "departed", "on": "2026-11-10", "answers": "r2" }));
    assert_eq!(stray.status, 422, "{}", stray.body);
    assert!(stray.body.contains("event.answers"), "{}", stray.body);
    assert_eq!(answerable(&app, &case, "rfe_answered"), ["r1", "r2"], "nothing was written");

    // The form names the field in the reader's language and keeps the entry.
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    let form = [
        ("csrf", case.csrf.as_str()),
        ("version", hidden_field(&page, "version").as_str()),
        ("ev-type", "noid_answered"),
        ("ev-on", "2026-11-10"),
        ("ev-answers", "r1"),
    ]
    .map(|(k, v)| (k, v.to_owned()));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post_form(&format!("/cases/{}/events", case.id), &case.session, &form);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("href=\"#ev-answers\""), "{}", refused.body);
    assert!(refused.body.contains("Event “r1” is not a"), "{}", refused.body);
    let switched = app.post_form("/language", &case.session, &[("csrf", &case.csrf), ("language", "es")]);
    assert_eq!(switched.status, 303);
    let spanish = app.post_form(&format!("/cases/{}/events", case.id), &case.session, &form);
    assert_eq!(spanish.status, 422);
    assert!(spanish.body.contains("href=\"#ev-answers\""), "{}", spanish.body);
    assert!(spanish.body.contains("El evento «r1»"), "{}", spanish.body);
}

fn an_unlinked_answer_is_flagged_on_the_case_page(db: &TestDatabase) {
    let app = app_today(db);
    let case = open_case(&app);
    two_rfes(&app, &case);
    recorded(&app, &case, json!({ "id": "a1", "type": "rfe_answered", "on": "2026-11-10" }));
    // Without a link, only the latest open RFE (Rosa's) is cleared.
    assert_eq!(answerable(&app, &case, "rfe_answered"), ["r1"]);
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    let timeline = section(&page, "timeline-h");
    assert!(timeline.contains("Some answers on this timeline name no notice"), "{timeline}");
    assert_eq!(timeline.matches("<span class=\"tag\">names no notice</span>").count(), 1, "{timeline}");

    // A correction that names the notice replaces the flag.
    let fixed = json!({ "id": "a2", "type": "rfe_answered", "on": "2026-11-10", "answers": "r2",
        "supersedes": "a1" });
    recorded(&app, &case, fixed);
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    assert!(!page.contains("names no notice"), "{}", section(&page, "timeline-h"));
    assert_eq!(answerable(&app, &case, "rfe_answered"), ["r1"]);
}

fn a_re_grant_leaves_no_depart_by_on_screen(db: &TestDatabase) {
    let app = app_today(db);
    let case = open_case(&app);
    recorded(
        &app,
        &case,
        json!({ "type": "termination_notice", "on": "2026-11-02", "served_by": "personal",
        "effective": "2026-11-02", "depart_by": "2026-12-02" }),
    );
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    assert!(section(&page, "status-h").contains("Depart by"), "the notice's date is shown at first");
    assert!(section(&page, "timeline-h").contains("depart by December 2, 2026"));
    assert!(app.get("/calendar?month=2026-12", &case.session).body.contains("Depart by"));

    recorded(
        &app,
        &case,
        json!({ "type": "parole_granted", "on": "2026-11-16", "valid_until": "2027-11-15" }),
    );
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    for (what, part) in [
        ("the banner", page.split("id=\"escalations-h\"").next().unwrap_or_default()),
        ("the deadlines", section(&page, "status-h")),
    ] {
        assert!(!part.contains("Depart by"), "{what} still says depart by: {part}");
    }
    let timeline = section(&page, "timeline-h");
    assert!(timeline.contains("departure date of December 2, 2026 no longer applies"), "{timeline}");
    assert!(!timeline.contains("depart by"), "{timeline}");
    let print = app.get(&format!("/cases/{}/print", case.id), &case.session).body;
    assert!(!print.to_lowercase().contains("depart by"), "the print view has no form: {print}");
    for month in ["2026-11", "2026-12"] {
        let calendar = app.get(&format!("/calendar?month={month}"), &case.session).body;
        assert!(!calendar.contains("Depart by"), "the calendar of {month}: {calendar}");
    }
    let board = app.get("/triage", &case.session).body;
    assert!(!board.contains("Depart by") && !board.contains("depart by"), "{board}");
    let letter = app.get(&format!("/cases/{}/letter?lang=en", case.id), &case.session).body;
    assert!(!letter.to_lowercase().contains("depart by"), "{letter}");
}

fn a_termination_without_an_effective_date_says_why(db: &TestDatabase) {
    let app = app_today(db);
    let case = open_case(&app);
    recorded(
        &app,
        &case,
        json!({ "type": "parole_granted", "on": "2026-07-01", "valid_until": "2027-06-30" }),
    );
    recorded(
        &app,
        &case,
        json!({ "type": "termination_notice", "on": "2026-11-02", "served_by": "personal" }),
    );
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    let status = section(&page, "status-h");
    assert!(
        status.contains("date, 2026-11-02, is assumed: check the notice and record its effective date."),
        "the why says the notice date was assumed: {status}"
    );
}

fn coverage_is_shown_per_person_in_both_languages(db: &TestDatabase) {
    let app = app_today(db);
    let case = open_case(&app);
    recorded(
        &app,
        &case,
        json!({ "type": "parole_granted", "on": "2026-11-16", "valid_until": "2027-11-15" }),
    );
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    let panel = section(&page, "coverage-h");
    for expected in [
        "id=\"coverage-h\">Health coverage</h2>",
        "<h3>Lucía Ejemplo</h3>",
        "<h3>Rosa Ejemplo</h3>",
        "<dt>Qualified alien</dt>",
        "<dt>Cuban/Haitian entrant</dt>",
        "<dt>Federal Medicaid and CHIP</dt>",
        "<dt>Source</dt>",
    ] {
        assert!(panel.contains(expected), "the panel lacks {expected:?}: {panel}");
    }
    assert_eq!(panel.matches("<dl class=\"facts\">").count(), 2, "one list per person");
    assert!(panel.contains("U.S.C."), "a citation: {panel}");

    let switched = app.post_form("/language", &case.session, &[("csrf", &case.csrf), ("language", "es")]);
    assert_eq!(switched.status, 303);
    let spanish = app.get(&format!("/cases/{}", case.id), &case.session).body;
    let panel = section(&spanish, "coverage-h");
    for expected in ["Cobertura de salud", "<dt>Extranjero calificado</dt>", "<dt>Motivo</dt>"] {
        assert!(panel.contains(expected), "the Spanish panel lacks {expected:?}: {panel}");
    }
    assert!(!panel.contains("Qualified alien"), "{panel}");

    // A clinician sees it only on a case shared with them.
    crate::support::add_user(db, "clinic-a", "dr@a.example.org", "Clinician", "clinician");
    let (clinician, _) = app.sign_in("dr@a.example.org", PASSWORD);
    assert_eq!(app.get(&format!("/cases/{}", case.id), &clinician).status, 404);
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let dr = store.users(&org.id).unwrap().into_iter().find(|u| u.email == "dr@a.example.org").unwrap();
    let share = json!({ "clinician": dr.id.as_str(), "shared": true });
    let shared =
        app.post_json(&format!("/api/v1/cases/{}/shares", case.id), &case.session, &case.csrf, &share);
    assert_eq!(shared.status, 200, "{}", shared.body);
    let seen = app.get(&format!("/cases/{}", case.id), &clinician).body;
    assert!(section(&seen, "coverage-h").contains("<h3>Lucía Ejemplo</h3>"), "{seen}");
}

fn an_advisory_deadline_is_never_shown_as_overdue(db: &TestDatabase) {
    let app = app_today(db);
    let case = open_case(&app);
    // Arrived over a year ago and paroled today: the asylum one-year date is advisory.
    recorded(&app, &case, json!({ "type": "arrived", "on": "2025-06-03" }));
    recorded(
        &app,
        &case,
        json!({ "type": "parole_granted", "on": "2026-06-20", "valid_until": "2027-06-19" }),
    );
    let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
    let status = section(&page, "status-h");
    let item_start = status.find("June 3, 2026</strong>").unwrap_or_else(|| panic!("{status}"));
    let item = &status[item_start..];
    let item = &item[..item.find("</li>").unwrap()];
    assert!(item.contains("advisory: shown for its why, never overdue"), "{item}");
    assert!(!item.contains("class=\"tag\">past"), "{item}");
    let li = &status[..item_start];
    assert!(li.ends_with("<li>\n      <strong>"), "not styled as past: {li}");
    let print = app.get(&format!("/cases/{}/print", case.id), &case.session).body;
    assert!(print.contains("[advisory: shown for its why, never overdue]"), "{print}");
}

/// Fields typed in the event form, the field the refusal names, its English sentence, its Spanish one.
type Refusal<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str, &'a str);

fn the_event_form_names_each_refused_field_in_both_languages(db: &TestDatabase) {
    let app = app_today(db);
    let case = open_case(&app);
    let long_note = "n".repeat(4_001);
    let cases: [Refusal<'_>; 4] = [
        (
            &[
                ("ev-type", "fee_notice"),
                ("ev-on", "2026-11-02"),
                ("ev-pay_by", "2026-12-02"),
                ("ev-amount", "12.345"),
            ],
            "ev-amount",
            "“12.345” is not an amount",
            "«12.345» no es un importe",
        ),
        (
            &[("ev-type", "departed"), ("ev-on", "1899-12-31")],
            "ev-on",
            "outside the dates accepted",
            "fuera de las fechas aceptadas",
        ),
        (
            &[("ev-type", "medical_attested"), ("ev-on", "2026-11-02"), ("ev-note", &long_note)],
            "ev-note",
            "At most 4,000 characters.",
            "Como máximo 4000 caracteres.",
        ),
        (
            &[
                ("ev-type", "parole_granted"),
                ("ev-on", "2025-06-03"),
                ("ev-valid_until", "2026-08-02"),
                ("ev-supersedes", "e1"),
            ],
            "ev-supersedes",
            "Event “e1” is already corrected by another event",
            "El evento «e1» ya está corregido",
        ),
    ];
    for language in ["en", "es"] {
        let switched =
            app.post_form("/language", &case.session, &[("csrf", &case.csrf), ("language", language)]);
        assert_eq!(switched.status, 303);
        for (typed, field, english, spanish) in &cases {
            let page = app.get(&format!("/cases/{}", case.id), &case.session).body;
            let version = hidden_field(&page, "version");
            let mut form = vec![("csrf", case.csrf.as_str()), ("version", version.as_str())];
            form.extend(typed.iter().copied());
            let refused = app.post_form(&format!("/cases/{}/events", case.id), &case.session, &form);
            assert_eq!(refused.status, 422, "{field}: {}", refused.body);
            assert!(
                refused.body.contains(&format!("href=\"#{field}\"")),
                "{field} is named: {}",
                refused.body
            );
            let sentence = if language == "en" { english } else { spanish };
            assert!(refused.body.contains(sentence), "{language} {field}: {}", refused.body);
        }
    }
    let (_, version) = app.case_id(&case.session, "A-1");
    assert_eq!(version, 1, "nothing was written");
}
