//! The escalation checklists through the API, for administrators, as the settings page has them:
//! `GET /api/v1/organisation/checklists` reads the checklists in force (the organisation's own, or
//! the server's), `PUT /api/v1/organisation/checklists/{kind}` replaces one kind's, and `DELETE
//! /api/v1/organisation/checklists` goes back to the server's. The checks, the write and its audit
//! entry are the page's own (`settings::checklists`).

use amparo_domain::objects::Object;
use amparo_domain::triage::TriggerKind;
use amparo_domain::triage::escalation::{RawTask, TaskTemplate};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::{GuardedJson, GuardedWrite};
use crate::http::paging::Paging;
use crate::http::session::SignedIn;
use crate::settings::checklists::{self, TypedRow};

/// One task a checklist starts an escalation with.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "title_en": "Call the family", "title_es": "Llamar a la familia",
    "owner": "advocate", "due_hours": 24, "due_hours_critical": 4 }))]
pub struct ChecklistTask {
    #[schema(min_length = 1, max_length = 200)]
    title_en: String,
    #[schema(min_length = 1, max_length = 200)]
    title_es: String,
    /// Who holds the task on the case: `attorney`, `advocate` or `clinician`.
    #[schema(pattern = "^(attorney|advocate|clinician)$")]
    owner: String,
    /// Hours from the escalation's start, on a case that is not critical-care.
    #[schema(minimum = 1, maximum = 8760)]
    due_hours: i64,
    /// Hours from the escalation's start on a critical-care case; at most `due_hours`.
    #[schema(minimum = 1, maximum = 8760)]
    due_hours_critical: i64,
}

impl From<&TaskTemplate> for ChecklistTask {
    fn from(task: &TaskTemplate) -> ChecklistTask {
        let raw = RawTask::from(task);
        ChecklistTask {
            title_en: raw.title_en,
            title_es: raw.title_es,
            owner: raw.owner,
            due_hours: raw.due_hours,
            due_hours_critical: raw.due_hours_critical,
        }
    }
}

impl From<ChecklistTask> for RawTask {
    fn from(task: ChecklistTask) -> RawTask {
        RawTask {
            title_en: task.title_en,
            title_es: task.title_es,
            owner: task.owner,
            due_hours: task.due_hours,
            due_hours_critical: task.due_hours_critical,
        }
    }
}

/// The kinds of escalation a checklist belongs to.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistKind {
    TerminationNotice,
    ParoleDenied,
    NoidReceived,
    ParoleExpiring,
}

impl From<TriggerKind> for ChecklistKind {
    fn from(kind: TriggerKind) -> ChecklistKind {
        match kind {
            TriggerKind::TerminationNotice => ChecklistKind::TerminationNotice,
            TriggerKind::ParoleDenied => ChecklistKind::ParoleDenied,
            TriggerKind::NoidReceived => ChecklistKind::NoidReceived,
            TriggerKind::ParoleExpiring => ChecklistKind::ParoleExpiring,
        }
    }
}

/// The checklist of one kind of escalation.
#[derive(Serialize, ToSchema)]
pub struct ChecklistAnswer {
    kind: ChecklistKind,
    tasks: Vec<ChecklistTask>,
}

/// The checklists in force, one per kind of escalation.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({ "own": true, "version": "organisation/2026-03-01T15:00:00Z",
    "items": [{ "kind": "termination_notice", "tasks": [{ "title_en": "Call the family",
        "title_es": "Llamar a la familia", "owner": "advocate", "due_hours": 24, "due_hours_critical": 4 }] }],
    "total": 4, "next": null }))]
pub struct ChecklistsAnswer {
    /// Whether they are the organisation's own (false: the server's).
    own: bool,
    /// Names this set of checklists: `organisation/…` when saved here, else the server's.
    version: String,
    items: Vec<ChecklistAnswer>,
    #[serde(flatten)]
    paging: Paging,
}

/// A checklist to keep in place of a kind's: its tasks in order.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "tasks": [{ "title_en": "Call the family", "title_es": "Llamar a la familia",
    "owner": "advocate", "due_hours": 24, "due_hours_critical": 4 }] }))]
pub struct ChecklistRequest {
    #[schema(min_items = 1, max_items = 20)]
    tasks: Vec<ChecklistTask>,
}

async fn checklists_of(state: &AppState, signed_in: &SignedIn) -> Result<ChecklistsAnswer, WebError> {
    let org = signed_in.user.org_id.clone();
    let policy = state.with_store(move |store| store.policy(&org)).await?;
    let templates = policy.checklists(state.store.escalation_templates());
    let items: Vec<ChecklistAnswer> = TriggerKind::ALL
        .into_iter()
        .map(|kind| ChecklistAnswer {
            kind: kind.into(),
            tasks: templates.tasks(kind).iter().map(ChecklistTask::from).collect(),
        })
        .collect();
    Ok(ChecklistsAnswer {
        own: policy.escalation_templates.is_some(),
        version: templates.id.clone(),
        paging: Paging::whole(items.len()),
        items,
    })
}

pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    Ok(Json(checklists_of(&state, &signed_in).await?).into_response())
}

pub async fn replace(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(kind): Path<String>,
    GuardedJson(Object(request)): GuardedJson<Object<ChecklistRequest>>,
) -> Result<Response, ApiError> {
    let kind = TriggerKind::parse(&kind).ok_or_else(|| WebError::NotFound("checklist".into()))?;
    if request.tasks.len() > checklists::MAX_TASKS {
        let max = i64::try_from(checklists::MAX_TASKS).unwrap_or(i64::MAX);
        let problem = amparo_domain::Problem::AtMost { max };
        return Err(WebError::field("tasks", problem).into());
    }
    let rows: Vec<TypedRow> =
        request.tasks.into_iter().enumerate().map(|(row, task)| TypedRow::given(row, task.into())).collect();
    let tasks = checklists::check(&rows).map_err(|problems| {
        problems.into_iter().next().map_or_else(
            || WebError::Invalid("tasks: not a checklist".into()),
            |p| {
                // No task at all is the list's fault, not its first task's.
                let path = if rows.is_empty() {
                    "tasks".to_owned()
                } else {
                    format!("tasks[{}].{}", p.row, p.field)
                };
                WebError::field(path, p.problem)
            },
        )
    })?;
    checklists::replace(&state, &signed_in, kind, tasks).await?;
    Ok(Json(checklists_of(&state, &signed_in).await?).into_response())
}

pub async fn restore(
    State(state): State<AppState>,
    signed_in: SignedIn,
    _write: GuardedWrite,
) -> Result<Response, ApiError> {
    checklists::restore_server_checklists(&state, &signed_in).await?;
    Ok(Json(checklists_of(&state, &signed_in).await?).into_response())
}
