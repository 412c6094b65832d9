//! Files at rest (attachments): the field keys of [`crate::cipher`] in a chunked STREAM
//! construction (Hoang, Reyhanitabar, Rogaway and Vizár, "Online Authenticated-Encryption and its
//! Nonce-Reuse Misuse-Resistance"), so a file is sealed and opened one chunk at a time and any cut,
//! reordering or splice of chunks fails to open.
//!
//! Threat: someone reads the object store (a leaked bucket, a copied folder, a backup) and learns a
//! termination notice or a medical letter; or swaps one family's letter for another's, or cuts a
//! file short so that the last page of a notice silently disappears. Each object is sealed under the
//! current field key and bound (associated data) to its organisation, case and attachment; each chunk
//! is bound to its index and to whether it is the last, so a reader either gets every byte that was
//! written, in order, or an error.
//!
//! Object layout:
//!
//! ```text
//! offset  size        field
//! 0       1           version = 0x01
//! 1       8           key id (which key wrote it)
//! 9       16          nonce prefix, random per object
//! 25      ...         chunks: CHUNK_LEN plaintext bytes + 16-byte tag each; the last one holds
//!                     the remaining 0..=CHUNK_LEN bytes + tag (it always exists)
//! ```
//!
//! Chunk `i` is sealed with XChaCha20-Poly1305 under the nonce `prefix || i` (64-bit big-endian) and
//! the associated data `header || i || last-flag || caller data`. The header is authenticated too, so
//! changing the key id or version is detected.

use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead, Payload};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::cipher::{DecryptError, EncryptError, FieldKey, KeyId, Keyring, RotateError};
use crate::random;

/// The object format this code writes.
pub const STREAM_VERSION: u8 = 1;
/// Plaintext bytes per chunk (64 KiB): one chunk is what a reader or writer holds at a time.
pub const CHUNK_LEN: usize = 64 * 1024;
const KEY_ID_LEN: usize = 8;
const PREFIX_LEN: usize = 16;
const TAG_LEN: usize = 16;
/// The length of an object's header.
pub const HEADER_LEN: usize = 1 + KEY_ID_LEN + PREFIX_LEN;
const DOMAIN: &[u8] = b"amparo/stream/v1";

/// Associated data for an attachment: `org_id / case_id / attachment_id`, length-prefixed.
pub fn attachment_ad(org_id: &str, case_id: &str, attachment_id: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(48 + org_id.len() + case_id.len() + attachment_id.len());
    out.extend_from_slice(b"amparo/attachment/v1");
    for part in [org_id, case_id, attachment_id] {
        crate::mac::push_field(&mut out, part.as_bytes());
    }
    out
}

/// Why a stored object could not be opened. None of these carries plaintext or key bytes.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StreamError {
    /// Shorter than its header and one final chunk: cut off in storage or transport.
    #[error("the encrypted file is truncated")]
    Truncated,
    /// Written by a newer (or unknown) format.
    #[error("the encrypted file has unknown format version {version}")]
    UnknownVersion {
        /// The version byte found.
        version: u8,
    },
    /// Written under a key the keyring does not hold.
    #[error("the encrypted file was written under key {key_id}, which is not loaded")]
    WrongKey {
        /// The id recorded in the header.
        key_id: KeyId,
    },
    /// A chunk did not authenticate: changed, moved to another object, reordered, or the file was
    /// cut at a chunk boundary (its last chunk is not marked last).
    #[error(
        "the encrypted file was altered, cut short or does not belong to this attachment (chunk {chunk})"
    )]
    Tampered {
        /// The index of the first chunk that failed.
        chunk: u64,
    },
}

impl From<StreamError> for DecryptError {
    fn from(e: StreamError) -> Self {
        match e {
            StreamError::Truncated => DecryptError::Truncated,
            StreamError::UnknownVersion { version } => DecryptError::UnknownVersion { version },
            StreamError::WrongKey { key_id } => DecryptError::WrongKey { key_id },
            StreamError::Tampered { .. } => DecryptError::Tampered,
        }
    }
}

/// The header of an object, read without any key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamHeader {
    /// Format version.
    pub version: u8,
    /// The key that wrote it.
    pub key_id: KeyId,
    prefix: [u8; PREFIX_LEN],
}

impl StreamHeader {
    fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = self.version;
        out[1..1 + KEY_ID_LEN].copy_from_slice(self.key_id.as_bytes());
        out[1 + KEY_ID_LEN..].copy_from_slice(&self.prefix);
        out
    }
}

