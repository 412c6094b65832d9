//! Editing a case after intake, on the case page and through the API: its reference, programme,
//! medical profile and people; the case's history of those edits; and voiding an event recorded on
//! the wrong case or by mistake. The store checks the data rules, the version and the case-file
//! rules in the transaction that writes; the page answers a stale edit with the conflict shown and
//! what was typed kept.

pub mod actions;
pub mod api;
pub mod input;
pub mod pages;
pub mod timeline;
pub mod views;

use axum::routing::{delete, get, patch, post};

use crate::http::access::{Access, Permission, Routes};

/// The routes of editing, history and voids, page and API.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    use Permission::{EditMedical, RecordEvents, ViewCases};
    Routes::new()
        .add("POST", "/cases/{id}/record", Needs(RecordEvents), post(pages::edit_record))
        .add("POST", "/cases/{id}/medical", Needs(EditMedical), post(pages::edit_medical))
        .add("POST", "/cases/{id}/people", Needs(RecordEvents), post(pages::add_person))
        .add("POST", "/cases/{id}/people/{key}", Needs(RecordEvents), post(pages::edit_person))
        .add("POST", "/cases/{id}/people/{key}/remove", Needs(RecordEvents), post(pages::remove_person))
        .add("POST", "/cases/{id}/events/{event_id}/void", Needs(RecordEvents), post(pages::void_event))
        .add("PATCH", "/api/v1/cases/{id}", Needs(EditMedical), patch(api::patch_case))
        .add("POST", "/api/v1/cases/{id}/people", Needs(RecordEvents), post(api::add_person))
        .add("PATCH", "/api/v1/cases/{id}/people/{key}", Needs(RecordEvents), patch(api::edit_person))
        .add("DELETE", "/api/v1/cases/{id}/people/{key}", Needs(RecordEvents), delete(api::remove_person))
        .add("GET", "/api/v1/cases/{id}/history", Needs(ViewCases), get(api::history))
        .add("POST", "/api/v1/cases/{id}/events/{event_id}/void", Needs(RecordEvents), post(api::void_event))
}
