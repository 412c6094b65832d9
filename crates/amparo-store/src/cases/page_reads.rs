//! What a case page reads beside the case itself — the policy, triage (escalations, tasks,
//! assignments), the organisation's people, shares, who recorded each event, who closed it, notes,
//! contacts and history — in one pass on one connection. Taken one by one these were twelve trips
//! to the pool (and on PostgreSQL twelve validity round trips); the page is read far more often
//! than anything else, so it asks once.

use amparo_domain::Policy;
use amparo_domain::case_edit::HistoryEntry;
use amparo_domain::contacts::Contacts;
use amparo_domain::notes::{CaseNote, in_reading_order};

use crate::access::{self, Actor};
use crate::attachments::{self, Attachment};
use crate::error::StoreResult;
use crate::model::{Assignment, CaseId, Escalation, Task, User, UserId};
use crate::{Store, accounts, contacts, notes, policy, sharing, triage};

/// The optional parts of a case page's reads: what only some readers or some cases need.
#[derive(Clone, Copy, Debug, Default)]
pub struct CasePageAsks {
    /// The clinicians the case is shared with (for those who may share it).
    pub shares: bool,
    /// Who closed the case (for a closed case).
    pub closed_by: bool,
}

/// Everything a case page shows that is not in the case file itself.
#[derive(Debug)]
pub struct CasePageReads {
    pub policy: Policy,
    pub escalations: Vec<Escalation>,
    pub tasks: Vec<Task>,
    pub assignments: Vec<Assignment>,
    /// The organisation's people, to name assignees, recorders, authors and editors.
    pub users: Vec<User>,
    /// Empty unless asked for.
    pub shares: Vec<UserId>,
    pub recordings: Vec<super::recordings::EventRecording>,
    pub closed_by: Option<UserId>,
    /// Pinned first, then newest first.
    pub notes: Vec<CaseNote>,
    /// As `actor` may see them (a clinician: the professionals' only).
    pub contacts: Contacts,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
    /// The files `actor` sees, oldest first.
    pub attachments: Vec<Attachment>,
}

impl Store {
    /// The reads of `case`'s page for `actor`, who has just written their read of the case to the
    /// audit trail (`Store::read_case_as`). The visibility rule is checked here again, so a case
    /// unshared since is refused.
    pub fn case_page_reads(
        &self,
        actor: &Actor,
        case: &CaseId,
        asks: CasePageAsks,
    ) -> StoreResult<CasePageReads> {
        let org = &actor.org;
        let mut reads = self.read(|tx| {
            access::check_sees_case(tx, actor, case)?;
            Ok(CasePageReads {
                policy: policy::load_policy(tx, org)?,
                escalations: triage::escalations::escalations(tx, self.sealer(), org, case)?,
                tasks: triage::tasks::case_tasks(tx, org, case)?,
                assignments: triage::assignments::assignments(tx, org, case)?,
                users: accounts::users::users(tx, org)?,
                shares: if asks.shares { sharing::shares(tx, org, case)? } else { Vec::new() },
                recordings: super::recordings::recordings(tx, org, case)?,
                closed_by: if asks.closed_by { super::closure::closed_by(tx, org, case)? } else { None },
                notes: notes::notes(tx, self.sealer(), org, case)?,
                contacts: contacts::as_seen_by(actor, contacts::contacts(tx, self.sealer(), org, case)?),
                history: super::history::history(tx, self.sealer(), org.as_str(), case.as_str())?,
                attachments: attachments::visible_in(self, tx, actor, case)?,
            })
        })?;
        // Task notes are opened outside the connection, as `Store::case_tasks` does.
        for escalation in &mut reads.escalations {
            triage::tasks::open_notes(self.sealer(), org, &mut escalation.tasks)?;
        }
        triage::tasks::open_notes(self.sealer(), org, &mut reads.tasks)?;
        in_reading_order(&mut reads.notes);
        Ok(reads)
    }
}
