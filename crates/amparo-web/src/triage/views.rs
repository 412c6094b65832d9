//! View models and templates of the triage pages: the board, my tasks, programme reviews, and the
//! escalation and assignment sections of the case page.

use askama::Template;

use crate::ui::form::Choice;
use crate::ui::page::{Lang, Viewer};

pub struct BoardRow {
    pub case_id: String,
    pub reference: String,
    pub patient_name: String,
    pub program: String,
    pub critical_care: bool,
    pub score: i64,
    pub next_due: String,
    pub next_kind: String,
    pub reasons: String,
    pub open_escalations: i64,
}

#[derive(Template)]
#[template(path = "triage.html")]
pub struct TriagePage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub rows: Vec<BoardRow>,
    pub total: i64,
    /// Whether more open cases match than `total`, where the count stopped.
    pub total_capped: bool,
    pub first: i64,
    pub last: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub critical: bool,
    pub mine: bool,
    pub due_within: String,
    pub programs: Vec<Choice>,
    pub error: Option<String>,
}

/// A task with the forms that act on it.
pub struct TaskView {
    pub id: String,
    pub case_id: String,
    pub reference: String,
    pub title: String,
    pub owner: String,
    /// Whether someone owns the task (else the reassign form starts with no one chosen).
    pub owned: bool,
    pub due: String,
    pub overdue: bool,
    /// "done on … by …", for finished tasks.
    pub done: Option<String>,
    pub note: String,
    pub owners: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
pub struct TasksPage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub tasks: Vec<TaskView>,
    pub overdue: usize,
    pub notice: Option<String>,
}

pub struct EscalationView {
    pub reason: String,
    pub opened: String,
    pub critical_care: bool,
    /// "closed on …: why", for closed escalations.
    pub closed: Option<String>,
    pub tasks: Vec<TaskView>,
}

/// One role's assignment form on the case page.
pub struct AssignmentView {
    pub role: &'static str,
    pub label: String,
    pub current: String,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "reviews.html")]
pub struct ReviewsPage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub programs: Vec<Choice>,
    pub class_of_admission: String,
    pub citizenship: String,
    pub parole_ends_before: String,
    /// The selection as it was asked for, for the form that opens the review.
    pub program: String,
    pub previewed: bool,
    pub cases: Vec<ReviewCase>,
    pub key: String,
    pub title_en: String,
    pub title_es: String,
    pub due_in_hours: String,
    pub error: Option<String>,
    pub outcome: Option<String>,
}

pub struct ReviewCase {
    pub case_id: String,
    pub reference: String,
    pub patient_name: String,
    pub covered_until: String,
}
