//! Page templates (compile-time checked by askama) and the view models they render.

use askama::Template;

use crate::auth::SignedIn;
pub use crate::i18n::Lang;

/// Renders a template to HTML; a template that fails to render shows a plain error instead of
/// half a page.
pub fn render<T: Template>(template: &T) -> axum::response::Html<String> {
    axum::response::Html(template.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template failed to render");
        String::from("<!doctype html><title>Error</title><p>This page could not be shown.</p>")
    }))
}

/// Who is signed in, for the page header.
pub struct Viewer {
    pub name: String,
    /// The role, in the reader's language.
    pub role: String,
    pub csrf_token: String,
    /// The page being shown, where the language switch returns to.
    pub back: String,
    /// Whether the settings are open to this person.
    pub admin: bool,
    /// Whether the audit page is open to this person.
    pub audit: bool,
}

impl Viewer {
    pub fn of(signed_in: &SignedIn) -> Viewer {
        Viewer {
            name: signed_in.user.display_name.clone(),
            role: signed_in.lang().user_role(signed_in.user.role),
            csrf_token: signed_in.csrf_token.clone(),
            back: signed_in.path.clone(),
            admin: signed_in.user.role == amparo_domain::org::UserRole::Admin,
            audit: crate::access::allows(signed_in.user.role, crate::access::Permission::ReadAudit),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub lang: Lang,
    pub status: u16,
    pub heading: String,
    pub message: String,
    /// A specific message from validation (in English), shown after the translated lead.
    pub detail: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub lang: Lang,
    pub csrf_token: String,
    pub next: String,
    pub email: String,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    pub lang: crate::i18n::Lang,
    pub csrf_token: String,
    pub token: String,
    pub email: String,
    pub error: Option<String>,
    pub min_len: usize,
}

pub struct PersonView {
    pub key: String,
    pub name: String,
    pub role: String,
    pub birth_date: String,
    pub a_number: String,
    pub citizenship: String,
    pub language: String,
}

pub struct MedicalView {
    pub person: String,
    pub condition: String,
    pub regimen: String,
    pub hours_per_day: String,
    pub facility: String,
    pub available_in_origin: String,
    pub days_to_critical_harm: String,
    pub attested_on: String,
}

pub struct EventView {
    pub id: String,
    pub event_type: String,
    pub on: String,
    pub persons: String,
    pub details: String,
    pub superseded_by: Option<String>,
}

pub struct StatusView {
    pub name: String,
    pub status: String,
    pub parole_ends: String,
}

pub struct NextDeadline {
    pub due: String,
    pub in_days: i64,
    pub kind: String,
    pub person: String,
}

pub struct DeadlineView {
    pub due: String,
    pub kind: String,
    pub person: String,
    pub basis: String,
    pub why: String,
    pub citation: String,
    pub rule: &'static str,
    pub past: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub lang: Lang,
    /// The first deadline from today on, shown at the top of the page.
    pub next_deadline: Option<NextDeadline>,
    pub event_form: crate::event_form::EventFormView,
    pub case_id: String,
    pub open_escalations: Vec<crate::triage_views::EscalationView>,
    pub closed_escalations: Vec<crate::triage_views::EscalationView>,
    pub other_tasks: Vec<crate::triage_views::TaskView>,
    pub assignments: Vec<crate::triage_views::AssignmentView>,
    pub today: String,
    pub covered_until: String,
    pub statuses: Vec<StatusView>,
    pub deadlines: Vec<DeadlineView>,
    pub viewer: Viewer,
    pub reference: String,
    pub program: String,
    pub version: i64,
    pub people: Vec<PersonView>,
    pub medical: Option<MedicalView>,
    pub events: Vec<EventView>,
    /// Who the case is shared with and the form to change it, for people who may share cases.
    pub sharing: Option<crate::sharing_pages::SharingView>,
}

/// The case page's print view: one clean page for the file, without forms or navigation. It wraps the
/// case page's view model and renders the parts a lawyer files.
#[derive(Template)]
#[template(path = "case_print.html")]
pub struct CasePrintPage {
    pub lang: Lang,
    pub case: CasePage,
    /// When it was printed, in words.
    pub printed: String,
}
