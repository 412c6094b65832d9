//! `POST /api/v1/cases`: creates a case from an `amparo.case/1` document, as intake does from its form.
//!
//! The document is checked by the parser behind `amparo import` (a syntax error is a 400 with its line
//! and column, a wrong field a 422 naming its JSON path). Existing cases with the same A-number, or a
//! person of the same name and birth date, open or closed, are answered with a 409 listing them,
//! unless the request confirms it has seen them (`?confirm_duplicate=true`, the intake form's
//! confirmation); a reference already used is a 409 naming `case.reference`. On success: 201, the
//! case as `GET /api/v1/cases/{id}` gives it, and its address in `Location`.

use amparo_domain::{CaseFile, CaseFileError};
use amparo_store::{Actor, CaseId, DuplicateReason, PossibleDuplicate, StoreError};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::http::answers::ErrorAnswer;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedWrite;
use crate::http::input::Params;
use crate::http::session::SignedIn;

/// The query parameter confirming that the duplicates found were seen and the case is wanted anyway.
const CONFIRM_PARAMETER: &str = "confirm_duplicate";

/// An existing case that may be the same family.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuplicateItem {
    id: String,
    reference: String,
    closed: bool,
    reasons: Vec<DuplicateReasonItem>,
}

/// Why a case may be the same family.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuplicateReasonItem {
    /// `same_a_number` or `same_name_and_birth_date`.
    reason: &'static str,
    /// The person of the new document it concerns, as named there.
    person: String,
}

/// The 409 for a document that may repeat existing cases.
#[derive(Serialize, ToSchema)]
pub(crate) struct DuplicateAnswer {
    /// Always `duplicate`.
    error: &'static str,
    message: String,
    duplicates: Vec<DuplicateItem>,
}

/// A 409: the document may repeat existing cases, or its reference is taken (`field` names it).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub(crate) enum CreateConflict {
    Duplicates(DuplicateAnswer),
    ReferenceTaken(ReferenceTaken),
}

/// The 409 for a reference another case already has.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReferenceTaken {
    /// Always `conflict`.
    error: &'static str,
    message: String,
    /// Always `case.reference`.
    field: &'static str,
}

/// The 400 for a body that is not JSON (with where it stops being JSON), or for a request that
/// carries a session cookie and an API token together (`error` then says so, with no position).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({ "error": "syntax", "line": 1, "column": 2,
    "message": "not valid JSON at line 1, column 2: expected value" }))]
pub(crate) struct SyntaxAnswer {
    /// Always `syntax`.
    error: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

fn duplicate_item(found: &PossibleDuplicate) -> DuplicateItem {
    DuplicateItem {
        id: found.id.0.clone(),
        reference: found.reference.clone(),
        closed: found.closed,
        reasons: found
            .reasons
            .iter()
            .map(|r| match r {
                DuplicateReason::SameANumber { person } => {
                    DuplicateReasonItem { reason: "same_a_number", person: person.clone() }
                }
                DuplicateReason::SameNameAndBirthDate { person } => {
                    DuplicateReasonItem { reason: "same_name_and_birth_date", person: person.clone() }
                }
            })
            .collect(),
    }
}

/// A refused document, as its kind of problem is answered.
fn refused(error: CaseFileError) -> Response {
    match error {
        CaseFileError::Syntax { line, column, message } => {
            let message = format!("not valid JSON at line {line}, column {column}: {message}");
            let body = SyntaxAnswer { error: "syntax", message, line: Some(line), column: Some(column) };
            (StatusCode::BAD_REQUEST, Json(body)).into_response()
        }
        e @ CaseFileError::TooLarge { .. } => {
            let body = ErrorAnswer { error: "too_large", message: e.to_string(), field: None, problem: None };
            (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response()
        }
        CaseFileError::Field { path, problem, message } => {
            ApiError(WebError::Field { path, problem, message }).into_response()
        }
    }
}

/// The 400 for a body that is not UTF-8 text, at the first byte that is not.
fn not_utf8(body: &[u8], valid_up_to: usize) -> Response {
    let before = body.get(..valid_up_to).unwrap_or_default();
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = valid_up_to - before.iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1) + 1;
    let message = format!("not valid JSON at line {line}, column {column}: not UTF-8 text");
    (
        StatusCode::BAD_REQUEST,
        Json(SyntaxAnswer { error: "syntax", message, line: Some(line), column: Some(column) }),
    )
        .into_response()
}

fn confirmed(params: &Params) -> Result<bool, WebError> {
    match params.get(CONFIRM_PARAMETER) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(WebError::field(CONFIRM_PARAMETER, amparo_domain::Problem::NotTrueFalse)),
    }
}

pub async fn create_case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
    _guard: GuardedWrite,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let confirm = confirmed(&Params(params))?;
    let body = match std::str::from_utf8(&body) {
        Ok(text) => text,
        Err(e) => return Ok(not_utf8(&body, e.valid_up_to())),
    };
    let file = match CaseFile::parse(body) {
        Ok((file, _warnings)) => file,
        Err(error) => return Ok(refused(error)),
    };
    let (user, now) = (signed_in.user.clone(), state.clock.now());
    let checking = file.clone();
    let actor = Actor::of(&user);
    let found = state.with_store(move |store| store.possible_duplicates_as(&actor, &checking, now)).await?;
    if !found.is_empty() && !confirm {
        let listed: Vec<DuplicateItem> = found.iter().map(duplicate_item).collect();
        let message = format!(
            "{} existing case(s) may be the same family; send again with ?{CONFIRM_PARAMETER}=true to create it anyway",
            listed.len()
        );
        let body =
            CreateConflict::Duplicates(DuplicateAnswer { error: "duplicate", message, duplicates: listed });
        return Ok((StatusCode::CONFLICT, Json(body)).into_response());
    }
    let reference = file.case.reference.to_string();
    let created = state
        .with_store(move |store| {
            let ids = store.import_cases(&user.org_id, std::slice::from_ref(&file), Some(&user.id), now)?;
            let id = ids.into_iter().next().ok_or_else(|| StoreError::NotFound("case".into()))?;
            crate::cases::actions::read_case(store, &user, &id, "api", now)
        })
        .await;
    let case = match created {
        Ok(Some(case)) => case,
        Ok(None) => return Err(WebError::NotFound("case".into()).into()),
        Err(WebError::Conflict(_)) => {
            let body = CreateConflict::ReferenceTaken(ReferenceTaken {
                error: "conflict",
                message: format!("a case with reference {reference} already exists"),
                field: "case.reference",
            });
            return Ok((StatusCode::CONFLICT, Json(body)).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    tracing::info!(case = %case.id, "case created through the API");
    let location = format!("/api/v1/cases/{}", CaseId::as_str(&case.id));
    let body = crate::cases::api::case_json(&case)?;
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response())
}
