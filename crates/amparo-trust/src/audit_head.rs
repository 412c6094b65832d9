//! MACs over audit chains' heads, kept apart from the chain itself so that cutting off the newest
//! entries is detected.
//!
//! A chain proves that no stored entry was edited, removed from the middle or reordered, but a
//! chain with its newest entries cut off is still a consistent chain. Two things remember the head:
//!
//! - an **anchor**: the head of one chain (sequence number and hash) stored in another table,
//!   updated in the same transaction as every append and MAC'd with the [`ChainKey`], so it can be
//!   neither forged nor moved back without the key file. It also records where keyed links began
//!   (`keyed_from`): entries before it are from before the chain was keyed and are hashed with
//!   plain SHA-256;
//! - a **checkpoint**: the heads of every chain at one moment, MAC'd and exported to a file that
//!   the operator keeps outside the database (and outside its backups), so that even a database
//!   whose audit table *and* anchors were cut back, or a backup restored from before, fails.
//!
//! Each MAC starts with its own label, so an anchor's MAC can never pass as a checkpoint's or a
//! chain link's.

use hmac::Mac;

use crate::audit_chain::{ChainHash, ChainKey, Checkpoint};
use crate::mac::update_field;

const ANCHOR_LABEL: &[u8] = b"amparo/audit-anchor/v1";
const CHECKPOINT_LABEL: &[u8] = b"amparo/audit-checkpoint/v1";

/// The stored head of one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The chain: an organisation id, or `""` for the installation.
    pub chain: String,
    /// The newest entry.
    pub head: Checkpoint,
    /// The first sequence number hashed with a key; entries before it use plain SHA-256.
    pub keyed_from: u64,
}

fn update_head(mac: &mut impl Mac, chain: &str, head: &Checkpoint) {
    update_field(mac, chain.as_bytes());
    mac.update(&head.seq.to_be_bytes());
    mac.update(&head.hash.0);
}

/// The anchor's MAC under `key`.
pub fn anchor_mac(key: &ChainKey, anchor: &Anchor) -> ChainHash {
    let mut mac = crate::mac::hmac_sha256(key.bytes());
    mac.update(ANCHOR_LABEL);
    update_head(&mut mac, &anchor.chain, &anchor.head);
    mac.update(&anchor.keyed_from.to_be_bytes());
    ChainHash(mac.finalize().into_bytes().into())
}

/// The MAC of a checkpoint taken at `taken_at_ms` holding `heads` (chain, head), in the order
/// given: callers sort them by chain so that the same heads always give the same MAC.
pub fn checkpoint_mac<'a>(
    key: &ChainKey,
    taken_at_ms: i64,
    heads: impl IntoIterator<Item = (&'a str, &'a Checkpoint)>,
) -> ChainHash {
    let mut mac = crate::mac::hmac_sha256(key.bytes());
    mac.update(CHECKPOINT_LABEL);
    mac.update(&taken_at_ms.to_be_bytes());
    for (chain, head) in heads {
        update_head(&mut mac, chain, head);
    }
    ChainHash(mac.finalize().into_bytes().into())
}

/// Compares two MACs in constant time.
pub fn mac_matches(expected: &ChainHash, found: &ChainHash) -> bool {
    use subtle::ConstantTimeEq as _;
    expected.0.ct_eq(&found.0).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cipher::KeyId;

    fn key(byte: u8) -> ChainKey {
        ChainKey::new(KeyId::from_bytes([byte; 8]), [byte; 32])
    }

    fn anchor(seq: u64) -> Anchor {
        Anchor { chain: "org-1".into(), head: Checkpoint { seq, hash: ChainHash([9; 32]) }, keyed_from: 1 }
    }

    #[test]
    fn an_anchor_moved_back_or_under_another_key_fails_its_mac() {
        let mac = anchor_mac(&key(1), &anchor(10));
        assert!(mac_matches(&mac, &anchor_mac(&key(1), &anchor(10))));
        assert!(!mac_matches(&mac, &anchor_mac(&key(1), &anchor(9))));
        assert!(!mac_matches(&mac, &anchor_mac(&key(2), &anchor(10))));
        let mut moved = anchor(10);
        moved.keyed_from = 5;
        assert!(!mac_matches(&mac, &anchor_mac(&key(1), &moved)));
    }

    #[test]
    fn an_anchor_mac_never_passes_as_a_checkpoint_mac() {
        let a = anchor(3);
        let as_checkpoint = checkpoint_mac(&key(1), 0, [(a.chain.as_str(), &a.head)]);
        assert_ne!(anchor_mac(&key(1), &a), as_checkpoint);
    }

    #[test]
    fn a_checkpoint_mac_covers_every_head_and_the_time() {
        let (a, b) = (Checkpoint { seq: 4, hash: ChainHash([1; 32]) }, Checkpoint::GENESIS);
        let mac = checkpoint_mac(&key(1), 7, [("a", &a), ("b", &b)]);
        assert_eq!(mac, checkpoint_mac(&key(1), 7, [("a", &a), ("b", &b)]));
        assert_ne!(mac, checkpoint_mac(&key(1), 8, [("a", &a), ("b", &b)]));
        assert_ne!(mac, checkpoint_mac(&key(1), 7, [("a", &a)]));
        assert_ne!(mac, checkpoint_mac(&key(1), 7, [("a", &b), ("b", &a)]));
    }
}
