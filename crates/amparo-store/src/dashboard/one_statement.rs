//! The dashboard's reads as one PostgreSQL statement: each section is a column of one row, the
//! counts as numbers and the lines as a JSON array of arrays, each inner array the row the section's
//! own statement returns, in its order. The rows are read back with the very functions that read the
//! sections' own statements, so the two paths cannot drift apart in what a row means. Each section
//! is its own statement's SQL as a subquery (the same indexes, the same caps); the deadline windows'
//! cut-off day, a statement of its own when read alone, is a scalar subquery here.

use crate::conditions::Conditions;
use crate::db::{Row, Tx, Value};
use crate::deadlines::{upcoming_line, window_count, window_cut, window_first, window_lines};
use crate::error::{StoreError, StoreResult};
use crate::model::{BoardPage, OrgId, UpcomingDeadlines};
use crate::security::seal::Sealer;
use crate::triage::board::{board_conditions, board_count, board_entry, board_page, limit_of};
use crate::triage::escalations::{open_escalation, select_open_escalations};

use super::{Dashboard, DashboardQuery};

/// The statement and its parameters: the organisation at `$1`, then the board's, then each
/// window's days. Its numbers (limits, offsets, caps) are written into the SQL, as the board's cap
/// already was: as parameters, PostgreSQL's generic plan for the statement (which it switches to
/// after five runs when it costs no more than planning each run) could not know that the board's
/// page is 8 rows, and joined it to every patient by hash (40–50 ms instead of 3).
fn statement(org: &OrgId, query: &DashboardQuery) -> (String, Vec<Value>) {
    let filter = query.board_filter();
    let mut params = board_conditions(org, &filter);
    let where_sql = params.sql();
    let board_total = board_count(&where_sql, filter.count_up_to);
    let page = board_page(&where_sql, &limit_of(&filter).to_string(), "0");
    let shared = query.shared_with.as_ref().map(|user| params.next(user.as_str()));
    let overdue = window(&mut params, query.overdue(), shared.as_deref(), query);
    let upcoming = window(&mut params, query.upcoming(), shared.as_deref(), query);
    let escalations = select_open_escalations(&query.escalation_rows.max(0).to_string());
    let sql = format!(
        "SELECT ({board_total}), \
         (SELECT json_agg(json_build_array(b.id, b.reference, b.program, b.triage_score, b.critical_care, \
          b.next_due, b.next_kind, b.triage, b.given_name, b.family_name, b.open_escalations) \
          ORDER BY b.triage_score DESC, b.reference)::text FROM ({page}) b), \
         {overdue}, {upcoming}, \
         (SELECT json_agg(json_build_array(x.id, x.case_id, x.reference, x.critical_care, x.reason, x.opened_at) \
          ORDER BY x.critical_care DESC, x.opened_at DESC, x.id)::text FROM ({escalations}) x)"
    );
    (sql, params.params)
}

/// A window's two columns: its lines counted up to the cap, and its first lines up to the day of
/// the last of them.
fn window(
    params: &mut Conditions,
    (from, to): (amparo_domain::Date, amparo_domain::Date),
    shared: Option<&str>,
    query: &DashboardQuery,
) -> String {
    let (rows, count_up_to) = query.deadline_lines();
    let (from, to) = (params.next(from.to_string()), params.next(to.to_string()));
    let lines = window_lines(&from, &to, shared);
    // One more than the cap, so that "more than the cap" can be told from "exactly the cap".
    let count = window_count(&lines, &count_up_to.max(0).saturating_add(1).to_string());
    let cut = window_cut(&lines, &(rows - 1).max(0).to_string());
    let narrowed = window_lines(&from, &format!("COALESCE((SELECT k.due FROM ({cut}) k), {to})"), shared);
    let first = window_first(&narrowed, &rows.max(0).to_string());
    format!(
        "({count}), \
         (SELECT json_agg(json_build_array(w.case_id, w.reference, w.kind, w.due) \
          ORDER BY w.due, w.kind, w.reference)::text FROM ({first}) w)"
    )
}

pub(super) fn dashboard(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    query: &DashboardQuery,
) -> StoreResult<Dashboard> {
    let (sql, params) = statement(org, query);
    let row = tx
        .query_opt(&sql, &params)?
        .ok_or_else(|| StoreError::Backend("the dashboard's statement returned no row".into()))?;
    let today = Some(query.today);
    let board = BoardPage {
        total: row.int(0)?,
        entries: lines(row.opt_text(1)?)?
            .iter()
            .map(|r| board_entry(r, sealer, org, today))
            .collect::<StoreResult<_>>()?,
    };
    let window = |count: usize| -> StoreResult<UpcomingDeadlines> {
        Ok(UpcomingDeadlines {
            total: row.int(count)?,
            first: lines(row.opt_text(count + 1)?)?.iter().map(upcoming_line).collect::<StoreResult<_>>()?,
        })
    };
    let (overdue, upcoming) = (window(2)?, window(4)?);
    let escalations = lines(row.opt_text(6)?)?
        .iter()
        .map(|r| open_escalation(r, sealer, org))
        .collect::<StoreResult<_>>()?;
    Ok(Dashboard { board, overdue, upcoming, escalations })
}

/// A section's rows from its JSON array of arrays (`NULL` when it has none), each value as the
/// driver would have returned it: text as text, numbers as integers, booleans as 0 and 1.
fn lines(json: Option<String>) -> StoreResult<Vec<Row>> {
    let Some(json) = json else { return Ok(Vec::new()) };
    let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(&json)
        .map_err(|e| StoreError::Backend(format!("the dashboard's rows are not JSON arrays: {e}")))?;
    rows.into_iter().map(|row| row.into_iter().map(value).collect::<StoreResult<Vec<_>>>().map(Row)).collect()
}

fn value(json: serde_json::Value) -> StoreResult<Value> {
    use serde_json::Value as Json;
    match json {
        Json::Null => Ok(Value::Null),
        Json::String(text) => Ok(Value::Text(text)),
        Json::Bool(flag) => Ok(Value::Int(flag.into())),
        Json::Number(number) => number.as_i64().map(Value::Int).ok_or_else(|| {
            StoreError::Backend(format!("the dashboard's rows hold a number not an integer: {number}"))
        }),
        other => Err(StoreError::Backend(format!("the dashboard's rows hold a nested value: {other}"))),
    }
}
