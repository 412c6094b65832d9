//! Field encryption at rest: XChaCha20-Poly1305 in a small versioned envelope.
//!
//! Threat: someone reads the database (a stolen backup, a leaked dump, a curious DBA) and
//! learns A-numbers, diagnoses or notes. Encrypted fields are useless without the key,
//! which the operator keeps outside the database. The associated data binds each value to
//! its organisation, table, column and row, so copying a ciphertext into another row (to
//! make one family's diagnosis show on another's page) fails to decrypt instead of
//! silently succeeding.
//!
//! Envelope (binary, then base64 for TEXT columns):
//!
//! ```text
//! offset  size  field
//! 0       1     version = 0x01
//! 1       8     key id (which key wrote it; see `keyfile`)
//! 9       24    XChaCha20 nonce, random per value
//! 33      n+16  ciphertext followed by the Poly1305 tag
//! ```
//!
//! The version byte and key id are authenticated too (they are prepended to the associated
//! data), so flipping either is detected. A 24-byte random nonce makes reuse negligible
//! even after billions of writes under one key, which is why XChaCha was chosen over
//! AES-GCM's 12-byte nonce.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::random::{self, RandomError};

/// The envelope format this code writes.
pub const ENVELOPE_VERSION: u8 = 1;
const KEY_ID_LEN: usize = 8;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + KEY_ID_LEN;
/// The shortest valid envelope: header, nonce and the tag of an empty plaintext.
pub const MIN_ENVELOPE_LEN: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

const CANARY_PLAINTEXT: &[u8] = b"amparo key canary v1";
const CANARY_AD: &[u8] = b"amparo/canary/v1";

/// Which key wrote an envelope: 8 bytes, shown as 16 lowercase hex digits.
///
/// Not secret: `keyfile` derives it from the key with HKDF, so it names a key without
/// revealing anything about it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId([u8; KEY_ID_LEN]);

impl KeyId {
    /// Wraps raw id bytes.
    pub const fn from_bytes(bytes: [u8; KEY_ID_LEN]) -> Self {
        Self(bytes)
    }

