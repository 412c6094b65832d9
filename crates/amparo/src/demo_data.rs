//! A fictional organisation's cases, generated deterministically from a seed and a date. Every name,
//! number and hospital is invented; the scenarios mirror the situations Amparo exists for
//! (terminations of critical-care parole, re-grants about to lapse, notices with deadlines).

use amparo_domain::{CaseFile, Date, RawEvent};

/// splitmix64: tiny, fast and reproducible everywhere, which is all a demo needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const GIVEN_CHILD: &[&str] = &[
    "Lucía",
    "Mateo",
    "Valentina",
    "Santiago",
    "Camila",
    "Emiliano",
    "Renata",
    "Thiago",
    "Ximena",
    "Iker",
    "Olena",
    "Taras",
];
const GIVEN_ADULT: &[&str] = &[
    "Marta", "José", "Rosa", "Luis", "Carmen", "Andrés", "Paola", "Jorge", "Daniela", "Raúl", "Iryna",
    "Mykola",
];
const FAMILY: &[&str] = &[
    "Ejemplo",
    "Prueba",
    "Muestra",
    "Ficticio",
    "Modelo",
    "Demostración",
    "Ensayo",
    "Simulado",
    "Inventado",
    "Supuesto",
];
const COUNTRIES: &[(&str, &str)] = &[
    ("MX", "es"),
    ("HN", "es"),
    ("GT", "es"),
    ("SV", "es"),
    ("VE", "es"),
    ("CU", "es"),
    ("UA", "en"),
    ("HT", "en"),
];
const FACILITIES: &[&str] = &[
    "Example Children's Hospital",
    "Sample University Medical Center",
    "Demo County Hospital",
    "Fictional Kids Clinic",
];
/// (condition, regimen, hours per day, days to critical harm range)
const CONDITIONS: &[(&str, &str, u8, (i64, i64))] = &[
    ("short bowel syndrome", "home parenteral nutrition", 14, (2, 5)),
    ("end-stage renal disease", "hemodialysis three times a week", 4, (3, 7)),
    ("spinal muscular atrophy", "home ventilation", 24, (1, 2)),
    ("acute lymphoblastic leukaemia", "maintenance chemotherapy", 2, (14, 60)),
    ("heart transplant recipient", "immunosuppression and monitoring", 1, (5, 14)),
    ("cystic fibrosis", "airway clearance and enzyme therapy", 3, (20, 90)),
    ("type 1 diabetes with complications", "insulin pump therapy", 1, (3, 10)),
];

/// The situations the demo shows, cycled so that a small demo has one of each.
#[derive(Clone, Copy)]
enum Scenario {
    ReGrantedAfterTermination,
    TerminatedNoticeOpen,
    ExpiringNothingFiled,
    ReParoleFiledWithRfe,
    InitialRequestPending,
    ExpiredAdult,
    DeniedMotionWindow,
    NoidReceived,
    WorkPermitAndFee,
    Departed,
}

const SCENARIOS: [Scenario; 10] = [
    Scenario::ReGrantedAfterTermination,
    Scenario::TerminatedNoticeOpen,
    Scenario::ExpiringNothingFiled,
    Scenario::ReParoleFiledWithRfe,
    Scenario::InitialRequestPending,
    Scenario::ExpiredAdult,
    Scenario::DeniedMotionWindow,
    Scenario::NoidReceived,
    Scenario::WorkPermitAndFee,
    Scenario::Departed,
];

/// `count` cases for an organisation, their timelines arranged around `today`.
pub fn generate(seed: u64, count: usize, today: Date) -> Vec<CaseFile> {
    let mut rng = Rng(seed);
    let width = count.to_string().len().max(4);
    (0..count).map(|n| case(&mut rng, n, width, today)).collect()
}

struct Builder {
    events: Vec<serde_json::Value>,
}

impl Builder {
    fn push(&mut self, mut event: serde_json::Value) {
        event["id"] = serde_json::json!(format!("e{}", self.events.len() + 1));
        self.events.push(event);
    }
}

