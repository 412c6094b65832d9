//! The audit trail: one hash chain per organisation, and one for the installation (chain `""`).
//! Entries say who did what to which id, never the sensitive values themselves.

use amparo_trust::audit_chain::{AuditEntry, ChainHash, ChainedEntry, Chainer, Checkpoint, verify};
use chrono::{DateTime, Utc};

use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{AuditRecord, ChainReport, UserId};
use crate::records::from_millis;
use crate::sql;

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
    let head = match tx.query_opt(sql::AUDIT_HEAD, &[entry.chain.into()])? {
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
        sql::INSERT_AUDIT,
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

pub fn entries(tx: &mut dyn Tx, chain: &str) -> StoreResult<Vec<AuditRecord>> {
    tx.query(sql::SELECT_AUDIT, &[chain.into()])?.iter().map(record).collect()
}

/// Checks every chain from its first entry.
pub fn verify_all(tx: &mut dyn Tx) -> StoreResult<Vec<ChainReport>> {
    let chains = tx
        .query(sql::SELECT_AUDIT_CHAINS, &[])?
        .iter()
        .map(|r| r.text(0))
        .collect::<StoreResult<Vec<_>>>()?;
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
