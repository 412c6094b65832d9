//! "Read a notice": a notice's text, pasted or taken from one of the case's uploaded notices or PDFs,
//! read into a proposed event (`amparo_domain::notice_reading`) shown beside the words each value
//! came from, the values not found said missing. Nothing is recorded here: "Record this event" opens
//! the case page's event form filled with the proposal, and the person records it there.
//!
//! Those who record events use it (not viewers, not clinicians); the case must be one they see,
//! and reading the case and the file are both audited reads.
//!
//! | file | job |
//! | --- | --- |
//! | `source` | the notice's text: pasted, or an attachment's bytes read (text layer or Tesseract) |
//! | `proposal` | the proposal as the page shows it, each value with its words or "missing" |
//! | `pages` | the handlers: the form, the proposal, the event form opened filled |
//! | `api` | the same reading through the API: the proposal and the event's fields as JSON |

pub mod api;
pub mod pages;
pub mod proposal;
pub mod source;

use axum::routing::{get, post};

use crate::http::access::{Access, Permission, Routes};

/// The form, the proposal it reads into, the event form opened with the proposal, and the API.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    use Permission::RecordEvents;
    Routes::new()
        .add("GET", "/cases/{id}/notice", Needs(RecordEvents), get(pages::form))
        .add("POST", "/cases/{id}/notice", Needs(RecordEvents), post(pages::read))
        .add("POST", "/cases/{id}/notice/event", Needs(RecordEvents), post(pages::open_event_form))
        .add("POST", "/api/v1/cases/{id}/notice-reading", Needs(RecordEvents), post(api::read))
}
