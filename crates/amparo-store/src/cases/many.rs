//! Reading a run of cases at once, in the order of their ids: one query per table for the whole
//! run instead of one per case, for work that goes through many cases of an organisation (a policy
//! change re-derives them all, a new day those it made due). The run's later reads select by the
//! range of its ids or by the ids themselves ([`CaseSet`]), which the keys (`org_id`, then the case
//! id) serve directly.

use std::collections::HashMap;

use super::{CASE_COLUMNS, build, case_row, voids};
use crate::case_set::CaseSet;
use crate::db::{Row, Tx, Value};
use crate::derivation::KEPT_IF_SAME;
use crate::error::StoreResult;
use crate::model::{OrgId, StoredCase};
use crate::security::seal::Sealer;

/// The people of a set of cases, as `SELECT_PEOPLE` reads them after the case id.
fn select_people(cases: &CaseSet) -> String {
    format!(
        "SELECT case_id, position, key, role, given_name, family_name, birth_date, a_number, citizenship, \
         preferred_language FROM people WHERE org_id = $1 AND {} ORDER BY case_id, position",
        cases.condition("case_id")
    )
}

/// The event bodies of a set of cases, as `SELECT_EVENT_BODIES` reads them after the case id.
fn select_events(cases: &CaseSet) -> String {
    format!(
        "SELECT case_id, body, seq FROM events WHERE org_id = $1 AND {} ORDER BY case_id, seq",
        cases.condition("case_id")
    )
}

/// The columns a run reads of each case row: the case's own, its search terms, then the derived
/// columns a re-derivation compares before writing (`derivation::KEPT_IF_SAME`).
fn run_columns() -> String {
    format!("{CASE_COLUMNS}, search_terms, {}", KEPT_IF_SAME.join(", "))
}

fn select_cases_after() -> String {
    format!("SELECT {} FROM cases WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3", run_columns())
}

/// Cases whose stored derivation could differ on `$2` (its `rederive_on` has come, or it was never
/// made, or it was invalidated), at most `$3` of them, in no order: each run moves its cases' day
/// on, so the next run finds the rest. Ordering them would read every due case's row for each run
/// (a sort) instead of stopping at the run's last. Each side of the `OR` has its index. `claim`
/// holds the rows for the run's transaction where the engine needs it ([`crate::db::Engine::claim_rows`]):
/// without it, an event recorded between this read and the run's write would be overwritten by a
/// derivation of the timeline without it.
fn select_stale_cases(claim: &str) -> String {
    format!(
        "SELECT {} FROM cases WHERE org_id = $1 AND (rederive_on <= $2 OR derived_on IS NULL) LIMIT $3{claim}",
        run_columns()
    )
}

/// A case read in a run, with its stored search terms and derived columns.
pub(crate) struct RunCase {
    pub case: StoredCase,
    pub terms: String,
    /// The derived columns as stored, in the order of `derivation::KEPT_IF_SAME`.
    pub columns: Vec<Value>,
}

/// Up to `limit` cases of the organisation whose ids sort after `after` (`""` for the first run),
/// whole, in the order of their ids.
pub(crate) fn cases_after(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    after: &str,
    limit: i64,
) -> StoreResult<Vec<RunCase>> {
    let rows = tx.query(&select_cases_after(), &[org.as_str().into(), after.into(), limit.into()])?;
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return Ok(Vec::new()) };
    let (first, last) = (first.text(0)?, last.text(0)?);
    complete(tx, sealer, org, rows, CaseSet::Range(&first, &last))
}

/// Up to `limit` of the organisation's cases whose stored derivation could differ on `today`, whole,
/// in no particular order.
pub(crate) fn stale_cases(
    tx: &mut dyn Tx,
    (sealer, claim): (&Sealer, &str),
    org: &OrgId,
    today: &str,
    limit: i64,
) -> StoreResult<Vec<RunCase>> {
    let rows = tx.query(&select_stale_cases(claim), &[org.as_str().into(), today.into(), limit.into()])?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = rows.iter().map(|row| row.text(0)).collect::<StoreResult<Vec<_>>>()?;
    complete(tx, sealer, org, rows, CaseSet::Ids(&ids))
}

/// The cases of `rows` (case rows read with their search terms) made whole: their people, timelines
/// and voids read for the set they form, one query each.
fn complete(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    rows: Vec<Row>,
    cases: CaseSet,
) -> StoreResult<Vec<RunCase>> {
    let params = cases.params(org.as_str());
    let mut people = by_case(tx.query(&select_people(&cases), &params)?)?;
    let mut events = by_case(tx.query(&select_events(&cases), &params)?)?;
    let mut voids = voids::voids_of(tx, sealer, org.as_str(), cases)?;
    rows.iter()
        .map(|row| {
            let case = case_row(row)?;
            let id = case.id.clone();
            let terms = row.opt_text(11)?.unwrap_or_default();
            let columns = row.0.get(12..).map(<[Value]>::to_vec).unwrap_or_default();
            let (people, events) =
                (people.remove(&id).unwrap_or_default(), events.remove(&id).unwrap_or_default());
            let case =
                build(sealer, case, (&people, 1), (&events, 1), voids.remove(&id).unwrap_or_default())?;
            Ok(RunCase { case, terms, columns })
        })
        .collect()
}

/// Rows whose first column is a case id, grouped by it (each case's in the order read).
fn by_case(rows: Vec<Row>) -> StoreResult<HashMap<String, Vec<Row>>> {
    let mut grouped: HashMap<String, Vec<Row>> = HashMap::new();
    for row in rows {
        grouped.entry(row.text(0)?).or_default().push(row);
    }
    Ok(grouped)
}
