//! Triage and the critical-care protocol, on both backends: the board's order, escalations opened in
//! the same write as the notice that triggers them, checklists, tasks and programme-wide reviews.

use amparo_domain::identifiers::IdentifierError;
use amparo_domain::org::UserRole;
use amparo_domain::triage::{EscalationTemplates, TriggerKind};
use amparo_domain::{CaseFile, Event, Language, Problem, Program, RawEvent};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::now;
use chrono::Duration;

/// A family with a patient whose care cannot stop for `days_to_harm` days, paroled until 2026-09-30.
fn case(reference: &str, days_to_harm: u32, country: &str, extra_events: serde_json::Value) -> CaseFile {
    let mut events = vec![serde_json::json!(
        { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30", "class_of_admission": "DT" }
    )];
    events.extend(extra_events.as_array().cloned().unwrap_or_default());
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": if country == "UA" { "u4u" } else { "humanitarian" },
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo", "citizenship": country,
                  "birth_date": "2021-03-02" },
                { "key": "m1", "role": "parent", "given_name": "Tomás", "family_name": "Ejemplo", "citizenship": country }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": days_to_harm,
                         "available_in_origin_country": false, "attested_on": "2026-02-01" }
        },
        "events": events
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

fn termination() -> serde_json::Value {
    serde_json::json!([{ "id": "t1", "type": "termination_notice", "on": "2026-02-27", "served_by": "mail",
                         "depart_by": "2026-03-27" }])
}

fn event(json: serde_json::Value) -> Event {
    serde_json::from_value::<RawEvent>(json).unwrap().into_event().unwrap()
}

struct Org {
    store: std::sync::Arc<Store>,
    id: OrgId,
    attorney: UserId,
    advocate: UserId,
    clinician: UserId,
}

fn org(db: &TestDatabase) -> Org {
    let store = db.store();
    let id = store
        .create_organisation(&NewOrganisation { slug: "legal-aid".into(), name: "Legal aid".into() }, now())
        .unwrap()
        .id;
    let user = |email: &str, role| {
        let new = NewUser {
            email: email.into(),
            display_name: email.split('@').next().unwrap().into(),
            role,
            language: Language::En,
            password_hash: "$argon2id$fake".into(),
        };
        store.create_user(&id, &new, now()).unwrap().id
    };
    let (attorney, advocate, clinician) = (
        user("attorney@example.org", UserRole::Attorney),
        user("advocate@example.org", UserRole::Advocate),
        user("clinician@example.org", UserRole::Clinician),
    );
    Org { store, id, attorney, advocate, clinician }
}

impl Org {
    fn import(&self, files: &[CaseFile]) -> Vec<CaseId> {
        self.store.import_cases(&self.id, files, None, now()).unwrap()
    }

    fn board(&self, filter: BoardFilter) -> Vec<String> {
        let filter = BoardFilter { limit: 50, ..filter };
        self.store.board(&self.id, &filter).unwrap().entries.into_iter().map(|e| e.reference).collect()
    }

    fn staff(&self, case: &CaseId) {
        for (role, user) in [
            (UserRole::Attorney, &self.attorney),
            (UserRole::Advocate, &self.advocate),
            (UserRole::Clinician, &self.clinician),
        ] {
            self.store.assign(&self.id, case, role, Some(user), now()).unwrap();
        }
    }

    fn version(&self, case: &CaseId) -> i64 {
        self.store.case(&self.id, case).unwrap().unwrap().version
    }
}

amparo_store::on_both_backends!(
    the_board_ranks_who_is_closest_to_harm,
    a_termination_on_a_critical_case_escalates_in_the_same_write,
    the_same_notice_on_a_non_critical_case_ranks_higher_without_escalating,
    answering_the_trigger_closes_the_escalation,
    completing_the_checklist_closes_the_escalation,
    tasks_can_be_reassigned,
    assigning_an_attorney_changes_the_score,
    an_assignment_re_derives_its_own_case_only,
    programme_reviews_open_one_task_per_case_and_repeat_safely,
    an_operator_checklist_replaces_the_built_in_one,
    open_escalations_list_critical_care_first_and_only_open_ones,
    two_checklist_changes_at_once_both_hold,
    the_dashboard_reads_each_section_as_it_reads_alone,
);

