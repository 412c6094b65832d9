//! Each chain's head, anchored outside the audit table (`audit_anchors`): the newest entry's
//! sequence number and hash, and where keyed links began, MAC'd under the audit key. It is written
//! in the same transaction as every append, and appends chain from it rather than from the table,
//! so entries cut off the end of the table show as missing instead of being silently reused.

use amparo_trust::audit_chain::{ChainKey, Checkpoint};
use amparo_trust::audit_head::{Anchor, anchor_mac, mac_matches};
use amparo_trust::cipher::KeyId;
use amparo_trust::keyfile::KeySet;

use crate::db::{Tx, Value};
use crate::error::{StoreError, StoreResult};

const SELECT_ANCHOR: &str =
    "SELECT org_id, seq, hash, keyed_from, key_id, mac FROM audit_anchors WHERE org_id = $1";
const SELECT_ANCHORED_CHAINS: &str = "SELECT org_id FROM audit_anchors ORDER BY org_id";
const UPSERT_ANCHOR: &str = "INSERT INTO audit_anchors (org_id, seq, hash, keyed_from, key_id, mac) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, \
     hash = excluded.hash, keyed_from = excluded.keyed_from, key_id = excluded.key_id, mac = excluded.mac";

/// Why a stored anchor cannot be trusted: it was edited, forged, or MAC'd under a key the key file
/// no longer holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorProblem {
    #[error("the anchor of its head does not match its MAC (edited or forged)")]
    BadMac,
    #[error("the anchor of its head was MAC'd under key {0}, which the key file does not hold")]
    UnknownKey(String),
}

/// A stored anchor, before its MAC is checked.
struct StoredAnchor {
    anchor: Anchor,
    key_id: String,
    mac: String,
}

fn seq(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| StoreError::Backend(format!("stored audit anchor seq is not valid: {n}")))
}

fn stored(tx: &mut dyn Tx, select: &str, chain: &str) -> StoreResult<Option<StoredAnchor>> {
    let Some(row) = tx.query_opt(select, &[chain.into()])? else { return Ok(None) };
    Ok(Some(StoredAnchor {
        anchor: Anchor {
            chain: row.text(0)?,
            head: Checkpoint { seq: seq(row.int(1)?)?, hash: super::parse_hash(&row.text(2)?)? },
            keyed_from: seq(row.int(3)?)?,
        },
        key_id: row.text(4)?,
        mac: row.text(5)?,
    }))
}

/// The key with the stored id, if the key file holds it.
pub fn key_by_id<'k>(keys: &'k KeySet, id: &str) -> Option<&'k ChainKey> {
    let id: KeyId = id.parse().ok()?;
    keys.get(id).map(|k| k.chain_key())
}

/// The chain's anchor, `Ok(None)` when it has none, or why it cannot be trusted.
pub fn load(
    tx: &mut dyn Tx,
    keys: &KeySet,
    chain: &str,
) -> StoreResult<Option<Result<Anchor, AnchorProblem>>> {
    load_with(tx, keys, SELECT_ANCHOR, chain)
}

/// As [`load`], read by `select`: a statement with [`SELECT_ANCHOR`]'s columns and parameter (the
/// engine's locked read, see [`crate::db::Engine::locked_audit_anchor`]).
pub fn load_with(
    tx: &mut dyn Tx,
    keys: &KeySet,
    select: &str,
    chain: &str,
) -> StoreResult<Option<Result<Anchor, AnchorProblem>>> {
    let Some(stored) = stored(tx, select, chain)? else { return Ok(None) };
    let Some(key) = key_by_id(keys, &stored.key_id) else {
        return Ok(Some(Err(AnchorProblem::UnknownKey(stored.key_id))));
    };
    let intact =
        super::parse_hash(&stored.mac).is_ok_and(|mac| mac_matches(&anchor_mac(key, &stored.anchor), &mac));
    Ok(Some(if intact { Ok(stored.anchor) } else { Err(AnchorProblem::BadMac) }))
}

/// The parameters of [`UPSERT_ANCHOR`] for `anchor`, MAC'd under the current key.
fn anchor_params(keys: &KeySet, anchor: &Anchor) -> [Value; 6] {
    let key = keys.chain_key();
    [
        anchor.chain.as_str().into(),
        i64::try_from(anchor.head.seq).unwrap_or(i64::MAX).into(),
        anchor.head.hash.to_hex().into(),
        i64::try_from(anchor.keyed_from).unwrap_or(i64::MAX).into(),
        key.key_id().to_string().into(),
        anchor_mac(key, anchor).to_hex().into(),
    ]
}

/// Records `anchor` as its chain's head, MAC'd under the current key.
pub fn store(tx: &mut dyn Tx, keys: &KeySet, anchor: &Anchor) -> StoreResult<()> {
    tx.execute(UPSERT_ANCHOR, &anchor_params(keys, anchor))?;
    Ok(())
}

/// Inserts `rows` with `insert` (an `INSERT … VALUES` without its rows) and records `anchor` as
/// their chain's head, in one statement: the insert in a `WITH`, which runs to its end whether or
/// not the statement reads it. For engines that take several writes in one statement.
pub fn insert_with<const N: usize>(
    tx: &mut dyn Tx,
    keys: &KeySet,
    anchor: &Anchor,
    insert: &str,
    rows: &[[Value; N]],
) -> StoreResult<()> {
    let (rows_sql, rows_params) = super::values_statement(insert, 7, rows);
    let mut params = Vec::from(anchor_params(keys, anchor));
    params.extend(rows_params);
    tx.execute(&format!("WITH entries AS ({rows_sql}) {UPSERT_ANCHOR}"), &params)?;
    Ok(())
}

/// Every chain that has an anchor.
pub fn anchored_chains(tx: &mut dyn Tx) -> StoreResult<Vec<String>> {
    tx.query(SELECT_ANCHORED_CHAINS, &[])?.iter().map(|r| r.text(0)).collect()
}
