//! The triage API under `/api/v1`: the board, escalations, tasks, assignments and programme-wide
//! reviews. Reads need a session; writes also need the session's form token in a header.
//! Every id is looked up inside the signed-in user's organisation, so another organisation's ids
//! answer 404.

use amparo_domain::Date;
use amparo_domain::objects::Object;
use amparo_store::{CaseId, CaseSelection, ReviewTask, Task, TaskId, UserId};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedJson;
use crate::http::input::{self, MAX_DUE_IN_HOURS, Params};
use crate::http::paging::Paging;
use crate::http::session::SignedIn;
use crate::triage::actions;

/// Legal dates are calendar dates, taken in the organisation's time zone.
fn today(state: &AppState, signed_in: &SignedIn) -> Date {
    signed_in.today(state.clock.now())
}

/// A task as the API shows it: the stored task plus whether it is overdue.
#[derive(Serialize)]
struct TaskJson {
    #[serde(flatten)]
    task: Task,
    overdue: bool,
}

fn task_json(task: Task, now: DateTime<Utc>) -> TaskJson {
    TaskJson { overdue: task.done_at.is_none() && task.due_at <= now, task }
}

/// A page of the triage board: open cases, most urgent first, with the reasons.
#[derive(Serialize, ToSchema)]
pub(crate) struct BoardAnswer {
    #[schema(value_type = Vec<crate::openapi::shapes::BoardEntry>)]
    items: Vec<amparo_store::BoardEntry>,
    #[serde(flatten)]
    paging: Paging,
}

/// A case's escalations with their checklists (each task with `overdue`).
#[derive(Serialize, ToSchema)]
pub(crate) struct EscalationsAnswer {
    #[schema(value_type = Vec<crate::openapi::shapes::Escalation>)]
    items: Vec<serde_json::Value>,
    #[serde(flatten)]
    paging: Paging,
}

/// Tasks, each with whether it is overdue.
#[derive(Serialize, ToSchema)]
pub(crate) struct TasksAnswer {
    #[schema(value_type = Vec<crate::openapi::shapes::Task>)]
    items: Vec<TaskJson>,
    #[serde(flatten)]
    paging: Paging,
}

/// A completed task, and whether its escalation closed with it.
#[derive(Serialize, ToSchema)]
pub(crate) struct CompletedAnswer {
    #[schema(value_type = crate::openapi::shapes::Task)]
    task: TaskJson,
    escalation_closed: bool,
}

/// A task as it stands after a change.
#[derive(Serialize, ToSchema)]
pub(crate) struct TaskAnswer {
    #[schema(value_type = crate::openapi::shapes::Task)]
    task: TaskJson,
}

/// A case's assignments after a change.
#[derive(Serialize, ToSchema)]
pub(crate) struct AssignmentsAnswer {
    #[schema(value_type = Vec<crate::openapi::shapes::Assignment>)]
    assignments: Vec<amparo_store::Assignment>,
}

/// The cases a programme-wide review would open a task on.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReviewPreviewAnswer {
    #[schema(value_type = Vec<crate::openapi::shapes::SelectedCase>)]
    items: Vec<amparo_store::SelectedCase>,
    #[serde(flatten)]
    paging: Paging,
}

/// How many cases a review selected and how many tasks it opened.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReviewAnswer {
    selected: usize,
    created: usize,
}

pub async fn board(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params(params);
    params.only(&["critical", "mine", "program", "due_within", "offset", "limit"])?;
    let mut filter = input::board_filter(&params, &signed_in.user.id, today(&state, &signed_in))?;
    filter.shared_with = crate::cases::visibility::shared_only(&signed_in.user);
    filter.offset = params.int("offset", 0, i64::MAX)?.unwrap_or(0);
    filter.limit = params.int("limit", 1, 500)?.unwrap_or(50);
    let filter_end = filter.offset.saturating_add(filter.limit);
    let org = signed_in.user.org_id.clone();
    let page = state.with_store(move |store| store.board(&org, &filter)).await?;
    let more = filter_end < page.total;
    let paging = Paging::of("/api/v1/triage", &params, ("offset", filter_end), more, page.total);
    Ok(Json(BoardAnswer { items: page.entries, paging }).into_response())
}

pub async fn case_escalations(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let org = signed_in.user.org_id.clone();
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let escalations = state
        .with_store(move |store| {
            let case = CaseId(id);
            if !crate::cases::visibility::may_see(store, &user, &case)? || store.case(&org, &case)?.is_none()
            {
                return Ok(None);
            }
            let mut escalations = store.escalations(&org, &case)?;
            // A clinician reads only the tasks that are theirs.
            if !crate::cases::visibility::sees_timeline(&user) {
                for escalation in &mut escalations {
                    escalation.tasks.retain(|t| t.owner_id.as_ref() == Some(&user.id));
                }
                escalations.retain(|e| !e.tasks.is_empty());
            }
            Ok(Some(escalations))
        })
        .await?
        .ok_or_else(|| WebError::NotFound("case".into()))?;
    let escalations: Vec<serde_json::Value> = escalations
        .into_iter()
        .map(|mut e| {
            let tasks: Vec<TaskJson> =
                std::mem::take(&mut e.tasks).into_iter().map(|t| task_json(t, now)).collect();
            let mut value = serde_json::to_value(&e).map_err(|e| WebError::Internal(e.to_string()))?;
            value["tasks"] = serde_json::to_value(tasks).map_err(|e| WebError::Internal(e.to_string()))?;
            Ok(value)
        })
        .collect::<Result<_, WebError>>()?;
    Ok(Json(EscalationsAnswer { paging: Paging::whole(escalations.len()), items: escalations })
        .into_response())
}

