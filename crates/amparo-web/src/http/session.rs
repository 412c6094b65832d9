//! Sessions: a random token naming its organisation (`scoped_token`) in an HttpOnly,
//! SameSite=Strict cookie; only its SHA-256 is stored. Each
//! session carries its own CSRF token, which every form post and API write must echo; the sign-in
//! extractor leaves it in the request for [`crate::http::forgery`] to check. A request with an
//! `Authorization` header is signed in by its API token instead ([`crate::http::bearer`]).

use amparo_store::{SessionRecord, SessionStage, User};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::http::cookies;
use crate::http::error::WebError;

/// A session ends after this long without use.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// And after this long whatever happens.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, to keep reads from turning into writes.
const TOUCH_EVERY: Duration = Duration::seconds(60);

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The signed-in user of this request.
pub struct SignedIn {
    pub user: User,
    /// The token every form of this session carries (see [`crate::http::forgery`]).
    pub form_token: String,
    pub token_hash: String,
    /// The path and query of this request, for links that return to it.
    pub path: String,
    /// `Complete`, or `Enrolment` on the routes that set up a second factor.
    pub stage: SessionStage,
    /// The person's unread notices, for the navigation (read with the session, pages only).
    pub unread: i64,
    /// The organisation's time zone: every time of day is shown in it, and "today" is its day.
    pub zone: amparo_domain::TimeZone,
}

impl SignedIn {
    /// The language the user chose to read the interface in, with times in the organisation's zone.
    pub fn lang(&self) -> crate::ui::i18n::Lang {
        crate::ui::i18n::Lang::in_zone(self.user.language, self.zone)
    }

    /// "Today" for the reader: the organisation's calendar day at `now`.
    pub fn today(&self, now: chrono::DateTime<chrono::Utc>) -> amparo_domain::Date {
        self.zone.today(now)
    }
}

/// Why there is no signed-in user: pages send the browser to sign in, the API answers 401.
pub enum NotSignedIn {
    Page {
        next: String,
        expired: bool,
        /// The session that just ended, if the cookie still named one: for keeping a form it sent.
        ended: Option<crate::http::kept_forms::SessionEnded>,
    },
    Api,
    /// The password was right; the second-factor code is still to come.
    SecondFactor {
        next: String,
    },
    /// Signed in, but a second factor must be set up first; `next` is kept through the setup.
    MustEnrol {
        api: bool,
        next: String,
    },
    /// Signed in, but the role does not hold the permission the route requires.
    Forbidden {
        api: bool,
    },
    Failed(WebError),
    /// An API token was refused (see [`crate::http::bearer`]): the answer is ready.
    Refused(Response),
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            NotSignedIn::Page { next, expired, ended } => {
                let expired = if expired { "&expired=1" } else { "" };
                let mut response =
                    Redirect::to(&format!("/login?next={}{expired}", encode_next(&next))).into_response();
                // Marks the redirect for the layer that keeps a form sent without a session.
                response.extensions_mut().insert(ended.unwrap_or_default());
                response
            }
            NotSignedIn::Api => WebError::Unauthenticated.into_json(),
            NotSignedIn::SecondFactor { next } => {
                Redirect::to(&format!("/login/second-factor?next={}", encode_next(&next))).into_response()
            }
            NotSignedIn::MustEnrol { api: true, .. } => WebError::SecondFactorRequired.into_json(),
            NotSignedIn::MustEnrol { api: false, next } => {
                Redirect::to(&format!("/account/security?required=1&next={}", encode_next(&next)))
                    .into_response()
            }
            NotSignedIn::Forbidden { api: true } => WebError::Forbidden.into_json(),
            NotSignedIn::Forbidden { api: false } => WebError::Forbidden.into_response(),
            NotSignedIn::Failed(e) => e.into_response(),
            NotSignedIn::Refused(response) => response,
        }
    }
}

