//! The settings page's view model.

use askama::Template;

use crate::intake_views::FieldError;
use crate::views::{Lang, Viewer};

pub struct StaffRow {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Every role, the member's selected.
    pub roles: Vec<crate::triage_views::Choice>,
    pub language: String,
    /// The signed-in administrator's own row.
    pub me: bool,
}

/// The policy form's values, as stored or as typed.
pub struct PolicyForm {
    pub re_parole_lead_days: String,
    pub medical_refresh_days: String,
    pub critical_care_threshold_days: String,
    /// One day per line.
    pub closure_days: String,
}

pub struct TemplateTask {
    pub title: String,
    pub owner: String,
    pub due_hours: i64,
    pub due_hours_critical: i64,
}

pub struct ChecklistView {
    pub trigger: String,
    pub tasks: Vec<TemplateTask>,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub staff: Vec<StaffRow>,
    pub policy: PolicyForm,
    /// Every member, not only administrators, needs a second factor.
    pub second_factor_required: bool,
    pub errors: Vec<FieldError>,
    /// What the error summary says the errors stopped (the policy, or a role change).
    pub errors_heading: String,
    pub notice: Option<String>,
    pub checklists: Vec<ChecklistView>,
    pub templates_id: String,
}

impl SettingsPage {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}
