//! Webhooks: administrators register endpoints that are told, by a signed POST, when a case is
//! created, an event recorded, an escalation opened or closed, a task becomes overdue or a
//! deadline reminder falls due. The store queues each delivery in the transaction of its cause
//! (`amparo_store::webhooks`); here are the routes (the settings page and the API), the signature
//! (`signature`), the server's policy on the addresses it posts to (`address`) and the worker that
//! posts (`worker`).

pub mod actions;
pub mod address;
pub mod api;
pub mod page;
pub mod signature;
pub mod worker;

use axum::routing::{delete, get, patch, post};

use crate::http::access::{Access, Permission, Routes};

pub(crate) fn routes() -> Routes {
    use Access::Needs;
    use Permission::ManageOrganisation;
    Routes::new()
        .add("GET", "/settings/webhooks", Needs(ManageOrganisation), get(page::webhooks))
        .add("POST", "/settings/webhooks", Needs(ManageOrganisation), post(page::add))
        .add("GET", "/settings/webhooks/{id}", Needs(ManageOrganisation), get(page::history))
        .add("POST", "/settings/webhooks/{id}/remove", Needs(ManageOrganisation), post(page::remove))
        .add("POST", "/settings/webhooks/{id}/pause", Needs(ManageOrganisation), post(page::pause))
        .add("POST", "/settings/webhooks/{id}/resume", Needs(ManageOrganisation), post(page::resume))
        .add("GET", "/api/v1/webhooks", Needs(ManageOrganisation), get(api::list))
        .add("POST", "/api/v1/webhooks", Needs(ManageOrganisation), post(api::create))
        .add("GET", "/api/v1/webhooks/{id}", Needs(ManageOrganisation), get(api::one))
        .add("PATCH", "/api/v1/webhooks/{id}", Needs(ManageOrganisation), patch(api::update))
        .add("DELETE", "/api/v1/webhooks/{id}", Needs(ManageOrganisation), delete(api::remove))
        .add("GET", "/api/v1/webhooks/{id}/deliveries", Needs(ManageOrganisation), get(api::deliveries))
}
