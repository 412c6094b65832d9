//! Triage: the dashboard, the board of cases by urgency, escalations and their tasks, assignments,
//! and programme-wide reviews, as pages and under `/api/v1`.

pub mod actions;
pub mod api;
pub mod board;
pub mod case_section;
pub mod dashboard;
pub mod reviews;
pub mod tasks;
pub mod views;

use axum::routing::{get, post};

use crate::http::access::{Access, Permission, Routes};

/// The dashboard, the triage pages and the triage API.
pub(crate) fn routes() -> Routes {
    use Access::{Needs, SignedIn};
    use Permission::{AssignStaff, ReassignTasks, RunReviews, ViewCases, WorkTasks};
    Routes::new()
        .add("GET", "/", SignedIn, get(dashboard::dashboard))
        .add("POST", "/cases/{id}/assignments", Needs(AssignStaff), post(case_section::assign))
        .add("GET", "/triage", Needs(ViewCases), get(board::board))
        .add("GET", "/tasks", Needs(ViewCases), get(tasks::my_tasks))
        .add("POST", "/tasks/{id}/complete", Needs(WorkTasks), post(tasks::complete_task))
        .add("POST", "/tasks/{id}/reassign", Needs(ReassignTasks), post(tasks::reassign_task))
        .add("GET", "/reviews", Needs(RunReviews), get(reviews::reviews))
        .add("POST", "/reviews", Needs(RunReviews), post(reviews::open_reviews))
        .add("GET", "/api/v1/cases/{id}/escalations", Needs(ViewCases), get(api::case_escalations))
        .add("POST", "/api/v1/cases/{id}/assignments", Needs(AssignStaff), post(api::assign))
        .add("GET", "/api/v1/triage", Needs(ViewCases), get(api::board))
        .add("GET", "/api/v1/tasks", Needs(ViewCases), get(api::my_tasks))
        .add("POST", "/api/v1/tasks/{id}/complete", Needs(WorkTasks), post(api::complete_task))
        .add("POST", "/api/v1/tasks/{id}/reassign", Needs(ReassignTasks), post(api::reassign_task))
        .add("GET", "/api/v1/reviews/preview", Needs(RunReviews), get(api::review_preview))
        .add("POST", "/api/v1/reviews", Needs(RunReviews), post(api::open_reviews))
}