    /// The raw id bytes.
    pub const fn as_bytes(&self) -> &[u8; KEY_ID_LEN] {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&data_encoding::HEXLOWER.encode(&self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// A key id that is not 16 hex digits.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("a key id is 16 hexadecimal digits")]
pub struct ParseKeyIdError;

impl FromStr for KeyId {
    type Err = ParseKeyIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = data_encoding::HEXLOWER_PERMISSIVE.decode(s.as_bytes()).map_err(|_| ParseKeyIdError)?;
        let bytes: [u8; KEY_ID_LEN] = bytes.try_into().map_err(|_| ParseKeyIdError)?;
        Ok(Self(bytes))
    }
}

/// Why an envelope could not be encrypted.
#[derive(Debug, Error)]
pub enum EncryptError {
    /// No nonce could be drawn.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The cipher refused the input (only possible for plaintexts beyond 256 GiB).
    #[error("the value is too long to encrypt")]
    TooLong,
}

/// Why an envelope could not be decrypted. None of these carries plaintext or key bytes.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DecryptError {
    /// Shorter than any envelope can be: cut off in storage or transport.
    #[error("the encrypted value is truncated")]
    Truncated,
    /// Written by a newer (or unknown) envelope format.
    #[error("the encrypted value has unknown format version {version}")]
    UnknownVersion {
        /// The version byte found.
        version: u8,
    },
    /// Written under a key this keyring does not hold: the wrong key file, or an old key
    /// was dropped before its values were re-encrypted.
    #[error("the encrypted value was written under key {key_id}, which is not loaded")]
    WrongKey {
        /// The id recorded in the envelope.
        key_id: KeyId,
    },
    /// Authentication failed: the bytes were changed, or the value was moved from the row
    /// and column it was written for (the associated data differs).
    #[error("the encrypted value was altered or does not belong to this field")]
    Tampered,
    /// A TEXT column did not hold base64.
    #[error("the stored text is not a base64 envelope")]
    NotBase64,
    /// Decrypted bytes were not UTF-8 where text was expected.
    #[error("the decrypted value is not UTF-8 text")]
    NotUtf8,
}

/// Why a value could not be re-encrypted under the current key.
#[derive(Debug, Error)]
pub enum RotateError {
    /// The old value did not decrypt.
    #[error(transparent)]
    Decrypt(#[from] DecryptError),
    /// The new value could not be written.
    #[error(transparent)]
    Encrypt(#[from] EncryptError),
}

/// Associated data for a field stored in a row: `org_id / table / column / row_id`,
/// each length-prefixed so no two different tuples encode alike.
///
/// Use the row's stable primary key, not something that changes on update.
pub fn field_ad(org_id: &str, table: &str, column: &str, row_id: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + org_id.len() + table.len() + column.len() + row_id.len());
    out.extend_from_slice(b"amparo/field/v1");
    for part in [org_id, table, column, row_id] {
        crate::mac::push_field(&mut out, part.as_bytes());
    }
    out
}

/// The header fields of an envelope, read without decrypting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeHeader {
    /// Format version.
    pub version: u8,
    /// The key that wrote it.
    pub key_id: KeyId,
}

/// Reads and checks an envelope's header and length, without any key.
pub fn parse_header(envelope: &[u8]) -> Result<EnvelopeHeader, DecryptError> {
    let Some((&version, rest)) = envelope.split_first() else {
        return Err(DecryptError::Truncated);
    };
    // The version is checked before the length so that a future, shorter format is
    // reported as unknown rather than as damaged.
    if version != ENVELOPE_VERSION {
        return Err(DecryptError::UnknownVersion { version });
    }
    if envelope.len() < MIN_ENVELOPE_LEN {
        return Err(DecryptError::Truncated);
    }
    let mut id = [0u8; KEY_ID_LEN];
    id.copy_from_slice(&rest[..KEY_ID_LEN]);
    Ok(EnvelopeHeader { version, key_id: KeyId(id) })
}

/// A 32-byte field-encryption key with its id. Wiped on drop; `Debug` hides the bytes.
#[derive(Clone)]
pub struct FieldKey {
    id: KeyId,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldKey {{ key_id: {}, key: *** }}", self.id)
    }
}

impl FieldKey {
    /// A key from raw bytes. Normally built by `keyfile`, which derives it from the key
    /// material; the caller should wipe its own copy of `bytes`.
    pub fn new(id: KeyId, bytes: [u8; 32]) -> Self {
        Self { id, key: Zeroizing::new(bytes) }
    }

    /// The id written into every envelope this key produces.
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    pub(crate) fn aead(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.key).into())
    }

    /// Encrypts `plaintext` bound to `associated_data` (see [`field_ad`]) into a fresh
    /// envelope with a random nonce. Fails only if the OS random source fails.
    pub fn encrypt(&self, plaintext: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, EncryptError> {
        let nonce: [u8; NONCE_LEN] = random::array()?;
        self.seal(nonce, plaintext, associated_data)
    }

    fn seal(
        &self,
        nonce: [u8; NONCE_LEN],
        plaintext: &[u8],
        associated_data: &[u8],
    ) -> Result<Vec<u8>, EncryptError> {
        let mut header = [0u8; HEADER_LEN];
        header[0] = ENVELOPE_VERSION;
        header[1..].copy_from_slice(&self.id.0);
        let aad = authenticated_data(&header, associated_data);
        let sealed = self
            .aead()
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: &aad })
            .map_err(|_| EncryptError::TooLong)?;
        let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + sealed.len());
        out.extend_from_slice(&header);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts an envelope written by this key for the same `associated_data`.
    pub fn decrypt(&self, envelope: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, DecryptError> {
        let header = parse_header(envelope)?;
        if header.key_id != self.id {
            return Err(DecryptError::WrongKey { key_id: header.key_id });
        }
        self.open_checked(envelope, associated_data)
    }

    /// Decrypts after the header was checked and matched to this key.
    fn open_checked(&self, envelope: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, DecryptError> {
        let (header, rest) = envelope.split_at(HEADER_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| DecryptError::Truncated)?;
        let aad = authenticated_data(header, associated_data);
        self.aead()
            .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: &aad })
            .map_err(|_| DecryptError::Tampered)
    }

    /// [`FieldKey::encrypt`] for text, returning base64 for a TEXT column.
    pub fn encrypt_text(&self, plaintext: &str, associated_data: &[u8]) -> Result<String, EncryptError> {
        Ok(BASE64.encode(self.encrypt(plaintext.as_bytes(), associated_data)?))
    }

    /// Reverses [`FieldKey::encrypt_text`].
    pub fn decrypt_text(&self, stored: &str, associated_data: &[u8]) -> Result<String, DecryptError> {
        let envelope = decode_text(stored)?;
        utf8(self.decrypt(&envelope, associated_data)?)
    }
}

