//! Staff administration, for administrators (`/settings/staff`): the members with their state,
//! inviting a person by a one-time link, deactivating and reactivating a member, a password-reset
//! link for a member, and, after a deactivation, the member's open tasks to give to someone else.
//! A link is shown once, on the page that made it, and never put in an address or a log. The store
//! checks in each write's transaction that the person acting is an active administrator.

use amparo_domain::org::UserRole;
use amparo_store::{Actor, LAST_ACTIVE_ADMIN, NewInvitation, SELF_DEACTIVATION, StoreError, User, UserId};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::forgery::GuardedForm;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::triage::tasks::TaskViews;
use crate::triage::views::TaskView;
use crate::ui::form::{Choice, FieldError};
use crate::ui::page::{Lang, Viewer};
use crate::ui::viewer;

/// How long an invitation works.
const INVITATION_LIFETIME: chrono::Duration = chrono::Duration::days(7);
/// How long a password-reset link works (as the API's).
const RESET_LIFETIME: chrono::Duration = chrono::Duration::hours(24);

/// One member on the staff page.
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    /// When they were deactivated, in words; `None` while active.
    pub deactivated: Option<String>,
    /// The signed-in administrator's own row: no deactivation offered.
    pub me: bool,
}

/// A one-time link just made, shown once.
pub struct ShownLink {
    pub heading: String,
    pub url: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "settings_staff.html")]
pub struct StaffPage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub members: Vec<MemberRow>,
    pub roles: Vec<Choice>,
    pub invite_email: String,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub link: Option<ShownLink>,
}

impl StaffPage {
    pub fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
    }
}

#[derive(Template)]
#[template(path = "settings_member_tasks.html")]
pub struct MemberTasksPage {
    pub lang: Lang,
    pub viewer: Viewer,
    pub name: String,
    pub deactivated: bool,
    pub tasks: Vec<TaskView>,
    /// Where each task's forms return to: this page.
    pub back: String,
    pub notice: Option<String>,
}

fn admin_only(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.user.role == UserRole::Admin { Ok(()) } else { Err(WebError::Forbidden) }
}

/// A member id from the address: only the characters ids are made of, so it can go back in one.
fn member_id(id: String) -> Result<UserId, WebError> {
    if !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(UserId(id))
    } else {
        Err(WebError::NotFound("user".into()))
    }
}

/// The address a link is reached at: the site's public address when configured, else the path.
fn absolute(state: &AppState, path: &str) -> String {
    match &state.notifications.public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path.to_owned(),
    }
}

fn member_row(lang: Lang, me: &UserId, user: User) -> MemberRow {
    MemberRow {
        me: &user.id == me,
        deactivated: user.deactivated_at.map(|at| lang.moment(at)),
        role: lang.user_role(user.role),
        id: user.id.0,
        name: user.display_name,
        email: user.email,
    }
}

/// The staff page with what a form left: its errors, a notice, a link to show once.
async fn page(
    state: &AppState,
    signed_in: &SignedIn,
    (invite_email, invite_role): (String, Option<UserRole>),
    errors: Vec<FieldError>,
    (notice, link): (Option<String>, Option<ShownLink>),
) -> Result<StaffPage, WebError> {
    let lang = signed_in.lang();
    let org = signed_in.user.org_id.clone();
    let users = state.with_store(move |store| store.users(&org)).await?;
    let chosen = invite_role.unwrap_or(UserRole::Advocate);
    Ok(StaffPage {
        lang,
        viewer: viewer(signed_in),
        members: users.into_iter().map(|u| member_row(lang, &signed_in.user.id, u)).collect(),
        roles: UserRole::ALL
            .into_iter()
            .map(|r| Choice { value: r.as_str().to_owned(), label: lang.user_role(r), selected: r == chosen })
            .collect(),
        invite_email,
        errors,
        notice,
        link,
    })
}

fn shown(status: StatusCode, view: &StaffPage) -> Response {
    (status, crate::ui::render(view)).into_response()
}

pub async fn staff(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let params = Params(params);
    let lang = signed_in.lang();
    let notice = params.get("reactivated").map(|_| lang.t("staff-reactivated"));
    let view = page(&state, &signed_in, (String::new(), None), Vec::new(), (notice, None)).await?;
    Ok(shown(StatusCode::OK, &view))
}

pub async fn invite(
    State(state): State<AppState>,
    signed_in: SignedIn,
    GuardedForm(form): GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let form = Params(form);
    let lang = signed_in.lang();
    let email = form.text("email").trim().to_owned();
    let role = form.get("role").and_then(UserRole::parse);
    let refuse = |id: &str, message: String| vec![FieldError { id: id.to_owned(), message }];
    let errors = if email.is_empty() {
        refuse("invite-email", lang.t("staff-error-email-required"))
    } else if role.is_none() {
        refuse("invite-role", lang.t("settings-role-error-unknown"))
    } else {
        Vec::new()
    };
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        let view = page(&state, &signed_in, (email, role), errors, (None, None)).await?;
        return Ok(shown(StatusCode::UNPROCESSABLE_ENTITY, &view));
    };
    let (token, scoped) = crate::http::scoped_token::issue(&signed_in.user.org_id)?;
    let hash = scoped.hash;
    let actor = Actor::of(&signed_in.user);
    let now = state.clock.now();
    let expires_at = now + INVITATION_LIFETIME;
    let typed = email.clone();
    let outcome = state
        .with_store(move |store| {
            let new = NewInvitation { email: &typed, role, token_hash: &hash, expires_at };
            match store.invite_user_as(&actor, &new, now) {
                Err(StoreError::Duplicate(_)) => Ok(Some("staff-error-email-taken")),
                Err(StoreError::Field { path, .. }) if path == "email" => {
                    Ok(Some("staff-error-email-format"))
                }
                other => other.map(|()| None),
            }
        })
        .await?;
    if let Some(message) = outcome {
        let errors = refuse("invite-email", lang.t1(message, "email", email.as_str()));
        let view = page(&state, &signed_in, (email, Some(role)), errors, (None, None)).await?;
        return Ok(shown(StatusCode::UNPROCESSABLE_ENTITY, &view));
    }
    tracing::info!(by = %signed_in.user.id, role = role.as_str(), "invitation issued");
    let link = ShownLink {
        heading: lang.t1("staff-invited", "email", email.as_str()),
        url: absolute(&state, &format!("/invite/{token}")),
        expires: lang.t1("staff-link-expires", "when", lang.moment(expires_at)),
    };
    let view = page(&state, &signed_in, (String::new(), None), Vec::new(), (None, Some(link))).await?;
    Ok(shown(StatusCode::OK, &view))
}

