//! The one place that asks the operating system for random bytes.

use thiserror::Error;

/// The operating system's random source failed. Nothing secret was produced; retrying later
/// is safe. This is rare enough (early boot, a broken sandbox) that callers treat it as an
/// internal error.
#[derive(Debug, Error)]
#[error("the operating system's random number generator failed")]
pub struct RandomError;

/// Fills `buf` from the OS CSPRNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(|_| RandomError)
}

/// A fresh array of random bytes.
pub(crate) fn array<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}
