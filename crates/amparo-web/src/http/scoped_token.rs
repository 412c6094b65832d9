//! Secrets handed to a browser or put in a link (session cookies, password-reset and invitation
//! links, calendar feed addresses) name their organisation (`amparo_trust::scoped_secret`), so the
//! store finds each one's row by (organisation, hash). A value of the older form, a secret alone,
//! names no organisation and is refused as an unknown one: its holder signs in again or asks for a
//! new link.

use amparo_store::OrgId;
use amparo_trust::scoped_secret;

use crate::http::error::WebError;

/// What a presented secret names: its organisation and the hash its row is kept under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scoped {
    pub org: OrgId,
    pub hash: String,
}

/// A new secret for `org`, to hand out once, and its [`Scoped`], which is what is stored.
pub fn issue(org: &OrgId) -> Result<(String, Scoped), WebError> {
    let issued =
        scoped_secret::issue(org.as_str()).map_err(|e| WebError::Internal(format!("random token: {e}")))?;
    Ok((issued.text, Scoped { org: org.clone(), hash: issued.hash }))
}

/// Reads a presented secret; `None` when it is not of the form [`issue`] makes.
pub fn read(token: &str) -> Option<Scoped> {
    scoped_secret::parse(token).map(|found| Scoped { org: OrgId(found.org_id), hash: found.hash })
}
