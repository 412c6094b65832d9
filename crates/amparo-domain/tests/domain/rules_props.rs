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
                if person.status != Status::Departed {
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
