//! Rule sets as operator-supplied text: the built-in one loads, numbers in the data drive the engine,
//! and every kind of mistake is refused with a message naming it.

use amparo_domain::rules::{BUILTIN_TOML, Basis, DeadlineKind, RuleId, RuleSet, RuleSetError};
use amparo_domain::{CaseFile, Policy, derive};
use serde_json::json;

fn edited(from: &str, to: &str) -> String {
    assert!(BUILTIN_TOML.contains(from), "the built-in rule set no longer contains {from:?}");
    BUILTIN_TOML.replacen(from, to, 1)
}

fn refused(text: &str) -> RuleSetError {
    RuleSet::from_toml(text).expect_err("should be refused")
}

#[test]
fn the_builtin_rule_set_loads_with_every_rule() {
    let rules = RuleSet::builtin().unwrap();
    assert_eq!(rules.id.as_ref(), "us-parole/2027.1");
    assert_eq!(rules.mailing_days, 3);
    assert_eq!(rules.rules().len(), RuleId::ALL.len());
    for id in RuleId::ALL {
        let rule = rules.rule(id);
        assert_eq!(rule.id, id);
        assert_eq!(rule.kind, id.kind());
        assert!(!rule.citation.is_empty() && !rule.summary.is_empty(), "{id}");
        // The serde name and the display name are written separately; they must agree.
        assert_eq!(serde_json::to_value(id).unwrap(), json!(id.as_str()));
        assert_eq!(RuleId::parse(id.as_str()), Some(id));
    }
    assert_eq!(rules.rule(RuleId::RfeResponse).number, Some(84));
    assert_eq!(rules.rule(RuleId::NoidResponse).number, Some(30));
    assert_eq!(rules.rule(RuleId::DecisionMotion).number, Some(30));
    assert_eq!(rules.rule(RuleId::ReParoleWindow).number, Some(180));
    assert_eq!(rules.rule(RuleId::PresenceBar3).number, Some(181));
    assert_eq!(rules.rule(RuleId::PresenceBar10).number, Some(365));
    assert_eq!(rules.rule(RuleId::ReParoleTarget).basis, Basis::Policy);
    assert_eq!(rules.rule(RuleId::MedicalRefresh).basis, Basis::Policy);
    assert_eq!(rules.rule(RuleId::I94Recheck).basis, Basis::Policy);
    assert_eq!(rules.rule(RuleId::ReParoleWindow).basis, Basis::Guidance);
    assert_eq!(rules.rule(RuleId::EadEnds).basis, Basis::Law);
    assert_eq!(rules.rule(RuleId::EadEnds).basis_for("capped"), Basis::Practice);
    assert_eq!(rules.rule(RuleId::EadEnds).basis_for("revoked"), Basis::Law);
    assert_eq!(rules.rule(RuleId::EadRevocationResponse).number, Some(15));
    assert_eq!(rules.rule(RuleId::AddressReport).number, Some(10));
    assert_eq!(rules.rule(RuleId::RegistrationAt14).number, Some(30));
    assert_eq!(rules.rule(RuleId::ParoleEnds).citation.as_ref(), "8 CFR 212.5(e)(1)");
    assert!(rules.rule(RuleId::RfeResponse).why_texts().any(|(v, _)| v == "computed_mail"));
}

#[test]
fn deadline_kinds_are_declared_in_name_order() {
    let names: Vec<&str> = DeadlineKind::ALL.iter().map(|k| k.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert!(DeadlineKind::ALL.windows(2).all(|w| w[0] < w[1]));
    for kind in DeadlineKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        assert_eq!(DeadlineKind::parse(kind.as_str()), Some(kind));
    }
}

