//! Secrets that name their organisation: session cookies, password-reset and invitation links and
//! calendar feed addresses are `<organisation id>.<secret>`, the secret 256 random bits in
//! lower-case hex. The row each stands for is then looked up by (organisation, hash), reading one
//! organisation's data: one shard where the database is distributed by organisation. Only the
//! SHA-256 of the whole text is kept, so the organisation part is as bound to the secret as the
//! rest; a presented value whose organisation was changed finds nothing.

use crate::api_token;
use crate::random::{self, RandomError};

/// The length of the secret part, in hex digits (256 bits).
const SECRET_HEX: usize = 64;

/// A secret just made: its text (handed out once) and the hash that is kept.
pub struct IssuedSecret {
    pub text: String,
    pub hash: String,
}

/// A presented secret: the organisation it names and its hash.
#[derive(Debug, PartialEq, Eq)]
pub struct PresentedSecret {
    pub org_id: String,
    pub hash: String,
}

/// A new secret for the organisation `org_id`.
pub fn issue(org_id: &str) -> Result<IssuedSecret, RandomError> {
    let secret: [u8; 32] = random::array()?;
    let text = format!("{org_id}.{}", secret.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let hash = api_token::hash(&text);
    Ok(IssuedSecret { text, hash })
}

/// Reads a presented secret: `None` when it is not of the form [`issue`] makes, such as a secret of
/// the older form that named no organisation (no lookup is then needed to refuse it).
pub fn parse(text: &str) -> Option<PresentedSecret> {
    let (org_id, secret) = text.split_once('.')?;
    let org_ok = !org_id.is_empty()
        && org_id.len() <= 64
        && org_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let secret_ok =
        secret.len() == SECRET_HEX && secret.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (org_ok && secret_ok).then(|| PresentedSecret { org_id: org_id.to_owned(), hash: api_token::hash(text) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "0190c0de-0000-7000-8000-000000000001";

    #[test]
    fn an_issued_secret_parses_back_to_its_organisation_and_hash() {
        let issued = issue(ORG).unwrap();
        assert!(issued.text.starts_with(&format!("{ORG}.")), "{}", issued.text);
        assert_eq!(parse(&issued.text), Some(PresentedSecret { org_id: ORG.into(), hash: issued.hash }));
        assert_ne!(issue(ORG).unwrap().text, issued.text);
    }

    #[test]
    fn secrets_of_the_older_form_and_mangled_ones_name_nothing() {
        let bare = "ab".repeat(32);
        let issued = issue(ORG).unwrap().text;
        for bad in [
            bare.clone(),
            format!(".{bare}"),
            format!("{ORG};drop.{bare}"),
            format!("{ORG}.short"),
            issued.to_uppercase(),
            format!("{issued}0"),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
    }
}
