//! Closing and reopening a case, on both backends: a closed case leaves the board, the dashboard's
//! deadlines and escalations, everyone's tasks and the daily reminders, stays in the case list under
//! the "closed" filter and among possible duplicates (marked), and comes back whole when reopened;
//! stale versions, roles that may not and a second close are refused with nothing written; the
//! closure travels through export and import unchanged.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, CloseReason};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{event, new_user, now, org};

/// A critical-care case (three days to harm) whose parole is terminated: it has deadlines, a
/// critical-care escalation and its checklist.
fn critical_case(reference: &str) -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
                  "citizenship": "MX", "birth_date": "2021-03-02", "a_number": "A987654321" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 3,
                         "available_in_origin_country": false, "attested_on": "2026-02-01" }
        },
        "events": [{ "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30",
                     "class_of_admission": "DT" }]
    });
    CaseFile::parse(&text.to_string()).unwrap().0
}

struct Fixture {
    store: std::sync::Arc<Store>,
    org: OrgId,
    attorney: Actor,
    case: CaseId,
}

fn fixture(db: &TestDatabase) -> Fixture {
    let store = db.store();
    let org = org(&store, "closing");
    let user = |email: &str, role| store.create_user(&org, &new_user(email, role), now()).unwrap();
    let attorney = Actor::of(&user("attorney@example.org", UserRole::Attorney));
    let case = store.import_cases(&org, &[critical_case("CL-1")], None, now()).unwrap().remove(0);
    store.assign(&org, &case, UserRole::Attorney, Some(&attorney.user), now()).unwrap();
    let termination =
        event(serde_json::json!({ "id": "t1", "type": "termination_notice", "on": "2026-02-27",
        "served_by": "mail", "depart_by": "2026-03-27" }));
    let version = store.case(&org, &case).unwrap().unwrap().version;
    store.append_event_as(&attorney, &case, version, &termination, now()).unwrap();
    Fixture { store, org, attorney, case }
}

impl Fixture {
    fn version(&self) -> i64 {
        self.store.case(&self.org, &self.case).unwrap().unwrap().version
    }

    fn on_board(&self) -> bool {
        let filter = BoardFilter { limit: 50, ..BoardFilter::default() };
        self.store.board(&self.org, &filter).unwrap().entries.iter().any(|e| e.case_id == self.case)
    }

    fn deadline_window(&self) -> DeadlineQuery {
        DeadlineQuery { from: "2026-01-01".parse().unwrap(), to: "2027-12-31".parse().unwrap(), kind: None }
    }

    fn deadlines(&self) -> usize {
        self.store.deadlines_due(&self.org, &self.deadline_window()).unwrap().len()
    }

    fn upcoming(&self) -> usize {
        let window = ("2026-03-01".parse().unwrap(), "2026-12-31".parse().unwrap());
        self.store.upcoming_deadlines(&self.org, window, None, (50, 50)).unwrap().total as usize
    }

    fn open_escalations(&self) -> usize {
        self.store.open_escalations(&self.org, 50).unwrap().len()
    }

    fn my_tasks(&self) -> usize {
        self.store.open_tasks(&self.org, &self.attorney.user).unwrap().len()
    }

    fn listed(&self, closed: ClosedFilter) -> Vec<(String, bool)> {
        let query = CaseQuery { closed, ..CaseQuery::default() };
        self.store
            .list_cases(&self.org, &query)
            .unwrap()
            .cases
            .into_iter()
            .map(|c| (c.reference, c.closed))
            .collect()
    }

    fn close(
        &self,
        actor: &Actor,
        version: i64,
        reason: CloseReason,
        note: Option<&str>,
    ) -> StoreResult<i64> {
        let request = CloseRequest { expected_version: version, reason, note: note.map(str::to_owned) };
        self.store.close_case_as(actor, &self.case, &request, now())
    }
}

amparo_store::on_both_backends!(
    a_closed_case_leaves_every_live_view_and_comes_back_when_reopened,
    closing_refuses_stale_versions_other_roles_a_second_close_and_a_missing_note,
    the_closure_survives_export_and_import_and_duplicates_mark_closed_cases,
    the_close_note_is_sealed_at_rest_and_under_the_new_key_after_a_rotation,
);