fn case(rng: &mut Rng, n: usize, width: usize, today: Date) -> CaseFile {
    let scenario = SCENARIOS[n % SCENARIOS.len()];
    let family = *rng.pick(FAMILY);
    let (country, language) = *rng.pick(COUNTRIES);
    let adult_patient = matches!(scenario, Scenario::ExpiredAdult);
    let patient_birth = if adult_patient {
        today.add_days(-rng.range(25 * 365, 50 * 365))
    } else {
        today.add_days(-rng.range(300, 15 * 365))
    };
    let mut people = vec![serde_json::json!({
        "key": "p1", "role": "patient",
        "given_name": if adult_patient { *rng.pick(GIVEN_ADULT) } else { *rng.pick(GIVEN_CHILD) },
        "family_name": family, "birth_date": patient_birth.to_string(),
        "a_number": format!("A{:09}", 200_000_000 + rng.below(99_999_999)),
        "citizenship": country, "preferred_language": language,
    })];
    let members = rng.below(4) as usize;
    for m in 0..members {
        let (key, role, birth) = if m < 2 {
            (format!("m{}", m + 1), "parent", today.add_days(-rng.range(22 * 365, 45 * 365)))
        } else {
            (format!("s{}", m - 1), "sibling", today.add_days(-rng.range(365, 17 * 365)))
        };
        let given = if role == "parent" { *rng.pick(GIVEN_ADULT) } else { *rng.pick(GIVEN_CHILD) };
        people.push(serde_json::json!({
            "key": key, "role": role, "given_name": given, "family_name": family,
            "birth_date": birth.to_string(), "citizenship": country, "preferred_language": language,
        }));
    }
    let (condition, regimen, hours, (harm_low, harm_high)) = *rng.pick(CONDITIONS);
    let medical = serde_json::json!({
        "person": "p1", "condition": condition, "regimen": regimen, "hours_per_day": hours,
        "facility": *rng.pick(FACILITIES), "available_in_origin_country": rng.below(5) == 0,
        "days_to_critical_harm": rng.range(harm_low, harm_high),
        "attested_on": today.add_days(-rng.range(10, 240)).to_string(),
    });
    let mut b = Builder { events: Vec::new() };
    let receipt = |rng: &mut Rng| format!("IOE{:010}", rng.below(9_999_999_999));
    let grant = |b: &mut Builder, on: Date, days: i64| {
        b.push(serde_json::json!({ "type": "parole_granted", "on": on.to_string(),
            "valid_until": on.add_days(days - 1).to_string(), "class_of_admission": "DT" }));
    };
    match scenario {
        Scenario::ReGrantedAfterTermination => {
            let first = today.add_days(-rng.range(500, 700));
            grant(&mut b, first, 730);
            let notice = today.add_days(-rng.range(200, 300));
            b.push(serde_json::json!({ "type": "termination_notice", "on": notice.to_string(), "served_by": "email",
                "depart_by": notice.add_days(7).to_string() }));
            b.push(serde_json::json!({ "type": "re_parole_filed", "on": notice.add_days(5).to_string(), "receipt_number": receipt(rng) }));
            grant(&mut b, notice.add_days(rng.range(40, 80)), 365);
        }
        Scenario::TerminatedNoticeOpen => {
            grant(&mut b, today.add_days(-rng.range(200, 500)), 730);
            let notice = today.add_days(-rng.range(1, 6));
            b.push(serde_json::json!({ "type": "termination_notice", "on": notice.to_string(), "served_by": "mail",
                "depart_by": notice.add_days(30).to_string() }));
        }
        Scenario::ExpiringNothingFiled => {
            let days = rng.range(20, 100);
            grant(&mut b, today.add_days(days - 365), 365);
        }
        Scenario::ReParoleFiledWithRfe => {
            grant(&mut b, today.add_days(-rng.range(250, 330)), 365);
            b.push(serde_json::json!({ "type": "re_parole_filed", "on": today.add_days(-rng.range(60, 90)).to_string(), "receipt_number": receipt(rng) }));
            b.push(serde_json::json!({ "type": "rfe_received", "on": today.add_days(-rng.range(5, 30)).to_string(), "served_by": "mail" }));
        }
        Scenario::InitialRequestPending => {
            b.push(serde_json::json!({ "type": "parole_requested", "on": today.add_days(-rng.range(10, 120)).to_string(), "receipt_number": receipt(rng) }));
        }
        Scenario::ExpiredAdult => {
            grant(&mut b, today.add_days(-rng.range(400, 500)), 365);
        }
        Scenario::DeniedMotionWindow => {
            b.push(serde_json::json!({ "type": "parole_requested", "on": today.add_days(-rng.range(120, 200)).to_string() }));
            b.push(serde_json::json!({ "type": "parole_denied", "on": today.add_days(-rng.range(2, 20)).to_string(), "served_by": "mail" }));
        }
        Scenario::NoidReceived => {
            grant(&mut b, today.add_days(-rng.range(300, 340)), 365);
            b.push(serde_json::json!({ "type": "re_parole_filed", "on": today.add_days(-rng.range(60, 80)).to_string() }));
            let on = today.add_days(-rng.range(2, 10));
            b.push(serde_json::json!({ "type": "noid_received", "on": on.to_string(), "served_by": "online",
                "respond_by": on.add_days(30).to_string() }));
        }
        Scenario::WorkPermitAndFee => {
            let granted = today.add_days(-rng.range(100, 300));
            grant(&mut b, granted, 730);
            b.push(serde_json::json!({ "type": "ead_filed", "on": granted.add_days(20).to_string(), "persons": ["p1"], "receipt_number": receipt(rng) }));
            b.push(serde_json::json!({ "type": "ead_approved", "on": granted.add_days(80).to_string(), "persons": ["p1"],
                "valid_until": granted.add_days(80 + 729).to_string() }));
            let notice = today.add_days(-rng.range(1, 20));
            b.push(serde_json::json!({ "type": "fee_notice", "on": notice.to_string(), "pay_by": notice.add_days(30).to_string(), "amount": 1000 }));
        }
        Scenario::Departed => {
            let granted = today.add_days(-rng.range(400, 600));
            grant(&mut b, granted, 730);
            b.push(serde_json::json!({ "type": "departed", "on": today.add_days(-rng.range(10, 90)).to_string() }));
        }
    }
    if rng.below(3) == 0 {
        b.push(serde_json::json!({ "type": "medical_attested", "on": today.add_days(-rng.range(1, 9)).to_string(),
            "days_to_critical_harm": rng.range(harm_low, harm_high), "note": "Clinician re-attested the regimen." }));
    }
    // Timelines are written in date order, as a caseworker would enter them.
    b.events.sort_by(|x, y| x["on"].as_str().cmp(&y["on"].as_str()));
    let events: Vec<RawEvent> = b.events.into_iter().filter_map(|e| serde_json::from_value(e).ok()).collect();
    let mut document = serde_json::json!({
        "format": "amparo.case/1",
        "case": { "reference": format!("DEMO-{:0width$}", n + 1), "program": if country == "UA" { "u4u" } else { "humanitarian" },
                  "people": people, "medical": medical },
        "events": events,
    });
    add_activity(&mut document, n, today);
    add_history(&mut document, n, today);
    let parsed = CaseFile::parse(&document.to_string());
    match parsed {
        Ok((file, _)) => file,
        // The generator only builds valid cases; a failure here is a bug caught by the tests below.
        Err(error) => unreachable_case(n, &error.to_string()),
    }
}

