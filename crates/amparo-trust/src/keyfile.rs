//! Key material: generation, the key-file format, loading with a permission check,
//! atomic creation and rotation, and derivation of the working keys.
//!
//! Threat: the key leaks with the data it protects (a key in the database, in a world-readable
//! file, or in a backup next to the dump), or is lost or overwritten, which loses every
//! encrypted field for good. So the key lives in its own file with mode 0600, outside the
//! database; creating it never overwrites an existing file; rotating it keeps the old keys.
//!
//! # Format
//!
//! ```text
//! # comments and blank lines are ignored
//! amparo-key-v1 <key id: 16 hex digits> <key: 32 bytes, base64>
//! amparo-key-v1 <older key id> <older key>
//! ```
//!
//! The first key line is the current key (new values are written under it); later lines
//! are older keys, kept so values written under them still decrypt until a rotation job
//! has rewritten them. The key id is derived from the key (HKDF), so a mis-copied or edited
//! line is refused rather than used.
//!
//! # Derivation
//!
//! Each 32-byte key is input to HKDF-SHA-256 (salt `amparo-trust/v1`), expanded with a
//! distinct label per use: `amparo/key-id/v1` (8 bytes), `amparo/field-cipher/v1`,
//! `amparo/blind-index/v1`, `amparo/audit-chain/v1` (32 bytes each). A leak of one working
//! key reveals neither the others nor the key in the file.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hkdf::Hkdf;
use sha2::Sha256;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::audit_chain::ChainKey;
use crate::blind_index::BlindIndexKey;
use crate::cipher::{FieldKey, KeyId, Keyring};
use crate::random::{self, RandomError};
use crate::secret::Secret;

/// The first word of every key line.
pub const LINE_TAG: &str = "amparo-key-v1";
const HKDF_SALT: &[u8] = b"amparo-trust/v1";
const LABEL_KEY_ID: &[u8] = b"amparo/key-id/v1";
const LABEL_FIELD: &[u8] = b"amparo/field-cipher/v1";
const LABEL_BLIND: &[u8] = b"amparo/blind-index/v1";
const LABEL_CHAIN: &[u8] = b"amparo/audit-chain/v1";

const FILE_HEADER: &str = "\
# Amparo key file (format amparo-key-v1). Keep it secret: mode 0600, owned by the
# service user, backed up apart from the database. Losing it loses every encrypted field.
# The first key line is the current key; later lines are older keys kept so values
# written under them still decrypt. `amparo` rotates keys; do not reorder lines by hand.
";

/// Everything that can go wrong with key material. Messages name files and line numbers,
/// never key bytes.
#[derive(Debug, Error)]
pub enum KeyFileError {
    /// The file could not be read or written.
    #[error("key file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Group or others may read or write the file.
    #[error(
        "key file {path} has mode {mode:04o}: other users on this machine could read it; \
         run `chmod 600 {path}` (and make sure the service user owns it)",
        path = path.display()
    )]
    TooOpen {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The path is a directory or a device, not a regular file.
    #[error("key file {}: not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// `write_new` refuses to replace a key file: that would lose every value it encrypted.
    #[error("key file {} already exists; refusing to overwrite it", path.display())]
    AlreadyExists {
        /// The file.
        path: PathBuf,
    },
    /// A line is not a key line.
    #[error("key line {line}: {reason}")]
    Syntax {
        /// 1-based line (or entry) number.
        line: usize,
        /// What is wrong, without quoting the line.
        reason: &'static str,
    },
    /// The recorded id is not the one derived from the key: the line was altered.
    #[error("key line {line}: key id {key_id} does not match its key (the line was edited or mis-copied)")]
    IdMismatch {
        /// 1-based line number.
        line: usize,
        /// The id written on the line.
        key_id: KeyId,
    },
    /// The same key appears twice.
    #[error("key line {line}: key {key_id} appears more than once")]
    Duplicate {
        /// 1-based line number of the second appearance.
        line: usize,
        /// The repeated id.
        key_id: KeyId,
    },
    /// No key lines at all.
    #[error("no key found (expected a line `{LINE_TAG} <key id> <key>`)")]
    NoKeys,
    /// No random bytes for a new key.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// HKDF refused the output length (cannot happen for the fixed lengths used).
    #[error("key derivation failed")]
    Derivation,
}

