//! Sharing a case with clinicians, from the case page and through the API.

pub mod actions;
pub mod api;
pub mod pages;

use axum::routing::{get, post};

use crate::http::access::{Access, Permission, Routes};

/// The sharing form of the case page and the sharing API.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    use Permission::ShareCases;
    Routes::new()
        .add("POST", "/cases/{id}/shares", Needs(ShareCases), post(pages::set_shared))
        .add("GET", "/api/v1/cases/{id}/shares", Needs(ShareCases), get(api::shares))
        .add("POST", "/api/v1/cases/{id}/shares", Needs(ShareCases), post(api::set_shared))
}
