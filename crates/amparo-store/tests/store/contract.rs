//! The contract every backend must keep. Each test below runs once on SQLite and once on PostgreSQL
//! (see `amparo_store::testing` for when PostgreSQL is skipped).

use std::sync::{Arc, Barrier};

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Language, Policy, Problem};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{event, new_user, now, org};

fn case_file(reference: &str, family: &str) -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": family,
                  "birth_date": "2021-03-02", "a_number": "A012345678", "citizenship": "HN",
                  "preferred_language": "es" },
                { "key": "m1", "role": "parent", "given_name": "Tomás", "family_name": family }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "hours_per_day": 14,
                         "available_in_origin_country": false, "days_to_critical_harm": 3,
                         "attested_on": "2026-01-10" }
        },
        "events": [
            { "id": "e1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" },
            { "id": "e2", "type": "rfe_received", "on": "2026-02-09", "served_by": "mail" }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

amparo_store::on_both_backends!(
    case_list_keys_follow_the_timeline_and_paging_is_bounded,
    upcoming_deadlines_are_the_first_distinct_lines_of_the_window,
    migrations_are_idempotent,
    organisations_have_unique_slugs,
    users_and_credentials,
    users_choose_their_language,
    sessions_round_trip,
    imported_cases_read_back_identically,
    import_is_all_or_nothing,
    appending_bumps_the_version,
    stale_writes_are_refused,
    invalid_events_write_nothing,
    organisations_are_isolated,
    concurrent_writers_exactly_one_wins,
    case_list_searches_and_pages,
    stored_deadlines_follow_every_write,
    deadline_queries_filter_by_range_kind_and_organisation,
    policy_changes_rederive_every_case,
    refresh_catches_up_with_the_calendar,
    changed_rules_rederive_every_case,
    refresh_covers_more_cases_than_one_batch,
);

fn refresh_covers_more_cases_than_one_batch(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let files: Vec<CaseFile> = (0..600).map(|n| case_file(&format!("R-{n:04}"), "Ejemplo")).collect();
    store.import_cases(&a, &files, None, now()).unwrap();
    assert_eq!(
        store.refresh_derived(&a, date("2026-07-01"), now()).unwrap(),
        600,
        "every case, across batches"
    );
    assert_eq!(store.refresh_derived(&a, date("2026-07-01"), now()).unwrap(), 0);
    let presence = DeadlineQuery {
        from: date("2000-01-01"),
        to: date("2099-12-31"),
        kind: Some("unlawful_presence_181".into()),
    };
    let counted = store.deadlines_due(&a, &presence).unwrap();
    assert_eq!(counted.len(), 1200, "both people of every case; the child's count starts at 18");
}

fn upcoming_deadlines_are_the_first_distinct_lines_of_the_window(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let files: Vec<CaseFile> = (0..6).map(|n| case_file(&format!("UP-{n}"), "Ejemplo")).collect();
    store.import_cases(&a, &files, None, now()).unwrap();
    let (from, to) = (date("2026-01-01"), date("2026-12-31"));
    // What the full query says, one line per case, kind and day (both people share each date).
    let mut all = store.deadlines_due(&a, &DeadlineQuery { from, to, kind: None }).unwrap();
    all.dedup_by(|later, earlier| {
        later.case_id == earlier.case_id && later.kind == earlier.kind && later.due == earlier.due
    });
    assert!(all.len() > 10, "{}", all.len());
    let upcoming = store.upcoming_deadlines(&a, (from, to), None, (10, 1000)).unwrap();
    assert_eq!(upcoming.total, all.len() as i64);
    // Counted up to a cap: beyond it the total reads one more than the cap.
    let capped = store.upcoming_deadlines(&a, (from, to), None, (10, 5)).unwrap();
    assert_eq!((capped.total, capped.first.len()), (6, 10), "the first lines are not capped");
    let exact = store.upcoming_deadlines(&a, (from, to), None, (10, all.len() as i64)).unwrap();
    assert_eq!(exact.total, all.len() as i64);
    let lines: Vec<(String, String, amparo_domain::Date)> =
        upcoming.first.iter().map(|d| (d.reference.clone(), d.kind.clone(), d.due)).collect();
    let expected: Vec<(String, String, amparo_domain::Date)> =
        all.iter().take(10).map(|d| (d.reference.clone(), d.kind.clone(), d.due)).collect();
    assert_eq!(lines, expected);
    // A clinician's view holds only the cases shared with them.
    let clinician = store.create_user(&a, &new_user("dr@a.example", UserRole::Clinician), now()).unwrap();
    let none = store.upcoming_deadlines(&a, (from, to), Some(&clinician.id), (10, 1000)).unwrap();
    assert_eq!((none.first.len(), none.total), (0, 0));
    let shared = store.case_by_reference(&a, "UP-3").unwrap().unwrap().id;
    store.set_case_shared(&a, &shared, &clinician.id, true, None, now()).unwrap();
    let theirs = store.upcoming_deadlines(&a, (from, to), Some(&clinician.id), (100, 1000)).unwrap();
    assert!(theirs.total > 0 && theirs.first.iter().all(|d| d.case_id == shared));
    assert_eq!(theirs.total, all.iter().filter(|d| d.case_id == shared).count() as i64);
}

fn changed_rules_rederive_every_case(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap();
    let rfe_due = |store: &Store| {
        all_year(store, &a).into_iter().find(|d| d.kind == "rfe_response_due").map(|d| d.due.to_string())
    };
    assert_eq!(rfe_due(&store).as_deref(), Some("2026-05-07"));
    // Reopening with the same rules changes nothing.
    let same = open_with_rules(&db.url, Rules::builtin().unwrap(), db.sealer()).unwrap();
    assert_eq!(same.refresh_derived(&a, date("2026-03-01"), now()).unwrap(), 0);
    // An operator's rule set with a longer RFE period: every case is re-derived under it.
    let text = amparo_domain::rules::BUILTIN_TOML.replacen("days = 84", "days = 90", 1);
    let changed = open_with_rules(
        &db.url,
        Rules::from_toml(&text, amparo_domain::triage::BUILTIN_ESCALATION_TOML).unwrap(),
        db.sealer(),
    )
    .unwrap();
    assert_eq!(changed.refresh_derived(&a, date("2026-03-01"), now()).unwrap(), 1);
    assert_eq!(rfe_due(&changed).as_deref(), Some("2026-05-13"), "90 + 3 days from 2026-02-09, a Wednesday");
    let bad = Rules::from_toml("id = 'broken'", amparo_domain::triage::BUILTIN_ESCALATION_TOML);
    assert!(matches!(bad, Err(StoreError::Invalid(ref m)) if m.starts_with("rule set:")), "{:?}", bad.err());
}

fn all_year(store: &Store, org: &OrgId) -> Vec<DueDeadline> {
    let query = DeadlineQuery { from: date("2000-01-01"), to: date("2099-12-31"), kind: None };
    store.deadlines_due(org, &query).unwrap()
}

fn date(text: &str) -> amparo_domain::Date {
    text.parse().unwrap()
}

/// The stored rows must be exactly what the rules engine derives for the case as it now stands.
fn assert_stored_matches_derivation(store: &Store, org: &OrgId, id: &CaseId, today: &str, policy: &Policy) {
    let stored_case = store.case(org, id).unwrap().unwrap();
    let rules = amparo_domain::RuleSet::builtin().unwrap();
    let derivation = amparo_domain::derive(&stored_case.file, date(today), policy, rules);
    let stored: Vec<(String, Option<String>, String, String)> = all_year(store, org)
        .into_iter()
        .filter(|d| &d.case_id == id)
        .map(|d| (d.kind, d.person, d.due.to_string(), d.why))
        .collect();
    let mut expected: Vec<(String, Option<String>, String, String)> = derivation
        .deadlines
        .iter()
        .map(|d| (d.kind.as_str().to_owned(), d.person.clone(), d.due.to_string(), d.why.clone()))
        .collect();
    let mut stored_sorted = stored.clone();
    stored_sorted.sort();
    expected.sort();
    assert_eq!(stored_sorted, expected);
    assert!(!expected.is_empty());
}

fn stored_deadlines_follow_every_write(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let id = store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap().remove(0);
    let policy = Policy::default();
    assert_stored_matches_derivation(&store, &a, &id, "2026-03-01", &policy);
    let kinds = |store: &Store| all_year(store, &a).into_iter().map(|d| d.kind).collect::<Vec<_>>();
    assert!(kinds(&store).contains(&"rfe_response_due".to_owned()));

    let answered = event(serde_json::json!({ "id": "e3", "type": "rfe_answered", "on": "2026-03-01" }));
    store.append_event(&a, &id, 1, &answered, None, now()).unwrap();
    assert!(!kinds(&store).contains(&"rfe_response_due".to_owned()), "an answered RFE is no longer due");
    assert_stored_matches_derivation(&store, &a, &id, "2026-03-01", &policy);

    let correction = event(serde_json::json!({
        "id": "e4", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-09-30", "supersedes": "e1"
    }));
    store.append_event(&a, &id, 2, &correction, None, now()).unwrap();
    let ends: Vec<String> = all_year(&store, &a)
        .into_iter()
        .filter(|d| d.kind == "parole_ends")
        .map(|d| d.due.to_string())
        .collect();
    assert_eq!(ends, ["2026-09-30", "2026-09-30"], "the correction replaced the superseded grant's end");
    assert_stored_matches_derivation(&store, &a, &id, "2026-03-01", &policy);

    let refused = event(serde_json::json!({ "type": "departed", "on": "2026-03-02", "persons": ["nobody"] }));
    assert!(store.append_event(&a, &id, 3, &refused, None, now()).is_err());
    assert_stored_matches_derivation(&store, &a, &id, "2026-03-01", &policy);
}

fn deadline_queries_filter_by_range_kind_and_organisation(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let b = org(&store, "org-b");
    store.import_cases(&a, &[case_file("A-2", "Ejemplo"), case_file("A-1", "Prueba")], None, now()).unwrap();
    store.import_cases(&b, &[case_file("B-1", "Otra")], None, now()).unwrap();
    let june = DeadlineQuery { from: date("2026-06-01"), to: date("2026-06-30"), kind: None };
    let due = store.deadlines_due(&a, &june).unwrap();
    assert!(!due.is_empty());
    assert!(due.iter().all(|d| d.due >= june.from && d.due <= june.to), "{due:?}");
    assert!(due.iter().all(|d| d.reference.starts_with("A-")), "only the organisation's own cases");
    let order: Vec<(String, String, String)> =
        due.iter().map(|d| (d.due.to_string(), d.kind.clone(), d.reference.clone())).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "sorted by due, kind, reference");
    let rfe = DeadlineQuery {
        from: date("2026-01-01"),
        to: date("2026-12-31"),
        kind: Some("rfe_response_due".into()),
    };
    let rfes = store.deadlines_due(&a, &rfe).unwrap();
    assert_eq!(rfes.iter().map(|d| d.reference.as_str()).collect::<Vec<_>>(), ["A-1", "A-2"]);
    assert_eq!(rfes[0].due.to_string(), "2026-05-07", "84 + 3 mailing days from 2026-02-09");
    assert_eq!(rfes[0].rule, "rfe.response");
    assert_eq!(rfes[0].basis, "law");
    assert!(rfes[0].citation.contains("103.2(b)(8)(iv)"));
    assert_eq!(store.deadlines_due(&b, &rfe).unwrap().len(), 1);
}

