//! A tamper-evident hash chain over audit entries.
//!
//! Each entry's hash covers the previous entry's hash and every field of the entry, in a
//! length-prefixed encoding (see [`canonical_encoding`]). Editing, deleting or reordering a
//! stored entry breaks the chain at that point, and [`verify`] names the sequence number
//! and the kind of break.
//!
//! Threats, and what covers them:
//! - someone with write access to the database edits or deletes an entry to hide who read
//!   a family's file: the recomputed hash differs, or `seq` has a gap;
//! - the same person recomputes the chain after editing: with a [`ChainKey`] (HMAC-SHA-256
//!   under a key kept outside the database) they cannot; an unkeyed chain (plain SHA-256)
//!   only catches accidents and careless edits;
//! - the newest entries are cut off (a tail truncation leaves a consistent shorter chain):
//!   caught against the head remembered elsewhere and passed as the expected head — the
//!   anchor beside the chain, or a checkpoint kept outside the database (see
//!   [`crate::audit_head`]).
//!
//! The chain proves integrity, not confidentiality: `detail` is stored in clear and must
//! hold ids and field names, never A-numbers, diagnoses or notes.

use std::fmt;
use std::str::FromStr;

use hmac::Mac;
use sha2::{Digest, Sha256};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::cipher::KeyId;
use crate::mac::push_field;

/// One audit entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the organisation's chain: 1, 2, 3, … with no gaps.
    pub seq: u64,
    /// When, in milliseconds since the Unix epoch (UTC), as passed in by the caller.
    pub at_ms: i64,
    /// The organisation the entry belongs to.
    pub org_id: String,
    /// The user who acted, or `None` for the system (a scheduled job, a migration).
    pub actor: Option<String>,
    /// What was done, e.g. `case.read`, `event.append`.
    pub action: String,
    /// What it was done to: an opaque id such as `case:01J…`.
    pub target: String,
    /// Further detail as a JSON text. Never sensitive values: ids and field names only.
    pub detail: String,
}

/// A 32-byte chain hash; hex in text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// The `prev_hash` of the first entry of a chain.
    pub const GENESIS: ChainHash = ChainHash([0u8; 32]);

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(&self.0)
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

/// Text that is not 64 hex digits.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("a chain hash is 64 hexadecimal digits")]
pub struct ParseChainHashError;

impl FromStr for ChainHash {
    type Err = ParseChainHashError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes =
            data_encoding::HEXLOWER_PERMISSIVE.decode(s.as_bytes()).map_err(|_| ParseChainHashError)?;
        Ok(Self(bytes.try_into().map_err(|_| ParseChainHashError)?))
    }
}

/// The HMAC key for the chain. Wiped on drop; `Debug` hides the bytes.
#[derive(Clone)]
pub struct ChainKey {
    id: KeyId,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainKey {{ key_id: {}, key: *** }}", self.id)
    }
}

impl ChainKey {
    /// A key from raw bytes; normally derived by `keyfile`.
    pub fn new(id: KeyId, bytes: [u8; 32]) -> Self {
        Self { id, key: Zeroizing::new(bytes) }
    }

    /// The id of the key material this key was derived from, so a store can record which
    /// key hashed which stretch of the chain.
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.key
    }
}

/// The bytes an entry's hash is computed over:
///
/// ```text
/// "amparo/audit/v1" | prev_hash (32) | seq (u64 BE) | at_ms (i64 BE)
/// | len org_id | org_id | 0x00 (no actor) or 0x01 len actor actor
/// | len action | action | len target | target | len detail | detail
/// ```
///
/// `len` is a 4-byte big-endian byte count. Every variable field is length-prefixed, so no
/// shift of bytes between fields can produce the same encoding.
pub fn canonical_encoding(prev_hash: &ChainHash, entry: &AuditEntry) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        96 + entry.org_id.len()
            + entry.actor.as_ref().map_or(0, String::len)
            + entry.action.len()
            + entry.target.len()
            + entry.detail.len(),
    );
    out.extend_from_slice(b"amparo/audit/v1");
    out.extend_from_slice(&prev_hash.0);
    out.extend_from_slice(&entry.seq.to_be_bytes());
    out.extend_from_slice(&entry.at_ms.to_be_bytes());
    push_field(&mut out, entry.org_id.as_bytes());
    match &entry.actor {
        None => out.push(0),
        Some(actor) => {
            out.push(1);
            push_field(&mut out, actor.as_bytes());
        }
    }
    push_field(&mut out, entry.action.as_bytes());
    push_field(&mut out, entry.target.as_bytes());
    push_field(&mut out, entry.detail.as_bytes());
    out
}

