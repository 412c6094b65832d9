//! The TOTP second factor in the browser (NIST SP 800-63B, AAL2).
//!
//! - Sign-in, step two: a right password for a user with a factor opens a session at the
//!   `second_factor` stage, good for nothing but `/login/second-factor`; a right code replaces it
//!   by a complete session under a new token. Codes are throttled with the password, per account
//!   and per address, and a code's time step is accepted once.
//! - Enrolment at `/account/security`: a secret shown as a QR code and as text, confirmed by a
//!   first code. Administrators (and everyone, when the organisation says so) must enrol before
//!   anything else: their sessions are at the `enrolment` stage until then.
//! - Removal: by the user with a current code, or by an administrator for someone who lost their
//!   phone (which ends that person's sessions).

use amparo_domain::org::UserRole;
use amparo_store::{Enrolment, Promotion, SessionRecord, SessionStage, User, UserId};
use amparo_trust::totp::TotpSecret;
use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::http::client_address::ClientAddress;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedWrite;
use crate::http::forgery::{self, FormRefused, GuardedForm};
use crate::http::scoped_token::{self, Scoped};
use crate::http::session::{self, SignedIn};
use crate::http::{cookies, throttle};
use crate::ui::i18n::Lang;
use crate::ui::page::Viewer;
use crate::ui::viewer;

/// Codes of the step before and after the current one are accepted too: a phone clock a little
/// off, or a code typed as it changed.
const SKEW_STEPS: u64 = 1;

fn unix_seconds(now: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

fn internal(error: impl std::fmt::Display) -> WebError {
    WebError::Internal(error.to_string())
}

fn secret_of(base32: &str) -> Result<TotpSecret, WebError> {
    TotpSecret::from_base32(base32).map_err(|e| internal(format!("stored second-factor secret: {e}")))
}

fn step_i64(step: u64) -> Result<i64, WebError> {
    i64::try_from(step).map_err(internal)
}

fn session_cookie(state: &AppState, token: &str) -> String {
    cookies::set(cookies::SESSION, token, session::ABSOLUTE_TIMEOUT.num_seconds(), state.secure_cookies)
}

// ---------------------------------------------------------------------------------------------
// Sign-in, step two

#[derive(Template)]
#[template(path = "second_factor.html")]
struct CodePage {
    lang: Lang,
    form_token: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where the browser's session stands when it asks for the second step.
enum Pending {
    /// Waiting for its code.
    Waiting(Box<(SessionRecord, User)>),
    /// Already past it: nothing to do here.
    SignedIn,
    /// No session, or one that waited too long: back to the password.
    Gone,
}

/// The sign-in waiting for its code, if any; its session's form token is the one the code form
/// must carry.
pub struct PendingSignIn(Pending);

impl FromRequestParts<AppState> for PendingSignIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let pending = pending_sign_in(state, &parts.headers).await?;
        if let Pending::Waiting(waiting) = &pending {
            forgery::expect(&mut parts.extensions, session::form_token(&waiting.0));
        }
        Ok(PendingSignIn(pending))
    }
}

async fn pending_sign_in(state: &AppState, headers: &HeaderMap) -> Result<Pending, WebError> {
    let Some(token) = cookies::get(headers, cookies::SESSION) else { return Ok(Pending::Gone) };
    let Some(Scoped { org, hash }) = scoped_token::read(&token) else { return Ok(Pending::Gone) };
    let now = state.clock.now();
    let found = state
        .with_store(move |store| {
            let Some(session) = store.session(&org, &hash)? else { return Ok(None) };
            let user = store.user(&session.org_id, &session.user_id)?;
            Ok(user.map(|u| (session, u)))
        })
        .await?;
    Ok(match found {
        Some((session, user)) if session.stage == SessionStage::SecondFactor => {
            if session::is_stale_pending(&session, now) {
                Pending::Gone
            } else {
                Pending::Waiting(Box::new((session, user)))
            }
        }
        Some(_) => Pending::SignedIn,
        None => Pending::Gone,
    })
}