fn policy_changes_rederive_every_case(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let id = store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap().remove(0);
    assert_eq!(store.policy(&a).unwrap(), Policy::default());
    let target = |store: &Store| {
        all_year(store, &a).into_iter().find(|d| d.kind == "re_parole_file_by").map(|d| d.due.to_string())
    };
    assert_eq!(target(&store).as_deref(), Some("2026-03-04"), "90 days before 2026-06-02");
    let policy = Policy { re_parole_lead_days: 120, ..Policy::default() };
    assert_eq!(store.set_policy(&a, &policy, now()).unwrap(), 1);
    assert_eq!(store.policy(&a).unwrap(), policy);
    assert_eq!(target(&store).as_deref(), Some("2026-02-02"), "120 days before 2026-06-02");
    assert_stored_matches_derivation(&store, &a, &id, "2026-03-01", &policy);
    let missing = store.set_policy(&OrgId("nope".into()), &policy, now());
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");
}

fn refresh_catches_up_with_the_calendar(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let id = store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap().remove(0);
    let has_presence = |store: &Store| all_year(store, &a).iter().any(|d| d.kind == "unlawful_presence_181");
    assert!(!has_presence(&store), "parole has not ended on 2026-03-01");
    assert_eq!(
        store.refresh_derived(&a, date("2026-03-01"), now()).unwrap(),
        0,
        "nothing is stale the same day"
    );
    assert_eq!(store.refresh_derived(&a, date("2026-07-01"), now()).unwrap(), 1);
    assert!(has_presence(&store), "after parole ended, days of unlawful presence are counted");
    assert_stored_matches_derivation(&store, &a, &id, "2026-07-01", &Policy::default());
    assert_eq!(store.refresh_derived(&a, date("2026-07-01"), now()).unwrap(), 0);
}

