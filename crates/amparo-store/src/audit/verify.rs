//! Checking a chain: each entry against the one before under the key that hashed it (none before
//! the chain's keyed boundary, the key its `key_id` names from there on), the newest against the
//! anchored head, and, when the operator gives one, against an exported checkpoint's head.

use amparo_trust::audit_chain::{BreakKind, ChainBreak, ChainKey, Checkpoint, Verifier};
use amparo_trust::audit_head::Anchor;
use amparo_trust::keyfile::KeySet;

use super::anchor;
use crate::db::Tx;
use crate::error::StoreResult;
use crate::model::{AuditRecord, ChainReport};

/// The key that hashed `record`: none before `keyed_from`, the one its `key_id` names from there on.
fn link_key<'k>(
    keys: &'k KeySet,
    keyed_from: u64,
    record: &AuditRecord,
) -> Result<Option<&'k ChainKey>, String> {
    let at = |why: &str| format!("audit chain broken at seq {}: {why}", record.seq);
    match (&record.key_id, record.seq < keyed_from) {
        (None, true) => Ok(None),
        (Some(_), true) => Err(at("entry keyed before the chain was")),
        (None, false) => Err(at("entry hashed without a key after the chain was keyed")),
        (Some(id), false) => anchor::key_by_id(keys, id)
            .map(Some)
            .ok_or_else(|| at(&format!("entry hashed under key {id}, which the key file does not hold"))),
    }
}

/// Checks `records` (in `seq` order) following `start`; with `expected_head`, the chain must reach
/// it unchanged. Returns the newest entry's checkpoint.
pub fn links(
    keys: &KeySet,
    keyed_from: u64,
    start: Checkpoint,
    records: &[AuditRecord],
    expected_head: Option<Checkpoint>,
) -> Result<Checkpoint, String> {
    let mut verifier = Verifier::new(None, start);
    if let Some(head) = expected_head {
        verifier = verifier.expect_head(head);
    }
    for record in records {
        verifier.set_key(link_key(keys, keyed_from, record)?.cloned());
        verifier.push(&super::chained(record).map_err(|e| e.to_string())?).map_err(|b| b.to_string())?;
    }
    verifier.finish().map_err(|b| format!("{b} (checkpoint: seq {})", expected_head.map_or(0, |h| h.seq)))
}

/// Whether the chain's newest entry is the anchored head.
pub fn against_anchor(last: Checkpoint, anchor: &Anchor) -> Result<(), String> {
    let head = anchor.head;
    let broken = |seq, kind| Err(format!("{} (anchored head: seq {})", ChainBreak { seq, kind }, head.seq));
    if last.seq < head.seq {
        return broken(last.seq + 1, BreakKind::Truncated);
    }
    if last.seq > head.seq {
        return Err(format!(
            "audit chain broken at seq {}: entries beyond the anchored head (seq {})",
            head.seq + 1,
            head.seq
        ));
    }
    if last.hash != head.hash {
        return broken(head.seq, BreakKind::Rewritten);
    }
    Ok(())
}

/// Checks `records`, the newest entries of `chain` oldest first following `start` (the whole chain
/// from [`Checkpoint::GENESIS`]), against the chain's anchor and, when given, a checkpoint's head.
pub fn window(
    tx: &mut dyn Tx,
    keys: &KeySet,
    chain: &str,
    start: Checkpoint,
    records: &[AuditRecord],
    checkpoint: Option<Checkpoint>,
) -> StoreResult<Result<(), String>> {
    let anchor = match anchor::load(tx, keys, chain)? {
        Some(Ok(anchor)) => Some(anchor),
        Some(Err(problem)) => return Ok(Err(format!("audit chain broken: {problem}"))),
        None if records.is_empty() && start.seq == 0 => None,
        None => {
            return Ok(Err(String::from(
                "audit chain broken: its head has no anchor (the anchor was deleted)",
            )));
        }
    };
    let keyed_from = anchor.as_ref().map_or(1, |a| a.keyed_from);
    Ok(links(keys, keyed_from, start, records, checkpoint)
        .and_then(|last| anchor.as_ref().map_or(Ok(()), |anchor| against_anchor(last, anchor))))
}

/// Checks one whole chain against its anchor and, when given, a checkpoint's head.
pub fn chain(
    tx: &mut dyn Tx,
    keys: &KeySet,
    chain: &str,
    checkpoint: Option<Checkpoint>,
) -> StoreResult<ChainReport> {
    let records = super::entries(tx, chain)?;
    let outcome = window(tx, keys, chain, Checkpoint::GENESIS, &records, checkpoint)?;
    Ok(ChainReport { chain: chain.to_owned(), entries: records.len(), outcome })
}
