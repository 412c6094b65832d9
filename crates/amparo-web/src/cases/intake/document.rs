//! The intake form read into an `amparo.case/1` document, and that document checked by the parser
//! behind `amparo import`: every problem found at once, by setting aside the field each names and
//! parsing again.

use amparo_domain::{CaseFile, CaseFileError, Problem};
use serde_json::{Map, Value, json};

use super::countries;
use crate::http::input::Params;
use crate::ui::form::FieldError;
use crate::ui::i18n::Lang;

/// At most this many people and events on the form (the format allows more through import).
pub(super) const MAX_ROWS: usize = 20;
/// How many parses to find every problem; each one sets a field aside.
const MAX_PASSES: usize = 60;

const PERSON_FIELDS: [&str; 7] =
    ["given_name", "family_name", "role", "birth_date", "a_number", "citizenship", "preferred_language"];
const MEDICAL_FIELDS: [&str; 7] = [
    "condition",
    "regimen",
    "hours_per_day",
    "facility",
    "available_in_origin_country",
    "days_to_critical_harm",
    "attested_on",
];
const EVENT_FIELDS: [&str; 7] =
    ["type", "on", "valid_until", "served_by", "effective", "depart_by", "respond_by"];
const EVENT_TEXT_FIELDS: [&str; 1] = ["receipt_number"];
/// The event types offered at intake: what usually starts a case's timeline.
pub(super) const INTAKE_EVENT_TYPES: [&str; 8] = [
    "parole_requested",
    "parole_granted",
    "parole_denied",
    "termination_notice",
    "re_parole_filed",
    "rfe_received",
    "ead_filed",
    "medical_attested",
];

/// The form as submitted: every value by field id, and how many rows of each kind it has.
pub(super) struct IntakeForm {
    pub(super) params: Params,
    pub(super) people: usize,
    pub(super) events: usize,
}

impl IntakeForm {
    pub(super) fn from_params(params: Params) -> IntakeForm {
        let rows = |name: &str, default: usize| {
            params.get(name).and_then(|v| v.parse::<usize>().ok()).unwrap_or(default).clamp(1, MAX_ROWS)
        };
        let people = rows("people", 3);
        let events = rows("events", 2);
        IntakeForm { params, people, events }
    }

    pub(super) fn value(&self, id: &str) -> &str {
        self.params.get(id).unwrap_or_default()
    }

    pub(super) fn person_id(row: usize, field: &str) -> String {
        format!("person-{row}-{field}")
    }

    pub(super) fn event_id(row: usize, field: &str) -> String {
        format!("event-{row}-{field}")
    }

    fn row_is_blank(&self, ids: impl IntoIterator<Item = String>, ignore: &[&str]) -> bool {
        ids.into_iter().all(|id| ignore.iter().any(|i| id.ends_with(i)) || self.value(&id).is_empty())
    }
}

/// A case document built from the form, with the form row behind each person and event.
pub(super) struct Document {
    pub(super) value: Value,
    pub(super) person_rows: Vec<usize>,
    pub(super) event_rows: Vec<usize>,
    /// Problems found before parsing (a number that is not a number), by field id.
    pub(super) errors: Vec<FieldError>,
}

