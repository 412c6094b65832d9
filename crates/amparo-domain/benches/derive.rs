//! Throughput of the rules engine against parsing: builds `AMPARO_BENCH_CASES` (default 50,000) varied,
//! fictional case files, serialises them to JSON, then times parsing alone, parsing plus deriving, and
//! deriving alone, then the triage board: deriving plus assessing every case, and the escalation
//! triggers open on each. Plain std timing so it runs anywhere `cargo bench` does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use amparo_domain::triage::open_triggers;
use amparo_domain::{CaseFile, Date, Policy, RuleSet, TriageContext, assess, derive};
use serde_json::{Value, json};

/// A small deterministic generator (64-bit LCG): the same cases on every run and machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const GIVEN: [&str; 8] = ["Ana", "Beto", "Carla", "Dario", "Elena", "Fabio", "Gala", "Hugo"];
const FAMILY: [&str; 4] = ["Ejemplo", "Prueba", "Modelo", "Muestra"];
const PROGRAMS: [&str; 4] = ["humanitarian", "humanitarian", "u4u", "cbp_one"];
const SERVED: [&str; 4] = ["mail", "email", "personal", "online"];

fn synthetic_case(index: usize, rng: &mut Lcg) -> (String, Date) {
    let base = Date::from_ymd(2023, 1, 2).unwrap();
    let day = |offset: i64| base.add_days(offset).to_string();
    let family = FAMILY[index % FAMILY.len()];
    let mut people =
        vec![json!({ "key": "p1", "role": "patient", "given_name": GIVEN[rng.below(8) as usize],
        "family_name": family, "birth_date": day(-rng.below(17 * 365)), "citizenship": "MX",
        "preferred_language": "es" })];
    let members = rng.below(4);
    for m in 0..members {
        let (role, age_days) =
            if m == 2 { ("sibling", rng.below(20 * 365)) } else { ("parent", 7000 + rng.below(9000)) };
        let mut person = json!({ "key": format!("m{}", m + 1), "role": role,
            "given_name": GIVEN[rng.below(8) as usize], "family_name": family });
        if rng.chance(85) {
            person["birth_date"] = json!(day(-age_days));
        }
        people.push(person);
    }
    let mut events: Vec<Value> = Vec::new();
    let mut id = 0;
    let mut next_id = || {
        id += 1;
        format!("e{id}")
    };
    let mut start = rng.below(600);
    events.push(json!({ "id": next_id(), "type": "parole_requested", "on": day(start - 60) }));
    for _ in 0..(1 + rng.below(3)) {
        let length = 180 + rng.below(550);
        let mut grant = json!({ "id": next_id(), "type": "parole_granted", "on": day(start), "valid_until": day(start + length) });
        if members > 0 && rng.chance(20) {
            grant["persons"] = json!(["p1"]);
        }
        events.push(grant);
        if rng.chance(15) {
            // A correction of the grant just recorded.
            let wrong = events.last().and_then(|g| g["id"].as_str()).map(str::to_owned);
            events.push(json!({ "id": next_id(), "type": "parole_granted", "on": day(start),
                "valid_until": day(start + length + 30), "supersedes": wrong }));
        }
        if members > 0 && rng.chance(50) {
            events.push(json!({ "id": next_id(), "type": "ead_approved", "on": day(start + 40),
                "valid_until": day(start + 40 + rng.below(700)), "persons": ["m1"] }));
        }
        if rng.chance(35) {
            let served = SERVED[rng.below(4) as usize];
            let mut rfe = json!({ "id": next_id(), "type": "rfe_received", "on": day(start + 100), "served_by": served });
            if rng.chance(30) {
                rfe["respond_by"] = json!(day(start + 187));
            }
            events.push(rfe);
            if rng.chance(50) {
                events.push(json!({ "id": next_id(), "type": "rfe_answered", "on": day(start + 150) }));
            }
        }
        if rng.chance(10) {
            events.push(json!({ "id": next_id(), "type": "noid_received", "on": day(start + 120),
                "served_by": SERVED[rng.below(4) as usize] }));
        }
        if rng.chance(20) {
            events
                .push(json!({ "id": next_id(), "type": "re_parole_filed", "on": day(start + length - 100) }));
        }
        if rng.chance(10) {
            events.push(json!({ "id": next_id(), "type": "fee_notice", "on": day(start + 5),
                "pay_by": day(start + 35), "amount": 1000 }));
            if rng.chance(60) {
                events.push(json!({ "id": next_id(), "type": "fee_paid", "on": day(start + 20) }));
            }
        }
        if rng.chance(8) {
            let on = start + rng.below(length as u64);
            events.push(json!({ "id": next_id(), "type": "termination_notice", "on": day(on),
                "served_by": SERVED[rng.below(4) as usize], "effective": day(on + 7), "depart_by": day(on + 7) }));
        }
        start += length + 1 - rng.below(60);
    }
    if rng.chance(5) {
        events.push(
            json!({ "id": next_id(), "type": "parole_denied", "on": day(start + 10), "served_by": "mail" }),
        );
    }
    if rng.chance(4) {
        events.push(json!({ "id": next_id(), "type": "departed", "on": day(start - 20) }));
    }
    // The events us-parole/2027.1 added: I-94 checks and updates, an EAD revocation, address
    // changes and their reports (linked or not), arrivals, asylum filings, another status.
    if rng.chance(30) {
        events.push(json!({ "id": next_id(), "type": "i94_checked", "on": day(start + 30) }));
    }
    if rng.chance(10) {
        events.push(json!({ "id": next_id(), "type": "i94_updated", "on": day(start + 60),
                            "valid_until": day(start + 200) }));
    }
    if rng.chance(15) {
        events.push(json!({ "id": next_id(), "type": "ead_revocation_notice", "on": day(start + 70),
                            "served_by": "mail" }));
    }
    if rng.chance(25) {
        let id = next_id();
        events.push(json!({ "id": id.clone(), "type": "address_changed", "on": day(start + 80) }));
        if rng.chance(50) {
            events.push(
                json!({ "id": next_id(), "type": "address_reported", "on": day(start + 85), "answers": id }),
            );
        }
    }
    if rng.chance(40) {
        events.push(json!({ "id": next_id(), "type": "arrived", "on": day(start + 2) }));
    }
    if rng.chance(10) {
        events.push(json!({ "id": next_id(), "type": "asylum_filed", "on": day(start + 300) }));
    }
    if rng.chance(3) {
        events.push(
            json!({ "id": next_id(), "type": "status_granted", "on": day(start + 400), "status": "tps" }),
        );
    }
    if rng.chance(30) {
        events.push(json!({ "id": next_id(), "type": "medical_attested", "on": day(start - 200),
            "days_to_critical_harm": 2 + rng.below(20) }));
    }
    let doc = json!({
        "format": "amparo.case/1",
        "case": {
            "reference": format!("BENCH-{index:06}"),
            "program": PROGRAMS[rng.below(4) as usize],
            "people": people,
            "medical": { "person": "p1", "condition": "short bowel syndrome", "regimen": "home parenteral nutrition",
                         "hours_per_day": 10 + rng.below(10), "facility": "Example Children's Hospital",
                         "available_in_origin_country": false, "days_to_critical_harm": 1 + rng.below(14),
                         "attested_on": day(rng.below(900)) }
        },
        "events": events
    });
    (doc.to_string(), base.add_days(rng.below(1500)))
}

