//! A case's notes (the activity log) and contacts: the case page's sections and forms for them, the
//! page's form handlers and the API under `/api/v1/cases/{id}/notes` and `/contacts`. Who may do what
//! is the store's to check (`amparo_store::access`); the pages only show the controls a reader's role
//! can use.

pub mod actions;
pub mod contacts;
pub mod contacts_api;
pub mod contacts_form;
pub mod notes;
pub mod notes_api;

use axum::routing::{get, patch, post};

use crate::http::access::{Access, Permission, Routes};

/// The note and contact pages' handlers and the API.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    use Permission::{RecordEvents, ViewCases, WriteNotes};
    Routes::new()
        .add("POST", "/cases/{id}/notes", Needs(WriteNotes), post(notes::add_note))
        .add("POST", "/cases/{id}/notes/{note}/pin", Needs(RecordEvents), post(notes::pin_note))
        .add("POST", "/cases/{id}/contacts", Needs(RecordEvents), post(contacts::save_contacts))
        .add("GET", "/api/v1/cases/{id}/notes", Needs(ViewCases), get(notes_api::list_notes))
        .add("POST", "/api/v1/cases/{id}/notes", Needs(WriteNotes), post(notes_api::add_note))
        .add("PATCH", "/api/v1/cases/{id}/notes/{note}", Needs(RecordEvents), patch(notes_api::pin_note))
        .add("GET", "/api/v1/cases/{id}/contacts", Needs(ViewCases), get(contacts_api::get_contacts))
        .add(
            "PUT",
            "/api/v1/cases/{id}/contacts",
            Needs(RecordEvents),
            axum::routing::put(contacts_api::put_contacts),
        )
}

/// What the note and contact forms show when the case page is rendered again after a refusal: what
/// was typed, what is wrong, and whether the case moved on meanwhile.
#[derive(Default)]
pub struct ActivityForms {
    pub note: notes::NoteFormState,
    pub contacts: contacts::ContactsFormState,
    /// The upload form of the evidence list (`cases::evidence`).
    pub evidence: crate::cases::evidence::views::EvidenceFormState,
    /// Whether the forms that change the case's record and contacts are open (`/cases/{id}?edit`):
    /// closed, the page shows a link to them, and stays small enough to read on a phone.
    pub editing: bool,
}
