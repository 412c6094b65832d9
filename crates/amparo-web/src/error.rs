//! How failures reach people. Client errors say what is wrong (which field); internal failures are
//! logged in full under an opaque id and shown only as a generic message.

use amparo_store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("the form has expired; reload the page and try again")]
    Csrf,
    #[error("your role does not allow this; ask an administrator of your organisation")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => WebError::NotFound(what),
            e @ StoreError::Conflict { .. } => WebError::Conflict(e.to_string()),
            StoreError::Duplicate(message) => WebError::Conflict(message),
            StoreError::Invalid(message) => WebError::Invalid(message),
            StoreError::CaseFile(e) => WebError::Invalid(e.to_string()),
            e @ (StoreError::SchemaTooNew { .. }
            | StoreError::Backend(_)
            | StoreError::WrongKey { .. }
            | StoreError::Key(_)) => WebError::Internal(e.to_string()),
        }
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown to the client; internal detail stays in the log.
    fn public_message(&self) -> String {
        match self {
            WebError::Internal(detail) => {
                let incident = uuid::Uuid::new_v4();
                tracing::error!(%incident, detail = %detail, "internal error");
                format!("Something went wrong on our side (incident {incident}). Nothing was changed.")
            }
            other => other.to_string(),
        }
    }

    /// The JSON form, for the API.
    pub fn into_json(self) -> Response {
        let status = self.status();
        let code = match &self {
            WebError::Unauthenticated => "unauthenticated",
            WebError::Csrf => "csrf",
            WebError::Forbidden => "forbidden",
            WebError::NotFound(_) => "not_found",
            WebError::Conflict(_) => "conflict",
            WebError::Invalid(_) => "invalid",
            WebError::Internal(_) => "internal",
        };
        (status, Json(serde_json::json!({ "error": code, "message": self.public_message() }))).into_response()
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let page = crate::views::ErrorPage { status: status.as_u16(), message: self.public_message() };
        (status, crate::views::render(&page)).into_response()
    }
}

/// The API's error wrapper: same errors, JSON bodies.
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json()
    }
}
