//! The calendar: a month of deadlines across the organisation's cases (`/calendar?month=2026-11`),
//! as a table of weeks, overdue ones marked, with links to the month before and after.

pub mod api;
pub mod views;

use amparo_domain::Date;
use amparo_store::DeadlineQuery;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;

use crate::AppState;
use crate::cases::calendar::views::{CalendarPage, DayCell, DayEntry};
use crate::http::error::WebError;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::ui::viewer;

/// Deadlines listed in one day's cell; the rest are counted.
const PER_DAY: usize = 6;

/// The first day of the month `text` names (`YYYY-MM`).
pub(crate) fn parse_month(text: &str) -> Option<Date> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    Date::from_ymd(year.parse().ok()?, month.parse().ok()?, 1)
}

pub(crate) fn month_param(first: Date) -> String {
    format!("{:04}-{:02}", first.year(), first.month())
}

pub(crate) fn next_month(first: Date) -> Date {
    let (year, month) =
        if first.month() == 12 { (first.year() + 1, 1) } else { (first.year(), first.month() + 1) };
    Date::from_ymd(year, month, 1).unwrap_or(first)
}

fn previous_month(first: Date) -> Date {
    let (year, month) =
        if first.month() == 1 { (first.year() - 1, 12) } else { (first.year(), first.month() - 1) };
    Date::from_ymd(year, month, 1).unwrap_or(first)
}

/// A stored deadline past its day: stored deadlines are those the timeline has not met, so one
/// due before today is late, unless it is advisory (shown, never an alarm).
pub(crate) fn is_overdue(deadline: &amparo_store::DueDeadline, today: Date) -> bool {
    deadline.due < today && !deadline.advisory
}

/// The deadlines due in `window` on the cases `user` may see, each *why* in `language`: what the
/// calendar page and its API list.
pub(crate) fn window_deadlines(
    store: &amparo_store::Store,
    user: &amparo_store::User,
    window: &DeadlineQuery,
    language: amparo_domain::Language,
) -> amparo_store::StoreResult<Vec<amparo_store::DueDeadline>> {
    let mut deadlines = store.deadlines_due_in(&user.org_id, window, language)?;
    if let Some(visible) = crate::cases::visibility::visible_cases(store, user)? {
        deadlines.retain(|d| visible.contains(&d.case_id));
    }
    Ok(deadlines)
}

pub async fn calendar(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let params = Params(params);
    let lang = signed_in.lang();
    let today = signed_in.today(state.clock.now());
    let this_month = Date::from_ymd(today.year(), today.month(), 1).unwrap_or(today);
    let (first, status, error) = match params.get("month") {
        None => (this_month, StatusCode::OK, None),
        Some(text) => match parse_month(text) {
            Some(first) => (first, StatusCode::OK, None),
            None => (this_month, StatusCode::UNPROCESSABLE_ENTITY, Some(lang.t("calendar-bad-month"))),
        },
    };
    let last = next_month(first).add_days(-1);
    let window = DeadlineQuery { from: first, to: last, kind: None };
    let user = signed_in.user.clone();
    let deadlines = state.with_store(move |store| window_deadlines(store, &user, &window, lang.0)).await?;
    // Weeks start on Monday; days outside the month are empty cells.
    let lead = first.as_naive().weekday().num_days_from_monday() as usize;
    let days = usize::try_from(first.days_until(last) + 1).unwrap_or(0);
    let mut cells: Vec<DayCell> = (0..lead).map(|_| DayCell::empty()).collect();
    for offset in 0..days {
        let day = first.add_days(offset as i64);
        let due: Vec<_> = deadlines.iter().filter(|d| d.due == day).collect();
        let mut entries: Vec<DayEntry> = Vec::new();
        for d in &due {
            let kind = lang.deadline_kind(&d.kind);
            // One line per case and kind: a family's shared deadline is listed once.
            if entries.iter().any(|e| e.case_id == d.case_id.0 && e.kind == kind) {
                continue;
            }
            entries.push(DayEntry {
                case_id: d.case_id.0.clone(),
                reference: d.reference.clone(),
                kind,
                overdue: is_overdue(d, today),
                advisory: d.advisory,
            });
        }
        let more = entries.len().saturating_sub(PER_DAY);
        entries.truncate(PER_DAY);
        cells.push(DayCell {
            day: day.day(),
            label: lang.date(day),
            today: day == today,
            entries,
            more,
            in_month: true,
        });
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(DayCell::empty());
    }
    let weeks = cells.chunks(7).map(<[DayCell]>::to_vec).collect();
    let page = CalendarPage {
        lang,
        viewer: viewer(&signed_in),
        title: lang.month_year(first.year(), first.month()),
        weeks,
        total: deadlines.len(),
        previous: format!("/calendar?month={}", month_param(previous_month(first))),
        previous_label: lang.month_year(previous_month(first).year(), previous_month(first).month()),
        next: format!("/calendar?month={}", month_param(next_month(first))),
        next_label: lang.month_year(next_month(first).year(), next_month(first).month()),
        error,
        csv_href: format!("/export/deadlines.csv?month={}", month_param(first)),
    };
    Ok((status, crate::ui::render(&page)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_strictly_and_roll_over_the_year() {
        let Some(november) = parse_month("2026-11") else { panic!("valid month") };
        assert_eq!(november.to_string(), "2026-11-01");
        assert_eq!(next_month(next_month(november)).to_string(), "2027-01-01");
        assert_eq!(previous_month(Date::from_ymd(2026, 1, 1).unwrap_or(november)).to_string(), "2025-12-01");
        for bad in ["2026-13", "2026-1", "26-11", "2026-11-01", "november"] {
            assert!(parse_month(bad).is_none(), "{bad}");
        }
    }
}
