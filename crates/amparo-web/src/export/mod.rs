//! CSV downloads of what the list pages show: the case list with its filters (`/export/cases.csv`),
//! deadlines of the dashboard's window or a calendar month (`/export/deadlines.csv`) and my open
//! tasks (`/export/tasks.csv`). Each reads under the same data rules as its page (a clinician only
//! the cases shared with them), writes its headers in the reader's language, and is audited (what
//! was exported and how many rows, never a value) before its first byte is sent. The API serves
//! the same three under `/api/v1/exports/` (`api`).

mod api;
mod cases;
mod csv;
mod deadlines;
mod response;
mod tasks;

use axum::routing::get;

use crate::http::access::{Access, Permission, Routes};

/// The three downloads; each needs what its page needs.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    use Permission::ViewCases;
    Routes::new()
        .add("GET", "/export/cases.csv", Needs(ViewCases), get(cases::cases_csv))
        .add("GET", "/export/deadlines.csv", Needs(ViewCases), get(deadlines::deadlines_csv))
        .add("GET", "/export/tasks.csv", Needs(ViewCases), get(tasks::tasks_csv))
        .add("GET", "/api/v1/exports/cases.csv", Needs(ViewCases), get(api::cases))
        .add("GET", "/api/v1/exports/deadlines.csv", Needs(ViewCases), get(api::deadlines))
        .add("GET", "/api/v1/exports/tasks.csv", Needs(ViewCases), get(api::tasks))
}

/// The audit entry of one download: who, which list, how many rows.
fn audit_event(user: &amparo_store::User, list: &str, rows: usize) -> amparo_store::AuditEvent {
    amparo_store::AuditEvent {
        actor: Some(user.id.clone()),
        action: format!("{list}.exported"),
        target: list.to_owned(),
        detail: serde_json::json!({ "format": "csv", "rows": rows }),
    }
}
