//! One organisation's audit trail a page at a time, newest first, for the audit page: filters by
//! action, actor and time, keyset paging on the chain's sequence number (a page deep in a long
//! trail costs what the first does, where OFFSET would read every row before it), and a check of
//! the chain's most recent entries that stays bounded however long the trail grows.

use amparo_trust::audit_chain::Checkpoint;
use amparo_trust::keyfile::KeySet;
use chrono::{DateTime, Utc};

use crate::columns::millis;
use crate::db::{Tx, Value};
use crate::error::StoreResult;
use crate::model::{AuditRecord, CaseId, OrgId, UserId};
use crate::{Store, audit};

use super::COLUMNS;
const RECENT: &str = "SELECT org_id, seq, at_ms, actor, action, target, detail, hash, key_id FROM audit_log \
     WHERE org_id = $1 ORDER BY seq DESC LIMIT $2";

/// Which entries a page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Exactly this action (`case.read`, `user.role_changed`).
    pub action: Option<String>,
    /// Only entries by this member.
    pub actor: Option<UserId>,
    /// Only entries about this case: done to it, or to one of its tasks.
    pub case: Option<CaseId>,
    /// At or after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Before this moment.
    pub until: Option<DateTime<Utc>>,
    /// Where the page starts: the entries just older or just newer than a sequence number.
    pub cursor: Option<AuditCursor>,
    pub limit: i64,
}

/// A position in the trail to page from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditCursor {
    /// The entries older than this sequence number (the next page).
    Before(u64),
    /// The entries newer than this sequence number (the previous page).
    After(u64),
}

/// One page of entries, newest first, and the cursors to the pages either side when there are any.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<AuditRecord>,
    /// `AuditCursor::After` this for newer entries.
    pub newer: Option<u64>,
    /// `AuditCursor::Before` this for older entries.
    pub older: Option<u64>,
}

/// The check of a chain's most recent entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentChainCheck {
    /// How many entries were checked.
    pub entries: usize,
    /// Whether they reach back to the chain's first entry (the whole chain was checked).
    pub whole_chain: bool,
    /// `Err` names the first break found.
    pub outcome: Result<(), String>,
}

/// The filter's SQL after `WHERE org_id = $1`, and its parameters from `$2` on.
fn filters(query: &AuditQuery) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params = Vec::new();
    let mut add = |clause: &str, value: Value| {
        params.push(value);
        sql.push_str(&format!(" AND {clause} ${}", params.len() + 1));
    };
    if let Some(action) = &query.action {
        add("action =", action.as_str().into());
    }
    if let Some(actor) = &query.actor {
        add("actor =", actor.as_str().into());
    }
    if let Some(from) = query.from {
        add("at_ms >=", millis(from).into());
    }
    if let Some(until) = query.until {
        add("at_ms <", millis(until).into());
    }
    if let Some(case) = &query.case {
        // An entry about a case names it as its target, or (a task's) in its detail's `case`.
        params.push(case.as_str().into());
        params.push(format!("%\"case\":\"{}\"%", case.as_str()).into());
        let n = params.len() + 1;
        sql.push_str(&format!(" AND (target = ${} OR detail LIKE ${n})", n - 1));
    }
    (sql, params)
}

fn seq_value(seq: u64) -> Value {
    i64::try_from(seq).unwrap_or(i64::MAX).into()
}

/// Whether any entry matching the filters lies beyond `seq` (`>` newer, `<` older).
fn any_beyond(tx: &mut dyn Tx, org: &OrgId, query: &AuditQuery, op: &str, seq: u64) -> StoreResult<bool> {
    let (filter, mut params) = filters(query);
    params.insert(0, org.as_str().into());
    params.push(seq_value(seq));
    let sql =
        format!("SELECT seq FROM audit_log WHERE org_id = $1{filter} AND seq {op} ${} LIMIT 1", params.len());
    Ok(tx.query_opt(&sql, &params)?.is_some())
}

fn page(tx: &mut dyn Tx, org: &OrgId, query: &AuditQuery) -> StoreResult<AuditPage> {
    let limit = query.limit.max(1);
    let (filter, mut params) = filters(query);
    params.insert(0, org.as_str().into());
    let (bound, order) = match query.cursor {
        None => (String::new(), "DESC"),
        Some(AuditCursor::Before(seq)) => {
            params.push(seq_value(seq));
            (format!(" AND seq < ${}", params.len()), "DESC")
        }
        Some(AuditCursor::After(seq)) => {
            params.push(seq_value(seq));
            (format!(" AND seq > ${}", params.len()), "ASC")
        }
    };
    // One more than the page holds tells whether there is more in the direction of travel.
    params.push((limit + 1).into());
    let sql =
        format!("{COLUMNS} WHERE org_id = $1{filter}{bound} ORDER BY seq {order} LIMIT ${}", params.len());
    let mut entries =
        tx.query(&sql, &params)?.iter().map(audit::record).collect::<StoreResult<Vec<AuditRecord>>>()?;
    let more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    if order == "ASC" {
        entries.reverse();
    }
    let (Some(newest), Some(oldest)) = (entries.first().map(|e| e.seq), entries.last().map(|e| e.seq)) else {
        return Ok(AuditPage { entries, newer: None, older: None });
    };
    let (newer, older) = match query.cursor {
        None => (false, more),
        Some(AuditCursor::Before(_)) => (any_beyond(tx, org, query, ">", newest)?, more),
        Some(AuditCursor::After(_)) => (more, any_beyond(tx, org, query, "<", oldest)?),
    };
    Ok(AuditPage { entries, newer: newer.then_some(newest), older: older.then_some(oldest) })
}

/// Checks the organisation's `max` most recent entries: each against the one before it, the
/// oldest of them against the stored entry just before the window (or the chain's start), the
/// newest against the chain's anchor.
fn check_recent(tx: &mut dyn Tx, keys: &KeySet, org: &OrgId, max: usize) -> StoreResult<RecentChainCheck> {
    let window = i64::try_from(max).unwrap_or(i64::MAX - 1) + 1;
    let mut records = tx
        .query(RECENT, &[org.as_str().into(), window.into()])?
        .iter()
        .map(audit::record)
        .collect::<StoreResult<Vec<AuditRecord>>>()?;
    records.reverse();
    let whole_chain = records.len() <= max;
    let (start, checked) = if whole_chain {
        (Checkpoint::GENESIS, &records[..])
    } else {
        let before = &records[0];
        (Checkpoint { seq: before.seq, hash: audit::parse_hash(&before.hash)? }, &records[1..])
    };
    let outcome = super::verify::window(tx, keys, org.as_str(), start, checked, None)?;
    Ok(RecentChainCheck { entries: checked.len(), whole_chain, outcome })
}

impl Store {
    /// A page of an organisation's audit trail, newest first, filtered and paged by `query`.
    pub fn audit_page(&self, org: &OrgId, query: &AuditQuery) -> StoreResult<AuditPage> {
        self.read(|tx| page(tx, org, query))
    }

    /// Checks the `max` most recent entries of an organisation's chain (all of it when shorter).
    pub fn check_recent_audit(&self, org: &OrgId, max: usize) -> StoreResult<RecentChainCheck> {
        self.read(|tx| check_recent(tx, &self.sealer().keys(), org, max))
    }
}
