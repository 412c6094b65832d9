//! Re-deriving many cases of an organisation (its policy changed, or its day did), a run of cases
//! at a time: each run is read with one query per table and its deadlines and escalations written
//! with multi-row statements, so the statements sent grow with the runs, not the cases (on
//! PostgreSQL each statement is a round trip). What is stored is what re-deriving each case on its
//! own ([`super::write_derivation`]) stores.

use std::collections::HashSet;

use super::buffer::DerivedRows;
use super::{DeriveContext, Stored, store_derivation};
use crate::case_set::CaseSet;
use crate::cases::{RunCase, cases_after, stale_cases};
use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::OrgId;
use crate::security::seal::Sealer;
use crate::triage::escalations;

/// Cases per run: enough that the per-run statements cost little beside the cases' own work, few
/// enough that a run's rows stay small in memory.
pub(crate) const RUN: i64 = 500;

/// Cases per transaction of a day's refresh (`Store::refresh_derived`). Each commit writes every
/// index page its cases' new scores moved, and the board's and the list's indexes are shared by
/// all the day's cases: in runs of 500, the same pages were written again by each run (on SQLite,
/// copied again by each checkpoint). A run of 2,000 holds the writer for a few tenths of a second.
pub(crate) const DAY_RUN: i64 = 2_000;

/// The cases of a set with an attorney assigned (the score depends on it).
fn attorneys_of(cases: &CaseSet) -> String {
    format!(
        "SELECT DISTINCT case_id FROM case_assignments WHERE org_id = $1 AND {} AND role = 'attorney'",
        cases.condition("case_id")
    )
}

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
        total += run.len();
        rederive_run(tx, sealer, org, context, run, CaseSet::Range(&range.0, &range.1))?;
        after = range.1;
    }
}

/// Re-derives up to `limit` of the organisation's stale cases (those whose stored derivation could
/// differ on `context.today`), holding their rows with `claim` (see `Engine::claim_rows`); returns
/// how many.
pub(crate) fn rederive_stale(
    tx: &mut dyn Tx,
    (sealer, claim): (&Sealer, &str),
    org: &OrgId,
    context: &DeriveContext,
    limit: i64,
) -> StoreResult<usize> {
    let run = stale_cases(tx, (sealer, claim), org, &context.today.to_string(), limit)?;
    let count = run.len();
    if count > 0 {
        let ids: Vec<String> = run.iter().map(|read| read.case.id.as_str().to_owned()).collect();
        rederive_run(tx, sealer, org, context, run, CaseSet::Ids(&ids))?;
    }
    Ok(count)
}

/// Re-derives the cases of `run`, read whole, which are exactly the cases of `cases`.
fn rederive_run(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    context: &DeriveContext,
    run: Vec<RunCase>,
    cases: CaseSet,
) -> StoreResult<()> {
    let params = cases.params(org.as_str());
    let attorneys = tx
        .query(&attorneys_of(&cases), &params)?
        .iter()
        .map(|r| r.text(0))
        .collect::<StoreResult<HashSet<_>>>()?;
    let mut known = escalations::stored_escalations_of(tx, sealer, org, cases)?;
    let mut rows = DerivedRows::over(tx, org, cases)?;
    for read in run {
        let id = read.case.id.clone();
        let stored = Stored {
            attorney: attorneys.contains(id.as_str()),
            terms: read.terms,
            escalations: known.remove(id.as_str()).unwrap_or_default(),
            columns: Some(read.columns),
            next_version: None,
        };
        store_derivation(tx, (org, &id), &read.case.in_force(), context, stored, &mut rows)?;
    }
    rows.flush(tx)
}