/// Two administrators save two different checklists at the same moment: each change reads the
/// checklists as they are when it is written, so neither is lost; the organisation's checklists then
/// shape its next escalation.
fn two_checklist_changes_at_once_both_hold(db: &TestDatabase) {
    use amparo_domain::triage::escalation::RawTask;
    use std::sync::{Arc, Barrier};
    let o = org(db);
    let builtin = o.store.escalation_templates().clone();
    for round in 0..4 {
        let barrier = Arc::new(Barrier::new(2));
        let change = |kind: TriggerKind, title: String| {
            let (store, org, barrier, builtin) =
                (o.store.clone(), o.id.clone(), barrier.clone(), builtin.clone());
            std::thread::spawn(move || {
                let edit = move |current: Option<EscalationTemplates>| {
                    let current = current.unwrap_or_else(|| builtin.clone());
                    let lists = TriggerKind::ALL
                        .into_iter()
                        .map(|k| {
                            let mut tasks: Vec<RawTask> =
                                current.tasks(k).iter().map(RawTask::from).collect();
                            if k == kind {
                                tasks[0].title_en = title.clone();
                            }
                            (k, tasks)
                        })
                        .collect();
                    Ok(Some(EscalationTemplates::from_checklists(format!("own/{round}"), lists).unwrap()))
                };
                barrier.wait();
                store.update_escalation_templates(&org, &edit, None, now()).unwrap();
            })
        };
        let a = change(TriggerKind::TerminationNotice, format!("Call the family ({round})"));
        let b = change(TriggerKind::NoidReceived, format!("Read the NOID ({round})"));
        a.join().unwrap();
        b.join().unwrap();
        let own = o.store.policy(&o.id).unwrap().escalation_templates.expect("the organisation's own");
        assert_eq!(
            own.tasks(TriggerKind::TerminationNotice)[0].title_en,
            format!("Call the family ({round})")
        );
        assert_eq!(own.tasks(TriggerKind::NoidReceived)[0].title_en, format!("Read the NOID ({round})"));
    }
    let id = o.import(&[case("CRIT-TERM", 3, "MX", termination())]).remove(0);
    let escalation = o.store.escalations(&o.id, &id).unwrap().remove(0);
    assert_eq!(escalation.tasks[0].title_en, "Call the family (3)");
    o.store.update_escalation_templates(&o.id, &|_| Ok(None), None, now()).unwrap();
    assert!(o.store.policy(&o.id).unwrap().escalation_templates.is_none(), "back to the server's");
}

fn open_escalations_list_critical_care_first_and_only_open_ones(db: &TestDatabase) {
    let o = org(db);
    let ids = o.import(&[
        case("NOID-1", 60, "MX", serde_json::json!([])),
        case("CRIT-TERM", 3, "MX", termination()),
        case("CALM-1", 400, "MX", serde_json::json!([])),
    ]);
    let noid = event(serde_json::json!({ "id": "n1", "type": "noid_received", "on": "2026-03-01",
                                         "served_by": "online", "respond_by": "2026-03-31" }));
    o.store.append_event(&o.id, &ids[0], o.version(&ids[0]), &noid, None, now()).unwrap();
    let open = o.store.open_escalations(&o.id, 10).unwrap();
    let listed: Vec<(&str, bool)> = open.iter().map(|e| (e.reference.as_str(), e.critical_care)).collect();
    assert_eq!(listed, [("CRIT-TERM", true), ("NOID-1", false)], "critical care first; calm cases absent");
    assert!(open[1].reason_en.contains("intent to deny"), "{}", open[1].reason_en);
    assert_eq!(o.store.open_escalations(&o.id, 1).unwrap().len(), 1, "the limit holds");
    let answer = event(serde_json::json!({ "id": "n2", "type": "noid_answered", "on": "2026-03-10" }));
    o.store.append_event(&o.id, &ids[0], o.version(&ids[0]), &answer, None, now()).unwrap();
    let still_open: Vec<String> =
        o.store.open_escalations(&o.id, 10).unwrap().into_iter().map(|e| e.reference).collect();
    assert_eq!(still_open, ["CRIT-TERM"], "a closed escalation leaves the list");
    let other = o
        .store
        .create_organisation(&NewOrganisation { slug: "other".into(), name: "Other".into() }, now())
        .unwrap();
    assert!(o.store.open_escalations(&other.id, 10).unwrap().is_empty(), "scoped by organisation");
}

