//! The case page's view model and its print view: people, the medical profile, the timeline,
//! statuses and deadlines, as the templates show them.

use askama::Template;

use crate::ui::i18n::Lang;
use crate::ui::page::Viewer;

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
    /// Taken out of force (`cases::edit`): struck through, with why (and who and when, where the
    /// page names staff).
    pub voided: Option<String>,
    /// An answer that names no notice: the rules took it to answer the latest open one of its kind.
    pub unlinked: bool,
    /// Who recorded it and when, where the page shows it.
    pub recorded: Option<String>,
    /// The note written with it, of any type.
    pub note: Option<String>,
    /// The numbers of the case notes about it.
    pub case_notes: Vec<u32>,
    /// The files attached to it (`cases::evidence`).
    pub attachments: Vec<crate::cases::evidence::views::AttachmentLink>,
}

pub struct StatusView {
    pub name: String,
    pub status: String,
    pub parole_ends: String,
}

/// A deadline in the case's banner: the next one, or one already overdue.
pub struct NextDeadline {
    pub due: String,
    /// Days from today to the due date: negative for an overdue one.
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
    /// Due before today and not advisory.
    pub past: bool,
    /// Shown with its *why*, never an overdue alarm.
    pub advisory: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub lang: Lang,
    /// Deadlines due before today that can raise an alarm (no advisory one), shown first.
    pub overdue: Vec<NextDeadline>,
    /// The first deadline from today on, shown at the top of the page.
    pub next_deadline: Option<NextDeadline>,
    pub event_form: crate::cases::events::EventFormView,
    pub case_id: String,
    pub open_escalations: Vec<crate::triage::views::EscalationView>,
    pub closed_escalations: Vec<crate::triage::views::EscalationView>,
    pub other_tasks: Vec<crate::triage::views::TaskView>,
    pub assignments: Vec<crate::triage::views::AssignmentView>,
    pub today: String,
    pub covered_until: String,
    pub statuses: Vec<StatusView>,
    pub deadlines: Vec<DeadlineView>,
    /// Each person's health coverage, in the order of the derivation.
    pub coverage: Vec<super::coverage::CoverageView>,
    pub viewer: Viewer,
    pub reference: String,
    pub program: String,
    pub version: i64,
    pub people: Vec<PersonView>,
    pub medical: Option<MedicalView>,
    pub events: Vec<EventView>,
    /// The family's language codes Amparo has no texts in, comma-separated; empty when none.
    pub untranslated: String,
    /// Whether some answer of the timeline names no notice.
    pub unlinked_answers: bool,
    /// Who the case is shared with and the form to change it, for people who may share cases.
    pub sharing: Option<crate::sharing::pages::SharingView>,
    /// The closed banner with Reopen, or the close form.
    pub closure: crate::cases::closure::views::ClosureSection,
    /// The case's notes, and the form for a reader who writes them.
    pub notes: crate::cases::activity::notes::NotesSection,
    /// The case's files by kind, and the upload form for a reader who adds them.
    pub evidence: crate::cases::evidence::views::EvidenceSection,
    /// The case's contacts, and the form for a reader who edits them.
    pub contacts: crate::cases::activity::contacts::ContactsSection,
    /// The history and edit forms (`cases::edit`).
    pub edits: crate::cases::edit::views::EditSection,
    /// Whether the timeline offers to void its events.
    pub may_void: bool,
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