/// What a few notes say, by kind.
const NOTES: &[(&str, &str)] = &[
    ("call", "Called the mother; she confirmed the new address and the pump supplier's delivery day."),
    ("meeting", "Met the family with the hospital social worker to go over the renewal documents."),
    ("email", "Sent the treating physician the attestation form to sign."),
    ("message", "Reminded the family by message to bring the latest notice to the office."),
    ("note", "Family prefers calls after 5 pm; the father works mornings."),
];

/// Notes for every third case and contacts for every other one, from their own generator so the
/// cases' timelines stay what they were. Every name, number and address is invented (555-01xx
/// numbers, example.org addresses).
fn add_activity(document: &mut serde_json::Value, n: usize, today: Date) {
    let mut rng = Rng(0x0A11_CE5E ^ n as u64);
    if n.is_multiple_of(3) {
        let count = 1 + rng.below(3) as usize;
        let notes: Vec<serde_json::Value> = (0..count)
            .map(|i| {
                let (kind, text) = *rng.pick(NOTES);
                let day = today.add_days(-rng.range(1, 60));
                serde_json::json!({
                    "id": i + 1, "type": kind, "at": format!("{day}T{:02}:{:02}:00Z", rng.range(14, 22), rng.range(0, 59)),
                    "author": *rng.pick(&["Inés Muestra", "Tomás Ejemplar", "Rita Modelo"]), "pinned": i == 0 && rng.below(2) == 0,
                    "text": text,
                })
            })
            .collect();
        document["notes"] = serde_json::json!(notes);
    }
    if n.is_multiple_of(2) {
        document["contacts"] = serde_json::json!({
            "family": {
                "phone": format!("+1 555 01{:02} {:04}", rng.below(100), rng.below(10_000)),
                "postal_address": format!("{} Calle Ejemplo, Apt {}, Springfield", 100 + rng.below(900), 1 + rng.below(30)),
                "preferred_method": *rng.pick(&["phone", "message", "email"]),
                "interpreter_needed": rng.below(2) == 0,
            },
            "others": [
                { "role": "social_worker", "name": "Marta Ejemplo", "organisation": "Example Children's Hospital",
                  "phone": format!("+1 555 0150 {:04}", rng.below(10_000)), "email": "social.work@hospital.example.org" },
                { "role": "physician", "name": "Dr. Pablo Muestra", "organisation": "Example Children's Hospital" }
            ],
        });
    }
}

