//! The triage pages: the board, my tasks, programme reviews, and the forms that complete and
//! reassign tasks and assign people to a case. Every page works without JavaScript and every form
//! post carries the session's form token. Reasons and task titles are shown in the reader's language.

use std::collections::HashMap;

use amparo_domain::Date;
use amparo_domain::org::UserRole;
use amparo_store::{
    Assignment, BoardEntry, CaseId, Escalation, ReviewTask, SelectedCase, Task, TaskId, User, UserId,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::{self, MAX_DUE_IN_HOURS, Params};
use crate::http::session::SignedIn;
use crate::triage::actions;
use crate::triage::views::{
    AssignmentView, BoardRow, EscalationView, ReviewCase, ReviewsPage, TaskView, TasksPage, TriagePage,
};
use crate::ui::form::{Choice, form_encode, program_choices};
use crate::ui::i18n::pick;
use crate::ui::page::Lang;
use crate::ui::viewer;

const PAGE_SIZE: i64 = 50;

fn today(state: &AppState) -> Date {
    // Legal dates are calendar dates, taken in UTC until organisations carry a time zone.
    Date::from(state.clock.now().date_naive())
}

pub(crate) fn board_row(entry: BoardEntry, lang: Lang) -> BoardRow {
    let reasons: Vec<&str> = entry.reasons.iter().map(|r| pick(lang.0, &r.text_en, &r.text_es)).collect();
    BoardRow {
        case_id: entry.case_id.0,
        reference: entry.reference,
        patient_name: entry.patient_name,
        program: lang.program(entry.program),
        critical_care: entry.critical_care,
        score: entry.score,
        next_due: lang.date_or_dash(entry.next_due),
        next_kind: entry.next_kind.map(|k| lang.deadline_kind(&k)).unwrap_or_default(),
        reasons: if reasons.is_empty() { lang.t("triage-nothing-pressing") } else { reasons.join("; ") },
        open_escalations: entry.open_escalations,
    }
}

pub async fn board(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let page = params.int("page", 1, i64::MAX / PAGE_SIZE).ok().flatten().unwrap_or(1);
    let lang = signed_in.lang();
    let mut view = TriagePage {
        lang,
        viewer: viewer(&signed_in),
        rows: Vec::new(),
        total: 0,
        first: 0,
        last: 0,
        previous: None,
        next: None,
        critical: params.flag("critical").unwrap_or(false),
        mine: params.flag("mine").unwrap_or(false),
        due_within: params.text("due_within"),
        programs: program_choices(lang, params.get("program")),
        error: None,
    };
    let mut filter = match input::board_filter(&params, &signed_in.user.id, today(&state)) {
        Ok(filter) => filter,
        Err(e) => {
            view.error = Some(e.to_string());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&view)).into_response());
        }
    };
    filter.offset = (page - 1) * PAGE_SIZE;
    filter.limit = PAGE_SIZE;
    filter.shared_with = crate::cases::visibility::shared_only(&signed_in.user);
    let org = signed_in.user.org_id.clone();
    let result = state.with_store(move |store| store.board(&org, &filter)).await?;
    view.first = (page - 1) * PAGE_SIZE + 1;
    view.last = (view.first + result.entries.len() as i64 - 1).max(0);
    view.total = result.total;
    view.rows = result.entries.into_iter().map(|e| board_row(e, lang)).collect();
    let query = format!(
        "critical={}&mine={}&program={}&due_within={}",
        view.critical,
        view.mine,
        form_encode(&params.text("program")),
        form_encode(&view.due_within)
    );
    let link = |p: i64| format!("/triage?{query}&page={p}");
    view.previous = (page > 1).then(|| link(page - 1));
    view.next = (view.last < view.total).then(|| link(page + 1));
    Ok(crate::ui::render(&view).into_response())
}

fn user_label(lang: Lang, user: &User) -> String {
    lang.t2("task-owner", "name", user.display_name.as_str(), "role", lang.user_role(user.role))
}

/// Everyone a task or a case can be given to: staff who work cases (not viewers).
fn owner_choices(lang: Lang, users: &[User], current: Option<&UserId>) -> Vec<Choice> {
    users
        .iter()
        .filter(|u| u.role != UserRole::Viewer)
        .map(|u| Choice {
            value: u.id.0.clone(),
            label: user_label(lang, u),
            selected: current == Some(&u.id),
        })
        .collect()
}

/// Builds task views; tasks left undone by a closed escalation are shown as no longer needed.
struct TaskViews<'a> {
    names: HashMap<&'a UserId, &'a User>,
    users: &'a [User],
    lang: Lang,
    now: DateTime<Utc>,
}

impl<'a> TaskViews<'a> {
    fn new(users: &'a [User], lang: Lang, now: DateTime<Utc>) -> Self {
        TaskViews { names: users.iter().map(|u| (&u.id, u)).collect(), users, lang, now }
    }

    fn name(&self, id: &UserId) -> String {
        self.names.get(id).map_or_else(|| self.lang.t("task-someone-gone"), |u| u.display_name.clone())
    }