/// Reads an object's header.
pub fn parse_header(object: &[u8]) -> Result<StreamHeader, StreamError> {
    let Some(&version) = object.first() else { return Err(StreamError::Truncated) };
    if version != STREAM_VERSION {
        return Err(StreamError::UnknownVersion { version });
    }
    if object.len() < HEADER_LEN + TAG_LEN {
        return Err(StreamError::Truncated);
    }
    let mut id = [0u8; KEY_ID_LEN];
    id.copy_from_slice(&object[1..1 + KEY_ID_LEN]);
    let mut prefix = [0u8; PREFIX_LEN];
    prefix.copy_from_slice(&object[1 + KEY_ID_LEN..HEADER_LEN]);
    Ok(StreamHeader { version, key_id: KeyId::from_bytes(id), prefix })
}

fn nonce(prefix: &[u8; PREFIX_LEN], index: u64) -> XNonce {
    let mut n = [0u8; PREFIX_LEN + 8];
    n[..PREFIX_LEN].copy_from_slice(prefix);
    n[PREFIX_LEN..].copy_from_slice(&index.to_be_bytes());
    XNonce::from(n)
}

fn chunk_ad(header: &[u8; HEADER_LEN], index: u64, last: bool, associated_data: &[u8]) -> Vec<u8> {
    let mut ad = Vec::with_capacity(DOMAIN.len() + HEADER_LEN + 9 + associated_data.len());
    ad.extend_from_slice(DOMAIN);
    ad.extend_from_slice(header);
    ad.extend_from_slice(&index.to_be_bytes());
    ad.push(u8::from(last));
    ad.extend_from_slice(associated_data);
    ad
}

/// Seals an object one chunk at a time: [`StreamSealer::header`] first, then each
/// [`StreamSealer::chunk`] in order, the last one with `last = true`.
pub struct StreamSealer<'k> {
    key: &'k FieldKey,
    header: [u8; HEADER_LEN],
    prefix: [u8; PREFIX_LEN],
    associated_data: Vec<u8>,
    next: u64,
}

impl<'k> StreamSealer<'k> {
    /// A sealer under `key` with a fresh random nonce prefix, bound to `associated_data`
    /// (see [`attachment_ad`]).
    pub fn new(key: &'k FieldKey, associated_data: &[u8]) -> Result<Self, EncryptError> {
        let prefix: [u8; PREFIX_LEN] = random::array()?;
        let header = StreamHeader { version: STREAM_VERSION, key_id: key.key_id(), prefix }.to_bytes();
        Ok(Self { key, header, prefix, associated_data: associated_data.to_vec(), next: 0 })
    }

    /// The object's header, written before the first chunk.
    pub fn header(&self) -> [u8; HEADER_LEN] {
        self.header
    }

    /// Seals the next chunk (at most [`CHUNK_LEN`] bytes; only the last may be shorter).
    pub fn chunk(&mut self, plaintext: &[u8], last: bool) -> Result<Vec<u8>, EncryptError> {
        if plaintext.len() > CHUNK_LEN || (!last && plaintext.len() != CHUNK_LEN) {
            return Err(EncryptError::TooLong);
        }
        let index = self.next;
        self.next = self.next.checked_add(1).ok_or(EncryptError::TooLong)?;
        let aad = chunk_ad(&self.header, index, last, &self.associated_data);
        self.key
            .aead()
            .encrypt(&nonce(&self.prefix, index), Payload { msg: plaintext, aad: &aad })
            .map_err(|_| EncryptError::TooLong)
    }
}

/// How long the sealed object of a `plaintext_len`-byte file is: the header, the bytes, and one tag
/// per chunk (an empty file still has its one, final chunk). A backup checks each object's size
/// against its row with it, without the key.
pub fn sealed_len(plaintext_len: u64) -> u64 {
    let chunk = CHUNK_LEN as u64;
    let chunks = plaintext_len.div_ceil(chunk).max(1);
    HEADER_LEN as u64 + plaintext_len + chunks * TAG_LEN as u64
}

