//! How a delivery is signed, as Stripe and GitHub sign theirs: the header
//! `Amparo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed by the
//! endpoint's secret (its whole text). A receiver recomputes the MAC over the body it got, compares
//! in constant time, and refuses a `t` too far from its own clock, so a captured delivery cannot be
//! replayed later.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const HEADER: &str = "Amparo-Signature";
/// What starts every secret, so one found in a log or a file is recognised for what it is.
pub const SECRET_PREFIX: &str = "whsec_";

/// The signature header's value for `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> Result<String, hmac::digest::InvalidLength> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes())))
}

/// A new secret: the prefix and 32 random bytes in hex.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{SECRET_PREFIX}{}", hex::encode(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_timestamp_dot_body() {
        // Computed apart from this code, with Python's standard library:
        // hmac.new(b"whsec_test", b"1700000000.{}", hashlib.sha256).hexdigest()
        let expected = "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91";
        assert_eq!(sign("whsec_test", 1_700_000_000, b"{}").unwrap(), expected);
        assert_ne!(sign("whsec_other", 1_700_000_000, b"{}").unwrap(), expected);
        assert_ne!(sign("whsec_test", 1_700_000_001, b"{}").unwrap(), expected);
    }

    #[test]
    fn secrets_are_prefixed_and_differ() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert!(a.starts_with(SECRET_PREFIX) && a.len() == SECRET_PREFIX.len() + 64);
        assert_ne!(a, b);
    }
}
