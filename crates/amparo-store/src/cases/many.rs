//! Reading a run of cases at once, in the order of their ids: one query per table for the whole
//! run instead of one per case, for work that goes through every case of an organisation (a policy
//! change re-derives them all). The run's later reads select by the range of its ids, which the
//! keys (`org_id`, then the case id) serve directly.

use std::collections::HashMap;

use super::{CASE_COLUMNS, build, case_row, voids};
use crate::db::{Row, Tx};
use crate::error::StoreResult;
use crate::model::{OrgId, StoredCase};
use crate::security::seal::Sealer;

/// The people of the cases whose ids run from `$2` to `$3`, as `SELECT_PEOPLE` reads them after
/// the case id.
const SELECT_RANGE_PEOPLE: &str = "SELECT case_id, position, key, role, given_name, family_name, birth_date, \
     a_number, citizenship, preferred_language FROM people WHERE org_id = $1 AND case_id >= $2 AND case_id <= $3 \
     ORDER BY case_id, position";
/// The event bodies of the same cases, as `SELECT_EVENT_BODIES` reads them after the case id.
const SELECT_RANGE_EVENTS: &str = "SELECT case_id, body, seq FROM events \
     WHERE org_id = $1 AND case_id >= $2 AND case_id <= $3 ORDER BY case_id, seq";

fn select_cases_after() -> String {
    format!(
        "SELECT {CASE_COLUMNS}, search_terms FROM cases WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3"
    )
}

/// A case read in a run, with its stored search terms.
pub(crate) struct RunCase {
    pub case: StoredCase,
    pub terms: String,
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
    let range = [org.as_str().into(), first.text(0)?.into(), last.text(0)?.into()];
    let mut people = by_case(tx.query(SELECT_RANGE_PEOPLE, &range)?)?;
    let mut events = by_case(tx.query(SELECT_RANGE_EVENTS, &range)?)?;
    let mut voids = voids::voids_in_range(tx, sealer, org.as_str(), (&first.text(0)?, &last.text(0)?))?;
    rows.iter()
        .map(|row| {
            let case = case_row(row)?;
            let id = case.id.clone();
            let terms = row.opt_text(11)?.unwrap_or_default();
            let (people, events) =
                (people.remove(&id).unwrap_or_default(), events.remove(&id).unwrap_or_default());
            let case =
                build(sealer, case, (&people, 1), (&events, 1), voids.remove(&id).unwrap_or_default())?;
            Ok(RunCase { case, terms })
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
