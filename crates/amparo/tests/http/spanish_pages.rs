//! Pages read wholly in Spanish: an escalation's reason writes its dates as Spanish prose (never ISO
//! next to "2 de julio de 2026"), its checklist does not say a long-ended parole ends soon, why it
//! closed is translated, and critical care has one name.

use amparo_store::testing::TestDatabase;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use crate::support::snapshots::seed_at;
use crate::support::{PASSWORD, RouterApp};

amparo_store::on_both_backends!(an_escalation_reads_wholly_in_spanish_open_and_closed);

fn today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

fn an_escalation_reads_wholly_in_spanish_open_and_closed(db: &TestDatabase) {
    seed_at(db, today());
    let app = RouterApp::at(db, tempfile::tempdir().unwrap(), today());
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let fields = [("csrf", csrf.as_str()), ("language", "es"), ("back", "/")];
    assert_eq!(app.post_form("/language", &session, &fields).status, 303);
    let (id, version) = app.case_id(&session, "A-1");
    let case = format!("/cases/{id}");

    // A-1 is critical care and its parole ended on July 2, 2026 with nothing filed.
    let page = app.get(&case, &session).body;
    let escalations =
        &page[page.find("id=\"escalations-h\"").unwrap()..page.find("id=\"assigned-h\"").unwrap()];
    assert!(
        escalations.contains(
            "caso de cuidados críticos: el permiso humanitario (parole) venció el 2 de julio de 2026"
        ),
        "{escalations}"
    );
    assert!(!escalations.contains("2026-07-02"), "no ISO date in Spanish prose: {escalations}");
    assert!(!page.contains("atención crítica"), "critical care has one name: {page}");
    // Its checklist does not say parole ends soon: it ended months ago.
    assert!(
        escalations.contains(
            "que el permiso humanitario (parole) venció el 2 de julio de 2026, y qué se está haciendo"
        ),
        "{escalations}"
    );
    assert!(!escalations.contains("vence pronto"), "{escalations}");

    let body =
        json!({ "expected_version": version, "event": { "type": "re_parole_filed", "on": "2026-11-19" } });
    let filed = app.post_json(&format!("/api/v1/cases/{id}/events"), &session, &csrf, &body);
    assert_eq!(filed.status, 201, "{}", filed.body);
    let page = app.get(&case, &session).body;
    let escalations =
        &page[page.find("id=\"escalations-h\"").unwrap()..page.find("id=\"assigned-h\"").unwrap()];
    assert!(
        escalations.contains("Escalamiento cerrado") || escalations.contains("cerrado el"),
        "{escalations}"
    );
    assert!(escalations.contains(": resuelto por la cronología"), "{escalations}");
    assert!(!escalations.contains("resolved by the timeline"), "{escalations}");
}
