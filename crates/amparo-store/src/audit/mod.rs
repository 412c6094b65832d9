//! The audit trail: one hash chain per organisation, and one for the installation (chain `""`).
//! Entries say who did what to which id, never the sensitive values themselves.

use amparo_trust::audit_chain::{AuditEntry, ChainHash, ChainedEntry, Chainer, Checkpoint, verify};
use chrono::{DateTime, Utc};

use crate::Store;
use crate::columns::from_millis;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{AuditEvent, OrgId};
use crate::model::{AuditRecord, ChainReport, UserId};

pub mod page;

const AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_log WHERE org_id = $1 ORDER BY seq DESC LIMIT 1";
const INSERT_AUDIT: &str = "INSERT INTO audit_log (org_id, seq, at_ms, actor, action, target, detail, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const SELECT_AUDIT: &str = "SELECT org_id, seq, at_ms, actor, action, target, detail, hash FROM audit_log WHERE org_id = $1 ORDER BY seq";
const SELECT_AUDIT_CHAINS: &str = "SELECT DISTINCT org_id FROM audit_log ORDER BY org_id";

/// The chain of installation-wide entries (rule sets), apart from every organisation's.
pub const INSTALLATION: &str = "";

fn hash(text: &str) -> StoreResult<ChainHash> {
    text.parse().map_err(|_| StoreError::Backend(format!("stored audit hash is not valid: {text:?}")))
}

fn seq(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| StoreError::Backend(format!("stored audit seq is not valid: {n}")))
}

/// What one audit entry records.
pub struct Entry<'a> {
    pub chain: &'a str,
    pub actor: Option<&'a UserId>,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: serde_json::Value,
}

/// Appends an entry to its chain. The caller holds the chain's lock for the transaction.
pub fn append(tx: &mut dyn Tx, entry: Entry, now: DateTime<Utc>) -> StoreResult<()> {
    let head = match tx.query_opt(AUDIT_HEAD, &[entry.chain.into()])? {
        Some(row) => Checkpoint { seq: seq(row.int(0)?)?, hash: hash(&row.text(1)?)? },
        None => Checkpoint::GENESIS,
    };
    let mut chainer = Chainer::new(None, head);
    let chained = chainer
        .append(AuditEntry {
            seq: chainer.next_seq(),
            at_ms: now.timestamp_millis(),
            org_id: entry.chain.to_owned(),
            actor: entry.actor.map(|a| a.0.clone()),
            action: entry.action.to_owned(),
            target: entry.target.to_owned(),
            detail: entry.detail.to_string(),
        })
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    let e = chained.entry;
    tx.execute(
        INSERT_AUDIT,
        &[
            e.org_id.into(),
            (e.seq as i64).into(),
            e.at_ms.into(),
            e.actor.into(),
            e.action.into(),
            e.target.into(),
            e.detail.into(),
            chained.hash.to_hex().into(),
        ],
    )?;
    Ok(())
}

/// One stored entry from a row of `SELECT org_id, seq, at_ms, actor, action, target, detail, hash`.
pub fn record(r: &crate::db::Row) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        chain: r.text(0)?,
        seq: seq(r.int(1)?)?,
        at: from_millis(r.int(2)?),
        actor: r.opt_text(3)?,
        action: r.text(4)?,
        target: r.text(5)?,
        detail: r.text(6)?,
        hash: r.text(7)?,
    })
}

/// A stored entry as the chain verifier reads it.
pub fn chained(r: &AuditRecord) -> StoreResult<ChainedEntry> {
    Ok(ChainedEntry {
        entry: AuditEntry {
            seq: r.seq,
            at_ms: r.at.timestamp_millis(),
            org_id: r.chain.clone(),
            actor: r.actor.clone(),
            action: r.action.clone(),
            target: r.target.clone(),
            detail: r.detail.clone(),
        },
        hash: hash(&r.hash)?,
    })
}

/// A stored hash, refused as corrupt when it is not one.
pub fn parse_hash(text: &str) -> StoreResult<ChainHash> {
    hash(text)
}

fn entries(tx: &mut dyn Tx, chain: &str) -> StoreResult<Vec<AuditRecord>> {
    tx.query(SELECT_AUDIT, &[chain.into()])?.iter().map(record).collect()
}

/// Checks every chain from its first entry.
fn verify_all(tx: &mut dyn Tx) -> StoreResult<Vec<ChainReport>> {
    let chains =
        tx.query(SELECT_AUDIT_CHAINS, &[])?.iter().map(|r| r.text(0)).collect::<StoreResult<Vec<_>>>()?;
    chains
        .into_iter()
        .map(|chain| {
            let records = entries(tx, &chain)?;
            let linked = records.iter().map(chained).collect::<StoreResult<Vec<_>>>()?;
            let outcome =
                verify(None, Checkpoint::GENESIS, &linked, None).map(|_| ()).map_err(|b| b.to_string());
            Ok(ChainReport { chain, entries: records.len(), outcome })
        })
        .collect()
}

impl Store {
    /// The audit trail of an organisation, or of the installation with `None`, oldest first.
    pub fn audit_log(&self, org: Option<&OrgId>) -> StoreResult<Vec<AuditRecord>> {
        let chain = org.map_or(INSTALLATION, OrgId::as_str);
        self.read(|tx| entries(tx, chain))
    }

    /// Appends one entry to an organisation's audit trail (a read of a case, an export, a sign-out
    /// everywhere): ids and field names only, never sensitive values.
    pub fn record_audit(&self, org: &OrgId, event: &AuditEvent, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let entry = Entry {
                chain: org.as_str(),
                actor: event.actor.as_ref(),
                action: &event.action,
                target: &event.target,
                detail: event.detail.clone(),
            };
            append(tx, entry, now)
        })
    }

    /// Checks every chain of the audit trail; a report per chain.
    pub fn verify_audit(&self) -> StoreResult<Vec<ChainReport>> {
        self.read(verify_all)
    }
}
