//! The audit page's view model.

use askama::Template;

use crate::ui::form::Choice;
use crate::ui::form::FieldError;
use crate::ui::page::{Lang, Viewer};

/// What an entry acted on: a case (linked), a member (named), or an id as recorded.
pub enum TargetView {
    Case(String),
    Member(String),
    Other(String),
}

pub struct AuditRow {
    pub seq: u64,
    pub when: String,
    /// The member's name, or `None` for the system (command line, background work).
    pub who: Option<String>,
    /// The action in words when it has a name, else as recorded.
    pub what: String,
    /// The action as recorded (`case.read`).
    pub action: String,
    pub target: TargetView,
    /// Ids and settings as recorded, never sensitive values.
    pub detail: String,
}

/// The filters as typed, to show them again.
pub struct AuditFilters {
    pub actions: Vec<Choice>,
    pub actors: Vec<Choice>,
    /// The case reference typed.
    pub case: String,
    pub from: String,
    pub to: String,
    /// Any filter is set.
    pub active: bool,
}

/// The result of checking the chain's recent entries, in words.
pub struct ChainView {
    pub intact: bool,
    pub text: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPageView {
    pub lang: Lang,
    pub viewer: Viewer,
    pub filters: AuditFilters,
    pub errors: Vec<FieldError>,
    pub rows: Vec<AuditRow>,
    pub chain: ChainView,
    /// Links to the newer and older pages, with the filters kept.
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl AuditPageView {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}