fn an_operator_checklist_replaces_the_built_in_one(db: &TestDatabase) {
    let templates = amparo_domain::triage::BUILTIN_ESCALATION_TOML.replacen(
        "title_en = \"Read the termination notice: effective date, departure date and stated reasons\"",
        "title_en = \"Call the family within the hour and read the notice with them\"",
        1,
    );
    assert_ne!(templates, amparo_domain::triage::BUILTIN_ESCALATION_TOML);
    let rules = Rules::from_toml(amparo_domain::rules::BUILTIN_TOML, &templates).unwrap();
    let store = open_with_rules(&db.url, rules, db.sealer()).unwrap();
    let org = store
        .create_organisation(&NewOrganisation { slug: "clinic".into(), name: "Clinic".into() }, now())
        .unwrap();
    let id = store
        .import_cases(&org.id, &[case("CRIT-TERM", 3, "MX", termination())], None, now())
        .unwrap()
        .remove(0);
    let titles: Vec<String> =
        store.escalations(&org.id, &id).unwrap()[0].tasks.iter().map(|t| t.title_en.clone()).collect();
    assert!(
        titles.contains(&"Call the family within the hour and read the notice with them".to_owned()),
        "{titles:?}"
    );
    let broken = Rules::from_toml(amparo_domain::rules::BUILTIN_TOML, "not = [valid");
    assert!(matches!(broken, Err(StoreError::Invalid(ref m)) if m.starts_with("escalation templates:")));
}

fn the_board_ranks_who_is_closest_to_harm(db: &TestDatabase) {
    let o = org(db);
    o.import(&[
        case("CALM-1", 90, "MX", serde_json::json!([])),
        case("CRIT-TERM", 3, "MX", termination()),
        case("TERM-1", 90, "HN", termination()),
        case("CRIT-1", 2, "UA", serde_json::json!([])),
    ]);
    // A termination puts a family in legal jeopardy now; a critical patient whose parole runs for six
    // more months is fragile but not yet exposed. Critical care plus a termination is worst of all.
    assert_eq!(o.board(BoardFilter::default()), ["CRIT-TERM", "TERM-1", "CRIT-1", "CALM-1"]);
    assert_eq!(o.board(BoardFilter { critical_only: true, ..Default::default() }), ["CRIT-TERM", "CRIT-1"]);
    assert_eq!(o.board(BoardFilter { program: Some(Program::U4u), ..Default::default() }), ["CRIT-1"]);
    let page = o.store.board(&o.id, &BoardFilter { limit: 1, offset: 1, ..Default::default() }).unwrap();
    assert_eq!((page.total, page.entries.len()), (4, 1));
    // A page past the end still counts the board; a filter that matches nothing counts none.
    let past = o.store.board(&o.id, &BoardFilter { limit: 2, offset: 9, ..Default::default() }).unwrap();
    assert_eq!((past.total, past.entries.len()), (4, 0));
    let critical = BoardFilter { critical_only: true, offset: 1, ..Default::default() };
    assert_eq!(o.store.board(&o.id, &critical).unwrap().total, 2);
    let nobody = BoardFilter { due_by: Some("2000-01-01".parse().unwrap()), ..Default::default() };
    let empty = o.store.board(&o.id, &nobody).unwrap();
    assert_eq!((empty.total, empty.entries.len()), (0, 0));
    let top = &o.store.board(&o.id, &BoardFilter { limit: 1, ..Default::default() }).unwrap().entries[0];
    assert!(top.critical_care);
    assert_eq!(top.open_escalations, 1);
    assert!(top.next_due.is_some() && top.next_kind.is_some());
    let codes: Vec<&str> = top.reasons.iter().map(|r| r.code.as_str()).collect();
    assert!(codes.contains(&"patient_critical") && codes.contains(&"termination_notice"), "{codes:?}");
    assert!(top.reasons.iter().all(|r| !r.text_en.is_empty() && !r.text_es.is_empty()));
    assert_eq!(top.reasons.iter().map(|r| r.points).sum::<i64>(), top.score, "the score is its reasons");
}

