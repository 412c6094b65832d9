//! The row shapes both backends read and write, and their conversion to and from the domain. Backends
//! only move these between SQL and Rust; the meaning of each column is decided here, once.

use std::collections::HashSet;

use amparo_domain::case_file::validate_event;
use amparo_domain::identifiers::{ANumber, CaseReference, CountryCode};
use amparo_domain::org::UserRole;
use amparo_domain::{
    CaseFile, CaseRecord, Event, Language, MedicalProfile, Person, PersonRole, Program, RawEvent,
};
use chrono::{DateTime, TimeZone, Utc};

use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, StoredCase, User, UserId};

pub fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} is not valid: {value:?}"))
}

pub struct CaseRow {
    pub id: String,
    pub org_id: String,
    pub reference: String,
    pub program: String,
    pub version: i64,
    pub medical: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub struct PersonRow {
    pub position: i64,
    pub key: String,
    pub role: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<String>,
    pub a_number: Option<String>,
    pub citizenship: Option<String>,
    pub preferred_language: Option<String>,
}

pub struct UserRow {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub language: String,
    pub created_at: i64,
}

impl UserRow {
    pub fn into_user(self) -> StoreResult<User> {
        Ok(User {
            role: UserRole::parse(&self.role).ok_or_else(|| corrupt("role", &self.role))?,
            language: Language::parse(&self.language).ok_or_else(|| corrupt("language", &self.language))?,
            id: UserId(self.id),
            org_id: OrgId(self.org_id),
            email: self.email,
            display_name: self.display_name,
            created_at: from_millis(self.created_at),
        })
    }
}

pub fn medical_to_json(medical: &Option<MedicalProfile>) -> StoreResult<Option<String>> {
    Ok(match medical {
        Some(m) => Some(serde_json::to_string(m)?),
        None => None,
    })
}

pub fn person_row(person: &Person, position: usize) -> PersonRow {
    PersonRow {
        position: position as i64,
        key: person.key.clone(),
        role: person.role.as_str().to_owned(),
        given_name: person.given_name.clone(),
        family_name: person.family_name.clone(),
        birth_date: person.birth_date.map(|d| d.to_string()),
        a_number: person.a_number.as_ref().map(|a| a.as_str().to_owned()),
        citizenship: person.citizenship.as_ref().map(|c| c.as_str().to_owned()),
        preferred_language: person.preferred_language.as_ref().map(|l| l.as_str().to_owned()),
    }
}

fn person_from_row(row: PersonRow) -> StoreResult<Person> {
    Ok(Person {
        role: PersonRole::parse(&row.role).ok_or_else(|| corrupt("person role", &row.role))?,
        birth_date: row.birth_date.map(|d| d.parse().map_err(|_| corrupt("birth date", &d))).transpose()?,
        a_number: row
            .a_number
            .map(|a| ANumber::parse(&a).map_err(|_| corrupt("A-number", "***")))
            .transpose()?,
        citizenship: row
            .citizenship
            .map(|c| CountryCode::parse(&c).map_err(|_| corrupt("citizenship", &c)))
            .transpose()?,
        preferred_language: row
            .preferred_language
            .map(|l| amparo_domain::LanguageTag::parse(&l).map_err(|_| corrupt("language", &l)))
            .transpose()?,
        key: row.key,
        given_name: row.given_name,
        family_name: row.family_name,
    })
}

fn event_from_body(body: &str) -> StoreResult<Event> {
    let raw: RawEvent = serde_json::from_str(body)?;
    raw.into_event().map_err(|e| StoreError::Backend(format!("stored event: {e}")))
}

/// Rebuilds a stored case from its rows; people and events must come in position and sequence order.
pub fn assemble_case(
    case: CaseRow,
    people: Vec<PersonRow>,
    event_bodies: Vec<String>,
) -> StoreResult<StoredCase> {
    let record = CaseRecord {
        reference: CaseReference::parse(&case.reference)
            .map_err(|_| corrupt("reference", &case.reference))?,
        program: Program::parse(&case.program).ok_or_else(|| corrupt("program", &case.program))?,
        people: people.into_iter().map(person_from_row).collect::<StoreResult<_>>()?,
        medical: case.medical.as_deref().map(serde_json::from_str).transpose()?,
    };
    let events = event_bodies.iter().map(|b| event_from_body(b)).collect::<StoreResult<_>>()?;
    Ok(StoredCase {
        id: CaseId(case.id),
        org_id: OrgId(case.org_id),
        version: case.version,
        file: CaseFile { case: record, events },
        created_at: from_millis(case.created_at),
        updated_at: from_millis(case.updated_at),
    })
}

/// The same rules a case file's events obey, checked against the case as stored.
pub fn check_new_event(people: &[String], event_ids: &[String], event: &Event) -> StoreResult<()> {
    let people: HashSet<&str> = people.iter().map(String::as_str).collect();
    let ids: HashSet<&str> = event_ids.iter().map(String::as_str).collect();
    validate_event(event, "event", &people, &ids)?;
    Ok(())
}

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

/// What a stored deadline shows: its rule's basis and citation and its *why* rendered from the facts.
pub struct RenderedDeadline {
    pub basis: &'static str,
    pub citation: String,
    pub why: String,
}

/// Renders a stored deadline's text with the rule set it was derived under, its *why* in `language`.
pub fn render_deadline(
    rules: &amparo_domain::RuleSet,
    language: amparo_domain::Language,
    rule: &str,
    variant: &str,
    facts: &str,
) -> StoreResult<RenderedDeadline> {
    let id = amparo_domain::rules::RuleId::parse(rule).ok_or_else(|| corrupt("deadline rule", rule))?;
    let facts: std::collections::HashMap<String, String> =
        serde_json::from_str(facts).map_err(|_| corrupt("deadline facts", facts))?;
    let why = rules.why_in(language, id, variant, |name| facts.get(name).map(String::as_str));
    let rule = rules.rule(id);
    Ok(RenderedDeadline { basis: rule.basis_for(variant).as_str(), citation: rule.citation.to_string(), why })
}

/// What is stored of a case's derivation: its coverage, the day it was computed for, its deadlines.
pub struct Derived {
    pub covered_until: Option<String>,
    pub derived_on: String,
    pub deadlines: Vec<DeadlineRow>,
    pub triage: TriageRow,
    pub list: ListKeys,
}

/// What the case list filters, sorts and searches by, kept on the case row (see `search`).
pub struct ListKeys {
    pub status: &'static str,
    pub patient_sort: String,
    pub due_sort: String,
    pub search_terms: String,
}

/// Cases without a next deadline sort after every date.
pub const NO_DUE_SORT: &str = "9999-12-31";

/// Legal dates are calendar days. Until organisations carry a time zone, the day is taken in UTC.
pub fn legal_today(now: DateTime<Utc>) -> amparo_domain::Date {
    amparo_domain::Date::from(now.date_naive())
}

pub fn policy_from_json(settings: &str) -> StoreResult<amparo_domain::Policy> {
    serde_json::from_str(settings)
        .map_err(|e| StoreError::Backend(format!("stored organisation policy: {e}")))
}

/// Runs the rules over a case as of `today`: the single place the store turns a timeline into rows.
pub fn derive_rows(
    file: &CaseFile,
    today: amparo_domain::Date,
    policy: &amparo_domain::Policy,
    rules: &amparo_domain::RuleSet,
    attorney_assigned: bool,
) -> StoreResult<Derived> {
    let derivation = amparo_domain::derive(file, today, policy, rules);
    let triage = triage_row(file, &derivation, policy, rules, attorney_assigned)?;
    let patient = file.case.people.iter().find(|p| p.role == amparo_domain::PersonRole::Patient);
    let status = derivation
        .people
        .iter()
        .find(|s| patient.is_some_and(|p| p.key == s.person))
        .map_or(amparo_domain::Status::None, |s| s.status);
    let list = ListKeys {
        status: status.as_str(),
        patient_sort: crate::search::patient_sort(file),
        due_sort: triage.next_due.clone().unwrap_or_else(|| NO_DUE_SORT.to_owned()),
        search_terms: crate::search::search_terms(file),
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
        })
        .collect();
    Ok(Derived {
        covered_until: derivation.covered_until.map(|d| d.to_string()),
        derived_on: today.to_string(),
        deadlines,
        triage,
        list,
    })
}

