//! Password rules after NIST SP 800-63B §5.1.1.2 ("memorized secrets").
//!
//! Threat: online guessing and credential stuffing. The guesses attackers try first are
//! common passwords, their obvious variants and words tied to the account or the service,
//! so those are refused; length is what makes the rest hard to guess. What NIST advises
//! against is left out on purpose: no composition rules (a digit, a symbol, an upper-case
//! letter), no hints, no periodic forced changes.
//!
//! - Length: at least 15 characters without a second factor, 8 with one; at most 256.
//!   Characters are Unicode scalar values after NFC normalisation, so "ñ" typed as one
//!   code point or as "n" plus a combining tilde counts once, and hashes the same (callers
//!   should hash [`normalise`]'s output).
//! - Blocklist: about five thousand common passwords compiled in
//!   (`data/common-passwords.txt`), compared case-insensitively and with common variants
//!   folded (separators, leading and trailing digits and symbols, letter swaps such as
//!   `p@ssw0rd`).
//! - Context words: "amparo", the e-mail address's local part and its pieces, and any
//!   words the caller adds (username, organisation name). A password built only from them
//!   plus a few more characters is refused.
//! - Repetition: one repeated character, a repeated short pattern, or a plain run like
//!   `abcdef…`/`123456…` is refused.
//!
//! Spaces and every printable character are allowed; nothing is truncated.

use std::collections::HashSet;
use std::sync::OnceLock;

use thiserror::Error;
use unicode_normalization::UnicodeNormalization as _;

/// Minimum length without a second factor.
pub const MIN_LEN_SINGLE_FACTOR: usize = 15;
/// Minimum length when a second factor (TOTP) is enrolled.
pub const MIN_LEN_WITH_SECOND_FACTOR: usize = 8;
/// Maximum length. NIST requires allowing at least 64; more room costs nothing.
pub const MAX_LEN: usize = 256;
/// A context-word-stripped remainder shorter than this does not count as the user's own.
const MIN_REMAINDER: usize = 4;

static BLOCKLIST_TEXT: &str = include_str!("../data/common-passwords.txt");

/// Why a password was refused, as data: the web layer words each reason in the reader's language
/// (`Display` is the English wording, for the command line and logs). No variant carries the password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordError {
    /// Fewer characters than the minimum.
    #[error(
        "Use at least {min} characters (this one has {actual}). A few unrelated words make a good passphrase."
    )]
    TooShort {
        /// The minimum that applies.
        min: usize,
        /// Characters given.
        actual: usize,
    },
    /// More characters than the maximum.
    #[error("Use at most {max} characters.")]
    TooLong {
        /// The maximum.
        max: usize,
    },
    /// On the blocklist, or a simple variant of an entry.
    #[error("This password is too common: it is on the lists attackers try first. Choose another.")]
    Blocklisted,
    /// Built from a word tied to the account or to this service.
    #[error(
        "This password is built around “{word}”, which is easy to guess from your account or this service. Choose something else."
    )]
    ContextWord {
        /// The word (the user's own e-mail part, or "amparo"), safe to show to that user.
        word: String,
    },
    /// A repeated character or pattern, or a plain sequence.
    #[error("This password is a repeated or sequential pattern. Choose something less predictable.")]
    Repetitive,
}

/// What the policy needs to know about the account.
#[derive(Debug, Clone, Default)]
pub struct PasswordContext {
    second_factor: bool,
    words: Vec<String>,
}

impl PasswordContext {
    /// A context; `second_factor` is whether the account has TOTP enrolled (which lowers
    /// the minimum length to 8).
    pub fn new(second_factor: bool) -> Self {
        Self { second_factor, words: Vec::new() }
    }

    /// Adds the account's e-mail address: its local part, and the pieces of it split at
    /// `.`, `_`, `-` and `+`, become context words.
    #[must_use]
    pub fn with_email(mut self, email: &str) -> Self {
        let local = email.split('@').next().unwrap_or_default();
        self.add_word(local);
        for piece in local.split(['.', '_', '-', '+']) {
            self.add_word(piece);
        }
        self
    }

    /// Adds another context word (a username, the organisation's name or slug).
    #[must_use]
    pub fn with_word(mut self, word: &str) -> Self {
        self.add_word(word);
        for piece in word.split(|c: char| !c.is_alphanumeric()) {
            self.add_word(piece);
        }
        self
    }

    fn add_word(&mut self, word: &str) {
        let folded = skeleton(&fold(word));
        // Very short pieces ("jo", "a") would match inside far too many good passwords.
        if folded.chars().count() >= 3 && !self.words.contains(&folded) {
            self.words.push(folded);
        }
    }

    /// The minimum length for this account.
    pub fn min_len(&self) -> usize {
        if self.second_factor { MIN_LEN_WITH_SECOND_FACTOR } else { MIN_LEN_SINGLE_FACTOR }
    }
}

/// NFC normalisation: hash this form, so the same password typed on two keyboards matches.
pub fn normalise(password: &str) -> String {
    password.nfc().collect()
}

