//! A form sent after its session ended is not lost. The layer [`keep_forms`] reads the body of every
//! case form (intake, the event form, any form under `/cases/{id}/`); when the sign-in extractor turns
//! the request away for want of a session, the layer keeps what was typed in the store (sealed, for
//! [`LIFETIME`], behind a random token in an HttpOnly cookie of the sending browser) and sends the
//! person to sign in, saying why. Once signed in, the form's page gets it back through [`take`]
//! and shows it filled in, not sent: the person sends it again with the new session's forgery token.
//!
//! Only a form this site's page sent is kept: with the session that ended known, the form's
//! forgery token must be that session's; with no session at all, the browser must say the request
//! came from this site (`Sec-Fetch-Site: same-origin`, or an `Origin` naming the request's host).
//! What was typed is never logged.

use amparo_store::{KeptForm, NewFormDraft, OrgId, SessionRecord, User, UserId};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;

use crate::AppState;
use crate::http::cookies;
use crate::http::error::WebError;
use crate::http::session::{encode_next, token_hash};

/// The cookie naming the browser's kept form.
pub const COOKIE: &str = "amparo_kept_form";
/// How long a kept form waits for its person to sign in again.
pub const LIFETIME: Duration = Duration::minutes(30);
/// The largest form kept (the router refuses larger bodies anyway).
const BODY_LIMIT: usize = 1024 * 1024;

/// What the sign-in extractor knew of the session that ended, left on its redirect for the layer.
#[derive(Clone, Debug, Default)]
pub struct SessionEnded {
    /// The account and the forgery token of the session, when the cookie still named one.
    session: Option<(OrgId, UserId, String)>,
}

impl SessionEnded {
    pub fn of(session: &SessionRecord) -> SessionEnded {
        let owner = (session.org_id.clone(), session.user_id.clone(), session.csrf_token.clone());
        SessionEnded { session: Some(owner) }
    }
}

/// The page a form sent to `action` is shown on: intake for intake, the case page for every form
/// of a case. `None` for the forms that are not kept.
pub fn form_page(action: &str) -> Option<String> {
    if action == "/cases/new" {
        return Some(action.to_owned());
    }
    let rest = action.strip_prefix("/cases/")?;
    let (case, form) = rest.split_once('/')?;
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    (plain(case) && !form.is_empty() && case != "new").then(|| format!("/cases/{case}"))
}

/// Whether the request says it was sent by a page of this site.
fn same_origin(headers: &HeaderMap) -> bool {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-site") == Some("same-origin") {
        return true;
    }
    match (header(ORIGIN.as_str()), header(HOST.as_str())) {
        (Some(origin), Some(host)) => {
            origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) == Some(host)
        }
        _ => false,
    }
}

/// The layer: passes every request on, and keeps the form of a case form turned away for want of a
/// session.
pub async fn keep_forms(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let page = form_page(request.uri().path());
    let (Some(page), true, true) = (page, request.method() == Method::POST, is_form) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let headers = parts.headers.clone();
    let action = parts.uri.path().to_owned();
    let response = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
    let Some(ended) = response.extensions().get::<SessionEnded>().cloned() else { return response };
    match keep(&state, &headers, ended, action, &bytes).await {
        Ok(Some(cookie)) => {
            let to = format!("/login?next={}&kept=1", encode_next(&page));
            ([(SET_COOKIE, cookie)], Redirect::to(&to)).into_response()
        }
        Ok(None) => response,
        Err(error) => {
            tracing::error!(%error, "a form sent after its session ended could not be kept");
            response
        }
    }
}

