//! The JSON bodies that many API routes answer with: the case's new version after a write, and a
//! refusal. Each derives its schema for the OpenAPI document (`crate::openapi`), so the document
//! describes what the handlers send.

use serde::Serialize;
use utoipa::ToSchema;

/// The case's version after a write: send it as `version` with the next write.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "version": 4 }))]
pub struct VersionAnswer {
    pub version: i64,
}

/// A refusal: a stable `error` code, an English `message` for people and, when one field is at
/// fault, the field's path and a stable `problem` code for programs.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "error": "invalid",
    "field": "event.on",
    "problem": "not-a-date",
    "message": "event.on: not a date: \"2026-02-30\""
}))]
pub struct ErrorAnswer {
    /// `unauthenticated`, `csrf`, `forbidden`, `second_factor_required`, `not_found`, `conflict`,
    /// `invalid`, `duplicate`, `syntax`, `too_large`, `unavailable` or `internal`.
    pub error: &'static str,
    pub message: String,
    /// The JSON path or parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong with `field`, as a stable code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<&'static str>,
}
