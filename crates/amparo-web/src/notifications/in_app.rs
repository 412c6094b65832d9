//! Notifications in the app: the list with its unread count, marking read (form posts with the
//! session's form token), and the same under `/api/v1/notifications`. Each person sees only their
//! own notices, rendered in their language; admins are warned when email is not configured.

use amparo_domain::TimeZone;
use std::sync::OnceLock;

use amparo_domain::org::UserRole;
use amparo_notify::{Texts, render};
use amparo_store::{Notification, NotificationId, OutboxStatus, User};
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::forgery::GuardedForm;
use crate::http::forgery::GuardedWrite;
use crate::http::session::SignedIn;
use crate::notifications::actions;
use crate::ui::page::Viewer;
use crate::ui::viewer;

/// How many notices a page shows.
const PAGE_SIZE: i64 = 100;

/// The compiled-in texts, loaded once.
pub fn texts() -> Result<&'static Texts, WebError> {
    static TEXTS: OnceLock<Result<Texts, String>> = OnceLock::new();
    TEXTS
        .get_or_init(|| Texts::load().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| WebError::Internal(format!("texts: {e}")))
}

/// A notice as its reader sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: String,
    pub kind: &'static str,
    pub case_id: Option<String>,
    pub subject: String,
    pub lines: Vec<String>,
    /// The site-relative link (the case, or this list for a digest).
    pub link: String,
    pub created_at: String,
    pub read: bool,
}

fn notice_view(texts: &Texts, (user, zone): (&User, TimeZone), notice: Notification) -> NoticeView {
    let rendered =
        render(texts, user.language, zone, notice.kind, &notice.facts, notice.case_id.as_ref(), "");
    NoticeView {
        id: notice.id.0,
        kind: notice.kind.as_str(),
        case_id: notice.case_id.map(|c| c.0),
        subject: rendered.subject,
        lines: rendered.lines,
        link: rendered.link,
        created_at: amparo_notify::render::moment(notice.created_at, zone),
        read: notice.read_at.is_some(),
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    lang: crate::ui::i18n::Lang,
    viewer: Viewer,
    title: String,
    unread: String,
    empty: String,
    mark_read: String,
    mark_all_read: String,
    warnings: Vec<String>,
    items: Vec<NoticeView>,
}

/// What an admin should know about email: not configured, or messages that could not be delivered.
fn warnings(state: &AppState, user: &User, texts: &Texts, outbox: OutboxStatus) -> Vec<String> {
    if user.role != UserRole::Admin {
        return Vec::new();
    }
    let mut warnings = Vec::new();
    if !state.notifications.email_configured {
        warnings.push(texts.get(user.language, "notifications-email-off", &[]));
    }
    if outbox.failed > 0 {
        warnings.push(texts.get(
            user.language,
            "notifications-email-failed",
            &[("count", outbox.failed.into())],
        ));
    }
    warnings
}

pub async fn page(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    let texts = texts()?;
    let (org, user) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    let (page, outbox) = state
        .with_store(move |store| {
            Ok((store.notifications(&org, &user, PAGE_SIZE)?, store.outbox_status(&org)?))
        })
        .await?;
    let user = &signed_in.user;
    let t = |id: &str| texts.get(user.language, id, &[]);
    let view = NotificationsPage {
        lang: signed_in.lang(),
        viewer: viewer(&signed_in),
        title: t("notifications-title"),
        unread: texts.get(user.language, "notifications-unread", &[("count", page.unread.into())]),
        empty: t("notifications-empty"),
        mark_read: t("notifications-mark-read"),
        mark_all_read: t("notifications-mark-all-read"),
        warnings: warnings(&state, user, texts, outbox),
        items: page.items.into_iter().map(|n| notice_view(texts, (user, signed_in.zone), n)).collect(),
    };
    Ok(crate::ui::render(&view).into_response())
}

pub async fn mark_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (user, now) = (signed_in.user.clone(), state.clock.now());
    state.with_store(move |store| actions::mark_read(store, &user, Some(&NotificationId(id)), now)).await?;
    Ok(Redirect::to("/notifications").into_response())
}

pub async fn mark_all_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    _: GuardedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (user, now) = (signed_in.user.clone(), state.clock.now());
    state.with_store(move |store| actions::mark_read(store, &user, None, now)).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// The reader's latest notices and how many are unread.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct NoticesAnswer {
    unread: i64,
    /// Whether notices are also emailed.
    email_configured: bool,
    /// The latest notices (a page of them).
    items: Vec<NoticeView>,
    #[serde(flatten)]
    paging: crate::http::paging::Paging,
}

/// How many notices are still unread.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UnreadAnswer {
    unread: i64,
}

pub async fn api_list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    let texts = texts()?;
    let (org, user) = (signed_in.user.org_id.clone(), signed_in.user.id.clone());
    let page = state.with_store(move |store| store.notifications(&org, &user, PAGE_SIZE)).await?;
    let items: Vec<NoticeView> =
        page.items.into_iter().map(|n| notice_view(texts, (&signed_in.user, signed_in.zone), n)).collect();
    let email_configured = state.notifications.email_configured;
    let paging = crate::http::paging::Paging::whole(items.len());
    Ok(Json(NoticesAnswer { unread: page.unread, email_configured, items, paging }).into_response())
}

/// Marks every notice of the reader read, as the page's button does.
pub async fn api_mark_all_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    _: GuardedWrite,
) -> Result<Response, ApiError> {
    let (user, now) = (signed_in.user.clone(), state.clock.now());
    let unread = state
        .with_store(move |store| {
            actions::mark_read(store, &user, None, now)?;
            Ok(store.notifications(&user.org_id, &user.id, 1)?.unread)
        })
        .await?;
    Ok(Json(UnreadAnswer { unread }).into_response())
}

pub async fn api_mark_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    _: GuardedWrite,
) -> Result<Response, ApiError> {
    let (user, now) = (signed_in.user.clone(), state.clock.now());
    let unread = state
        .with_store(move |store| {
            actions::mark_read(store, &user, Some(&NotificationId(id)), now)?;
            Ok(store.notifications(&user.org_id, &user.id, 1)?.unread)
        })
        .await?;
    Ok(Json(UnreadAnswer { unread }).into_response())
}
