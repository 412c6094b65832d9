//! Settings, for administrators: the organisation's policy, its staff and their roles, whether a
//! second factor is required, the escalation checklists, staff administration (inviting,
//! deactivating, reset links) and the organisation's profile and time zone; and the same through
//! the API (`api`, `checklists_api`).

pub mod api;
pub mod checklists;
pub mod checklists_api;
pub mod page;
pub mod profile;
pub mod roles;
pub mod second_factor;
pub mod staff;
pub mod views;

use axum::routing::{delete, get, patch, post, put};

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
        .merge(staff_routes())
        .merge(api_routes())
}

/// The organisation and its staff through the API, for administrators.
fn api_routes() -> Routes {
    use Access::Needs;
    use Permission::ManageOrganisation;
    Routes::new()
        .add("GET", "/api/v1/organisation", Needs(ManageOrganisation), get(api::organisation))
        .add("PATCH", "/api/v1/organisation", Needs(ManageOrganisation), patch(api::edit_organisation))
        .add("PATCH", "/api/v1/organisation/policy", Needs(ManageOrganisation), patch(api::edit_policy))
        .add("PUT", "/api/v1/organisation/second-factor", Needs(ManageOrganisation), put(api::second_factor))
        .add("GET", "/api/v1/organisation/checklists", Needs(ManageOrganisation), get(checklists_api::list))
        .add(
            "PUT",
            "/api/v1/organisation/checklists/{kind}",
            Needs(ManageOrganisation),
            put(checklists_api::replace),
        )
        .add(
            "DELETE",
            "/api/v1/organisation/checklists",
            Needs(ManageOrganisation),
            delete(checklists_api::restore),
        )
        .add("GET", "/api/v1/users", Needs(ManageOrganisation), get(api::staff))
        .add("POST", "/api/v1/users/invitations", Needs(ManageOrganisation), post(api::invite))
        .add("PATCH", "/api/v1/users/{id}", Needs(ManageOrganisation), patch(api::edit_member))
        .add("POST", "/api/v1/users/{id}/deactivate", Needs(ManageOrganisation), post(api::deactivate))
        .add("POST", "/api/v1/users/{id}/reactivate", Needs(ManageOrganisation), post(api::reactivate))
        .add("GET", "/api/v1/users/{id}/tasks", Needs(ManageOrganisation), get(api::member_tasks))
}

/// Staff administration and the organisation's profile.
fn staff_routes() -> Routes {
    use Access::Needs;
    use Permission::ManageOrganisation;
    Routes::new()
        .add("GET", "/settings/staff", Needs(ManageOrganisation), get(staff::staff))
        .add("POST", "/settings/staff/invite", Needs(ManageOrganisation), post(staff::invite))
        .add("POST", "/settings/staff/{id}/deactivate", Needs(ManageOrganisation), post(staff::deactivate))
        .add("POST", "/settings/staff/{id}/reactivate", Needs(ManageOrganisation), post(staff::reactivate))
        .add("POST", "/settings/staff/{id}/reset-link", Needs(ManageOrganisation), post(staff::reset_link))
        .add("GET", "/settings/staff/{id}/tasks", Needs(ManageOrganisation), get(staff::member_tasks))
        .add("GET", "/settings/organisation", Needs(ManageOrganisation), get(profile::form))
        .add("POST", "/settings/organisation", Needs(ManageOrganisation), post(profile::save))
}
