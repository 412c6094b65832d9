//! The case page's edit forms: the reference and programme, the medical profile, a person (add,
//! change, remove) and voiding an event. Each posts the case version it was shown; a refused write
//! shows the case page again with the form open, what was typed kept and the problem beside its
//! field, or the conflict notice when someone else changed the case meanwhile (409).

use amparo_domain::case_edit::CaseEdit;
use amparo_store::{CaseId, StoredCase};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};

use crate::AppState;
use crate::cases::edit::views::{EditFormState, MEDICAL_FIELDS, PERSON_FIELDS};
use crate::cases::edit::{actions, input};
use crate::cases::events::EventFormState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::FieldError;
use crate::ui::i18n::Lang;

/// What a form asks the store to do.
enum Write {
    Edit(CaseEdit),
    Void { event: String, reason: String },
}

/// One submitted edit form: which (its id prefix) and where the page returns to.
struct Submitted {
    form: String,
    /// The form's field a problem with no field of its own is shown beside.
    first_field: String,
    anchor: &'static str,
}

impl Submitted {
    /// The form of the person `key`, which both changes and removes them (`p-{key}`).
    fn person(key: &str) -> Submitted {
        let form = format!("p-{key}");
        Submitted { first_field: format!("{form}-given_name"), form, anchor: "family" }
    }
}

/// The form field a store path points at (`person.birth_date` → `np-birth_date`).
fn field_id(form: &Submitted, path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    let last = last.split('[').next().unwrap_or(last);
    let known = PERSON_FIELDS.contains(&last)
        || MEDICAL_FIELDS.contains(&last)
        || (last == "key" && form.form == "np")
        || ["reference", "program", "reason"].contains(&last);
    if known { format!("{}-{last}", form.form) } else { form.first_field.clone() }
}

fn field_error(form: &Submitted, error: WebError, lang: Lang) -> Result<FieldError, WebError> {
    match error {
        WebError::Field { path, problem, .. } => {
            Ok(FieldError { id: field_id(form, &path), message: lang.form_problem(&problem) })
        }
        other => Err(other),
    }
}

