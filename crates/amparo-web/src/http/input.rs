//! Turning what clients send (query strings, form fields, JSON bodies) into typed values, refusing
//! bad input with a message that names the field.

use amparo_domain::{Date, Problem, Program};
use amparo_store::{BoardFilter, CaseSelection, UserId};
use serde::de::DeserializeOwned;

use crate::http::error::WebError;

/// The largest `due_within` and `due_in_hours` accepted: ten years of days, one year of hours.
pub const MAX_DUE_WITHIN_DAYS: i64 = 3650;
pub const MAX_DUE_IN_HOURS: u32 = 8760;

/// Name–value pairs from a query string or a form, in order.
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// The last value given for `name`, trimmed; an empty value counts as not given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// Every non-empty value given for `name` (checkboxes sharing a name), in order, trimmed.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).collect()
    }

    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// Refuses a parameter this endpoint does not know, so a misspelt filter is not silently ignored.
    pub fn only(&self, known: &[&str]) -> Result<(), WebError> {
        match self.0.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((k, _)) => Err(WebError::field(k.as_str(), Problem::UnknownParameter)),
            None => Ok(()),
        }
    }

    pub fn flag(&self, name: &str) -> Result<bool, WebError> {
        match self.get(name) {
            None | Some("false" | "0" | "off" | "no") => Ok(false),
            Some("true" | "1" | "on" | "yes") => Ok(true),
            Some(_) => Err(WebError::field(name, Problem::NotTrueFalse)),
        }
    }

    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, WebError> {
        let Some(text) = self.get(name) else { return Ok(None) };
        match text.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(WebError::field(name, Problem::WholeNumberBetween { min, max })),
        }
    }

    pub fn program(&self, name: &str) -> Result<Option<Program>, WebError> {
        let Some(text) = self.get(name) else { return Ok(None) };
        Program::parse(text).map(Some).ok_or_else(|| {
            let expected = Program::ALL.iter().map(|p| p.as_str().to_owned()).collect();
            WebError::field(name, Problem::UnknownValue { value: text.to_owned(), expected })
        })
    }

    pub fn date(&self, name: &str) -> Result<Option<Date>, WebError> {
        let Some(text) = self.get(name) else { return Ok(None) };
        text.parse::<Date>()
            .map(Some)
            .map_err(|_| WebError::field(name, Problem::NotADate { value: text.to_owned() }))
    }
}

/// The board filter a query asks for (`critical`, `mine`, `program`, `due_within` days from `today`);
/// paging is left to the caller.
pub fn board_filter(params: &Params, me: &UserId, today: Date) -> Result<BoardFilter, WebError> {
    Ok(BoardFilter {
        critical_only: params.flag("critical")?,
        assigned_to: params.flag("mine")?.then(|| me.clone()),
        shared_with: None,
        program: params.program("program")?,
        due_by: params.int("due_within", 0, MAX_DUE_WITHIN_DAYS)?.map(|days| today.add_days(days)),
        offset: 0,
        limit: 50,
        count_up_to: None,
        today: Some(today),
    })
}

/// A programme-wide selection from query or form fields.
pub fn selection(params: &Params) -> Result<CaseSelection, WebError> {
    Ok(CaseSelection {
        program: params.program("program")?,
        class_of_admission: params.get("class_of_admission").map(str::to_owned),
        citizenship: params.get("citizenship").map(str::to_owned),
        parole_ends_before: params.date("parole_ends_before")?,
    })
}

/// Parses a JSON body; an error names the JSON path of the field at fault.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(serde_error)
}

/// A JSON body's error as a field problem, keeping serde's English for the API's `message`.
pub fn serde_error(error: serde_path_to_error::Error<serde_json::Error>) -> WebError {
    let path = error.path().to_string();
    let message = error.into_inner().to_string();
    let (path, problem) = amparo_domain::problem::located(&path, &message);
    WebError::Field { path, problem, message }
}
