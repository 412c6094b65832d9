//! The triage board: scores, their order, their explanations in English and Spanish, and the weights
//! read from the rule set. People and dates are fictional.

use std::collections::BTreeSet;

use amparo_domain::rules::BUILTIN_TOML;
use amparo_domain::triage::{COMPONENT_CODES, TriageWeightsError, critical_care};
use amparo_domain::{
    Assessment, CaseFile, Date, Language, Policy, RuleSet, RuleSetError, TriageContext, TriageWeights,
    assess, derive,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const TODAY: &str = "2026-03-01";

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

fn medical(days: u32) -> Value {
    json!({ "person": "p1", "condition": "intestinal failure", "regimen": "home parenteral nutrition",
            "hours_per_day": 14, "days_to_critical_harm": days, "attested_on": "2026-01-15" })
}

fn case(medical: Option<Value>, events: Value) -> CaseFile {
    let mut record = json!({ "reference": "T-TRIAGE", "program": "humanitarian", "people": [
        { "key": "p1", "role": "patient", "given_name": "Lucía", "family_name": "Ejemplo", "birth_date": "2022-01-09" },
        { "key": "m1", "role": "parent", "given_name": "Marta", "family_name": "Ejemplo", "birth_date": "1994-06-30" }
    ]});
    if let Some(m) = medical {
        record["medical"] = m;
    }
    let doc = json!({ "format": "amparo.case/1", "case": record, "events": events });
    CaseFile::parse(&doc.to_string()).unwrap_or_else(|e| panic!("test file refused: {e}")).0
}

fn grant(on: &str, until: &str) -> Value {
    json!({ "id": "g1", "type": "parole_granted", "on": on, "valid_until": until })
}

fn termination(on: &str, effective: &str) -> Value {
    json!({ "id": "t1", "type": "termination_notice", "on": on, "served_by": "mail",
            "effective": effective, "depart_by": effective })
}

fn with(events: &[Value]) -> Value {
    Value::Array(events.to_vec())
}

fn score_with(file: &CaseFile, today: &str, context: &TriageContext, rules: &RuleSet) -> Assessment {
    let derivation = derive(file, d(today), &Policy::default(), rules);
    assess(file, &derivation, context, rules.triage())
}

fn run(file: &CaseFile, today: &str, attorney: bool) -> Assessment {
    let context = TriageContext::new(&Policy::default(), attorney);
    score_with(file, today, &context, RuleSet::builtin().unwrap())
}

/// A component's sentence in English, as of [`TODAY`].
fn en(c: &amparo_domain::Component) -> String {
    c.reason.text(Language::En, TODAY.parse().unwrap())
}

/// A component's sentence in Spanish, as of [`TODAY`].
fn es(c: &amparo_domain::Component) -> String {
    c.reason.text(Language::Es, TODAY.parse().unwrap())
}

fn component<'a>(a: &'a Assessment, code: &str) -> &'a amparo_domain::Component {
    a.components.iter().find(|c| c.code == code).unwrap_or_else(|| panic!("no {code} in {:#?}", a.components))
}

fn codes(a: &Assessment) -> Vec<&'static str> {
    a.components.iter().map(|c| c.code).collect()
}

// ---- critical care ------------------------------------------------------------------------------

#[test]
fn critical_care_reads_the_latest_attestation_and_the_threshold() {
    let policy = Policy::default();
    let f = case(Some(medical(3)), json!([]));
    let c = critical_care(&f, &policy);
    assert!(c.critical);
    assert_eq!(c.days_to_critical_harm, Some(3));
    let f = case(
        Some(medical(3)),
        json!([{ "type": "medical_attested", "on": "2026-02-01", "days_to_critical_harm": 9 }]),
    );
    assert!(!critical_care(&f, &policy).critical, "the re-attestation says 9 days");
    assert!(critical_care(&f, &Policy { critical_care_threshold_days: 9, ..Policy::default() }).critical);
    let f = case(
        Some(medical(3)),
        json!([
            { "id": "a1", "type": "medical_attested", "on": "2026-02-01", "days_to_critical_harm": 9 },
            { "id": "a2", "type": "medical_attested", "on": "2026-02-01", "supersedes": "a1" }
        ]),
    );
    assert!(critical_care(&f, &policy).critical, "a superseded attestation does not count");
    assert!(!critical_care(&case(None, json!([])), &policy).critical);
    assert!(critical_care(&case(Some(medical(7)), json!([])), &policy).critical, "the threshold counts");
}

