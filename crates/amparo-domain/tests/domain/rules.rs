//! The rules of `us-parole/2027.1`, one edge at a time. Dates were worked out by hand from
//! `shared/domain/rules.md`; the people are fictional.

use amparo_domain::rules::{Deadline, DeadlineKind, Derivation, NOT_LEGAL_ADVICE, Status};
use amparo_domain::{CaseFile, Date, Policy, RuleSet, derive, is_critical_care, render_text};
use serde_json::{Value, json};

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

fn people() -> Value {
    json!([
        { "key": "p1", "role": "patient", "given_name": "Ana", "family_name": "Prueba", "birth_date": "2019-05-05" },
        { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Prueba", "birth_date": "1990-02-03" }
    ])
}

fn file_with(program: &str, people: Value, medical: Option<Value>, events: Value) -> CaseFile {
    let mut case = json!({ "reference": "T-1", "program": program, "people": people });
    if let Some(m) = medical {
        case["medical"] = m;
    }
    let doc = json!({ "format": "amparo.case/1", "case": case, "events": events });
    CaseFile::parse(&doc.to_string()).unwrap_or_else(|e| panic!("test file refused: {e}")).0
}

fn file(events: Value) -> CaseFile {
    file_with("humanitarian", people(), None, events)
}

fn run(file: &CaseFile, today: &str) -> Derivation {
    derive(file, d(today), &Policy::default(), RuleSet::builtin().unwrap())
}

fn run_with(file: &CaseFile, today: &str, policy: &Policy) -> Derivation {
    derive(file, d(today), policy, RuleSet::builtin().unwrap())
}

fn find<'a>(derivation: &'a Derivation, kind: &str, person: Option<&str>) -> Option<&'a Deadline> {
    derivation.deadlines.iter().find(|x| x.kind.as_str() == kind && x.person.as_deref() == person)
}

fn due(derivation: &Derivation, kind: &str, person: Option<&str>) -> Option<String> {
    find(derivation, kind, person).map(|x| x.due.to_string())
}

fn status(derivation: &Derivation, person: &str) -> Status {
    derivation.person(person).unwrap().status
}

fn kinds(derivation: &Derivation) -> Vec<(String, Option<String>)> {
    derivation.deadlines.iter().map(|x| (x.kind.as_str().to_owned(), x.person.clone())).collect()
}

fn grant(on: &str, until: &str) -> Value {
    json!({ "type": "parole_granted", "on": on, "valid_until": until })
}

// ---- statuses ----------------------------------------------------------------------------------

#[test]
fn statuses_follow_the_grant_and_today() {
    let f = file(json!([grant("2025-04-01", "2026-03-31")]));
    assert_eq!(status(&run(&f, "2025-03-31"), "p1"), Status::None, "before the grant begins");
    assert_eq!(status(&run(&f, "2025-04-01"), "p1"), Status::Paroled);
    assert_eq!(status(&run(&f, "2026-03-31"), "p1"), Status::Paroled, "the last day is included");
    assert_eq!(status(&run(&f, "2026-04-01"), "p1"), Status::Expired);
}

#[test]
fn a_request_without_a_grant_is_requested_and_nothing_is_none() {
    let f = file(json!([{ "type": "parole_requested", "on": "2025-01-10", "persons": ["p1"] }]));
    let out = run(&f, "2025-02-01");
    assert_eq!(status(&out, "p1"), Status::Requested);
    assert_eq!(status(&out, "m1"), Status::None);
    assert_eq!(out.person("p1").unwrap().parole_ends, None);
    assert_eq!(out.covered_until, None);
    assert!(out.deadlines.is_empty());
}

#[test]
fn a_regrant_recorded_ahead_of_its_start_keeps_the_person_paroled() {
    let f = file(json!([grant("2025-04-01", "2026-03-31"), grant("2026-04-01", "2027-03-31")]));
    let out = run(&f, "2026-02-01");
    assert_eq!(status(&out, "p1"), Status::Paroled);
    assert_eq!(out.person("p1").unwrap().parole_ends, Some(d("2027-03-31")));
}

#[test]
fn the_later_grant_in_the_file_wins_a_tie_on_dates() {
    let f = file(json!([grant("2025-04-01", "2026-03-31"), grant("2025-04-01", "2026-01-31")]));
    assert_eq!(run(&f, "2025-06-01").person("p1").unwrap().parole_ends, Some(d("2026-01-31")));
}

