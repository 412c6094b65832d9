//! The deadlines of us-parole/2027.1 downstream of the rules, on both backends: an advisory deadline
//! is listed with its *why* but raises no alarm (upcoming window, board, reminders, digest), the
//! new kinds reach the roles that act on them, and the board says when a critical-care patient's
//! adult family member lost federal coverage.

use amparo_domain::notice::NoticeKind;
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{new_user, now, org};

/// A paroled family whose asylum year passed (advisory while parole continues), with a child turning
/// 14 in March 2026, an address change to report and a notice of intent to revoke the work permit.
fn family() -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "NEW-KINDS-1",
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
                  "birth_date": "2012-03-20" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo",
                  "birth_date": "1990-05-05" }
            ]
        },
        "events": [
            { "id": "a1", "type": "arrived", "on": "2024-06-03" },
            { "id": "g1", "type": "parole_granted", "on": "2024-06-03", "valid_until": "2027-06-02" },
            { "id": "e1", "type": "ead_approved", "on": "2024-09-02", "valid_until": "2026-09-01", "persons": ["m1"] },
            { "id": "c1", "type": "address_changed", "on": "2026-02-24" },
            { "id": "v1", "type": "ead_revocation_notice", "on": "2026-02-23", "served_by": "personal",
              "respond_by": "2026-03-20", "persons": ["m1"] }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

struct Staffed {
    store: std::sync::Arc<Store>,
    org: OrgId,
    case: CaseId,
    attorney: UserId,
    advocate: UserId,
    clinician: UserId,
}

fn staffed(db: &TestDatabase) -> Staffed {
    let store = db.store();
    let org = org(&store, "new-kinds");
    let user = |email: &str, role| store.create_user(&org, &new_user(email, role), now()).unwrap().id;
    let attorney = user("attorney@example.org", UserRole::Attorney);
    let advocate = user("advocate@example.org", UserRole::Advocate);
    let clinician = user("clinician@example.org", UserRole::Clinician);
    let case = store.import_cases(&org, &[family()], None, now()).unwrap().remove(0);
    for (role, who) in
        [(UserRole::Attorney, &attorney), (UserRole::Advocate, &advocate), (UserRole::Clinician, &clinician)]
    {
        store.assign(&org, &case, role, Some(who), now()).unwrap();
    }
    Staffed { store, org, case, attorney, advocate, clinician }
}

impl Staffed {
    fn listed(&self, kind: &str) -> Vec<DueDeadline> {
        let query = DeadlineQuery {
            from: "2000-01-01".parse().unwrap(),
            to: "2100-12-31".parse().unwrap(),
            kind: Some(kind.into()),
        };
        self.store.deadlines_due(&self.org, &query).unwrap()
    }

    fn due(&self, kind: &str) -> Date {
        self.listed(kind)[0].due
    }

    /// The kinds of the deadline reminders `user` has.
    fn reminded_of(&self, user: &UserId) -> Vec<String> {
        let notices = self.store.notifications(&self.org, user, 500).unwrap().items;
        let mut kinds: Vec<String> = notices
            .into_iter()
            .filter(|n| n.kind == NoticeKind::DeadlineApproaching)
            .filter_map(|n| n.facts.deadline_kind)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

amparo_store::on_both_backends!(
    an_advisory_deadline_is_listed_with_its_why_and_never_an_alarm,
    new_kinds_remind_the_roles_that_act_on_them,
    the_board_says_when_a_critical_patients_parent_lost_federal_coverage,
);

fn an_advisory_deadline_is_listed_with_its_why_and_never_an_alarm(db: &TestDatabase) {
    let s = staffed(db);
    let asylum = s.listed("asylum_one_year");
    assert_eq!(asylum.len(), 2, "one per person who arrived");
    for deadline in &asylum {
        assert!(deadline.advisory, "{deadline:?}");
        assert_eq!(deadline.due, "2025-06-03".parse().unwrap());
        assert!(!deadline.why.is_empty());
    }
    let json = serde_json::to_value(&asylum[0]).unwrap();
    assert_eq!(json["advisory"], true, "marked where deadlines are listed");
    let parole = &s.listed("parole_ends")[0];
    assert!(!parole.advisory);
    assert!(serde_json::to_value(parole).unwrap().get("advisory").is_none(), "written only when true");

    // The advocate's calendar lists it, marked advisory.
    let advocate = Actor { org: s.org.clone(), user: s.advocate.clone(), role: UserRole::Advocate };
    let feed = s.store.create_calendar_feed_as(&advocate, None, "hash-advocate", now()).unwrap();
    let entries = s.store.fetch_calendar_feed(&feed, now()).unwrap().expect("a live feed");
    let in_calendar: Vec<_> = entries.deadlines.iter().filter(|d| d.kind == "asylum_one_year").collect();
    assert!(!in_calendar.is_empty() && in_calendar.iter().all(|d| d.advisory), "{in_calendar:?}");
    assert!(entries.deadlines.iter().any(|d| d.kind == "parole_ends" && !d.advisory));

    // The dashboard's window, though it covers the advisory date, shows only the alarms.
    let window = ("2025-01-01".parse().unwrap(), "2027-12-31".parse().unwrap());
    let upcoming = s.store.upcoming_deadlines(&s.org, window, None, (100, 1000)).unwrap();
    assert!(!upcoming.first.is_empty());
    assert!(upcoming.first.iter().all(|d| d.kind != "asylum_one_year"), "{:?}", upcoming.first);

    // The board's next deadline and reasons ignore it though it is the earliest date of the case.
    let board = s.store.board(&s.org, &BoardFilter { limit: 10, ..BoardFilter::default() }).unwrap();
    let entry = board.entries.iter().find(|e| e.case_id == s.case).unwrap();
    assert_ne!(entry.next_kind.as_deref(), Some("asylum_one_year"));
    assert!(entry.next_due.unwrap() > "2026-03-01".parse().unwrap(), "{entry:?}");
    assert!(entry.reasons.iter().all(|r| !r.code.contains("overdue")), "{:?}", entry.reasons);

    // No reminder or digest line on the days the offsets reach it.
    let advisory_due: Date = "2025-06-03".parse().unwrap();
    for days in [7, 1, 0] {
        s.store.record_daily_notices(&s.org, advisory_due.add_days(-days), now()).unwrap();
    }
    for user in [&s.attorney, &s.advocate] {
        assert!(!s.reminded_of(user).contains(&"asylum_one_year".to_owned()));
        let notices = s.store.notifications(&s.org, user, 500).unwrap().items;
        let digest = notices.iter().find(|n| n.kind == NoticeKind::DailyDigest);
        let lines = digest.and_then(|d| d.facts.digest.as_ref()).map_or(&[][..], |d| &d.deadlines[..]);
        assert!(lines.iter().all(|l| l.kind != "asylum_one_year"), "{lines:?}");
    }
}

fn new_kinds_remind_the_roles_that_act_on_them(db: &TestDatabase) {
    let s = staffed(db);
    for kind in ["ead_revocation_response_due", "address_report_due", "registration_at_14_due"] {
        let due = s.due(kind);
        s.store.record_daily_notices(&s.org, due.add_days(-1), now()).unwrap();
    }
    let attorney = s.reminded_of(&s.attorney);
    let advocate = s.reminded_of(&s.advocate);
    assert!(attorney.contains(&"ead_revocation_response_due".to_owned()), "{attorney:?}");
    assert!(!attorney.contains(&"address_report_due".to_owned()), "{attorney:?}");
    assert!(!attorney.contains(&"registration_at_14_due".to_owned()), "{attorney:?}");
    for kind in ["ead_revocation_response_due", "address_report_due", "registration_at_14_due"] {
        assert!(advocate.contains(&kind.to_owned()), "{kind}: {advocate:?}");
    }
    assert!(s.reminded_of(&s.clinician).is_empty(), "no legal date is the clinician's");
}

fn the_board_says_when_a_critical_patients_parent_lost_federal_coverage(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "coverage");
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "COVER-1",
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo", "birth_date": "2021-03-02" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo", "birth_date": "1990-05-05" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 3,
                         "available_in_origin_country": false, "attested_on": "2026-02-01" }
        },
        "events": [{ "id": "g1", "type": "parole_granted", "on": "2025-02-01", "valid_until": "2026-01-31" }]
    })
    .to_string();
    let file = CaseFile::parse(&text).unwrap().0;
    let case = store.import_cases(&org, &[file], None, now()).unwrap().remove(0);
    let board = store.board(&org, &BoardFilter { limit: 10, ..BoardFilter::default() }).unwrap();
    let entry = board.entries.iter().find(|e| e.case_id == case).unwrap();
    let reason = entry.reasons.iter().find(|r| r.code == "family_coverage_lost");
    let reason = reason.unwrap_or_else(|| panic!("{:#?}", entry.reasons));
    assert!(reason.points > 0);
    assert!(reason.text_en.contains("no federal Medicaid since 2026-02-01"), "{}", reason.text_en);
    assert!(reason.text_es.contains("no tiene Medicaid federal desde el 2026-02-01"), "{}", reason.text_es);
}