/// One key: 32 random bytes and the working keys derived from them.
pub struct KeyMaterial {
    id: KeyId,
    master: Zeroizing<[u8; 32]>,
    field: FieldKey,
    blind: BlindIndexKey,
    chain: ChainKey,
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyMaterial {{ key_id: {}, key: *** }}", self.id)
    }
}

impl Clone for KeyMaterial {
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            master: self.master.clone(),
            field: self.field.clone(),
            blind: self.blind.clone(),
            chain: self.chain.clone(),
        }
    }
}

fn expand<const N: usize>(hk: &Hkdf<Sha256>, label: &[u8]) -> Result<Zeroizing<[u8; N]>, KeyFileError> {
    let mut out = Zeroizing::new([0u8; N]);
    hk.expand(label, out.as_mut_slice()).map_err(|_| KeyFileError::Derivation)?;
    Ok(out)
}

impl KeyMaterial {
    /// A new random key.
    pub fn generate() -> Result<Self, KeyFileError> {
        let bytes = Zeroizing::new(random::array::<32>()?);
        Self::from_bytes(&bytes)
    }

    /// Derives the working keys from 32 key bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyFileError> {
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), bytes);
        let id = KeyId::from_bytes(*expand::<8>(&hk, LABEL_KEY_ID)?);
        let field = FieldKey::new(id, *expand::<32>(&hk, LABEL_FIELD)?);
        let blind = BlindIndexKey::new(id, *expand::<32>(&hk, LABEL_BLIND)?);
        let chain = ChainKey::new(id, *expand::<32>(&hk, LABEL_CHAIN)?);
        Ok(Self { id, master: Zeroizing::new(*bytes), field, blind, chain })
    }

    /// The key's id (also written in every envelope it encrypts).
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// The field-encryption key.
    pub fn field_key(&self) -> &FieldKey {
        &self.field
    }

    /// The blind-index key.
    pub fn blind_index_key(&self) -> &BlindIndexKey {
        &self.blind
    }

    /// The audit-chain key.
    pub fn chain_key(&self) -> &ChainKey {
        &self.chain
    }

    /// The key's line in the key file.
    pub fn to_line(&self) -> Secret<String> {
        let encoded = Zeroizing::new(BASE64.encode(self.master.as_slice()));
        Secret::new(format!("{LINE_TAG} {} {}", self.id, encoded.as_str()))
    }
}

/// A generated key (shorthand for [`KeyMaterial::generate`]).
pub fn generate() -> Result<KeyMaterial, KeyFileError> {
    KeyMaterial::generate()
}

/// The keys of a key file: the current one first, then older ones.
#[derive(Clone)]
pub struct KeySet {
    current: KeyMaterial,
    older: Vec<KeyMaterial>,
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet").field("key_ids", &self.keys().map(|k| k.id).collect::<Vec<_>>()).finish()
    }
}

impl KeySet {
    /// A set from keys, current first. Refuses an empty list and repeated keys.
    pub fn new(keys: Vec<KeyMaterial>) -> Result<Self, KeyFileError> {
        for (i, key) in keys.iter().enumerate() {
            if keys.iter().take(i).any(|k| k.id == key.id) {
                return Err(KeyFileError::Duplicate { line: i + 1, key_id: key.id });
            }
        }
        let mut keys = keys.into_iter();
        let current = keys.next().ok_or(KeyFileError::NoKeys)?;
        Ok(Self { current, older: keys.collect() })
    }

    /// The current key: new values are written under it.
    pub fn current(&self) -> &KeyMaterial {
        &self.current
    }

