//! Intake: one guided form that creates a whole case — reference and programme, the patient and
//! family, the representative (the attorney assigned), the medical profile with the treating
//! facility, and the first events.
//!
//! The form becomes an `amparo.case/1` document checked by [`CaseFile::parse`], the parser behind
//! `amparo import`, so intake and import share one set of rules. The parser stops at the first
//! problem; to show every problem at once, the field it names is set aside (removed, or given a
//! stand-in value when the format requires it) and the document parsed again, until it passes.
//! Nothing is saved unless the first parse passes.
//!
//! Before saving, existing cases the new one may duplicate are shown and the case is saved only once
//! confirmed ([`duplicates`]); the reference field is prefilled with the organisation's next
//! reference when its references follow a pattern ([`reference`]).
//!
//! More rows come without JavaScript: "Add a family member" and "Add an event" are submit buttons that
//! render the form again, with what was typed, and one more empty row.

pub mod countries;
pub mod duplicates;
pub mod reference;
pub mod views;

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, CaseFileError, Problem, Program};
use amparo_store::{Actor, StoreError, User};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::Choice;
use crate::ui::form::{FieldError, FieldKind, FieldView};
use crate::ui::i18n::Lang;
use crate::ui::page::Viewer;
use crate::ui::viewer;
use duplicates::DuplicateWarning;
use views::{FieldGroup, IntakePage};

