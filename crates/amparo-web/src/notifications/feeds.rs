//! Calendar feeds: each person manages their own secret feed addresses (of their cases, or of one
//! case) and revokes them, on the page and through the API (`feeds_api`); the feed itself is served to calendar programs without a session, found
//! by the SHA-256 of the secret in its address. An unknown or revoked address answers 404, and so
//! does one whose owner no longer sees what it shows (checked by the store at every fetch).

use amparo_notify::ical;
use amparo_store::{CalendarFeed, FeedId};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HOST, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::notifications::in_app::texts;
use crate::ui::page::Viewer;
use crate::ui::viewer;

pub struct FeedView {
    pub id: String,
    pub label: String,
    pub created_at: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "feeds.html")]
struct CalendarPage {
    lang: crate::ui::i18n::Lang,
    viewer: Viewer,
    title: String,
    intro: String,
    new_mine: String,
    new_case: String,
    revoke: String,
    revoked: String,
    created_label: String,
    created: Option<String>,
    /// The new address with the `webcal://` scheme, which calendar programs open to subscribe.
    subscribe: Option<String>,
    subscribe_label: String,
    feeds: Vec<FeedView>,
}

/// Where the site is reached: the configured public address, else the request's Host.
fn site(state: &AppState, headers: &HeaderMap) -> String {
    match &state.notifications.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            let scheme = if state.secure_cookies { "https" } else { "http" };
            format!("{scheme}://{host}")
        }
    }
}

/// `https://host/…` as `webcal://host/…`: the same feed, opened by the calendar program.
fn webcal(address: &str) -> String {
    let rest = address.split_once("://").map_or(address, |(_, rest)| rest);
    format!("webcal://{rest}")
}

async fn show(state: AppState, signed_in: SignedIn, created: Option<String>) -> Result<Response, WebError> {
    let texts = texts()?;
    let (org, user) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    let feeds = state.with_store(move |store| store.calendar_feeds(&org, &user)).await?;
    let language = signed_in.user.language;
    let t = |id: &str| texts.get(language, id, &[]);
    let label = |feed: &CalendarFeed| match &feed.reference {
        Some(reference) => texts.get(language, "calendar-case", &[("reference", reference.as_str().into())]),
        None => t("calendar-mine"),
    };
    let view = CalendarPage {
        lang: signed_in.lang(),
        viewer: viewer(&signed_in),
        title: t("calendar-title"),
        intro: t("calendar-intro"),
        new_mine: t("calendar-new-mine"),
        new_case: t("calendar-new-case"),
        revoke: t("calendar-revoke"),
        revoked: t("calendar-revoked"),
        created_label: t("calendar-created"),
        subscribe: created.as_deref().map(webcal),
        subscribe_label: signed_in.lang().t("feeds-subscribe"),
        created,
        feeds: feeds
            .iter()
            .map(|f| FeedView {
                id: f.id.0.clone(),
                label: label(f),
                created_at: amparo_notify::render::moment(f.created_at, signed_in.zone),
                revoked: f.revoked_at.is_some(),
            })
            .collect(),
    };
    Ok(crate::ui::render(&view).into_response())
}

pub async fn page(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    show(state, signed_in, None).await
}

/// Which deadlines a new feed shows.
pub enum FeedScope {
    /// Those of every case the person works.
    Mine,
    /// Those of the case with this reference (the page's field).
    Reference(String),
    /// Those of this case (the API's).
    Case(amparo_store::CaseId),
}

/// Creates a feed of `scope` for the signed-in person, checked against the cases they see and
/// audited by the store: the feed and its address, whose secret is shown this once.
pub async fn create_feed(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    scope: FeedScope,
) -> Result<(CalendarFeed, String), WebError> {
    let (token, scoped) = crate::http::scoped_token::issue(&signed_in.user.org_id)?;
    let hash = scoped.hash;
    let (actor, now) = (amparo_store::Actor::of(&signed_in.user), state.clock.now());
    let feed = state
        .with_store(move |store| {
            let org = &actor.org;
            let case = match scope {
                FeedScope::Mine => None,
                FeedScope::Case(case) => Some(case),
                FeedScope::Reference(reference) => Some(
                    store
                        .case_by_reference(org, &reference)?
                        .ok_or_else(|| {
                            let problem = amparo_domain::Problem::NoSuchCase { reference: reference.clone() };
                            amparo_store::StoreError::field("reference", problem)
                        })?
                        .id,
                ),
            };
            store.create_calendar_feed_as(&actor, case.as_ref(), &hash, now)
        })
        .await?;
    tracing::info!(user = %signed_in.user.id, "calendar feed created");
    Ok((feed, format!("{}/calendar/feed/{token}.ics", site(state, headers))))
}

/// Creates a feed (`reference` empty: the person's own cases) and shows its address once.
pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let reference = form.get("reference").map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    let scope = reference.map_or(FeedScope::Mine, FeedScope::Reference);
    let (_, address) = create_feed(&state, &signed_in, &headers, scope).await?;
    show(state, signed_in, Some(address)).await
}

/// Revokes one of the signed-in person's feeds: its address answers 404 from now on.
pub async fn revoke_feed(state: &AppState, signed_in: &SignedIn, id: FeedId) -> Result<(), WebError> {
    let (org, user, now) = (signed_in.user.org_id.clone(), signed_in.user.id.clone(), state.clock.now());
    state.with_store(move |store| store.revoke_calendar_feed(&org, &user, &id, now)).await?;
    tracing::info!(user = %signed_in.user.id, "calendar feed revoked");
    Ok(())
}

pub async fn revoke(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    revoke_feed(&state, &signed_in, FeedId(id)).await?;
    Ok(Redirect::to("/calendar/feeds").into_response())
}

/// The feed a calendar program fetches: `/calendar/feed/{secret}.ics`. What its owner may no longer
/// see (revoked, the case unshared, the owner gone) answers 404 like an unknown address, whatever
/// the reason.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, WebError> {
    let not_found = || WebError::NotFound("calendar".into());
    let token = file.strip_suffix(".ics").ok_or_else(not_found)?.to_owned();
    // An address of the older form names no organisation: unknown, as a revoked one is.
    let scoped = crate::http::scoped_token::read(&token).ok_or_else(not_found)?;
    let now = state.clock.now();
    let found = state
        .with_store(move |store| {
            let Some(feed) = store.calendar_feed_by_token(&scoped.org, &scoped.hash)? else {
                return Ok(None);
            };
            let Some(owner) = store.user(&feed.org_id, &feed.user_id)? else { return Ok(None) };
            let zone = store.time_zone(&feed.org_id)?;
            Ok(store.fetch_calendar_feed(&feed, now)?.map(|entries| (entries, (owner.language, zone))))
        })
        .await?;
    let (entries, reader) = found.ok_or_else(not_found)?;
    let body = ical::feed(texts()?, reader, &entries, state.clock.now());
    Ok((StatusCode::OK, [(CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response())
}