impl Pending {
    /// Where a browser with no sign-in waiting for a code goes instead.
    fn elsewhere(&self, next: &str) -> Response {
        match self {
            Pending::SignedIn => Redirect::to(next).into_response(),
            Pending::Waiting(_) | Pending::Gone => {
                Redirect::to(&format!("/login?expired=1&next={}", session::encode_next(next))).into_response()
            }
        }
    }
}

fn code_page(
    lang: Lang,
    status: StatusCode,
    session: &SessionRecord,
    next: String,
    error: Option<String>,
) -> Response {
    let page = CodePage { lang, form_token: session::form_token(session).to_owned(), next, error };
    (status, crate::ui::render(&page)).into_response()
}

pub async fn code_form(
    State(_state): State<AppState>,
    PendingSignIn(pending): PendingSignIn,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    let next = crate::account::sign_in::safe_next(query.next.as_deref());
    let Pending::Waiting(waiting) = pending else { return Ok(pending.elsewhere(&next)) };
    let (session, user) = *waiting;
    Ok(code_page(Lang::new(user.language), StatusCode::OK, &session, next, None))
}

/// Fields default to empty so that a post without a waiting sign-in is sent on like any other,
/// and an empty code is refused as a wrong one.
#[derive(Deserialize)]
pub struct CodeForm {
    next: Option<String>,
    #[serde(default)]
    code: String,
}

