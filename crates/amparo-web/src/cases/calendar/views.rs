//! The calendar's view model.

use askama::Template;

use crate::ui::page::{Lang, Viewer};

#[derive(Clone)]
pub struct DayEntry {
    pub case_id: String,
    pub reference: String,
    pub kind: String,
    /// Due before today and not met.
    pub overdue: bool,
    /// Shown with its why on the case, never an alarm.
    pub advisory: bool,
}

#[derive(Clone)]
pub struct DayCell {
    pub day: u32,
    /// The whole date in words, for screen readers and the phone layout.
    pub label: String,
    pub today: bool,
    pub in_month: bool,
    pub entries: Vec<DayEntry>,
    /// Deadlines of the day not listed.
    pub more: usize,
}

impl DayCell {
    pub fn empty() -> DayCell {
        DayCell { day: 0, label: String::new(), today: false, in_month: false, entries: Vec::new(), more: 0 }
    }
}

#[derive(Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub title: String,
    pub weeks: Vec<Vec<DayCell>>,
    pub total: usize,
    pub previous: String,
    pub previous_label: String,
    pub next: String,
    pub next_label: String,
    pub error: Option<String>,
    /// The month's deadlines as a CSV download.
    pub csv_href: String,
}
