//! What the case page shows of editing: the history of the case's edits in the reader's language,
//! and the forms that change the case (its reference and programme, the medical profile, each
//! person, a new person), each built only for a role that can use it and filled with what was typed
//! when a write came back refused.

use amparo_domain::case_edit::{FieldChange, HistoryAction, HistoryEntry};
use amparo_domain::{CaseRecord, PersonRole, Program};
use amparo_store::{StoredCase, User};

use crate::cases::intake::countries::{self, CountryChoice};
use crate::http::access::{Permission, allows};
use crate::http::input::Params;
use crate::ui::form::{Choice, FieldError, FieldKind, FieldView};
use crate::ui::i18n::Lang;

/// The person fields a form edits, by their name in the case file.
pub const PERSON_FIELDS: [&str; 7] =
    ["given_name", "family_name", "role", "birth_date", "a_number", "citizenship", "preferred_language"];
/// The medical profile's fields, by their name in the case file.
pub const MEDICAL_FIELDS: [&str; 8] = [
    "person",
    "condition",
    "regimen",
    "hours_per_day",
    "facility",
    "available_in_origin_country",
    "days_to_critical_harm",
    "attested_on",
];

/// A refused edit, to show again: which form, what was typed, what is wrong, or the conflict.
pub struct EditFormState {
    /// The form's id prefix (`case`, `med`, `np`, `p-<key>`, `void-<event>`).
    pub form: String,
    pub params: Params,
    pub errors: Vec<FieldError>,
    pub conflict: Option<String>,
}

/// One field's change in a history line.
pub struct ChangeLine {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// One edit in the history: when, who, what.
pub struct HistoryLine {
    pub when: String,
    pub who: String,
    pub what: String,
    pub changes: Vec<ChangeLine>,
}

/// The form for one person.
pub struct PersonForm {
    pub key: String,
    pub name: String,
    pub fields: Vec<FieldView>,
    /// Whether the remove button is offered (never for the patient).
    pub removable: bool,
    /// Open: a refused edit of this person came back.
    pub open: bool,
}

/// Everything of editing the case page shows.
#[derive(Default)]
pub struct EditSection {
    pub history: Vec<HistoryLine>,
    /// The reference and programme form and the people forms: roles that record events.
    pub may_edit: bool,
    /// The medical profile form: those roles and clinicians.
    pub may_edit_medical: bool,
    /// Whether the forms are shown (`?edit`, or a refused edit); otherwise a link opens them.
    pub editing: bool,
    pub record_fields: Vec<FieldView>,
    pub medical_fields: Vec<FieldView>,
    pub people: Vec<PersonForm>,
    pub new_person: Vec<FieldView>,
    pub countries: Vec<CountryChoice>,
    /// The form a refused edit came from, open again with its problems.
    pub open: Option<String>,
    pub errors: Vec<FieldError>,
    pub conflict: Option<String>,
    /// The reason typed in a refused void, shown again in its form.
    pub typed_reason: String,
}

impl EditSection {
    /// Whether the form `form` came back refused, and so is shown open.
    pub fn is_open(&self, form: &str) -> bool {
        self.open.as_deref() == Some(form)
    }

    /// Whether the void form of the event `id` came back refused.
    pub fn void_open(&self, id: &str) -> bool {
        self.open.as_deref().and_then(|f| f.strip_prefix("void-")) == Some(id)
    }
}

/// Who may void events shown on the timeline: the roles that record them.
pub fn may_void(user: &User) -> bool {
    allows(user.role, Permission::RecordEvents)
}

/// The edit section of the case page for `user`.
pub fn section(
    lang: Lang,
    user: &User,
    stored: &StoredCase,
    (history, users): (&[HistoryEntry], &[User]),
    refused: Option<&EditFormState>,
    editing: bool,
) -> EditSection {
    // A refused edit comes back with its form, whatever the address said.
    let editing = editing || refused.is_some();
    let may_edit = allows(user.role, Permission::RecordEvents);
    let may_edit_medical = allows(user.role, Permission::EditMedical);
    let record = &stored.file.case;
    let typed = |form: &str| refused.filter(|r| r.form == form).map(|r| (&r.params, &r.errors[..]));
    let mut section = EditSection {
        history: history.iter().rev().map(|e| history_line(lang, record, users, e)).collect(),
        may_edit,
        may_edit_medical,
        editing,
        open: refused.map(|r| r.form.clone()),
        errors: refused.map(|r| r.errors.clone()).unwrap_or_default(),
        conflict: refused.and_then(|r| r.conflict.clone()),
        typed_reason: refused
            .and_then(|r| {
                r.form.strip_prefix("void-").and_then(|id| r.params.get(&format!("void-{id}-reason")))
            })
            .unwrap_or_default()
            .to_owned(),
        ..EditSection::default()
    };
    if !editing {
        return section;
    }
    if may_edit {
        section.record_fields = record_fields(lang, record, typed("case"));
        section.people = record
            .people
            .iter()
            .map(|p| {
                let form = format!("p-{}", p.key);
                let current = person_values(p);
                PersonForm {
                    key: p.key.clone(),
                    name: p.full_name(),
                    fields: person_fields(lang, &form, &current, typed(&form)),
                    removable: p.role != PersonRole::Patient,
                    open: refused.is_some_and(|r| r.form == form),
                }
            })
            .collect();
        let mut blank = vec![("key".to_owned(), String::new())];
        blank.push(("role".to_owned(), PersonRole::Sibling.as_str().to_owned()));
        section.new_person = person_fields(lang, "np", &blank, typed("np"));
        section.countries = countries::suggestions(lang.0);
    }
    if may_edit_medical {
        section.medical_fields = medical_fields(lang, record, typed("med"));
    }
    section
}

/// A form's value of `field`: as typed when the form came back, else as stored.
fn value_of(
    current: &[(String, String)],
    typed: Option<(&Params, &[FieldError])>,
    id: &str,
    field: &str,
) -> String {
    match typed {
        Some((params, _)) => params.get(id).unwrap_or_default().to_owned(),
        None => current.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone()).unwrap_or_default(),
    }
}

