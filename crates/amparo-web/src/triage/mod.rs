//! Triage: the dashboard, the board of cases by urgency, escalations and their tasks, assignments,
//! and programme-wide reviews, as pages and under `/api/v1`.

pub mod actions;
pub mod api;
pub mod dashboard;
pub mod pages;
pub mod views;

use axum::routing::{get, post};

use crate::http::access::{Access, Permission, Routes};

/// The dashboard, the triage pages and the triage API.
pub(crate) fn routes() -> Routes {
    use Access::{Needs, SignedIn};
    use Permission::{AssignStaff, ReassignTasks, RunReviews, ViewCases, WorkTasks};
    Routes::new()
        .add("GET", "/", SignedIn, get(dashboard::dashboard))
        .add("POST", "/cases/{id}/assignments", Needs(AssignStaff), post(pages::assign))
        .add("GET", "/triage", Needs(ViewCases), get(pages::board))
        .add("GET", "/tasks", Needs(ViewCases), get(pages::my_tasks))
        .add("POST", "/tasks/{id}/complete", Needs(WorkTasks), post(pages::complete_task))
        .add("POST", "/tasks/{id}/reassign", Needs(ReassignTasks), post(pages::reassign_task))
        .add("GET", "/reviews", Needs(RunReviews), get(pages::reviews))
        .add("POST", "/reviews", Needs(RunReviews), post(pages::open_reviews))
        .add("GET", "/api/v1/cases/{id}/escalations", Needs(ViewCases), get(api::case_escalations))
        .add("POST", "/api/v1/cases/{id}/assignments", Needs(AssignStaff), post(api::assign))
        .add("GET", "/api/v1/triage", Needs(ViewCases), get(api::board))
        .add("GET", "/api/v1/tasks", Needs(ViewCases), get(api::my_tasks))
        .add("POST", "/api/v1/tasks/{id}/complete", Needs(WorkTasks), post(api::complete_task))
        .add("POST", "/api/v1/tasks/{id}/reassign", Needs(ReassignTasks), post(api::reassign_task))
        .add("GET", "/api/v1/reviews/preview", Needs(RunReviews), get(api::review_preview))
        .add("POST", "/api/v1/reviews", Needs(RunReviews), post(api::open_reviews))
}