fn a_closed_case_leaves_every_live_view_and_comes_back_when_reopened(db: &TestDatabase) {
    let f = fixture(db);
    let other = f.store.import_cases(&f.org, &[critical_case("CL-2")], None, now()).unwrap().remove(0);
    assert!(f.on_board());
    let (deadlines, upcoming, escalations, tasks) =
        (f.deadlines(), f.upcoming(), f.open_escalations(), f.my_tasks());
    assert!(
        deadlines > 0 && upcoming > 0 && escalations > 0 && tasks > 0,
        "{deadlines} {upcoming} {escalations} {tasks}"
    );

    // The case's last deadline: reminded 7 days and 1 day before (the default offsets).
    let due = f.store.deadlines_due(&f.org, &f.deadline_window()).unwrap();
    let last_due = due.iter().map(|d| d.due).max().unwrap();
    let version = f.version();
    let closed =
        f.close(&f.attorney, version, CloseReason::Moved, Some("  Moved to another state.  ")).unwrap();
    assert_eq!(closed, version + 1);
    let stored = f.store.case(&f.org, &f.case).unwrap().unwrap();
    let closure = stored.file.extensions.closure.clone().unwrap();
    assert_eq!(
        (closure.reason, closure.note.as_deref()),
        (CloseReason::Moved, Some("Moved to another state."))
    );
    assert_eq!(closure.closed_at, now());
    assert_eq!(f.store.case_closed_by(&f.org, &f.case).unwrap(), Some(f.attorney.user.clone()));

    assert!(!f.on_board(), "a closed case leaves the board");
    assert!(f.deadlines() < deadlines, "its deadlines are no longer stored");
    assert!(
        f.store.case(&f.org, &other).unwrap().unwrap().file.extensions.closure.is_none(),
        "other cases are untouched"
    );
    assert!(f.upcoming() < upcoming, "the dashboard's window loses them");
    assert!(f.open_escalations() < escalations, "its escalations are suspended");
    assert_eq!(f.my_tasks(), 0, "its checklist leaves the attorney's tasks");
    let suspended = f.store.escalations(&f.org, &f.case).unwrap();
    assert!(suspended.iter().all(|e| e.close_reason.as_deref() == Some(CASE_CLOSED)), "{suspended:?}");
    let reminders = f.store.record_daily_notices(&f.org, last_due.add_days(-7), now()).unwrap();
    assert_eq!(reminders.deadline_reminders, 0, "no reminder of a closed case's deadline");

    assert_eq!(f.listed(ClosedFilter::Open), [("CL-2".to_owned(), false)]);
    assert_eq!(f.listed(ClosedFilter::Closed), [("CL-1".to_owned(), true)]);
    assert_eq!(f.listed(ClosedFilter::All).len(), 2);
    // The counts agree with the rows: the unfiltered open list counts the organisation's cases less
    // the closed ones, a filtered one counts what it reads.
    for (closed, total) in [(ClosedFilter::Open, 1), (ClosedFilter::Closed, 1), (ClosedFilter::All, 2)] {
        let query = CaseQuery { closed, ..CaseQuery::default() };
        assert_eq!(f.store.list_cases(&f.org, &query).unwrap().total, total, "{closed:?}");
        let narrowed = CaseQuery { closed, search: Some("CL".into()), ..CaseQuery::default() };
        assert_eq!(f.store.list_cases(&f.org, &narrowed).unwrap().total, total, "{closed:?}, searched");
    }
    let search =
        CaseQuery { search: Some("CL-1".into()), closed: ClosedFilter::Closed, ..CaseQuery::default() };
    assert_eq!(f.store.list_cases(&f.org, &search).unwrap().total, 1, "a closed case stays searchable");

    // A task opened on the closed case (a programme-wide review) waits with it, out of everyone's list.
    let review = ReviewTask {
        key: "closed-case-review".into(),
        title_en: "Review the file".into(),
        title_es: "Revisar el expediente".into(),
        due_in_hours: 1,
    };
    let selection = CaseSelection { citizenship: Some("MX".into()), ..Default::default() };
    f.store.open_review_tasks(&f.org, &selection, &review, None, now()).unwrap();
    assert_eq!(f.my_tasks(), 0, "a review task of a closed case is not on the attorney's list");
    let later = now() + chrono::Duration::days(2);
    let overdue = f.store.record_daily_notices(&f.org, "2026-03-03".parse().unwrap(), later).unwrap();
    assert_eq!(overdue.overdue_tasks, 0, "nor overdue");

    let reopened = f.store.reopen_case_as(&f.attorney, &f.case, closed, now()).unwrap();
    assert_eq!(reopened, closed + 1);
    assert!(f.store.case(&f.org, &f.case).unwrap().unwrap().file.extensions.closure.is_none());
    assert_eq!(f.store.case_closed_by(&f.org, &f.case).unwrap(), None);
    assert!(f.on_board());
    assert_eq!(
        (f.deadlines(), f.upcoming(), f.open_escalations(), f.my_tasks()),
        (deadlines, upcoming, escalations, tasks + 1),
        "everything comes back as it was, with the review task"
    );
    assert_eq!(f.listed(ClosedFilter::Open).len(), 2);
    let reminders = f.store.record_daily_notices(&f.org, last_due.add_days(-1), now()).unwrap();
    assert!(reminders.deadline_reminders > 0, "reopened, its deadlines are reminded again");

    let audit = f.store.audit_log(Some(&f.org)).unwrap();
    let entry =
        |action: &str| audit.iter().find(|r| r.action == action && r.target == f.case.as_str()).cloned();
    let closing = entry("case.closed").unwrap();
    assert_eq!(closing.actor.as_deref(), Some(f.attorney.user.as_str()));
    assert!(
        closing.detail.contains("\"moved\"") && !closing.detail.contains("Moved to"),
        "{}",
        closing.detail
    );
    assert!(entry("case.reopened").is_some());
}