pub async fn submit_code(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    PendingSignIn(pending): PendingSignIn,
    form: Result<GuardedForm<CodeForm>, FormRefused<CodeForm>>,
) -> Result<Response, WebError> {
    let (form, forged) = match form {
        Ok(GuardedForm(form)) => (form, None),
        Err(FormRefused::Forged(form)) => (form, Some(FormRefused::Forged(()))),
        Err(unreadable @ FormRefused::Unreadable(_)) => return Ok(unreadable.into_response()),
    };
    let next = crate::account::sign_in::safe_next(form.next.as_deref());
    let Pending::Waiting(waiting) = pending else { return Ok(pending.elsewhere(&next)) };
    let (session, user) = *waiting;
    if let Some(refused) = forged {
        return Ok(refused.into_response());
    }
    let lang = Lang::new(user.language);
    let keys = throttle::keys(&user.email, address, None);
    let now = state.clock.now();
    // Counted before the code is checked, and handed back below only for a right code.
    if let Err(wait) = state.throttle.reserve(&keys, now) {
        tracing::warn!("second-factor code throttled");
        let minutes = (wait.num_seconds() + 59) / 60;
        let error = Some(lang.t1("login-throttled", "minutes", minutes));
        return Ok(code_page(lang, StatusCode::TOO_MANY_REQUESTS, &session, next, error));
    }
    let (org, id) = (user.org_id.clone(), user.id.clone());
    let factor = state.with_store(move |store| store.second_factor(&org, &id)).await?;
    let Some(factor) = factor.filter(|f| f.confirmed) else {
        // Removed by an administrator since the password was typed: start again.
        state.throttle.release(&keys);
        return Ok(Redirect::to("/login").into_response());
    };
    let Some(step) = secret_of(&factor.secret)?.verify(&form.code, unix_seconds(now), SKEW_STEPS) else {
        tracing::info!(user = %user.id, "second-factor code refused");
        let error = Some(lang.t("second-factor-wrong-code"));
        return Ok(code_page(lang, StatusCode::UNAUTHORIZED, &session, next, error));
    };
    let (token, complete) = session::new_session(&user, SessionStage::Complete, now)?;
    let (org, id, old, step) =
        (user.org_id.clone(), user.id.clone(), session.token_hash.clone(), step_i64(step)?);
    let accepted = state
        .with_store(move |store| {
            let promotion = Promotion { old_token_hash: &old, new: &complete };
            store.accept_second_factor_code(&org, &id, step, &promotion)
        })
        .await;
    match accepted {
        Ok(()) => {}
        Err(WebError::Invalid(_)) => {
            // A replayed code stays counted as a failure.
            let error = Some(lang.t("second-factor-code-used"));
            return Ok(code_page(lang, StatusCode::UNAUTHORIZED, &session, next, error));
        }
        Err(other) => return Err(other),
    }
    state.throttle.release(&keys);
    state.throttle.record_success(&user.email);
    tracing::info!(user = %user.id, "signed in with a second factor");
    let headers = AppendHeaders([
        (SET_COOKIE, session_cookie(&state, &token)),
        (SET_COOKIE, crate::ui::i18n::language_cookie(user.language, state.secure_cookies)),
    ]);
    Ok((headers, Redirect::to(&next)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The account's security page: enrolment and removal

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage {
    lang: Lang,
    viewer: Viewer,
    /// Signed in, but nothing else opens until a factor is set up.
    must_enrol: bool,
    required: bool,
    enrolled: bool,
    /// The secret to type into an app, in groups of four, while enrolling.
    secret_groups: String,
    /// The QR code of the `otpauth://` URI, as inline SVG.
    qr_svg: String,
    next: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct SecurityQuery {
    next: Option<String>,
    enrolled: Option<String>,
    removed: Option<String>,
}

fn qr_svg(uri: &str) -> Result<String, WebError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(internal)?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    // The renderer writes an XML declaration first, which has no place inside HTML.
    Ok(svg.find("<svg").map(|start| svg[start..].to_owned()).unwrap_or(svg))
}

fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

fn required_of(user: &User, org_requires: bool) -> bool {
    user.role == UserRole::Admin || org_requires
}

async fn security_page(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    next: String,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (org, id) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    let fresh = TotpSecret::generate().map_err(internal)?;
    let fresh_text = fresh.to_base32().expose().clone();
    let now = state.clock.now();
    let (enrolment, org_requires) = state
        .with_store(move |store| {
            Ok((
                store.second_factor_enrolment(&org, &id, &fresh_text, now)?,
                store.org_requires_second_factor(&org)?,
            ))
        })
        .await?;
    let (enrolled, secret_groups, qr) = match enrolment {
        Enrolment::AlreadyEnrolled => (true, String::new(), String::new()),
        Enrolment::Pending { secret } => {
            let totp = secret_of(&secret)?;
            let uri = totp.provisioning_uri(&signed_in.user.email);
            (false, grouped(&secret), qr_svg(uri.expose())?)
        }
    };
    let page = SecurityPage {
        lang: signed_in.lang(),
        viewer: viewer(signed_in),
        must_enrol: signed_in.stage == SessionStage::Enrolment,
        required: required_of(&signed_in.user, org_requires),
        enrolled,
        secret_groups,
        qr_svg: qr,
        next,
        notice,
        error,
    };
    Ok((status, crate::ui::render(&page)).into_response())
}

pub async fn security(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<SecurityQuery>,
) -> Result<Response, WebError> {
    let lang = signed_in.lang();
    let notice = if query.enrolled.is_some() {
        Some(lang.t("second-factor-enrolled"))
    } else if query.removed.is_some() {
        Some(lang.t("second-factor-removed"))
    } else {
        None
    };
    let next = crate::account::sign_in::safe_next(query.next.as_deref());
    security_page(&state, &signed_in, StatusCode::OK, next, notice, None).await
}

#[derive(Deserialize)]
pub struct SecurityForm {
    /// An empty code is refused as a wrong one, on the page.
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// Checks a code typed on the security page against the user's stored secret (pending or
/// confirmed, as `confirmed` says), throttled like sign-in. `Ok(None)`: refused, with the page
/// already written.
async fn checked_step(
    state: &AppState,
    signed_in: &SignedIn,
    address: Option<std::net::IpAddr>,
    form: &SecurityForm,
    confirmed: bool,
) -> Result<Result<i64, Response>, WebError> {
    let lang = signed_in.lang();
    let next = crate::account::sign_in::safe_next(form.next.as_deref());
    let keys = throttle::keys(&signed_in.user.email, address, None);
    let now = state.clock.now();
    // Counted before the code is checked, and handed back below only for a right code.
    if let Err(wait) = state.throttle.reserve(&keys, now) {
        let minutes = (wait.num_seconds() + 59) / 60;
        let error = Some(lang.t1("login-throttled", "minutes", minutes));
        let page = security_page(state, signed_in, StatusCode::TOO_MANY_REQUESTS, next, None, error).await?;
        return Ok(Err(page));
    }
    let (org, id) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    let factor = state.with_store(move |store| store.second_factor(&org, &id)).await?;
    let step = factor
        .filter(|f| f.confirmed == confirmed)
        .map(|f| secret_of(&f.secret))
        .transpose()?
        .and_then(|secret| secret.verify(&form.code, unix_seconds(now), SKEW_STEPS));
    match step {
        Some(step) => {
            state.throttle.release(&keys);
            Ok(Ok(step_i64(step)?))
        }
        None => {
            let error = Some(lang.t("second-factor-wrong-code"));
            let page =
                security_page(state, signed_in, StatusCode::UNPROCESSABLE_ENTITY, next, None, error).await?;
            Ok(Err(page))
        }
    }
}

/// Confirms enrolment with the first code; the session is replaced by a complete one.
pub async fn confirm(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ClientAddress(address): ClientAddress,
    GuardedForm(form): GuardedForm<SecurityForm>,
) -> Result<Response, WebError> {
    let step = match checked_step(&state, &signed_in, address, &form, false).await? {
        Ok(step) => step,
        Err(page) => return Ok(page),
    };
    let now = state.clock.now();
    let (token, complete) = session::new_session(&signed_in.user, SessionStage::Complete, now)?;
    let (org, id, old) =
        (signed_in.user.org_id.clone(), signed_in.user.id.clone(), signed_in.token_hash.clone());
    let confirmed = state
        .with_store(move |store| {
            let promotion = Promotion { old_token_hash: &old, new: &complete };
            store.confirm_second_factor(&org, &id, step, &promotion, now)
        })
        .await;
    if let Err(WebError::Invalid(_)) = confirmed {
        let lang = signed_in.lang();
        let next = crate::account::sign_in::safe_next(form.next.as_deref());
        let error = Some(lang.t("second-factor-code-used"));
        return security_page(&state, &signed_in, StatusCode::UNPROCESSABLE_ENTITY, next, None, error).await;
    }
    confirmed?;
    state.throttle.record_success(&signed_in.user.email);
    tracing::info!(user = %signed_in.user.id, "second factor enrolled");
    let next = crate::account::sign_in::safe_next(form.next.as_deref());
    let to = if next == "/" { "/account/security?enrolled=1".to_owned() } else { next };
    Ok(([(SET_COOKIE, session_cookie(&state, &token))], Redirect::to(&to)).into_response())
}

/// Removes one's own factor, proven by a current code.
pub async fn remove(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ClientAddress(address): ClientAddress,
    GuardedForm(form): GuardedForm<SecurityForm>,
) -> Result<Response, WebError> {
    // The code only proves the phone is at hand; the secret it belongs to is deleted with the factor.
    if let Err(page) = checked_step(&state, &signed_in, address, &form, true).await? {
        return Ok(page);
    }
    let now = state.clock.now();
    let (org, id) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    let removed =
        state.with_store(move |store| store.remove_second_factor(&org, &id, Some(&id), now)).await?;
    tracing::info!(user = %signed_in.user.id, removed, "second factor removed by its owner");
    Ok(Redirect::to("/account/security?removed=1").into_response())
}

// ---------------------------------------------------------------------------------------------
// Administration

/// An administrator removes someone's factor (a lost phone): their sessions end, and if a factor is
/// required of them they set up a new one at their next sign-in.
/// Whether the person had a second factor that was removed.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct SecondFactorResetAnswer {
    removed: bool,
}

pub async fn reset(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedWrite,
) -> Result<Response, ApiError> {
    let (org, by, user, now) =
        (signed_in.user.org_id.clone(), signed_in.user.id.clone(), UserId(id), state.clock.now());
    let removed =
        state.with_store(move |store| store.remove_second_factor(&org, &user, Some(&by), now)).await?;
    tracing::info!(by = %signed_in.user.id, removed, "second factor reset");
    Ok(axum::Json(SecondFactorResetAnswer { removed }).into_response())
}
