//! What a derivation stores of a case: its deadlines (each *why* kept as facts), its triage row for
//! the board, and the keys the case list filters, sorts and searches by. The single place the store
//! turns a timeline into rows.

use amparo_domain::CaseFile;

use crate::case_list::search_keys;
use crate::error::StoreResult;

/// One stored deadline row of a case, in derivation order. The *why* is kept as its facts; basis,
/// citation and the sentence come from the rule when the row is read ([`render_deadline`]).
pub struct DeadlineRow {
    pub position: i64,
    pub kind: &'static str,
    pub person: Option<String>,
    pub due: String,
    pub window_opens: Option<String>,
    pub rule: &'static str,
    pub why_variant: &'static str,
    pub why_facts: String,
    /// Shown with its *why* but never an alarm (overdue, reminders, board, dashboard).
    pub advisory: bool,
}

/// The facts of a *why* as stored: a JSON object of placeholder name → printed text, or a
/// language-neutral code where the English text would not be (see `Rule::explain`).
fn why_facts_json(facts: &amparo_domain::rules::WhyFacts) -> String {
    let mut out = String::with_capacity(16 + 32 * facts.facts.len());
    out.push('{');
    for (index, (name, value)) in facts.facts.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        // Names are identifiers and values printed dates, numbers or rule-set text, written
        // straight into the buffer (one deadline's facts used to allocate a JSON value per string).
        json_string(&mut out, name);
        out.push(':');
        json_string(&mut out, value);
    }
    out.push('}');
    out
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// What is stored of a case's derivation: its coverage, the day it was computed for, its deadlines.
pub struct Derived {
    pub covered_until: Option<String>,
    pub derived_on: String,
    /// The next day on which this derivation could differ (see `amparo_domain::rederive`).
    pub rederive_on: Option<String>,
    pub deadlines: Vec<DeadlineRow>,
    pub triage: TriageRow,
    pub list: ListKeys,
}

/// What the case list filters, sorts and searches by, kept on the case row (see `case_list::search_keys`).
pub struct ListKeys {
    pub status: &'static str,
    pub patient_sort: String,
    pub due_sort: String,
    pub search_terms: String,
}

/// Cases without a next deadline sort after every date.
const NO_DUE_SORT: &str = "9999-12-31";

/// Runs the rules over a case as of `today`: the single place the store turns a timeline into rows.
pub fn derive_rows(
    file: &CaseFile,
    today: amparo_domain::Date,
    policy: &amparo_domain::Policy,
    rules: &amparo_domain::RuleSet,
    attorney_assigned: bool,
) -> StoreResult<Derived> {
    use amparo_domain::triage::{TriageContext, assess};
    let mut derivation = amparo_domain::derive(file, today, policy, rules);
    let context = TriageContext::new(policy, attorney_assigned);
    let assessment = assess(file, &derivation, &context, rules.triage());
    // From the whole derivation, before a closure clears it: a day too many costs one derivation.
    let under = amparo_domain::DerivedUnder { policy, rules, triage: context };
    let rederive_on = amparo_domain::rederive_on(file, &derivation, &assessment, under);
    let mut triage = triage_row(file, &derivation, assessment);
    if file.extensions.closure.is_some() {
        // Nothing is due on a closed case: no deadline row, so it leaves the board, the dashboard,
        // reminders, the calendar and its feeds at once; reopening derives them again.
        derivation.deadlines.clear();
        triage.is_open = 0;
        triage.next_due = None;
        triage.next_kind = None;
    }
    let patient = file.case.people.iter().find(|p| p.role == amparo_domain::PersonRole::Patient);
    let status = derivation
        .people
        .iter()
        .find(|s| patient.is_some_and(|p| p.key == s.person))
        .map_or(amparo_domain::Status::None, |s| s.status);
    let list = ListKeys {
        status: status.as_str(),
        patient_sort: search_keys::patient_sort(file),
        due_sort: triage.next_due.clone().unwrap_or_else(|| NO_DUE_SORT.to_owned()),
        search_terms: search_keys::search_terms(file),
    };
    let deadlines = derivation
        .deadlines
        .into_iter()
        .enumerate()
        .map(|(position, d)| DeadlineRow {
            position: position as i64,
            kind: d.kind.as_str(),
            person: d.person,
            due: d.due.to_string(),
            window_opens: d.window_opens.map(|w| w.to_string()),
            rule: d.rule.as_str(),
            why_variant: d.why_facts.variant,
            why_facts: why_facts_json(&d.why_facts),
            advisory: d.advisory,
        })
        .collect();
    Ok(Derived {
        covered_until: derivation.covered_until.map(|d| d.to_string()),
        derived_on: today.to_string(),
        rederive_on: rederive_on.map(|d| d.to_string()),
        deadlines,
        triage,
        list,
    })
}

/// What the board needs of a case, derived with its deadlines.
pub struct TriageRow {
    pub score: i64,
    pub critical_care: i64,
    pub is_open: i64,
    pub next_due: Option<String>,
    pub next_kind: Option<String>,
    pub class_of_admission: Option<String>,
    /// The day the case was scored, from which its components' relative phrases count.
    pub scored_on: amparo_domain::Date,
    /// The score's components, sealed into the case row by the writer (`triage::reasons`).
    pub components: Vec<amparo_domain::triage::Component>,
}

/// What the board keeps of a case's score and derivation.
fn triage_row(
    file: &CaseFile,
    derivation: &amparo_domain::Derivation,
    assessment: amparo_domain::Assessment,
) -> TriageRow {
    let class_of_admission = amparo_domain::rules::live_events(file)
        .into_iter()
        .filter_map(|e| match &e.kind {
            amparo_domain::EventKind::ParoleGranted { class_of_admission, .. } => {
                Some((e.on, class_of_admission))
            }
            _ => None,
        })
        .max_by_key(|(on, _)| *on)
        .and_then(|(_, class)| class.clone());
    TriageRow {
        score: assessment.score,
        critical_care: i64::from(assessment.critical_care),
        is_open: i64::from(
            derivation.people.iter().any(|p| p.status != amparo_domain::rules::Status::Departed),
        ),
        next_due: assessment.next_deadline.as_ref().map(|d| d.due.to_string()),
        next_kind: assessment.next_deadline.as_ref().map(|d| d.kind.as_str().to_owned()),
        class_of_admission,
        scored_on: derivation.today,
        components: assessment.components,
    }
}

#[cfg(test)]
mod tests {
    use super::why_facts_json;
    use amparo_domain::rules::WhyFacts;

    #[test]
    fn why_facts_are_the_json_serde_writes() {
        let facts = WhyFacts {
            variant: "default",
            facts: vec![
                ("due", "2026-03-09".to_owned()),
                ("quoted", "a \"b\" \\ c\nd\te\u{1}\u{8}\u{c}\r".to_owned()),
                ("accents", "días hábiles — ñ".to_owned()),
            ],
        };
        let written = why_facts_json(&facts);
        let pairs: Vec<String> = facts
            .facts
            .iter()
            .map(|(k, v)| {
                format!("{}:{}", serde_json::to_string(k).unwrap(), serde_json::to_string(v).unwrap())
            })
            .collect();
        assert_eq!(written, format!("{{{}}}", pairs.join(",")));
        let read: std::collections::HashMap<String, String> = serde_json::from_str(&written).unwrap();
        assert_eq!(read["quoted"], facts.facts[1].1);
    }
}
