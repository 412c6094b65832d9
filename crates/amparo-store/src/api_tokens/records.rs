//! Making, listing and revoking API tokens, each change audited with the token's id (never its
//! hash or text).

use chrono::{DateTime, Utc};

use super::{ApiToken, ApiTokenId, COLUMNS, NewApiToken, check_name, token_row};
use crate::columns::{from_millis, millis};
use crate::error::{StoreError, StoreResult};
use crate::model::{OrgId, UserId};
use crate::{Store, audit};

const INSERT_TOKEN: &str = "INSERT INTO api_tokens (org_id, token_hash, id, kind, user_id, name, scope, \
     created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const REVOKE_TOKEN: &str = "UPDATE api_tokens SET revoked_at = $3, revoked_by = $4 \
     WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL";

fn select_of_user() -> String {
    format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC, id"
    )
}

fn select_of_org() -> String {
    format!("SELECT {COLUMNS} FROM api_tokens WHERE org_id = $1 ORDER BY created_at DESC, id")
}

fn select_by_id() -> String {
    format!("SELECT {COLUMNS} FROM api_tokens WHERE org_id = $1 AND id = $2")
}

impl Store {
    /// Keeps a new token's hash with its terms, made by `by` (a member, or the operator with
    /// `None`). The person it acts as must be an active member; the name must be given. Audited.
    pub fn create_api_token(
        &self,
        new: &NewApiToken<'_>,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiToken> {
        let name = check_name(new.name)?;
        if new.user.deactivated_at.is_some() {
            return Err(StoreError::Invalid("user: the person is deactivated".into()));
        }
        if new.expires_at.is_some_and(|at| at <= now) {
            return Err(StoreError::Invalid("expires: must be in the future".into()));
        }
        let org = &new.user.org_id;
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let id = ApiTokenId::generate();
            tx.execute(
                INSERT_TOKEN,
                &[
                    org.as_str().into(),
                    new.token_hash.into(),
                    id.as_str().into(),
                    new.kind.as_str().into(),
                    new.user.id.as_str().into(),
                    name.into(),
                    new.scope.as_str().into(),
                    by.map(UserId::as_str).into(),
                    millis(now).into(),
                    new.expires_at.map(millis).into(),
                ],
            )?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: by,
                action: "api_token.created",
                target: &format!("api_token:{}", id.as_str()),
                detail: serde_json::json!({
                    "kind": new.kind.as_str(),
                    "user": new.user.id.as_str(),
                    "scope": new.scope.as_str(),
                    "expires_at": new.expires_at.map(millis),
                }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(ApiToken {
                id,
                org_id: org.clone(),
                kind: new.kind,
                user_id: new.user.id.clone(),
                name: name.to_owned(),
                scope: new.scope,
                created_by: by.cloned(),
                created_at: from_millis(millis(now)),
                expires_at: new.expires_at.map(|at| from_millis(millis(at))),
                last_used_at: None,
                revoked_at: None,
            })
        })
    }

    /// The tokens that act as `user`, newest first, revoked and expired ones included.
    pub fn api_tokens_of(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<ApiToken>> {
        self.read(|tx| {
            tx.query(&select_of_user(), &[org.as_str().into(), user.as_str().into()])?
                .iter()
                .map(token_row)
                .collect()
        })
    }

    /// Every token of the organisation, newest first (for its administrators).
    pub fn api_tokens(&self, org: &OrgId) -> StoreResult<Vec<ApiToken>> {
        self.read(|tx| tx.query(&select_of_org(), &[org.as_str().into()])?.iter().map(token_row).collect())
    }

    /// One token of the organisation by its id.
    pub fn api_token(&self, org: &OrgId, id: &ApiTokenId) -> StoreResult<Option<ApiToken>> {
        self.read(|tx| {
            tx.query_opt(&select_by_id(), &[org.as_str().into(), id.as_str().into()])?
                .as_ref()
                .map(token_row)
                .transpose()
        })
    }

    /// Revokes a token at once, by `by` (a member, or the operator with `None`). With `owner`, only
    /// a token acting as that person is found (a person revokes their own; an administrator any of
    /// the organisation's). Answers whether it was live until now; an unknown id is `NotFound`.
    /// Audited.
    pub fn revoke_api_token(
        &self,
        org: &OrgId,
        id: &ApiTokenId,
        owner: Option<&UserId>,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|tx| {
            // The token's row, then the audit chain with the entry, as a use of the token takes them.
            let found = tx.query_opt(&select_by_id(), &[org.as_str().into(), id.as_str().into()])?;
            let token = found.as_ref().map(token_row).transpose()?;
            let Some(token) = token.filter(|t| owner.is_none_or(|o| *o == t.user_id)) else {
                return Err(StoreError::NotFound("API token".into()));
            };
            let params =
                [org.as_str().into(), id.as_str().into(), millis(now).into(), by.map(UserId::as_str).into()];
            let revoked = tx.execute(REVOKE_TOKEN, &params)? > 0;
            if revoked {
                let entry = audit::Entry {
                    chain: org.as_str(),
                    actor: by,
                    action: "api_token.revoked",
                    target: &format!("api_token:{}", id.as_str()),
                    detail: serde_json::json!({ "user": token.user_id.as_str() }),
                };
                audit::append(tx, &self.audit_signer(), entry, now)?;
            }
            Ok(revoked)
        })
    }
}
