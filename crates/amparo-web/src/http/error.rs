//! How failures reach people. Client errors say what is wrong (which field); internal failures are
//! logged in full under an opaque id and shown only as a generic message.

use amparo_store::{Refusal, StoreError};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::http::answers::ErrorAnswer;
use crate::ui::i18n::Lang;
use amparo_domain::{CaseFileError, Language, Problem};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("the form has expired; reload the page and try again")]
    Csrf,
    #[error("your role does not allow this; ask an administrator of your organisation")]
    Forbidden,
    #[error("a second factor must be set up first: sign in to the web app and follow its steps")]
    SecondFactorRequired,
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    /// A password-reset link that is used, expired or mistyped (one message for all three).
    #[error("{}", amparo_store::INVALID_RESET_LINK)]
    ResetLinkInvalid,
    /// One field is wrong: where, what (as data, to be worded in the reader's language) and the
    /// English wording the API and the logs carry.
    #[error("{path}: {message}")]
    Field { path: String, problem: Problem, message: String },
    /// The database cannot be reached or cannot write now (the detail is for the log only).
    #[error("the database is unavailable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => WebError::NotFound(what),
            // What one may not touch is "not found", as another organisation's is, so that its
            // existence is not revealed; a role that never does this is forbidden.
            StoreError::Refused(Refusal::CaseHidden) => WebError::NotFound("case".into()),
            StoreError::Refused(Refusal::TaskNotTheirs) => WebError::NotFound("task".into()),
            StoreError::Refused(Refusal::RoleMayNot) => WebError::Forbidden,
            e @ StoreError::Conflict { .. } => WebError::Conflict(e.to_string()),
            StoreError::Duplicate(message) | StoreError::WrongState(message) => WebError::Conflict(message),
            StoreError::ResetLinkInvalid => WebError::ResetLinkInvalid,
            StoreError::TokenRevoked => WebError::Unauthenticated,
            StoreError::Invalid(message) => WebError::Invalid(message),
            StoreError::Field { path, problem } => WebError::field(path, problem),
            StoreError::CaseFile(CaseFileError::Field { path, problem, message }) => {
                WebError::Field { path, problem, message }
            }
            StoreError::CaseFile(e) => WebError::Invalid(e.to_string()),
            e @ (StoreError::SchemaTooNew { .. }
            | StoreError::Backend(_)
            | StoreError::WrongKey { .. }
            | StoreError::Key(_)) => WebError::Internal(e.to_string()),
            StoreError::Unavailable(detail) => WebError::Unavailable(detail),
            e @ StoreError::DiskFull(_) => WebError::Unavailable(e.to_string()),
        }
    }
}

impl WebError {
    /// The field at `path` is wrong in the way `problem` says.
    pub fn field(path: impl Into<String>, problem: Problem) -> Self {
        WebError::Field { path: path.into(), message: problem.to_string(), problem }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Csrf | WebError::Forbidden | WebError::SecondFactorRequired => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Invalid(_) | WebError::ResetLinkInvalid | WebError::Field { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
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
            WebError::Unavailable(detail) => {
                let incident = uuid::Uuid::new_v4();
                tracing::error!(%incident, detail = %detail, "database unavailable");
                format!(
                    "The database cannot be reached or cannot record anything right now (incident {incident}). \
                     Nothing was shown or changed; try again in a few minutes."
                )
            }
            other => other.to_string(),
        }
    }

    /// The field and the message a form shows for a refused value, in the reader's language; `None`
    /// for errors that are not about a value (they get an error page).
    pub fn worded(&self, lang: Lang) -> Option<(String, String)> {
        match self {
            WebError::Field { path, problem, .. } => Some((path.clone(), field_line(lang, path, problem))),
            WebError::Invalid(message) => {
                Some((message.split(':').next().unwrap_or_default().to_owned(), message.clone()))
            }
            _ => None,
        }
    }

    /// The JSON form, for the API.
    pub fn into_json(self) -> Response {
        let status = self.status();
        let code = match &self {
            WebError::Unauthenticated => "unauthenticated",
            WebError::Csrf => "csrf",
            WebError::Forbidden => "forbidden",
            WebError::SecondFactorRequired => "second_factor_required",
            WebError::NotFound(_) => "not_found",
            WebError::Conflict(_) => "conflict",
            WebError::Invalid(_) | WebError::ResetLinkInvalid | WebError::Field { .. } => "invalid",
            WebError::Unavailable(_) => "unavailable",
            WebError::Internal(_) => "internal",
        };
        // Clients that word errors themselves get the field and the kind of problem as data.
        let (field, problem) = match &self {
            WebError::Field { path, problem, .. } => (Some(path.clone()), Some(problem.code())),
            _ => (None, None),
        };
        let body = ErrorAnswer { error: code, message: self.public_message(), field, problem };
        (status, Json(body)).into_response()
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let shown = ShownError::from(self);
        // Rendered in English here; `localize_error_pages` renders it again in the reader's language.
        let mut response = (status, shown.render(Lang::new(Language::En), status)).into_response();
        response.extensions_mut().insert(shown);
        response
    }
}

/// What an error page says, kept on the response so that the page can be written in the language
/// of the request, which `IntoResponse` does not see.
#[derive(Clone, Debug)]
pub enum ShownError {
    Unauthenticated,
    Csrf,
    Forbidden,
    SecondFactorRequired,
    NotFound,
    Conflict(String),
    Invalid(String),
    ResetLinkInvalid,
    Field { path: String, problem: Problem },
    Unavailable { incident: String },
    Internal { incident: String },
}

