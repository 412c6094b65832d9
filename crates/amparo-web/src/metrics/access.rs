//! Who is served `/metrics`: a client whose address lies in one of the `metrics_allow` blocks, or
//! one that sends the metrics token as `Authorization: Bearer …`. Nobody by default. The token is
//! compared by its SHA-256 digest, in time that does not depend on where it differs.

use std::net::IpAddr;

use amparo_trust::Secret;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::http::client_address::Cidr;

/// The operator's rule for `/metrics`.
#[derive(Clone, Debug, Default)]
pub struct MetricsAccess {
    allow: Vec<Cidr>,
    /// SHA-256 of the token, when one is set.
    token_digest: Option<[u8; 32]>,
}

impl MetricsAccess {
    /// The blocks of `metrics_allow` (`10.0.0.0/8`, `127.0.0.1`) and the token, if any; an empty
    /// token counts as none. Refuses the first block that is not one, saying what is wrong.
    pub fn new(allow: &[String], token: Option<&Secret<String>>) -> Result<MetricsAccess, String> {
        let allow = allow.iter().map(|block| Cidr::parse(block)).collect::<Result<_, _>>()?;
        let token_digest = token.filter(|t| !t.expose().is_empty()).map(|t| digest(t.expose()));
        Ok(MetricsAccess { allow, token_digest })
    }

    /// Whether a request from `client` with these headers is served.
    pub fn admits(&self, client: Option<IpAddr>, headers: &HeaderMap) -> bool {
        let by_address = client.is_some_and(|address| self.allow.iter().any(|block| block.contains(address)));
        by_address || self.token_matches(headers)
    }

    fn token_matches(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.token_digest else { return false };
        let Some(sent) = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
        else {
            return false;
        };
        let sent = digest(sent.trim());
        sent.iter().zip(expected).fold(0u8, |differ, (a, b)| differ | (a ^ b)) == 0
    }

    /// The blocks, as `amparo config show` prints them.
    pub fn allowed_blocks(&self) -> String {
        if self.allow.is_empty() {
            return "(none)".to_owned();
        }
        self.allow.iter().map(Cidr::to_string).collect::<Vec<_>>().join(", ")
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        headers
    }

    #[test]
    fn an_allowed_address_or_the_token_is_served_and_nobody_else() {
        let token = Secret::new("scrape-me".to_owned());
        let access = MetricsAccess::new(&["10.1.0.0/16".to_owned()], Some(&token)).unwrap();
        let inside: IpAddr = "10.1.2.3".parse().unwrap();
        let outside: IpAddr = "10.2.0.1".parse().unwrap();
        assert!(access.admits(Some(inside), &HeaderMap::new()));
        assert!(!access.admits(Some(outside), &HeaderMap::new()));
        assert!(access.admits(Some(outside), &bearer("scrape-me")));
        assert!(!access.admits(Some(outside), &bearer("scrape-you")));
        assert!(!access.admits(None, &HeaderMap::new()));
    }

    #[test]
    fn nobody_by_default_and_bad_blocks_are_named() {
        let access = MetricsAccess::default();
        assert!(!access.admits(Some("127.0.0.1".parse().unwrap()), &bearer("")));
        let empty = Secret::new(String::new());
        assert!(!MetricsAccess::new(&[], Some(&empty)).unwrap().admits(None, &bearer("")));
        let err = MetricsAccess::new(&["10.0.0.0/40".to_owned()], None).unwrap_err();
        assert!(err.contains("10.0.0.0/40"), "{err}");
    }
}
