//! Properties of any derivation, over random timelines: order, explanations, rolling and coverage.

use amparo_domain::calendar::Calendar;
use amparo_domain::rules::{DeadlineKind, Status};
use amparo_domain::{CaseFile, Date, Language, Policy, RuleSet, derive};
use proptest::prelude::*;
use serde_json::{Value, json};

const TYPES: [&str; 10] = [
    "parole_granted",
    "termination_notice",
    "departed",
    "rfe_received",
    "rfe_answered",
    "noid_received",
    "parole_denied",
    "fee_notice",
    "ead_approved",
    "re_parole_filed",
];
const SERVED: [&str; 4] = ["mail", "email", "personal", "online"];

fn day(offset: i64) -> String {
    Date::from_ymd(2024, 1, 1).unwrap().add_days(offset).to_string()
}

fn event((kind, on, len, who, served): (usize, i64, i64, usize, usize)) -> Value {
    let mut e = json!({ "type": TYPES[kind], "on": day(on) });
    let later = day(on + len);
    match TYPES[kind] {
        "parole_granted" | "ead_approved" => e["valid_until"] = json!(later),
        "termination_notice" => {
            e["served_by"] = json!(SERVED[served]);
            if len % 2 == 0 {
                e["effective"] = json!(later);
            }
            if len % 3 == 0 {
                e["depart_by"] = json!(day(on + len / 2));
            }
        }
        "rfe_received" | "noid_received" => {
            e["served_by"] = json!(SERVED[served]);
            if len % 5 == 0 {
                e["respond_by"] = json!(later);
            }
        }
        "parole_denied" => e["served_by"] = json!(SERVED[served]),
        "fee_notice" => e["pay_by"] = json!(later),
        _ => {}
    }
    match who {
        0 => e["persons"] = json!(["p1"]),
        1 => e["persons"] = json!(["m1"]),
        _ => {}
    }
    e
}

