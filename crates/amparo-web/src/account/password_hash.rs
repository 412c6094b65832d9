//! Argon2id password hashing. Both operations are deliberately slow; callers run them on the blocking
//! pool, never on the async executor.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes a password into a PHC string with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| format!("random salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| format!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("hash: {e}"))
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Checked against when the email is unknown, so that the answer takes as long as for a real user.
pub(crate) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2tZ8aUh5kG3FTEqVqKxN0Z8cJHTIjHqfVJ+m0mQJ6bU";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash_password("a long enough passphrase").unwrap();
        let b = hash_password("a long enough passphrase").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("a long enough passphrase", &a));
        assert!(!verify_password("a long enough passphrasE", &a));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", DUMMY_HASH));
    }
}
