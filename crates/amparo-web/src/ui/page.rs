//! The page shell every page shares: rendering a template, the signed-in viewer in the header, and
//! the error page.

use askama::Template;

use crate::http::session::SignedIn;
pub use crate::ui::i18n::Lang;

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
    pub form_token: String,
    /// The page being shown, where the language switch returns to.
    pub back: String,
    /// Whether the settings are open to this person.
    pub admin: bool,
    /// Whether the audit page is open to this person.
    pub audit: bool,
    /// Unread notices, shown beside the navigation's link to them.
    pub unread: i64,
    /// The role itself, which decides the controls a page shows (see [`Viewer::may`]).
    pub role_kind: amparo_domain::org::UserRole,
}

impl Viewer {
    /// Whether this person's role holds `permission`: a page shows a control only when it does.
    pub fn may(&self, permission: crate::http::access::Permission) -> bool {
        crate::http::access::allows(self.role_kind, permission)
    }

    /// Whether the intake form (a new case) is open to this person.
    pub fn opens_cases(&self) -> bool {
        self.may(crate::http::access::Permission::RecordEvents)
    }

    /// Whether programme-wide reviews are open to this person.
    pub fn runs_reviews(&self) -> bool {
        self.may(crate::http::access::Permission::RunReviews)
    }

    /// Whether this person completes tasks (a clinician only their own, the only ones they are shown).
    pub fn works_tasks(&self) -> bool {
        self.may(crate::http::access::Permission::WorkTasks)
    }

    /// Whether this person hands tasks to others.
    pub fn reassigns_tasks(&self) -> bool {
        self.may(crate::http::access::Permission::ReassignTasks)
    }

    /// Whether this person changes who is assigned to a case.
    pub fn assigns_staff(&self) -> bool {
        self.may(crate::http::access::Permission::AssignStaff)
    }

    /// Whether this person reads the legal timeline and the family letter that recounts it: everyone
    /// but a clinician (the data rule of `amparo_store::access`).
    pub fn reads_timeline(&self) -> bool {
        self.role_kind != amparo_domain::org::UserRole::Clinician
    }
}

/// The page header's view of who is signed in.
pub fn viewer(signed_in: &SignedIn) -> Viewer {
    Viewer {
        name: signed_in.user.display_name.clone(),
        role: signed_in.lang().user_role(signed_in.user.role),
        form_token: signed_in.form_token.clone(),
        back: signed_in.path.clone(),
        admin: signed_in.user.role == amparo_domain::org::UserRole::Admin,
        audit: crate::http::access::allows(signed_in.user.role, crate::http::access::Permission::ReadAudit),
        unread: signed_in.unread,
        role_kind: signed_in.user.role,
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
