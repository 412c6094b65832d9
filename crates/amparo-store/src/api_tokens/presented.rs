//! A token presented with a request: found by its organisation and hash, checked (live, its person
//! active), its last use stamped and the use audited, all in one transaction. A refused token that
//! exists (revoked, expired, its person deactivated) is audited too: it may have leaked. The record
//! reaches the disk with the request's own commit (see [`crate::db::Engine::write_flushed_with_next`]).

use chrono::{DateTime, Utc};

use super::{ApiToken, COLUMNS, token_row};
use crate::columns::millis;
use crate::error::StoreResult;
use crate::model::{OrgId, User};
use crate::{Store, audit};

/// Refused once the token is revoked: a revocation that commits after the token was read is seen
/// here (the update waits for it), so the use is refused rather than recorded after it.
const TOUCH_TOKEN: &str = "UPDATE api_tokens SET last_used_at = $3 \
     WHERE org_id = $1 AND token_hash = $2 AND revoked_at IS NULL";

fn select_by_hash() -> String {
    format!("SELECT {COLUMNS}, token_hash FROM api_tokens WHERE org_id = $1 AND token_hash = $2")
}

/// A token that may act: the token, the person (or service account) it acts as, and their
/// organisation's time zone (read in the same transaction, as every request needs it).
#[derive(Clone, Debug)]
pub struct TokenUse {
    pub token: ApiToken,
    pub user: User,
    pub zone: amparo_domain::TimeZone,
}

/// Why a presented token may not act. The answer to the client is the same for all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenRefusal {
    Unknown,
    Revoked,
    Expired,
    /// The person it acts as was deactivated.
    Deactivated,
}

impl TokenRefusal {
    fn as_str(self) -> &'static str {
        match self {
            TokenRefusal::Unknown => "unknown",
            TokenRefusal::Revoked => "revoked",
            TokenRefusal::Expired => "expired",
            TokenRefusal::Deactivated => "deactivated",
        }
    }
}

impl Store {
    /// Checks the token of `org` whose hash is `token_hash` for a request (`method` and `path`,
    /// the path without its query, which may carry search words). A live token is stamped as used
    /// and the use audited; a refused one that exists is audited as refused.
    pub fn use_api_token(
        &self,
        org: &OrgId,
        token_hash: &str,
        method: &str,
        path: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<TokenUse, TokenRefusal>> {
        // The request's own write or audited read commits right after this and flushes both at
        // once: one wait for the disk per request, not two.
        self.write_flushed_with_next(|tx| {
            let found = tx.query_opt(&select_by_hash(), &[org.as_str().into(), token_hash.into()])?;
            let Some(row) = found else { return Ok(Err(TokenRefusal::Unknown)) };
            // The lookup was by hash; the comparison that decides is made again in constant time.
            if !amparo_trust::api_token::same_hash(&row.text(11)?, token_hash) {
                return Ok(Err(TokenRefusal::Unknown));
            }
            let token = token_row(&row)?;
            let user = crate::accounts::user(tx, org, &token.user_id)?;
            let mut outcome = match user {
                _ if token.revoked_at.is_some() => Err(TokenRefusal::Revoked),
                _ if !token.is_live(now) => Err(TokenRefusal::Expired),
                Some(user) if user.deactivated_at.is_none() => Ok(user),
                _ => Err(TokenRefusal::Deactivated),
            };
            // The token's row first, the audit chain last, with the entry (see
            // `Store::lock_audit_chain`); a refused token is not touched.
            if outcome.is_ok()
                && tx.execute(TOUCH_TOKEN, &[org.as_str().into(), token_hash.into(), millis(now).into()])?
                    == 0
            {
                outcome = Err(TokenRefusal::Revoked);
            }
            let target = format!("api_token:{}", token.id.as_str());
            let (action, detail) = match &outcome {
                Ok(_) => ("api_token.used", serde_json::json!({ "method": method, "path": path })),
                Err(why) => (
                    "api_token.refused",
                    serde_json::json!({ "method": method, "path": path, "reason": why.as_str() }),
                ),
            };
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: Some(&token.user_id),
                action,
                target: &target,
                detail,
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            let user = match outcome {
                Ok(user) => user,
                Err(why) => return Ok(Err(why)),
            };
            let zone = crate::accounts::profile::time_zone(tx, org)?;
            let token = ApiToken { last_used_at: Some(now), ..token };
            Ok(Ok(TokenUse { token, user, zone }))
        })
    }
}
