//! Tasks: my tasks (`/tasks`, overdue first), the forms that complete and reassign a task (from my
//! tasks or from the case page, where they return), and the task views the case page shares. Task
//! titles are shown in the reader's language.

use std::collections::HashMap;

use amparo_domain::org::UserRole;
use amparo_store::{Task, TaskId, User, UserId};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::triage::actions;
use crate::triage::views::{TaskView, TasksPage};
use crate::ui::form::Choice;
use crate::ui::i18n::pick;
use crate::ui::page::Lang;
use crate::ui::viewer;

fn user_label(lang: Lang, user: &User) -> String {
    lang.t2("task-owner", "name", user.display_name.as_str(), "role", lang.user_role(user.role))
}

/// Everyone a task or a case can be given to: active staff who work cases (not viewers).
pub(crate) fn owner_choices(lang: Lang, users: &[User], current: Option<&UserId>) -> Vec<Choice> {
    users
        .iter()
        .filter(|u| u.role != UserRole::Viewer && u.deactivated_at.is_none())
        .map(|u| Choice {
            value: u.id.0.clone(),
            label: user_label(lang, u),
            selected: current == Some(&u.id),
        })
        .collect()
}

/// Builds task views; tasks left undone by a closed escalation are shown as no longer needed.
pub(crate) struct TaskViews<'a> {
    names: HashMap<&'a UserId, &'a User>,
    users: &'a [User],
    lang: Lang,
    now: DateTime<Utc>,
}

impl<'a> TaskViews<'a> {
    pub(crate) fn new(users: &'a [User], lang: Lang, now: DateTime<Utc>) -> Self {
        TaskViews { names: users.iter().map(|u| (&u.id, u)).collect(), users, lang, now }
    }

    fn name(&self, id: &UserId) -> String {
        self.names.get(id).map_or_else(|| self.lang.t("task-someone-gone"), |u| u.display_name.clone())
    }

    pub(crate) fn view(&self, task: Task, escalation_closed: bool) -> TaskView {
        let lang = self.lang;
        let role = lang.user_role(task.owner_role);
        let owner = match &task.owner_id {
            Some(id) => lang.t2("task-owner", "name", self.name(id), "role", role),
            None => lang.t1("task-owner-none", "role", role),
        };
        let done = match (&task.done_at, &task.done_by) {
            (Some(at), Some(by)) => {
                Some(lang.t2("task-done-by", "when", lang.moment(*at), "name", self.name(by)))
            }
            (Some(at), None) => Some(lang.t1("task-done", "when", lang.moment(*at))),
            (None, _) if escalation_closed => Some(lang.t("task-not-needed")),
            (None, _) => None,
        };
        TaskView {
            overdue: done.is_none() && task.due_at <= self.now,
            owned: task.owner_id.is_some(),
            owners: if done.is_none() {
                owner_choices(lang, self.users, task.owner_id.as_ref())
            } else {
                Vec::new()
            },
            title: pick(lang.0, &task.title_en, &task.title_es).to_owned(),
            due: lang.moment(task.due_at),
            note: task.note.unwrap_or_default(),
            id: task.id.0,
            case_id: task.case_id.0,
            reference: task.reference,
            owner,
            done,
        }
    }
}

pub async fn my_tasks(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let org = signed_in.user.org_id.clone();
    let me = signed_in.user.id.clone();
    let (tasks, users) =
        state.with_store(move |store| Ok((store.open_tasks(&org, &me)?, store.users(&org)?))).await?;
    let lang = signed_in.lang();
    let views = TaskViews::new(&users, lang, state.clock.now());
    // The store orders by due time, so overdue tasks already come first.
    let tasks: Vec<TaskView> = tasks.into_iter().map(|t| views.view(t, false)).collect();
    let notice = match params.get("notice") {
        Some("completed") => Some(lang.t("notice-task-completed")),
        Some("reassigned") => Some(lang.t("notice-task-reassigned")),
        _ => None,
    };
    let page = TasksPage {
        lang,
        viewer: viewer(&signed_in),
        overdue: tasks.iter().filter(|t| t.overdue).count(),
        tasks,
        notice,
    };
    Ok(crate::ui::render(&page).into_response())
}

/// Where a task form returns to: the case page or a member's task list it was posted from, or my
/// tasks.
fn after_task(params: &Params, task: &Task, notice: &str) -> Redirect {
    if let Some(list) = params.get("back").and_then(crate::settings::staff::back_to_member) {
        Redirect::to(&list)
    } else if params.get("back") == Some("case") {
        Redirect::to(&format!("/cases/{}#escalations", task.case_id))
    } else {
        Redirect::to(&format!("/tasks?notice={notice}"))
    }
}

pub async fn complete_task(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let note = form.get("note").map(str::to_owned);
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let task = state
        .with_store(move |store| actions::complete_task(store, &user, &TaskId(id), note.as_deref(), now))
        .await?;
    tracing::info!(task = %task.id, case = %task.case_id, "task completed");
    Ok(after_task(&form, &task, "completed").into_response())
}

pub async fn reassign_task(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let owner = UserId(
        form.get("owner")
            .ok_or_else(|| WebError::field("owner", amparo_domain::Problem::Required))?
            .to_owned(),
    );
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let task =
        state.with_store(move |store| actions::reassign_task(store, &user, &TaskId(id), &owner, now)).await?;
    tracing::info!(task = %task.id, "task reassigned");
    Ok(after_task(&form, &task, "reassigned").into_response())
}