fn migrations_are_idempotent(db: &TestDatabase) {
    let store = db.store();
    let again = store.migrate().unwrap();
    assert!(again.applied.is_empty(), "second migrate applied {:?}", again.applied);
    assert_eq!(again.from, again.to);
    store.ping().unwrap();
}

fn organisations_have_unique_slugs(db: &TestDatabase) {
    let store = db.store();
    org(&store, "clinic-a");
    let err = store
        .create_organisation(&NewOrganisation { slug: "clinic-a".into(), name: "Again".into() }, now())
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(ref m) if m.contains("clinic-a")), "{err:?}");
    assert_eq!(store.organisations().unwrap().len(), 1);
}

fn users_choose_their_language(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let b = org(&store, "org-b");
    let user = store.create_user(&a, &new_user("ana@example.org", UserRole::Attorney), now()).unwrap();
    assert_eq!(user.language, Language::Es);
    store.set_user_language(&a, &user.id, Language::En).unwrap();
    assert_eq!(store.user(&a, &user.id).unwrap().unwrap().language, Language::En);
    let elsewhere = store.set_user_language(&b, &user.id, Language::Es).unwrap_err();
    assert!(matches!(elsewhere, StoreError::NotFound(_)), "another organisation's user: {elsewhere:?}");
    assert_eq!(store.user(&a, &user.id).unwrap().unwrap().language, Language::En, "left unchanged");
}

