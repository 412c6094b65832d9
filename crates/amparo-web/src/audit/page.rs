//! `GET /audit` (administrators, `ReadAudit`): the organisation's audit trail, newest first, 50
//! entries a page, paged by key (`before` / `after` a sequence number), filtered by action, member,
//! case (by reference) and a range of days, with a link to the JSON export and the result of checking the chain's most
//! recent entries. Entries show who, when, what and on what, as recorded: ids and settings only.

use amparo_domain::Date;
use amparo_store::{AuditCursor, AuditQuery, AuditRecord, CaseId, User, UserId};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::audit::views::{AuditFilters, AuditPageView, AuditRow, ChainView, TargetView};
use crate::http::error::WebError;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::form::Choice;
use crate::ui::form::FieldError;
use crate::ui::form::form_encode;
use crate::ui::page::Lang;
use crate::ui::viewer;

const PAGE_SIZE: i64 = 50;
/// How many of the most recent entries the page checks; `amparo audit verify` checks them all.
pub const CHECKED_ENTRIES: usize = 5_000;

/// Actions whose target is a case's id.
const CASE_TARGETS: &[&str] = &[
    "case.read",
    "case.duplicate_shown",
    "letter.read",
    "event.recorded",
    "case.assigned",
    "case.exported",
    "case.edited",
    "case.history.read",
    "event.voided",
];

/// The actions an organisation's trail records, offered by the action filter. Each has a name in
/// `main.ftl` (`audit-action-` and the action with `.` and `_` as `-`).
pub const ACTIONS: &[&str] = &[
    "case.read",
    "case.duplicate_shown",
    "letter.read",
    "event.recorded",
    "case.edited",
    "case.history.read",
    "event.voided",
    "case.assigned",
    "cases.imported",
    "case.exported",
    "case_list.exported",
    "deadlines.exported",
    "deadlines.read",
    "tasks.exported",
    "task.completed",
    "task.reassigned",
    "feed.created",
    "feed.read",
    "sign_in.succeeded",
    "sign_in.failed",
    "case.shared",
    "case.unshared",
    "user.role_changed",
    "policy.changed",
    "escalation_templates.changed",
    "organisation.second_factor_requirement",
    "second_factor.enrolled",
    "second_factor.removed",
    "second_factor.reset",
    "password.reset_issued",
    "password.reset",
    "sessions.ended",
    "api_token.created",
    "api_token.used",
    "api_token.refused",
    "api_token.revoked",
    "service_account.created",
    "webhook.created",
    "webhook.paused",
    "webhook.resumed",
    "webhook.removed",
];

/// The message id naming an action.
pub fn action_message(action: &str) -> String {
    format!("audit-action-{}", action.replace(['.', '_'], "-"))
}

fn action_name(lang: Lang, action: &str) -> String {
    if ACTIONS.contains(&action) { lang.t(&action_message(action)) } else { action.to_owned() }
}

/// The filters a query string asks for, or the fields that are wrong.
struct Filters {
    action: Option<String>,
    actor: Option<UserId>,
    case: Option<CaseId>,
    from: Option<Date>,
    to: Option<Date>,
}

/// `case`: the case the `case` field's reference names, when it was given (`Some(None)`: no such case).
fn parse_filters(
    params: &Params,
    users: &[User],
    case: Option<Option<CaseId>>,
    lang: Lang,
) -> Result<Filters, Vec<FieldError>> {
    let mut errors = Vec::new();
    let action = params.get("action").map(str::to_owned);
    if action.as_deref().is_some_and(|a| !ACTIONS.contains(&a)) {
        errors.push(FieldError { id: "action".into(), message: lang.t("audit-error-action") });
    }
    let actor = params.get("actor").map(|a| UserId(a.to_owned()));
    if actor.as_ref().is_some_and(|a| !users.iter().any(|u| &u.id == a)) {
        errors.push(FieldError { id: "actor".into(), message: lang.t("audit-error-actor") });
    }
    let case = match case {
        None => None,
        Some(Some(case)) => Some(case),
        Some(None) => {
            errors.push(FieldError { id: "case".into(), message: lang.t("audit-error-case") });
            None
        }
    };
    let mut day = |name: &str| match params.get(name).map(str::parse::<Date>) {
        None => None,
        Some(Ok(day)) => Some(day),
        Some(Err(_)) => {
            errors.push(FieldError { id: name.into(), message: lang.t("audit-error-date") });
            None
        }
    };
    let from = day("from");
    let to = day("to");
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.push(FieldError { id: "to".into(), message: lang.t("audit-error-range") });
    }
    if errors.is_empty() { Ok(Filters { action, actor, case, from, to }) } else { Err(errors) }
}