/// Keeps the form if this site's page sent it; the cookie that finds it again.
async fn keep(
    state: &AppState,
    headers: &HeaderMap,
    ended: SessionEnded,
    action: String,
    body: &[u8],
) -> Result<Option<String>, WebError> {
    let mut fields: Vec<(String, String)> =
        url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let submitted = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.clone()).unwrap_or_default();
    let genuine = match &ended.session {
        Some((_, _, token)) => cookies::constant_time_eq(token, &submitted),
        None => same_origin(headers),
    };
    if !genuine {
        return Ok(None);
    }
    fields.retain(|(k, _)| k != "csrf");
    let token = cookies::random_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let hash = token_hash(&token);
    let now = state.clock.now();
    let form = KeptForm { action, fields };
    state
        .with_store(move |store| {
            let owner = ended.session.as_ref().map(|(org, user, _)| (org, user));
            let draft = NewFormDraft { token_hash: &hash, owner, form: &form, expires_at: now + LIFETIME };
            store.keep_form_draft(&draft, now)
        })
        .await?;
    tracing::info!("a form sent after its session ended was kept");
    Ok(Some(cookies::set(COOKIE, &token, LIFETIME.num_seconds(), state.secure_cookies)))
}

/// At sign-in: the browser's kept form becomes `user`'s, or is discarded when it was someone else's.
pub async fn claim(state: &AppState, headers: &HeaderMap, user: &User) -> Result<(), WebError> {
    let Some(token) = cookies::get(headers, COOKIE) else { return Ok(()) };
    let (hash, user, now) = (token_hash(&token), user.clone(), state.clock.now());
    state.with_store(move |store| store.claim_form_draft(&hash, &user, now).map(|_| ())).await
}

/// The form kept for the page at `page` (which shows the forms of the actions `shows` accepts), if
/// the signed-in person left one; with the `Set-Cookie` that forgets it once it is handed back or
/// gone.
pub async fn take(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    shows: fn(&str, &str) -> bool,
    page: String,
) -> Result<(Option<KeptForm>, Option<String>), WebError> {
    let Some(token) = cookies::get(headers, COOKIE) else { return Ok((None, None)) };
    let (hash, reader, now) = (token_hash(&token), user.clone(), state.clock.now());
    let found = state
        .with_store(move |store| {
            let kept = store.take_form_draft(&hash, &reader, |action| shows(&page, action), now)?;
            // Still waiting for another page of the same person: the cookie stays.
            let waiting = kept.is_none() && store.claim_form_draft(&hash, &reader, now)?;
            Ok((kept, waiting))
        })
        .await?;
    let (kept, waiting) = found;
    let forget = (!waiting).then(|| cookies::set(COOKIE, "", 0, state.secure_cookies));
    Ok((kept, forget))
}

/// Whether the page `page` shows the form sent to `action`: the page [`form_page`] names for it.
pub fn shown_on(page: &str, action: &str) -> bool {
    form_page(action).as_deref() == Some(page)
}

/// Adds the `Set-Cookie` that [`take`] asked for, if any, to the page's response.
pub fn set_cookie(response: &mut Response, cookie: Option<String>) {
    if let Some(value) = cookie.and_then(|c| axum::http::HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_forms_return_to_their_page_and_other_forms_are_not_kept() {
        assert_eq!(form_page("/cases/new").as_deref(), Some("/cases/new"));
        assert_eq!(form_page("/cases/0192-ab/events").as_deref(), Some("/cases/0192-ab"));
        assert_eq!(form_page("/cases/0192-ab/notes/7/pin").as_deref(), Some("/cases/0192-ab"));
        for other in ["/cases", "/cases/0192-ab", "/login", "/tasks/1/complete", "/cases/%2f/x", "/cases//x"]
        {
            assert_eq!(form_page(other), None, "{other}");
        }
        assert!(shown_on("/cases/c1", "/cases/c1/events"));
        assert!(!shown_on("/cases/c2", "/cases/c1/events"));
    }

    #[test]
    fn only_a_request_from_this_site_counts_without_a_session() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, axum::http::HeaderValue::from_static(v));
            }
            map
        };
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&headers(&[
            ("origin", "http://amparo.test:8080"),
            ("host", "amparo.test:8080")
        ])));
        assert!(!same_origin(&headers(&[("origin", "https://evil.example"), ("host", "amparo.test")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site"), ("host", "amparo.test")])));
        assert!(!same_origin(&headers(&[("host", "amparo.test")])));
    }
}
