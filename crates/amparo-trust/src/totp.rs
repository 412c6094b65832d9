//! Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226), with the parameters
//! every authenticator app uses: HMAC-SHA-1, 6 digits, 30-second steps.
//!
//! Threat: a stolen or guessed password alone opens a case file. A second factor the user
//! carries stops that. SHA-1 is weak for collisions, not as an HMAC; it stays because it is
//! what authenticator apps implement.
//!
//! The clock is not read here: pass the Unix time in. [`TotpSecret::verify`] returns the
//! matched time step so the caller can store it and refuse the same code twice
//! ([`TotpSecret::verify_after`] does that comparison).

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;
use thiserror::Error;

use crate::random::{self, RandomError};
use crate::secret::Secret;

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Issuer shown by authenticator apps.
pub const ISSUER: &str = "Amparo";
/// Secret length generated: 160 bits, the HMAC-SHA-1 output size RFC 4226 recommends.
pub const SECRET_LEN: usize = 20;

/// A secret that is not usable.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TotpSecretError {
    /// Not RFC 4648 base32.
    #[error("the secret is not valid base32")]
    NotBase32,
    /// Fewer than 128 bits (RFC 4226 §4 requires at least that).
    #[error("the secret is too short")]
    TooShort,
}

/// A shared TOTP secret. Wiped on drop; prints as `***`.
#[derive(Clone, Debug)]
pub struct TotpSecret {
    bytes: Secret<Vec<u8>>,
}

impl TotpSecret {
    /// A fresh 160-bit secret from the OS random source.
    pub fn generate() -> Result<Self, RandomError> {
        let mut bytes = vec![0u8; SECRET_LEN];
        random::fill(&mut bytes)?;
        Ok(Self { bytes: Secret::new(bytes) })
    }

    /// A secret from raw bytes (at least 16).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, TotpSecretError> {
        let bytes = Secret::new(bytes);
        if bytes.expose().len() < 16 {
            return Err(TotpSecretError::TooShort);
        }
        Ok(Self { bytes })
    }

    /// The raw bytes, e.g. to encrypt them for storage.
    pub fn expose_bytes(&self) -> &[u8] {
        self.bytes.expose()
    }

    /// Parses base32 as users and apps write it: any case, spaces or hyphens between
    /// groups, with or without `=` padding.
    pub fn from_base32(text: &str) -> Result<Self, TotpSecretError> {
        let cleaned: Secret<String> = Secret::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        let bytes = data_encoding::BASE32_NOPAD
            .decode(cleaned.expose().as_bytes())
            .map_err(|_| TotpSecretError::NotBase32)?;
        Self::from_bytes(bytes)
    }

    /// RFC 4648 base32 without padding, upper case: what a user types into an app that
    /// cannot scan the QR code.
    pub fn to_base32(&self) -> Secret<String> {
        Secret::new(data_encoding::BASE32_NOPAD.encode(self.bytes.expose()))
    }

    /// The `otpauth://totp/…` URI to show as a QR code at enrolment.
    ///
    /// `account` is shown in the user's app beside "Amparo": pass a username or a work
    /// email, never a name of a family or anything about a case. It is percent-encoded.
    pub fn provisioning_uri(&self, account: &str) -> Secret<String> {
        let label = format!("{}:{}", percent_encode(ISSUER), percent_encode(account));
        let secret = self.to_base32();
        Secret::new(format!(
            "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            secret.expose(),
            percent_encode(ISSUER),
        ))
    }

    /// The time step containing `unix_time_secs`.
    pub fn step_at(unix_time_secs: u64) -> u64 {
        unix_time_secs / STEP_SECS
    }

    /// The code for `step`, as six digits with leading zeros.
    pub fn code_at_step(&self, step: u64) -> String {
        let value = hotp(self.bytes.expose(), step, DIGITS);
        format!("{value:06}")
    }

    /// The code at `unix_time_secs`.
    pub fn code_at(&self, unix_time_secs: u64) -> String {
        self.code_at_step(Self::step_at(unix_time_secs))
    }

    /// Checks `code` against the steps from `allowed_skew_steps` before to that many after
    /// the step of `unix_time_secs` (use 1: a phone clock a little off, or a code typed as
    /// it changed). Returns the matched step, or `None`.
    ///
    /// Every candidate step is computed and compared in constant time, so timing does not
    /// tell which step (if any) nearly matched. Spaces in the code are ignored.
    pub fn verify(&self, code: &str, unix_time_secs: u64, allowed_skew_steps: u64) -> Option<u64> {
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = Self::step_at(unix_time_secs);
        let first = now.saturating_sub(allowed_skew_steps);
        let last = now.saturating_add(allowed_skew_steps);
        let mut matched: Option<u64> = None;
        let mut step = first;
        loop {
            let candidate = self.code_at_step(step);
            let equal: bool = candidate.as_bytes().ct_eq(digits.as_bytes()).into();
            // Prefer the step nearest now when two steps share a code (one in a million).
            if equal && matched.is_none_or(|m| step.abs_diff(now) < m.abs_diff(now)) {
                matched = Some(step);
            }
            if step >= last {
                break;
            }
            step += 1;
        }
        matched
    }

    /// [`TotpSecret::verify`], refusing any step at or before `last_used_step` so a code
    /// seen over a shoulder or replayed from a log cannot be used again.
    pub fn verify_after(
        &self,
        code: &str,
        unix_time_secs: u64,
        allowed_skew_steps: u64,
        last_used_step: Option<u64>,
    ) -> Option<u64> {
        let step = self.verify(code, unix_time_secs, allowed_skew_steps)?;
        match last_used_step {
            Some(used) if step <= used => None,
            _ => Some(step),
        }
    }
}

/// RFC 4226 HOTP: HMAC-SHA-1 of the big-endian counter, dynamically truncated to
/// `digits` decimal digits (at most 9).
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else {
        // HMAC accepts keys of any length, so this branch is never taken; returning a
        // value outside the code range means it can never match a typed code.
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let binary = (u32::from(hash[offset] & 0x7f) << 24)
        | (u32::from(hash[offset + 1]) << 16)
        | (u32::from(hash[offset + 2]) << 8)
        | u32::from(hash[offset + 3]);
    binary % 10u32.pow(digits.min(9))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_unreserved_only() {
        assert_eq!(percent_encode("ana.r@example.org"), "ana.r%40example.org");
        assert_eq!(percent_encode("a b:c"), "a%20b%3Ac");
        assert_eq!(percent_encode("ñ"), "%C3%B1");
    }
}