// ---- ordering -----------------------------------------------------------------------------------

#[test]
fn a_critical_case_with_a_termination_notice_is_on_top() {
    let legal = [grant("2025-06-01", "2026-05-31"), termination("2026-02-25", "2026-03-10")];
    let critical = run(&case(Some(medical(3)), with(&legal)), TODAY, true);
    // The non-critical case has every non-legal point a case can earn, the critical one none of them.
    let mut fragile_abroad = medical(20);
    fragile_abroad["available_in_origin_country"] = json!(false);
    fragile_abroad["attested_on"] = json!("2025-01-02");
    let non_critical = run(&case(Some(fragile_abroad), with(&legal)), TODAY, false);
    assert!(critical.critical_care && !non_critical.critical_care);
    assert!(codes(&non_critical).contains(&"attestation_stale"), "{:?}", codes(&non_critical));
    assert!(codes(&non_critical).contains(&"care_unavailable_abroad"));
    assert!(codes(&non_critical).contains(&"no_attorney"));
    assert!(critical.score > non_critical.score, "{} vs {}", critical.score, non_critical.score);

    let quiet = run(&case(Some(medical(3)), with(&[grant("2025-06-01", "2027-05-31")])), TODAY, true);
    let mut board = [non_critical.clone(), quiet, critical.clone()];
    board.sort_by(|a, b| a.cmp_urgency(b));
    assert_eq!(board[0], critical);
    assert_eq!(board[1], non_critical);
}

#[test]
fn a_termination_notice_raises_a_non_critical_case() {
    let before = case(Some(medical(20)), with(&[grant("2025-06-01", "2026-12-31")]));
    let after = case(
        Some(medical(20)),
        with(&[grant("2025-06-01", "2026-12-31"), termination("2026-02-25", "2026-03-27")]),
    );
    let (b, a) = (run(&before, TODAY, true), run(&after, TODAY, true));
    assert!(!a.critical_care);
    assert!(a.score > b.score, "{} should exceed {}", a.score, b.score);
    assert!(codes(&a).contains(&"termination_notice"));
    assert!(codes(&a).contains(&"new_request_not_filed"));
    // Once the effective date has passed, the case scores higher still.
    let later = run(&after, "2026-04-01", true);
    assert!(codes(&later).contains(&"parole_terminated"));
    assert!(later.score > a.score);
}

#[test]
fn an_expired_parole_outranks_a_comfortable_grant() {
    let expired = run(&case(None, with(&[grant("2025-01-01", "2026-01-31")])), TODAY, true);
    let comfortable = run(&case(None, with(&[grant("2026-01-01", "2027-12-31")])), TODAY, true);
    assert!(codes(&expired).contains(&"parole_expired"));
    assert_eq!(comfortable.score, 0, "{:#?}", comfortable.components);
    assert!(expired.score > comfortable.score);
    assert_eq!(expired.cmp_urgency(&comfortable), std::cmp::Ordering::Less);
}

#[test]
fn an_answered_rfe_stops_counting() {
    let rfe = json!({ "id": "r1", "type": "rfe_received", "on": "2026-02-01", "served_by": "online",
                      "respond_by": "2026-03-15" });
    let open = run(&case(None, with(&[grant("2026-01-01", "2027-12-31"), rfe.clone()])), TODAY, true);
    let answered = json!({ "type": "rfe_answered", "on": "2026-02-20" });
    let done = run(&case(None, with(&[grant("2026-01-01", "2027-12-31"), rfe, answered])), TODAY, true);
    assert!(codes(&open).contains(&"rfe_open"));
    assert!(!codes(&done).contains(&"rfe_open"));
    assert!(open.score > done.score);
}

