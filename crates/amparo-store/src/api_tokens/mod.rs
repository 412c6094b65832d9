//! API tokens: what a token is (its kind, scope, expiry, last use, creator) as the store keeps it.
//! Only a token's hash is ever given to the store (`amparo_trust::api_token` makes and reads the
//! text). `records` makes, lists and revokes them; `presented` checks one a request presents, and
//! audits every use (`deferred`: in the request's own write transaction when it writes); `service_accounts` makes the named members organisation tokens act as.

pub(crate) mod deferred;
mod presented;
mod records;
mod service_accounts;

use amparo_trust::api_token::TokenKind;
use chrono::{DateTime, Utc};

use crate::columns::from_millis;
use crate::db::Row;
use crate::error::{StoreError, StoreResult};
use crate::model::{OrgId, User, UserId};

pub use deferred::DeferredTokenUse;
pub use presented::{TokenRefusal, TokenUse};

/// An API token's id: shown in lists and used to revoke it; not a secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ApiTokenId(pub String);

impl ApiTokenId {
    pub fn generate() -> ApiTokenId {
        ApiTokenId(uuid::Uuid::now_v7().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a token may do: `Read` answers only reads (GET and HEAD); `Write` also changes data, as
/// far as its person's role allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(word: &str) -> Option<TokenScope> {
        match word {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// A stored token, without its hash.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub org_id: OrgId,
    pub kind: TokenKind,
    /// Whom it acts as: the person, or the organisation's service account.
    pub user_id: UserId,
    pub name: String,
    pub scope: TokenScope,
    /// Who made it; `None` for the operator on the command line.
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether the token is still good at `now`: not revoked and not expired.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

/// A token to make: its hash (of text the caller shows once), whom it acts as, and its terms.
pub struct NewApiToken<'a> {
    pub token_hash: &'a str,
    pub kind: TokenKind,
    pub user: &'a User,
    pub name: &'a str,
    pub scope: TokenScope,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The longest name a token may have, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// The columns [`token_row`] reads, in its order.
const COLUMNS: &str = "id, org_id, kind, user_id, name, scope, created_by, created_at, expires_at, \
     last_used_at, revoked_at";

fn token_row(r: &Row) -> StoreResult<ApiToken> {
    let kind = r.text(2)?;
    let scope = r.text(5)?;
    Ok(ApiToken {
        id: ApiTokenId(r.text(0)?),
        org_id: OrgId(r.text(1)?),
        kind: TokenKind::parse(&kind).ok_or_else(|| crate::columns::corrupt("api_tokens.kind", &kind))?,
        user_id: UserId(r.text(3)?),
        name: r.text(4)?,
        scope: TokenScope::parse(&scope)
            .ok_or_else(|| crate::columns::corrupt("api_tokens.scope", &scope))?,
        created_by: r.opt_text(6)?.map(UserId),
        created_at: from_millis(r.int(7)?),
        expires_at: r.opt_int(8)?.map(from_millis),
        last_used_at: r.opt_int(9)?.map(from_millis),
        revoked_at: r.opt_int(10)?.map(from_millis),
    })
}

/// A token's name, trimmed: refused when empty or longer than [`MAX_NAME_CHARS`].
pub fn check_name(name: &str) -> StoreResult<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid("name: a token needs a name".into()));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(StoreError::Invalid(format!("name: at most {MAX_NAME_CHARS} characters")));
    }
    Ok(name)
}