impl From<WebError> for ShownError {
    fn from(error: WebError) -> Self {
        match error {
            WebError::Unauthenticated => ShownError::Unauthenticated,
            WebError::Csrf => ShownError::Csrf,
            WebError::Forbidden => ShownError::Forbidden,
            WebError::SecondFactorRequired => ShownError::SecondFactorRequired,
            WebError::NotFound(_) => ShownError::NotFound,
            WebError::Conflict(message) => ShownError::Conflict(message),
            WebError::Invalid(message) => ShownError::Invalid(message),
            WebError::Field { path, problem, .. } => ShownError::Field { path, problem },
            WebError::ResetLinkInvalid => ShownError::ResetLinkInvalid,
            WebError::Internal(detail) => {
                let incident = uuid::Uuid::new_v4();
                tracing::error!(%incident, detail = %detail, "internal error");
                ShownError::Internal { incident: incident.to_string() }
            }
            WebError::Unavailable(detail) => {
                let incident = uuid::Uuid::new_v4();
                tracing::error!(%incident, detail = %detail, "database unavailable");
                ShownError::Unavailable { incident: incident.to_string() }
            }
        }
    }
}

impl ShownError {
    fn render(&self, lang: Lang, status: StatusCode) -> axum::response::Html<String> {
        let heading = lang.t(match status {
            StatusCode::NOT_FOUND => "error-heading-not-found",
            StatusCode::CONFLICT => "error-heading-conflict",
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => "error-heading-forbidden",
            StatusCode::SERVICE_UNAVAILABLE => "error-heading-unavailable",
            _ => "error-heading-other",
        });
        let (message, detail) = self.message(lang);
        let page = crate::ui::page::ErrorPage { lang, status: status.as_u16(), heading, message, detail };
        crate::ui::page::render(&page)
    }

    /// What the page says (translated) and the specific detail after it, if any.
    fn message(&self, lang: Lang) -> (String, Option<String>) {
        match self {
            ShownError::Unauthenticated => (lang.t("error-unauthenticated"), None),
            ShownError::Csrf => (lang.t("error-csrf"), None),
            ShownError::Forbidden => (lang.t("error-forbidden"), None),
            ShownError::SecondFactorRequired => (lang.t("error-second-factor-required"), None),
            ShownError::NotFound => (lang.t("error-not-found"), None),
            ShownError::Conflict(message) => (lang.t("error-conflict"), Some(message.clone())),
            ShownError::Invalid(message) => (lang.t("error-invalid"), Some(message.clone())),
            ShownError::ResetLinkInvalid => (lang.t("error-reset-link"), None),
            ShownError::Field { path, problem } => {
                (lang.t("error-invalid"), Some(field_line(lang, path, problem)))
            }
            ShownError::Internal { incident } => {
                (lang.t1("error-internal", "incident", incident.as_str()), None)
            }
            ShownError::Unavailable { incident } => {
                (lang.t1("error-unavailable", "incident", incident.as_str()), None)
            }
        }
    }
}

/// A refused field as pages show it: its path, then the problem in the reader's language.
fn field_line(lang: Lang, path: &str, problem: &Problem) -> String {
    format!("{path}: {}", lang.problem(problem))
}

impl ShownError {
    /// The API's code for this error.
    fn code(&self) -> &'static str {
        match self {
            ShownError::Unauthenticated => "unauthenticated",
            ShownError::Csrf => "csrf",
            ShownError::Forbidden => "forbidden",
            ShownError::SecondFactorRequired => "second_factor_required",
            ShownError::NotFound => "not_found",
            ShownError::Conflict(_) => "conflict",
            ShownError::Invalid(_) | ShownError::ResetLinkInvalid | ShownError::Field { .. } => "invalid",
            ShownError::Unavailable { .. } => "unavailable",
            ShownError::Internal { .. } => "internal",
        }
    }

    /// The JSON body the API gives for this error, in English as the API speaks.
    fn json(&self, status: StatusCode) -> Response {
        let lang = Lang::new(Language::En);
        let message = match self.message(lang) {
            (_, Some(detail)) => detail,
            (message, None) => message,
        };
        let body = ErrorAnswer { error: self.code(), message, field: None, problem: None };
        (status, Json(body)).into_response()
    }
}

/// Writes error pages in the language of the request: the language cookie (which sign-in sets to the
/// user's choice), else the browser's preference. Under `/api/` an error page made before any API
/// handler ran (a session that could not be read, a database that is down) becomes the API's JSON.
pub async fn localize_error_pages(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = crate::ui::i18n::from_request(request.headers());
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if api && let Some(shown) = response.extensions_mut().remove::<ShownError>() {
        let mut json = shown.json(response.status());
        for name in [axum::http::header::RETRY_AFTER, axum::http::header::WWW_AUTHENTICATE] {
            if let Some(value) = response.headers().get(&name) {
                json.headers_mut().insert(name, value.clone());
            }
        }
        return json;
    }
    if lang.0 != Language::En
        && let Some(shown) = response.extensions_mut().remove::<ShownError>()
    {
        let status = response.status();
        let page = shown.render(lang, status);
        *response.body_mut() = axum::body::Body::from(page.0);
    }
    response
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