/// A stored calendar date.
pub fn stored_date(text: &str) -> StoreResult<amparo_domain::Date> {
    text.parse().map_err(|_| corrupt("date", text))
}

/// What the board needs of a case, derived with its deadlines.
pub struct TriageRow {
    pub score: i64,
    pub critical_care: i64,
    pub is_open: i64,
    pub next_due: Option<String>,
    pub next_kind: Option<String>,
    pub class_of_admission: Option<String>,
    pub reasons: String,
}

/// Scores a case for the board from its derivation.
pub fn triage_row(
    file: &CaseFile,
    derivation: &amparo_domain::Derivation,
    policy: &amparo_domain::Policy,
    rules: &amparo_domain::RuleSet,
    attorney_assigned: bool,
) -> StoreResult<TriageRow> {
    use amparo_domain::triage::{TriageContext, assess};
    let context = TriageContext::new(policy, attorney_assigned);
    let assessment = assess(file, derivation, &context, rules.triage());
    let reasons: Vec<crate::model::TriageReason> = assessment
        .components
        .iter()
        .map(|c| crate::model::TriageReason {
            code: c.code.to_owned(),
            points: c.points,
            text_en: c.text_en.clone(),
            text_es: c.text_es.clone(),
        })
        .collect();
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
    Ok(TriageRow {
        score: assessment.score,
        critical_care: i64::from(assessment.critical_care),
        is_open: i64::from(
            derivation.people.iter().any(|p| p.status != amparo_domain::rules::Status::Departed),
        ),
        next_due: assessment.next_deadline.as_ref().map(|d| d.due.to_string()),
        next_kind: assessment.next_deadline.as_ref().map(|d| d.kind.as_str().to_owned()),
        class_of_admission,
        reasons: serde_json::to_string(&reasons)?,
    })
}