#[test]
fn the_nearer_the_end_of_parole_the_higher_the_score() {
    let mut last = i64::MIN;
    for days_left in (0..=200).rev() {
        let end = d(TODAY).add_days(days_left).to_string();
        let a = run(&case(None, with(&[grant("2025-06-01", &end)])), TODAY, true);
        assert!(a.score >= last, "{days_left} days left scored {} after {last}", a.score);
        last = a.score;
    }
    let expired = run(&case(None, with(&[grant("2025-06-01", "2026-02-28")])), TODAY, true);
    assert!(expired.score >= last, "an expiry yesterday scores at least as much as one today");
}

#[test]
fn fewer_days_to_harm_score_higher() {
    let mut last = i64::MIN;
    for days in (0..=40).rev() {
        let a = run(&case(Some(medical(days)), json!([])), TODAY, true);
        assert!(a.score >= last, "{days} days to harm scored {} after {last}", a.score);
        last = a.score;
    }
}

#[test]
fn responses_score_more_as_they_come_due() {
    let noid = |respond_by: &str| json!({ "type": "noid_received", "on": "2026-02-20", "served_by": "email", "respond_by": respond_by });
    let far = run(&case(None, with(&[noid("2026-04-30")])), TODAY, true);
    let near = run(&case(None, with(&[noid("2026-03-05")])), TODAY, true);
    let weights = TriageWeights::default();
    assert_eq!(far.points_of("noid_open"), weights.legal.noid_open);
    assert!(near.points_of("noid_open") > far.points_of("noid_open"));
    let overdue = run(&case(None, with(&[noid("2026-02-25")])), TODAY, true);
    assert_eq!(overdue.points_of("noid_open"), weights.legal.noid_open + weights.legal.response_due_max);
}

#[test]
fn a_critical_case_weighs_its_legal_exposure_more() {
    let legal = [grant("2025-06-01", "2026-03-13")];
    let critical = run(&case(Some(medical(3)), with(&legal)), TODAY, true);
    let ends = critical.points_of("parole_ends_soon");
    assert_eq!(critical.points_of("critical_care_exposure"), ends / 2);
    let plain = run(&case(Some(medical(20)), with(&legal)), TODAY, true);
    assert_eq!(plain.points_of("critical_care_exposure"), 0);
}

#[test]
fn the_next_deadline_and_the_order_of_components() {
    let f = case(Some(medical(3)), with(&[grant("2025-06-01", "2026-03-13")]));
    let a = run(&f, TODAY, false);
    assert_eq!(a.next_deadline.as_ref().map(|x| x.kind.as_str()), Some("parole_ends"));
    assert!(a.components.windows(2).all(|w| w[0].points >= w[1].points));
    assert_eq!(a.score, a.components.iter().map(|c| c.points).sum::<i64>());
}

// ---- texts --------------------------------------------------------------------------------------

