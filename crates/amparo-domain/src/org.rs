//! Organisations (tenants) and the roles of their staff.

use serde::{Deserialize, Serialize};

/// A staff member's one role within their organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    Admin,
    Attorney,
    Advocate,
    Clinician,
    Viewer,
}

impl UserRole {
    pub const ALL: [UserRole; 5] =
        [UserRole::Admin, UserRole::Attorney, UserRole::Advocate, UserRole::Clinician, UserRole::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            UserRole::Admin => "admin",
            UserRole::Attorney => "attorney",
            UserRole::Advocate => "advocate",
            UserRole::Clinician => "clinician",
            UserRole::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<UserRole> {
        UserRole::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// Why an organisation slug was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not an organisation slug: {0:?} (2 to 40 lower-case letters, digits and '-', starting with a letter)"
)]
pub struct BadSlug(pub String);

/// Checks a URL-safe organisation slug.
pub fn validate_slug(slug: &str) -> Result<(), BadSlug> {
    let ok = (2..=40).contains(&slug.len())
        && slug.starts_with(|c: char| c.is_ascii_lowercase())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { Ok(()) } else { Err(BadSlug(slug.to_owned())) }
}
