//! Pieces every form shares: a field with its label, value and problem, the choices of a select,
//! the list of a form's problems, and writing values back into links.

use amparo_domain::Program;

use crate::ui::i18n::Lang;

/// One option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Date,
    Number,
    Select,
}

/// One form field. Its id is also its name in the form, and the target of the error summary's link.
pub struct FieldView {
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    pub value: String,
    pub options: Vec<Choice>,
    pub error: Option<String>,
    pub required: bool,
}

impl FieldView {
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Date => "date",
            // A number is typed in a text field: a number field would drop (and the HTML checker
            // refuse) a wrong entry shown back with its error, such as "two".
            FieldKind::Text | FieldKind::Number | FieldKind::Select => "text",
        }
    }

    pub fn is_number(&self) -> bool {
        self.kind == FieldKind::Number
    }

    pub fn is_select(&self) -> bool {
        self.kind == FieldKind::Select
    }
}

/// A problem with the form: the id of the field it concerns and what is wrong.
#[derive(Clone, Debug)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

/// Every programme as a choice, `selected` chosen.
pub fn program_choices(lang: Lang, selected: Option<&str>) -> Vec<Choice> {
    Program::ALL
        .into_iter()
        .map(|p| Choice {
            value: p.as_str().to_owned(),
            label: lang.program(p),
            selected: selected == Some(p.as_str()),
        })
        .collect()
}

/// A value as a query string writes it (`application/x-www-form-urlencoded`), for links that keep
/// a form's filters.
pub fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
