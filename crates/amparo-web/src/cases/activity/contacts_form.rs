//! The contacts form: its fields (ids `ct-family-phone`, `ct-physician-email`, …), reading them into
//! [`Contacts`], and naming the form field a refused value came from.

use amparo_domain::contacts::{CaseContact, ContactMethod, ContactRole, Contacts, FamilyContact};
use amparo_domain::{LanguageTag, Problem};

use crate::http::input::Params;
use crate::ui::form::{Choice, FieldError, FieldKind, FieldView};
use crate::ui::i18n::Lang;

/// The family's fields, by their name in [`FamilyContact`].
pub const FAMILY_FIELDS: [&str; 7] = [
    "phone",
    "email",
    "messaging_app",
    "postal_address",
    "preferred_method",
    "preferred_language",
    "interpreter_needed",
];
/// Each professional's fields, by their name in [`CaseContact`].
pub const PROFESSIONAL_FIELDS: [&str; 4] = ["name", "organisation", "phone", "email"];

pub fn id(group: &str, field: &str) -> String {
    format!("ct-{group}-{field}")
}

/// A field's value, trimmed; blank is not given.
fn text(params: &Params, group: &str, field: &str) -> Option<String> {
    params.get(&id(group, field)).map(str::to_owned)
}

/// The contacts the form describes, or the first field whose value cannot be read at all (an unknown
/// choice, a language code of the wrong shape). Shapes of phones and emails are checked after, by
/// [`Contacts::validated`], whose paths [`field_id`] turns into form ids.
pub fn parse(params: &Params) -> Result<Contacts, (String, Problem)> {
    let refuse = |field: &str, problem: Problem| (id("family", field), problem);
    let preferred_method = text(params, "family", "preferred_method")
        .map(|m| ContactMethod::parse(&m))
        .transpose()
        .map_err(|p| refuse("preferred_method", p))?;
    let preferred_language = text(params, "family", "preferred_language")
        .map(|code| LanguageTag::parse(&code))
        .transpose()
        .map_err(|e| refuse("preferred_language", Problem::Identifier(e)))?;
    let interpreter_needed = match text(params, "family", "interpreter_needed").as_deref() {
        None | Some("no") => false,
        Some("yes") => true,
        Some(_) => return Err(refuse("interpreter_needed", Problem::NotTrueFalse)),
    };
    let family = FamilyContact {
        phone: text(params, "family", "phone"),
        email: text(params, "family", "email"),
        messaging_app: text(params, "family", "messaging_app"),
        postal_address: text(params, "family", "postal_address"),
        preferred_method,
        preferred_language,
        interpreter_needed,
    };
    let others = ContactRole::ALL
        .iter()
        .map(|role| {
            let group = role.as_str();
            CaseContact {
                role: *role,
                name: text(params, group, "name"),
                organisation: text(params, group, "organisation"),
                phone: text(params, group, "phone"),
                email: text(params, group, "email"),
            }
        })
        .collect();
    Ok(Contacts { family, others })
}

/// The form id of a path [`Contacts::validated`] names for contacts built by [`parse`]
/// (`others[i]` is the i-th role of [`ContactRole::ALL`]).
pub fn field_id(path: &str) -> String {
    if let Some(field) = path.strip_prefix("family.") {
        return id("family", field);
    }
    let parsed =
        path.strip_prefix("others[").and_then(|rest| rest.split_once("].")).and_then(|(index, field)| {
            let role = ContactRole::ALL.get(index.parse::<usize>().ok()?)?;
            Some(id(role.as_str(), field))
        });
    parsed.unwrap_or_else(|| id("family", "phone"))
}

/// The form's values for `contacts` as stored, for a form opened afresh.
pub fn params_of(contacts: &Contacts) -> Params {
    let mut values = Vec::new();
    let mut put = |group: &str, field: &str, value: Option<&str>| {
        if let Some(v) = value {
            values.push((id(group, field), v.to_owned()));
        }
    };
    let f = &contacts.family;
    put("family", "phone", f.phone.as_deref());
    put("family", "email", f.email.as_deref());
    put("family", "messaging_app", f.messaging_app.as_deref());
    put("family", "postal_address", f.postal_address.as_deref());
    put("family", "preferred_method", f.preferred_method.map(ContactMethod::as_str));
    put("family", "preferred_language", f.preferred_language.as_ref().map(LanguageTag::as_str));
    put("family", "interpreter_needed", Some(if f.interpreter_needed { "yes" } else { "no" }));
    for c in &contacts.others {
        let group = c.role.as_str();
        put(group, "name", c.name.as_deref());
        put(group, "organisation", c.organisation.as_deref());
        put(group, "phone", c.phone.as_deref());
        put(group, "email", c.email.as_deref());
    }
    Params(values)
}

