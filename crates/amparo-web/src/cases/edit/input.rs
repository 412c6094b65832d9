//! Reading what an edit says, from a JSON body or a form alike: a person (citizenship upper-cased as
//! intake does, as people type `mx`), a medical profile, a reference and a programme. A wrong field is named by
//! its path under the object it belongs to (`person.birth_date`, `medical.hours_per_day`).

use amparo_domain::identifiers::CaseReference;
use amparo_domain::{MedicalProfile, Person, Problem, Program};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::http::error::WebError;

/// `value` read as `T`, a problem named by its path under `prefix`.
fn read<T: DeserializeOwned>(prefix: &str, value: Value) -> Result<T, WebError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let (path, problem) = amparo_domain::problem::located(&path, &e.into_inner().to_string());
        let path = if path == "." { prefix.to_owned() } else { format!("{prefix}.{path}") };
        WebError::field(path, problem)
    })
}

/// Drops blank text fields (a form sends every field, filled or not) and upper-cases citizenship.
fn tidy(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.retain(|_, v| !matches!(v, Value::String(s) if s.trim().is_empty()));
        if let Some(Value::String(code)) = object.get_mut("citizenship") {
            *code = crate::cases::intake::countries::normalised(code);
        }
    }
    value
}

/// A person from a JSON object (for a new person, or a whole replacement).
pub fn person(value: Value) -> Result<Person, WebError> {
    if !value.is_object() {
        return Err(WebError::field(
            "person",
            Problem::WrongType { expected: amparo_domain::Expected::Object },
        ));
    }
    read("person", tidy(value))
}

/// `current` with the fields of `patch` laid over it (`null` clears a field); the key stays.
pub fn patched_person(current: &Person, patch: Value) -> Result<Person, WebError> {
    let Value::Object(patch) = patch else {
        return Err(WebError::field(
            "person",
            Problem::WrongType { expected: amparo_domain::Expected::Object },
        ));
    };
    let mut merged = serde_json::to_value(current).map_err(|e| WebError::Internal(e.to_string()))?;
    if let Some(object) = merged.as_object_mut() {
        for (name, value) in patch {
            if name == "key" {
                continue;
            }
            if value.is_null() {
                object.remove(&name);
            } else {
                object.insert(name, value);
            }
        }
    }
    person(merged)
}

/// A medical profile from a JSON object; `null` removes the profile.
pub fn medical(value: Value) -> Result<Option<MedicalProfile>, WebError> {
    if value.is_null() {
        return Ok(None);
    }
    read("medical", tidy(value)).map(Some)
}

pub fn reference(text: &str) -> Result<CaseReference, WebError> {
    CaseReference::parse(text.trim()).map_err(|e| WebError::field("reference", Problem::Identifier(e)))
}

pub fn program(text: &str) -> Result<Program, WebError> {
    Program::parse(text.trim()).ok_or_else(|| {
        let expected = Program::ALL.iter().map(|p| p.as_str().to_owned()).collect();
        WebError::field("program", Problem::UnknownValue { value: text.to_owned(), expected })
    })
}