fn a_termination_on_a_critical_case_escalates_in_the_same_write(db: &TestDatabase) {
    let o = org(db);
    let ids = o.import(&[
        case("CRIT-1", 3, "MX", serde_json::json!([])),
        case("CALM-1", 90, "MX", serde_json::json!([])),
    ]);
    let crit = &ids[0];
    o.staff(crit);
    assert!(o.store.escalations(&o.id, crit).unwrap().is_empty());
    let notice = event(serde_json::json!({ "id": "t1", "type": "termination_notice", "on": "2026-03-01",
                                           "served_by": "personal", "depart_by": "2026-03-08" }));
    o.store.append_event(&o.id, crit, o.version(crit), &notice, Some(&o.attorney), now()).unwrap();
    let escalations = o.store.escalations(&o.id, crit).unwrap();
    assert_eq!(escalations.len(), 1);
    let escalation = &escalations[0];
    assert_eq!(escalation.trigger_kind, "termination_notice");
    assert_eq!(escalation.trigger_event_id.as_deref(), Some("t1"));
    assert!(escalation.closed_at.is_none() && escalation.critical_care);
    assert!(!escalation.reason_en.is_empty() && !escalation.reason_es.is_empty());
    assert!(escalation.tasks.len() >= 3, "a checklist, not a single reminder");
    for task in &escalation.tasks {
        let expected = match task.owner_role {
            UserRole::Attorney => &o.attorney,
            UserRole::Advocate => &o.advocate,
            UserRole::Clinician => &o.clinician,
            other => panic!("task for {other:?}"),
        };
        assert_eq!(
            task.owner_id.as_ref(),
            Some(expected),
            "owned by the case's {}",
            task.owner_role.as_str()
        );
        assert!(
            task.due_at > now() && task.due_at <= now() + Duration::hours(72),
            "critical cases count in hours"
        );
        assert!(!task.title_en.is_empty() && !task.title_es.is_empty());
    }
    assert_eq!(o.board(BoardFilter::default())[0], "CRIT-1");
    let attorney_tasks = o.store.open_tasks(&o.id, &o.attorney).unwrap();
    assert!(!attorney_tasks.is_empty() && attorney_tasks.iter().all(|t| t.reference == "CRIT-1"));
    let due: Vec<_> = attorney_tasks.iter().map(|t| t.due_at).collect();
    let mut sorted = due.clone();
    sorted.sort();
    assert_eq!(due, sorted, "earliest due first");
}

