//! Signing in with a password (and, for accounts with a second factor, on to the code page), signing
//! out of this browser, and signing out everywhere at once.

use amparo_store::SessionStage;

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::account::password_hash;
use crate::account::views::LoginPage;
use crate::http::client_address::ClientAddress;
use crate::http::error::WebError;
use crate::http::forgery::{self, GuardedForm};
use crate::http::session::{SignedIn, new_session};
use crate::http::{cookies, throttle};
use crate::ui::i18n::{self, Lang};

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    reset: Option<String>,
    /// A form sent after the session ended was kept: the page says so.
    kept: Option<String>,
}

/// Only paths of this site are followed after sign-in, so the form cannot send people elsewhere.
pub(crate) use crate::http::next_path::safe_next;

fn login_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let (form_token, cookie) = forgery::issue_sign_in_token(state.secure_cookies)?;
    let page = LoginPage { lang, form_token, next, email, error, notice };
    Ok((status, [(SET_COOKIE, cookie)], crate::ui::render(&page)).into_response())
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let lang = i18n::from_request(&headers);
    let notice = match (query.expired, query.reset, query.kept) {
        (_, Some(_), _) => Some(lang.t("login-password-changed")),
        (_, None, Some(_)) => Some(lang.t("login-form-kept")),
        (Some(_), None, None) => Some(lang.t("login-expired")),
        (None, None, None) => None,
    };
    login_page(&state, lang, StatusCode::OK, safe_next(query.next.as_deref()), String::new(), None, notice)
}