fn users_and_credentials(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let user = store.create_user(&a, &new_user("ana@example.org", UserRole::Attorney), now()).unwrap();
    assert_eq!(user.role, UserRole::Attorney);
    assert_eq!(user.language, Language::Es);
    let creds = store.credentials_by_email("ana@example.org").unwrap().unwrap();
    assert_eq!(creds.user, user);
    assert_eq!(creds.password_hash, "$argon2id$fake");
    assert!(store.credentials_by_email("nobody@example.org").unwrap().is_none());
    let dup = store.create_user(&a, &new_user("ana@example.org", UserRole::Viewer), now()).unwrap_err();
    assert!(matches!(dup, StoreError::Duplicate(_)), "{dup:?}");
    store.set_password(&a, &user.id, "$argon2id$other").unwrap();
    assert_eq!(
        store.credentials_by_email("ana@example.org").unwrap().unwrap().password_hash,
        "$argon2id$other"
    );
    assert_eq!(store.users(&a).unwrap(), vec![user]);
    let missing =
        store.create_user(&OrgId("no-such-org".into()), &new_user("x@example.org", UserRole::Admin), now());
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");
}

fn sessions_round_trip(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let user = store.create_user(&a, &new_user("s@example.org", UserRole::Advocate), now()).unwrap();
    let session = SessionRecord {
        token_hash: "hash-1".into(),
        org_id: a.clone(),
        user_id: user.id.clone(),
        csrf_token: "csrf".into(),
        created_at: now(),
        last_seen_at: now(),
        stage: SessionStage::SecondFactor,
    };
    store.create_session(&session).unwrap();
    assert_eq!(store.session(&a, "hash-1").unwrap().unwrap(), session);
    let later = now() + chrono::Duration::minutes(5);
    store.touch_session(&a, "hash-1", later).unwrap();
    assert_eq!(store.session(&a, "hash-1").unwrap().unwrap().last_seen_at, later);
    store.delete_session(&a, "hash-1").unwrap();
    assert!(store.session(&a, "hash-1").unwrap().is_none());
}

fn imported_cases_read_back_identically(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let files = vec![case_file("A-1", "Ejemplo"), case_file("A-2", "Prueba")];
    let ids = store.import_cases(&a, &files, None, now()).unwrap();
    assert_eq!(ids.len(), 2);
    let stored = store.case(&a, &ids[0]).unwrap().unwrap();
    assert_eq!(stored.file, files[0]);
    assert_eq!(stored.version, 1);
    assert_eq!(stored.file.to_json(), files[0].to_json());
    let by_ref = store.case_by_reference(&a, "A-2").unwrap().unwrap();
    assert_eq!(by_ref.id, ids[1]);
    assert_eq!(by_ref.file, files[1]);
    let refs: Vec<String> = store.case_references(&a).unwrap().into_iter().map(|(_, r)| r).collect();
    assert_eq!(refs, ["A-1", "A-2"]);
}

