//! The intake form's view model: groups of fields, each with its label, value and error.

use askama::Template;

use crate::ui::form::{FieldError, FieldView};
use crate::ui::page::{Lang, Viewer};

/// A fieldset: the case, one person, the representative, the medical profile, one event.
pub struct FieldGroup {
    pub id: String,
    pub legend: String,
    pub hint: Option<String>,
    pub fields: Vec<FieldView>,
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
    /// Countries the citizenship fields suggest.
    pub countries: Vec<super::countries::CountryChoice>,
    /// Existing cases this one may duplicate, shown before anything is saved (none most of the time).
    pub duplicates: super::duplicates::DuplicateWarning,
    /// Said when the form comes back filled after a new sign-in, as it was typed before.
    pub kept: Option<String>,
}
