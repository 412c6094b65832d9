//! The case API under `/api/v1`: the case list, one case, the open notices an answer may name, and
//! recording an event. Reads need a
//! session; writes also need the session's form token in a header (see [`crate::http::forgery`]),
//! and the case version they were based on.

use amparo_domain::RawEvent;
use amparo_store::{CASE_LIST_COUNT_CAP, CaseId, StoreError, StoredCase};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::cases::list::params;
use crate::http::answers::VersionAnswer;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::input::Params;
use crate::http::paging::Paging;
use crate::http::session::SignedIn;

/// One case of the list.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseListItem {
    id: String,
    reference: String,
    program: &'static str,
    patient_name: String,
    people: i64,
    version: i64,
    critical_care: bool,
    status: &'static str,
    triage_score: i64,
    /// The next deadline's date (`YYYY-MM-DD`), if the case has one.
    next_due: Option<String>,
    next_kind: Option<String>,
    closed: bool,
}

/// A page of the case list: at most `limit` cases from `offset`, `total` matching in all.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseListAnswer {
    items: Vec<CaseListItem>,
    #[serde(flatten)]
    paging: Paging,
    /// Whether more cases match than `total` says: the count stopped at the cap (at least 1,000, or
    /// `offset` + `limit` when that is more).
    total_capped: bool,
}

/// One case: its id, version (send it with the next write) and its `amparo.case/1` document.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseAnswer {
    id: String,
    version: i64,
    /// The case as an `amparo.case/1` document (`docs/case-file.md`).
    #[schema(value_type = crate::openapi::shapes::CaseFileAnswer)]
    file: serde_json::Value,
}

/// `GET /api/v1/cases`: the parameters of the case list page (see `list_params`), paged by `offset`
/// and `limit`.
pub async fn list_cases(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params(params);
    let (offset, limit) = params::offset_limit(&params)?;
    let today = signed_in.today(state.clock.now());
    let mut query = params::parse(&params, &signed_in.user.id, today)?.query;
    query.shared_with = crate::cases::visibility::shared_only(&signed_in.user);
    query.offset = offset;
    query.limit = limit;
    query.count_up_to = Some(CASE_LIST_COUNT_CAP.max(offset + limit));
    let org = signed_in.user.org_id.clone();
    let page = state
        .with_store(move |store| {
            if let Some(user) = &query.assigned_to
                && store.user(&org, user)?.is_none()
            {
                return Err(StoreError::field("assigned", amparo_domain::Problem::NoSuchStaff));
            }
            store.list_cases(&org, &query)
        })
        .await?;
    let cases: Vec<CaseListItem> = page
        .cases
        .into_iter()
        .map(|c| CaseListItem {
            id: c.id.0,
            reference: c.reference,
            program: c.program.as_str(),
            patient_name: c.patient_name,
            people: c.people,
            version: c.version,
            critical_care: c.critical_care,
            status: c.status.as_str(),
            triage_score: c.triage_score,
            next_due: c.next_due.map(|d| d.to_string()),
            next_kind: c.next_kind,
            closed: c.closed,
        })
        .collect();
    let more = page.total_capped || offset + limit < page.total;
    let paging = Paging::of("/api/v1/cases", &params, ("offset", offset + limit), more, page.total);
    Ok(Json(CaseListAnswer { items: cases, paging, total_capped: page.total_capped }).into_response())
}

pub(crate) fn case_json(case: &StoredCase) -> Result<CaseAnswer, WebError> {
    let file: serde_json::Value =
        serde_json::from_str(&case.file.to_json()).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(CaseAnswer { id: case.id.0.clone(), version: case.version, file })
}

pub async fn get_case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let mut case = state
        .with_store(move |store| crate::cases::actions::read_case(store, &user, &CaseId(id), "api", now))
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    if !crate::cases::visibility::sees_timeline(&signed_in.user) {
        case.file.events.clear();
        case.file.extensions.voids.clear();
    }
    Ok(Json(case_json(&case)?).into_response())
}

/// An event to record on the case's timeline, at the case version it was based on.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "expected_version": 3, "event": {
    "type": "termination_notice", "on": "2026-03-01", "served_by": "personal", "depart_by": "2026-03-08" } }))]
pub struct AppendRequest {
    expected_version: i64,
    /// The event, as in the `events` of an `amparo.case/1` document.
    #[schema(value_type = crate::openapi::events::TimelineEvent)]
    #[serde(deserialize_with = "amparo_domain::objects::object")]
    event: RawEvent,
}

pub async fn append_event(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(request): GuardedJson<AppendRequest>,
) -> Result<Response, ApiError> {
    let event =
        request.event.into_event().map_err(|e| WebError::field(format!("event.{}", e.field), e.problem))?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let version = state
        .with_store(move |store| {
            let case = CaseId(id);
            crate::cases::actions::record_event(store, &user, &case, request.expected_version, &event, now)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(VersionAnswer { version })).into_response())
}

/// An open notice an answer may name in its `answers` field.
#[derive(Serialize, ToSchema)]
pub(crate) struct AnswerableNotice {
    id: String,
    #[serde(rename = "type")]
    event_type: &'static str,
    on: String,
    /// `null` when the notice concerns everyone on the case.
    persons: Option<Vec<String>>,
}

/// The open notices an answer of `answer_type` may name.
#[derive(Serialize, ToSchema)]
pub(crate) struct AnswerableAnswer {
    answer_type: String,
    notices: Vec<AnswerableNotice>,
}

/// `GET /api/v1/cases/{id}/answerable?type=rfe_answered`: the open notices an answer of that type
/// may name in `answers` (of the kind it answers, dated today or earlier), in timeline order.
pub async fn answerable_notices(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params(params);
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = state
        .with_store(move |store| crate::cases::actions::read_case(store, &user, &CaseId(id), "api", now))
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    // Checked after the case, so a case the reader may not see is "not found" whatever they ask.
    let answer_type = params.get("type").unwrap_or_default().to_owned();
    if amparo_domain::event::answered_type(&answer_type).is_none() {
        let problem = if answer_type.is_empty() {
            amparo_domain::Problem::Missing { field: "type".into() }
        } else {
            amparo_domain::Problem::UnknownEventType { value: answer_type }
        };
        return Err(WebError::field("type", problem).into());
    }
    // Someone who does not see the timeline is offered no notice from it.
    let notices = if crate::cases::visibility::sees_timeline(&signed_in.user) {
        let today = signed_in.today(now);
        amparo_domain::rules::answerable_notices(&case.file.in_force(), &answer_type, today)
            .into_iter()
            .filter_map(|notice| {
                Some(AnswerableNotice {
                    id: notice.id.clone()?,
                    event_type: notice.kind.type_name(),
                    on: notice.on.to_string(),
                    persons: notice.persons.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(AnswerableAnswer { answer_type, notices }).into_response())
}
