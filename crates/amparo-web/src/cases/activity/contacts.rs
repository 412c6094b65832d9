//! The case page's contacts: how to reach the family (not shown to a clinician) and the professionals
//! around the case, and the form that edits them at the case's version. A stale form is refused and
//! shown again with everything that was typed and the conflict said; a wrong value names its field.

use amparo_domain::contacts::{ContactMethod, ContactRole, Contacts};
use amparo_store::{CaseId, User};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::contacts_form::{self, FieldGroup};
use crate::AppState;
use crate::cases::activity::ActivityForms;
use crate::http::access::{Permission, allows};
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::FieldError;
use crate::ui::i18n::Lang;

/// What the contacts form shows after a refusal: what was typed, what is wrong, and the conflict.
#[derive(Default)]
pub struct ContactsFormState {
    /// `None`: the form shows the contacts as stored.
    pub typed: Option<Params>,
    pub errors: Vec<FieldError>,
    pub conflict: Option<String>,
}

/// One line of the family's contacts: a label and its value.
pub struct ContactLine {
    pub label: String,
    pub value: String,
}

/// A professional of the case, as the page lists them.
pub struct ProfessionalView {
    pub role: String,
    pub name: String,
    pub organisation: String,
    pub phone: String,
    pub email: String,
}

pub struct ContactsFormView {
    pub groups: Vec<FieldGroup>,
    pub errors: Vec<FieldError>,
    pub conflict: Option<String>,
}

/// The contacts section of the case page.
#[derive(Default)]
pub struct ContactsSection {
    /// `None` for a reader who does not read the family's contacts (a clinician).
    pub family: Option<Vec<ContactLine>>,
    pub others: Vec<ProfessionalView>,
    /// Whether the reader may edit the contacts: the form when editing, else a link to it.
    pub editable: bool,
    /// `None` for a reader who may not edit contacts, or while the case's edit forms are closed.
    pub form: Option<ContactsFormView>,
}

fn dash(value: Option<&str>) -> String {
    value.map_or_else(|| String::from("—"), str::to_owned)
}

/// The section for `user`, from the contacts as the store let them read them.
pub fn section(
    user: &User,
    lang: Lang,
    contacts: &Contacts,
    form: ContactsFormState,
    editing: bool,
) -> ContactsSection {
    let sees_family = user.role != amparo_domain::org::UserRole::Clinician;
    let family = sees_family.then(|| {
        let f = &contacts.family;
        if *f == Default::default() {
            return Vec::new();
        }
        let line = |name: &str, value: String| ContactLine {
            label: lang.t(&format!("contacts-field-{}", name.replace('_', "-"))),
            value,
        };
        let method = |m: ContactMethod| lang.t(&format!("contacts-method-{}", m.as_str().replace('_', "-")));
        vec![
            line("phone", dash(f.phone.as_deref())),
            line("email", dash(f.email.as_deref())),
            line("messaging_app", dash(f.messaging_app.as_deref())),
            line("postal_address", dash(f.postal_address.as_deref())),
            line("preferred_method", f.preferred_method.map_or_else(|| String::from("—"), method)),
            line(
                "preferred_language",
                f.preferred_language.as_ref().map_or_else(
                    || String::from("—"),
                    |tag| tag.language().map_or_else(|| tag.as_str().to_owned(), |l| lang.language_name(l)),
                ),
            ),
            line("interpreter_needed", lang.yes_no(f.interpreter_needed)),
        ]
    });
    let others = ContactRole::ALL
        .iter()
        .filter_map(|role| contacts.of(*role))
        .map(|c| ProfessionalView {
            role: lang.t(&format!("contact-role-{}", c.role.as_str().replace('_', "-"))),
            name: dash(c.name.as_deref()),
            organisation: dash(c.organisation.as_deref()),
            phone: dash(c.phone.as_deref()),
            email: dash(c.email.as_deref()),
        })
        .collect();
    let editable = allows(user.role, Permission::RecordEvents);
    // A refused form comes back open, whatever the address said.
    let refused = form.conflict.is_some() || !form.errors.is_empty();
    let form = (editable && (editing || refused)).then(|| {
        let params = form.typed.unwrap_or_else(|| contacts_form::params_of(contacts));
        ContactsFormView {
            groups: contacts_form::groups(&params, &form.errors, lang, sees_family),
            errors: form.errors,
            conflict: form.conflict,
        }
    });
    ContactsSection { family, others, editable, form }
}

/// `POST /cases/{id}/contacts`: replaces the case's contacts at the version the form was opened at.
pub async fn save_contacts(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(case_id): Path<String>,
    GuardedForm(params): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let lang = signed_in.lang();
    let expected = params.get("version").and_then(|v| v.parse::<i64>().ok()).ok_or_else(|| {
        WebError::field("version", amparo_domain::Problem::Missing { field: "version".into() })
    })?;
    let checked = contacts_form::parse(&params).and_then(|contacts| {
        contacts.validated("").map_err(|e| (contacts_form::field_id(&e.field), e.problem))
    });
    let (status, form) = match checked {
        Err((id, problem)) => {
            let error = FieldError { id, message: lang.form_problem(&problem) };
            let form = ContactsFormState { typed: Some(params), errors: vec![error], conflict: None };
            (StatusCode::UNPROCESSABLE_ENTITY, form)
        }
        Ok(contacts) => {
            let user = signed_in.user.clone();
            let now = state.clock.now();
            let case = CaseId(case_id.clone());
            let written = state
                .with_store(move |store| {
                    super::actions::save_contacts(store, &user, &case, expected, contacts, now)
                })
                .await;
            match written {
                Ok(_) => return Ok(Redirect::to(&format!("/cases/{case_id}#contacts")).into_response()),
                Err(WebError::Conflict(_)) => {
                    let conflict = Some(lang.t("contacts-conflict"));
                    (
                        StatusCode::CONFLICT,
                        ContactsFormState { typed: Some(params), errors: Vec::new(), conflict },
                    )
                }
                Err(WebError::Field { path, problem, .. }) => {
                    let error = FieldError {
                        id: contacts_form::field_id(&path),
                        message: lang.form_problem(&problem),
                    };
                    let form = ContactsFormState { typed: Some(params), errors: vec![error], conflict: None };
                    (StatusCode::UNPROCESSABLE_ENTITY, form)
                }
                Err(other) => return Err(other),
            }
        }
    };
    // Shown against the case as it is now: on a conflict, the form's version is the current one, so
    // sending it again (after reading what changed) saves what was typed.
    let case = crate::cases::page::load_case(&state, &signed_in, case_id, "page").await?;
    let forms = ActivityForms { contacts: form, ..ActivityForms::default() };
    crate::cases::page::render_case_activity(&state, &signed_in, case, forms, status).await
}
