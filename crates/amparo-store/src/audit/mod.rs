//! The audit trail: one chain per organisation, and one for the installation (chain `""`), each
//! link an HMAC under the audit key derived from the key file (entries from before the chain was
//! keyed keep their plain SHA-256 links up to the boundary their anchor records), and each head
//! anchored beside the table (`anchor`). Entries say who did what to which id, never the
//! sensitive values themselves.

use std::collections::BTreeSet;

use amparo_trust::audit_chain::{AuditEntry, ChainHash, ChainedEntry, Chainer, Checkpoint};
use amparo_trust::audit_head::Anchor;
use amparo_trust::keyfile::KeySet;
use chrono::{DateTime, Utc};

use crate::Store;
use crate::columns::from_millis;
use crate::db::{Engine, RowLock, Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::meta;
use crate::model::{AuditEvent, OrgId};
use crate::model::{AuditRecord, ChainReport, UserId};

mod anchor;
pub mod checkpoint;
pub(crate) mod export;
pub mod page;
mod verify;

use checkpoint::AuditCheckpoint;

const AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_log WHERE org_id = $1 ORDER BY seq DESC LIMIT 1";
/// An entry's insert, without its rows (see [`values_statement`]).
const INSERT_AUDIT_ROWS: &str =
    "INSERT INTO audit_log (org_id, seq, at_ms, actor, action, target, detail, hash, key_id) VALUES";
/// The columns [`record`] reads, in its order.
pub const COLUMNS: &str =
    "SELECT org_id, seq, at_ms, actor, action, target, detail, hash, key_id FROM audit_log";
const SELECT_AUDIT: &str = "SELECT org_id, seq, at_ms, actor, action, target, detail, hash, key_id FROM audit_log WHERE org_id = $1 ORDER BY seq";
/// Set once the chains that existed before they were keyed are anchored (see [`Store::anchor_audit_chains`]).
const ANCHORED_META_KEY: &str = "audit_chains_anchored";
const SELECT_AUDIT_CHAINS: &str = "SELECT DISTINCT org_id FROM audit_log ORDER BY org_id";

/// The chain of installation-wide entries (rule sets), apart from every organisation's.
pub const INSTALLATION: &str = "";

fn hash(text: &str) -> StoreResult<ChainHash> {
    text.parse().map_err(|_| StoreError::Backend(format!("stored audit hash is not valid: {text:?}")))
}

fn seq(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| StoreError::Backend(format!("stored audit seq is not valid: {n}")))
}

/// What an append needs besides the entry: the keys to HMAC it under, who acts when no member
/// does (the operator on the command line, or the system), and the engine's statements that hold a
/// chain's head where it needs them (see [`crate::Store::lock_audit_chain`]).
pub struct Signer {
    keys: std::sync::Arc<KeySet>,
    operator: Option<String>,
    chain_lock: Option<&'static str>,
    /// The chain's lock and its anchor's read in one statement, where the engine has one.
    locked_anchor: Option<&'static str>,
    /// Whether the entries and the anchor are written in one statement.
    one_statement: bool,
}

impl Signer {
    pub(crate) fn new(keys: std::sync::Arc<KeySet>, operator: Option<String>, engine: &dyn Engine) -> Signer {
        Signer {
            keys,
            operator,
            chain_lock: engine.row_lock(RowLock::AuditChain),
            locked_anchor: engine.locked_audit_anchor(),
            one_statement: engine.writes_in_one_statement(),
        }
    }

    pub(crate) fn keys(&self) -> &KeySet {
        &self.keys
    }
}

/// The actor recorded for the operator: `operator`, or `operator:<OS user>` when known. Members are
/// recorded by their ids (UUIDs), so the two never meet.
pub fn operator_actor(os_user: Option<&str>) -> String {
    match os_user.map(str::trim).filter(|u| !u.is_empty()) {
        Some(user) => format!("operator:{user}"),
        None => String::from("operator"),
    }
}

/// What one audit entry records.
pub struct Entry<'a> {
    pub chain: &'a str,
    pub actor: Option<&'a UserId>,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: serde_json::Value,
}

fn table_head(tx: &mut dyn Tx, chain: &str) -> StoreResult<Option<Checkpoint>> {
    tx.query_opt(AUDIT_HEAD, &[chain.into()])?
        .map(|row| Ok(Checkpoint { seq: seq(row.int(0)?)?, hash: hash(&row.text(1)?)? }))
        .transpose()
}

/// Appends an entry to its chain, HMAC'd under the current audit key, and moves the chain's anchor
/// to it. The chain's lock is taken here (at once when the transaction holds it already) and held to
/// the commit: so that it is held for as short a time as can be, a transaction appends its entry
/// after the rest of its writes (the lock order is at [`crate::Store::lock_audit_chain`]). An API
/// token's use waiting for this transaction (`api_tokens::deferred`) goes onto the chain just
/// before the entry, in the same statements.
///
/// The entry follows the anchored head, not the table's newest row: after entries were cut off the
/// end, the next one takes the number after the anchored head, so the gap stays visible. A chain
/// whose anchor fails its MAC, or that has entries but no anchor, is refused (fail closed): writing
/// on would overwrite the evidence.
pub fn append(tx: &mut dyn Tx, signer: &Signer, entry: Entry, now: DateTime<Utc>) -> StoreResult<()> {
    // The token's row was held as the transaction began, before any other lock.
    let token_use = crate::api_tokens::deferred::take_armed_for(entry.chain);
    let token_target = token_use.as_ref().map(|token_use| token_use.target());
    let mut entries = Vec::with_capacity(2);
    if let (Some(token_use), Some(target)) = (&token_use, &token_target) {
        entries.push((token_use.entry(target, Ok(())), token_use.at()));
    }
    entries.push((entry, now));
    append_all(tx, signer, entries)
}

