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
mod document;
pub mod duplicates;
pub mod reference;
pub mod views;

use amparo_domain::Program;
use amparo_domain::org::UserRole;
use amparo_store::{Actor, StoreError, User};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

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
use document::{INTAKE_EVENT_TYPES, IntakeForm, MAX_ROWS, build_document, check};
use duplicates::DuplicateWarning;
use views::{FieldGroup, IntakePage};

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
        kept: None,
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
    headers: axum::http::HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (staff, hint) = load(&state, &signed_in).await?;
    // The intake sent after the session ended comes back filled in, to be sent again.
    let (kept, forget) = crate::http::kept_forms::take(
        &state,
        &headers,
        &signed_in.user,
        crate::http::kept_forms::shown_on,
        String::from("/cases/new"),
    )
    .await?;
    let was_kept = kept.is_some();
    let mut form = IntakeForm::from_params(Params(kept.map_or(params, |k| k.fields)));
    // An empty reference field starts with the next reference; one typed (or linked to) is kept.
    if let Some(next) = hint.next.as_ref().filter(|_| form.value("reference").is_empty()) {
        form.params.0.retain(|(k, _)| k != "reference");
        form.params.0.push(("reference".into(), next.clone()));
    }
    let mut view = page(&form, signed_in.lang(), viewer(&signed_in), &staff, Vec::new());
    view.groups[0].hint = Some(hint.text);
    view.kept = was_kept.then(|| signed_in.lang().t("form-kept-notice"));
    let mut response = crate::ui::render(&view).into_response();
    crate::http::kept_forms::set_cookie(&mut response, forget);
    Ok(response)
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