fn the_same_notice_on_a_non_critical_case_ranks_higher_without_escalating(db: &TestDatabase) {
    let o = org(db);
    let ids = o.import(&[
        case("CALM-1", 90, "MX", serde_json::json!([])),
        case("CALM-2", 90, "MX", serde_json::json!([])),
    ]);
    let before = o.store.board(&o.id, &BoardFilter { limit: 10, ..Default::default() }).unwrap();
    let score_of = |page: &BoardPage, reference: &str| {
        page.entries.iter().find(|e| e.reference == reference).unwrap().score
    };
    let notice = event(
        serde_json::json!({ "id": "t1", "type": "termination_notice", "on": "2026-03-01", "served_by": "mail" }),
    );
    o.store.append_event(&o.id, &ids[1], 1, &notice, None, now()).unwrap();
    assert!(o.store.escalations(&o.id, &ids[1]).unwrap().is_empty(), "non-critical: no escalation");
    let after = o.store.board(&o.id, &BoardFilter { limit: 10, ..Default::default() }).unwrap();
    assert!(score_of(&after, "CALM-2") > score_of(&before, "CALM-2"));
    assert_eq!(after.entries[0].reference, "CALM-2");
}

fn answering_the_trigger_closes_the_escalation(db: &TestDatabase) {
    let o = org(db);
    let id = o.import(&[case("NOID-1", 60, "MX", serde_json::json!([]))]).remove(0);
    o.staff(&id);
    let noid = event(
        serde_json::json!({ "id": "n1", "type": "noid_received", "on": "2026-03-01", "served_by": "online",
                                         "respond_by": "2026-03-31" }),
    );
    o.store.append_event(&o.id, &id, o.version(&id), &noid, None, now()).unwrap();
    let opened = o.store.escalations(&o.id, &id).unwrap();
    assert_eq!(
        (opened.len(), opened[0].trigger_kind.as_str()),
        (1, "noid_received"),
        "a NOID escalates any case"
    );
    assert!(!o.store.open_tasks(&o.id, &o.attorney).unwrap().is_empty());
    let answer = event(serde_json::json!({ "id": "n2", "type": "noid_answered", "on": "2026-03-10" }));
    o.store.append_event(&o.id, &id, o.version(&id), &answer, None, now()).unwrap();
    let closed = o.store.escalations(&o.id, &id).unwrap();
    assert_eq!(closed.len(), 1, "the history stays on the case");
    assert!(closed[0].closed_at.is_some());
    assert!(closed[0].close_reason.as_deref().unwrap().contains("resolved"));
    assert!(
        o.store.open_tasks(&o.id, &o.attorney).unwrap().is_empty(),
        "tasks of a closed escalation are not open"
    );
    // A later write does not reopen the same trigger.
    let other = event(serde_json::json!({ "type": "fee_paid", "on": "2026-03-11" }));
    o.store.append_event(&o.id, &id, o.version(&id), &other, None, now()).unwrap();
    assert_eq!(o.store.escalations(&o.id, &id).unwrap().len(), 1);
}

fn completing_the_checklist_closes_the_escalation(db: &TestDatabase) {
    let o = org(db);
    let id = o.import(&[case("CRIT-TERM", 3, "MX", termination())]).remove(0);
    let escalation = o.store.escalations(&o.id, &id).unwrap().remove(0);
    assert!(escalation.tasks.iter().all(|t| t.owner_id.is_none()), "nobody was assigned at import");
    o.store.assign(&o.id, &id, UserRole::Clinician, Some(&o.clinician), now()).unwrap();
    let adopted = o.store.open_tasks(&o.id, &o.clinician).unwrap();
    assert!(!adopted.is_empty(), "the clinician assigned later takes over the clinician's open tasks");
    assert!(adopted.iter().all(|t| t.owner_role == UserRole::Clinician));
    assert!(o.store.open_tasks(&o.id, &o.attorney).unwrap().is_empty(), "no attorney is assigned yet");
    let (last, rest) = escalation.tasks.split_last().unwrap();
    for task in rest {
        o.store.complete_task(&o.id, &task.id, &o.advocate, Some("Done; see file."), now()).unwrap();
    }
    assert!(o.store.escalations(&o.id, &id).unwrap()[0].closed_at.is_none(), "one task is still open");
    let again = o.store.complete_task(&o.id, &rest[0].id, &o.advocate, None, now()).unwrap_err();
    assert!(matches!(again, StoreError::Duplicate(_)), "{again:?}");
    o.store.complete_task(&o.id, &last.id, &o.attorney, None, now()).unwrap();
    let closed = o.store.escalations(&o.id, &id).unwrap().remove(0);
    assert!(closed.closed_at.is_some());
    assert_eq!(closed.close_reason.as_deref(), Some("every task of the checklist is done"));
    let done = o.store.task(&o.id, &rest[0].id).unwrap().unwrap();
    assert_eq!((done.done_by.as_ref(), done.note.as_deref()), (Some(&o.advocate), Some("Done; see file.")));
    let missing = o.store.complete_task(&o.id, &TaskId("nope".into()), &o.attorney, None, now()).unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)));
}