// ---- corrections --------------------------------------------------------------------------------

#[test]
fn a_correction_voids_the_event_it_supersedes() {
    let f = file(json!([
        { "id": "g1", "type": "parole_granted", "on": "2025-04-01", "valid_until": "2025-10-31" },
        { "id": "g2", "type": "parole_granted", "on": "2025-04-01", "valid_until": "2026-03-31", "supersedes": "g1" },
        { "id": "r1", "type": "rfe_received", "on": "2025-06-01", "served_by": "online" },
        { "id": "r2", "type": "rfe_answered", "on": "2025-06-01", "supersedes": "r1" }
    ]));
    let out = run(&f, "2025-06-02");
    assert_eq!(out.person("p1").unwrap().parole_ends, Some(d("2026-03-31")));
    assert_eq!(due(&out, "rfe_response_due", None), None, "the superseded RFE is void");
}

#[test]
fn a_superseded_grant_does_not_count_even_when_later() {
    let f = file(json!([
        { "id": "g1", "type": "parole_granted", "on": "2025-04-01", "valid_until": "2026-03-31" },
        { "id": "g2", "type": "parole_granted", "on": "2025-09-01", "valid_until": "2027-08-31" },
        { "id": "g3", "type": "parole_requested", "on": "2025-09-01", "supersedes": "g2" }
    ]));
    assert_eq!(run(&f, "2025-10-01").person("m1").unwrap().parole_ends, Some(d("2026-03-31")));
}

#[test]
fn a_chain_of_corrections_keeps_only_its_last_link() {
    let f = file(json!([
        { "id": "a", "type": "fee_notice", "on": "2025-11-01", "pay_by": "2025-11-20" },
        { "id": "b", "type": "fee_notice", "on": "2025-11-01", "pay_by": "2025-11-25", "supersedes": "a" },
        { "id": "c", "type": "fee_notice", "on": "2025-11-01", "pay_by": "2025-11-30", "supersedes": "b" }
    ]));
    let out = run(&f, "2025-11-02");
    let fees: Vec<String> =
        out.deadlines.iter().filter(|x| x.kind == DeadlineKind::FeeDue).map(|x| x.due.to_string()).collect();
    assert_eq!(fees, ["2025-11-30"]);
}

// ---- members with different grants -----------------------------------------------------------------

#[test]
fn members_with_different_grants_get_their_own_deadlines() {
    let f = file(json!([
        { "type": "parole_granted", "on": "2025-04-01", "valid_until": "2026-08-01", "persons": ["p1"] },
        { "type": "parole_granted", "on": "2025-05-01", "valid_until": "2026-10-15", "persons": ["m1"] }
    ]));
    let out = run(&f, "2026-01-15");
    assert_eq!(out.person("p1").unwrap().parole_ends, Some(d("2026-08-01")));
    assert_eq!(out.person("m1").unwrap().parole_ends, Some(d("2026-10-15")));
    // 2026-08-01 - 90 = 2026-05-03, a Sunday: the target moves back to Friday 2026-05-01.
    assert_eq!(due(&out, "re_parole_file_by", Some("p1")).as_deref(), Some("2026-05-01"));
    assert!(find(&out, "re_parole_file_by", Some("p1")).unwrap().why.contains("2026-05-03 is a Sunday"));
    assert_eq!(due(&out, "re_parole_file_by", Some("m1")).as_deref(), Some("2026-07-17"));
    assert_eq!(out.covered_until, Some(d("2026-08-01")));
}

// ---- re-parole ---------------------------------------------------------------------------------------

#[test]
fn a_re_parole_filed_since_the_grant_clears_the_target_but_an_older_one_does_not() {
    let f = file(json!([
        { "type": "re_parole_filed", "on": "2025-03-01", "persons": ["m1"] },
        grant("2025-04-01", "2026-03-31"),
        { "type": "re_parole_filed", "on": "2025-12-01", "persons": ["p1"] }
    ]));
    let out = run(&f, "2026-01-01");
    assert_eq!(due(&out, "re_parole_file_by", Some("p1")), None);
    assert_eq!(due(&out, "re_parole_file_by", Some("m1")).as_deref(), Some("2025-12-31"));
}