    /// All keys, current first.
    pub fn keys(&self) -> impl Iterator<Item = &KeyMaterial> {
        std::iter::once(&self.current).chain(self.older.iter())
    }

    /// Older keys, newest first.
    pub fn older(&self) -> &[KeyMaterial] {
        &self.older
    }

    /// A keyring writing with the current key and reading with all.
    pub fn keyring(&self) -> Keyring {
        Keyring::new(self.current().field_key().clone(), self.older().iter().map(|k| k.field_key().clone()))
    }

    /// The current blind-index key.
    pub fn blind_index_key(&self) -> &BlindIndexKey {
        self.current().blind_index_key()
    }

    /// The current audit-chain key.
    pub fn chain_key(&self) -> &ChainKey {
        self.current().chain_key()
    }

    /// The key material with id `id`, to verify chain stretches or indexes written under an
    /// older key.
    pub fn get(&self, id: KeyId) -> Option<&KeyMaterial> {
        self.keys().find(|k| k.id == id)
    }

    /// The whole key file: the explanatory header, then one line per key.
    pub fn to_file_text(&self) -> Secret<String> {
        let mut text = String::from(FILE_HEADER);
        for key in self.keys() {
            text.push_str(key.to_line().expose());
            text.push('\n');
        }
        Secret::new(text)
    }
}

/// Parses key-file text (see the module docs).
pub fn parse(text: &str) -> Result<KeySet, KeyFileError> {
    let mut keys: Vec<KeyMaterial> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let key = parse_line(line, trimmed)?;
        if keys.iter().any(|k| k.id == key.id) {
            return Err(KeyFileError::Duplicate { line, key_id: key.id });
        }
        keys.push(key);
    }
    KeySet::new(keys)
}

fn parse_line(line: usize, text: &str) -> Result<KeyMaterial, KeyFileError> {
    let syntax = |reason| KeyFileError::Syntax { line, reason };
    let mut words = text.split_whitespace();
    let (Some(tag), Some(id), Some(key), None) = (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(syntax("expected `amparo-key-v1 <key id> <key>`"));
    };
    if tag != LINE_TAG {
        return Err(syntax(if tag.starts_with("amparo-key-") {
            "unknown key format version (this build reads amparo-key-v1)"
        } else {
            "expected `amparo-key-v1 <key id> <key>`"
        }));
    }
    let id: KeyId = id.parse().map_err(|_| syntax("the key id is not 16 hexadecimal digits"))?;
    let bytes = Zeroizing::new(BASE64.decode(key.as_bytes()).map_err(|_| syntax("the key is not base64"))?);
    let bytes: &[u8; 32] = bytes.as_slice().try_into().map_err(|_| syntax("the key is not 32 bytes"))?;
    let material = KeyMaterial::from_bytes(bytes)?;
    if material.id != id {
        return Err(KeyFileError::IdMismatch { line, key_id: id });
    }
    Ok(material)
}

/// Parses keys given in an environment variable: the key-file format, where `;` may also
/// separate lines (multi-line values are awkward in env files).
pub fn load_from_env(text: &str) -> Result<KeySet, KeyFileError> {
    let lines = Zeroizing::new(text.replace(';', "\n"));
    parse(&lines)
}

/// Reads a key file, refusing it if group or others may read or write it.
pub fn load(path: &Path) -> Result<KeySet, KeyFileError> {
    let text = read_checked(path)?;
    parse(&text)
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> KeyFileError + '_ {
    move |source| KeyFileError::Io { path: path.to_path_buf(), source }
}

fn read_checked(path: &Path) -> Result<Zeroizing<String>, KeyFileError> {
    // Open first and check the opened file's metadata, so the file checked is the file read
    // even if the path is swapped in between.
    let file = File::open(path).map_err(io_err(path))?;
    let meta = file.metadata().map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(KeyFileError::NotAFile { path: path.to_path_buf() });
    }
    check_mode(path, &meta)?;
    let mut text = Zeroizing::new(String::new());
    io::Read::read_to_string(&mut &file, &mut text).map_err(io_err(path))?;
    Ok(text)
}