fn import_is_all_or_nothing(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap();
    let batch = vec![case_file("A-2", "Prueba"), case_file("A-1", "Otra"), case_file("A-3", "Más")];
    let err = store.import_cases(&a, &batch, None, now()).unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(ref m) if m.contains("A-1")), "{err:?}");
    assert!(store.case_by_reference(&a, "A-2").unwrap().is_none(), "a refused batch left a case behind");
    assert_eq!(store.list_cases(&a, &CaseQuery::default()).unwrap().total, 1);
}

fn appending_bumps_the_version(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let user = store.create_user(&a, &new_user("w@example.org", UserRole::Attorney), now()).unwrap();
    let id = store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap().remove(0);
    let answered = event(serde_json::json!({ "id": "e3", "type": "rfe_answered", "on": "2026-03-01" }));
    assert_eq!(store.append_event(&a, &id, 1, &answered, Some(&user.id), now()).unwrap(), 2);
    let correction = event(serde_json::json!({
        "id": "e4", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-07-02", "supersedes": "e1"
    }));
    assert_eq!(store.append_event(&a, &id, 2, &correction, Some(&user.id), now()).unwrap(), 3);
    let stored = store.case(&a, &id).unwrap().unwrap();
    assert_eq!(stored.version, 3);
    assert_eq!(stored.file.events.len(), 4);
    assert_eq!(stored.file.events[2], answered);
    assert_eq!(stored.file.events[3], correction, "events come back in the order they were written");
}

fn stale_writes_are_refused(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let id = store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap().remove(0);
    let e = event(serde_json::json!({ "type": "rfe_answered", "on": "2026-03-01" }));
    store.append_event(&a, &id, 1, &e, None, now()).unwrap();
    let err = store.append_event(&a, &id, 1, &e, None, now()).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { expected: 1, actual: 2 }), "{err:?}");
    assert_eq!(store.case(&a, &id).unwrap().unwrap().file.events.len(), 3);
    let missing = store.append_event(&a, &CaseId("nope".into()), 1, &e, None, now()).unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
}

fn invalid_events_write_nothing(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let id = store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap().remove(0);
    let refusals = [
        (
            serde_json::json!({ "type": "departed", "on": "2026-03-01", "persons": ["z9"] }),
            "event.persons[0]",
        ),
        (serde_json::json!({ "id": "e1", "type": "fee_paid", "on": "2026-03-01" }), "event.id"),
        (
            serde_json::json!({ "type": "fee_paid", "on": "2026-03-01", "supersedes": "e7" }),
            "event.supersedes",
        ),
    ];
    for (json, path) in refusals {
        let err = store.append_event(&a, &id, 1, &event(json), None, now()).unwrap_err();
        assert!(err.to_string().starts_with(path), "expected {path}, got {err}");
    }
    let stored = store.case(&a, &id).unwrap().unwrap();
    assert_eq!((stored.version, stored.file.events.len()), (1, 2));
}

fn organisations_are_isolated(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let b = org(&store, "org-b");
    let id = store.import_cases(&a, &[case_file("SAME-1", "Ejemplo")], None, now()).unwrap().remove(0);
    // The same reference may exist in another organisation: references are per organisation.
    store.import_cases(&b, &[case_file("SAME-1", "Otra")], None, now()).unwrap();
    assert!(store.case(&b, &id).unwrap().is_none());
    assert_eq!(
        store.case_by_reference(&b, "SAME-1").unwrap().unwrap().file.case.people[0].family_name,
        "Otra"
    );
    let e = event(serde_json::json!({ "type": "rfe_answered", "on": "2026-03-01" }));
    assert!(matches!(store.append_event(&b, &id, 1, &e, None, now()), Err(StoreError::NotFound(_))));
    assert_eq!(store.list_cases(&b, &CaseQuery::default()).unwrap().total, 1);
    assert_eq!(store.case_references(&b).unwrap().len(), 1);
}

