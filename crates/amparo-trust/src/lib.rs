//! Amparo's security building blocks. Pure: no I/O except `keyfile`'s own file handling,
//! no clock (times are passed in), no global state.
//!
//! | module | job |
//! | --- | --- |
//! | [`api_token`] | API tokens' text (a recognisable prefix, the organisation, a 256-bit secret), their hash, constant-time comparison |
//! | [`cipher`] | field encryption at rest (XChaCha20-Poly1305 envelopes bound to their row), keyring for rotation, canary |
//! | [`stream`] | files at rest: the same keys in a chunked STREAM construction, so a truncated, reordered or moved object fails to open |
//! | [`blind_index`] | keyed hashes for exact-match search over encrypted identifiers |
//! | [`keyfile`] | key generation, the key-file format, permission-checked loading, atomic creation and rotation, key derivation |
//! | [`audit_chain`] | tamper-evident hash chain over audit entries |
//! | [`audit_head`] | MACs over chains' heads: the anchor beside each chain, exported checkpoints |
//! | [`totp`] | RFC 6238 one-time codes for a second factor |
//! | [`password_policy`] | NIST SP 800-63B password rules, blocklist, why a password was refused (as data) |
//! | [`secret`] | `Secret<T>`: prints `***`, wiped on drop |
//!
//! `README.md` beside this crate describes the formats and the threat each module answers.

pub mod api_token;
pub mod audit_chain;
pub mod audit_head;
pub mod blind_index;
pub mod cipher;
pub mod keyfile;
mod mac;
pub mod password_policy;
mod random;
pub mod scoped_secret;
pub mod secret;
pub mod stream;
pub mod totp;

pub use random::RandomError;
pub use secret::Secret;
