//! Password resets by an admin: a one-time link, valid for a day, kept only as a hash. Using it sets
//! the new password, ends every session of the user, and is recorded in the audit trail, all in one
//! transaction; a used, expired or unknown link is refused the same way.

use chrono::{DateTime, Utc};

use crate::columns::millis;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{OrgId, User, UserId};
use crate::{Store, accounts, audit};

const INSERT_RESET: &str = "INSERT INTO password_resets (token_hash, org_id, user_id, created_by, created_at, \
     expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
const SELECT_RESET: &str =
    "SELECT org_id, user_id, expires_at, used_at FROM password_resets WHERE org_id = $1 AND token_hash = $2";
const USE_RESET: &str =
    "UPDATE password_resets SET used_at = $3 WHERE org_id = $1 AND token_hash = $2 AND used_at IS NULL";
/// Issuing a new link retires the user's earlier unused ones.
const RETIRE_RESETS: &str =
    "UPDATE password_resets SET used_at = $3 WHERE org_id = $1 AND user_id = $2 AND used_at IS NULL";

/// Why a reset link was refused; one message for all, so a link's state is not revealed.
pub const INVALID_LINK: &str =
    "this password-reset link is not valid (used, expired or mistyped); ask an administrator for a new one";

fn issue(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    (org, user): (&OrgId, &UserId),
    token_hash: &str,
    by: Option<&UserId>,
    (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
) -> StoreResult<()> {
    accounts::user(tx, org, user)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
    tx.execute(RETIRE_RESETS, &[org.as_str().into(), user.as_str().into(), millis(now).into()])?;
    tx.execute(
        INSERT_RESET,
        &[
            token_hash.into(),
            org.as_str().into(),
            user.as_str().into(),
            by.map(UserId::as_str).into(),
            millis(now).into(),
            millis(expires_at).into(),
        ],
    )?;
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: by,
        action: "password.reset_issued",
        target: user.as_str(),
        detail: serde_json::json!({ "expires_at": expires_at }),
    };
    audit::append(tx, signer, entry, now)
}

/// The user a still-valid link is for, without using it (to show the form).
fn peek(tx: &mut dyn Tx, org: &OrgId, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<User>> {
    let Some(row) = tx.query_opt(SELECT_RESET, &[org.as_str().into(), token_hash.into()])? else {
        return Ok(None);
    };
    let (org, user, expires_at, used_at) = (row.text(0)?, row.text(1)?, row.int(2)?, row.opt_int(3)?);
    if used_at.is_some() || expires_at <= millis(now) {
        return Ok(None);
    }
    // A member deactivated since the link was issued cannot use it to come back.
    Ok(accounts::user(tx, &OrgId(org), &UserId(user))?.filter(|u| u.deactivated_at.is_none()))
}

/// Uses a link: sets the password hash, ends the user's sessions; returns the user.
fn complete(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    (org, token_hash): (&OrgId, &str),
    password_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<User> {
    let user = peek(tx, org, token_hash, now)?.ok_or(StoreError::ResetLinkInvalid)?;
    if tx.execute(USE_RESET, &[org.as_str().into(), token_hash.into(), millis(now).into()])? != 1 {
        return Err(StoreError::ResetLinkInvalid);
    }
    accounts::set_password(tx, &user.org_id, &user.id, password_hash)?;
    let ended = accounts::delete_sessions_of(tx, &user.org_id, &user.id)?;
    let entry = audit::Entry {
        chain: user.org_id.as_str(),
        actor: Some(&user.id),
        action: "password.reset",
        target: user.id.as_str(),
        detail: serde_json::json!({ "sessions_ended": ended }),
    };
    audit::append(tx, signer, entry, now)?;
    Ok(user)
}

impl Store {
    /// Issues a one-time password-reset link for a user (stored as `token_hash`), retiring earlier
    /// unused ones; audited.
    pub fn issue_password_reset(
        &self,
        org: &OrgId,
        user: &UserId,
        token_hash: &str,
        by: Option<&UserId>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            issue(tx, &self.audit_signer(), (org, user), token_hash, by, (now, expires_at))
        })
    }

    /// The user a reset link of `org` is for while it is unused and unexpired.
    pub fn password_reset_user(
        &self,
        org: &OrgId,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<User>> {
        self.read(|tx| peek(tx, org, token_hash, now))
    }

    /// Uses a reset link: sets the new password hash and ends every session of the user, at once.
    pub fn complete_password_reset(
        &self,
        org: &OrgId,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            complete(tx, &self.audit_signer(), (org, token_hash), password_hash, now)
        })
    }
}