#[test]
fn each_component_names_its_facts_in_english_and_spanish() {
    let f = case(Some(medical(3)), with(&[grant("2025-06-01", "2026-03-13")]));
    let a = run(&f, TODAY, false);
    let c = component(&a, "parole_ends_soon");
    assert_eq!(en(c), "parole ends in 12 days (2026-03-13), nothing filed");
    assert_eq!(
        es(c),
        "el permiso humanitario (parole) vence en 12 días (13 de marzo de 2026) y no se ha presentado nada"
    );
    let c = component(&a, "patient_critical");
    assert_eq!(
        en(c),
        "patient critical: 3 days to critical harm if care stops (critical-care threshold: 7 days)"
    );
    assert_eq!(
        es(c),
        "paciente en estado crítico: 3 días hasta un daño grave si se interrumpe el tratamiento (umbral de cuidados críticos: 7 días)"
    );
    assert_eq!(es(component(&a, "no_attorney")), "no se ha asignado un abogado");
    let c = component(&a, "re_parole_overdue");
    assert_eq!(en(c), "re-parole not filed; the target date, 2025-12-12, has passed (79 days ago)");
    assert!(
        es(c).starts_with(
            "no se ha presentado la solicitud de renovación del permiso humanitario (re-parole)"
        )
    );

    let filed = case(
        None,
        with(&[grant("2025-06-01", "2026-03-13"), json!({ "type": "re_parole_filed", "on": "2025-12-01" })]),
    );
    let c = run(&filed, TODAY, true);
    let c = component(&c, "parole_ends_soon");
    assert_eq!(en(c), "parole ends in 12 days (2026-03-13), re-parole filed");
    assert_eq!(
        es(c),
        "el permiso humanitario (parole) vence en 12 días (13 de marzo de 2026); ya se presentó la solicitud de renovación (re-parole)"
    );

    let t = case(None, with(&[grant("2025-06-01", "2026-12-31"), termination("2026-02-25", "2026-03-10")]));
    let a = run(&t, TODAY, true);
    let c = component(&a, "termination_notice");
    assert_eq!(
        en(c),
        "termination notice of 2026-02-25: parole ends 2026-03-10; depart by 2026-03-10 (in 9 days)"
    );
    assert_eq!(
        es(c),
        "aviso de terminación del 25 de febrero de 2026: el permiso humanitario (parole) termina el 10 de marzo de 2026; debe salir del país a más tardar el 10 de marzo de 2026 (en 9 días)"
    );
    let c = component(&a, "parole_ends_soon");
    assert_eq!(en(c), "parole ends in 9 days (2026-03-10) by termination notice, nothing filed");

    let rfe = case(
        None,
        json!([{ "type": "rfe_received", "on": "2026-01-02", "served_by": "mail", "respond_by": "2026-02-20" }]),
    );
    let c = run(&rfe, TODAY, true);
    let c = component(&c, "rfe_open");
    assert_eq!(en(c), "RFE response was due 2026-02-20 (9 days ago), still open");
    assert_eq!(
        es(c),
        "la respuesta a la solicitud de evidencia (RFE) venció el 20 de febrero de 2026 (hace 9 días) y sigue pendiente"
    );
}

/// One scenario per component; together they must produce every code, each with text in both languages.
#[test]
fn every_component_code_has_english_and_spanish_text() {
    let mut unavailable = medical(3);
    unavailable["available_in_origin_country"] = json!(false);
    unavailable["attested_on"] = json!("2025-01-05");
    let scenarios = vec![
        (case(Some(unavailable), with(&[grant("2025-06-01", "2026-03-13")])), TODAY),
        (case(Some(medical(20)), with(&[grant("2025-06-01", "2026-06-06")])), TODAY),
        (case(None, with(&[grant("2025-01-01", "2026-01-31")])), TODAY),
        (
            case(None, with(&[grant("2025-06-01", "2026-12-31"), termination("2026-02-01", "2026-02-10")])),
            TODAY,
        ),
        (
            case(
                None,
                json!([
                    { "type": "rfe_received", "on": "2026-02-01", "served_by": "online" },
                    { "type": "noid_received", "on": "2026-02-01", "served_by": "online" },
                    { "type": "parole_denied", "on": "2026-02-20", "served_by": "personal" },
                    { "type": "fee_notice", "on": "2026-02-01", "pay_by": "2026-03-20", "amount": 580.0 }
                ]),
            ),
            TODAY,
        ),
        (case(Some(medical(3)), with(&[grant("2025-01-01", "2026-01-31")])), TODAY),
    ];
    let mut seen = BTreeSet::new();
    for (file, today) in &scenarios {
        for c in &run(file, today, false).components {
            assert!(!en(c).trim().is_empty() && !es(c).trim().is_empty(), "{}", c.code);
            assert_ne!(en(c), es(c), "{} is not translated", c.code);
            assert!(c.points > 0, "{} scored {}", c.code, c.points);
            assert!(COMPONENT_CODES.contains(&c.code), "{} is not listed", c.code);
            seen.insert(c.code);
        }
    }
    let all: BTreeSet<&str> = COMPONENT_CODES.into_iter().collect();
    assert_eq!(seen, all, "missing: {:?}", all.difference(&seen).collect::<Vec<_>>());
}

