//! Settings, for administrators: the organisation's policy, its staff and their roles, whether a
//! second factor is required, and the escalation checklists.

pub mod checklists;
pub mod page;
pub mod roles;
pub mod second_factor;
pub mod views;

use axum::routing::{get, post};

use crate::http::access::{Access, Permission, Routes};

/// The settings page and its forms.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    use Permission::ManageOrganisation;
    Routes::new()
        .add("GET", "/settings", Needs(ManageOrganisation), get(page::settings))
        .add("POST", "/settings/policy", Needs(ManageOrganisation), post(page::save_policy))
        .add(
            "POST",
            "/settings/second-factor",
            Needs(ManageOrganisation),
            post(second_factor::set_requirement),
        )
        .add("POST", "/settings/users/{id}/role", Needs(ManageOrganisation), post(roles::set_role))
        .add("POST", "/settings/checklists/{kind}", Needs(ManageOrganisation), post(checklists::save))
        .add("POST", "/settings/checklists/reset", Needs(ManageOrganisation), post(checklists::reset))
}
