//! API tokens' text: `amparo_pat_<organisation id>_<secret>` for a person's own token and
//! `amparo_oat_<organisation id>_<secret>` for an organisation's (a service account's), the secret
//! 256 random bits in lower-case hex. The prefix makes a leaked token recognisable to secret
//! scanners; the organisation id lets one lookup find one organisation's row. Only the SHA-256 of
//! the whole text is kept; a presented token is hashed and its row found by that hash, and the
//! stored hash is compared again in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::random::{self, RandomError};
use crate::secret::Secret;

/// Whose token it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A person's own token, acting as them.
    Personal,
    /// An organisation's token for an integration, acting as a named service account.
    Organisation,
}

impl TokenKind {
    /// The prefix that starts every token of this kind.
    pub fn prefix(self) -> &'static str {
        match self {
            TokenKind::Personal => "amparo_pat_",
            TokenKind::Organisation => "amparo_oat_",
        }
    }

    /// The word stored for this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Personal => "personal",
            TokenKind::Organisation => "organisation",
        }
    }

    /// The kind a stored word names.
    pub fn parse(word: &str) -> Option<TokenKind> {
        match word {
            "personal" => Some(TokenKind::Personal),
            "organisation" => Some(TokenKind::Organisation),
            _ => None,
        }
    }
}

/// The length of the secret part, in hex digits (256 bits).
const SECRET_HEX: usize = 64;

/// A token just made: its text (shown once, never kept) and the hash that is kept.
pub struct IssuedToken {
    pub text: Secret<String>,
    pub hash: String,
}

/// A token as presented in a request: its kind, the organisation it names and its hash.
#[derive(Debug, PartialEq, Eq)]
pub struct PresentedToken {
    pub kind: TokenKind,
    pub org_id: String,
    pub hash: String,
}

/// The SHA-256 of a token's text, in hex: what is stored and looked up.
pub fn hash(text: &str) -> String {
    hex_lower(&Sha256::digest(text.as_bytes()))
}

/// A new token of `kind` for the organisation `org_id`.
pub fn issue(kind: TokenKind, org_id: &str) -> Result<IssuedToken, RandomError> {
    let secret: [u8; 32] = random::array()?;
    let text = format!("{}{org_id}_{}", kind.prefix(), hex_lower(&secret));
    let hash = hash(&text);
    Ok(IssuedToken { text: Secret::new(text), hash })
}

/// Reads a presented token: `None` when it is not of the form [`issue`] makes (no lookup is then
/// needed to refuse it).
pub fn parse(text: &str) -> Option<PresentedToken> {
    let (kind, rest) = [TokenKind::Personal, TokenKind::Organisation]
        .into_iter()
        .find_map(|kind| text.strip_prefix(kind.prefix()).map(|rest| (kind, rest)))?;
    let (org_id, secret) = rest.rsplit_once('_')?;
    let org_ok = !org_id.is_empty()
        && org_id.len() <= 64
        && org_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let secret_ok =
        secret.len() == SECRET_HEX && secret.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (org_ok && secret_ok).then(|| PresentedToken { kind, org_id: org_id.to_owned(), hash: hash(text) })
}

/// Whether two hashes are the same, in time that does not depend on where they differ.
pub fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "0190c0de-0000-7000-8000-000000000001";

    #[test]
    fn an_issued_token_parses_back_to_its_kind_org_and_hash() {
        for kind in [TokenKind::Personal, TokenKind::Organisation] {
            let issued = issue(kind, ORG).unwrap();
            assert!(issued.text.expose().starts_with(kind.prefix()));
            let presented = parse(issued.text.expose()).unwrap();
            assert_eq!(presented, PresentedToken { kind, org_id: ORG.into(), hash: issued.hash.clone() });
            assert_eq!(issued.hash.len(), 64);
        }
    }

    #[test]
    fn two_tokens_differ() {
        let a = issue(TokenKind::Personal, ORG).unwrap();
        let b = issue(TokenKind::Personal, ORG).unwrap();
        assert_ne!(a.text.expose(), b.text.expose());
        assert_ne!(a.hash, b.hash);
    }

    #[test]
    fn malformed_tokens_are_refused_before_any_lookup() {
        let good = issue(TokenKind::Personal, ORG).unwrap();
        let text = good.text.expose().clone();
        for bad in [
            String::new(),
            "amparo_pat_".into(),
            text.replace("amparo_pat_", "amparo_xxx_"),
            format!("{text}0"),
            text[..text.len() - 1].to_owned(),
            text.to_uppercase(),
            format!("amparo_pat_{ORG};drop_{}", "a".repeat(64)),
            format!("amparo_pat__{}", "a".repeat(64)),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn hashes_compare_equal_only_when_equal() {
        assert!(same_hash("abc", "abc"));
        assert!(!same_hash("abc", "abd"));
        assert!(!same_hash("abc", "abcd"));
    }
}
