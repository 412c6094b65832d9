//! Guarding sensitive data and accounts: sealed fields at rest and their keys, re-encryption under a
//! new key, TOTP second factors, and password resets.

mod keys;
mod reseal;
pub mod resets;
pub mod seal;
pub mod second_factors;