pub async fn deactivate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let member = member_id(id)?;
    let actor = Actor::of(&signed_in.user);
    let now = state.clock.now();
    let target = member.clone();
    let refused = state
        .with_store(move |store| match store.deactivate_user_as(&actor, &target, now) {
            Err(StoreError::Invalid(message)) if message == SELF_DEACTIVATION => Ok(Some("staff-error-self")),
            Err(StoreError::Invalid(message)) if message == LAST_ACTIVE_ADMIN => {
                Ok(Some("staff-error-last-admin"))
            }
            other => other.map(|done| {
                tracing::info!(
                    sessions = done.sessions_ended,
                    feeds = done.feeds_revoked,
                    "member deactivated"
                );
                None
            }),
        })
        .await?;
    if let Some(message) = refused {
        let errors =
            vec![FieldError { id: format!("member-{member}"), message: signed_in.lang().t(message) }];
        let view = page(&state, &signed_in, (String::new(), None), errors, (None, None)).await?;
        return Ok(shown(StatusCode::UNPROCESSABLE_ENTITY, &view));
    }
    // Their open tasks are listed next, to be given to someone else.
    Ok(Redirect::to(&format!("/settings/staff/{member}/tasks?deactivated=1")).into_response())
}

pub async fn reactivate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let member = member_id(id)?;
    let actor = Actor::of(&signed_in.user);
    let now = state.clock.now();
    state.with_store(move |store| store.reactivate_user_as(&actor, &member, now)).await?;
    Ok(Redirect::to("/settings/staff?reactivated=1").into_response())
}

pub async fn reset_link(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let member = member_id(id)?;
    let org = signed_in.user.org_id.clone();
    let lookup = (org.clone(), member.clone());
    let person = state
        .with_store(move |store| store.user(&lookup.0, &lookup.1))
        .await?
        .filter(|u| u.deactivated_at.is_none())
        .ok_or_else(|| WebError::NotFound("user".into()))?;
    let (token, scoped) = crate::http::scoped_token::issue(&signed_in.user.org_id)?;
    let hash = scoped.hash;
    let by = signed_in.user.id.clone();
    let now = state.clock.now();
    let expires_at = now + RESET_LIFETIME;
    state
        .with_store(move |store| store.issue_password_reset(&org, &member, &hash, Some(&by), now, expires_at))
        .await?;
    tracing::info!(by = %signed_in.user.id, "password reset link issued");
    let lang = signed_in.lang();
    let link = ShownLink {
        heading: lang.t1("staff-reset-link", "name", person.display_name.as_str()),
        url: absolute(&state, &format!("/reset/{token}")),
        expires: lang.t1("staff-link-expires", "when", lang.moment(expires_at)),
    };
    let view = page(&state, &signed_in, (String::new(), None), Vec::new(), (None, Some(link))).await?;
    Ok(shown(StatusCode::OK, &view))
}

/// A member's open tasks, with the forms that give each to someone else (they return here).
pub async fn member_tasks(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin_only(&signed_in)?;
    let member = member_id(id)?;
    let params = Params(params);
    let org = signed_in.user.org_id.clone();
    let (actor, now) = (Actor::of(&signed_in.user), state.clock.now());
    let lookup = member.clone();
    let (person, tasks, users) = state
        .with_store(move |store| {
            // An unknown member is a 404 with nothing audited; a member's tasks are read audited.
            let Some(person) = store.user(&org, &lookup)? else { return Ok((None, Vec::new(), Vec::new())) };
            Ok((Some(person), store.member_open_tasks_as(&actor, &lookup, "page", now)?, store.users(&org)?))
        })
        .await?;
    let person = person.ok_or_else(|| WebError::NotFound("user".into()))?;
    let lang = signed_in.lang();
    let views = TaskViews::new(&users, lang, state.clock.now());
    let notice = match (params.get("deactivated"), params.get("notice")) {
        (Some(_), _) => Some(lang.t1("staff-deactivated", "name", person.display_name.as_str())),
        (_, Some("reassigned")) => Some(lang.t("notice-task-reassigned")),
        _ => None,
    };
    let view = MemberTasksPage {
        lang,
        viewer: viewer(&signed_in),
        deactivated: person.deactivated_at.is_some(),
        name: person.display_name,
        tasks: tasks.into_iter().map(|t| views.view(t, false)).collect(),
        back: format!("member:{member}"),
        notice,
    };
    Ok(crate::ui::render(&view).into_response())
}

/// Where a task form posted from a member's task list returns: that list.
pub(crate) fn back_to_member(back: &str) -> Option<String> {
    let member = back.strip_prefix("member:")?;
    member_id(member.to_owned()).ok().map(|id| format!("/settings/staff/{id}/tasks?notice=reassigned"))
}