#[test]
fn the_lead_days_come_from_the_policy() {
    let f = file(json!([grant("2025-04-01", "2026-03-31")]));
    let policy = Policy { re_parole_lead_days: 120, ..Policy::default() };
    // 2026-03-31 - 120 = 2025-12-01, a Monday.
    assert_eq!(
        due(&run_with(&f, "2025-06-01", &policy), "re_parole_file_by", Some("p1")).as_deref(),
        Some("2025-12-01")
    );
}

#[test]
fn u4u_cases_get_the_180_day_window() {
    let f = file_with("u4u", people(), None, json!([grant("2024-10-01", "2026-09-30")]));
    let out = run(&f, "2026-01-01");
    let window = find(&out, "re_parole_window_opens", Some("p1")).unwrap();
    assert_eq!(window.due, d("2026-04-03"));
    assert_eq!(window.rule.as_str(), "re_parole.window");
    let target = find(&out, "re_parole_file_by", Some("p1")).unwrap();
    assert_eq!(target.due, d("2026-07-02"));
    assert_eq!(target.window_opens, Some(d("2026-04-03")));
    // Other programmes have no window.
    let f = file(json!([grant("2024-10-01", "2026-09-30")]));
    let out = run(&f, "2026-01-01");
    assert_eq!(due(&out, "re_parole_window_opens", Some("p1")), None);
    assert_eq!(find(&out, "re_parole_file_by", Some("p1")).unwrap().window_opens, None);
}

// ---- termination and departure ------------------------------------------------------------------------

#[test]
fn a_termination_with_an_effective_date_ends_parole_then() {
    let f = file(json!([
        grant("2025-01-10", "2026-01-09"),
        { "type": "ead_approved", "on": "2025-02-01", "valid_until": "2026-01-09", "persons": ["m1"] },
        { "type": "termination_notice", "on": "2025-06-01", "served_by": "email", "effective": "2025-06-15",
          "depart_by": "2025-06-20", "persons": ["m1"] }
    ]));
    let during = run(&f, "2025-06-10");
    assert_eq!(status(&during, "m1"), Status::Paroled);
    let out = run(&f, "2025-07-01");
    assert_eq!(status(&out, "m1"), Status::Terminated);
    assert_eq!(status(&out, "p1"), Status::Paroled, "the notice named only m1");
    assert_eq!(out.person("m1").unwrap().parole_ends, Some(d("2025-06-15")));
    assert!(find(&out, "parole_ends", Some("m1")).unwrap().why.contains("termination notice of 2025-06-01"));
    assert_eq!(due(&out, "depart_by", Some("m1")).as_deref(), Some("2025-06-20"));
    assert_eq!(due(&out, "depart_by", None), None);
    assert_eq!(due(&out, "re_parole_file_by", Some("m1")), None, "no target after a termination");
    assert_eq!(due(&out, "re_parole_file_by", Some("p1")).as_deref(), Some("2025-10-10"));
    let ead = find(&out, "ead_ends", Some("m1")).unwrap();
    assert_eq!(ead.due, d("2025-06-15"));
    assert!(ead.why.contains("conservative reading"), "{}", ead.why);
    assert_eq!(ead.basis, amparo_domain::Basis::Practice, "capped by the parole end: a conservative reading");
    // Unlawful presence from the day after the effective date.
    assert_eq!(due(&out, "unlawful_presence_181", Some("m1")).as_deref(), Some("2025-12-13"));
    assert_eq!(due(&out, "unlawful_presence_365", Some("m1")).as_deref(), Some("2026-06-15"));
    assert!(find(&out, "unlawful_presence_181", Some("m1")).unwrap().why.contains("was terminated"));
    // Covered until the earliest parole end among the people still paroled (2027.1): p1's.
    assert_eq!(out.covered_until, Some(d("2026-01-09")));
    assert_eq!(during.covered_until, Some(d("2025-06-15")));
}

#[test]
fn a_termination_without_effective_ends_parole_on_its_date_and_an_old_one_is_ignored() {
    let f = file(json!([
        { "type": "termination_notice", "on": "2024-12-01", "served_by": "mail" },
        grant("2025-01-10", "2026-01-09"),
        { "type": "termination_notice", "on": "2025-08-01", "served_by": "personal", "persons": ["p1"] }
    ]));
    let out = run(&f, "2025-09-01");
    assert_eq!(out.person("p1").unwrap().parole_ends, Some(d("2025-08-01")));
    assert_eq!(status(&out, "p1"), Status::Terminated);
    assert_eq!(out.person("m1").unwrap().parole_ends, Some(d("2026-01-09")));
    assert_eq!(status(&out, "m1"), Status::Paroled);
}