fn error_of(typed: Option<(&Params, &[FieldError])>, id: &str) -> Option<String> {
    typed.and_then(|(_, errors)| errors.iter().find(|e| e.id == id).map(|e| e.message.clone()))
}

fn text_field(id: String, label: String, kind: FieldKind, value: String, error: Option<String>) -> FieldView {
    FieldView { id, label, kind, value, options: Vec::new(), error, required: false }
}

fn select_field(
    id: String,
    label: String,
    chosen: &str,
    options: Vec<(String, String)>,
    error: Option<String>,
) -> FieldView {
    let options = options
        .into_iter()
        .map(|(value, label)| Choice { selected: value == chosen, value, label })
        .collect();
    FieldView { id, label, kind: FieldKind::Select, value: String::new(), options, error, required: false }
}

fn record_fields(lang: Lang, record: &CaseRecord, typed: Option<(&Params, &[FieldError])>) -> Vec<FieldView> {
    let current = vec![
        ("reference".to_owned(), record.reference.to_string()),
        ("program".to_owned(), record.program.as_str().to_owned()),
    ];
    let programs = Program::ALL.iter().map(|p| (p.as_str().to_owned(), lang.program(*p))).collect();
    let mut reference = text_field(
        "case-reference".into(),
        lang.t("intake-reference"),
        FieldKind::Text,
        value_of(&current, typed, "case-reference", "reference"),
        error_of(typed, "case-reference"),
    );
    reference.required = true;
    vec![
        reference,
        select_field(
            "case-program".into(),
            lang.t("col-programme"),
            &value_of(&current, typed, "case-program", "program"),
            programs,
            error_of(typed, "case-program"),
        ),
    ]
}

/// A person's fields as text, by their case-file names.
fn person_values(person: &amparo_domain::Person) -> Vec<(String, String)> {
    let value = serde_json::to_value(person).unwrap_or_default();
    let object = value.as_object().cloned().unwrap_or_default();
    object.into_iter().map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect()
}

fn person_label(lang: Lang, field: &str) -> String {
    match field {
        "key" => lang.t("edit-person-key"),
        "given_name" => lang.t("intake-given-name"),
        "family_name" => lang.t("intake-family-name"),
        "role" => lang.t("col-role"),
        "birth_date" => lang.t("col-born"),
        "a_number" => lang.t("col-a-number"),
        "citizenship" => lang.t("intake-citizenship"),
        _ => lang.t("intake-language-code"),
    }
}

fn person_fields(
    lang: Lang,
    form: &str,
    current: &[(String, String)],
    typed: Option<(&Params, &[FieldError])>,
) -> Vec<FieldView> {
    let roles = [
        PersonRole::Patient,
        PersonRole::Parent,
        PersonRole::Guardian,
        PersonRole::Sibling,
        PersonRole::Other,
    ]
    .iter()
    .map(|r| (r.as_str().to_owned(), lang.person_role(*r)))
    .collect::<Vec<_>>();
    let new = form == "np";
    let names = if new { vec!["key"] } else { Vec::new() };
    names
        .into_iter()
        .chain(PERSON_FIELDS)
        .map(|field| {
            let id = format!("{form}-{field}");
            let value = value_of(current, typed, &id, field);
            let error = error_of(typed, &id);
            let label = person_label(lang, field);
            let mut view = match field {
                "role" => select_field(id, label, &value, roles.clone(), error),
                "birth_date" => text_field(id, label, FieldKind::Date, value, error),
                _ => text_field(id, label, FieldKind::Text, value, error),
            };
            view.required = matches!(field, "key" | "given_name" | "family_name");
            view
        })
        .collect()
}