/// Seals a whole file under the keyring's current key.
pub fn seal(keyring: &Keyring, plaintext: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, EncryptError> {
    seal_with(keyring.current_key(), plaintext, associated_data)
}

fn seal_with(key: &FieldKey, plaintext: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, EncryptError> {
    let mut sealer = StreamSealer::new(key, associated_data)?;
    let chunks = plaintext.len() / CHUNK_LEN + 1;
    let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + chunks * TAG_LEN);
    out.extend_from_slice(&sealer.header());
    let mut rest = plaintext;
    // Full chunks while more than one chunk remains; the final chunk holds 0..=CHUNK_LEN bytes.
    while rest.len() > CHUNK_LEN {
        let (chunk, tail) = rest.split_at(CHUNK_LEN);
        out.extend_from_slice(&sealer.chunk(chunk, false)?);
        rest = tail;
    }
    out.extend_from_slice(&sealer.chunk(rest, true)?);
    Ok(out)
}

/// Opens a whole object with whichever held key wrote it; the plaintext is wiped on drop.
pub fn open(
    keyring: &Keyring,
    object: &[u8],
    associated_data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, StreamError> {
    let header = parse_header(object)?;
    let key = keyring.key_for(header.key_id).ok_or(StreamError::WrongKey { key_id: header.key_id })?;
    let header_bytes = header.to_bytes();
    let body = &object[HEADER_LEN..];
    let mut out = Zeroizing::new(Vec::with_capacity(body.len()));
    let mut chunks = body.chunks(CHUNK_LEN + TAG_LEN).peekable();
    let mut index: u64 = 0;
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        if chunk.len() < TAG_LEN {
            return Err(StreamError::Truncated);
        }
        let aad = chunk_ad(&header_bytes, index, last, associated_data);
        let plain = key
            .aead()
            .decrypt(&nonce(&header.prefix, index), Payload { msg: chunk, aad: &aad })
            .map_err(|_| StreamError::Tampered { chunk: index })?;
        out.extend_from_slice(&plain);
        index += 1;
    }
    Ok(out)
}

/// True when the object was written under a key other than the keyring's current one.
pub fn needs_rotation(keyring: &Keyring, object: &[u8]) -> bool {
    parse_header(object).is_ok_and(|h| h.key_id != keyring.current_key_id())
}

/// Re-seals an object under the current key if it needs it: `Ok(None)` when it is already current.
pub fn reseal(
    keyring: &Keyring,
    object: &[u8],
    associated_data: &[u8],
) -> Result<Option<Vec<u8>>, RotateError> {
    if !needs_rotation(keyring, object) {
        parse_header(object).map_err(DecryptError::from)?;
        return Ok(None);
    }
    let plain = open(keyring, object, associated_data).map_err(DecryptError::from)?;
    Ok(Some(seal(keyring, &plain, associated_data)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Keyring {
        Keyring::new(FieldKey::new(KeyId::from_bytes([7; 8]), [3u8; 32]), [])
    }

    #[test]
    fn sealed_len_is_the_length_seal_writes() {
        let ring = ring();
        for len in [0, 1, CHUNK_LEN - 1, CHUNK_LEN, CHUNK_LEN + 1, 2 * CHUNK_LEN, 3 * CHUNK_LEN + 7] {
            let sealed = seal(&ring, &vec![7u8; len], b"ad").unwrap();
            assert_eq!(sealed_len(len as u64), sealed.len() as u64, "{len} bytes");
        }
    }

    #[test]
    fn round_trips_at_chunk_boundaries() {
        let ring = ring();
        for len in [0, 1, CHUNK_LEN - 1, CHUNK_LEN, CHUNK_LEN + 1, 2 * CHUNK_LEN, 2 * CHUNK_LEN + 5] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&ring, &plain, b"ad").unwrap();
            assert_eq!(open(&ring, &sealed, b"ad").unwrap().as_slice(), plain.as_slice(), "length {len}");
        }
    }

    #[test]
    fn a_file_cut_at_a_chunk_boundary_fails() {
        let ring = ring();
        let plain = vec![5u8; 2 * CHUNK_LEN + 10];
        let sealed = seal(&ring, &plain, b"ad").unwrap();
        let cut = &sealed[..HEADER_LEN + 2 * (CHUNK_LEN + TAG_LEN)];
        assert_eq!(open(&ring, cut, b"ad").unwrap_err(), StreamError::Tampered { chunk: 1 });
    }

    #[test]
    fn swapped_chunks_and_other_bindings_fail() {
        let ring = ring();
        let plain: Vec<u8> = (0..3 * CHUNK_LEN).map(|i| (i % 13) as u8).collect();
        let sealed = seal(&ring, &plain, b"ad").unwrap();
        let n = CHUNK_LEN + TAG_LEN;
        let mut swapped = sealed.clone();
        swapped[HEADER_LEN..HEADER_LEN + n].copy_from_slice(&sealed[HEADER_LEN + n..HEADER_LEN + 2 * n]);
        swapped[HEADER_LEN + n..HEADER_LEN + 2 * n].copy_from_slice(&sealed[HEADER_LEN..HEADER_LEN + n]);
        assert!(matches!(open(&ring, &swapped, b"ad"), Err(StreamError::Tampered { chunk: 0 })));
        assert!(matches!(open(&ring, &sealed, b"other"), Err(StreamError::Tampered { .. })));
    }
}