#[test]
fn a_departure_ends_parole_and_stops_the_count() {
    let f = file(json!([
        grant("2025-01-10", "2026-01-09"),
        { "type": "departed", "on": "2025-09-05", "persons": ["m1"] }
    ]));
    let before = run(&f, "2025-09-04");
    assert_eq!(status(&before, "m1"), Status::Paroled);
    let out = run(&f, "2026-06-01");
    assert_eq!(status(&out, "m1"), Status::Departed);
    assert_eq!(status(&out, "p1"), Status::Expired);
    assert_eq!(out.person("m1").unwrap().parole_ends, Some(d("2025-09-05")));
    assert!(find(&out, "parole_ends", Some("m1")).unwrap().why.contains("Departure"));
    assert_eq!(due(&out, "re_parole_file_by", Some("m1")), None);
    assert_eq!(due(&out, "unlawful_presence_181", Some("m1")), None);
    // The case is covered by the people still paroled: p1 only, until p1's parole expires too.
    assert_eq!(run(&f, "2025-10-01").covered_until, Some(d("2026-01-09")));
    assert_eq!(out.covered_until, None);
}

#[test]
fn a_departure_before_a_new_grant_is_history() {
    let f = file(json!([
        grant("2024-01-10", "2025-01-09"),
        { "type": "departed", "on": "2024-06-01" },
        grant("2024-09-01", "2025-08-31")
    ]));
    let out = run(&f, "2025-01-15");
    assert_eq!(status(&out, "p1"), Status::Paroled);
    assert_eq!(out.person("p1").unwrap().parole_ends, Some(d("2025-08-31")));
}

// ---- unlawful presence ------------------------------------------------------------------------------------

#[test]
fn unlawful_presence_counts_across_a_leap_day() {
    let f = file(
        json!([{ "type": "parole_granted", "on": "2023-02-01", "valid_until": "2024-01-31", "persons": ["m1"] }]),
    );
    let out = run(&f, "2024-03-01");
    assert_eq!(due(&out, "unlawful_presence_181", Some("m1")).as_deref(), Some("2024-07-30"));
    assert_eq!(due(&out, "unlawful_presence_365", Some("m1")).as_deref(), Some("2025-01-30"));
    // Not yet past on the last day of parole.
    assert_eq!(due(&run(&f, "2024-01-31"), "unlawful_presence_181", Some("m1")), None);
}