pub async fn my_tasks(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    let org = signed_in.user.org_id.clone();
    let me = signed_in.user.id.clone();
    let now = state.clock.now();
    let tasks = state.with_store(move |store| store.open_tasks(&org, &me)).await?;
    Ok(Json(tasks_answer(tasks, now)).into_response())
}

/// `tasks` as the API lists them, each with whether it is overdue at `now`.
pub(crate) fn tasks_answer(tasks: Vec<Task>, now: DateTime<Utc>) -> TasksAnswer {
    let tasks: Vec<TaskJson> = tasks.into_iter().map(|t| task_json(t, now)).collect();
    TasksAnswer { paging: Paging::whole(tasks.len()), items: tasks }
}

/// Completes a task, with an optional note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    #[serde(default)]
    note: Option<String>,
}

pub async fn complete_task(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(Object(request)): GuardedJson<Object<CompleteRequest>>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let (task, escalation_closed) = state
        .with_store(move |store| {
            let done = actions::complete_task(store, &user, &TaskId(id), request.note.as_deref(), now)?;
            let closed = match &done.escalation_id {
                Some(escalation) => store
                    .escalations(&user.org_id, &done.case_id)?
                    .iter()
                    .any(|e| &e.id == escalation && e.closed_at.is_some()),
                None => false,
            };
            Ok((done, closed))
        })
        .await?;
    tracing::info!(task = %task.id, case = %task.case_id, "task completed");
    Ok(Json(CompletedAnswer { task: task_json(task, now), escalation_closed }).into_response())
}

/// Hands a task to another staff member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignRequest {
    /// The staff member's id.
    #[schema(value_type = String)]
    owner: UserId,
}

pub async fn reassign_task(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(Object(request)): GuardedJson<Object<ReassignRequest>>,
) -> Result<Response, ApiError> {
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let task = state
        .with_store(move |store| actions::reassign_task(store, &user, &TaskId(id), &request.owner, now))
        .await?;
    tracing::info!(task = %task.id, "task reassigned");
    Ok(Json(TaskAnswer { task: task_json(task, now) }).into_response())
}

/// `user` must be given: a user id to assign, or `null` to clear the role.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<UserId>, D::Error> {
    Option::<UserId>::deserialize(deserializer)
}

/// Assigns a staff member to a case in a role, or clears the role (`"user": null`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "role": "attorney", "user": "0190b6a8-0000-7000-8000-000000000001" }))]
pub struct AssignRequest {
    /// The assignment role (`attorney`, `advocate` or `clinician`).
    role: String,
    /// A staff member's id, or `null` to clear the role.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>, required = true)]
    user: Option<UserId>,
}

pub async fn assign(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedJson(Object(request)): GuardedJson<Object<AssignRequest>>,
) -> Result<Response, ApiError> {
    let role = amparo_store::parse_role(&request.role).map_err(WebError::from)?;
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(id);
    let logged = case.clone();
    let assignments = state
        .with_store(move |store| {
            actions::assign(store, &user, &case, role, request.user.as_ref(), now)?;
            store.assignments(&user.org_id, &case)
        })
        .await?;
    tracing::info!(case = %logged, role = role.as_str(), "assignment changed");
    Ok(Json(AssignmentsAnswer { assignments }).into_response())
}

pub async fn review_preview(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params(params);
    params.only(&["program", "class_of_admission", "citizenship", "parole_ends_before"])?;
    let selection = input::selection(&params)?;
    let org = signed_in.user.org_id.clone();
    let cases = state.with_store(move |store| store.select_cases(&org, &selection)).await?;
    Ok(Json(ReviewPreviewAnswer { paging: Paging::whole(cases.len()), items: cases }).into_response())
}

/// Opens a review task on every case the selection picks.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// `{"program"?, "class_of_admission"?, "citizenship"?, "parole_ends_before"?}`.
    #[serde(deserialize_with = "amparo_domain::objects::object")]
    #[schema(value_type = Object)]
    selection: CaseSelection,
    key: String,
    title_en: String,
    title_es: String,
    due_in_hours: u32,
}

pub async fn open_reviews(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedJson(Object(request)): GuardedJson<Object<ReviewRequest>>,
) -> Result<Response, ApiError> {
    if request.due_in_hours > MAX_DUE_IN_HOURS {
        let problem = amparo_domain::Problem::AtMost { max: i64::from(MAX_DUE_IN_HOURS) };
        return Err(WebError::field("due_in_hours", problem).into());
    }
    let review = ReviewTask {
        key: request.key,
        title_en: request.title_en,
        title_es: request.title_es,
        due_in_hours: request.due_in_hours,
    };
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let selection = request.selection;
    let outcome =
        state.with_store(move |store| actions::open_reviews(store, &user, &selection, &review, now)).await?;
    tracing::info!(selected = outcome.selected, created = outcome.created, "programme review opened");
    Ok(Json(ReviewAnswer { selected: outcome.selected, created: outcome.created }).into_response())
}