pub fn reasons_from_json(text: Option<&str>) -> StoreResult<Vec<crate::model::TriageReason>> {
    match text {
        Some(text) => Ok(serde_json::from_str(text)?),
        None => Ok(Vec::new()),
    }
}

/// An escalation as stored, enough to recognise its trigger again.
pub struct ExistingEscalation {
    pub id: String,
    pub kind: String,
    pub event_id: Option<String>,
    pub event_on: String,
    pub critical_care: bool,
    pub reason_en: String,
    pub reason_es: String,
    pub open: bool,
}

impl ExistingEscalation {
    fn trigger(&self) -> Option<amparo_domain::Trigger> {
        Some(amparo_domain::Trigger {
            kind: amparo_domain::TriggerKind::parse(&self.kind)?,
            event_id: self.event_id.clone(),
            event_on: self.event_on.parse().ok()?,
            critical_care: self.critical_care,
            reason_en: self.reason_en.clone(),
            reason_es: self.reason_es.clone(),
        })
    }
}

/// What the protocol asks for on a case now: escalations to open (with their checklists) and open
/// ones whose trigger the timeline has resolved.
pub struct EscalationPlan {
    pub open: Vec<(amparo_domain::Trigger, Vec<amparo_domain::PlannedTask>)>,
    pub close: Vec<(String, String)>,
}

/// Compares the triggers open on the case with the escalations it has. A trigger opens an escalation
/// once: one closed by completing its checklist is not opened again for the same event.
pub fn plan_escalations(
    file: &CaseFile,
    context: &DeriveContext,
    existing: &[ExistingEscalation],
) -> StoreResult<EscalationPlan> {
    let (today, policy, rules, templates) = (context.today, context.policy, context.rules, context.templates);
    let known: Vec<amparo_domain::Trigger> =
        existing.iter().filter_map(ExistingEscalation::trigger).collect();
    let open = amparo_domain::triage::open_triggers(file, today, policy, rules)
        .into_iter()
        .filter(|t| !known.iter().any(|k| k.same_as(t)))
        .map(|t| {
            let plan = templates.plan_for(&t);
            (t, plan)
        })
        .collect();
    let close = existing
        .iter()
        .filter(|e| e.open)
        .filter_map(|e| {
            let trigger = e.trigger()?;
            amparo_domain::trigger_resolved(&trigger, file, today)
                .then(|| (e.id.clone(), String::from("resolved by the timeline")))
        })
        .collect();
    Ok(EscalationPlan { open, close })
}

/// Everything a derivation runs under, besides the case itself.
pub struct DeriveContext<'a> {
    pub today: amparo_domain::Date,
    pub policy: &'a amparo_domain::Policy,
    pub rules: &'a amparo_domain::RuleSet,
    pub templates: &'a amparo_domain::EscalationTemplates,
    /// When escalations opened by this derivation start (their tasks' due times count from it).
    pub now_ms: i64,
}

impl<'a> DeriveContext<'a> {
    pub fn new(
        today: amparo_domain::Date,
        policy: &'a amparo_domain::Policy,
        rules: &'a crate::Rules,
        now: DateTime<Utc>,
    ) -> Self {
        let templates = policy.checklists(&rules.templates);
        DeriveContext { today, policy, rules: &rules.set, templates, now_ms: millis(now) }
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