/// Checks a password against the policy. Length comes first, so the user learns about it
/// before anything about the content.
pub fn check(password: &str, context: &PasswordContext) -> Result<(), PasswordError> {
    let normalised = normalise(password);
    let len = normalised.chars().count();
    let min = context.min_len();
    if len < min {
        return Err(PasswordError::TooShort { min, actual: len });
    }
    if len > MAX_LEN {
        return Err(PasswordError::TooLong { max: MAX_LEN });
    }
    // Content checks, most specific first: "too common" and "built on your e-mail" tell
    // the user more than "repetitive" when more than one applies.
    let folded = fold(&normalised);
    let skel = skeleton(&folded);
    let list = blocklist();
    let compact: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    if list.contains(&compact) || (!skel.is_empty() && list.contains(&skel)) {
        return Err(PasswordError::Blocklisted);
    }
    check_context(&skel, context)?;
    if is_repetitive(&folded) || (!skel.is_empty() && is_repetitive(&skel)) {
        return Err(PasswordError::Repetitive);
    }
    Ok(())
}

fn check_context(skel: &str, context: &PasswordContext) -> Result<(), PasswordError> {
    let amparo = String::from("amparo");
    let words = std::iter::once(&amparo).chain(context.words.iter());
    let mut rest = skel.to_owned();
    let mut first_hit: Option<&String> = None;
    // Longest first, so "anagarcia" is removed whole before "ana" could split it.
    let mut sorted: Vec<&String> = words.collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    for word in sorted {
        if rest.contains(word.as_str()) {
            first_hit.get_or_insert(word);
            rest = rest.replace(word.as_str(), "");
        }
    }
    let Some(word) = first_hit else {
        return Ok(());
    };
    let rest_skel = skeleton(&rest);
    if rest_skel.chars().count() < MIN_REMAINDER || blocklist().contains(&rest_skel) {
        return Err(PasswordError::ContextWord { word: word.clone() });
    }
    Ok(())
}

/// Case folding for comparison: NFC, then lower case.
fn fold(text: &str) -> String {
    normalise(text).to_lowercase()
}

/// The "shape" of a folded password, used on both sides of the blocklist comparison:
/// leading and trailing digits and symbols removed (`password123!` → `password`), common
/// letter swaps undone (`p@ssw0rd` → `password`), then everything but letters and digits
/// removed (`correct horse battery staple` → `correcthorsebatterystaple`).
fn skeleton(folded: &str) -> String {
    let trimmed = folded.trim_matches(|c: char| !c.is_alphabetic() && !is_letter_swap(c));
    // A password of only digits and symbols trims to nothing; keep its letters-and-digits
    // form instead so runs like 12345678 still compare.
    let core = if trimmed.chars().any(char::is_alphabetic) {
        trimmed
    } else {
        return folded.chars().filter(|c| c.is_alphanumeric()).collect();
    };
    core.chars().map(unswap).filter(|c| c.is_alphanumeric()).collect()
}

fn is_letter_swap(c: char) -> bool {
    matches!(c, '@' | '$')
}

fn unswap(c: char) -> char {
    match c {
        '@' | '4' => 'a',
        '$' | '5' => 's',
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '7' => 't',
        other => other,
    }
}

/// One repeated character, a short unit repeated (`abcabcabc…`, `passwordpassword`), or a
/// run of consecutive characters (`abcdefgh…`, `98765432…`), ignoring whitespace.
fn is_repetitive(folded: &str) -> bool {
    let chars: Vec<char> = folded.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    if n < 2 {
        return true;
    }
    // A repeated unit: the whole is the first `unit` characters over and over.
    for unit in 1..=n / 2 {
        if n.is_multiple_of(unit) && chars.chunks(unit).all(|chunk| chunk == &chars[..unit]) {
            return true;
        }
    }
    // A run: every step +1 or every step -1 (digits wrap 9 → 0).
    let step = |a: char, b: char| -> i64 {
        let d = i64::from(u32::from(b)) - i64::from(u32::from(a));
        match (a, b) {
            ('9', '0') => 1,
            ('0', '9') => -1,
            _ => d,
        }
    };
    let first = step(chars[0], chars[1]);
    (first == 1 || first == -1) && chars.windows(2).all(|w| step(w[0], w[1]) == first)
}

/// The compiled-in blocklist, each entry folded and also in skeleton form.
fn blocklist() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = HashSet::new();
        for line in BLOCKLIST_TEXT.lines() {
            let entry = line.trim();
            if entry.is_empty() || entry.starts_with('#') {
                continue;
            }
            let folded = fold(entry);
            let skel = skeleton(&folded);
            if !skel.is_empty() {
                set.insert(skel);
            }
            set.insert(folded.chars().filter(|c| !c.is_whitespace()).collect());
        }
        set
    })
}

/// How many entries the compiled-in list has (for documentation and tests).
pub fn blocklist_len() -> usize {
    BLOCKLIST_TEXT.lines().filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#')).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_folds_common_variants() {
        assert_eq!(skeleton("p@ssw0rd123!"), "password");
        assert_eq!(skeleton("correct horse battery staple"), "correcthorsebatterystaple");
        assert_eq!(skeleton("12345678"), "12345678");
        assert_eq!(skeleton("!!password!!"), "password");
    }

    #[test]
    fn repetition_and_runs() {
        assert!(is_repetitive("aaaaaaaaaaaaaaaa"));
        assert!(is_repetitive("abcabcabcabcabc"));
        assert!(is_repetitive("abcdefghijklmnop"));
        assert!(is_repetitive("9876543210987654"));
        assert!(is_repetitive("passwordpassword"));
        assert!(!is_repetitive("river lantern quietly"));
    }
}