#[cfg(unix)]
fn check_mode(path: &Path, meta: &fs::Metadata) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::TooOpen { path: path.to_path_buf(), mode });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path, _meta: &fs::Metadata) -> Result<(), KeyFileError> {
    // No Unix mode bits to check; the operator must restrict the file with the platform's ACLs.
    Ok(())
}

/// Creates a key file holding one new key, mode 0600, and returns its keys. Refuses to
/// replace an existing file. The file appears complete or not at all: it is written to a
/// temporary file in the same directory, flushed to disk, then linked into place.
pub fn write_new(path: &Path) -> Result<KeySet, KeyFileError> {
    if fs::symlink_metadata(path).is_ok() {
        return Err(KeyFileError::AlreadyExists { path: path.to_path_buf() });
    }
    let keys = KeySet::new(vec![KeyMaterial::generate()?])?;
    let tmp = write_temp(path, keys.to_file_text().expose())?;
    // A hard link fails if the target exists, unlike rename, so a file created since the
    // check above is never replaced.
    let placed = match fs::hard_link(&tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Err(KeyFileError::AlreadyExists { path: path.to_path_buf() })
        }
        // Some filesystems have no hard links: fall back to check-then-rename.
        Err(_) if fs::symlink_metadata(path).is_ok() => {
            Err(KeyFileError::AlreadyExists { path: path.to_path_buf() })
        }
        Err(_) => fs::rename(&tmp, path).map_err(io_err(path)),
    };
    // Best effort: after a rename the temp name is already gone.
    let _ = fs::remove_file(&tmp);
    placed?;
    sync_parent(path);
    Ok(keys)
}

/// Adds a new current key to an existing key file, keeping every older key (and the
/// file's comments), and returns the new set. The file is replaced atomically.
///
/// After a rotation, values still under older keys decrypt as before; a rotation job
/// rewrites them ([`Keyring::reencrypt`]) and only then may an old key line be removed.
/// Rotations must not run concurrently on the same file.
pub fn rotate(path: &Path) -> Result<KeySet, KeyFileError> {
    let text = read_checked(path)?;
    let old = parse(&text)?;
    let new_key = KeyMaterial::generate()?;
    let mut keys = vec![new_key.clone()];
    keys.extend(old.keys().cloned());
    let set = KeySet::new(keys)?;

    // Insert the new line before the first key line, so comments at the top stay there.
    let mut out = Zeroizing::new(String::with_capacity(text.len() + 100));
    let mut inserted = false;
    for raw in text.lines() {
        let trimmed = raw.trim();
        if !inserted && !trimmed.is_empty() && !trimmed.starts_with('#') {
            out.push_str(new_key.to_line().expose());
            out.push('\n');
            inserted = true;
        }
        out.push_str(raw);
        out.push('\n');
    }
    if !inserted {
        // `parse` found a key, so a key line exists; this only keeps the function total.
        return Err(KeyFileError::NoKeys);
    }
    let tmp = write_temp(path, &out)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(path)(e));
    }
    sync_parent(path);
    Ok(set)
}

/// Writes `text` to a new temporary file beside `path`, mode 0600 from creation (never
/// briefly readable by others), and flushes it to disk.
fn write_temp(path: &Path, text: &str) -> Result<PathBuf, KeyFileError> {
    let dir = parent_dir(path);
    let name =
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| String::from("keyfile"));
    let suffix: [u8; 6] = random::array()?;
    let tmp = dir.join(format!(".{name}.{}.tmp", data_encoding::HEXLOWER.encode(&suffix)));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(io_err(&tmp))?;
    let written = file.write_all(text.as_bytes()).and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(&tmp)(e));
    }
    Ok(tmp)
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Flushes the directory entry, so the new name survives a power cut. Best effort: some
/// filesystems refuse to sync a directory, and the file itself is already on disk.
fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(parent_dir(path)) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}