/// Appends entries, each with its time, to one chain (that of the first), in order: the chain's
/// lock and anchor read once, the entries and the moved anchor written together.
fn append_all(tx: &mut dyn Tx, signer: &Signer, entries: Vec<(Entry, DateTime<Utc>)>) -> StoreResult<()> {
    let Some(chain) = entries.first().map(|(entry, _)| entry.chain.to_owned()) else { return Ok(()) };
    let keys = signer.keys();
    let broken = |why: String| StoreError::Backend(format!("audit chain {chain:?} refuses appends: {why}"));
    let (head, keyed_from) = match locked_anchor(tx, signer, &chain)? {
        Some(Ok(anchor)) => (anchor.head, anchor.keyed_from),
        Some(Err(problem)) => return Err(broken(problem.to_string())),
        None if table_head(tx, &chain)?.is_some() => {
            return Err(broken(String::from("its head has no anchor")));
        }
        None => (Checkpoint::GENESIS, 1),
    };
    let key = keys.chain_key();
    let mut chainer = Chainer::new(Some(key.clone()), head);
    let mut rows: Vec<[Value; 9]> = Vec::with_capacity(entries.len());
    for (entry, at) in entries {
        let chained = chainer
            .append(AuditEntry {
                seq: chainer.next_seq(),
                at_ms: at.timestamp_millis(),
                org_id: chain.clone(),
                actor: entry.actor.map(|a| a.0.clone()).or_else(|| signer.operator.clone()),
                action: entry.action.to_owned(),
                target: entry.target.to_owned(),
                detail: entry.detail.to_string(),
            })
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let e = chained.entry;
        rows.push([
            e.org_id.into(),
            (e.seq as i64).into(),
            e.at_ms.into(),
            e.actor.into(),
            e.action.into(),
            e.target.into(),
            e.detail.into(),
            chained.hash.to_hex().into(),
            key.key_id().to_string().into(),
        ]);
    }
    let anchor = Anchor { chain, head: chainer.head(), keyed_from };
    if signer.one_statement {
        return anchor::insert_with(tx, keys, &anchor, INSERT_AUDIT_ROWS, &rows);
    }
    let (sql, params) = values_statement(INSERT_AUDIT_ROWS, 1, &rows);
    tx.execute(&sql, &params)?;
    anchor::store(tx, keys, &anchor)
}

/// The chain's anchor, read once the chain's lock is held: in one statement where the engine has
/// one, else the lock (where the engine needs it) and then the read.
fn locked_anchor(
    tx: &mut dyn Tx,
    signer: &Signer,
    chain: &str,
) -> StoreResult<Option<Result<Anchor, anchor::AnchorProblem>>> {
    if let Some(statement) = signer.locked_anchor
        && let Some(found) = anchor::load_with(tx, signer.keys(), statement, chain)?
    {
        return Ok(Some(found));
    }
    // No anchor yet (the statement may then not have taken the lock), or an engine without one.
    if let Some(lock) = signer.chain_lock {
        tx.execute(lock, &[chain.into()])?;
    }
    anchor::load(tx, signer.keys(), chain)
}

/// `insert` (an `INSERT … VALUES` without its rows) with a row of placeholders for each of `rows`,
/// numbered from `first`, and the parameters in their order.
pub(crate) fn values_statement<const N: usize>(
    insert: &str,
    first: usize,
    rows: &[[Value; N]],
) -> (String, Vec<Value>) {
    let mut sql = String::from(insert);
    let mut params = Vec::with_capacity(rows.len() * N);
    for (i, row) in rows.iter().enumerate() {
        sql.push_str(if i == 0 { " (" } else { ", (" });
        for j in 0..N {
            if j > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", first + i * N + j));
        }
        sql.push(')');
        params.extend(row.iter().cloned());
    }
    (sql, params)
}

/// One stored entry from a row of [`COLUMNS`].
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
        key_id: r.opt_text(8)?,
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

pub(crate) fn entries(tx: &mut dyn Tx, chain: &str) -> StoreResult<Vec<AuditRecord>> {
    tx.query(SELECT_AUDIT, &[chain.into()])?.iter().map(record).collect()
}

/// Every chain with entries or an anchor, and those `also` names, once each.
fn all_chains(tx: &mut dyn Tx, also: &[String]) -> StoreResult<BTreeSet<String>> {
    let mut chains = tx
        .query(SELECT_AUDIT_CHAINS, &[])?
        .iter()
        .map(|r| r.text(0))
        .collect::<StoreResult<BTreeSet<_>>>()?;
    chains.extend(anchor::anchored_chains(tx)?);
    chains.extend(also.iter().cloned());
    Ok(chains)
}

