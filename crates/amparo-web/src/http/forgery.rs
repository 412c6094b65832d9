//! Cross-site request forgery (CSRF) protection, in one place. Every state-changing request echoes a
//! token that a page of this site put in its form: the session's own token once signed in, else the
//! token of the sign-in page, kept in a cookie beside it (a double-submit cookie). Forms send it as
//! the hidden field `csrf`; API writes in the `X-CSRF-Token` header.
//!
//! Handlers never compare tokens themselves: they take [`GuardedForm`], [`GuardedJson`],
//! [`GuardedWrite`] or `upload::GuardedUpload` (a file sent as `multipart/form-data`), which refuse a request whose token does not match before the handler runs. The
//! token expected is the one the sign-in extractor (or the second-factor step) left in the request.
//! An API write signed in by a token (`Authorization: Bearer`, never with a cookie) needs none.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::Extensions;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::http::cookies;
use crate::http::error::{ApiError, WebError};

/// The form field that carries the token.
pub(crate) const FORM_FIELD: &str = "csrf";
/// The header that carries the token on API writes.
const HEADER: &str = "x-csrf-token";
/// The cookie holding the sign-in page's token, for the forms shown before there is a session.
const SIGN_IN_COOKIE: &str = "amparo_login_csrf";
/// How long a sign-in page's token lasts, in seconds.
const SIGN_IN_TOKEN_SECONDS: i64 = 3600;

/// The token this request must echo, left by whatever found its session.
#[derive(Clone)]
struct ExpectedToken(String);

/// Marks a request signed in by an API token (`crate::http::bearer`), which carries no session
/// cookie for another site to ride on and so needs no forgery token.
#[derive(Clone)]
struct SignedInByToken;

/// Records that this request was signed in by an API token.
pub(crate) fn bearer(extensions: &mut Extensions) {
    extensions.insert(SignedInByToken);
}

/// Whether the request was signed in by an API token (nothing a browser sends on its own carries
/// one, so it needs no forgery token).
pub(crate) fn by_token(parts: &Parts) -> bool {
    parts.extensions.get::<SignedInByToken>().is_some()
}

/// Records `token` as the one this request must echo.
pub(crate) fn expect(extensions: &mut Extensions, token: &str) {
    extensions.insert(ExpectedToken(token.to_owned()));
}

/// A fresh token for a page shown before sign-in, and the `Set-Cookie` value that keeps it.
pub(crate) fn issue_sign_in_token(secure: bool) -> Result<(String, String), WebError> {
    let token = cookies::random_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let cookie = cookies::set(SIGN_IN_COOKIE, &token, SIGN_IN_TOKEN_SECONDS, secure);
    Ok((token, cookie))
}

/// The `Set-Cookie` value that drops the sign-in page's token once a session exists.
pub(crate) fn clear_sign_in_token(secure: bool) -> String {
    cookies::set(SIGN_IN_COOKIE, "", 0, secure)
}

/// Whether `submitted` is the token this request must echo: the session's, or without a session
/// the sign-in page's (which must then be there at all).
pub(crate) fn matches(parts: &Parts, submitted: &str) -> bool {
    match parts.extensions.get::<ExpectedToken>() {
        Some(ExpectedToken(expected)) => cookies::constant_time_eq(expected, submitted),
        None => {
            let expected = cookies::get(&parts.headers, SIGN_IN_COOKIE).unwrap_or_default();
            !expected.is_empty() && cookies::constant_time_eq(&expected, submitted)
        }
    }
}

/// A form post whose token matched, parsed as `T` (the token field itself is not part of `T`).
pub struct GuardedForm<T>(pub T);

/// Why a form post was refused.
pub enum FormRefused<T> {
    /// The body is not a form of the expected shape: axum's own answer.
    Unreadable(Response),
    /// The token is missing or wrong: the form has expired, or came from another site. What it
    /// said is kept for the one handler that answers some requests whatever their token (the
    /// second-factor step sends a browser with no sign-in waiting back to the start).
    Forged(T),
}

impl<T> IntoResponse for FormRefused<T> {
    fn into_response(self) -> Response {
        match self {
            FormRefused::Unreadable(response) => response,
            FormRefused::Forged(_) => WebError::Csrf.into_response(),
        }
    }
}

impl<T> FromRequest<AppState> for GuardedForm<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = FormRefused<T>;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| FormRefused::Unreadable(e.into_response()))?;
        // Read as the handler's type first, so a malformed form is answered as axum answers it.
        let again = |bytes: &Bytes| Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        let axum::Form(form) = axum::Form::<T>::from_request(again(&bytes), state)
            .await
            .map_err(|e| FormRefused::Unreadable(e.into_response()))?;
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(again(&bytes), state)
            .await
            .map_err(|e| FormRefused::Unreadable(e.into_response()))?;
        let submitted = pairs.iter().rev().find(|(name, _)| name == FORM_FIELD).map(|(_, v)| v.trim());
        if matches(&parts, submitted.unwrap_or_default()) {
            Ok(GuardedForm(form))
        } else {
            Err(FormRefused::Forged(form))
        }
    }
}

/// The token of an API write, from its header.
pub(crate) fn header_token(parts: &Parts) -> &str {
    parts.headers.get(HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// An API write whose token matched, with its JSON body parsed as `T` (an error names the JSON path
/// of the field at fault).
pub struct GuardedJson<T>(pub T);

impl<T> FromRequest<AppState> for GuardedJson<T>
where
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(body_refused)?;
        let echoed =
            parts.extensions.get::<ExpectedToken>().is_some() && matches(&parts, header_token(&parts));
        if !echoed && !by_token(&parts) {
            return Err(ApiError(WebError::Csrf).into_response());
        }
        crate::http::input::json(&bytes).map(GuardedJson).map_err(|e| ApiError(e).into_response())
    }
}

/// A JSON body that could not be read, answered in JSON as every API refusal is: one over the body
/// limit is a 413 that says so.
fn body_refused(rejection: axum::extract::rejection::BytesRejection) -> Response {
    if rejection.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return rejection.into_response();
    }
    let message = "the body is larger than the server takes (1 MiB)".to_owned();
    let body = crate::http::answers::ErrorAnswer { error: "too_large", message, field: None, problem: None };
    (axum::http::StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
}

/// An API write without a body whose token matched.
pub struct GuardedWrite;

impl FromRequestParts<AppState> for GuardedWrite {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        if by_token(parts)
            || parts.extensions.get::<ExpectedToken>().is_some() && matches(parts, header_token(parts))
        {
            Ok(GuardedWrite)
        } else {
            Err(ApiError(WebError::Csrf))
        }
    }
}