// ---- a family member's federal coverage -----------------------------------------------------------

/// The patient, their mother (adult) and a brother of 19 (an adult for parole, a child for Medicaid).
fn family(events: Value) -> CaseFile {
    let people = json!([
        { "key": "p1", "role": "patient", "given_name": "Lucía", "family_name": "Ejemplo", "birth_date": "2022-01-09" },
        { "key": "b1", "role": "sibling", "given_name": "Tomás", "family_name": "Ejemplo", "birth_date": "2007-02-02" },
        { "key": "m1", "role": "parent", "given_name": "Marta", "family_name": "Ejemplo", "birth_date": "1994-06-30" }
    ]);
    let record =
        json!({ "reference": "T-COVER", "program": "humanitarian", "people": people, "medical": medical(3) });
    let doc = json!({ "format": "amparo.case/1", "case": record, "events": events });
    CaseFile::parse(&doc.to_string()).unwrap_or_else(|e| panic!("test file refused: {e}")).0
}

#[test]
fn an_adult_family_member_whose_parole_ended_has_lost_federal_coverage() {
    let file = case(Some(medical(3)), with(&[grant("2025-01-01", "2026-01-31")]));
    let lost = component(&run(&file, TODAY, true), "family_coverage_lost").clone();
    assert_eq!(lost.reason, amparo_domain::triage::Reason::FamilyCoverageLost { since: d("2026-02-01") });
    assert_eq!(lost.points, RuleSet::builtin().unwrap().triage().medical.family_coverage_lost);
    assert_eq!(
        en(&lost),
        "an adult family member of this critical-care patient has had no federal Medicaid since 2026-02-01 (28 days ago)"
    );
    assert!(es(&lost).starts_with("un familiar adulto de este paciente en atención crítica no tiene Medicaid federal desde el 2026-02-01"), "{}", es(&lost));
    // The same facts on a case that is not critical-care give no such reason.
    let fragile = case(Some(medical(20)), with(&[grant("2025-01-01", "2026-01-31")]));
    assert!(!codes(&run(&fragile, TODAY, true)).contains(&"family_coverage_lost"));
}

#[test]
fn the_2026_10_01_narrowing_takes_coverage_from_a_paroled_adult_not_from_a_young_one() {
    // A two-year grant: a qualified alien, never past the five-year bar.
    let only_young = json!([{ "id": "g1", "type": "parole_granted", "on": "2025-06-01", "valid_until": "2027-05-31",
                               "persons": ["p1", "b1"] }]);
    let everyone =
        json!([{ "id": "g1", "type": "parole_granted", "on": "2025-06-01", "valid_until": "2027-05-31" }]);
    assert!(!codes(&run(&family(everyone.clone()), "2026-09-30", true)).contains(&"family_coverage_lost"));
    let after = run(&family(everyone), "2026-10-05", true);
    let lost = component(&after, "family_coverage_lost");
    assert_eq!(lost.reason, amparo_domain::triage::Reason::FamilyCoverageLost { since: d("2026-10-01") });
    // The brother of 19 keeps the children's option; the mother has no grant, so no coverage to lose.
    assert!(!codes(&run(&family(only_young), "2026-10-05", true)).contains(&"family_coverage_lost"));
}

#[test]
fn spanish_texts_use_the_agreed_terms() {
    let t = case(
        Some(medical(3)),
        with(&[grant("2025-06-01", "2026-12-31"), termination("2026-02-25", "2026-03-10")]),
    );
    let a = run(&t, TODAY, true);
    let all: String = a.components.iter().map(es).collect::<Vec<_>>().join(" | ");
    assert!(all.contains("permiso humanitario (parole)"), "{all}");
    assert!(all.contains("aviso de terminación"), "{all}");
    assert!(!all.contains("parole ") || all.contains("(parole)"), "{all}");
}

