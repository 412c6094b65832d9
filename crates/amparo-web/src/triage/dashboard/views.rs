//! The dashboard's view model.

use askama::Template;

use crate::triage::views::BoardRow;
use crate::ui::page::{Lang, Viewer};

pub struct DeadlineRow {
    pub case_id: String,
    pub reference: String,
    pub due: String,
    /// Days from today to the due date: negative for an overdue one.
    pub in_days: i64,
    pub kind: String,
}

pub struct TaskRow {
    pub case_id: String,
    pub reference: String,
    pub title: String,
    pub due: String,
    pub overdue: bool,
}

pub struct EscalationRow {
    pub case_id: String,
    pub reference: String,
    pub critical_care: bool,
    pub reason: String,
    pub opened: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub board: Vec<BoardRow>,
    pub board_total: i64,
    /// More open cases than `board_total`, which is then the cap they were counted to.
    pub board_more: bool,
    /// Deadlines due before today (advisory ones never are), the oldest first.
    pub overdue: Vec<DeadlineRow>,
    pub overdue_total: usize,
    /// More overdue lines than were counted (`overdue_total` is the cap).
    pub overdue_more: bool,
    pub deadlines: Vec<DeadlineRow>,
    pub deadline_total: usize,
    /// More lines than were counted (`deadline_total` is the cap).
    pub deadline_more: bool,
    pub tasks: Vec<TaskRow>,
    pub task_total: usize,
    pub escalations: Vec<EscalationRow>,
}
