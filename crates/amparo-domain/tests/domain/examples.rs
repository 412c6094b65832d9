//! The shared worked examples: each derivation must match its expected file exactly, and the copies
//! kept here must not drift from the shared ones.

use std::fs;
use std::path::{Path, PathBuf};

use amparo_domain::{CaseFile, Date, Language, Policy, RuleSet, derive};
use serde_json::{Value, json};

fn local_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/examples-2027.1")
}

fn example_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(local_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| n.strip_suffix(".expected.json").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// The fields the expected files pin down: each person's status, parole end and coverage facts;
/// deadlines by kind, person and due (and `advisory` where it is true), in order.
fn comparable(derived: &Value) -> Value {
    let people: Vec<Value> = derived["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let c = &p["coverage"];
            json!({
                "person": p["person"], "status": p["status"], "parole_ends": p["parole_ends"],
                "coverage": {
                    "qualified_alien": c["qualified_alien"],
                    "cuban_haitian_entrant": c["cuban_haitian_entrant"],
                    "federal_medicaid": c["federal_medicaid"],
                },
            })
        })
        .collect();
    let deadlines: Vec<Value> = derived["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let mut line = json!({ "kind": d["kind"], "person": d["person"], "due": d["due"] });
            if d["advisory"] == json!(true) {
                line["advisory"] = json!(true);
            }
            line
        })
        .collect();
    json!({ "today": derived["today"], "people": people, "deadlines": deadlines })
}

/// The policy an expected file asks for (its `policy` object), else the defaults.
fn policy_of(expected: &Value) -> Policy {
    expected.get("policy").map_or_else(Policy::default, |p| serde_json::from_value(p.clone()).unwrap())
}

/// The expected file without its `policy`, which is input rather than output.
fn expected_output(expected: &Value) -> Value {
    let mut output = expected.clone();
    if let Some(object) = output.as_object_mut() {
        object.remove("policy");
    }
    output
}

#[test]
fn every_example_derives_exactly_its_expected_output() {
    let names = example_names();
    assert!(names.len() >= 3, "expected the shared examples, found {names:?}");
    let rules = RuleSet::builtin().unwrap();
    for name in names {
        let dir = local_dir();
        let text = fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        let expected: Value =
            serde_json::from_str(&fs::read_to_string(dir.join(format!("{name}.expected.json"))).unwrap())
                .unwrap();
        let (file, _) = CaseFile::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let today: Date = expected["today"].as_str().unwrap().parse().unwrap();
        let derivation = derive(&file, today, &policy_of(&expected), rules);
        let derived = serde_json::to_value(&derivation).unwrap();
        assert_eq!(derived["rule_set"], "us-parole/2027.1", "{name}");
        assert_eq!(
            comparable(&derived),
            expected_output(&expected),
            "{name}: derived\n{}",
            serde_json::to_string_pretty(&comparable(&derived)).unwrap()
        );
        for person in derived["people"].as_array().unwrap() {
            for field in ["why", "citation"] {
                assert!(
                    person["coverage"][field].as_str().is_some_and(|s| !s.is_empty()),
                    "{name}: coverage {field} in {person}"
                );
            }
        }
        for deadline in derived["deadlines"].as_array().unwrap() {
            for field in ["rule", "basis", "citation", "why"] {
                assert!(
                    deadline[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{name}: {field} in {deadline}"
                );
            }
        }
    }
}

#[test]
fn the_mailed_rfe_explains_its_arithmetic() {
    let text = fs::read_to_string(local_dir().join("e2-rfe-mail.json")).unwrap();
    let (file, _) = CaseFile::parse(&text).unwrap();
    let derivation =
        derive(&file, "2026-02-20".parse().unwrap(), &Policy::default(), RuleSet::builtin().unwrap());
    let rfe = derivation.deadlines.iter().find(|d| d.kind.as_str() == "rfe_response_due").unwrap();
    assert!(rfe.why.starts_with("RFE served by mail on 2026-02-09: 84 + 3 days = 2026-05-07"), "{}", rfe.why);
    assert_eq!(rfe.citation.as_ref(), "8 CFR 103.2(b)(8)(iv), 103.8(b), 1.2");
}

#[test]
fn local_copies_are_identical_to_the_shared_examples() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/domain/examples-2027.1");
    if !shared.is_dir() {
        println!("note: {} not found; skipping the comparison with the shared examples", shared.display());
        return;
    }
    let list = |dir: &Path| {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    };
    assert_eq!(list(&local_dir()), list(&shared), "the example files differ in name");
    for name in list(&shared) {
        assert_eq!(
            fs::read(local_dir().join(&name)).unwrap(),
            fs::read(shared.join(&name)).unwrap(),
            "{name} differs from the shared copy"
        );
    }
}

/// Every deadline of every worked example reads whole in Spanish: no placeholder left, no English
/// code, every date in words.
#[test]
fn every_example_explains_itself_in_spanish() {
    let rules = RuleSet::builtin().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for name in example_names() {
        let dir = local_dir();
        let text = fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        let expected: Value =
            serde_json::from_str(&fs::read_to_string(dir.join(format!("{name}.expected.json"))).unwrap())
                .unwrap();
        let (file, _) = CaseFile::parse(&text).unwrap();
        let today: Date = expected["today"].as_str().unwrap().parse().unwrap();
        let derivation = derive(&file, today, &policy_of(&expected), rules);
        for person in &derivation.people {
            let es = rules.coverage_texts().why_in(Language::Es, &person.coverage.why_facts);
            assert!(!es.is_empty() && !es.contains(['{', '}']), "{name}: {es}");
            let iso = es.split(|c: char| !c.is_ascii_digit() && c != '-').any(|w| w.parse::<Date>().is_ok());
            assert!(!iso, "{name}: a date left in ISO form in {es}");
        }
        for deadline in derivation.deadlines {
            let es = rules.deadline_why(Language::Es, &deadline);
            assert!(!es.is_empty() && !es.contains(['{', '}']), "{name}: {es}");
            assert!(!es.contains("unknown") && !es.contains("served by"), "{name}: {es}");
            let iso = es.split(|c: char| !c.is_ascii_digit() && c != '-').any(|w| w.parse::<Date>().is_ok());
            assert!(!iso, "{name}: a date left in ISO form in {es}");
            assert!(es.contains(" de 20"), "{name}: no date in words in {es}");
            seen.insert((deadline.rule, deadline.why_facts.variant));
        }
    }
    assert!(seen.len() >= 5, "the examples cover too few rules: {seen:?}");
}

#[test]
fn the_mailed_rfe_explains_its_arithmetic_in_spanish() {
    let text = fs::read_to_string(local_dir().join("e2-rfe-mail.json")).unwrap();
    let (file, _) = CaseFile::parse(&text).unwrap();
    let rules = RuleSet::builtin().unwrap();
    let derivation = derive(&file, "2026-02-20".parse().unwrap(), &Policy::default(), rules);
    let rfe = derivation.deadlines.iter().find(|d| d.kind.as_str() == "rfe_response_due").unwrap();
    let es = rules.deadline_why(Language::Es, rfe);
    assert!(
        es.starts_with(
            "Solicitud de evidencia (RFE) notificada por correo postal el 9 de febrero de 2026: 84 + 3 días = 7 de mayo de 2026"
        ),
        "{es}"
    );
}