/// Checks every chain from its first entry against its anchor, and against `checkpoint`'s heads.
fn verify_all(
    tx: &mut dyn Tx,
    keys: &KeySet,
    checkpoint: &[(String, Checkpoint)],
) -> StoreResult<Vec<ChainReport>> {
    let named: Vec<String> = checkpoint.iter().map(|(chain, _)| chain.clone()).collect();
    all_chains(tx, &named)?
        .into_iter()
        .map(|chain| {
            let head = checkpoint.iter().find(|(c, _)| *c == chain).map(|(_, head)| *head);
            verify::chain(tx, keys, &chain, head)
        })
        .collect()
}

/// A checkpoint of every chain's head as `tx` sees them, when every chain verifies (else the
/// reports): [`Store::audit_checkpoint`], and a backup's manifest read in the backup's snapshot.
pub(crate) fn checkpoint_in(
    tx: &mut dyn Tx,
    keys: &KeySet,
    now: DateTime<Utc>,
) -> StoreResult<Result<AuditCheckpoint, Vec<ChainReport>>> {
    let reports = verify_all(tx, keys, &[])?;
    if reports.iter().any(|r| r.outcome.is_err()) {
        return Ok(Err(reports));
    }
    let mut heads = Vec::new();
    for report in &reports {
        if let Some(head) = table_head(tx, &report.chain)? {
            heads.push((report.chain.clone(), head));
        }
    }
    Ok(Ok(AuditCheckpoint::sign(keys, now, heads)))
}

/// Anchors every chain that has entries and no anchor, keyed links starting after its newest entry.
fn anchor_unkeyed_chains(tx: &mut dyn Tx, keys: &KeySet) -> StoreResult<()> {
    let anchored = anchor::anchored_chains(tx)?;
    for chain in all_chains(tx, &[])?.into_iter().filter(|c| !anchored.contains(c)) {
        if let Some(head) = table_head(tx, &chain)? {
            anchor::store(tx, keys, &Anchor { chain, head, keyed_from: head.seq + 1 })?;
        }
    }
    Ok(())
}

impl Store {
    /// What appends to the audit trail sign with: the current keys, and the operator when one acts.
    pub(crate) fn audit_signer(&self) -> Signer {
        Signer::new(self.sealer().keys(), self.operator().map(str::to_owned), self.engine())
    }

    /// The audit trail of an organisation, or of the installation with `None`, oldest first.
    pub fn audit_log(&self, org: Option<&OrgId>) -> StoreResult<Vec<AuditRecord>> {
        let chain = org.map_or(INSTALLATION, OrgId::as_str);
        self.read(|tx| entries(tx, chain))
    }

    /// Appends one entry to an organisation's audit trail (a read of a case, an export, a sign-out
    /// everywhere): ids and field names only, never sensitive values.
    pub fn record_audit(&self, org: &OrgId, event: &AuditEvent, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|tx| {
            let entry = Entry {
                chain: org.as_str(),
                actor: event.actor.as_ref(),
                action: &event.action,
                target: &event.target,
                detail: event.detail.clone(),
            };
            append(tx, &self.audit_signer(), entry, now)
        })
    }

    /// Checks every chain of the audit trail against its anchor; a report per chain.
    pub fn verify_audit(&self) -> StoreResult<Vec<ChainReport>> {
        self.read(|tx| verify_all(tx, &self.sealer().keys(), &[]))
    }

    /// Checks every chain as [`Store::verify_audit`] does and, besides, that each still reaches the
    /// head `checkpoint` recorded for it with the same hash. A checkpoint that fails its MAC is
    /// refused (`StoreError::Invalid`).
    pub fn verify_audit_against(&self, checkpoint: &AuditCheckpoint) -> StoreResult<Vec<ChainReport>> {
        let keys = self.sealer().keys();
        let heads = checkpoint.checked_heads(&keys)?;
        self.read(|tx| verify_all(tx, &keys, &heads))
    }

    /// A checkpoint of every chain's head, MAC'd under the current audit key, with the report of
    /// each chain's check: a checkpoint is taken only of chains that verify (`Err` holds the
    /// reports when any is broken).
    pub fn audit_checkpoint(
        &self,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<AuditCheckpoint, Vec<ChainReport>>> {
        let keys = self.sealer().keys();
        self.read(|tx| checkpoint_in(tx, &keys, now))
    }

    /// Anchors, once, the chains written before the audit trail was keyed: each keeps its plain
    /// SHA-256 links up to its newest entry and is keyed from the next one on. Later, a chain with
    /// entries and no anchor is a broken one, not a chain to adopt: its anchor was deleted.
    pub fn anchor_audit_chains(&self) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_installation(tx)?;
            if meta::get(tx, ANCHORED_META_KEY)?.is_some() {
                return Ok(());
            }
            anchor_unkeyed_chains(tx, &self.sealer().keys())?;
            meta::insert(tx, ANCHORED_META_KEY, "1")
        })
    }
}
