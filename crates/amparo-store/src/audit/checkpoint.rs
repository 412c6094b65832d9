//! Checkpoints: the head of every chain at one moment, MAC'd under the audit key, for the operator
//! to keep outside the database and its backups (`amparo audit checkpoint`). Checking the database
//! against one (`amparo audit verify --against FILE`) requires every chain to still hold at least
//! those entries with those hashes, which catches what the anchors cannot: a database whose audit
//! table and anchors were both cut back, or a backup restored from before the checkpoint.

use amparo_trust::audit_chain::Checkpoint;
use amparo_trust::audit_head::{checkpoint_mac, mac_matches};
use amparo_trust::keyfile::KeySet;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::anchor;
use crate::error::{StoreError, StoreResult};

/// The first field of every checkpoint file.
pub const FORMAT: &str = "amparo-audit-checkpoint/v1";

/// One chain's head in a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointHead {
    /// The organisation id, or `""` for the installation.
    pub chain: String,
    pub seq: u64,
    pub hash: String,
}

/// A checkpoint file's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheckpoint {
    pub format: String,
    /// When it was taken (RFC 3339, milliseconds, UTC); covered by the MAC.
    pub taken_at: String,
    /// The key the MAC is under.
    pub key_id: String,
    /// Every chain's head, sorted by chain.
    pub chains: Vec<CheckpointHead>,
    pub mac: String,
}

fn invalid(why: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("the audit checkpoint is not valid: {why}"))
}

fn heads(chains: &[CheckpointHead]) -> StoreResult<Vec<(String, Checkpoint)>> {
    chains
        .iter()
        .map(|c| Ok((c.chain.clone(), Checkpoint { seq: c.seq, hash: c.hash.parse().map_err(invalid)? })))
        .collect()
}

impl AuditCheckpoint {
    /// A checkpoint of `heads` (sorted here), MAC'd under the current key.
    pub(crate) fn sign(keys: &KeySet, taken_at: DateTime<Utc>, mut heads: Vec<(String, Checkpoint)>) -> Self {
        heads.sort_by(|a, b| a.0.cmp(&b.0));
        let key = keys.chain_key();
        let mac =
            checkpoint_mac(key, taken_at.timestamp_millis(), heads.iter().map(|(c, h)| (c.as_str(), h)));
        AuditCheckpoint {
            format: FORMAT.to_owned(),
            taken_at: taken_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            key_id: key.key_id().to_string(),
            chains: heads
                .into_iter()
                .map(|(chain, head)| CheckpointHead { chain, seq: head.seq, hash: head.hash.to_hex() })
                .collect(),
            mac: mac.to_hex(),
        }
    }

    /// The heads, once the format and the MAC are checked: a file edited to ask for less (an
    /// earlier head, a chain left out) fails here.
    pub(crate) fn checked_heads(&self, keys: &KeySet) -> StoreResult<Vec<(String, Checkpoint)>> {
        if self.format != FORMAT {
            return Err(invalid(format!("format {:?}, expected {FORMAT:?}", self.format)));
        }
        let taken_at =
            DateTime::parse_from_rfc3339(&self.taken_at).map_err(|e| invalid(format!("taken_at: {e}")))?;
        let key = anchor::key_by_id(keys, &self.key_id).ok_or_else(|| {
            invalid(format!("it was signed under key {}, which the key file does not hold", self.key_id))
        })?;
        if self.chains.windows(2).any(|pair| pair[0].chain >= pair[1].chain) {
            return Err(invalid("its chains are not in order"));
        }
        let heads = heads(&self.chains)?;
        let expected =
            checkpoint_mac(key, taken_at.timestamp_millis(), heads.iter().map(|(c, h)| (c.as_str(), h)));
        let found = self.mac.parse().map_err(|_| invalid("mac: not 64 hexadecimal digits"))?;
        if !mac_matches(&expected, &found) {
            return Err(invalid("it does not match its MAC (edited, or signed under another key file)"));
        }
        Ok(heads)
    }
}
