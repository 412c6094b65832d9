//! How to reach the people of a case: the family (phone, email, messaging app, postal address, how
//! and in which language they prefer to be reached, whether they need an interpreter) and the
//! professionals around the case (hospital social worker, treating physician, facility, consulate,
//! congressional caseworker, pro bono counsel), with the shape checks that name the wrong field.

use serde::{Deserialize, Serialize};

use crate::case_file::MAX_SHORT_TEXT;
use crate::identifiers::LanguageTag;
use crate::notes::InvalidField;
use crate::problem::Problem;

/// A postal address may take a few lines.
pub const MAX_ADDRESS_TEXT: usize = 500;
/// RFC 5321's limit on a whole address.
const MAX_EMAIL: usize = 254;

/// How the family prefers to be reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    Phone,
    Email,
    Message,
    Mail,
    InPerson,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 5] = [
        ContactMethod::Phone,
        ContactMethod::Email,
        ContactMethod::Message,
        ContactMethod::Mail,
        ContactMethod::InPerson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactMethod::Phone => "phone",
            ContactMethod::Email => "email",
            ContactMethod::Message => "message",
            ContactMethod::Mail => "mail",
            ContactMethod::InPerson => "in_person",
        }
    }

    pub fn parse(text: &str) -> Result<ContactMethod, Problem> {
        ContactMethod::ALL.into_iter().find(|m| m.as_str() == text).ok_or_else(|| Problem::UnknownValue {
            value: text.to_owned(),
            expected: ContactMethod::ALL.iter().map(|m| m.as_str().to_owned()).collect(),
        })
    }
}

/// Who a professional contact of the case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    SocialWorker,
    Physician,
    Facility,
    Consulate,
    CongressionalCaseworker,
    ProBonoCounsel,
}

impl ContactRole {
    pub const ALL: [ContactRole; 6] = [
        ContactRole::SocialWorker,
        ContactRole::Physician,
        ContactRole::Facility,
        ContactRole::Consulate,
        ContactRole::CongressionalCaseworker,
        ContactRole::ProBonoCounsel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::SocialWorker => "social_worker",
            ContactRole::Physician => "physician",
            ContactRole::Facility => "facility",
            ContactRole::Consulate => "consulate",
            ContactRole::CongressionalCaseworker => "congressional_caseworker",
            ContactRole::ProBonoCounsel => "pro_bono_counsel",
        }
    }
}

/// How to reach the family. Every field is optional: a case starts with none of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The app and the handle or number on it (`WhatsApp +52 55 1234 5678`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messaging_app: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_method: Option<ContactMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<LanguageTag>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interpreter_needed: bool,
}

/// A professional around the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseContact {
    pub role: ContactRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl CaseContact {
    /// Whether nothing but the role is given.
    pub fn is_empty(&self) -> bool {
        [&self.name, &self.organisation, &self.phone, &self.email].iter().all(|v| v.is_none())
    }
}

/// Everyone a case's staff may need to reach.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    #[serde(default)]
    pub family: FamilyContact,
    /// At most one per role, in the order of [`ContactRole::ALL`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<CaseContact>,
}

impl Contacts {
    pub fn is_empty(&self) -> bool {
        self.family == FamilyContact::default() && self.others.is_empty()
    }

    /// The contact of `role`, if the case has one.
    pub fn of(&self, role: ContactRole) -> Option<&CaseContact> {
        self.others.iter().find(|c| c.role == role)
    }

    /// Checks every field (`path` prefixes the names, e.g. `contacts`), drops professional contacts
    /// with nothing but a role, and puts the rest in role order.
    pub fn validated(mut self, path: &str) -> Result<Contacts, InvalidField> {
        let at = |field: &str| if path.is_empty() { field.to_owned() } else { format!("{path}.{field}") };
        let f = &self.family;
        check_phone(&at("family.phone"), f.phone.as_deref())?;
        check_email(&at("family.email"), f.email.as_deref())?;
        check_text(&at("family.messaging_app"), f.messaging_app.as_deref(), MAX_SHORT_TEXT)?;
        check_text(&at("family.postal_address"), f.postal_address.as_deref(), MAX_ADDRESS_TEXT)?;
        let mut seen = std::collections::HashSet::new();
        for (index, contact) in self.others.iter().enumerate() {
            let at = |field: &str| at(&format!("others[{index}].{field}"));
            if !seen.insert(contact.role) {
                return Err(InvalidField::new(
                    at("role"),
                    Problem::DuplicateField { field: contact.role.as_str().to_owned() },
                ));
            }
            check_text(&at("name"), contact.name.as_deref(), MAX_SHORT_TEXT)?;
            check_text(&at("organisation"), contact.organisation.as_deref(), MAX_SHORT_TEXT)?;
            check_phone(&at("phone"), contact.phone.as_deref())?;
            check_email(&at("email"), contact.email.as_deref())?;
        }
        self.others.retain(|c| !c.is_empty());
        self.others.sort_by_key(|c| ContactRole::ALL.iter().position(|r| *r == c.role));
        Ok(self)
    }
}

