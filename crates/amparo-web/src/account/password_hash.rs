//! Argon2id password hashing. Both operations are deliberately slow; callers run them on the blocking
//! pool, never on the async executor.
//!
//! What is hashed is the password in Unicode NFC ([`password_policy::normalise`]), so "ñ" typed as
//! one code point or as "n" and a combining tilde is the same password. Hashes made before that were
//! of the text as typed: [`check_password`] tries the normalised form first and then the raw one,
//! and says which matched, so that sign-in can store a normalised hash in place of a raw one.

use amparo_trust::password_policy;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// At most this many hashes are computed at once, the rest wait their turn: each one holds 19 MiB
/// for its duration, so a burst of sign-ins would otherwise raise the server's memory by that much
/// a request, and two keep both of a small server's cores busy.
const HASHES_AT_ONCE: usize = 2;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHES_AT_ONCE);

/// Runs `work` (which hashes or checks passwords) on the blocking pool, once one of the
/// [`HASHES_AT_ONCE`] turns is free.
pub(crate) async fn off_executor<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    // The semaphore is never closed, so the permit always comes.
    let _turn = HASHING.acquire().await.ok();
    tokio::task::spawn_blocking(work).await
}

/// Hashes a password, normalised, into a PHC string with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let password = password_policy::normalise(password);
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| format!("random salt: {e}"))?;
    PasswordHasher::<PasswordHash>::hash_password_with_salt(
        &Argon2::default(),
        password.as_bytes(),
        &salt_bytes,
    )
    .map(|h| h.to_string())
    .map_err(|e| format!("hash: {e}"))
}

/// How a password matched a stored hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordMatch {
    /// It does not match.
    No,
    /// Its normalised form matches: the hash is of the current kind.
    Normalised,
    /// Only the text as typed matches: the hash was made before passwords were normalised, and
    /// should be replaced by a hash of the normalised form.
    Raw,
}

/// Whether `password` matches the PHC string `hash`, and in which form. A malformed hash never
/// matches. The raw form is tried only when normalising changed the text, so a password that is
/// already normalised costs one hash, as before.
pub fn check_password(password: &str, hash: &str) -> PasswordMatch {
    let Ok(parsed) = PasswordHash::new(hash) else { return PasswordMatch::No };
    let matches = |text: &str| Argon2::default().verify_password(text.as_bytes(), &parsed).is_ok();
    let normalised = password_policy::normalise(password);
    if matches(&normalised) {
        PasswordMatch::Normalised
    } else if normalised != password && matches(password) {
        PasswordMatch::Raw
    } else {
        PasswordMatch::No
    }
}

/// Whether `password` matches the PHC string `hash` in either form.
pub fn verify_password(password: &str, hash: &str) -> bool {
    check_password(password, hash) != PasswordMatch::No
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

    const COMPOSED: &str = "contrase\u{f1}a de la monta\u{f1}a";
    const DECOMPOSED: &str = "contrasen\u{303}a de la montan\u{303}a";

    #[test]
    fn composed_and_decomposed_forms_are_one_password() {
        let hash = hash_password(DECOMPOSED).unwrap();
        assert_eq!(check_password(COMPOSED, &hash), PasswordMatch::Normalised);
        assert_eq!(check_password(DECOMPOSED, &hash), PasswordMatch::Normalised);
    }

    #[test]
    fn a_hash_of_the_raw_form_matches_and_asks_to_be_replaced() {
        // A hash made before normalisation: of the decomposed text as typed.
        let raw = PasswordHasher::<PasswordHash>::hash_password_with_salt(
            &Argon2::default(),
            DECOMPOSED.as_bytes(),
            &[7u8; 16],
        )
        .unwrap()
        .to_string();
        assert_eq!(check_password(DECOMPOSED, &raw), PasswordMatch::Raw);
        assert_eq!(check_password(COMPOSED, &raw), PasswordMatch::No, "only what was typed then matches");
        assert_eq!(check_password("another password entirely", &raw), PasswordMatch::No);
    }
}