pub(super) fn build_document(form: &IntakeForm, lang: Lang) -> Document {
    let mut errors = Vec::new();
    let mut people = Vec::new();
    let mut person_rows = Vec::new();
    for row in 0..form.people {
        let ids = PERSON_FIELDS.iter().map(|f| IntakeForm::person_id(row, f));
        // A family row left empty is not a person; the patient's row always counts.
        if row > 0 && form.row_is_blank(ids, &["-role"]) {
            continue;
        }
        let mut person = Map::new();
        person.insert("key".into(), json!(format!("p{}", people.len() + 1)));
        for field in PERSON_FIELDS {
            let value = form.value(&IntakeForm::person_id(row, field));
            let value = match field {
                "role" if row == 0 => "patient".to_owned(),
                "citizenship" => countries::normalised(value),
                _ => value.to_owned(),
            };
            // Names are always sent, so an empty one is refused by the format's own rule.
            if !value.is_empty() || field.ends_with("_name") {
                person.insert(field.into(), json!(value));
            }
        }
        person_rows.push(row);
        people.push(Value::Object(person));
    }
    let mut case = Map::new();
    case.insert("reference".into(), json!(form.value("reference")));
    if !form.value("program").is_empty() {
        case.insert("program".into(), json!(form.value("program")));
    }
    case.insert("people".into(), Value::Array(people));
    let medical_ids = MEDICAL_FIELDS.iter().map(|f| format!("medical-{f}"));
    if !form.row_is_blank(medical_ids, &[]) {
        let mut medical = Map::new();
        medical.insert("person".into(), json!("p1"));
        medical.insert("condition".into(), json!(form.value("medical-condition")));
        for field in MEDICAL_FIELDS.into_iter().skip(1) {
            let id = format!("medical-{field}");
            let text = form.value(&id);
            if text.is_empty() {
                continue;
            }
            let value = match field {
                "hours_per_day" | "days_to_critical_harm" => match text.parse::<u32>() {
                    Ok(n) => json!(n),
                    Err(_) => {
                        errors.push(FieldError { id, message: lang.t("intake-error-whole-number") });
                        continue;
                    }
                },
                "available_in_origin_country" => json!(text == "yes"),
                _ => json!(text),
            };
            medical.insert(field.into(), value);
        }
        case.insert("medical".into(), Value::Object(medical));
    }
    let mut events = Vec::new();
    let mut event_rows = Vec::new();
    for row in 0..form.events {
        let ids = EVENT_FIELDS.iter().chain(EVENT_TEXT_FIELDS.iter()).map(|f| IntakeForm::event_id(row, f));
        if form.row_is_blank(ids, &[]) {
            continue;
        }
        let mut event = Map::new();
        event.insert("id".into(), json!(format!("e{}", events.len() + 1)));
        for field in EVENT_FIELDS.iter().chain(EVENT_TEXT_FIELDS.iter()) {
            let value = form.value(&IntakeForm::event_id(row, field));
            if !value.is_empty() {
                event.insert((*field).into(), json!(value));
            }
        }
        event_rows.push(row);
        events.push(Value::Object(event));
    }
    let value = json!({ "format": "amparo.case/1", "case": case, "events": events });
    Document { value, person_rows, event_rows, errors }
}

/// The form field a document path points at, if any.
fn field_id(document: &Document, path: &str) -> Option<String> {
    let (head, leaf) = path.rsplit_once('.').unwrap_or(("", path));
    let index = |prefix: &str| -> Option<usize> {
        head.strip_prefix(prefix)?.strip_suffix(']')?.parse::<usize>().ok()
    };
    match (head, leaf) {
        ("case", "reference" | "program") => Some(leaf.to_owned()),
        ("case", "people") => Some(IntakeForm::person_id(0, "role")),
        ("case.medical", "person") => Some("medical-condition".to_owned()),
        ("case.medical", field) => Some(format!("medical-{field}")),
        _ => {
            if let Some(k) = index("case.people[") {
                let field = if leaf == "key" { "given_name" } else { leaf };
                return document.person_rows.get(k).map(|row| IntakeForm::person_id(*row, field));
            }
            if let Some(k) = index("events[") {
                let field = if leaf == "id" { "type" } else { leaf };
                return document.event_rows.get(k).map(|row| IntakeForm::event_id(*row, field));
            }
            None
        }
    }
}

/// Sets the field at `path` aside so the next parse can look further: optional fields are removed,
/// required ones get a stand-in the format accepts. False when the path cannot be handled.
fn set_aside(value: &mut Value, path: &str, problem: &Problem) -> bool {
    let (head, leaf) = path.rsplit_once('.').unwrap_or(("", path));
    let Some(parent) = pointer(value, head) else { return false };
    let Some(object) = parent.as_object_mut() else { return false };
    let stand_in = match leaf {
        "reference" => json!("INTAKE-CHECK"),
        "given_name" | "family_name" | "condition" => json!("x"),
        "on" => json!("2000-01-01"),
        "valid_until" | "pay_by" if problem.is_absence() => json!("2099-12-31"),
        "served_by" if problem.is_absence() => json!("mail"),
        "role" => json!("other"),
        "type" => json!("motion_filed"),
        "people" => {
            // No patient: make the first person one, so the rest of the file is checked.
            return match object.get_mut("people").and_then(|p| p.get_mut(0)).and_then(Value::as_object_mut) {
                Some(first) => {
                    first.insert("role".into(), json!("patient"));
                    true
                }
                None => false,
            };
        }
        _ => return object.remove(leaf).is_some(),
    };
    object.insert(leaf.into(), stand_in);
    true
}

/// The value at a dotted path with `[n]` indexes (`case.people[1]`); the root for "".
fn pointer<'a>(value: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut current = value;
    if path.is_empty() {
        return Some(current);
    }
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.strip_suffix(']')?.parse::<usize>().ok()),
            None => (part, None),
        };
        current = current.get_mut(name)?;
        if let Some(i) = index {
            current = current.get_mut(i)?;
        }
    }
    Some(current)
}