/// One group of fields (the family, or one professional) with its legend.
pub struct FieldGroup {
    pub legend: String,
    pub fields: Vec<FieldView>,
}

/// The form's field groups, showing `params` (as typed, or as stored) and `errors`.
pub fn groups(params: &Params, errors: &[FieldError], lang: Lang, with_family: bool) -> Vec<FieldGroup> {
    let field = |group: &str, name: &str, kind: FieldKind, options: Vec<Choice>| {
        let field_id = id(group, name);
        FieldView {
            value: params.get(&field_id).unwrap_or_default().to_owned(),
            error: errors.iter().find(|e| e.id == field_id).map(|e| e.message.clone()),
            id: field_id,
            label: lang.t(&format!("contacts-field-{}", name.replace('_', "-"))),
            kind,
            options,
            required: false,
        }
    };
    let choices = |group: &str, name: &str, values: Vec<(String, String)>| {
        let chosen = params.get(&id(group, name)).unwrap_or_default().to_owned();
        values.into_iter().map(|(value, label)| Choice { selected: value == chosen, value, label }).collect()
    };
    let mut groups = Vec::new();
    if with_family {
        let mut methods = vec![(String::new(), lang.t("contacts-method-none"))];
        methods.extend(ContactMethod::ALL.iter().map(|m| {
            (m.as_str().to_owned(), lang.t(&format!("contacts-method-{}", m.as_str().replace('_', "-"))))
        }));
        let yes_no = vec![("no".to_owned(), lang.yes_no(false)), ("yes".to_owned(), lang.yes_no(true))];
        let fields = FAMILY_FIELDS
            .iter()
            .map(|name| match *name {
                "preferred_method" => {
                    field("family", name, FieldKind::Select, choices("family", name, methods.clone()))
                }
                "interpreter_needed" => {
                    field("family", name, FieldKind::Select, choices("family", name, yes_no.clone()))
                }
                _ => field("family", name, FieldKind::Text, Vec::new()),
            })
            .collect();
        groups.push(FieldGroup { legend: lang.t("contacts-family"), fields });
    }
    for role in ContactRole::ALL {
        let group = role.as_str();
        let fields =
            PROFESSIONAL_FIELDS.iter().map(|name| field(group, name, FieldKind::Text, Vec::new())).collect();
        groups.push(FieldGroup {
            legend: lang.t(&format!("contact-role-{}", group.replace('_', "-"))),
            fields,
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(fields: &[(&str, &str)]) -> Params {
        Params(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn the_form_reads_into_contacts_and_a_wrong_phone_names_its_field() {
        let typed = params(&[
            ("ct-family-phone", "+1 555 010 0199"),
            ("ct-family-interpreter_needed", "yes"),
            ("ct-physician-name", "Dr. Ana Ejemplo"),
            ("ct-consulate-phone", "not a number"),
        ]);
        let contacts = parse(&typed).unwrap_or_default();
        assert!(contacts.family.interpreter_needed);
        let refused = contacts.validated("").err().map(|e| field_id(&e.field));
        assert_eq!(refused.as_deref(), Some("ct-consulate-phone"));
    }

    #[test]
    fn stored_contacts_fill_the_form_back() {
        let typed =
            params(&[("ct-family-email", "familia@example.org"), ("ct-facility-name", "Ejemplo Children's")]);
        let contacts = parse(&typed).ok().and_then(|c| c.validated("").ok()).unwrap_or_default();
        let again = params_of(&contacts);
        assert_eq!(again.get("ct-family-email"), Some("familia@example.org"));
        assert_eq!(again.get("ct-facility-name"), Some("Ejemplo Children's"));
    }
}
