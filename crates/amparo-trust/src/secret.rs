//! `Secret<T>`: a value that must never reach a log, a panic message or an error page.
//!
//! `Debug` and `Display` print `***` whatever the payload, so a `{:?}` of a struct holding
//! a secret is safe to log. The payload is wiped (`zeroize`) when the wrapper is dropped, so
//! it does not linger in freed heap memory for a later allocation, a core dump or swap to
//! reveal. Reading it takes an explicit `expose()`, which is easy to find in review.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// A value that prints as `***` and is zeroized on drop.
///
/// The bound `T: Zeroize` covers `String`, `Vec<u8>`, `[u8; N]` and the integer types.
pub struct Secret<T: Zeroize> {
    inner: T,
}

impl<T: Zeroize> Secret<T> {
    /// Wraps a value.
    pub fn new(inner: T) -> Self {
        Self { inner }
    }

    /// Borrows the value. Every call is a place where the secret leaves the wrapper.
    pub fn expose(&self) -> &T {
        &self.inner
    }

    /// Borrows the value mutably (e.g. to fill a buffer in place).
    pub fn expose_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: Zeroize + Default> Secret<T> {
    /// Takes the value out. The wrapper left behind holds `T::default()`, which is then wiped
    /// as usual; the caller owns the returned value and its wiping.
    pub fn into_inner(mut self) -> T {
        std::mem::take(&mut self.inner)
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.inner.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T: Zeroize> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T: Zeroize + Clone> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Self::new(self.inner.clone())
    }
}

impl<T: Zeroize> From<T> for Secret<T> {
    fn from(inner: T) -> Self {
        Self::new(inner)
    }
}

impl<T: Zeroize + AsRef<[u8]>> Secret<T> {
    /// Compares with `other` in time that does not depend on where the bytes first differ,
    /// so a remote caller cannot learn a token prefix by timing. (Lengths are not hidden.)
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        self.inner.as_ref().ct_eq(other).into()
    }
}

impl<T: Zeroize + AsRef<[u8]>> PartialEq for Secret<T> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other.inner.as_ref())
    }
}

impl<T: Zeroize + AsRef<[u8]>> Eq for Secret<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn into_inner_leaves_an_empty_payload_behind() {
        let s = Secret::new(String::from("fictional-token"));
        assert_eq!(s.into_inner(), "fictional-token");
    }
}