/// Parses the document as import would; on failure, every problem found, by field.
pub(super) fn check(mut document: Document, lang: Lang) -> Result<CaseFile, Vec<FieldError>> {
    let mut errors = std::mem::take(&mut document.errors);
    let mut first_pass = errors.is_empty();
    for _ in 0..MAX_PASSES {
        let problem = match CaseFile::parse(&document.value.to_string()) {
            Ok((file, _warnings)) if first_pass => return Ok(file),
            Ok(_) => break,
            Err(CaseFileError::Field { path, problem, .. }) => (path, problem),
            Err(other) => {
                // The form builds the JSON itself, so a syntax error or an oversized file means a fault
                // here, not in what was typed.
                tracing::warn!(error = %other, "intake built a document the parser refused whole");
                errors.push(FieldError { id: String::new(), message: lang.t("intake-error-unknown") });
                break;
            }
        };
        first_pass = false;
        let (path, problem) = problem;
        let id = field_id(&document, &path).unwrap_or_default();
        if errors.iter().any(|e| e.id == id && !id.is_empty())
            || !set_aside(&mut document.value, &path, &problem)
        {
            if !errors.iter().any(|e| e.id == id) {
                errors.push(FieldError { id, message: lang.form_problem(&problem) });
            }
            break;
        }
        errors.push(FieldError { id, message: lang.form_problem(&problem) });
    }
    if errors.is_empty() {
        errors.push(FieldError { id: String::new(), message: lang.t("intake-error-unknown") });
    }
    Err(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> IntakeForm {
        IntakeForm::from_params(Params(
            fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        ))
    }

    fn errors(fields: &[(&str, &str)]) -> Vec<FieldError> {
        let lang = Lang::new(amparo_domain::Language::En);
        match check(build_document(&form(fields), lang), lang) {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        }
    }

    #[test]
    fn a_whole_case_passes_and_blank_rows_are_left_out() {
        let lang = Lang::new(amparo_domain::Language::En);
        let fields = [
            ("reference", "INT-1"),
            ("person-0-given_name", "Ana"),
            ("person-0-family_name", "Ejemplo"),
            ("person-1-given_name", "Rosa"),
            ("person-1-family_name", "Ejemplo"),
            ("person-1-role", "parent"),
            ("person-2-role", "parent"),
            ("medical-condition", "short bowel syndrome"),
            ("medical-days_to_critical_harm", "3"),
            ("event-0-type", "parole_granted"),
            ("event-0-on", "2026-01-05"),
            ("event-0-valid_until", "2027-01-04"),
        ];
        let file = match check(build_document(&form(&fields), lang), lang) {
            Ok(file) => file,
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(file.case.people.len(), 2, "the third row was blank");
        assert_eq!(file.events.len(), 1);
        assert_eq!(file.case.medical.as_ref().and_then(|m| m.days_to_critical_harm), Some(3));
    }

    #[test]
    fn every_problem_is_found_in_one_pass_and_named_by_its_field() {
        let found = errors(&[
            ("reference", ""),
            ("person-0-given_name", ""),
            ("person-0-family_name", "Ejemplo"),
            ("person-0-a_number", "12"),
            ("person-1-given_name", "Rosa"),
            ("person-1-role", "patient"),
            ("medical-hours_per_day", "many"),
            ("medical-condition", "x"),
            ("event-0-type", "parole_granted"),
            ("event-0-on", "2026-13-40"),
            ("event-1-type", "rfe_received"),
            ("event-1-on", "2026-01-05"),
        ]);
        let ids: Vec<&str> = found.iter().map(|e| e.id.as_str()).collect();
        for expected in [
            "reference",
            "person-0-given_name",
            "person-0-a_number",
            "person-1-family_name",
            "person-1-role",
            "medical-hours_per_day",
            "event-0-on",
            "event-1-served_by",
        ] {
            assert!(ids.contains(&expected), "{expected} not among {found:?}");
        }
    }

    #[test]
    fn field_paths_map_to_form_rows_past_blank_ones() {
        let document = build_document(
            &form(&[
                ("person-0-given_name", "A"),
                ("person-2-given_name", "C"),
                ("event-1-type", "fee_paid"),
            ]),
            Lang::new(amparo_domain::Language::En),
        );
        assert_eq!(field_id(&document, "case.people[1].birth_date").as_deref(), Some("person-2-birth_date"));
        assert_eq!(field_id(&document, "events[0].on").as_deref(), Some("event-1-on"));
        assert_eq!(field_id(&document, "case.reference").as_deref(), Some("reference"));
    }
}
