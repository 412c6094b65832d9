//! Who recorded each event of a timeline and when, for the case page to name them: the timeline's
//! events in their order, each with the person who typed it (none for events brought in by import
//! or the command line).

use chrono::{DateTime, Utc};

use crate::Store;
use crate::columns::from_millis;
use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::{CaseId, OrgId, UserId};

const SELECT_RECORDINGS: &str =
    "SELECT seq, recorded_at, recorded_by FROM events WHERE org_id = $1 AND case_id = $2 ORDER BY seq";

/// One event's recording, in timeline order (the order of the case file's events).
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecording {
    pub seq: i64,
    pub recorded_at: DateTime<Utc>,
    /// The person who recorded it; `None` for an import or a command-line write.
    pub recorded_by: Option<UserId>,
}

impl Store {
    /// Who recorded each event of the case and when, in timeline order.
    pub fn event_recordings(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<EventRecording>> {
        self.read(|tx| recordings(tx, org, case))
    }
}

pub(crate) fn recordings(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<EventRecording>> {
    tx.query(SELECT_RECORDINGS, &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| {
            Ok(EventRecording {
                seq: r.int(0)?,
                recorded_at: from_millis(r.int(1)?),
                recorded_by: r.opt_text(2)?.map(UserId),
            })
        })
        .collect()
}
