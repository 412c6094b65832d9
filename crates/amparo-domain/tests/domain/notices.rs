//! The notice reader on fictional notices written to look like real ones (`tests/notices/`): each
//! `NAME.txt` must be read as its `NAME.json` says, every field, with every value shown beside the
//! words it came from and nothing proposed that the notice does not print.

use std::fs;
use std::path::{Path, PathBuf};

use amparo_domain::case::Person;
use amparo_domain::notice_reading::{Found, MatchedBy, Proposal, ReadOptions, read_notice};
use serde_json::{Value, json};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/notices")
}

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| n.strip_suffix(".txt").map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn value<T: serde::Serialize>(found: &Option<Found<T>>) -> Value {
    found.as_ref().map_or(Value::Null, |f| serde_json::to_value(&f.value).unwrap())
}

/// The proposal in the expected files' shape.
fn comparable(p: &Proposal) -> Value {
    json!({
        "event_type": p.event_type,
        "notice_date": value(&p.notice_date),
        "received_date": value(&p.received_date),
        "effective": value(&p.effective),
        "depart_by": value(&p.depart_by),
        "respond_by": value(&p.respond_by),
        "valid_until": value(&p.valid_until),
        "pay_by": value(&p.pay_by),
        "receipt_number": value(&p.receipt_number),
        "i94_number": value(&p.i94_number),
        "served_by": value(&p.served_by),
        "names": p.people.iter().filter_map(|n| n.name.as_ref().map(|f| f.value.clone())).collect::<Vec<_>>(),
        "a_numbers": p.people.iter().filter_map(|n| n.a_number.as_ref().map(|f| f.value.as_str().to_owned())).collect::<Vec<_>>(),
    })
}

/// Every word of a value's source is a word of the notice.
fn sources_are_the_notices_words(name: &str, text: &str, proposal: &Proposal) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let sources = serde_json::to_value(proposal).unwrap();
    let mut stack = vec![sources];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let (Some(Value::String(source)), true) = (map.get("source"), map.contains_key("value")) {
                    assert!(!source.is_empty(), "{name}: an empty source");
                    for w in source.split_whitespace() {
                        assert!(
                            words.iter().any(|t| t.contains(w)),
                            "{name}: {w:?} of {source:?} is not in the notice"
                        );
                    }
                }
                stack.extend(map.into_iter().map(|(_, v)| v));
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

#[test]
fn every_fixture_is_read_as_expected() {
    let names = fixtures();
    assert!(names.len() >= 12 * 10, "{} fixtures", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let text = fs::read_to_string(dir().join(format!("{name}.txt"))).unwrap();
        let expected: Value =
            serde_json::from_str(&fs::read_to_string(dir().join(format!("{name}.json"))).unwrap()).unwrap();
        let proposal = read_notice(&text, &[], ReadOptions { ead_revocation: true });
        let got = comparable(&proposal);
        if got != expected {
            failures.push(format!("{name}:\n  expected {expected}\n  got      {got}"));
        }
        sources_are_the_notices_words(name, &text, &proposal);
        for field in &proposal.missing {
            assert!(got.get(*field).is_none_or(Value::is_null), "{name}: {field} both found and missing");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn each_kind_has_at_least_twelve_fixtures() {
    let names = fixtures();
    for kind in [
        "termination",
        "approval-parole",
        "approval-ead",
        "receipt-i131",
        "receipt-i765",
        "denial",
        "rfe",
        "noid",
        "i94",
        "fee",
        "ead-revocation",
    ] {
        let count = names.iter().filter(|n| n.rsplit_once('-').is_some_and(|(k, _)| k == kind)).count();
        assert!(count >= 12, "{kind}: {count}");
    }
}

#[test]
fn a_date_it_cannot_see_is_missing_not_guessed() {
    let text = fs::read_to_string(dir().join("termination-02.txt")).unwrap();
    let proposal = read_notice(&text, &[], ReadOptions::default());
    assert_eq!(proposal.event_type, Some("termination_notice"));
    assert!(proposal.effective.is_none() && proposal.depart_by.is_none());
    assert!(proposal.missing.contains(&"effective") && proposal.missing.contains(&"depart_by"));
}

#[test]
fn without_the_rule_sets_revocation_notices_no_type_is_proposed() {
    let text = fs::read_to_string(dir().join("ead-revocation-01.txt")).unwrap();
    let proposal = read_notice(&text, &[], ReadOptions { ead_revocation: false });
    assert_eq!(proposal.event_type, None);
    assert_eq!(proposal.missing, ["event_type"]);
}

#[test]
fn text_that_is_no_notice_proposes_nothing() {
    let proposal = read_notice("Lunch on Thursday? Bring the forms.", &[], ReadOptions::default());
    assert_eq!(proposal.event_type, None);
    assert!(proposal.notice_date.is_none() && proposal.people.is_empty());
}

fn person(key: &str, given: &str, family: &str, a_number: Option<&str>) -> Person {
    serde_json::from_value(json!({
        "key": key, "role": if key == "p1" { "patient" } else { "parent" },
        "given_name": given, "family_name": family, "a_number": a_number,
    }))
    .unwrap()
}

#[test]
fn people_are_matched_by_a_number_then_by_name() {
    let text =
        "Applicant: QUINTERO VIDAL, ROSA\nA# 012-345-678\n\nDear Luis Ardon Pineda,\nRequest for Evidence";
    let people = [
        person("p1", "Rosa", "Quintero Vidal", Some("A012345678")),
        person("m1", "Luis", "Ardón Pineda", None),
        person("m2", "Ana", "Ardón Pineda", Some("A098765432")),
    ];
    let proposal = read_notice(text, &people, ReadOptions::default());
    let matched: Vec<_> = proposal.people.iter().map(|n| (n.person.as_deref(), n.matched_by)).collect();
    assert_eq!(matched, [(Some("p1"), Some(MatchedBy::ANumber)), (Some("m1"), Some(MatchedBy::Name))]);
}

#[test]
fn a_name_that_fits_two_people_matches_neither() {
    let people = [person("p1", "Rosa", "Paredes", None), person("m1", "Rosa", "Paredes", None)];
    let proposal =
        read_notice("Applicant: Rosa Paredes\nRequest for Evidence", &people, ReadOptions::default());
    assert_eq!(proposal.people[0].person, None);
}

#[test]
fn a_proposal_fills_only_what_its_event_takes_and_the_event_it_describes_is_valid() {
    for name in fixtures() {
        let text = fs::read_to_string(dir().join(format!("{name}.txt"))).unwrap();
        let proposal = read_notice(&text, &[], ReadOptions { ead_revocation: true });
        let fields = proposal.event_fields();
        let mut object = serde_json::Map::new();
        for (field, value) in &fields {
            object.insert((*field).to_owned(), json!(value));
        }
        if !object.contains_key("on") {
            // The day is the person's to give when the notice prints none (a CBP record).
            assert!(name.starts_with("i94"), "{name}: no day");
            object.insert("on".into(), json!("2026-01-01"));
        }
        if proposal
            .event_type
            .is_some_and(|t| ["parole_denied", "rfe_received", "noid_received"].contains(&t))
            && !object.contains_key("served_by")
        {
            object.insert("served_by".into(), json!("mail"));
        }
        let raw: amparo_domain::RawEvent = serde_json::from_value(Value::Object(object)).unwrap();
        raw.into_event().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