#[test]
fn a_minor_counts_from_the_18th_birthday() {
    let people = json!([
        { "key": "p1", "role": "patient", "given_name": "Ana", "family_name": "Prueba", "birth_date": "2008-02-29" },
        { "key": "s1", "role": "sibling", "given_name": "Eva", "family_name": "Prueba", "birth_date": "2007-01-15" },
        { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Prueba" }
    ]);
    let f = file_with("humanitarian", people, None, json!([grant("2024-06-01", "2025-05-31")]));
    let out = run(&f, "2025-07-01");
    // Born on 29 February: the 18th birthday is taken as 28 February 2026, the earlier (safer) reading.
    let p1 = find(&out, "unlawful_presence_181", Some("p1")).unwrap();
    assert_eq!(p1.due, d("2026-08-27"));
    assert!(p1.why.contains("18th birthday (2026-02-28)"), "{}", p1.why);
    // s1 turned 18 before parole ended: an adult count from the day after.
    assert_eq!(due(&out, "unlawful_presence_181", Some("s1")).as_deref(), Some("2025-11-28"));
    // No birth date: counted as an adult, and the why says so.
    let m1 = find(&out, "unlawful_presence_181", Some("m1")).unwrap();
    assert_eq!(m1.due, d("2025-11-28"));
    assert!(m1.why.contains("no birth date"), "{}", m1.why);
}

#[test]
fn a_pending_re_parole_does_not_stop_the_count_and_the_why_says_so() {
    let f = file(json!([
        grant("2024-10-01", "2025-09-30"),
        { "type": "re_parole_filed", "on": "2025-07-01" }
    ]));
    let out = run(&f, "2025-12-01");
    let presence = find(&out, "unlawful_presence_181", Some("m1")).unwrap();
    assert_eq!(presence.due, d("2026-03-30"));
    assert!(presence.why.contains("pending re-parole request does not stop the count"), "{}", presence.why);
}

// ---- notices ------------------------------------------------------------------------------------------------

#[test]
fn rfe_by_mail_adds_three_days_and_in_person_rolls_past_memorial_day() {
    let mailed = file(json!([{ "type": "rfe_received", "on": "2026-03-02", "served_by": "mail" }]));
    assert_eq!(due(&run(&mailed, "2026-03-03"), "rfe_response_due", None).as_deref(), Some("2026-05-28"));
    let personal = file(json!([{ "type": "rfe_received", "on": "2026-03-02", "served_by": "personal" }]));
    let out = run(&personal, "2026-03-03");
    let rfe = find(&out, "rfe_response_due", None).unwrap();
    assert_eq!(rfe.due, d("2026-05-26"));
    assert!(rfe.why.contains("84 days = 2026-05-25; 2026-05-25 is Memorial Day"), "{}", rfe.why);
}

#[test]
fn printed_dates_win_and_are_never_rolled() {
    let f = file(json!([
        { "type": "rfe_received", "on": "2026-03-02", "served_by": "mail", "respond_by": "2026-05-24" },
        { "type": "noid_received", "on": "2026-03-02", "served_by": "mail", "respond_by": "2026-03-20" }
    ]));
    let out = run(&f, "2026-03-03");
    // 2026-05-24 is a Sunday; the printed date stands.
    assert_eq!(due(&out, "rfe_response_due", None).as_deref(), Some("2026-05-24"));
    assert!(find(&out, "rfe_response_due", None).unwrap().why.contains("printed"));
    assert_eq!(due(&out, "noid_response_due", None).as_deref(), Some("2026-03-20"));
}

#[test]
fn a_holiday_observed_the_year_before_moves_deadlines() {
    // NOID in person on 2021-12-01: +30 = 2021-12-31, New Year's Day 2022 observed; then a weekend.
    let f = file(json!([{ "type": "noid_received", "on": "2021-12-01", "served_by": "personal" }]));
    let out = run(&f, "2021-12-02");
    let noid = find(&out, "noid_response_due", None).unwrap();
    assert_eq!(noid.due, d("2022-01-03"));
    assert!(noid.why.contains("2021-12-31 is New Year's Day"), "{}", noid.why);
    // A re-parole target on Saturday 2022-01-01 moves back past the observed Friday to Thursday.
    let f = file(json!([grant("2021-04-02", "2022-04-01")]));
    assert_eq!(due(&run(&f, "2021-06-01"), "re_parole_file_by", Some("p1")).as_deref(), Some("2021-12-30"));
}

#[test]
fn an_answer_on_or_after_the_notice_closes_it() {
    let f = file(json!([
        { "type": "rfe_answered", "on": "2026-01-05" },
        { "type": "rfe_received", "on": "2026-02-09", "served_by": "mail" },
        { "type": "noid_received", "on": "2026-02-09", "served_by": "online" },
        { "type": "noid_answered", "on": "2026-02-09" }
    ]));
    let out = run(&f, "2026-02-20");
    assert_eq!(
        due(&out, "rfe_response_due", None).as_deref(),
        Some("2026-05-07"),
        "an earlier answer does not count"
    );
    assert_eq!(due(&out, "noid_response_due", None), None);
}

#[test]
fn a_denial_gives_a_motion_deadline_with_a_warning() {
    let mailed = file(json!([{ "type": "parole_denied", "on": "2026-06-01", "served_by": "mail" }]));
    let out = run(&mailed, "2026-06-02");
    let motion = find(&out, "motion_due", None).unwrap();
    // +33 = Saturday 2026-07-04 (observed Friday 07-03): forward to Monday 07-06.
    assert_eq!(motion.due, d("2026-07-06"));
    assert!(motion.why.contains("30 + 3 days = 2026-07-04"), "{}", motion.why);
    assert!(motion.why.contains("not appealable") && motion.why.contains("counsel"), "{}", motion.why);
    let personal = file(json!([{ "type": "parole_denied", "on": "2026-06-01", "served_by": "personal" }]));
    assert_eq!(due(&run(&personal, "2026-06-02"), "motion_due", None).as_deref(), Some("2026-07-01"));
    let filed = file(json!([
        { "type": "parole_denied", "on": "2026-06-01", "served_by": "mail" },
        { "type": "motion_filed", "on": "2026-06-20" }
    ]));
    assert_eq!(due(&run(&filed, "2026-06-21"), "motion_due", None), None);
}

#[test]
fn fees_are_due_on_the_printed_date_until_paid() {
    let f = file(json!([
        { "type": "fee_paid", "on": "2025-10-01" },
        { "type": "fee_notice", "on": "2025-11-01", "pay_by": "2025-11-29", "amount": 1000 }
    ]));
    let out = run(&f, "2025-11-02");
    let fee = find(&out, "fee_due", None).unwrap();
    assert_eq!(fee.due, d("2025-11-29"), "printed, a Saturday, not rolled");
    assert!(fee.why.contains("$1000.00"), "{}", fee.why);
    let paid = file(json!([
        { "type": "fee_notice", "on": "2025-11-01", "pay_by": "2025-11-29" },
        { "type": "fee_paid", "on": "2025-11-10" }
    ]));
    assert_eq!(due(&run(&paid, "2025-11-12"), "fee_due", None), None);
}

// ---- work permits ----------------------------------------------------------------------------------------------

#[test]
fn a_work_permit_ends_with_parole_at_the_latest() {
    let f = file(json!([
        grant("2025-04-01", "2026-03-31"),
        { "type": "ead_approved", "on": "2025-05-01", "valid_until": "2027-04-30", "persons": ["m1"] },
        { "type": "ead_approved", "on": "2025-05-01", "valid_until": "2025-12-31", "persons": ["p1"] }
    ]));
    let out = run(&f, "2025-06-01");
    let capped = find(&out, "ead_ends", Some("m1")).unwrap();
    assert_eq!(capped.due, d("2026-03-31"));
    assert!(capped.why.contains("2027-04-30") && capped.why.contains("1809(a)"), "{}", capped.why);
    assert_eq!(due(&out, "ead_ends", Some("p1")).as_deref(), Some("2025-12-31"));
}

#[test]
fn the_latest_work_permit_counts() {
    let f = file(json!([
        grant("2025-04-01", "2026-03-31"),
        { "type": "ead_approved", "on": "2025-05-01", "valid_until": "2025-09-30", "persons": ["m1"] },
        { "type": "ead_approved", "on": "2025-09-15", "valid_until": "2026-01-31", "persons": ["m1"] }
    ]));
    let out = run(&f, "2025-10-01");
    let eads: Vec<&Deadline> = out.deadlines.iter().filter(|x| x.kind == DeadlineKind::EadEnds).collect();
    assert_eq!(eads.len(), 1);
    assert_eq!(eads[0].due, d("2026-01-31"));
}

// ---- medical facts and policy ------------------------------------------------------------------------------------

fn medical(days: u32, attested: &str) -> Value {
    json!({ "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": days, "attested_on": attested })
}

#[test]
fn medical_refresh_runs_from_the_latest_attestation() {
    let f = file_with("humanitarian", people(), Some(medical(3, "2025-04-02")), json!([]));
    assert_eq!(
        due(&run(&f, "2025-05-01"), "medical_attestation_refresh_by", None).as_deref(),
        Some("2025-09-29")
    );
    let f = file_with(
        "humanitarian",
        people(),
        Some(medical(3, "2025-04-02")),
        json!([{ "type": "medical_attested", "on": "2025-08-01", "days_to_critical_harm": 10 }]),
    );
    // 2025-08-01 + 180 = 2026-01-28, a Wednesday.
    assert_eq!(
        due(&run(&f, "2025-09-01"), "medical_attestation_refresh_by", None).as_deref(),
        Some("2026-01-28")
    );
    assert!(!is_critical_care(&f, &Policy::default()), "the re-attestation said 10 days");
    let policy = Policy { critical_care_threshold_days: 10, ..Policy::default() };
    assert!(is_critical_care(&f, &policy));
    let no_medical = file(json!([]));
    assert!(!is_critical_care(&no_medical, &Policy::default()));
    let urgent = file_with("humanitarian", people(), Some(medical(7, "2025-04-02")), json!([]));
    assert!(is_critical_care(&urgent, &Policy::default()), "at the threshold counts");
}

#[test]
fn closure_days_move_targets_but_never_legal_deadlines() {
    let f = file(json!([
        { "type": "parole_granted", "on": "2025-10-16", "valid_until": "2026-10-15", "persons": ["m1"] },
        { "type": "rfe_received", "on": "2026-04-24", "served_by": "personal" }
    ]));
    // Target 2026-07-17 (Friday); RFE 2026-04-24 + 84 = 2026-07-17 too.
    let policy = Policy { closure_days: vec![d("2026-07-17")], ..Policy::default() };
    let out = run_with(&f, "2026-05-01", &policy);
    let target = find(&out, "re_parole_file_by", Some("m1")).unwrap();
    assert_eq!(target.due, d("2026-07-16"));
    assert!(target.why.contains("office closure day"), "{}", target.why);
    assert_eq!(due(&out, "rfe_response_due", None).as_deref(), Some("2026-07-17"));
    assert_eq!(due(&run(&f, "2026-05-01"), "re_parole_file_by", Some("m1")).as_deref(), Some("2026-07-17"));
}

// ---- output ----------------------------------------------------------------------------------------------------

#[test]
fn deadlines_sort_by_due_then_kind_then_person_with_case_wide_first() {
    let f = file(json!([
        grant("2025-04-01", "2026-03-31"),
        { "type": "ead_approved", "on": "2025-05-01", "valid_until": "2026-03-31" },
        { "type": "fee_notice", "on": "2026-03-01", "pay_by": "2026-03-31" },
        { "type": "termination_notice", "on": "2026-03-01", "served_by": "email", "effective": "2026-04-30",
          "depart_by": "2026-03-31" }
    ]));
    let out = run(&f, "2026-03-02");
    let on_the_31st: Vec<(String, Option<String>)> = kinds(&out)
        .into_iter()
        .zip(&out.deadlines)
        .filter(|(_, x)| x.due == d("2026-03-31"))
        .map(|(kind, _)| kind)
        .collect();
    let expected: Vec<(String, Option<String>)> = [
        ("depart_by", None),
        ("ead_ends", Some("m1")),
        ("ead_ends", Some("p1")),
        ("fee_due", None),
        ("parole_ends", Some("m1")),
        ("parole_ends", Some("p1")),
    ]
    .into_iter()
    .map(|(k, p)| (k.to_owned(), p.map(str::to_owned)))
    .collect();
    assert_eq!(on_the_31st, expected);
    assert!(out.deadlines.windows(2).all(|w| (w[0].due, w[0].kind) <= (w[1].due, w[1].kind)));
}

#[test]
fn the_next_deadline_is_the_first_not_yet_past() {
    let f = file(json!([grant("2025-04-01", "2026-03-31")]));
    let out = run(&f, "2026-01-15");
    let next = out.next_deadline(d("2026-01-15")).unwrap();
    assert_eq!((next.kind, next.due), (DeadlineKind::ParoleEnds, d("2026-03-31")));
    assert_eq!(out.next_deadline(d("2025-06-01")).unwrap().kind, DeadlineKind::ReParoleFileBy);
    // After parole: the asylum one-year date (arrival 2025-04-01), then registration at 14 (2033).
    assert_eq!(out.next_deadline(d("2026-04-01")).unwrap().kind, DeadlineKind::AsylumOneYear);
    assert_eq!(out.next_deadline(d("2026-04-02")).unwrap().kind, DeadlineKind::RegistrationAt14Due);
    assert!(out.next_deadline(d("2034-01-01")).is_none());
}

#[test]
fn json_has_exactly_the_documented_shape() {
    let f = file(json!([grant("2025-06-03", "2026-06-02")]));
    let value = serde_json::to_value(run(&f, "2026-01-15")).unwrap();
    let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["covered_until", "deadlines", "people", "rule_set", "today"]);
    let person = &value["people"][0];
    assert_eq!(
        (&person["person"], &person["status"], &person["parole_ends"]),
        (&json!("p1"), &json!("paroled"), &json!("2026-06-02"))
    );
    let coverage_keys: Vec<&str> =
        person["coverage"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        coverage_keys,
        ["citation", "cuban_haitian_entrant", "federal_medicaid", "qualified_alien", "why"]
    );
    assert_eq!(person.as_object().unwrap().len(), 4);
    let parole_ends = value["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "parole_ends" && x["person"] == "m1")
        .unwrap();
    assert_eq!(
        parole_ends,
        &json!({ "kind": "parole_ends", "person": "m1", "due": "2026-06-02", "window_opens": null,
                "advisory": false, "rule": "parole.ends", "basis": "law", "citation": "8 CFR 212.5(e)(1)",
                "why": "The grant of 2025-06-03 is valid until 2026-06-02; parole ends then unless renewed." })
    );
    let text = run(&f, "2026-01-15").to_json();
    let back: Derivation = serde_json::from_str(&text).unwrap();
    assert_eq!(back, run(&f, "2026-01-15"));
}

#[test]
fn the_same_input_always_gives_the_same_output() {
    let f = file(
        json!([grant("2025-06-03", "2026-06-02"), { "type": "rfe_received", "on": "2026-01-02", "served_by": "mail" }]),
    );
    assert_eq!(run(&f, "2026-01-15"), run(&f, "2026-01-15"));
}

#[test]
fn the_text_table_ends_with_the_legal_advice_notice() {
    let f = file(json!([grant("2025-06-03", "2026-06-02")]));
    let text = render_text(&run(&f, "2026-01-15"));
    assert!(text.contains("p1") && text.contains("paroled") && text.contains("re_parole_file_by"), "{text}");
    assert!(text.trim_end().ends_with(NOT_LEGAL_ADVICE), "{text}");
    assert!(NOT_LEGAL_ADVICE.contains("not legal advice") && NOT_LEGAL_ADVICE.contains("counsel"));
    let empty = render_text(&run(&file(json!([])), "2026-01-15"));
    assert!(empty.contains("No deadlines.") && empty.trim_end().ends_with(NOT_LEGAL_ADVICE));
}

#[test]
fn ties_on_the_end_date_go_to_departure_then_to_expiry() {
    // Leaving on the last day of parole: ended by departure, no unlawful presence.
    let f = file(
        json!([grant("2024-10-01", "2025-09-30"), { "type": "departed", "on": "2025-09-30", "persons": ["m1"] }]),
    );
    let out = run(&f, "2025-12-01");
    assert_eq!(status(&out, "m1"), Status::Departed);
    assert!(find(&out, "parole_ends", Some("m1")).unwrap().why.contains("Departure"));
    assert_eq!(due(&out, "unlawful_presence_181", Some("m1")), None);
    assert_eq!(due(&out, "re_parole_file_by", Some("m1")), None);
    // A termination effective on the last day is not early: the parole simply expired.
    let f = file(json!([
        grant("2024-10-01", "2025-09-30"),
        { "type": "termination_notice", "on": "2025-09-01", "served_by": "mail", "effective": "2025-09-30", "persons": ["m1"] }
    ]));
    let out = run(&f, "2025-12-01");
    assert_eq!(status(&out, "m1"), Status::Expired);
    assert_eq!(due(&out, "re_parole_file_by", Some("m1")).as_deref(), Some("2025-07-02"));
    assert!(find(&out, "unlawful_presence_181", Some("m1")).unwrap().why.contains("expired on"));
}

#[test]
fn a_roll_off_a_holiday_reads_in_spanish_with_the_holiday_named() {
    // RFE in person on 2026-09-01: +84 = 2026-11-24 is a Tuesday; pick a notice landing on
    // Thanksgiving 2026 (November 26): 2026-09-03 + 84 = 2026-11-26, moved to Friday 2026-11-27.
    let f = file(json!([{ "type": "rfe_received", "on": "2026-09-03", "served_by": "personal" }]));
    let out = run(&f, "2026-09-04");
    let rfe = find(&out, "rfe_response_due", None).unwrap();
    assert_eq!(rfe.due, d("2026-11-27"));
    assert!(rfe.why.contains("2026-11-26 is Thanksgiving Day"), "{}", rfe.why);
    let es = RuleSet::builtin().unwrap().deadline_why(amparo_domain::Language::Es, rfe);
    assert!(es.starts_with("Solicitud de evidencia (RFE) notificada por entrega en persona el 3 de septiembre de 2026: 84 días = 26 de noviembre de 2026; el 26 de noviembre de 2026 es Día de Acción de Gracias (feriado federal, en su fecha de observancia), así que el plazo pasa al siguiente día hábil, el 27 de noviembre de 2026"), "{es}");
    // The stored facts keep codes, never the English words.
    let kept: Vec<&str> = rfe.why_facts.facts.iter().map(|(_, v)| v.as_str()).collect();
    assert!(kept.iter().all(|v| !v.contains("Thanksgiving") && !v.contains("is ")), "{kept:?}");
}
