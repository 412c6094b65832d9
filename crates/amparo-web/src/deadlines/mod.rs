//! The deadlines of a window through the API: `GET /api/v1/deadlines`, the same deadlines the
//! calendar and the CSV export list, under the same data rules (a clinician's cases only), paged.

pub mod api;

use axum::routing::get;

use crate::http::access::{Access, Permission, Routes};

pub(crate) fn routes() -> Routes {
    Routes::new().add("GET", "/api/v1/deadlines", Access::Needs(Permission::ViewCases), get(api::deadlines))
}
