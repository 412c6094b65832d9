//! Blind indexes: exact-match search over encrypted identifiers.
//!
//! An encrypted A-number cannot be looked up with `WHERE a_number = ?` because every
//! envelope has a fresh nonce. Storing a keyed hash beside it restores exact-match search
//! without storing the value. Threat: a reader of the database who tries to confirm a known
//! A-number ("is this person in here?") by hashing candidates. A plain SHA-256 of a
//! nine-digit A-number is broken by enumerating all billion values in minutes; an HMAC
//! under a key kept outside the database is not.
//!
//! What remains visible: equal values have equal indexes, so a reader can tell that two
//! rows share an A-number. Index only what must be searched.
//!
//! The key is derived from the key material separately from the encryption key (see
//! `keyfile`), so neither key reveals the other. Each index is domain-separated: the same
//! text indexed as an A-number and as a receipt number gives unrelated hashes, so equal
//! hashes across columns reveal nothing.

use std::fmt;

use hmac::Mac;
use zeroize::Zeroizing;

use crate::cipher::KeyId;

/// Domain for A-numbers (pass the canonical nine-digit form).
pub const DOMAIN_A_NUMBER: &str = "a-number";
/// Domain for USCIS receipt numbers (pass the canonical upper-case form).
pub const DOMAIN_RECEIPT: &str = "receipt";
/// Domain for I-94 admission numbers.
pub const DOMAIN_I94: &str = "i-94";

/// The HMAC key for blind indexes. Wiped on drop; `Debug` hides the bytes.
#[derive(Clone)]
pub struct BlindIndexKey {
    id: KeyId,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for BlindIndexKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlindIndexKey {{ key_id: {}, key: *** }}", self.id)
    }
}

impl BlindIndexKey {
    /// A key from raw bytes; normally derived by `keyfile`. `id` is the key material's id,
    /// so a store can record which key its indexes were computed under.
    pub fn new(id: KeyId, bytes: [u8; 32]) -> Self {
        Self { id, key: Zeroizing::new(bytes) }
    }

    /// The id of the key material this key was derived from.
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// The index of `normalised_value` within `domain`: 64 lowercase hex digits.
    ///
    /// Normalise first (the domain crate's canonical form: digits only for an A-number,
    /// upper case for a receipt); this function hashes the exact bytes it is given, so
    /// "A012345678" and "012345678" differ.
    pub fn index(&self, domain: &str, normalised_value: &str) -> String {
        let mut mac = crate::mac::hmac_sha256(&self.key);
        mac.update(b"amparo/blind-index/v1");
        crate::mac::update_field(&mut mac, domain.as_bytes());
        crate::mac::update_field(&mut mac, normalised_value.as_bytes());
        data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
    }
}
