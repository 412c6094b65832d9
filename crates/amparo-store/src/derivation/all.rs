//! Re-deriving every case of an organisation (its policy changed, or its day did), a run of cases
//! at a time: each run is read with one query per table and its deadlines and escalations written
//! with multi-row statements, so the statements sent grow with the runs, not the cases (on
//! PostgreSQL each statement is a round trip). What is stored is what re-deriving each case on its
//! own ([`super::write_derivation`]) stores.

use std::collections::HashSet;

use super::buffer::DerivedRows;
use super::{DeriveContext, Stored, store_derivation};
use crate::cases::cases_after;
use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::OrgId;
use crate::security::seal::Sealer;
use crate::triage::escalations;

/// Cases per run: enough that the per-run statements cost little beside the cases' own work, few
/// enough that a run's rows stay small in memory.
const RUN: i64 = 500;

/// The cases of a run with an attorney assigned (the score depends on it).
const ATTORNEYS_IN_RANGE: &str = "SELECT DISTINCT case_id FROM case_assignments \
     WHERE org_id = $1 AND case_id >= $2 AND case_id <= $3 AND role = 'attorney'";
const DELETE_DEADLINES_IN_RANGE: &str =
    "DELETE FROM deadlines WHERE org_id = $1 AND case_id >= $2 AND case_id <= $3";

/// Re-derives every case of the organisation under `context`; returns how many.
pub(crate) fn rederive_all(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    context: &DeriveContext,
) -> StoreResult<usize> {
    let (mut after, mut total) = (String::new(), 0);
    loop {
        let run = cases_after(tx, sealer, org, &after, RUN)?;
        let (Some(first), Some(last)) = (run.first(), run.last()) else { return Ok(total) };
        let range = (first.case.id.as_str().to_owned(), last.case.id.as_str().to_owned());
        let bounds = [org.as_str().into(), range.0.as_str().into(), range.1.as_str().into()];
        let attorneys = tx
            .query(ATTORNEYS_IN_RANGE, &bounds)?
            .iter()
            .map(|r| r.text(0))
            .collect::<StoreResult<HashSet<_>>>()?;
        let mut known = escalations::stored_escalations_in_range(tx, sealer, org, (&range.0, &range.1))?;
        tx.execute(DELETE_DEADLINES_IN_RANGE, &bounds)?;
        let mut rows = DerivedRows::new();
        total += run.len();
        for read in run {
            let id = read.case.id.clone();
            let stored = Stored {
                attorney: attorneys.contains(id.as_str()),
                terms: read.terms,
                escalations: known.remove(id.as_str()).unwrap_or_default(),
            };
            store_derivation(tx, (org, &id), &read.case.in_force(), context, stored, &mut rows)?;
        }
        rows.flush(tx)?;
        after = range.1;
    }
}