/// The hash of `entry` following `prev_hash`: HMAC-SHA-256 under `key`, or SHA-256 when
/// `key` is `None`.
pub fn chain_hash(key: Option<&ChainKey>, prev_hash: &ChainHash, entry: &AuditEntry) -> ChainHash {
    let bytes = canonical_encoding(prev_hash, entry);
    let out: [u8; 32] = match key {
        Some(key) => {
            let mut mac = crate::mac::hmac_sha256(&key.key);
            mac.update(&bytes);
            mac.finalize().into_bytes().into()
        }
        None => Sha256::digest(&bytes).into(),
    };
    ChainHash(out)
}

/// An entry with the hash stored beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedEntry {
    /// The entry.
    pub entry: AuditEntry,
    /// Its stored chain hash.
    pub hash: ChainHash,
}

/// A known point of the chain: the hash of the entry at `seq`. `Checkpoint::GENESIS`
/// (seq 0, all-zero hash) is the start of every chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// The entry's sequence number.
    pub seq: u64,
    /// Its chain hash.
    pub hash: ChainHash,
}

impl Checkpoint {
    /// Before the first entry.
    pub const GENESIS: Checkpoint = Checkpoint { seq: 0, hash: ChainHash::GENESIS };
}

/// What is wrong at a break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// The entry (or its stored hash) differs from what was chained: edited, or
    /// renumbered after a deletion.
    Edited,
    /// One or more entries are missing: `seq` is the first absent number.
    Missing,
    /// The entry appears after one with a higher `seq`.
    Reordered,
    /// The same `seq` appears twice.
    Duplicate,
    /// The chain ends before the expected head: `seq` is the first absent number.
    Truncated,
    /// The entry at the expected head's `seq` chains correctly but has a different hash:
    /// the chain was recomputed from an earlier point.
    Rewritten,
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BreakKind::Edited => "entry edited",
            BreakKind::Missing => "entry missing",
            BreakKind::Reordered => "entries out of order",
            BreakKind::Duplicate => "sequence number repeated",
            BreakKind::Truncated => "newest entries missing",
            BreakKind::Rewritten => "chain rewritten",
        })
    }
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("audit chain broken at seq {seq}: {kind}")]
pub struct ChainBreak {
    /// The sequence number at which the break was found.
    pub seq: u64,
    /// What kind of break.
    pub kind: BreakKind,
}

/// Checks a chain one entry at a time, so a store can stream millions of rows (in `seq`
/// order) and switch keys where a key rotation began.
///
/// It reports the first inconsistency it meets; with rows read in `seq` order a swap of
/// two rows shows as `Edited` (the hash covers `seq`). [`verify`] looks at the whole slice
/// first and reports `Reordered` for rows given out of order.
#[derive(Debug, Clone)]
pub struct Verifier {
    key: Option<ChainKey>,
    last: Checkpoint,
    expected_head: Option<Checkpoint>,
}

impl Verifier {
    /// Starts after `start` (use [`Checkpoint::GENESIS`] for a whole chain).
    pub fn new(key: Option<ChainKey>, start: Checkpoint) -> Self {
        Self { key, last: start, expected_head: None }
    }

    /// Requires the chain to reach `head` and to have exactly its hash there.
    #[must_use]
    pub fn expect_head(mut self, head: Checkpoint) -> Self {
        self.expected_head = Some(head);
        self
    }

    /// Uses `key` from the next entry on (where a key rotation began).
    pub fn set_key(&mut self, key: Option<ChainKey>) {
        self.key = key;
    }

    /// The last entry accepted so far.
    pub fn last(&self) -> Checkpoint {
        self.last
    }

