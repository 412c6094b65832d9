//! Notifications: the notices in the app and calendar feeds, as pages and under `/api/v1`.

pub mod actions;
pub mod feeds;
pub mod feeds_api;
pub mod in_app;

use axum::routing::{delete, get, post};

use crate::http::access::{Access, Permission, Routes};

/// The notifications page, its API, and the calendar feeds.
pub(crate) fn routes() -> Routes {
    use Access::{Needs, Public, SignedIn};
    use Permission::ViewCases;
    Routes::new()
        .add("GET", "/notifications", SignedIn, get(in_app::page))
        .add("POST", "/notifications/read-all", SignedIn, post(in_app::mark_all_read))
        .add("POST", "/notifications/{id}/read", SignedIn, post(in_app::mark_read))
        .add("GET", "/calendar/feeds", Needs(ViewCases), get(feeds::page))
        .add("POST", "/calendar/feeds", Needs(ViewCases), post(feeds::create))
        .add("POST", "/calendar/feeds/{id}/revoke", Needs(ViewCases), post(feeds::revoke))
        .add("GET", "/calendar/feed/{file}", Public, get(feeds::feed))
        .add("GET", "/api/v1/calendar/feeds", Needs(ViewCases), get(feeds_api::list))
        .add("POST", "/api/v1/calendar/feeds", Needs(ViewCases), post(feeds_api::create))
        .add("DELETE", "/api/v1/calendar/feeds/{id}", Needs(ViewCases), delete(feeds_api::revoke))
        .add("GET", "/api/v1/notifications", SignedIn, get(in_app::api_list))
        .add("POST", "/api/v1/notifications/{id}/read", SignedIn, post(in_app::api_mark_read))
        .add("POST", "/api/v1/notifications/read-all", SignedIn, post(in_app::api_mark_all_read))
}