fn closing_refuses_stale_versions_other_roles_a_second_close_and_a_missing_note(db: &TestDatabase) {
    let f = fixture(db);
    let user =
        |email: &str, role| Actor::of(&f.store.create_user(&f.org, &new_user(email, role), now()).unwrap());
    let (clinician, viewer) =
        (user("c@example.org", UserRole::Clinician), user("v@example.org", UserRole::Viewer));
    let version = f.version();

    let stale = f.close(&f.attorney, version - 1, CloseReason::Withdrew, None).unwrap_err();
    assert!(
        matches!(stale, StoreError::Conflict { expected, actual } if expected == version - 1 && actual == version)
    );
    for actor in [&clinician, &viewer] {
        let refused = f.close(actor, version, CloseReason::Withdrew, None).unwrap_err();
        assert!(matches!(refused, StoreError::Refused(Refusal::RoleMayNot)), "{refused:?}");
    }
    let missing = f.close(&f.attorney, version, CloseReason::Other, Some("   ")).unwrap_err();
    assert!(
        matches!(missing, StoreError::Field { ref path, problem: amparo_domain::Problem::Required } if path == "note")
    );
    let long = "x".repeat(amparo_domain::case_file::MAX_NOTE_TEXT + 1);
    assert!(matches!(
        f.close(&f.attorney, version, CloseReason::Other, Some(&long)),
        Err(StoreError::Field { .. })
    ));
    assert_eq!(f.version(), version, "nothing was written");
    assert!(f.on_board());

    let not_closed = f.store.reopen_case_as(&f.attorney, &f.case, version, now()).unwrap_err();
    assert!(matches!(not_closed, StoreError::WrongState(_)), "{not_closed:?}");
    let closed =
        f.close(&f.attorney, version, CloseReason::Other, Some("Referred to partner clinic")).unwrap();
    let again = f.close(&f.attorney, closed, CloseReason::Moved, None).unwrap_err();
    assert!(matches!(again, StoreError::WrongState(_)), "{again:?}");
    let stale_reopen = f.store.reopen_case_as(&f.attorney, &f.case, closed - 1, now()).unwrap_err();
    assert!(matches!(stale_reopen, StoreError::Conflict { .. }));
    let refused = f.store.reopen_case_as(&viewer, &f.case, closed, now()).unwrap_err();
    assert!(matches!(refused, StoreError::Refused(Refusal::RoleMayNot)));
    assert_eq!(f.version(), closed);
}

fn the_closure_survives_export_and_import_and_duplicates_mark_closed_cases(db: &TestDatabase) {
    let f = fixture(db);
    let closed = f
        .close(&f.attorney, f.version(), CloseReason::Deceased, Some("Family informed the clinic."))
        .unwrap();
    assert!(closed > 0);
    let exported = f.store.case(&f.org, &f.case).unwrap().unwrap().file.to_json();
    assert!(exported.contains("\"closure\""), "{exported}");

    let elsewhere = org(&f.store, "elsewhere");
    let (file, _) = CaseFile::parse(&exported).unwrap();
    let imported = f.store.import_cases(&elsewhere, &[file], None, now()).unwrap().remove(0);
    let again = f.store.case(&elsewhere, &imported).unwrap().unwrap();
    assert_eq!(again.file.to_json(), exported, "export → import → export is identical");
    let query = CaseQuery { closed: ClosedFilter::Closed, ..CaseQuery::default() };
    assert_eq!(f.store.list_cases(&elsewhere, &query).unwrap().total, 1, "it is imported closed");
    assert!(f.store.open_escalations(&elsewhere, 50).unwrap().is_empty(), "and opens no escalation");

    let found = f.store.possible_duplicates_as(&f.attorney, &critical_case("CL-NEW"), now()).unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].closed, "a closed case is still reported, marked closed");
}

fn the_close_note_is_sealed_at_rest_and_under_the_new_key_after_a_rotation(db: &TestDatabase) {
    use crate::sealing::{contains, database_bytes};
    const NOTE: &str = "Cierre acordado con la familia Zarqueta";
    let f = fixture(db);
    f.close(&f.attorney, f.version(), CloseReason::Other, Some(NOTE)).unwrap();
    let read = || f.store.case(&f.org, &f.case).unwrap().unwrap().file.extensions.closure.unwrap().note;
    assert_eq!(read().as_deref(), Some(NOTE));
    let bytes = database_bytes(db);
    assert!(contains(&bytes, "CL-1"), "the dump is readable at all");
    assert!(!contains(&bytes, NOTE), "the note is stored in clear");

    let rotated = amparo_trust::keyfile::rotate(db.key_file()).unwrap();
    assert!(f.store.reload_keys().unwrap());
    assert!(f.store.reseal().unwrap() > 0);
    f.store.renew_key_canary().unwrap();
    let only_new = rotated.current().to_line();
    let reopened = open(&db.url, Sealer::from_text(only_new.expose()).unwrap()).unwrap();
    let note = reopened.case(&f.org, &f.case).unwrap().unwrap().file.extensions.closure.unwrap().note;
    assert_eq!(note.as_deref(), Some(NOTE), "the new key alone reads the note");
    assert!(!contains(&database_bytes(db), NOTE));
}
