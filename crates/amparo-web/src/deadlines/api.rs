//! `GET /api/v1/deadlines?from=YYYY-MM-DD&to=YYYY-MM-DD&kind=K&page=N&per_page=M`: the deadlines
//! due in a window of at most a year (by default the dashboard's: today and the next 14 days), of
//! the cases the reader sees, soonest first, one per case, kind and day, each with its *why* in the
//! reader's language; paged by `page` and `per_page` as every list is (`{items, total, next}`). The
//! read is audited.

use amparo_domain::Date;
use amparo_store::{DeadlineQuery, DueDeadline};
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::http::error::{ApiError, WebError};
use crate::http::input::Params;
use crate::http::paging::Paging;
use crate::http::session::SignedIn;
use crate::triage::dashboard::DEADLINE_DAYS;

/// The longest window one request may ask for, in days.
pub const MAX_WINDOW_DAYS: i64 = 366;
/// Deadlines per page unless asked otherwise, and at most.
const PER_PAGE: i64 = 100;
const MAX_PER_PAGE: i64 = 500;

/// One deadline of a case.
#[derive(Serialize, ToSchema)]
pub struct DeadlineAnswer {
    case_id: String,
    reference: String,
    /// The deadline's kind (`parole_ends`, `depart_by`, …).
    kind: String,
    /// The person's key on the case; null for the whole case's.
    person: Option<String>,
    /// YYYY-MM-DD.
    due: String,
    window_opens: Option<String>,
    /// The rule and the legal citation behind it.
    rule: String,
    citation: String,
    /// Why it is due then, in the reader's language.
    why: String,
    /// Listed but never an overdue alarm.
    advisory: bool,
    overdue: bool,
}

/// A page of deadlines, soonest first.
#[derive(Serialize, ToSchema)]
pub struct DeadlinesAnswer {
    items: Vec<DeadlineAnswer>,
    #[serde(flatten)]
    paging: Paging,
}

fn answer(deadline: &DueDeadline, today: Date) -> DeadlineAnswer {
    DeadlineAnswer {
        case_id: deadline.case_id.as_str().to_owned(),
        reference: deadline.reference.clone(),
        kind: deadline.kind.clone(),
        person: deadline.person.clone(),
        due: deadline.due.to_string(),
        window_opens: deadline.window_opens.map(|d| d.to_string()),
        rule: deadline.rule.clone(),
        citation: deadline.citation.clone(),
        why: deadline.why.clone(),
        advisory: deadline.advisory,
        overdue: crate::cases::calendar::is_overdue(deadline, today),
    }
}

/// The window asked for: `from` and `to` (each by default the dashboard's), `to` not before `from`
/// and at most [`MAX_WINDOW_DAYS`] after it.
fn window(params: &Params, today: Date) -> Result<DeadlineQuery, WebError> {
    let from = params.date("from")?.unwrap_or(today);
    let to = params.date("to")?.unwrap_or_else(|| from.add_days(DEADLINE_DAYS));
    if to < from {
        return Err(WebError::Invalid("to: the window ends before it starts".into()));
    }
    if from.add_days(MAX_WINDOW_DAYS) < to {
        return Err(WebError::Invalid(format!("to: a window is at most {MAX_WINDOW_DAYS} days")));
    }
    let kind = params.get("kind").map(str::to_owned);
    Ok(DeadlineQuery { from, to, kind })
}

pub async fn deadlines(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params(pairs);
    params.only(&["from", "to", "kind", "page", "per_page"])?;
    let now = state.clock.now();
    let today = signed_in.today(now);
    let query = window(&params, today)?;
    let page = params.int("page", 1, 100_000)?.unwrap_or(1);
    let per_page = params.int("per_page", 1, MAX_PER_PAGE)?.unwrap_or(PER_PAGE);
    let (user, lang) = (signed_in.user.clone(), signed_in.lang());
    let (deadlines, total) = state
        .with_store(move |store| {
            let mut deadlines = store.deadlines_due_in(&user.org_id, &query, lang.0)?;
            if let Some(visible) = crate::cases::visibility::visible_cases(store, &user)? {
                deadlines.retain(|d| visible.contains(&d.case_id));
            }
            // One per case, kind and day: a family's shared deadline once, as the calendar shows it.
            let mut seen = std::collections::HashSet::new();
            deadlines.retain(|d| seen.insert((d.case_id.clone(), d.kind.clone(), d.due)));
            let total = deadlines.len();
            let skip = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX);
            let shown: Vec<DueDeadline> =
                deadlines.into_iter().skip(skip).take(usize::try_from(per_page).unwrap_or(0)).collect();
            let event = amparo_store::AuditEvent {
                actor: Some(user.id.clone()),
                action: "deadlines.read".into(),
                target: "deadlines".into(),
                detail: serde_json::json!({ "rows": shown.len() }),
            };
            store.record_audit(&user.org_id, &event, now)?;
            Ok((shown, total))
        })
        .await?;
    let items = deadlines.iter().map(|d| answer(d, today)).collect();
    let total = i64::try_from(total).unwrap_or(i64::MAX);
    let more = page.saturating_mul(per_page) < total;
    let paging = Paging::of("/api/v1/deadlines", &params, ("page", page + 1), more, total);
    Ok(Json(DeadlinesAnswer { items, paging }).into_response())
}
