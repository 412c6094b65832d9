//! API tokens presented as `Authorization: Bearer amparo_pat_…`: the way a program signs in to
//! the JSON API. A token acts as its person (or service account) through the same permission
//! matrix and data rules as a session; it needs no forgery token, since nothing a browser sends on
//! its own carries it. The rules, in the order they are checked:
//!
//! - only under `/api/`, and never together with a session cookie (a request carrying both is
//!   refused, so a page's cookie can never lend its rights to a script, nor the other way round);
//! - at most [`TokenLimits`]'s rate per token (429 with `Retry-After`);
//! - a token of the right form, live (not revoked, not expired) and of an active person, its use
//!   audited by the store ([`amparo_store::Store::use_api_token`]; for a request that writes, in its
//!   own write transaction: see `http::token_use`);
//! - a read-scope token only reads (GET and HEAD): anything else is a 403 saying so.

use amparo_store::{TokenRefusal, TokenScope};
use axum::Json;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;

use crate::AppState;
use crate::http::cookies;
use crate::http::session::{NotSignedIn, SignedIn};
use crate::http::token_limit::Verdict;

/// How the request presents itself: by a token, or not (then the session cookie decides).
pub(crate) fn presented(parts: &Parts) -> bool {
    parts.headers.contains_key(header::AUTHORIZATION)
}

/// A JSON refusal of a token request, with `WWW-Authenticate` on a 401 as RFC 6750 asks.
fn refuse(status: StatusCode, code: &str, message: &str) -> NotSignedIn {
    let mut response =
        (status, Json(serde_json::json!({ "error": code, "message": message }))).into_response();
    if status == StatusCode::UNAUTHORIZED {
        let challenge = format!("Bearer realm=\"amparo\", error=\"{code}\"");
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
    }
    NotSignedIn::Refused(response)
}

/// The refusal of a token that is unknown, expired or revoked: the same for all three.
fn invalid() -> NotSignedIn {
    refuse(StatusCode::UNAUTHORIZED, "invalid_token", "the API token is unknown, expired or revoked")
}

/// [`invalid`] as the answer to a request whose token was revoked before its use was recorded
/// (see `http::token_use`).
pub(crate) fn invalid_token() -> axum::response::Response {
    invalid().into_response()
}

fn too_many(retry_after: u64) -> NotSignedIn {
    let message = format!("too many requests with this token; try again in {retry_after} seconds");
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(serde_json::json!({ "error": "rate_limited", "message": message, "retry_after": retry_after })),
    )
        .into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    NotSignedIn::Refused(response)
}

/// Whether a request with this method changes nothing.
fn is_read(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

/// The person a presented token acts as, or why it may not act.
pub(crate) async fn signed_in(parts: &mut Parts, state: &AppState) -> Result<SignedIn, NotSignedIn> {
    if !parts.uri.path().starts_with("/api/") {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            "API tokens are accepted only by the JSON API under /api/",
        ));
    }
    if cookies::get(&parts.headers, cookies::SESSION).is_some() {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "a request carries either a session cookie or an API token, never both",
        ));
    }
    let value = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let text = match value.split_once(' ') {
        Some((scheme, text)) if scheme.eq_ignore_ascii_case("bearer") => text.trim(),
        _ => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "invalid_request",
                "Authorization: expected \"Bearer\" followed by an API token",
            ));
        }
    };
    let Some(presented) = amparo_trust::api_token::parse(text) else { return Err(invalid()) };
    let now = state.clock.now();
    if let Verdict::Wait(seconds) = state.token_limits.admit(&presented.hash, now) {
        return Err(too_many(seconds));
    }
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let org = amparo_store::OrgId(presented.org_id);
    let hash = presented.hash;
    // A request that writes records the use with its write (see `http::token_use`); any other
    // records it now, before it reads.
    let defer = !is_read(&method) && crate::http::token_use::can_wait();
    let found = state
        .with_store(move |store| {
            if defer {
                store.present_api_token_for_write(&org, &hash, method.as_str(), &path, now)
            } else {
                let used = store.use_api_token(&org, &hash, method.as_str(), &path, now)?;
                Ok(used.map(|used| (used, None)))
            }
        })
        .await
        .map_err(NotSignedIn::Failed)?;
    let used = match found {
        Ok((found, deferred)) => {
            if let Some(deferred) = deferred {
                crate::http::token_use::wait(deferred);
            }
            found
        }
        Err(
            TokenRefusal::Unknown | TokenRefusal::Revoked | TokenRefusal::Expired | TokenRefusal::Deactivated,
        ) => {
            return Err(invalid());
        }
    };
    if used.token.scope == TokenScope::Read && !is_read(&parts.method) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "this API token's scope is read: it may read but not change anything",
        ));
    }
    if let Some(crate::http::access::Required(permission)) =
        parts.extensions.get::<crate::http::access::Required>()
        && !crate::http::access::allows(used.user.role, *permission)
    {
        return Err(NotSignedIn::Forbidden { api: true });
    }
    crate::http::forgery::bearer(&mut parts.extensions);
    let path = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    Ok(SignedIn {
        user: used.user,
        form_token: String::new(),
        token_hash: String::new(),
        path,
        stage: amparo_store::SessionStage::Complete,
        unread: 0,
        zone: used.zone,
    })
}