/// A history for every fourth case: the patient's given name corrected after intake (a letter
/// swapped) and, on some, the facility updated, so the case page is measured with its history.
fn add_history(document: &mut serde_json::Value, n: usize, today: Date) {
    if !n.is_multiple_of(4) {
        return;
    }
    let mut rng = Rng(0x4157_0E1E ^ n as u64);
    let given = document["case"]["people"][0]["given_name"].as_str().unwrap_or_default().to_owned();
    let mut letters: Vec<char> = given.chars().collect();
    if letters.len() > 2 {
        letters.swap(1, 2);
    }
    let misspelt: String = letters.into_iter().collect();
    let day = today.add_days(-rng.range(30, 90));
    let mut history = vec![serde_json::json!({
        "version": 2, "action": "person_updated", "person": "p1",
        "changes": [{ "field": "given_name", "before": misspelt, "after": given }],
        "changed_at": format!("{day}T{:02}:{:02}:00Z", rng.range(14, 22), rng.range(0, 59)),
    })];
    if rng.below(2) == 0 {
        let facility = document["case"]["medical"]["facility"].as_str().unwrap_or_default().to_owned();
        let later = day.add_days(rng.range(1, 20));
        history.push(serde_json::json!({
            "version": 3, "action": "case_updated",
            "changes": [{ "field": "medical.facility", "before": "Example Regional Clinic", "after": facility }],
            "changed_at": format!("{later}T{:02}:{:02}:00Z", rng.range(14, 22), rng.range(0, 59)),
        }));
    }
    document["history"] = serde_json::json!(history);
}

#[allow(clippy::panic)]
fn unreachable_case(n: usize, error: &str) -> CaseFile {
    panic!("demo case {n} is invalid: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_ymd(2026, 11, 23).unwrap()
    }

    #[test]
    fn generation_is_deterministic_and_valid() {
        let a = generate(7, 200, today());
        let b = generate(7, 200, today());
        assert_eq!(a, b);
        assert_ne!(generate(8, 200, today()), a);
        for file in &a {
            file.validate().unwrap();
        }
        let families: usize = a.iter().filter(|f| f.case.people.len() >= 3).count();
        assert!(families > 20, "families of several people: {families}");
        assert!(a.iter().any(|f| f.events.iter().any(|e| e.kind.type_name() == "termination_notice")));
        // Some cases carry notes (one pinned somewhere) and contacts, so the case page is measured with them.
        assert!(a.iter().filter(|f| !f.extensions.notes.is_empty()).count() > 50);
        assert!(a.iter().any(|f| f.extensions.notes.iter().any(|n| n.pinned)));
        // Every fourth case has a history of corrections.
        assert_eq!(a.iter().filter(|f| !f.extensions.history.is_empty()).count(), 50);
        assert!(a.iter().filter(|f| f.extensions.contacts.is_some()).count() > 50);
    }

    #[test]
    fn references_are_unique_and_sortable() {
        let cases = generate(1, 25, today());
        assert_eq!(cases[0].case.reference.as_str(), "DEMO-0001");
        assert_eq!(cases[24].case.reference.as_str(), "DEMO-0025");
    }
}