// ---- weights as data ----------------------------------------------------------------------------

fn edited(from: &str, to: &str) -> String {
    assert!(BUILTIN_TOML.contains(from), "the built-in rule set no longer contains {from:?}");
    BUILTIN_TOML.replacen(from, to, 1)
}

#[test]
fn the_builtin_weights_are_the_documented_defaults() {
    let rules = RuleSet::builtin().unwrap();
    assert_eq!(rules.triage(), &TriageWeights::default());
    assert_eq!(rules.triage().escalation.expiry_window_days, 60);
    assert!(BUILTIN_TOML.contains("[triage.medical]"));
}

#[test]
fn weights_come_from_the_rule_set() {
    let rules = RuleSet::from_toml(&edited("no_attorney = 40", "no_attorney = 7")).unwrap();
    let f = case(None, json!([]));
    let a = score_with(&f, TODAY, &TriageContext::default(), &rules);
    assert_eq!(a.points_of("no_attorney"), 7);
    assert_eq!(a.score, 7);
}

#[test]
fn a_rule_set_without_a_triage_table_uses_the_defaults() {
    let start = BUILTIN_TOML.find("[triage.medical]").unwrap();
    let rules = RuleSet::from_toml(&BUILTIN_TOML[..start]).unwrap();
    assert_eq!(rules.triage(), &TriageWeights::default());
}

#[test]
fn bad_weights_are_refused_with_a_clear_message() {
    let cases: Vec<(String, &str)> = vec![
        (edited("fragile = 60", "fragle = 60"), "unknown field `fragle`"),
        (edited("[triage.gaps]", "[triage.gapz]"), "unknown field `gapz`"),
        (edited("fragile = 60", "fragile = -1"), "triage.medical.fragile must be from 0 to 100000, found -1"),
        (
            edited("termination_notice = 200", "termination_notice = 0"),
            "triage.legal.termination_notice must be from 1",
        ),
        (
            edited("fragile_days = 30", "fragile_days = 0"),
            "triage.medical.fragile_days must be from 1 to 3650",
        ),
        (
            edited("expiry_window_days = 60", "expiry_window_days = 5000"),
            "triage.escalation.expiry_window_days",
        ),
        (
            edited("parole_expired = 250", "parole_expired = 100"),
            "triage.legal.parole_expired (100) must be at least",
        ),
        (
            edited("parole_terminated = 300", "parole_terminated = 200"),
            "a termination must never score below an expiry",
        ),
        (edited("critical_care = 300", "critical_care = 170"), "must outrank any non-critical case"),
        (edited("re_parole_overdue = 80", "re_parole_overdue = 10"), "gaps.re_parole_overdue (10)"),
        (edited("fragile = 60", "fragile = \"high\""), "not a valid rule set document"),
    ];
    for (text, message) in cases {
        let error = RuleSet::from_toml(&text).expect_err(message).to_string();
        assert!(error.contains(message), "expected {message:?} in {error:?}");
    }
    let error = RuleSet::from_toml(&edited("critical_care = 300", "critical_care = 10")).unwrap_err();
    assert!(matches!(
        error,
        RuleSetError::Triage(TriageWeightsError::Inconsistent { field: "medical.critical_care", .. })
    ));
}

// ---- properties ---------------------------------------------------------------------------------

const TYPES: [&str; 8] = [
    "parole_granted",
    "termination_notice",
    "rfe_received",
    "rfe_answered",
    "noid_received",
    "re_parole_filed",
    "departed",
    "parole_denied",
];

fn day(offset: i64) -> String {
    d("2025-01-01").add_days(offset).to_string()
}