/// Free text: not blank when given, not too long, no control characters but line breaks.
fn check_text(field: &str, value: Option<&str>, max: usize) -> Result<(), InvalidField> {
    let Some(text) = value else { return Ok(()) };
    let problem = if text.trim().is_empty() {
        Problem::Required
    } else if text.chars().count() > max {
        Problem::TooLong { max }
    } else if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        Problem::ControlCharacter
    } else {
        return Ok(());
    };
    Err(InvalidField::new(field, problem))
}

/// Whether `text` has the shape of a telephone number: an optional leading `+`, then 7 to 15 digits
/// (E.164's most) with spaces, dots, dashes or brackets between them, and an optional extension
/// (`ext. 12`, `x12`). It does not dial the number; it catches a number typed in the wrong box.
pub fn is_phone_number(text: &str) -> bool {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let (main, extension) = match lower.find(['x', 'e']) {
        Some(at) => (&lower[..at], Some(&lower[at..])),
        None => (lower.as_str(), None),
    };
    let extension_ok = extension.is_none_or(|ext| {
        let digits = ext.trim_start_matches("ext.").trim_start_matches("ext").trim_start_matches('x').trim();
        (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    });
    let body = main.trim().strip_prefix('+').unwrap_or(main.trim());
    let shape_ok = body.chars().all(|c| c.is_ascii_digit() || " .-()".contains(c))
        && body.starts_with(|c: char| c.is_ascii_digit() || c == '(');
    let digits = body.chars().filter(char::is_ascii_digit).count();
    extension_ok && shape_ok && (7..=15).contains(&digits)
}

/// Whether `text` has the shape of an email address: one `@`, a local part, and a domain of dotted
/// labels with no spaces. Deliverability is for the mail server to say.
pub fn is_email_address(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    let label_ok = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    text.len() <= MAX_EMAIL
        && !local.is_empty()
        && local.len() <= 64
        && !local.chars().any(|c| c.is_whitespace() || c.is_control() || "@<>()[],;:\"\\".contains(c))
        && domain.contains('.')
        && domain.split('.').all(label_ok)
}

fn check_phone(field: &str, value: Option<&str>) -> Result<(), InvalidField> {
    match value {
        Some(text) if text.trim().is_empty() => Err(InvalidField::new(field, Problem::Required)),
        Some(text) if !is_phone_number(text) => {
            Err(InvalidField::new(field, Problem::NotAPhoneNumber { value: text.to_owned() }))
        }
        _ => Ok(()),
    }
}

fn check_email(field: &str, value: Option<&str>) -> Result<(), InvalidField> {
    match value {
        Some(text) if text.trim().is_empty() => Err(InvalidField::new(field, Problem::Required)),
        Some(text) if !is_email_address(text) => {
            Err(InvalidField::new(field, Problem::NotAnEmail { value: text.to_owned() }))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_of_common_shapes_pass_and_words_do_not() {
        for good in ["+1 (555) 010-0199", "555.010.0199", "+52 55 1234 5678", "5550100199 ext. 12"] {
            assert!(is_phone_number(good), "{good}");
        }
        for bad in ["call me", "555-01", "+1 555 010 0199 9999 99", "maria@example.org", "+ 555"] {
            assert!(!is_phone_number(bad), "{bad}");
        }
    }

    #[test]
    fn email_addresses_need_a_local_part_and_a_dotted_domain() {
        assert!(is_email_address("maria.ejemplo@example.org"));
        for bad in ["maria.example.org", "@example.org", "maria@example", "ma ria@example.org", "a@b..org"] {
            assert!(!is_email_address(bad), "{bad}");
        }
    }

    #[test]
    fn a_wrong_field_is_named_with_its_path() {
        let contacts = Contacts {
            others: vec![CaseContact {
                role: ContactRole::Physician,
                name: Some("Dr. Ejemplo".into()),
                organisation: None,
                phone: Some("extension".into()),
                email: None,
            }],
            ..Contacts::default()
        };
        let error = contacts.validated("contacts").unwrap_err();
        assert_eq!(error.field, "contacts.others[0].phone");
        assert_eq!(error.problem, Problem::NotAPhoneNumber { value: "extension".into() });
    }
}
