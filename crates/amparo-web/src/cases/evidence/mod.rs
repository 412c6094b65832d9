//! A case's attachments (its evidence): the case page's evidence list by kind and upload form, the
//! files shown on the timeline beside their events, viewing a file inline (PDF and images, under a
//! sandboxing policy) or downloading it, and the API under `/api/v1/cases/{id}/attachments`. Who may
//! add or read which files is the store's to check (`amparo_store::access`: a clinician only medical
//! letters of cases shared with them); every read of a file is audited there.

pub mod actions;
pub mod api;
pub mod files;
pub mod form;
pub mod views;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::http::access::{Access, Permission, Routes};

/// The evidence pages' handlers and the API. Uploads take their size limit from the store's setting
/// (read as the body streams in), not from the router's default limit.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    // Adding a file: those who record events, and a clinician (a medical letter, on a case shared
    // with them: the store checks kind and case inside the write).
    use Permission::{RecordAttestations, ViewCases};
    Routes::new()
        .add(
            "POST",
            "/cases/{id}/attachments",
            Needs(RecordAttestations),
            post(form::upload).layer(DefaultBodyLimit::disable()),
        )
        .add("GET", "/cases/{id}/attachments/{attachment}", Needs(ViewCases), get(files::view))
        .add("GET", "/cases/{id}/attachments/{attachment}/download", Needs(ViewCases), get(files::download))
        .add("GET", "/api/v1/cases/{id}/attachments", Needs(ViewCases), get(api::list))
        .add(
            "POST",
            "/api/v1/cases/{id}/attachments",
            Needs(RecordAttestations),
            post(api::upload).layer(DefaultBodyLimit::disable()),
        )
        .add("GET", "/api/v1/cases/{id}/attachments/{attachment}", Needs(ViewCases), get(api::content))
}
