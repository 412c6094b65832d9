//! The deadlines of a window through the API: the reader's cases only (another organisation's
//! never, a clinician's unshared cases never), paged with the shared envelope, a bad window refused
//! with the parameter named, and every read audited.

use crate::support::{PASSWORD, RouterApp, add_user};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(a_window_of_deadlines_is_paged_within_the_data_rules);

fn a_window_of_deadlines_is_paged_within_the_data_rules(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (ana, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let year = "/api/v1/deadlines?from=2026-01-01&to=2026-12-31";
    let all = app.get(year, &ana);
    assert_eq!(all.status, 200, "{}", all.body);
    let all = all.json();
    let items = all["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{all}");
    assert_eq!(all["total"].as_u64().unwrap() as usize, items.len());
    assert!(items.iter().all(|d| d["reference"] == "A-1"), "clinic A's only: {all}");
    assert!(items.iter().any(|d| d["kind"] == "parole_ends" && d["due"] == "2026-07-02"), "{all}");
    let dues: Vec<&str> = items.iter().map(|d| d["due"].as_str().unwrap()).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "soonest first: {dues:?}");

    // Paged: the second page of one holds the second deadline.
    assert!(items.len() > 1, "{all}");
    // The first page of one links the second, keeping the request's parameters; following it
    // gives the second deadline.
    let first = app.get(&format!("{year}&per_page=1"), &ana).json();
    let next = first["next"].as_str().expect("a page after the first").to_owned();
    assert!(next.starts_with("/api/v1/deadlines?") && next.ends_with("&page=2"), "{next}");
    assert!(next.contains("per_page=1"), "{next}");
    let second = app.get(&next, &ana).json();
    let last = app.get(&format!("{year}&per_page={}", items.len()), &ana).json();
    assert_eq!(last["next"], serde_json::Value::Null, "one page holds them all");
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0], items[1]);
    assert_eq!(second["total"], all["total"]);

    // One kind only.
    let parole = app.get(&format!("{year}&kind=parole_ends"), &ana).json();
    assert!(parole["items"].as_array().unwrap().iter().all(|d| d["kind"] == "parole_ends"), "{parole}");

    // A clinician sees the deadlines of cases shared with them only: none here.
    add_user(db, "clinic-a", "dr@a.example.org", "Dora Clinician", "clinician");
    let (dora, _) = app.sign_in("dr@a.example.org", PASSWORD);
    assert_eq!(app.get(year, &dora).json()["items"], serde_json::json!([]));

    // A window too long, backwards, or not a date is refused, naming the parameter.
    for (query, starts) in [
        ("?from=2026-01-01&to=2027-06-01", "to: a window is at most 366 days"),
        ("?from=2026-05-01&to=2026-04-01", "to: the window ends before it starts"),
        ("?from=2026-02-30", "from: "),
        ("?color=red", "color"),
    ] {
        let refused = app.get(&format!("/api/v1/deadlines{query}"), &ana);
        assert_eq!(refused.status, 422, "{query}: {}", refused.body);
        let message = refused.json()["message"].as_str().unwrap().to_owned();
        assert!(message.starts_with(starts), "{query}: {message}");
    }

    // Each read is in the trail.
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let query =
        amparo_store::AuditQuery { action: Some("deadlines.read".into()), limit: 100, ..Default::default() };
    assert!(store.audit_page(&org.id, &query).unwrap().entries.len() >= 3);
}
