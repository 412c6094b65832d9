//! View models of the case list (`/cases`).

use askama::Template;

use crate::ui::form::Choice;
use crate::ui::page::{Lang, Viewer};

pub struct CaseListRow {
    pub id: String,
    pub reference: String,
    pub patient_name: String,
    pub program: String,
    pub status: String,
    pub next_due: String,
    pub next_kind: String,
    pub score: i64,
    pub critical_care: bool,
    pub closed: bool,
}

/// A column header: a link that sorts by the column (or turns its order round), with the order in
/// force announced through `aria-sort`.
pub struct SortHeader {
    pub label: String,
    pub href: String,
    /// `ascending` or `descending` on the column the list is sorted by; empty elsewhere.
    pub aria_sort: &'static str,
}

#[derive(Template)]
#[template(path = "cases.html")]
pub struct CaseListPage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub search: String,
    pub statuses: Vec<Choice>,
    /// Open cases (the default), closed ones, or all.
    pub closed_filters: Vec<Choice>,
    pub programs: Vec<Choice>,
    pub people: Vec<Choice>,
    pub critical: bool,
    pub due_within: String,
    pub sorts: Vec<Choice>,
    pub dirs: Vec<Choice>,
    /// Whether any search or filter narrows the list (for the empty state's wording).
    pub filtered: bool,
    pub error: Option<String>,
    /// Which field the error is about, to mark it.
    pub error_field: String,
    pub reference: SortHeader,
    pub patient: SortHeader,
    pub next_deadline: SortHeader,
    pub score: SortHeader,
    pub rows: Vec<CaseListRow>,
    pub total: i64,
    /// Whether more cases match than `total`, where the count stopped.
    pub total_capped: bool,
    pub first: i64,
    pub last: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The list with its filters and order as a CSV download.
    pub csv_href: String,
}