/// Percent-encodes a local path for the `next` parameter.
pub(crate) fn encode_next(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = NotSignedIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if crate::http::bearer::presented(parts) {
            return crate::http::bearer::signed_in(parts, state).await;
        }
        let is_api = parts.uri.path().starts_with("/api/");
        let next = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
        let reject = |expired, ended| {
            if is_api { NotSignedIn::Api } else { NotSignedIn::Page { next: next.clone(), expired, ended } }
        };
        let Some(token) = cookies::get(&parts.headers, cookies::SESSION) else {
            return Err(reject(false, None));
        };
        // A cookie of the older form (no organisation) names no session: its holder signs in again.
        let Some(crate::http::scoped_token::Scoped { org, hash }) = crate::http::scoped_token::read(&token)
        else {
            return Err(reject(false, None));
        };
        let now = state.clock.now();
        let (lookup, lookup_org) = (hash.clone(), org.clone());
        // Pages show the unread count in their navigation; the API has no navigation.
        let found = state
            .with_store(move |store| store.session_reads(&lookup_org, &lookup, !is_api))
            .await
            .map_err(NotSignedIn::Failed)?
            // Deactivation ends every session; a session that slipped past it still ends here.
            .filter(|found| found.user.deactivated_at.is_none())
            .map(|found| (found.session, found.user, found.unread, found.zone));
        let Some((session, user, unread, zone)) = found else { return Err(reject(false, None)) };
        if is_expired(&session, now)
            || session.stage == SessionStage::SecondFactor && is_stale_pending(&session, now)
        {
            let (stale, stale_org) = (hash.clone(), org.clone());
            let _ = state.with_store(move |store| store.delete_session(&stale_org, &stale)).await;
            let ended = (session.stage == SessionStage::Complete)
                .then(|| crate::http::kept_forms::SessionEnded::of(&session));
            return Err(reject(true, ended));
        }
        if now - session.last_seen_at > TOUCH_EVERY {
            let (touched, touched_org) = (hash.clone(), org.clone());
            state
                .with_store(move |store| store.touch_session(&touched_org, &touched, now))
                .await
                .map_err(NotSignedIn::Failed)?;
        }
        match session.stage {
            SessionStage::Complete => {}
            SessionStage::SecondFactor if is_api => return Err(NotSignedIn::Api),
            SessionStage::SecondFactor => return Err(NotSignedIn::SecondFactor { next }),
            SessionStage::Enrolment => {
                if parts.extensions.get::<crate::http::access::EnrolmentAllowed>().is_none() {
                    return Err(NotSignedIn::MustEnrol { api: is_api, next });
                }
            }
        }
        if let Some(crate::http::access::Required(permission)) =
            parts.extensions.get::<crate::http::access::Required>()
            && !crate::http::access::allows(user.role, *permission)
        {
            return Err(NotSignedIn::Forbidden { api: is_api });
        }
        crate::http::forgery::expect(&mut parts.extensions, &session.csrf_token);
        Ok(SignedIn {
            user,
            form_token: session.csrf_token,
            token_hash: hash,
            path: next,
            stage: session.stage,
            unread,
            zone,
        })
    }
}

/// A new session for `user` at `stage` with its own token and form token; the token goes in the
/// cookie, the record (with only the token's hash) in the store.
pub fn new_session(
    user: &User,
    stage: SessionStage,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(String, SessionRecord), WebError> {
    let (token, scoped) = crate::http::scoped_token::issue(&user.org_id)?;
    let session = SessionRecord {
        token_hash: scoped.hash,
        org_id: scoped.org,
        user_id: user.id.clone(),
        csrf_token: cookies::random_token().map_err(|e| WebError::Internal(e.to_string()))?,
        created_at: now,
        last_seen_at: now,
        stage,
    };
    Ok((token, session))
}

/// The token the forms of a session carry, for a page shown before the session is complete.
pub fn form_token(session: &SessionRecord) -> &str {
    &session.csrf_token
}

/// How long the second step of a sign-in may wait for its code.
pub const PENDING_LIFETIME: Duration = Duration::minutes(10);

/// A sign-in waiting for its code too long is over: the password must be typed again.
pub fn is_stale_pending(session: &SessionRecord, now: chrono::DateTime<chrono::Utc>) -> bool {
    now - session.created_at > PENDING_LIFETIME
}

fn is_expired(session: &SessionRecord, now: chrono::DateTime<chrono::Utc>) -> bool {
    now - session.last_seen_at > IDLE_TIMEOUT || now - session.created_at > ABSOLUTE_TIMEOUT
}
