//! The settings page's view model.

use askama::Template;

use crate::ui::form::FieldError;
use crate::ui::page::{Lang, Viewer};

pub struct StaffRow {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Every role, the member's selected.
    pub roles: Vec<crate::ui::form::Choice>,
    pub language: String,
    /// The signed-in administrator's own row.
    pub me: bool,
}

/// The policy form's values, as stored or as typed.
pub struct PolicyForm {
    pub re_parole_lead_days: String,
    pub medical_refresh_days: String,
    pub critical_care_threshold_days: String,
    pub i94_check_days: String,
    /// One day per line.
    pub closure_days: String,
}

/// One task of a checklist on the form.
pub struct TaskRow {
    /// The task's number on the form (from 1).
    pub number: usize,
    /// The start of its fields' ids and names (`tpl-termination_notice-0-`).
    pub prefix: String,
    pub title_en: String,
    pub title_es: String,
    pub owners: Vec<crate::ui::form::Choice>,
    pub due_hours: String,
    pub due_hours_critical: String,
}

/// One kind of escalation's checklist, as a form.
pub struct ChecklistView {
    /// The trigger kind (`termination_notice`), in the form's address.
    pub kind: String,
    pub trigger: String,
    pub rows: Vec<TaskRow>,
    /// How many tasks it has (the empty row aside).
    pub tasks: usize,
    /// Shown open: the form was refused and its errors are in it.
    pub open: bool,
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
    /// The organisation has checklists of its own (rather than the server's).
    pub own_checklists: bool,
    /// Free space under the database is low (or the audit trail's reserve was spent).
    pub disk_warning: Option<String>,
}

impl SettingsPage {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }

    /// The error of a task's field, by the row's prefix and the field's name.
    pub fn task_error(&self, prefix: &str, field: &str) -> Option<&str> {
        self.error(&format!("{prefix}{field}"))
    }
}