/// At most this many people and events on the form (the format allows more through import).
const MAX_ROWS: usize = 20;
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
const INTAKE_EVENT_TYPES: [&str; 8] = [
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
struct IntakeForm {
    params: Params,
    people: usize,
    events: usize,
}

impl IntakeForm {
    fn from_params(params: Params) -> IntakeForm {
        let rows = |name: &str, default: usize| {
            params.get(name).and_then(|v| v.parse::<usize>().ok()).unwrap_or(default).clamp(1, MAX_ROWS)
        };
        let people = rows("people", 3);
        let events = rows("events", 2);
        IntakeForm { params, people, events }
    }

    fn value(&self, id: &str) -> &str {
        self.params.get(id).unwrap_or_default()
    }

    fn person_id(row: usize, field: &str) -> String {
        format!("person-{row}-{field}")
    }

    fn event_id(row: usize, field: &str) -> String {
        format!("event-{row}-{field}")
    }

    fn row_is_blank(&self, ids: impl IntoIterator<Item = String>, ignore: &[&str]) -> bool {
        ids.into_iter().all(|id| ignore.iter().any(|i| id.ends_with(i)) || self.value(&id).is_empty())
    }
}

/// A case document built from the form, with the form row behind each person and event.
struct Document {
    value: Value,
    person_rows: Vec<usize>,
    event_rows: Vec<usize>,
    /// Problems found before parsing (a number that is not a number), by field id.
    errors: Vec<FieldError>,
}

fn build_document(form: &IntakeForm, lang: Lang) -> Document {
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
fn check(mut document: Document, lang: Lang) -> Result<CaseFile, Vec<FieldError>> {
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

fn choices(values: &[(&str, String)], selected: &str, blank: Option<String>) -> Vec<Choice> {
    blank
        .map(|label| Choice { value: String::new(), label, selected: selected.is_empty() })
        .into_iter()
        .chain(values.iter().map(|(value, label)| Choice {
            value: (*value).to_owned(),
            label: label.clone(),
            selected: *value == selected,
        }))
        .collect()
}

/// The form's groups of fields, filled with what was typed and the errors found.
fn page(
    form: &IntakeForm,
    lang: Lang,
    viewer: Viewer,
    staff: &[User],
    errors: Vec<FieldError>,
) -> IntakePage {
    let error_for = |id: &str| errors.iter().find(|e| e.id == id).map(|e| e.message.clone());
    let field = |id: String, label: String, kind: FieldKind, required: bool| FieldView {
        value: form.value(&id).to_owned(),
        error: error_for(&id),
        options: Vec::new(),
        label,
        kind,
        required,
        id,
    };
    let select = |id: String, label: String, options: Vec<Choice>| FieldView {
        error: error_for(&id),
        value: String::new(),
        label,
        kind: FieldKind::Select,
        required: false,
        options,
        id,
    };
    let mut groups = Vec::new();
    let programs: Vec<(&str, String)> = Program::ALL.iter().map(|p| (p.as_str(), lang.program(*p))).collect();
    groups.push(FieldGroup {
        id: "case".into(),
        legend: lang.t("intake-case"),
        hint: None,
        fields: vec![
            field("reference".into(), lang.t("intake-reference"), FieldKind::Text, true),
            select(
                "program".into(),
                lang.t("filter-program"),
                choices(&programs, form.value("program"), None),
            ),
        ],
    });
    let roles: Vec<(&str, String)> = ["parent", "guardian", "sibling", "other"]
        .iter()
        .map(|r| (*r, lang.t(&format!("person-role-{r}"))))
        .collect();
    for row in 0..form.people {
        let id = |f: &str| IntakeForm::person_id(row, f);
        let mut fields = vec![
            field(id("given_name"), lang.t("intake-given-name"), FieldKind::Text, true),
            field(id("family_name"), lang.t("intake-family-name"), FieldKind::Text, true),
        ];
        if row > 0 {
            let chosen = form.value(&id("role"));
            fields.push(select(id("role"), lang.t("col-role"), choices(&roles, chosen, None)));
        }
        fields.push(field(id("birth_date"), lang.t("col-born"), FieldKind::Date, false));
        fields.push(field(id("a_number"), lang.t("col-a-number"), FieldKind::Text, false));
        fields.push(field(id("citizenship"), lang.t("intake-citizenship"), FieldKind::Text, false));
        // Any language code: families speak many languages Amparo has no texts in (letters for
        // them fall back to English, and the case page says so).
        fields.push(field(id("preferred_language"), lang.t("intake-language-code"), FieldKind::Text, false));
        let mut group = FieldGroup {
            id: format!("person-{row}"),
            legend: if row == 0 { lang.t("intake-patient") } else { lang.t1("intake-member", "number", row) },
            hint: None,
            fields,
        };
        if row == 0 {
            // The patient's role is fixed; an error about it (a second patient) is shown on the group.
            group.hint = error_for(&id("role"));
        }
        groups.push(group);
    }
    let attorneys: Vec<(&str, String)> = staff
        .iter()
        .filter(|u| u.role == UserRole::Attorney)
        .map(|u| (u.id.0.as_str(), u.display_name.clone()))
        .collect();
    groups.push(FieldGroup {
        id: "representative".into(),
        legend: lang.t("intake-representative"),
        hint: Some(lang.t("intake-representative-hint")),
        fields: vec![select(
            "representative".into(),
            lang.t("role-attorney"),
            choices(&attorneys, form.value("representative"), Some(lang.t("intake-not-yet"))),
        )],
    });
    let yes_no = [("yes", lang.t("answer-yes")), ("no", lang.t("answer-no"))];
    groups.push(FieldGroup {
        id: "medical".into(),
        legend: lang.t("case-medical"),
        hint: Some(lang.t("intake-medical-hint")),
        fields: vec![
            field("medical-condition".into(), lang.t("medical-condition"), FieldKind::Text, false),
            field("medical-regimen".into(), lang.t("medical-regimen"), FieldKind::Text, false),
            field("medical-hours_per_day".into(), lang.t("medical-hours"), FieldKind::Number, false),
            field("medical-facility".into(), lang.t("medical-facility"), FieldKind::Text, false),
            select(
                "medical-available_in_origin_country".into(),
                lang.t("medical-available"),
                choices(
                    &yes_no,
                    form.value("medical-available_in_origin_country"),
                    Some(lang.t("intake-not-known")),
                ),
            ),
            field(
                "medical-days_to_critical_harm".into(),
                lang.t("medical-days-to-harm"),
                FieldKind::Number,
                false,
            ),
            field("medical-attested_on".into(), lang.t("intake-attested-on"), FieldKind::Date, false),
        ],
    });
    let types: Vec<(&str, String)> = INTAKE_EVENT_TYPES.iter().map(|t| (*t, lang.event_type(t))).collect();
    let served: Vec<(&str, String)> = ["mail", "email", "personal", "online"]
        .iter()
        .map(|s| (*s, lang.t(&format!("served-{s}"))))
        .collect();
    for row in 0..form.events {
        let id = |f: &str| IntakeForm::event_id(row, f);
        groups.push(FieldGroup {
            id: format!("event-{row}"),
            legend: lang.t1("intake-event", "number", row + 1),
            hint: (row == 0).then(|| lang.t("intake-event-hint")),
            fields: vec![
                select(
                    id("type"),
                    lang.t("intake-event-type"),
                    choices(&types, form.value(&id("type")), Some(lang.t("intake-choose"))),
                ),
                field(id("on"), lang.t("intake-event-on"), FieldKind::Date, false),
                field(id("valid_until"), lang.t("intake-valid-until"), FieldKind::Date, false),
                select(
                    id("served_by"),
                    lang.t("intake-served-by"),
                    choices(&served, form.value(&id("served_by")), Some(lang.t("intake-not-applicable"))),
                ),
                field(id("effective"), lang.t("intake-effective"), FieldKind::Date, false),
                field(id("depart_by"), lang.t("intake-depart-by"), FieldKind::Date, false),
                field(id("respond_by"), lang.t("intake-respond-by"), FieldKind::Date, false),
                field(id("receipt_number"), lang.t("intake-receipt"), FieldKind::Text, false),
            ],
        });
    }
    // The summary lists problems in the order of the form.
    let order: Vec<String> = groups.iter().flat_map(|g| g.fields.iter().map(|f| f.id.clone())).collect();
    let mut summary: Vec<FieldError> = errors
        .into_iter()
        .map(|e| {
            let label = groups.iter().find_map(|g| {
                g.fields.iter().find(|f| f.id == e.id).map(|f| format!("{} — {}", g.legend, f.label))
            });
            let target = if order.contains(&e.id) { e.id } else { String::from("person-0-given_name") };
            FieldError {
                id: target,
                message: label.map_or(e.message.clone(), |l| format!("{l}: {}", e.message)),
            }
        })
        .collect();
    summary.sort_by_key(|e| order.iter().position(|id| *id == e.id).unwrap_or(usize::MAX));
    let countries = countries::suggestions(lang.0);
    let duplicates = DuplicateWarning::default();
    IntakePage {
        lang,
        viewer,
        groups,
        people: form.people,
        events: form.events,
        errors: summary,
        countries,
        duplicates,
    }
}

/// The staff (for the representative) and the organisation's references of this year (for the
/// reference hint), read together.
async fn load(state: &AppState, signed_in: &SignedIn) -> Result<(Vec<User>, reference::Hint), WebError> {
    use chrono::Datelike;
    let org = signed_in.user.org_id.clone();
    let year = state.clock.now().year();
    let pattern = reference::year_pattern(year);
    let (staff, references) = state
        .with_store(move |store| Ok((store.users(&org)?, store.references_like(&org, &pattern)?)))
        .await?;
    Ok((staff, reference::Hint::new(&references, year, signed_in.lang())))
}

pub async fn intake_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (staff, hint) = load(&state, &signed_in).await?;
    let mut form = IntakeForm::from_params(Params(params));
    // An empty reference field starts with the next reference; one typed (or linked to) is kept.
    if let Some(next) = hint.next.as_ref().filter(|_| form.value("reference").is_empty()) {
        form.params.0.retain(|(k, _)| k != "reference");
        form.params.0.push(("reference".into(), next.clone()));
    }
    let mut view = page(&form, signed_in.lang(), viewer(&signed_in), &staff, Vec::new());
    view.groups[0].hint = Some(hint.text);
    Ok(crate::ui::render(&view).into_response())
}

pub async fn intake(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let lang = signed_in.lang();
    let (staff, hint) = load(&state, &signed_in).await?;
    let mut form = IntakeForm::from_params(params);
    let view = |form: &IntakeForm, errors: Vec<FieldError>| {
        let mut view = page(form, lang, viewer(&signed_in), &staff, errors);
        view.groups[0].hint = Some(hint.text.clone());
        view
    };
    let rerender = |form: &IntakeForm, status: StatusCode, errors: Vec<FieldError>| {
        (status, crate::ui::render(&view(form, errors))).into_response()
    };
    match form.params.get("action") {
        Some("add_person") => {
            form.people = (form.people + 1).min(MAX_ROWS);
            return Ok(rerender(&form, StatusCode::OK, Vec::new()));
        }
        Some("add_event") => {
            form.events = (form.events + 1).min(MAX_ROWS);
            return Ok(rerender(&form, StatusCode::OK, Vec::new()));
        }
        _ => {}
    }
    let representative = match form.value("representative") {
        "" => None,
        id => match staff.iter().find(|u| u.id.0 == id && u.role == UserRole::Attorney) {
            Some(user) => Some(user.id.clone()),
            None => {
                let error = FieldError {
                    id: "representative".into(),
                    message: lang.t("intake-error-representative"),
                };
                return Ok(rerender(&form, StatusCode::UNPROCESSABLE_ENTITY, vec![error]));
            }
        },
    };
    let file = match check(build_document(&form, lang), lang) {
        Ok(file) => file,
        Err(errors) => return Ok(rerender(&form, StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    let now = state.clock.now();
    let confirmed = form.value(duplicates::CONFIRM_FIELD).to_owned();
    let (checking, acting) = (file.clone(), Actor::of(&signed_in.user));
    let found = state.with_store(move |store| store.possible_duplicates_as(&acting, &checking, now)).await?;
    if !duplicates::all_confirmed(&found, &confirmed) {
        tracing::info!(matches = found.len(), "intake shows possible duplicates before saving");
        let mut warning = view(&form, Vec::new());
        warning.duplicates = DuplicateWarning::new(&found, lang);
        return Ok((StatusCode::CONFLICT, crate::ui::render(&warning)).into_response());
    }
    let org = signed_in.user.org_id.clone();
    let actor = signed_in.user.id.clone();
    let imported = state
        .with_store(move |store| {
            let ids = store.import_cases(&org, std::slice::from_ref(&file), Some(&actor), now)?;
            let id = ids.into_iter().next().ok_or_else(|| StoreError::NotFound("case".into()))?;
            if let Some(attorney) = representative.as_ref() {
                store.assign(&org, &id, UserRole::Attorney, Some(attorney), now)?;
            }
            Ok(id)
        })
        .await;
    match imported {
        Ok(id) => {
            tracing::info!(case = %id, "case created at intake");
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(WebError::Conflict(_)) => {
            let error =
                FieldError { id: "reference".into(), message: lang.t("intake-error-reference-taken") };
            Ok(rerender(&form, StatusCode::UNPROCESSABLE_ENTITY, vec![error]))
        }
        Err(other) => Err(other),
    }
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
        let lang = Lang(amparo_domain::Language::En);
        match check(build_document(&form(fields), lang), lang) {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        }
    }

    #[test]
    fn a_whole_case_passes_and_blank_rows_are_left_out() {
        let lang = Lang(amparo_domain::Language::En);
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
            Lang(amparo_domain::Language::En),
        );
        assert_eq!(field_id(&document, "case.people[1].birth_date").as_deref(), Some("person-2-birth_date"));
        assert_eq!(field_id(&document, "events[0].on").as_deref(), Some("event-1-on"));
        assert_eq!(field_id(&document, "case.reference").as_deref(), Some("reference"));
    }
}