fn best_of<F: FnMut() -> usize>(runs: usize, mut f: F) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut work = 0;
    for _ in 0..runs {
        let started = Instant::now();
        work = f();
        best = best.min(started.elapsed());
    }
    (best, work)
}

fn main() {
    let count: usize =
        std::env::var("AMPARO_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let rules = RuleSet::builtin().expect("built-in rule set");
    let policy = Policy::default();
    let mut rng = Lcg(0x5eed_a3a0);
    let cases: Vec<(String, Date)> = (0..count).map(|i| synthetic_case(i, &mut rng)).collect();
    let bytes: usize = cases.iter().map(|(t, _)| t.len()).sum();
    let parsed: Vec<(CaseFile, Date)> = cases
        .iter()
        .map(|(text, today)| (CaseFile::parse(text).expect("synthetic case is valid").0, *today))
        .collect();
    let deadlines: usize = parsed.iter().map(|(f, t)| derive(f, *t, &policy, rules).deadlines.len()).sum();
    println!(
        "{count} synthetic cases, {:.0} bytes of JSON each on average, {:.1} deadlines each",
        bytes as f64 / count as f64,
        deadlines as f64 / count as f64
    );

    let runs = 3;
    let (parse_time, _) = best_of(runs, || {
        cases
            .iter()
            .map(|(text, _)| {
                black_box(CaseFile::parse(black_box(text)).map(|(f, _)| f.events.len()).unwrap_or(0))
            })
            .sum()
    });
    let (both_time, _) = best_of(runs, || {
        cases
            .iter()
            .map(|(text, today)| {
                let (file, _) = CaseFile::parse(black_box(text)).expect("valid");
                black_box(derive(&file, *today, &policy, rules)).deadlines.len()
            })
            .sum()
    });
    let (derive_time, _) = best_of(runs, || {
        parsed
            .iter()
            .map(|(file, today)| black_box(derive(black_box(file), *today, &policy, rules)).deadlines.len())
            .sum()
    });
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!("(a) parse only:          {:>12.0} cases/s  ({:.2?})", rate(parse_time), parse_time);
    println!("(b) parse + derive:      {:>12.0} cases/s  ({:.2?})", rate(both_time), both_time);
    println!("    derive only:         {:>12.0} cases/s  ({:.2?})", rate(derive_time), derive_time);
    println!(
        "ratio (b)/(a) in time:   {:>12.2}x  (target <= 1.5x)",
        both_time.as_secs_f64() / parse_time.as_secs_f64()
    );
    // The same cases under the rule set of 2026.1, as an operator's file written for it loads today.
    let old_rules = RuleSet::from_toml(amparo_domain::rules::US_PAROLE_2026_1_TOML).expect("2026.1 loads");
    let (old_derive_time, _) = best_of(runs, || {
        parsed
            .iter()
            .map(|(file, today)| {
                black_box(derive(black_box(file), *today, &policy, &old_rules)).deadlines.len()
            })
            .sum()
    });
    let per_parse = |d: Duration| d.as_secs_f64() / parse_time.as_secs_f64();
    println!("derive / parse:          {:>12.2}x  {} (target <= 1.5x)", per_parse(derive_time), rules.id);
    println!("derive / parse:          {:>12.2}x  {}", per_parse(old_derive_time), old_rules.id);

    // The triage board: derive and assess every case, then rank them.
    let weights = rules.triage();
    let context = |i: usize| TriageContext::new(&policy, !i.is_multiple_of(3));
    let (board_time, critical) = best_of(runs, || {
        let mut board: Vec<_> = parsed
            .iter()
            .enumerate()
            .map(|(i, (file, today))| {
                let derivation = derive(black_box(file), *today, &policy, rules);
                black_box(assess(file, &derivation, &context(i), weights))
            })
            .collect();
        board.sort_by(|a, b| a.cmp_urgency(b));
        board.iter().filter(|a| a.critical_care).count()
    });
    let derivations: Vec<_> = parsed.iter().map(|(f, t)| derive(f, *t, &policy, rules)).collect();
    let (assess_time, _) = best_of(runs, || {
        parsed
            .iter()
            .zip(&derivations)
            .enumerate()
            .map(|(i, ((file, _), derivation))| {
                black_box(assess(black_box(file), derivation, &context(i), weights)).components.len()
            })
            .sum()
    });
    let (triggers_time, open) = best_of(runs, || {
        parsed
            .iter()
            .map(|(file, today)| black_box(open_triggers(black_box(file), *today, &policy, rules)).len())
            .sum()
    });
    println!(
        "(c) derive + assess + rank: {:>10.0} cases/s  ({:.2?}; {critical} critical-care cases)",
        rate(board_time),
        board_time
    );
    println!("    assess only:         {:>12.0} cases/s  ({:.2?})", rate(assess_time), assess_time);
    println!(
        "    open triggers:       {:>12.0} cases/s  ({:.2?}; {open} open triggers)",
        rate(triggers_time),
        triggers_time
    );
}