fn tasks_can_be_reassigned(db: &TestDatabase) {
    let o = org(db);
    let id = o.import(&[case("CRIT-TERM", 3, "MX", termination())]).remove(0);
    let task = o.store.escalations(&o.id, &id).unwrap()[0].tasks[0].clone();
    assert!(o.store.open_tasks(&o.id, &o.advocate).unwrap().is_empty());
    o.store.reassign_task(&o.id, &task.id, &o.advocate, now()).unwrap();
    assert_eq!(o.store.open_tasks(&o.id, &o.advocate).unwrap()[0].id, task.id);
    let stranger = o.store.reassign_task(&o.id, &task.id, &UserId("someone-else".into()), now()).unwrap_err();
    assert!(
        matches!(stranger, StoreError::Field { ref path, problem: Problem::NoSuchStaff } if path == "owner"),
        "{stranger:?}"
    );
    let unknown =
        o.store.reassign_task(&o.id, &TaskId("nope".into()), &UserId("nobody".into()), now()).unwrap_err();
    assert!(matches!(unknown, StoreError::NotFound(_)), "an unknown task is not found: {unknown:?}");
}

fn assigning_an_attorney_changes_the_score(db: &TestDatabase) {
    let o = org(db);
    let id = o.import(&[case("CALM-1", 90, "MX", serde_json::json!([]))]).remove(0);
    let reasons = |o: &Org| {
        o.store.board(&o.id, &BoardFilter { limit: 5, ..Default::default() }).unwrap().entries[0].clone()
    };
    let before = reasons(&o);
    assert!(before.reasons.iter().any(|r| r.code == "no_attorney"));
    o.store.assign(&o.id, &id, UserRole::Attorney, Some(&o.attorney), now()).unwrap();
    let after = reasons(&o);
    assert!(!after.reasons.iter().any(|r| r.code == "no_attorney"));
    assert!(after.score < before.score);
    assert_eq!(o.store.assignments(&o.id, &id).unwrap()[0].user_id, o.attorney);
    assert_eq!(
        o.board(BoardFilter { assigned_to: Some(o.attorney.clone()), ..Default::default() }),
        ["CALM-1"]
    );
    assert!(o.board(BoardFilter { assigned_to: Some(o.advocate.clone()), ..Default::default() }).is_empty());
    let viewer_role = o.store.assign(&o.id, &id, UserRole::Viewer, Some(&o.attorney), now()).unwrap_err();
    assert!(
        matches!(&viewer_role, StoreError::Field { path, problem: Problem::UnknownValue { value, .. } }
            if path == "role" && value == "viewer"),
        "{viewer_role:?}"
    );
    o.store.assign(&o.id, &id, UserRole::Attorney, None, now()).unwrap();
    assert!(reasons(&o).reasons.iter().any(|r| r.code == "no_attorney"));
}

