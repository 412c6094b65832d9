//! The audit trail for administrators: the page and the JSON export.

pub mod export;
pub mod page;
pub mod views;

use axum::routing::get;

use crate::http::access::{Access, Permission, Routes};

/// The audit page and the export.
pub(crate) fn routes() -> Routes {
    use Access::Needs;
    use Permission::ReadAudit;
    Routes::new().add("GET", "/audit", Needs(ReadAudit), get(page::page)).add(
        "GET",
        "/api/v1/audit",
        Needs(ReadAudit),
        get(export::audit_export),
    )
}
