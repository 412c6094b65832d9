//! The triage part of the case page: its escalations with their tasks, its other tasks, and who is
//! assigned in each role with the form that changes it (`POST /cases/{id}/assignments`).

use amparo_domain::org::UserRole;
use amparo_store::{Assignment, CaseId, Escalation, Task, User, UserId};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::triage::actions;
use crate::triage::tasks::{TaskViews, owner_choices};
use crate::triage::views::{AssignmentView, EscalationView, TaskView};
use crate::ui::i18n::pick;
use crate::ui::page::Lang;

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
                Some(why) => lang.t2(
                    "escalation-closed-because",
                    "when",
                    lang.moment(at),
                    "why",
                    close_reason(lang, why),
                ),
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

/// Why an escalation closed, in the reader's language. The store keeps the two reasons it writes as
/// English text; any other (from an older version) is shown as written.
fn close_reason(lang: Lang, why: &str) -> String {
    match why {
        amparo_domain::triage::RESOLVED_BY_TIMELINE => lang.t("escalation-resolved-by-timeline"),
        amparo_store::CHECKLIST_DONE => lang.t("escalation-checklist-done"),
        other => other.to_owned(),
    }
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