fn an_assignment_re_derives_its_own_case_only(db: &TestDatabase) {
    let o = org(db);
    let ids = o.import(&[
        case("CALM-1", 90, "MX", serde_json::json!([])),
        case("CALM-2", 90, "MX", serde_json::json!([])),
    ]);
    // A year on, both cases' derivations are due again (their parole has since run out).
    let later = now() + Duration::days(365);
    let today = amparo_domain::Date::from_ymd(2027, 3, 1).unwrap();
    o.store.assign(&o.id, &ids[0], UserRole::Attorney, Some(&o.attorney), later).unwrap();
    let reasons = |reference: &str| {
        let board = o.store.board(&o.id, &BoardFilter { limit: 5, ..Default::default() }).unwrap();
        board.entries.into_iter().find(|e| e.reference == reference).unwrap().reasons
    };
    assert!(!reasons("CALM-1").iter().any(|r| r.code == "no_attorney"), "the assigned case is re-derived");
    assert_eq!(
        o.store.refresh_derived(&o.id, today, later).unwrap(),
        1,
        "the other case is left to the daily job, the assigned one is already derived for the day"
    );
}

fn programme_reviews_open_one_task_per_case_and_repeat_safely(db: &TestDatabase) {
    let o = org(db);
    let ids = o.import(&[
        case("UA-1", 60, "UA", serde_json::json!([])),
        case("UA-2", 60, "UA", serde_json::json!([])),
        case("MX-1", 60, "MX", serde_json::json!([])),
    ]);
    o.store.assign(&o.id, &ids[0], UserRole::Attorney, Some(&o.attorney), now()).unwrap();
    let selection = CaseSelection { citizenship: Some("UA".into()), ..Default::default() };
    let selected: Vec<String> =
        o.store.select_cases(&o.id, &selection).unwrap().into_iter().map(|c| c.reference).collect();
    assert_eq!(selected, ["UA-1", "UA-2"]);
    let review = ReviewTask {
        key: "u4u-ended-2026".into(),
        title_en: "Review: programme ended by notice".into(),
        title_es: "Revisar: el programa terminó por aviso".into(),
        due_in_hours: 72,
    };
    let first = o.store.open_review_tasks(&o.id, &selection, &review, Some(&o.attorney), now()).unwrap();
    assert_eq!(first, ReviewOutcome { selected: 2, created: 2 });
    let again = o.store.open_review_tasks(&o.id, &selection, &review, Some(&o.attorney), now()).unwrap();
    assert_eq!(again, ReviewOutcome { selected: 2, created: 0 }, "repeating the action changes nothing");
    assert_eq!(o.store.case_tasks(&o.id, &ids[0]).unwrap().len(), 1);
    assert!(o.store.case_tasks(&o.id, &ids[2]).unwrap().is_empty());
    assert_eq!(
        o.store.open_tasks(&o.id, &o.attorney).unwrap().len(),
        1,
        "owned by the case's attorney when there is one"
    );
    let by_date =
        CaseSelection { parole_ends_before: Some("2026-10-01".parse().unwrap()), ..Default::default() };
    assert_eq!(o.store.select_cases(&o.id, &by_date).unwrap().len(), 3);
    let by_class = CaseSelection {
        class_of_admission: Some("dt".into()),
        program: Some(Program::U4u),
        ..Default::default()
    };
    assert_eq!(o.store.select_cases(&o.id, &by_class).unwrap().len(), 2);
    let empty = o.store.select_cases(&o.id, &CaseSelection::default()).unwrap_err();
    assert!(
        matches!(empty, StoreError::Field { ref path, problem: Problem::NoCondition } if path == "selection")
    );
    let bad_country = CaseSelection { citizenship: Some("Ukraine".into()), ..Default::default() };
    assert!(matches!(
        o.store.select_cases(&o.id, &bad_country),
        Err(StoreError::Field { problem: Problem::Identifier(IdentifierError::Country(_)), .. })
    ));
}