#[test]
fn numbers_and_wording_come_from_the_data() {
    let text = edited("days = 84", "days = 60").replace("RFE served by mail on {on}", "Mailed RFE of {on}");
    let rules = RuleSet::from_toml(&text).unwrap();
    let doc = json!({
        "format": "amparo.case/1",
        "case": { "reference": "T-2", "people": [
            { "key": "p1", "role": "patient", "given_name": "Ana", "family_name": "Prueba" } ] },
        "events": [ { "type": "rfe_received", "on": "2026-02-09", "served_by": "mail" } ]
    });
    let (file, _) = CaseFile::parse(&doc.to_string()).unwrap();
    let out = derive(&file, "2026-02-10".parse().unwrap(), &Policy::default(), &rules);
    // 2026-02-09 + 63 = 2026-04-13, a Monday.
    assert_eq!(out.deadlines[0].due.to_string(), "2026-04-13");
    assert!(
        out.deadlines[0].why.starts_with("Mailed RFE of 2026-02-09: 60 + 3 days = 2026-04-13"),
        "{}",
        out.deadlines[0].why
    );
}

#[test]
fn mistakes_are_refused_with_a_clear_message() {
    let cases: Vec<(String, &str)> = vec![
        ("id = [".to_owned(), "not a valid rule set document"),
        (edited("id = \"us-parole/2027.1\"", "id = \" \""), "`id` must name the rule set"),
        (edited("id = \"parole.ends\"", "id = \"parole.end\""), "unknown rule \"parole.end\""),
        (edited("kind = \"parole_ends\"", "kind = \"parole_end\""), "kind must be \"parole_ends\""),
        (edited("citation = \"8 CFR 212.5(e)(1)\"", "citation = \"  \""), "`citation` must not be empty"),
        (edited("days = 84\n", ""), "needs `days`"),
        (edited("days = 84", "days = 0"), "`days` must be a whole number from 1 to 3650, found 0"),
        (edited("day = 181", "days = 181"), "takes no `days`"),
        (edited("expires = ", "expired = "), "unknown why.expired"),
        (edited("{granted_on} is valid", "{granted} is valid"), "unknown placeholder {granted}"),
        (edited("{granted_on} is valid", "{granted_on is valid"), "is not closed"),
        (edited("mailing_days = 3", "mailing_days = 45"), "mailing_days must be from 0 to 30"),
        (edited("basis = \"policy\"", "basis = \"hunch\""), "not a valid rule set document"),
        (edited("roll = \"back\"", "roll = \"sideways\""), "not a valid rule set document"),
        (edited("summary = ", "sumary = "), "not a valid rule set document"),
    ];
    for (text, message) in cases {
        let error = refused(&text).to_string();
        assert!(error.contains(message), "expected {message:?} in {error:?}");
    }
}

#[test]
fn every_rule_must_be_present_once() {
    let start = BUILTIN_TOML.find("[[rule]]\nid = \"fee.pay_by\"").unwrap();
    let end = start + BUILTIN_TOML[start..].find("[[rule]]\nid = \"medical.refresh\"").unwrap();
    let without = format!("{}{}", &BUILTIN_TOML[..start], &BUILTIN_TOML[end..]);
    assert_eq!(refused(&without), RuleSetError::MissingRule("fee.pay_by"));
    let twice = format!("{BUILTIN_TOML}\n{}", &BUILTIN_TOML[start..end]);
    assert_eq!(refused(&twice), RuleSetError::DuplicateRule("fee.pay_by".to_owned()));
    let missing_why = edited("with_amount = ", "# with_amount = ");
    assert!(refused(&missing_why).to_string().contains("missing why.with_amount"));
}

