//! A person's calendar feeds through the API, as the feeds page has them: `GET
//! /api/v1/calendar/feeds` lists their feeds, `POST` makes one (of their cases, or of one case they
//! see) and answers its address this once, as tokens are shown, and `DELETE
//! /api/v1/calendar/feeds/{id}` revokes one. The page's own calls do the work (`feeds`).

use amparo_domain::objects::Object;
use amparo_store::{CalendarFeed, CaseId, FeedId};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::{GuardedJson, GuardedWrite};
use crate::http::paging::Paging;
use crate::http::session::SignedIn;
use crate::notifications::feeds::{self, FeedScope};

/// One of the reader's calendar feeds (its address is never shown again after it is made).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({ "id": "0190b6a8-0000-7000-8000-000000000020",
    "case_id": "0190b6a8-0000-7000-8000-000000000002", "reference": "A-1",
    "created_at": "2026-03-01T15:00:00Z", "revoked_at": null }))]
pub struct FeedAnswer {
    id: String,
    /// The one case it shows; null for a feed of every case the reader works.
    case_id: Option<String>,
    /// That case's reference.
    reference: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    created_at: DateTime<Utc>,
    /// When it was revoked; null while its address works.
    #[schema(value_type = Option<String>, format = DateTime)]
    revoked_at: Option<DateTime<Utc>>,
}

impl From<CalendarFeed> for FeedAnswer {
    fn from(feed: CalendarFeed) -> FeedAnswer {
        FeedAnswer {
            id: feed.id.0,
            case_id: feed.case_id.map(|c| c.0),
            reference: feed.reference,
            created_at: feed.created_at,
            revoked_at: feed.revoked_at,
        }
    }
}

/// The reader's calendar feeds, newest first.
#[derive(Serialize, ToSchema)]
pub struct FeedsAnswer {
    items: Vec<FeedAnswer>,
    #[serde(flatten)]
    paging: Paging,
}

/// A feed to make: of one case (`case_id`), or of every case the reader works (no `case_id`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "case_id": "0190b6a8-0000-7000-8000-000000000002" }))]
pub struct FeedRequest {
    #[serde(default)]
    case_id: Option<String>,
}

/// A feed just made, with its address: the secret in it is shown this once.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({ "feed": { "id": "0190b6a8-0000-7000-8000-000000000020", "case_id": null,
    "reference": null, "created_at": "2026-03-01T15:00:00Z", "revoked_at": null },
    "address": "https://amparo.example.org/calendar/feed/org_…_secret.ics" }))]
pub struct CreatedFeedAnswer {
    feed: FeedAnswer,
    /// The iCalendar address a calendar program subscribes to; it works without signing in.
    address: String,
}

async fn feeds_of(state: &AppState, signed_in: &SignedIn) -> Result<Vec<CalendarFeed>, WebError> {
    let (org, user) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    state.with_store(move |store| store.calendar_feeds(&org, &user)).await
}

pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    let feeds = feeds_of(&state, &signed_in).await?;
    let paging = Paging::whole(feeds.len());
    Ok(Json(FeedsAnswer { items: feeds.into_iter().map(FeedAnswer::from).collect(), paging }).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    GuardedJson(Object(request)): GuardedJson<Object<FeedRequest>>,
) -> Result<Response, ApiError> {
    let scope = request.case_id.map_or(FeedScope::Mine, |id| FeedScope::Case(CaseId(id)));
    let (feed, address) = feeds::create_feed(&state, &signed_in, &headers, scope).await?;
    let answer = CreatedFeedAnswer { feed: feed.into(), address };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _write: GuardedWrite,
) -> Result<Response, ApiError> {
    let id = FeedId(id);
    feeds::revoke_feed(&state, &signed_in, id.clone()).await?;
    let revoked = feeds_of(&state, &signed_in)
        .await?
        .into_iter()
        .find(|feed| feed.id == id)
        .ok_or_else(|| WebError::NotFound("calendar feed".into()))?;
    Ok(Json(FeedAnswer::from(revoked)).into_response())
}