fn authenticated_data(header: &[u8], associated_data: &[u8]) -> Vec<u8> {
    // The header has a fixed length, so header || caller data is unambiguous.
    let mut aad = Vec::with_capacity(header.len() + associated_data.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(associated_data);
    aad
}

fn decode_text(stored: &str) -> Result<Vec<u8>, DecryptError> {
    BASE64.decode(stored.trim().as_bytes()).map_err(|_| DecryptError::NotBase64)
}

fn utf8(bytes: Vec<u8>) -> Result<String, DecryptError> {
    String::from_utf8(bytes).map_err(|e| {
        // Wipe the plaintext that failed to convert rather than leaving it in freed memory.
        let mut bytes = e.into_bytes();
        zeroize::Zeroize::zeroize(&mut bytes);
        DecryptError::NotUtf8
    })
}

/// The current key, which writes, and older keys, which only read, found by key id.
///
/// During a key rotation values written under an old key keep decrypting;
/// [`Keyring::needs_rotation`] finds them and [`Keyring::reencrypt`] rewrites them.
#[derive(Clone)]
pub struct Keyring {
    current: FieldKey,
    older: BTreeMap<KeyId, FieldKey>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.id)
            .field("older", &self.older.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Keyring {
    /// A keyring writing with `current` and also reading with `older`. An older key with
    /// the same id as one already held is ignored (ids are derived from the key bytes, so
    /// the same id means the same key; `keyfile` refuses duplicates before this point).
    pub fn new(current: FieldKey, older: impl IntoIterator<Item = FieldKey>) -> Self {
        let mut map = BTreeMap::new();
        for key in older {
            if key.id != current.id {
                map.entry(key.id).or_insert(key);
            }
        }
        Self { current, older: map }
    }

    /// The key new values are written under.
    pub(crate) fn current_key(&self) -> &FieldKey {
        &self.current
    }

    /// The id of the key new values are written under.
    pub fn current_key_id(&self) -> KeyId {
        self.current.id
    }

    /// Every key id this keyring can read, current first.
    pub fn key_ids(&self) -> Vec<KeyId> {
        std::iter::once(self.current.id).chain(self.older.keys().copied()).collect()
    }

    pub(crate) fn key_for(&self, id: KeyId) -> Option<&FieldKey> {
        if id == self.current.id { Some(&self.current) } else { self.older.get(&id) }
    }

    /// Encrypts under the current key.
    pub fn encrypt(&self, plaintext: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, EncryptError> {
        self.current.encrypt(plaintext, associated_data)
    }

    /// Decrypts with whichever held key wrote the envelope.
    pub fn decrypt(&self, envelope: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, DecryptError> {
        let header = parse_header(envelope)?;
        let key = self.key_for(header.key_id).ok_or(DecryptError::WrongKey { key_id: header.key_id })?;
        key.open_checked(envelope, associated_data)
    }

    /// [`Keyring::encrypt`] for text, as base64.
    pub fn encrypt_text(&self, plaintext: &str, associated_data: &[u8]) -> Result<String, EncryptError> {
        self.current.encrypt_text(plaintext, associated_data)
    }

    /// Reverses [`Keyring::encrypt_text`].
    pub fn decrypt_text(&self, stored: &str, associated_data: &[u8]) -> Result<String, DecryptError> {
        let envelope = decode_text(stored)?;
        utf8(self.decrypt(&envelope, associated_data)?)
    }

    /// True when the envelope was written under a key other than the current one (or an
    /// older format), so a rotation job should rewrite it. A malformed envelope answers
    /// `false`: rewriting cannot help it, and decrypting it reports the real problem.
    pub fn needs_rotation(&self, envelope: &[u8]) -> bool {
        match parse_header(envelope) {
            Ok(header) => header.key_id != self.current.id,
            Err(_) => false,
        }
    }

    /// [`Keyring::needs_rotation`] for a base64 TEXT value.
    pub fn needs_rotation_text(&self, stored: &str) -> bool {
        decode_text(stored).is_ok_and(|envelope| self.needs_rotation(&envelope))
    }

    /// Re-encrypts a value under the current key if it needs it: `Ok(None)` when it is
    /// already current, `Ok(Some(new_envelope))` otherwise. The plaintext is wiped after.
    pub fn reencrypt(&self, envelope: &[u8], associated_data: &[u8]) -> Result<Option<Vec<u8>>, RotateError> {
        if !self.needs_rotation(envelope) {
            // A malformed value is reported rather than passed over as current.
            parse_header(envelope)?;
            return Ok(None);
        }
        let plaintext = Zeroizing::new(self.decrypt(envelope, associated_data)?);
        Ok(Some(self.encrypt(&plaintext, associated_data)?))
    }

    /// [`Keyring::reencrypt`] for a base64 TEXT value.
    pub fn reencrypt_text(
        &self,
        stored: &str,
        associated_data: &[u8],
    ) -> Result<Option<String>, RotateError> {
        let envelope = decode_text(stored)?;
        Ok(self.reencrypt(&envelope, associated_data)?.map(|new| BASE64.encode(new)))
    }

    /// A canary: a known plaintext encrypted under the current key, as base64. A store
    /// saves it once at setup and passes it to [`Keyring::check_canary`] at every start.
    pub fn canary(&self) -> Result<String, EncryptError> {
        Ok(BASE64.encode(self.encrypt(CANARY_PLAINTEXT, CANARY_AD)?))
    }

    /// Checks a canary written by [`Keyring::canary`], so a store refuses to start (and to
    /// write values nobody could read back) when given the wrong key file.
    /// `WrongKey` names the key id the database expects.
    pub fn check_canary(&self, canary: &str) -> Result<(), DecryptError> {
        let envelope = decode_text(canary)?;
        let plaintext = Zeroizing::new(self.decrypt(&envelope, CANARY_AD)?);
        if plaintext.as_slice() == CANARY_PLAINTEXT { Ok(()) } else { Err(DecryptError::Tampered) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_layout_is_as_documented() {
        let key = FieldKey::new(KeyId::from_bytes([0xab; 8]), [1u8; 32]);
        let nonce = [9u8; NONCE_LEN];
        let env = key.seal(nonce, b"abc", b"ad").unwrap();
        assert_eq!(env[0], ENVELOPE_VERSION);
        assert_eq!(&env[1..9], &[0xab; 8]);
        assert_eq!(&env[9..33], &nonce);
        assert_eq!(env.len(), MIN_ENVELOPE_LEN + 3);
        assert_eq!(key.decrypt(&env, b"ad").unwrap(), b"abc");
    }

    #[test]
    fn field_ad_is_unambiguous() {
        assert_ne!(field_ad("o", "t", "c", "r1"), field_ad("o", "t", "cr", "1"));
        assert_ne!(field_ad("o/t", "c", "r", "1"), field_ad("o", "t/c", "r", "1"));
    }
}
