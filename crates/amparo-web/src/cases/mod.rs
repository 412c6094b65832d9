//! Cases: the list, intake, the case page and its print view, recording events, reading a notice
//! into a proposed event, the family letter, the documents generated from a case,
//! the calendar of deadlines, and the case API.

pub mod actions;
pub mod activity;
pub mod api;
pub mod calendar;
pub mod closure;
pub mod create;
pub mod documents;
pub mod edit;
pub mod events;
pub mod evidence;
pub mod intake;
pub mod letter;
pub mod letter_organisation;
pub mod list;
pub mod notice_reading;
pub mod page;
pub mod visibility;

use axum::routing::{get, post};

use crate::http::access::{Access, Permission, Routes};

/// The case pages and the case API.
pub(crate) fn routes() -> Routes {
    use Access::{Needs, Public};
    use Permission::{RecordAttestations, RecordEvents, ViewCases};
    Routes::new()
        .add("GET", "/cases", Needs(ViewCases), get(list::case_list))
        .add("GET", "/cases/new", Needs(RecordEvents), get(intake::intake_form))
        .add("POST", "/cases/new", Needs(RecordEvents), post(intake::intake))
        .add("GET", "/cases/{id}", Needs(ViewCases), get(page::case_page))
        .add("POST", "/cases/{id}/events", Needs(RecordAttestations), post(events::record_event))
        .add("GET", "/cases/{id}/print", Needs(ViewCases), get(page::case_print))
        .add("GET", "/calendar", Needs(ViewCases), get(calendar::calendar))
        .add("GET", "/api/v1/calendar", Needs(ViewCases), get(calendar::api::month))
        .add("GET", "/cases/{id}/letter", Needs(ViewCases), get(letter::page))
        .add("GET", "/static/letter.css", Public, get(letter::stylesheet))
        .add("GET", "/api/v1/cases", Needs(ViewCases), get(api::list_cases))
        .add("GET", "/api/v1/cases/{id}", Needs(ViewCases), get(api::get_case))
        .add("GET", "/api/v1/cases/{id}/answerable", Needs(ViewCases), get(api::answerable_notices))
        .add("POST", "/api/v1/cases/{id}/events", Needs(RecordAttestations), post(api::append_event))
        .merge(closure_routes())
        .merge(activity::routes())
        .merge(edit::routes())
        .merge(evidence::routes())
        .merge(documents::routes())
        .merge(notice_reading::routes())
}

/// Creating a case through the API, and closing and reopening one (`closure`).
fn closure_routes() -> Routes {
    use Access::Needs;
    use Permission::RecordEvents;
    Routes::new()
        .add("POST", "/api/v1/cases", Needs(RecordEvents), post(create::create_case))
        .add("POST", "/cases/{id}/close", Needs(RecordEvents), post(closure::close_page))
        .add("POST", "/cases/{id}/reopen", Needs(RecordEvents), post(closure::reopen_page))
        .add("POST", "/api/v1/cases/{id}/close", Needs(RecordEvents), post(closure::api::close))
        .add("POST", "/api/v1/cases/{id}/reopen", Needs(RecordEvents), post(closure::api::reopen))
}