#[derive(Deserialize)]
pub struct LoginForm {
    next: Option<String>,
    email: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    GuardedForm(form): GuardedForm<LoginForm>,
) -> Result<Response, WebError> {
    let lang = i18n::from_request(&headers);
    let email = form.email.trim().to_lowercase();
    let next = safe_next(form.next.as_deref());
    let started = state.clock.now();
    // A browser this account signed in from before is throttled on its own, so that failures from
    // elsewhere (or from everyone behind the same proxy) do not shut its owner out.
    let device = cookies::get(&headers, throttle::DEVICE_COOKIE)
        .and_then(|token| state.throttle.known_device(&token, &email, started));
    let throttle_keys = throttle::keys(&email, address, device.as_ref());
    // Refused before the password is looked at, right or wrong: a guessing loop learns nothing. The
    // attempt is counted now, before the slow hash, and handed back only if the password is right,
    // so a burst of parallel guesses gets no more checks than the limit.
    if let Err(wait) = state.throttle.reserve(&throttle_keys, started) {
        tracing::warn!("sign-in throttled");
        let minutes = (wait.num_seconds() + 59) / 60;
        let error = Some(lang.t1("login-throttled", "minutes", minutes));
        let mut response = login_page(&state, lang, StatusCode::TOO_MANY_REQUESTS, next, email, error, None)?;
        if let Ok(value) = axum::http::HeaderValue::from_str(&wait.num_seconds().max(1).to_string()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    let lookup = email.clone();
    let credentials = state.with_store(move |store| store.credentials_by_email(&lookup)).await?;
    let password_text = form.password;
    // Verify even for an unknown email, against a dummy hash, so timing does not reveal which emails exist.
    let (hash, user, stage) = match credentials {
        Some(c) => {
            let stage = amparo_store::stage_after_password(c.second_factor, c.second_factor_required());
            (c.password_hash.clone(), Some(c.user), stage)
        }
        None => (password_hash::DUMMY_HASH.to_owned(), None, SessionStage::Complete),
    };
    let outcome = password_hash::off_executor(move || {
        let outcome = password_hash::check_password(&password_text, &hash);
        // A hash from before passwords were normalised: replaced by one of the normalised form,
        // made here while the password is at hand (the only time it is).
        let upgrade = match outcome {
            password_hash::PasswordMatch::Raw => Some(password_hash::hash_password(&password_text)),
            _ => None,
        };
        (outcome, upgrade)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    let (matched, upgrade) = outcome;
    let user = match user {
        Some(user) if matched != password_hash::PasswordMatch::No => user,
        known => {
            tracing::info!("sign-in refused");
            // A wrong password for a known account goes in its organisation's trail (an unknown
            // email belongs to no organisation: the log's line is all there is of it).
            if let Some(user) = known {
                record_sign_in(&state, &user, "sign_in.failed").await?;
            }
            let error = Some(lang.t("login-refused"));
            return login_page(&state, lang, StatusCode::UNAUTHORIZED, next, email, error, None);
        }
    };
    if let Some(new_hash) = upgrade {
        let new_hash = new_hash.map_err(WebError::Internal)?;
        let (org, id) = (user.org_id.clone(), user.id.clone());
        state
            .with_store(move |store| {
                store.set_password(&org, &id, &new_hash)?;
                let event = amparo_store::AuditEvent {
                    actor: Some(id.clone()),
                    action: "password.rehashed".into(),
                    target: id.as_str().to_owned(),
                    detail: serde_json::json!({ "form": "nfc" }),
                };
                store.record_audit(&org, &event, started)
            })
            .await?;
        tracing::info!(user = %user.id, "password hash upgraded to the normalised form");
    }
    // With a second factor to come, the account's failures are cleared only by a right code:
    // otherwise each retyped password would buy a fresh run of code guesses.
    state.throttle.release(&throttle_keys);
    if stage != SessionStage::SecondFactor {
        state.throttle.record_success(&email);
    }
    // A form this browser sent after its last session ended becomes this person's, or is dropped
    // when it was someone else's.
    crate::http::kept_forms::claim(&state, &headers, &user).await?;
    let (token, session) = new_session(&user, stage, state.clock.now())?;
    let (max_age, next) = match stage {
        SessionStage::Complete => {
            tracing::info!(user = %user.id, "signed in");
            (crate::http::session::ABSOLUTE_TIMEOUT.num_seconds(), next)
        }
        SessionStage::SecondFactor => {
            tracing::info!(user = %user.id, "password accepted; second-factor code to come");
            let to = format!("/login/second-factor?next={}", crate::http::session::encode_next(&next));
            (crate::http::session::PENDING_LIFETIME.num_seconds(), to)
        }
        SessionStage::Enrolment => {
            tracing::info!(user = %user.id, "signed in; a second factor must be set up");
            let to =
                format!("/account/security?required=1&next={}", crate::http::session::encode_next(&next));
            (crate::http::session::ABSOLUTE_TIMEOUT.num_seconds(), to)
        }
    };
    // Appended, not inserted: two cookies means two Set-Cookie headers.
    // The language cookie follows the user's own choice, so pages shown after sign-out stay in it.
    let mut cookies_set = vec![
        cookies::set(cookies::SESSION, &token, max_age, state.secure_cookies),
        forgery::clear_sign_in_token(state.secure_cookies),
        i18n::language_cookie(user.language, state.secure_cookies),
    ];
    // A browser not yet known for this account becomes known (one already known keeps its cookie).
    if device.is_none() {
        let device_token = state
            .throttle
            .remember_device(&email, started)
            .map_err(|e| WebError::Internal(format!("device cookie: {e}")))?;
        let lifetime = throttle::DEVICE_LIFETIME.num_seconds();
        cookies_set.push(cookies::set(
            throttle::DEVICE_COOKIE,
            &device_token,
            lifetime,
            state.secure_cookies,
        ));
    }
    let headers = AppendHeaders(cookies_set.into_iter().map(|cookie| (SET_COOKIE, cookie)));
    // Everything that could still fail is done before the session is stored: a refused request
    // leaves no session behind.
    axum::http::HeaderValue::from_str(&next)
        .map_err(|e| WebError::Internal(format!("sign-in redirect: {e}")))?;
    state.with_store(move |store| store.create_session(&session)).await?;
    record_sign_in(&state, &user, "sign_in.succeeded").await?;
    Ok((headers, Redirect::to(&next)).into_response())
}

/// Records a sign-in attempt on a known account in its organisation's trail, by id.
async fn record_sign_in(state: &AppState, user: &amparo_store::User, action: &str) -> Result<(), WebError> {
    let (org, now) = (user.org_id.clone(), state.clock.now());
    let event = amparo_store::AuditEvent {
        actor: Some(user.id.clone()),
        action: action.to_owned(),
        target: user.id.as_str().to_owned(),
        detail: serde_json::json!({}),
    };
    state.with_store(move |store| store.record_audit(&org, &event, now)).await
}

pub async fn logout(
    State(state): State<AppState>,
    signed_in: SignedIn,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (org, hash) = (signed_in.user.org_id.clone(), signed_in.token_hash.clone());
    state.with_store(move |store| store.delete_session(&org, &hash)).await?;
    let cookie = cookies::set(cookies::SESSION, "", 0, state.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// Signs the user out on every device (a lost phone, a shared computer): every session ends.
pub async fn logout_everywhere(
    State(state): State<AppState>,
    signed_in: SignedIn,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let ended =
        state.with_store(move |store| Ok(store.sign_out_everywhere(&user.org_id, &user.id, now)?.0)).await?;
    tracing::info!(user = %signed_in.user.id, sessions = ended, "signed out everywhere");
    let cookie = cookies::set(cookies::SESSION, "", 0, state.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}