    fn view(&self, task: Task, escalation_closed: bool) -> TaskView {
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

/// The case page's escalations, tasks and assignment forms.
pub struct CaseTriage {
    pub open: Vec<EscalationView>,
    pub closed: Vec<EscalationView>,
    pub other_tasks: Vec<TaskView>,
    pub assignments: Vec<AssignmentView>,
}

pub fn case_triage(
    escalations: Vec<Escalation>,
    tasks: Vec<Task>,
    assignments: &[Assignment],
    users: &[User],
    lang: Lang,
    now: DateTime<Utc>,
) -> CaseTriage {
    let views = TaskViews::new(users, lang, now);
    let (mut open, mut closed) = (Vec::new(), Vec::new());
    for e in escalations {
        let is_closed = e.closed_at.is_some();
        let view = EscalationView {
            reason: pick(lang.0, &e.reason_en, &e.reason_es).to_owned(),
            opened: lang.moment(e.opened_at),
            critical_care: e.critical_care,
            closed: e.closed_at.map(|at| match &e.close_reason {
                Some(why) => {
                    lang.t2("escalation-closed-because", "when", lang.moment(at), "why", why.as_str())
                }
                None => lang.t1("escalation-closed-at", "when", lang.moment(at)),
            }),
            tasks: e.tasks.into_iter().map(|t| views.view(t, is_closed)).collect(),
        };
        if is_closed { closed.push(view) } else { open.push(view) }
    }
    let other_tasks =
        tasks.into_iter().filter(|t| t.escalation_id.is_none()).map(|t| views.view(t, false)).collect();
    let assignments = [UserRole::Attorney, UserRole::Advocate, UserRole::Clinician]
        .into_iter()
        .map(|role| {
            let current = assignments.iter().find(|a| a.role == role);
            AssignmentView {
                role: role.as_str(),
                label: lang.user_role(role),
                current: current.map_or_else(|| lang.t("assign-nobody-current"), |a| a.user_name.clone()),
                choices: owner_choices(lang, users, current.map(|a| &a.user_id)),
            }
        })
        .collect();
    CaseTriage { open, closed, other_tasks, assignments }
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

/// Where a task form returns to: the case page it was posted from, or my tasks.
fn after_task(params: &Params, task: &Task, notice: &str) -> Redirect {
    if params.get("back") == Some("case") {
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

pub async fn assign(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let role = amparo_store::parse_role(form.get("role").unwrap_or_default())?;
    let person = form.get("user").map(|u| UserId(u.to_owned()));
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let case = CaseId(id);
    let target = format!("/cases/{case}#assigned");
    let logged = case.clone();
    state.with_store(move |store| actions::assign(store, &user, &case, role, person.as_ref(), now)).await?;
    tracing::info!(case = %logged, role = role.as_str(), "assignment changed");
    Ok(Redirect::to(&target).into_response())
}

fn review_cases(lang: Lang, cases: Vec<SelectedCase>) -> Vec<ReviewCase> {
    cases
        .into_iter()
        .map(|c| ReviewCase {
            case_id: c.case_id.0,
            reference: c.reference,
            patient_name: c.patient_name,
            covered_until: lang.date_or_dash(c.covered_until),
        })
        .collect()
}

fn reviews_page(signed_in: &SignedIn, params: &Params) -> ReviewsPage {
    let lang = signed_in.lang();
    ReviewsPage {
        lang,
        viewer: viewer(signed_in),
        programs: program_choices(lang, params.get("program")),
        program: params.text("program"),
        class_of_admission: params.text("class_of_admission"),
        citizenship: params.text("citizenship"),
        parole_ends_before: params.text("parole_ends_before"),
        previewed: false,
        cases: Vec::new(),
        key: params.text("key"),
        title_en: params.text("title_en"),
        title_es: params.text("title_es"),
        due_in_hours: params.get("due_in_hours").unwrap_or("72").to_owned(),
        error: None,
        outcome: None,
    }
}

fn refused(mut page: ReviewsPage, error: WebError) -> Result<Response, WebError> {
    match error.worded(page.lang) {
        Some((_, message)) => {
            page.error = Some(message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, crate::ui::render(&page)).into_response())
        }
        None => Err(error),
    }
}

pub async fn reviews(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let mut page = reviews_page(&signed_in, &params);
    if params.0.is_empty() {
        return Ok(crate::ui::render(&page).into_response());
    }
    let selection = match input::selection(&params) {
        Ok(selection) => selection,
        Err(e) => return refused(page, e),
    };
    let org = signed_in.user.org_id.clone();
    match state.with_store(move |store| store.select_cases(&org, &selection)).await {
        Ok(cases) => {
            page.previewed = true;
            page.cases = review_cases(page.lang, cases);
            Ok(crate::ui::render(&page).into_response())
        }
        Err(e) => refused(page, e),
    }
}

pub async fn open_reviews(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Params(form);
    let mut page = reviews_page(&signed_in, &form);
    let parsed = input::selection(&form).and_then(|selection| {
        let hours = form.int("due_in_hours", 0, i64::from(MAX_DUE_IN_HOURS))?.unwrap_or(72);
        let review = ReviewTask {
            key: form.text("key"),
            title_en: form.text("title_en"),
            title_es: form.text("title_es"),
            due_in_hours: u32::try_from(hours).map_err(|_| {
                let max = i64::from(MAX_DUE_IN_HOURS);
                WebError::field("due_in_hours", amparo_domain::Problem::WholeNumberBetween { min: 0, max })
            })?,
        };
        Ok((selection, review))
    });
    let (selection, review) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return refused(page, e),
    };
    let user = signed_in.user.clone();
    let now = state.clock.now();
    let result = state
        .with_store(move |store| {
            let outcome = actions::open_reviews(store, &user, &selection, &review, now)?;
            Ok((outcome, store.select_cases(&user.org_id, &selection)?))
        })
        .await;
    let (outcome, cases) = match result {
        Ok(done) => done,
        Err(e) => return refused(page, e),
    };
    tracing::info!(selected = outcome.selected, created = outcome.created, "programme review opened");
    let existing = outcome.selected.saturating_sub(outcome.created);
    page.outcome = Some(page.lang.t3(
        "reviews-outcome",
        "created",
        outcome.created,
        "selected",
        outcome.selected,
        "existing",
        existing,
    ));
    page.previewed = true;
    page.cases = review_cases(page.lang, cases);
    Ok(crate::ui::render(&page).into_response())
}
