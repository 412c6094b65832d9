//! The security building blocks through their public API, one module per block: field encryption,
//! blind indexes, key files, the audit chain, TOTP, the password policy and secrets kept out of logs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit_chain;
mod blind_index;
mod cipher;
mod keyfile;
mod password_policy;
mod secret;
mod totp;