#[test]
fn every_why_needs_its_spanish_wording() {
    // A whole [rule.why_es] table missing: refused naming the rule and the first variant.
    let start = BUILTIN_TOML.find("[rule.why_es]\ndefault = \"El aviso de pago").unwrap();
    let end = start + BUILTIN_TOML[start..].find("\n\n").unwrap();
    let without = format!("{}{}", &BUILTIN_TOML[..start], &BUILTIN_TOML[end..]);
    assert_eq!(refused(&without), RuleSetError::MissingSpanishWhy { rule: "fee.pay_by", variant: "default" });
    let error = refused(&without).to_string();
    assert!(error.contains("rule \"fee.pay_by\": missing why_es.default"), "{error}");

    let cases: Vec<(String, &str)> = vec![
        // One variant missing.
        (
            edited("with_amount = \"El aviso de pago", "# with_amount = \"El aviso"),
            "rule \"fee.pay_by\": missing why_es.with_amount",
        ),
        // A variant the English does not have.
        (edited("expires = \"La concesión", "expired = \"La concesión"), "unknown why_es.expired"),
        // A placeholder the rule cannot supply.
        (edited("concesión del {granted_on}", "concesión del {otorgado}"), "unknown placeholder {otorgado}"),
        // A fact of the English sentence dropped in translation.
        (
            edited("antes de que venza su período ({valid_until}) ", "antes de que venza su período "),
            "rule \"parole.ends\" why_es.terminated: the Spanish text must use the same placeholders",
        ),
        // The calendar's notes too.
        (edited("rolled_back_es = ", "# rolled_back_es = "), "missing field `rolled_back_es`"),
        (
            edited("al día hábil anterior, el {due}", "al día hábil anterior"),
            "calendar.rolled_back_es: the Spanish text must use the same placeholders",
        ),
    ];
    for (text, message) in cases {
        let error = refused(&text).to_string();
        assert!(error.contains(message), "expected {message:?} in {error:?}");
    }
}

#[test]
fn a_rule_set_written_for_2026_1_still_loads_and_takes_the_rest_from_the_builtin() {
    let old = RuleSet::from_toml(amparo_domain::rules::US_PAROLE_2026_1_TOML).unwrap();
    let builtin = RuleSet::builtin().unwrap();
    assert_eq!(old.id.as_ref(), "us-parole/2026.1");
    // Its own wording and basis stay.
    assert_eq!(old.rule(RuleId::ReParoleWindow).basis, Basis::Law);
    assert_eq!(old.rule(RuleId::EadEnds).basis_for("capped"), Basis::Law);
    // What 2027.1 added comes from the built-in rule set.
    for id in [RuleId::EadRevocationResponse, RuleId::AsylumOneYear, RuleId::ReentryBar, RuleId::I94Recheck] {
        assert_eq!(old.rule(id), builtin.rule(id), "{id}");
    }
    assert!(old.rule(RuleId::ParoleEnds).why_texts().any(|(v, _)| v == "terminated_assumed"));
    assert_eq!(old.coverage_texts(), builtin.coverage_texts());
    // And it derives: the same dates, its own words.
    let doc = json!({
        "format": "amparo.case/1",
        "case": { "reference": "T-3", "people": [
            { "key": "p1", "role": "patient", "given_name": "Ana", "family_name": "Prueba" } ] },
        "events": [ { "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" },
                    { "type": "termination_notice", "on": "2026-01-05", "served_by": "mail" } ]
    });
    let (file, _) = CaseFile::parse(&doc.to_string()).unwrap();
    let today = "2026-01-10".parse().unwrap();
    let (a, b) =
        (derive(&file, today, &Policy::default(), &old), derive(&file, today, &Policy::default(), builtin));
    let dates =
        |d: &amparo_domain::Derivation| d.deadlines.iter().map(|x| (x.kind, x.due)).collect::<Vec<_>>();
    assert_eq!(dates(&a), dates(&b));
    assert_eq!(a.rule_set.as_ref(), "us-parole/2026.1");
}

#[test]
fn the_variants_added_in_2027_1_are_required_of_the_builtin_rule_set() {
    let without = edited("terminated_assumed = \"The termination", "# terminated_assumed = \"The");
    assert!(refused(&without).to_string().contains("missing why.terminated_assumed"));
    let start = BUILTIN_TOML.find("[coverage]").unwrap();
    let end = BUILTIN_TOML.find("\n# Triage:").unwrap();
    let no_coverage = format!("{}{}", &BUILTIN_TOML[..start], &BUILTIN_TOML[end..]);
    assert!(RuleSet::from_toml(&no_coverage).is_ok(), "an operator's file may leave coverage out");
    let bad = edited("variant_basis]\ncapped = \"practice\"", "variant_basis]\ncaped = \"practice\"");
    assert!(refused(&bad).to_string().contains("variant_basis.caped"), "{}", refused(&bad));
}