fn case(events: Vec<Value>) -> CaseFile {
    let doc = json!({
        "format": "amparo.case/1",
        "case": { "reference": "PROP-1", "people": [
            { "key": "p1", "role": "patient", "given_name": "Ana", "family_name": "Prueba", "birth_date": "2015-03-01" },
            { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Prueba", "birth_date": "1990-07-07" } ],
          "medical": { "person": "p1", "condition": "short bowel syndrome", "attested_on": "2024-02-10" } },
        "events": events
    });
    CaseFile::parse(&doc.to_string()).unwrap().0
}

fn timeline() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec((0usize..10, 0i64..900, 0i64..500, 0usize..3, 0usize..4).prop_map(event), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_derivation_is_ordered_explained_and_consistent(events in timeline(), today in 0i64..1500) {
        let file = case(events);
        let today = Date::from_ymd(2024, 1, 1).unwrap().add_days(today);
        let policy = Policy::default();
        let out = derive(&file, today, &policy, RuleSet::builtin().unwrap());
        prop_assert_eq!(&out, &derive(&file, today, &policy, RuleSet::builtin().unwrap()));
        prop_assert_eq!(out.people.len(), 2);
        for pair in out.deadlines.windows(2) {
            prop_assert!((pair[0].due, pair[0].kind, &pair[0].person) <= (pair[1].due, pair[1].kind, &pair[1].person));
        }
        let federal = Calendar::federal();
        for deadline in &out.deadlines {
            prop_assert!(!deadline.why.is_empty() && !deadline.why.contains('{'), "{}", deadline.why);
            prop_assert_eq!(deadline.rule.kind(), deadline.kind);
            match deadline.kind {
                DeadlineKind::ReParoleFileBy | DeadlineKind::MedicalAttestationRefreshBy => {
                    prop_assert!(federal.is_business_day(deadline.due));
                }
                DeadlineKind::MotionDue => prop_assert!(federal.is_business_day(deadline.due)),
                DeadlineKind::RfeResponseDue | DeadlineKind::NoidResponseDue if !deadline.why.contains("printed") => {
                    prop_assert!(federal.is_business_day(deadline.due));
                }
                _ => {}
            }
        }
        // The facts kept for each *why* write the same sentence again, and are fewer bytes than it.
        let rules = RuleSet::builtin().unwrap();
        for deadline in &out.deadlines {
            let facts = &deadline.why_facts;
            let again = rules.why_in(Language::En, deadline.rule, facts.variant, |name| {
                facts.facts.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
            });
            prop_assert_eq!(&again, &deadline.why);
            // The Spanish sentence is whole: no placeholder left, no English code, dates in words.
            let es = rules.deadline_why(Language::Es, deadline);
            prop_assert!(!es.is_empty() && !es.contains('{') && !es.contains('}'), "{}", es);
            prop_assert!(!es.contains("unknown") && !es.contains(" mail ") && !es.contains("federal holiday"), "{}", es);
            prop_assert!(!es.split(|c: char| !c.is_ascii_digit() && c != '-').any(|w| w.parse::<Date>().is_ok()), "{}", es);
            let kept: usize = facts.facts.iter().map(|(n, v)| n.len() + v.len()).sum();
            prop_assert!(kept < deadline.why.len(), "{:?} vs {}", facts, deadline.why);
        }
        for person in &out.people {
            let ends = out.deadlines.iter().find(|d| d.kind == DeadlineKind::ParoleEnds && d.person.as_deref() == Some(person.person.as_str()));
            prop_assert_eq!(ends.map(|d| d.due), person.parole_ends);
            if let Some(end) = person.parole_ends {
                if person.status == Status::Paroled {
                    prop_assert!(out.covered_until.is_some_and(|c| c <= end));
                }
                if let Some(target) = out.deadlines.iter().find(|d| d.kind == DeadlineKind::ReParoleFileBy && d.person.as_deref() == Some(person.person.as_str())) {
                    prop_assert!(target.due <= end.add_days(-90));
                }
                if person.status == Status::Paroled {
                    prop_assert!(today <= end);
                }
                if matches!(person.status, Status::Expired | Status::Terminated) {
                    prop_assert!(today > end);
                    let presence = out.deadlines.iter().find(|d| d.kind == DeadlineKind::UnlawfulPresence181 && d.person.as_deref() == Some(person.person.as_str()));
                    prop_assert!(presence.is_some_and(|d| d.due > end.add_days(180)));
                }
            }
        }
    }
}

/// Notices and answers of the kinds 2027.1 links, on one timeline: (notice or answer, day, link).
fn answer_timeline() -> impl Strategy<Value = Vec<(bool, i64, Option<usize>)>> {
    prop::collection::vec((any::<bool>(), 0i64..200, prop::option::of(0usize..8)), 1..10)
}

fn answers_case(items: &[(bool, i64, Option<usize>)]) -> (CaseFile, Vec<usize>) {
    let mut events =
        vec![json!({ "id": "g", "type": "parole_granted", "on": day(0), "valid_until": day(800) })];
    let mut notices: Vec<(usize, i64)> = Vec::new();
    let mut links = Vec::new();
    for (i, (is_notice, on, link)) in items.iter().enumerate() {
        if *is_notice {
            events.push(json!({ "id": format!("n{i}"), "type": "rfe_received", "on": day(*on), "served_by": "online" }));
            notices.push((i, *on));
        } else {
            let mut answer = json!({ "id": format!("a{i}"), "type": "rfe_answered", "on": day(*on) });
            // A link only to a notice already on file and dated on or before the answer.
            if let Some((n, _)) = link.and_then(|l| notices.iter().filter(|(_, d)| d <= on).nth(l)) {
                answer["answers"] = json!(format!("n{n}"));
                links.push(*n);
            }
            events.push(answer);
        }
    }
    (case(events), links)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// An answer never clears a notice it does not answer: no more RFEs are cleared than there are
    /// answers, every linked notice is cleared, and a notice dated after every answer stays open.
    #[test]
    fn an_answer_never_clears_a_notice_it_does_not_answer(items in answer_timeline()) {
        let (file, links) = answers_case(&items);
        let out = derive(&file, Date::from_ymd(2024, 6, 1).unwrap(), &Policy::default(), RuleSet::builtin().unwrap());
        let notices = items.iter().filter(|(n, _, _)| *n).count();
        let answers = items.len() - notices;
        let open = out.deadlines.iter().filter(|d| d.kind == DeadlineKind::RfeResponseDue).count();
        prop_assert!(open + answers >= notices, "{} open, {} answers, {} notices", open, answers, notices);
        let open_after: Vec<&str> = amparo_domain::rules::answerable_notices(&file, "rfe_answered", day(300).parse().unwrap())
            .iter().filter_map(|e| e.id.as_deref()).collect();
        prop_assert_eq!(open_after.len(), open);
        for n in links {
            let id = format!("n{n}");
            prop_assert!(!open_after.contains(&id.as_str()), "{} was linked yet is open", id);
        }
        let last_answer = items.iter().filter(|(n, _, _)| !*n).map(|(_, d, _)| *d).max();
        for (i, (is_notice, on, _)) in items.iter().enumerate() {
            if *is_notice && last_answer.is_none_or(|a| *on > a) {
                let id = format!("n{i}");
                prop_assert!(open_after.contains(&id.as_str()), "{} is after every answer yet cleared", id);
            }
        }
    }

    /// A later grant always removes a termination notice's depart-by, for the people it covers.
    #[test]
    fn a_later_grant_always_removes_depart_by(
        events in timeline(), notice_on in 0i64..600, gap in 1i64..200, today in 0i64..1500, who in 0usize..3,
    ) {
        let mut events = events;
        let mut notice = json!({ "type": "termination_notice", "on": day(notice_on), "served_by": "mail",
                                 "depart_by": day(notice_on + 10) });
        let mut grant = json!({ "type": "parole_granted", "on": day(notice_on + gap), "valid_until": day(notice_on + gap + 365) });
        if who < 2 {
            let key = ["p1", "m1"][who];
            notice["persons"] = json!([key]);
            grant["persons"] = json!([key]);
        }
        events.push(notice);
        events.push(grant);
        let out = derive(&case(events), day(today).parse().unwrap(), &Policy::default(), RuleSet::builtin().unwrap());
        let leftover = out.deadlines.iter().any(|d| d.kind == DeadlineKind::DepartBy && d.due == day(notice_on + 10).parse().unwrap()
            && d.why.contains(&format!("notice of {} (served by mail)", day(notice_on))));
        prop_assert!(!leftover, "{:#?}", out.deadlines);
    }

    /// Coverage is a function of the file and the day alone: the policy never changes it, and deriving
    /// twice gives the same output.
    #[test]
    fn coverage_depends_on_file_and_day_only_and_deriving_twice_changes_nothing(
        events in timeline(), today in 0i64..1500, lead in 1u32..300, refresh in 1u32..400,
    ) {
        let file = case(events);
        let today: Date = day(today).parse().unwrap();
        let rules = RuleSet::builtin().unwrap();
        let policy = Policy { re_parole_lead_days: lead, medical_refresh_days: refresh, i94_check_days: 7, ..Policy::default() };
        let a = derive(&file, today, &Policy::default(), rules);
        let b = derive(&file, today, &policy, rules);
        let coverage = |d: &amparo_domain::Derivation| d.people.iter().map(|p| p.coverage.clone()).collect::<Vec<_>>();
        prop_assert_eq!(coverage(&a), coverage(&b));
        prop_assert_eq!(&a, &derive(&file, today, &Policy::default(), rules));
        // Advisory deadlines are the passed asylum dates of people still paroled, and nothing else.
        for deadline in a.deadlines.iter().filter(|d| d.advisory) {
            prop_assert_eq!(deadline.kind, DeadlineKind::AsylumOneYear);
            prop_assert!(deadline.due < today);
        }
    }
}