fn medical_fields(
    lang: Lang,
    record: &CaseRecord,
    typed: Option<(&Params, &[FieldError])>,
) -> Vec<FieldView> {
    let current = record
        .medical
        .as_ref()
        .and_then(|m| serde_json::to_value(m).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect::<Vec<_>>();
    let patient = record.patient().map(|p| p.key.clone()).unwrap_or_default();
    let people = record.people.iter().map(|p| (p.key.clone(), p.full_name())).collect::<Vec<_>>();
    let yes_no = vec![
        (String::new(), lang.t("intake-not-known")),
        ("true".to_owned(), lang.yes_no(true)),
        ("false".to_owned(), lang.yes_no(false)),
    ];
    MEDICAL_FIELDS
        .iter()
        .map(|field| {
            let id = format!("med-{field}");
            let mut value = value_of(&current, typed, &id, field);
            let error = error_of(typed, &id);
            match *field {
                "person" => {
                    if value.is_empty() {
                        value.clone_from(&patient);
                    }
                    select_field(id, lang.t("medical-patient"), &value, people.clone(), error)
                }
                "available_in_origin_country" => {
                    select_field(id, lang.t("medical-available"), &value, yes_no.clone(), error)
                }
                "attested_on" => text_field(id, lang.t("medical-attested"), FieldKind::Date, value, error),
                "hours_per_day" | "days_to_critical_harm" => {
                    let label =
                        if *field == "hours_per_day" { "medical-hours" } else { "medical-days-to-harm" };
                    text_field(id, lang.t(label), FieldKind::Number, value, error)
                }
                other => {
                    let label = format!("medical-{other}");
                    let mut view = text_field(id, lang.t(&label), FieldKind::Text, value, error);
                    view.required = other == "condition";
                    view
                }
            }
        })
        .collect()
}

/// One history entry in the reader's language.
fn history_line(lang: Lang, record: &CaseRecord, users: &[User], entry: &HistoryEntry) -> HistoryLine {
    let who = match &entry.changed_by {
        Some(id) => users
            .iter()
            .find(|u| u.id.as_str() == id)
            .map_or_else(|| lang.t("timeline-former-member"), |u| u.display_name.clone()),
        None => lang.t("history-by-command-line"),
    };
    let person = entry.person.as_deref().map(|key| {
        record.person(key).map(|p| p.full_name()).unwrap_or_else(|| removed_name(&entry.changes, key))
    });
    let what = match (entry.action, person) {
        (HistoryAction::CaseUpdated, _) | (_, None) => lang.t("history-case-updated"),
        (HistoryAction::PersonAdded, Some(name)) => lang.t1("history-person-added", "name", name),
        (HistoryAction::PersonUpdated, Some(name)) => lang.t1("history-person-updated", "name", name),
        (HistoryAction::PersonRemoved, Some(name)) => lang.t1("history-person-removed", "name", name),
    };
    HistoryLine {
        when: lang.moment(entry.changed_at),
        who,
        what,
        changes: entry.changes.iter().map(|c| change_line(lang, c)).collect(),
    }
}

/// The name a removed person had, from the fields their removal recorded.
fn removed_name(changes: &[FieldChange], key: &str) -> String {
    let before = |field: &str| changes.iter().find(|c| c.field == field).and_then(|c| c.before.clone());
    match (before("given_name"), before("family_name")) {
        (Some(given), Some(family)) => format!("{given} {family}"),
        _ => key.to_owned(),
    }
}

fn change_line(lang: Lang, change: &FieldChange) -> ChangeLine {
    // Values of a fixed list are named in the reader's language; anything else is shown as kept.
    let shown = |value: &Option<String>| {
        let Some(text) = value else { return String::from("—") };
        match change.field.as_str() {
            "program" => Program::parse(text).map_or_else(|| text.clone(), |p| lang.program(p)),
            "role" => PersonRole::parse(text).map_or_else(|| text.clone(), |r| lang.person_role(r)),
            "medical.available_in_origin_country" => match text.as_str() {
                "true" => lang.yes_no(true),
                "false" => lang.yes_no(false),
                _ => text.clone(),
            },
            _ => text.clone(),
        }
    };
    let label = match change.field.as_str() {
        "reference" => lang.t("intake-reference"),
        "program" => lang.t("col-programme"),
        field if field.starts_with("medical.") => {
            let name = &field["medical.".len()..];
            lang.t(&format!("history-field-medical-{}", name.replace('_', "-")))
        }
        field => lang.t(&format!("history-field-{}", field.replace('_', "-"))),
    };
    ChangeLine { field: label, before: shown(&change.before), after: shown(&change.after) }
}
