//! `/export/deadlines.csv`: the deadlines of the dashboard's window (every late one, then the next
//! 14 days) or, with `month=YYYY-MM`, of a calendar month; one line per case, kind and day, as the
//! calendar lists them, each with its *why* in the reader's language.

use amparo_domain::Date;
use amparo_store::{DeadlineQuery, DueDeadline};
use axum::extract::{Query, State};
use axum::response::Response;

use super::csv::{BYTE_ORDER_MARK, push_row};
use crate::AppState;
use crate::http::error::WebError;
use crate::http::input::Params;
use crate::http::session::SignedIn;
use crate::triage::dashboard::DEADLINE_DAYS;
use crate::ui::page::Lang;

/// Far enough back that no late deadline is left out (as the dashboard's overdue block looks).
const OVERDUE_SINCE: (i32, u32, u32) = (1900, 1, 1);

const HEADERS: [&str; 6] = [
    "export-col-due",
    "col-reference",
    "export-col-deadline",
    "export-col-overdue",
    "export-col-advisory",
    "col-why",
];

/// The window asked for, and the name of the file that holds it.
fn window(params: &Params, today: Date) -> Result<(DeadlineQuery, String), WebError> {
    params.only(&["month"])?;
    let Some(text) = params.get("month") else {
        let since = Date::from_ymd(OVERDUE_SINCE.0, OVERDUE_SINCE.1, OVERDUE_SINCE.2).unwrap_or(today);
        let query = DeadlineQuery { from: since, to: today.add_days(DEADLINE_DAYS), kind: None };
        return Ok((query, format!("deadlines-{today}.csv")));
    };
    let first = crate::cases::calendar::parse_month(text).ok_or_else(|| {
        WebError::field(
            "month",
            amparo_domain::Problem::WrongFormat { expected: "YYYY-MM".into(), found: text.to_owned() },
        )
    })?;
    let last = crate::cases::calendar::next_month(first).add_days(-1);
    let name = format!("deadlines-{:04}-{:02}.csv", first.year(), first.month());
    Ok((DeadlineQuery { from: first, to: last, kind: None }, name))
}

fn row(lang: Lang, deadline: &DueDeadline, today: Date) -> [String; 6] {
    [
        deadline.due.to_string(),
        deadline.reference.clone(),
        lang.deadline_kind(&deadline.kind),
        lang.yes_no(crate::cases::calendar::is_overdue(deadline, today)),
        lang.yes_no(deadline.advisory),
        deadline.why.clone(),
    ]
}

pub async fn deadlines_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lang = signed_in.lang();
    let now = state.clock.now();
    let today = signed_in.today(now);
    let (query, file_name) = window(&Params(pairs), today)?;
    let user = signed_in.user.clone();
    let deadlines = state
        .with_store(move |store| {
            let mut deadlines = store.deadlines_due_in(&user.org_id, &query, lang.0)?;
            if let Some(visible) = crate::cases::visibility::visible_cases(store, &user)? {
                deadlines.retain(|d| visible.contains(&d.case_id));
            }
            // One line per case, kind and day: a family's shared deadline once.
            let mut seen = std::collections::HashSet::new();
            deadlines.retain(|d| seen.insert((d.case_id.clone(), d.kind.clone(), d.due)));
            store.record_audit(
                &user.org_id,
                &super::audit_event(&user, "deadlines", deadlines.len()),
                now,
            )?;
            Ok(deadlines)
        })
        .await?;
    let mut text = String::from(BYTE_ORDER_MARK);
    push_row(&mut text, &HEADERS.map(|id| lang.t(id)));
    for deadline in &deadlines {
        push_row(&mut text, &row(lang, deadline, today));
    }
    Ok(super::response::whole(&file_name, text))
}
