//! `GET /api/v1/calendar?month=2026-11`: the calendar page's month of deadlines for API clients,
//! from the same query (the cases the reader may see; a clinician's shared ones only), each with its
//! rule, citation and *why* in English, and whether it is overdue.

use amparo_domain::{Date, Language, Problem};
use amparo_store::{DeadlineQuery, DueDeadline};
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::cases::calendar::{is_overdue, month_param, next_month, parse_month, window_deadlines};
use crate::http::error::{ApiError, WebError};
use crate::http::input::Params;
use crate::http::session::SignedIn;

/// A month of deadlines, by due date.
#[derive(Serialize, ToSchema)]
pub(crate) struct MonthAnswer {
    /// `YYYY-MM`.
    month: String,
    items: Vec<DeadlineAnswer>,
    #[serde(flatten)]
    paging: crate::http::paging::Paging,
}

/// A deadline of a case: what is due and when, the rule and citation behind it, why, and whether it
/// is overdue (past its day and not advisory).
#[derive(Serialize, ToSchema)]
pub(crate) struct DeadlineAnswer {
    case_id: String,
    reference: String,
    kind: String,
    /// The person's key on the case; absent for deadlines of the whole case.
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<String>,
    #[schema(value_type = String, format = Date)]
    due: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    window_opens: Option<Date>,
    rule: String,
    basis: String,
    citation: String,
    why: String,
    /// Listed with its *why*, never an overdue alarm.
    advisory: bool,
    overdue: bool,
}

fn deadline_answer(deadline: DueDeadline, today: Date) -> DeadlineAnswer {
    let overdue = is_overdue(&deadline, today);
    let DueDeadline {
        case_id,
        reference,
        kind,
        person,
        due,
        window_opens,
        rule,
        basis,
        citation,
        why,
        advisory,
    } = deadline;
    DeadlineAnswer {
        case_id: case_id.0,
        reference,
        kind,
        person,
        due,
        window_opens,
        rule,
        basis,
        citation,
        why,
        advisory,
        overdue,
    }
}

/// `month` (`YYYY-MM`, this month by default): every deadline due in it, by due date.
pub async fn month(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params(params);
    params.only(&["month"])?;
    let today = signed_in.today(state.clock.now());
    let first = match params.get("month") {
        None => Date::from_ymd(today.year(), today.month(), 1).unwrap_or(today),
        Some(text) => parse_month(text)
            .ok_or_else(|| WebError::field("month", Problem::NotADate { value: text.to_owned() }))?,
    };
    let window = DeadlineQuery { from: first, to: next_month(first).add_days(-1), kind: None };
    let user = signed_in.user.clone();
    let deadlines =
        state.with_store(move |store| window_deadlines(store, &user, &window, Language::En)).await?;
    let deadlines: Vec<DeadlineAnswer> = deadlines.into_iter().map(|d| deadline_answer(d, today)).collect();
    let paging = crate::http::paging::Paging::whole(deadlines.len());
    Ok(Json(MonthAnswer { month: month_param(first), items: deadlines, paging }).into_response())
}
