//! A token presented with a request: found by its organisation and hash, checked (live, its person
//! active), its last use stamped and the use audited, all in one transaction. A refused token that
//! exists (revoked, expired, its person deactivated) is audited too: it may have leaked. The record
//! reaches the disk with the request's own commit (see [`crate::db::Engine::write_flushed_with_next`]).

use chrono::{DateTime, Utc};

use super::{ApiToken, ApiTokenId, COLUMNS, DeferredTokenUse, token_row};
use crate::accounts::profile::stored_zone;
use crate::accounts::users::{USER_COLUMNS, user_row};
use crate::columns::{millis, qualified};
use crate::db::{Row, Tx};
use crate::error::StoreResult;
use crate::model::{OrgId, User};
use crate::{Store, audit};

/// Refused once the token is revoked: a revocation that commits after the token was read is seen
/// here (the update waits for it), so the use is refused rather than recorded after it.
const TOUCH_TOKEN: &str = "UPDATE api_tokens SET last_used_at = $3 \
     WHERE org_id = $1 AND token_hash = $2 AND revoked_at IS NULL";

/// The token by its hash, then its hash, its organisation's time zone and the person it acts as
/// (nulls when there is none), in one read: [`check`] splits the row at [`USER_AT`].
static SELECT_BY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {}, t.token_hash, o.time_zone, {} FROM api_tokens t \
         JOIN organisations o ON o.id = t.org_id \
         LEFT JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id \
         WHERE t.org_id = $1 AND t.token_hash = $2",
        qualified(COLUMNS, "t"),
        qualified(USER_COLUMNS, "u"),
    )
});
/// Where [`SELECT_BY_HASH`]'s columns of the token's hash, the time zone and the person begin.
const HASH_AT: usize = 11;
const ZONE_AT: usize = 12;
const USER_AT: usize = 13;

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

/// A presented token as the database holds it, checked: the token, whom it acts as and their
/// organisation's time zone, or why it may not act (with the token when it exists, to audit the
/// refusal).
enum Checked {
    Live(ApiToken, User, amparo_domain::TimeZone),
    Refused(TokenRefusal, Option<ApiToken>),
}

/// Finds the token of `org` whose hash is `token_hash` and checks it at `now`, writing nothing.
fn check(tx: &mut dyn Tx, org: &OrgId, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Checked> {
    let found = tx.query_opt(&SELECT_BY_HASH, &[org.as_str().into(), token_hash.into()])?;
    let Some(mut row) = found else { return Ok(Checked::Refused(TokenRefusal::Unknown, None)) };
    // The lookup was by hash; the comparison that decides is made again in constant time.
    if !amparo_trust::api_token::same_hash(&row.text(HASH_AT)?, token_hash) {
        return Ok(Checked::Refused(TokenRefusal::Unknown, None));
    }
    let person = Row(row.0.split_off(USER_AT));
    let token = token_row(&row)?;
    let user = person.opt_text(0)?.map(|_| user_row(&person)).transpose()?;
    Ok(match user {
        _ if token.revoked_at.is_some() => Checked::Refused(TokenRefusal::Revoked, Some(token)),
        _ if !token.is_live(now) => Checked::Refused(TokenRefusal::Expired, Some(token)),
        Some(user) if user.deactivated_at.is_none() => {
            Checked::Live(token, user, stored_zone(&row.text(ZONE_AT)?)?)
        }
        _ => Checked::Refused(TokenRefusal::Deactivated, Some(token)),
    })
}

/// Stamps the token's last use, unless it was revoked meanwhile: a revocation that commits after
/// the token was read is seen here (the update waits for it). Whether the token was stamped.
pub(super) fn stamp(tx: &mut dyn Tx, org: &OrgId, token_hash: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(tx.execute(TOUCH_TOKEN, &[org.as_str().into(), token_hash.into(), millis(now).into()])? == 1)
}

/// The audit entry of a token's use by `method` on `path`, or of its refusal.
pub(super) fn use_entry<'a>(
    token: &'a ApiToken,
    target: &'a str,
    method: &str,
    path: &str,
    outcome: Result<(), TokenRefusal>,
) -> audit::Entry<'a> {
    let (action, detail) = match outcome {
        Ok(()) => ("api_token.used", serde_json::json!({ "method": method, "path": path })),
        Err(why) => (
            "api_token.refused",
            serde_json::json!({ "method": method, "path": path, "reason": why.as_str() }),
        ),
    };
    audit::Entry { chain: token.org_id.as_str(), actor: Some(&token.user_id), action, target, detail }
}

/// The target of a token's audit entries.
pub(super) fn target(token: &ApiTokenId) -> String {
    format!("api_token:{}", token.as_str())
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
            let (token, mut outcome) = match check(tx, org, token_hash, now)? {
                Checked::Live(token, user, zone) => (token, Ok((user, zone))),
                Checked::Refused(why, Some(token)) => (token, Err(why)),
                Checked::Refused(why, None) => return Ok(Err(why)),
            };
            // The token's row first, the audit chain last, with the entry (see
            // `Store::lock_audit_chain`); a refused token is not touched.
            if outcome.is_ok() && !stamp(tx, org, token_hash, now)? {
                outcome = Err(TokenRefusal::Revoked);
            }
            let target = target(&token.id);
            let entry =
                use_entry(&token, &target, method, path, outcome.as_ref().map(|_| ()).map_err(|why| *why));
            audit::append(tx, &self.audit_signer(), entry, now)?;
            let (user, zone) = match outcome {
                Ok(acting) => acting,
                Err(why) => return Ok(Err(why)),
            };
            let token = ApiToken { last_used_at: Some(now), ..token };
            Ok(Ok(TokenUse { token, user, zone }))
        })
    }

    /// As [`Store::use_api_token`], for a request that writes: a live token is checked without
    /// writing anything, and its use comes back to be recorded in the request's own write
    /// transaction (see [`DeferredTokenUse`]). A refused token is audited at once, as there; so is
    /// the use of a token found live only on that second look (no use comes back then).
    pub fn present_api_token_for_write(
        &self,
        org: &OrgId,
        token_hash: &str,
        method: &str,
        path: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(TokenUse, Option<DeferredTokenUse>), TokenRefusal>> {
        let checked = self.read(|tx| match check(tx, org, token_hash, now)? {
            Checked::Live(token, user, zone) => Ok(Some((token, user, zone))),
            Checked::Refused(..) => Ok(None),
        })?;
        let Some((token, user, zone)) = checked else {
            // Refusals are rare: audited in a transaction of their own, as for a read.
            let used = self.use_api_token(org, token_hash, method, path, now)?;
            return Ok(used.map(|used| (used, None)));
        };
        let deferred = DeferredTokenUse::new(&token, token_hash, method, path, now);
        let token = ApiToken { last_used_at: Some(now), ..token };
        Ok(Ok((TokenUse { token, user, zone }, Some(deferred))))
    }
}
