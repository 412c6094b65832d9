//! Each letter's paragraphs, from the data its PDF printed, in the built-in templates' words.

use serde_json::Value;

/// One paragraph of a DOCX letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub bold: bool,
    pub rtl: bool,
}

fn plain(text: impl Into<String>) -> Paragraph {
    Paragraph { text: text.into(), bold: false, rtl: false }
}

fn bold(text: impl Into<String>) -> Paragraph {
    Paragraph { text: text.into(), bold: true, rtl: false }
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn lines(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

fn letterhead(data: &Value) -> Vec<Paragraph> {
    let org = &data["letterhead"];
    let mut contact = lines(org, "address");
    contact.extend(
        [text(org, "phone"), text(org, "email")]
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty())
            .map(String::from),
    );
    vec![bold(text(org, "name").unwrap_or_default()), plain(contact.join(" · "))]
}

fn signature(data: &Value) -> Vec<Paragraph> {
    let org = &data["letterhead"];
    let signature = lines(org, "signature");
    if signature.is_empty() {
        vec![plain(text(org, "name").unwrap_or_default())]
    } else {
        signature.into_iter().map(plain).collect()
    }
}

fn person_facts(p: &Value) -> String {
    let mut facts = Vec::new();
    if let Some(born) = text(p, "birth_date") {
        facts.push(format!("born {born}"));
    }
    if let Some(country) = text(p, "citizenship") {
        facts.push(format!("citizen of {country}"));
    }
    if let Some(a_number) = text(p, "a_number") {
        facts.push(format!("A-Number {a_number}"));
    }
    facts.join(", ")
}

pub(crate) fn medical_letter(data: &Value) -> Vec<Paragraph> {
    let (p, m, a) = (&data["patient"], &data["medical"], &data["attestation"]);
    let name = text(p, "name").unwrap_or_default();
    let mut out = letterhead(data);
    out.push(plain(text(data, "date").unwrap_or_default()));
    out.push(plain("U.S. Citizenship and Immigration Services, Humanitarian Affairs Branch"));
    out.push(bold(format!("Letter of medical necessity: {name}")));
    out.push(plain(format!("Re: {name} ({})", person_facts(p))));
    out.push(plain("To whom it may concern:"));
    let facility = text(m, "facility").map(|f| format!(" at {f}")).unwrap_or_default();
    out.push(plain(format!(
        "I am the treating clinician of {name}, who is under treatment for {}{facility}.",
        text(m, "condition").unwrap_or_default()
    )));
    let hours = m.get("hours_per_day").and_then(Value::as_u64);
    match (text(m, "regimen"), hours) {
        (Some(regimen), Some(h)) => {
            out.push(plain(format!("The treatment is {regimen}, given {h} hours a day.")))
        }
        (Some(regimen), None) => out.push(plain(format!("The treatment is {regimen}."))),
        (None, Some(h)) => out.push(plain(format!("The treatment takes {h} hours a day."))),
        (None, None) => {}
    }
    if m.get("available_in_origin_country").and_then(Value::as_bool) == Some(false) {
        out.push(plain(format!(
            "This care does not exist in {name}'s country of origin: the treatment, the equipment it needs and \
             the staff trained to give it are not available there, so a return would end it."
        )));
    }
    if let Some(days) = m.get("days_to_critical_harm").and_then(Value::as_u64) {
        out.push(plain(format!(
            "If this care were interrupted, {name} would suffer critical harm within {days} days. Continued \
             presence in the United States is medically necessary for the treatment to go on."
        )));
    }
    if a.is_object() {
        out.push(bold("Clinician's statement"));
        out.push(plain(text(a, "statement").unwrap_or_default()));
        out.push(plain("I attest that the facts above are true to the best of my professional knowledge."));
        out.push(bold(format!(
            "{}, {}",
            text(a, "name").unwrap_or_default(),
            text(a, "credentials").unwrap_or_default()
        )));
        out.push(plain(format!("Attested on {}", text(a, "date").unwrap_or_default())));
    } else {
        out.push(bold(
            "Draft for the treating clinician. Review every fact above, correct it in the case's medical profile \
             where it is wrong, then attest the letter in Amparo. This draft is not evidence until attested.",
        ));
    }
    out
}

pub(crate) fn cover_letter(data: &Value) -> Vec<Paragraph> {
    let (p, x) = (&data["patient"], &data["expedite"]);
    let name = text(p, "name").unwrap_or_default();
    let mut out = letterhead(data);
    out.push(plain(text(data, "date").unwrap_or_default()));
    out.push(plain("U.S. Citizenship and Immigration Services, Humanitarian Affairs Branch"));
    out.push(bold("RE-PAROLE"));
    out.push(bold("Request for re-parole (Form I-131) with expedite request"));
    out.push(plain(format!(
        "Re: {name} ({}); our reference {}.",
        person_facts(p),
        text(data, "reference").unwrap_or_default()
    )));
    out.push(plain(
        "On behalf of the beneficiaries named below, we submit Form I-131, Application for Travel Documents, \
         Parole Documents, and Arrival/Departure Records, requesting re-parole for urgent humanitarian reasons \
         under INA 212(d)(5)(A), 8 U.S.C. 1182(d)(5)(A), and ask that it be expedited.",
    ));
    out.push(bold("Beneficiaries"));
    for b in data["beneficiaries"].as_array().into_iter().flatten() {
        out.push(plain(format!(
            "{} ({}): {}",
            text(b, "name").unwrap_or_default(),
            text(b, "role").unwrap_or_default(),
            person_facts(b)
        )));
    }
    out.push(bold("Expedite request: medical emergency"));
    if let Some(condition) = text(x, "condition") {
        let facility = text(x, "facility").map(|f| format!(" at {f}")).unwrap_or_default();
        out.push(plain(format!("{name} is under treatment for {condition}{facility}.")));
    }
    if x.get("care_unavailable_in_origin").and_then(Value::as_bool) == Some(true) {
        out.push(plain(format!("The care {name} needs is not available in the country of origin.")));
    }
    if let Some(days) = x.get("days_to_critical_harm").and_then(Value::as_u64) {
        out.push(plain(format!(
            "The treating clinician attests that if this care were interrupted, {name} would suffer critical harm \
             within {days} days."
        )));
    }
    if let Some(until) = text(x, "covered_until") {
        out.push(plain(format!(
            "The current parole covers the family until {until}; a lapse would interrupt treatment."
        )));
    }
    for d in x["dates"].as_array().into_iter().flatten() {
        let person = text(d, "person").map(|p| format!(" ({p})")).unwrap_or_default();
        out.push(plain(format!(
            "{}: {}{person}. Basis: {}",
            text(d, "date").unwrap_or_default(),
            text(d, "label").unwrap_or_default(),
            text(d, "citation").unwrap_or_default()
        )));
    }
    out.push(plain(
        "We respectfully ask that the request be decided before the current parole ends. The evidence listed in \
         the exhibit index is enclosed.",
    ));
    out.push(plain("Respectfully submitted,"));
    out.extend(signature(data));
    out.push(bold("Exhibit index"));
    for e in data["exhibits"].as_array().into_iter().flatten() {
        let dated = text(e, "dated").map(|d| format!(", dated {d}")).unwrap_or_default();
        let pages = e["pages"].as_array().map_or(0, Vec::len);
        out.push(plain(format!(
            "Exhibit {}: {}{dated} ({pages} pages)",
            text(e, "letter").unwrap_or_default(),
            text(e, "title").unwrap_or_default()
        )));
    }
    out
}

fn family_text(letter: &Value) -> Vec<Paragraph> {
    let rtl = letter.get("rtl").and_then(Value::as_bool).unwrap_or(false);
    let mut out = Vec::new();
    let mut push = |text: &str, bold: bool| {
        if !text.is_empty() {
            out.push(Paragraph { text: text.to_owned(), bold, rtl });
        }
    };
    push(text(letter, "title").unwrap_or_default(), true);
    for key in ["date_line", "case_line", "dear", "intro", "standing"] {
        push(text(letter, key).unwrap_or_default(), false);
    }
    push(text(letter, "next_dates_heading").unwrap_or_default(), true);
    let dates = letter["dates"].as_array().cloned().unwrap_or_default();
    if dates.is_empty() {
        push(text(letter, "no_dates").unwrap_or_default(), false);
    }
    for d in &dates {
        push(
            &format!("{}: {}", text(d, "when").unwrap_or_default(), text(d, "meaning").unwrap_or_default()),
            false,
        );
    }
    push(text(letter, "who_to_call_heading").unwrap_or_default(), true);
    for contact in lines(letter, "contacts") {
        push(&contact, false);
    }
    for key in ["office", "disclaimer"] {
        push(text(letter, key).unwrap_or_default(), false);
    }
    out
}

pub(crate) fn family_letter(data: &Value) -> Vec<Paragraph> {
    let mut out = letterhead(data);
    if let Some(note) = text(data, "unreviewed_note") {
        out.push(bold(note));
    }
    out.extend(family_text(&data["letter"]));
    if data["english"].is_object() {
        out.extend(family_text(&data["english"]));
    }
    out.extend(signature(data));
    out
}