/// Reads the form, writes it, and answers: back to the case page, or the page again with the
/// problem or the conflict and everything typed.
async fn submit(
    state: AppState,
    signed_in: SignedIn,
    case_id: String,
    form: Submitted,
    params: Params,
    build: impl FnOnce(&Params, Lang) -> Result<Write, WebError>,
) -> Result<Response, WebError> {
    let lang = signed_in.lang();
    let expected = params.get("version").and_then(|v| v.parse::<i64>().ok()).ok_or_else(|| {
        WebError::field("version", amparo_domain::Problem::Missing { field: "version".into() })
    })?;
    let shown = |params: Params, errors: Vec<FieldError>, conflict: Option<String>| EditFormState {
        form: form.form.clone(),
        params,
        errors,
        conflict,
    };
    let write = match build(&params, lang) {
        Ok(write) => write,
        Err(error) => {
            let error = field_error(&form, error, lang)?;
            let refused = shown(params, vec![error], None);
            return render(&state, &signed_in, case_id, refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(case_id.clone());
    let written = state
        .with_store(move |store| match &write {
            Write::Edit(edit) => actions::edit_case(store, &user, &case, expected, edit, now),
            Write::Void { event, reason } => {
                actions::void_event(store, &user, &case, expected, (event, reason), now)
            }
        })
        .await;
    let (status, refused) = match written {
        Ok(_) => return Ok(Redirect::to(&format!("/cases/{case_id}#{}", form.anchor)).into_response()),
        Err(WebError::Conflict(_)) => {
            (StatusCode::CONFLICT, shown(params, Vec::new(), Some(lang.t("event-form-conflict"))))
        }
        Err(error @ WebError::Field { .. }) => {
            let error = field_error(&form, error, lang)?;
            (StatusCode::UNPROCESSABLE_ENTITY, shown(params, vec![error], None))
        }
        Err(other) => return Err(other),
    };
    render(&state, &signed_in, case_id, refused, status).await
}

/// The case page as it is now, with the refused form shown again.
async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    case_id: String,
    refused: EditFormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    let current: StoredCase = crate::cases::page::load_case(state, signed_in, case_id, "page").await?;
    let form = EventFormState { edit: Some(refused), ..EventFormState::empty() };
    crate::cases::page::render_case(state, signed_in, current, form, status).await
}

/// The form's text fields `names`, under `prefix`, as a JSON object (blank ones are dropped later).
fn object_of(params: &Params, prefix: &str, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|name| {
            params.get(&format!("{prefix}-{name}")).map(|v| ((*name).to_owned(), Value::String(v.to_owned())))
        })
        .collect()
}

fn person_from_form(params: &Params, form: &str, with_key: bool) -> Result<amparo_domain::Person, WebError> {
    let mut names: Vec<&str> = PERSON_FIELDS.to_vec();
    if with_key {
        names.push("key");
    }
    input::person(Value::Object(object_of(params, form, &names)))
}

pub async fn edit_record(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Submitted { form: "case".into(), first_field: "case-reference".into(), anchor: "history" };
    submit(state, signed_in, id, form, Params(params), |params, _| {
        let reference = input::reference(params.get("case-reference").unwrap_or_default())?;
        let program = input::program(params.get("case-program").unwrap_or_default())?;
        Ok(Write::Edit(CaseEdit::Record {
            reference: Some(reference),
            program: Some(program),
            medical: None,
        }))
    })
    .await
}

pub async fn edit_medical(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Submitted { form: "med".into(), first_field: "med-condition".into(), anchor: "history" };
    submit(state, signed_in, id, form, Params(params), |params, _| {
        let mut object = object_of(params, "med", &MEDICAL_FIELDS);
        // Numbers and yes/no arrive as text; the profile takes them typed.
        for name in ["hours_per_day", "days_to_critical_harm"] {
            if let Some(Value::String(text)) = object.get(name).cloned()
                && !text.trim().is_empty()
            {
                let number = text.trim().parse::<u64>().map_err(|_| {
                    WebError::field(format!("medical.{name}"), amparo_domain::Problem::NotAWholeNumber)
                })?;
                object.insert(name.to_owned(), Value::from(number));
            }
        }
        if let Some(Value::String(text)) = object.get("available_in_origin_country").cloned() {
            match text.as_str() {
                "true" => object.insert("available_in_origin_country".into(), Value::Bool(true)),
                "false" => object.insert("available_in_origin_country".into(), Value::Bool(false)),
                _ => object.remove("available_in_origin_country"),
            };
        }
        let medical = input::medical(Value::Object(object))?;
        Ok(Write::Edit(CaseEdit::Record { reference: None, program: None, medical: Some(medical) }))
    })
    .await
}

pub async fn add_person(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Submitted { form: "np".into(), first_field: "np-key".into(), anchor: "family" };
    submit(state, signed_in, id, form, Params(params), |params, _| {
        Ok(Write::Edit(CaseEdit::AddPerson(person_from_form(params, "np", true)?)))
    })
    .await
}

pub async fn edit_person(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, key)): Path<(String, String)>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Submitted::person(&key);
    let prefix = form.form.clone();
    submit(state, signed_in, id, form, Params(params), move |params, _| {
        let mut object = object_of(params, &prefix, &PERSON_FIELDS);
        object.insert("key".into(), Value::String(key.clone()));
        let person = input::person(Value::Object(object))?;
        Ok(Write::Edit(CaseEdit::UpdatePerson { key, person }))
    })
    .await
}

pub async fn remove_person(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, key)): Path<(String, String)>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Submitted::person(&key);
    submit(state, signed_in, id, form, Params(params), move |_, _| {
        Ok(Write::Edit(CaseEdit::RemovePerson { key }))
    })
    .await
}

pub async fn void_event(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, event)): Path<(String, String)>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let prefix = format!("void-{event}");
    let form =
        Submitted { form: prefix.clone(), first_field: format!("{prefix}-reason"), anchor: "timeline" };
    submit(state, signed_in, id, form, Params(params), move |params, _| {
        let reason = params.get(&format!("{prefix}-reason")).unwrap_or_default().to_owned();
        Ok(Write::Void { event, reason })
    })
    .await
}