fn concurrent_writers_exactly_one_wins(db: &TestDatabase) {
    const WRITERS: usize = 8;
    let store = db.store();
    let a = org(&store, "org-a");
    let id = store.import_cases(&a, &[case_file("A-1", "Ejemplo")], None, now()).unwrap().remove(0);
    let barrier = Arc::new(Barrier::new(WRITERS));
    let outcomes: Vec<Result<i64, StoreError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|n| {
                let (store, a, id, barrier) = (store.clone(), a.clone(), id.clone(), barrier.clone());
                scope.spawn(move || {
                    let e = event(serde_json::json!({ "id": format!("w{n}"), "type": "rfe_answered", "on": "2026-03-01" }));
                    barrier.wait();
                    store.append_event(&a, &id, 1, &e, None, now())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wins = outcomes.iter().filter(|o| o.is_ok()).count();
    let conflicts = outcomes.iter().filter(|o| matches!(o, Err(StoreError::Conflict { .. }))).count();
    assert_eq!((wins, conflicts), (1, WRITERS - 1), "{outcomes:?}");
    let stored = store.case(&a, &id).unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.file.events.len(), 3, "exactly the winner's event was added");
}

fn case_list_searches_and_pages(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let files: Vec<CaseFile> = (1..=12)
        .map(|n| case_file(&format!("L-{n:02}"), if n % 3 == 0 { "Zamora" } else { "Ejemplo" }))
        .collect();
    store.import_cases(&a, &files, None, now()).unwrap();
    let page = store
        .list_cases(&a, &CaseQuery { search: None, offset: 10, limit: 5, ..CaseQuery::default() })
        .unwrap();
    assert_eq!(page.total, 12);
    assert_eq!(page.cases.iter().map(|c| c.reference.as_str()).collect::<Vec<_>>(), ["L-11", "L-12"]);
    assert_eq!(page.cases[0].people, 2);
    let zamora =
        store.list_cases(&a, &CaseQuery { search: Some("zam".into()), ..CaseQuery::default() }).unwrap();
    assert_eq!(zamora.total, 4);
    assert!(zamora.cases.iter().all(|c| c.patient_name == "Nina Zamora"));
    let by_ref =
        store.list_cases(&a, &CaseQuery { search: Some("l-0".into()), ..CaseQuery::default() }).unwrap();
    assert_eq!(by_ref.total, 9);
    let wildcard =
        store.list_cases(&a, &CaseQuery { search: Some("%".into()), ..CaseQuery::default() }).unwrap();
    assert_eq!(wildcard.total, 12, "a bare wildcard is stripped, not interpreted");
}

fn case_list_keys_follow_the_timeline_and_paging_is_bounded(db: &TestDatabase) {
    let store = db.store();
    let a = org(&store, "org-a");
    let files = [case_file("K-2", "Muñoz"), case_file("K-1", "Álvarez"), case_file("K-3", "Zamora")];
    let ids = store.import_cases(&a, &files, None, now()).unwrap();
    let list = |query: CaseQuery| {
        store.list_cases(&a, &query).unwrap().cases.into_iter().map(|c| c.reference).collect::<Vec<_>>()
    };
    // Patients sort with accents folded: Álvarez, Muñoz, Zamora.
    assert_eq!(list(CaseQuery { sort: CaseSort::Patient, ..CaseQuery::default() }), ["K-1", "K-2", "K-3"]);
    assert_eq!(
        list(CaseQuery { sort: CaseSort::Patient, descending: true, ..CaseQuery::default() }),
        ["K-3", "K-2", "K-1"]
    );
    assert_eq!(list(CaseQuery { search: Some("alvarez".into()), ..CaseQuery::default() }), ["K-1"]);
    // Paroled until 2026-06-02 as of 2026-03-01; the status follows the timeline as an event lands.
    let paroled = CaseQuery { status: Some(amparo_domain::Status::Paroled), ..CaseQuery::default() };
    assert_eq!(list(paroled.clone()).len(), 3);
    let termination = event(serde_json::json!(
        { "id": "t1", "type": "termination_notice", "on": "2026-02-20", "served_by": "mail", "effective": "2026-02-25" }
    ));
    store.append_event(&a, &ids[0], 1, &termination, None, now()).unwrap();
    assert_eq!(list(paroled), ["K-1", "K-3"]);
    let terminated = CaseQuery { status: Some(amparo_domain::Status::Terminated), ..CaseQuery::default() };
    assert_eq!(list(terminated), ["K-2"]);
    assert_eq!(
        list(CaseQuery { program: Some(amparo_domain::Program::U4u), ..CaseQuery::default() }).len(),
        0
    );
    assert_eq!(list(CaseQuery { critical_only: true, ..CaseQuery::default() }).len(), 3);
    let too_far = CaseQuery { offset: CASE_LIST_MAX_OFFSET + 1, ..CaseQuery::default() };
    assert!(
        matches!(store.list_cases(&a, &too_far), Err(StoreError::Field { path, problem: Problem::WholeNumberBetween { .. } }) if path == "offset")
    );
}
