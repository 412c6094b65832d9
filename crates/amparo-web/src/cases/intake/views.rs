//! The intake form's view model: groups of fields, each with its label, value and error.

use askama::Template;

use crate::triage::views::Choice;
use crate::ui::page::{Lang, Viewer};

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
            FieldKind::Number => "number",
            FieldKind::Text | FieldKind::Select => "text",
        }
    }

    pub fn is_select(&self) -> bool {
        self.kind == FieldKind::Select
    }
}

/// A fieldset: the case, one person, the representative, the medical profile, one event.
pub struct FieldGroup {
    pub id: String,
    pub legend: String,
    pub hint: Option<String>,
    pub fields: Vec<FieldView>,
}

/// A problem with the form: the id of the field it concerns and what is wrong.
#[derive(Clone, Debug)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "intake.html")]
pub struct IntakePage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub groups: Vec<FieldGroup>,
    pub people: usize,
    pub events: usize,
    /// Every problem, in the order of the form, for the summary at the top.
    pub errors: Vec<FieldError>,
}