    /// Checks the next entry.
    pub fn push(&mut self, item: &ChainedEntry) -> Result<(), ChainBreak> {
        let expected = self.last.seq.saturating_add(1);
        let seq = item.entry.seq;
        if seq == self.last.seq && seq != 0 {
            return Err(ChainBreak { seq, kind: BreakKind::Duplicate });
        }
        if seq < expected {
            return Err(ChainBreak { seq, kind: BreakKind::Reordered });
        }
        if seq > expected {
            return Err(ChainBreak { seq: expected, kind: BreakKind::Missing });
        }
        let computed = chain_hash(self.key.as_ref(), &self.last.hash, &item.entry);
        if computed != item.hash {
            return Err(ChainBreak { seq, kind: BreakKind::Edited });
        }
        if let Some(head) = self.expected_head
            && head.seq == seq
            && head.hash != computed
        {
            return Err(ChainBreak { seq, kind: BreakKind::Rewritten });
        }
        self.last = Checkpoint { seq, hash: computed };
        Ok(())
    }

    /// Ends the check: fails if an expected head was never reached. Returns the last
    /// entry, which the caller can keep as its next checkpoint.
    pub fn finish(self) -> Result<Checkpoint, ChainBreak> {
        if let Some(head) = self.expected_head
            && self.last.seq < head.seq
        {
            return Err(ChainBreak { seq: self.last.seq.saturating_add(1), kind: BreakKind::Truncated });
        }
        Ok(self.last)
    }
}

/// Verifies `entries` as read from storage, starting after `start` (usually
/// [`Checkpoint::GENESIS`]) and, when `expected_head` is known from outside the database,
/// requiring the chain to reach it unchanged. Returns the last entry's checkpoint.
pub fn verify(
    key: Option<&ChainKey>,
    start: Checkpoint,
    entries: &[ChainedEntry],
    expected_head: Option<Checkpoint>,
) -> Result<Checkpoint, ChainBreak> {
    // Order first: a swapped pair would otherwise be reported as a gap at the first of them.
    for pair in entries.windows(2) {
        if let [a, b] = pair {
            if b.entry.seq == a.entry.seq {
                return Err(ChainBreak { seq: b.entry.seq, kind: BreakKind::Duplicate });
            }
            if b.entry.seq < a.entry.seq {
                return Err(ChainBreak { seq: b.entry.seq, kind: BreakKind::Reordered });
            }
        }
    }
    let mut verifier = Verifier::new(key.cloned(), start);
    if let Some(head) = expected_head {
        verifier = verifier.expect_head(head);
    }
    for item in entries {
        verifier.push(item)?;
    }
    verifier.finish()
}

/// Appends entries to a chain: computes each hash from the previous one.
#[derive(Debug, Clone)]
pub struct Chainer {
    key: Option<ChainKey>,
    last: Checkpoint,
}

impl Chainer {
    /// Continues after `last` (use [`Checkpoint::GENESIS`] for a new chain).
    pub fn new(key: Option<ChainKey>, last: Checkpoint) -> Self {
        Self { key, last }
    }

    /// The `seq` the next entry must carry.
    pub fn next_seq(&self) -> u64 {
        self.last.seq.saturating_add(1)
    }

    /// Hashes `entry` onto the chain. Its `seq` must be [`Chainer::next_seq`]; otherwise
    /// the chain would not verify, so it is refused here as `Missing` or `Reordered`.
    pub fn append(&mut self, entry: AuditEntry) -> Result<ChainedEntry, ChainBreak> {
        let expected = self.next_seq();
        if entry.seq != expected {
            return Err(ChainBreak {
                seq: expected,
                kind: if entry.seq > expected { BreakKind::Missing } else { BreakKind::Reordered },
            });
        }
        let hash = chain_hash(self.key.as_ref(), &self.last.hash, &entry);
        self.last = Checkpoint { seq: entry.seq, hash };
        Ok(ChainedEntry { entry, hash })
    }

    /// The newest entry: the head to publish outside the database.
    pub fn head(&self) -> Checkpoint {
        self.last
    }
}
