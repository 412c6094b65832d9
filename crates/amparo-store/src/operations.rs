//! What an operator watches of the whole installation, for `GET /metrics`: how the connection pool
//! is used, the notices' outbox (waiting and failed messages) and how many cases wait to be derived
//! again for their organisation's new day. Counts only, summed over the organisations: nothing here
//! names a case, a person or an organisation.

use chrono::{DateTime, Utc};

use crate::Store;
use crate::accounts::profile::today_for;
use crate::error::StoreResult;

/// Cases whose stored derivation could differ on the organisation's today (or was never made).
const COUNT_STALE_CASES: &str =
    "SELECT COUNT(*) FROM cases WHERE org_id = $1 AND (rederive_on <= $2 OR derived_on IS NULL)";

/// The installation's counts at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Operations {
    /// Messages of the outbox waiting to be sent.
    pub outbox_pending: i64,
    /// Messages of the outbox that failed for good.
    pub outbox_failed: i64,
    /// Cases whose stored derivation could differ on their organisation's today.
    pub stale_derivations: i64,
}

impl Store {
    /// The outbox's backlog and failures and the cases awaiting re-derivation, over every
    /// organisation, as of `now` (each organisation's today in its own time zone).
    pub fn operations(&self, now: DateTime<Utc>) -> StoreResult<Operations> {
        let mut total = Operations::default();
        for org in self.organisations()? {
            let outbox = self.outbox_status(&org.id)?;
            total.outbox_pending += outbox.pending;
            total.outbox_failed += outbox.failed;
            total.stale_derivations += self.read(|tx| {
                let today = today_for(tx, &org.id, now)?;
                let params = [org.id.as_str().into(), today.to_string().into()];
                match tx.query_opt(COUNT_STALE_CASES, &params)? {
                    Some(row) => row.int(0),
                    None => Ok(0),
                }
            })?;
        }
        Ok(total)
    }
}