fn event((kind, on, len, who): (usize, i64, i64, usize)) -> Value {
    let mut e = json!({ "type": TYPES[kind], "on": day(on) });
    match TYPES[kind] {
        "parole_granted" => e["valid_until"] = json!(day(on + len)),
        "termination_notice" => {
            e["served_by"] = json!("mail");
            if len % 2 == 0 {
                e["effective"] = json!(day(on + len / 4));
            }
            if len % 3 == 0 {
                e["depart_by"] = json!(day(on + len / 3));
            }
        }
        "rfe_received" | "noid_received" | "parole_denied" => e["served_by"] = json!("online"),
        _ => {}
    }
    match who {
        0 => e["persons"] = json!(["p1"]),
        1 => e["persons"] = json!(["m1"]),
        _ => {}
    }
    e
}

fn arb_event() -> impl Strategy<Value = Value> {
    (0..TYPES.len(), 0i64..700, 1i64..500, 0usize..3).prop_map(event)
}

/// The weights at the edges the validation allows: the smallest termination weight, a lapse worth
/// exactly a parole about to lapse, a termination exactly an expiry, an overdue gap exactly a near one.
fn tight_rules() -> RuleSet {
    let text = edited("termination_notice = 200", "termination_notice = 1")
        .replacen("parole_expired = 250", "parole_expired = 180", 1)
        .replacen("parole_terminated = 300", "parole_terminated = 180", 1)
        .replacen("re_parole_overdue = 80", "re_parole_overdue = 40", 1);
    RuleSet::from_toml(&text).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Adding a termination notice to any timeline never lowers the score, critical or not, with or
    /// without an attorney.
    #[test]
    fn a_termination_notice_never_lowers_the_score(
        events in prop::collection::vec(arb_event(), 0..8),
        notice in (0i64..700, 1i64..500, 0usize..3),
        days_to_harm in 0u32..40,
        today in 0i64..900,
        attorney in any::<bool>(),
    ) {
        let mut notice = event((1, notice.0, notice.1, notice.2));
        notice["id"] = json!("added");
        let before = case(Some(medical(days_to_harm)), Value::Array(events.clone()));
        let mut more = events;
        more.push(notice);
        let after = case(Some(medical(days_to_harm)), Value::Array(more));
        let today = day(today);
        let context = TriageContext::new(&Policy::default(), attorney);
        for rules in [RuleSet::builtin().unwrap().clone(), tight_rules()] {
            let b = score_with(&before, &today, &context, &rules);
            let a = score_with(&after, &today, &context, &rules);
            prop_assert!(
                a.score >= b.score,
                "before {} {:#?}\nafter {} {:#?}", b.score, b.components, a.score, a.components
            );
        }
    }

    /// The score is the sum of its components, none negative, every code listed.
    #[test]
    fn scores_are_sums_of_listed_components(
        events in prop::collection::vec(arb_event(), 0..10),
        days_to_harm in 0u32..40,
        today in 0i64..900,
    ) {
        let f = case(Some(medical(days_to_harm)), Value::Array(events));
        let a = run(&f, &day(today), false);
        prop_assert_eq!(a.score, a.components.iter().map(|c| c.points).sum::<i64>());
        for c in &a.components {
            prop_assert!(c.points >= 0);
            prop_assert!(COMPONENT_CODES.contains(&c.code));
        }
    }

    /// With the same timeline, a critical-care case outranks a non-critical one however many gaps the
    /// latter has and the former lacks.
    #[test]
    fn critical_care_outranks_the_same_legal_facts(
        events in prop::collection::vec(arb_event(), 0..8),
        critical_days in 0u32..=7,
        other_days in 8u32..60,
        today in 0i64..900,
    ) {
        let mut other = medical(other_days);
        other["available_in_origin_country"] = json!(false);
        other["attested_on"] = json!("2023-01-02");
        let mut fresh = medical(critical_days);
        fresh["attested_on"] = json!(day(today));
        let today = day(today);
        let critical = run(&case(Some(fresh), Value::Array(events.clone())), &today, true);
        let non_critical = run(&case(Some(other), Value::Array(events)), &today, false);
        prop_assert!(critical.critical_care && !non_critical.critical_care);
        prop_assert!(
            critical.score > non_critical.score,
            "{} {:#?}\nvs {} {:#?}", critical.score, critical.components, non_critical.score, non_critical.components
        );
    }
}