/// The dashboard's sections read together (one statement on PostgreSQL) are exactly what the board,
/// the two deadline windows and the open escalations return read one by one: on several days, for a
/// member and for a clinician who sees only the cases shared with them, with counts capped below and
/// above the windows' sizes and first lines cut short of them.
fn the_dashboard_reads_each_section_as_it_reads_alone(db: &TestDatabase) {
    let o = org(db);
    let ids = o.import(&[
        case("CALM-1", 90, "MX", serde_json::json!([])),
        case("CRIT-TERM", 3, "MX", termination()),
        case("TERM-1", 90, "HN", termination()),
        case("CRIT-1", 2, "UA", serde_json::json!([])),
        case("CALM-2", 400, "HN", serde_json::json!([])),
    ]);
    o.store.set_case_shared(&o.id, &ids[1], &o.clinician, true, None, now()).unwrap();
    o.store.set_case_shared(&o.id, &ids[3], &o.clinician, true, None, now()).unwrap();
    let all = DeadlineQuery {
        from: amparo_domain::Date::from_ymd(1900, 1, 1).unwrap(),
        to: amparo_domain::Date::from_ymd(2100, 1, 1).unwrap(),
        kind: None,
    };
    let mut days: Vec<amparo_domain::Date> =
        o.store.deadlines_due(&o.id, &all).unwrap().iter().map(|d| d.due).collect();
    days.dedup();
    assert!(days.len() > 4, "the cases have deadlines on several days: {days:?}");
    let (mut overdue_seen, mut upcoming_seen) = (false, false);
    for today in [days[1], days[days.len() / 2], days[days.len() - 2]] {
        for shared_with in [None, Some(o.clinician.clone())] {
            for (rows, cap) in [(25, 1_000), (2, 1), (1, 3), (0, 0)] {
                let query = DashboardQuery {
                    today,
                    shared_with: shared_with.clone(),
                    board_rows: rows.max(1),
                    board_count_up_to: cap,
                    deadline_days: 120,
                    overdue_since: all.from,
                    deadline_rows: rows,
                    deadline_count_up_to: cap,
                    escalation_rows: if shared_with.is_some() { 0 } else { rows },
                };
                let together = o.store.dashboard(&o.id, &query).unwrap();
                let shared = shared_with.as_ref();
                let board = BoardFilter {
                    limit: rows.max(1),
                    shared_with: shared_with.clone(),
                    count_up_to: Some(cap),
                    today: Some(today),
                    ..BoardFilter::default()
                };
                let overdue = (all.from, today.add_days(-1));
                let upcoming = (today, today.add_days(120));
                let alone = Dashboard {
                    board: o.store.board(&o.id, &board).unwrap(),
                    overdue: o.store.upcoming_deadlines(&o.id, overdue, shared, (rows, cap)).unwrap(),
                    upcoming: o.store.upcoming_deadlines(&o.id, upcoming, shared, (rows, cap)).unwrap(),
                    escalations: o.store.open_escalations(&o.id, query.escalation_rows).unwrap(),
                };
                assert_eq!(
                    together, alone,
                    "on {today}, shared with {shared_with:?}, {rows} rows, cap {cap}"
                );
                overdue_seen |= !together.overdue.first.is_empty();
                upcoming_seen |= together.upcoming.first.len() > 1;
            }
        }
    }
    assert!(overdue_seen && upcoming_seen, "the windows held lines on some of the days");
    let member = DashboardQuery {
        today: days[1],
        shared_with: None,
        board_rows: 8,
        board_count_up_to: 1_000,
        deadline_days: 14,
        overdue_since: all.from,
        deadline_rows: 25,
        deadline_count_up_to: 1_000,
        escalation_rows: 10,
    };
    let read = o.store.dashboard(&o.id, &member).unwrap();
    assert_eq!(read.board.total, 5);
    assert_eq!(read.board.entries[0].reference, "CRIT-TERM");
    assert_eq!(read.escalations.len(), 1, "the critical case's termination is escalated");
    let clinician = o
        .store
        .dashboard(&o.id, &DashboardQuery { shared_with: Some(o.clinician.clone()), ..member })
        .unwrap();
    let refs: Vec<&str> = clinician.board.entries.iter().map(|e| e.reference.as_str()).collect();
    assert_eq!(refs, ["CRIT-TERM", "CRIT-1"], "a clinician's board holds the cases shared with them");
}