fn cursor(params: &Params) -> Result<Option<AuditCursor>, WebError> {
    let seq = |name: &str| -> Result<Option<u64>, WebError> {
        params
            .get(name)
            .map(|text| {
                text.parse::<u64>()
                    .map_err(|_| WebError::field(name, amparo_domain::Problem::NotAWholeNumber))
            })
            .transpose()
    };
    match (seq("before")?, seq("after")?) {
        (Some(_), Some(_)) => {
            Err(WebError::field("before", amparo_domain::Problem::Exclusive { other: "after".into() }))
        }
        (Some(before), None) => Ok(Some(AuditCursor::Before(before))),
        (None, Some(after)) => Ok(Some(AuditCursor::After(after))),
        (None, None) => Ok(None),
    }
}

fn row(lang: Lang, users: &[User], record: AuditRecord) -> AuditRow {
    let name = |id: &str| users.iter().find(|u| u.id.as_str() == id).map(|u| u.display_name.clone());
    let who = record.actor.as_deref().map(|id| name(id).unwrap_or_else(|| id.to_owned()));
    let target = if CASE_TARGETS.contains(&record.action.as_str()) && !record.target.is_empty() {
        TargetView::Case(record.target)
    } else if let Some(member) = name(&record.target) {
        TargetView::Member(member)
    } else {
        TargetView::Other(record.target)
    };
    AuditRow {
        seq: record.seq,
        when: lang.moment(record.at),
        who,
        what: action_name(lang, &record.action),
        action: record.action,
        target,
        detail: record.detail,
    }
}

pub async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    params.only(&["action", "actor", "case", "from", "to", "before", "after"])?;
    let cursor = cursor(&params)?;
    let lang = signed_in.lang();
    let org = signed_in.user.org_id.clone();
    let reference = params.get("case").map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    let (users, chain, case) = state
        .with_store(move |store| {
            let case = match reference {
                Some(reference) => Some(store.case_by_reference(&org, &reference)?.map(|c| c.id)),
                None => None,
            };
            Ok((store.users(&org)?, store.check_recent_audit(&org, CHECKED_ENTRIES)?, case))
        })
        .await?;
    let filters = parse_filters(&params, &users, case, lang);
    let (status, errors, page) = match filters {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Ok(filters) => {
            let query = AuditQuery {
                action: filters.action,
                actor: filters.actor,
                case: filters.case,
                // Days are the organisation's: each starts at its midnight.
                from: filters.from.map(|day| signed_in.zone.start_of(day)),
                until: filters.to.map(|to| signed_in.zone.start_of(to.add_days(1))),
                cursor,
                limit: PAGE_SIZE,
            };
            let org = signed_in.user.org_id.clone();
            let page = state.with_store(move |store| store.audit_page(&org, &query)).await?;
            (StatusCode::OK, Vec::new(), Some(page))
        }
    };
    // The filters as given, kept in the paging links.
    let mut kept = String::new();
    for name in ["action", "actor", "case", "from", "to"] {
        if let Some(value) = params.get(name) {
            kept.push_str(&format!("{name}={}&", form_encode(value)));
        }
    }
    let (rows, previous, next) = match page {
        Some(page) => (
            page.entries.into_iter().map(|r| row(lang, &users, r)).collect(),
            page.newer.map(|seq| format!("/audit?{kept}after={seq}")),
            page.older.map(|seq| format!("/audit?{kept}before={seq}")),
        ),
        None => (Vec::new(), None, None),
    };
    let chain = ChainView {
        intact: chain.outcome.is_ok(),
        text: match (&chain.outcome, chain.whole_chain) {
            (Ok(()), true) => lang.t1("audit-chain-ok-whole", "count", chain.entries as i64),
            (Ok(()), false) => lang.t1("audit-chain-ok-recent", "count", chain.entries as i64),
            (Err(detail), _) => lang.t1("audit-chain-broken", "detail", detail.as_str()),
        },
    };
    let selected_action = params.get("action");
    let selected_actor = params.get("actor");
    let filters = AuditFilters {
        actions: ACTIONS
            .iter()
            .map(|a| Choice {
                value: (*a).to_owned(),
                label: action_name(lang, a),
                selected: selected_action == Some(*a),
            })
            .collect(),
        actors: users
            .iter()
            .map(|u| Choice {
                value: u.id.as_str().to_owned(),
                label: format!("{} ({})", u.display_name, u.email),
                selected: selected_actor == Some(u.id.as_str()),
            })
            .collect(),
        case: params.text("case"),
        from: params.text("from"),
        to: params.text("to"),
        active: !kept.is_empty(),
    };
    let view =
        AuditPageView { lang, viewer: viewer(&signed_in), filters, errors, rows, chain, previous, next };
    tracing::debug!(user = %signed_in.user.id, "audit page");
    Ok((status, crate::ui::render(&view)).into_response())
}
