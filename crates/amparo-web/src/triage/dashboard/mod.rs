//! The dashboard, where sign-in leads: the most urgent cases of the triage board, the deadlines
//! already late, those of the next 14 days, my tasks and the open escalations, each a few lines with
//! a link to the whole.

pub mod views;

use amparo_domain::Date;
use amparo_store::{Dashboard, DashboardQuery};
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::http::error::WebError;
use crate::http::session::SignedIn;
use crate::triage::dashboard::views::{DashboardPage, DeadlineRow, EscalationRow, TaskRow};
use crate::ui::i18n::pick;
use crate::ui::viewer;

/// How far ahead the deadlines section looks.
pub const DEADLINE_DAYS: i64 = 14;
/// Lines per section; each links to its full page.
const BOARD_ROWS: i64 = 8;
const DEADLINE_ROWS: usize = 25;
const TASK_ROWS: usize = 10;
const ESCALATION_ROWS: i64 = 10;
/// The board's open cases are counted up to this; beyond it the dashboard says "more than".
const BOARD_COUNT_CAP: i64 = 1000;
/// The same for the deadlines of the next 14 days.
const DEADLINE_COUNT_CAP: i64 = 1000;
/// The first day the overdue section looks back to: far enough that no late deadline is hidden
/// (stored deadlines are those of open matters: one the timeline met is no longer derived).
const OVERDUE_SINCE: (i32, u32, u32) = (1900, 1, 1);

pub async fn dashboard(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    let lang = signed_in.lang();
    let now = state.clock.now();
    let today = signed_in.today(now);
    let org = signed_in.user.org_id.clone();
    let me = signed_in.user.id.clone();
    let user = signed_in.user.clone();
    let (dashboard, tasks) = state
        .with_store(move |store| {
            let shared_with = crate::cases::visibility::shared_only(&user);
            let query = DashboardQuery {
                today,
                // A clinician sees no escalations here: their own checklist tasks are under "my tasks".
                escalation_rows: if shared_with.is_some() { 0 } else { ESCALATION_ROWS },
                shared_with,
                board_rows: BOARD_ROWS,
                board_count_up_to: BOARD_COUNT_CAP,
                deadline_days: DEADLINE_DAYS,
                overdue_since: Date::from_ymd(OVERDUE_SINCE.0, OVERDUE_SINCE.1, OVERDUE_SINCE.2)
                    .unwrap_or(today),
                deadline_rows: DEADLINE_ROWS as i64,
                deadline_count_up_to: DEADLINE_COUNT_CAP,
            };
            Ok((store.dashboard(&org, &query)?, store.open_tasks(&org, &me)?))
        })
        .await?;
    let Dashboard { board, overdue, upcoming: deadlines, escalations } = dashboard;
    let deadline_more = deadlines.total > DEADLINE_COUNT_CAP;
    let deadline_total = usize::try_from(deadlines.total.min(DEADLINE_COUNT_CAP)).unwrap_or(0);
    let overdue_more = overdue.total > DEADLINE_COUNT_CAP;
    let overdue_total = usize::try_from(overdue.total.min(DEADLINE_COUNT_CAP)).unwrap_or(0);
    let row = |d: amparo_store::UpcomingDeadline| DeadlineRow {
        case_id: d.case_id.0,
        reference: d.reference,
        due: lang.date(d.due),
        in_days: today.days_until(d.due),
        kind: lang.deadline_kind(&d.kind),
    };
    let task_total = tasks.len();
    let page = DashboardPage {
        lang,
        viewer: viewer(&signed_in),
        board_total: board.total.min(BOARD_COUNT_CAP),
        board_more: board.total > BOARD_COUNT_CAP,
        board: board.entries.into_iter().map(|e| crate::triage::board::board_row(e, lang)).collect(),
        deadline_total,
        deadline_more,
        overdue_total,
        overdue_more,
        overdue: overdue.first.into_iter().map(row).collect(),
        deadlines: deadlines.first.into_iter().map(row).collect(),
        task_total,
        tasks: tasks
            .into_iter()
            .take(TASK_ROWS)
            .map(|t| TaskRow {
                overdue: t.due_at <= now,
                case_id: t.case_id.0,
                reference: t.reference,
                title: pick(lang.0, &t.title_en, &t.title_es).to_owned(),
                due: lang.moment(t.due_at),
            })
            .collect(),
        escalations: escalations
            .into_iter()
            .map(|e| EscalationRow {
                case_id: e.case_id.0,
                reference: e.reference,
                critical_care: e.critical_care,
                reason: pick(lang.0, &e.reason_en, &e.reason_es).to_owned(),
                opened: lang.moment(e.opened_at),
            })
            .collect(),
    };
    Ok(crate::ui::render(&page).into_response())
}
