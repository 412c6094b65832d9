//! `GET /api/v1/audit`: the organisation's whole audit trail as JSON.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::ApiError;
use crate::http::session::SignedIn;

/// The organisation's audit trail, oldest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditAnswer {
    #[schema(value_type = Vec<crate::openapi::shapes::AuditEntry>)]
    items: Vec<amparo_store::AuditRecord>,
    #[serde(flatten)]
    paging: crate::http::paging::Paging,
}

/// The organisation's audit trail, oldest first, for admins to keep or inspect elsewhere.
pub async fn audit_export(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    let org = signed_in.user.org_id.clone();
    let entries = state.with_store(move |store| store.audit_log(Some(&org))).await?;
    Ok(Json(AuditAnswer { paging: crate::http::paging::Paging::whole(entries.len()), items: entries })
        .into_response())
}
