//! Changing a member's role. The change, the end of the member's other sessions and the audit entry
//! land in one transaction, and the organisation never loses its last administrator: the count of
//! administrators is read under the organisation's audit-chain lock, which every role change holds,
//! so two demotions racing each other are decided one after the other.

use amparo_domain::org::UserRole;
use chrono::{DateTime, Utc};

use crate::accounts::{self, user};
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{OrgId, UserId};
use crate::{Store, audit};

const COUNT_ADMINS: &str = "SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'admin'";
const UPDATE_ROLE: &str = "UPDATE users SET role = $3 WHERE org_id = $1 AND id = $2";

/// Why a role change was refused: the organisation would be left without an administrator.
pub const LAST_ADMIN: &str = "role: this is the organisation's last administrator; make someone else an \
     administrator first";

/// Who changes a role.
#[derive(Clone, Copy, Debug)]
pub struct RoleActor<'a> {
    /// The member making the change; `None` for the operator on the command line.
    pub user: Option<&'a UserId>,
    /// The session (token hash) the change is made from: it stays open when members change their
    /// own role, so the page that made the change can answer.
    pub session: Option<&'a str>,
}

/// What a role change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleChange {
    pub old: UserRole,
    pub new: UserRole,
    /// Sessions of the member that were ended; they sign in again under the new role.
    pub sessions_ended: usize,
}

/// Gives `user` the role `role`. The caller holds the organisation's audit-chain lock. Setting the
/// role a member already has changes nothing and records nothing.
fn change_role(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    (org, member): (&OrgId, &UserId),
    role: UserRole,
    actor: RoleActor,
    now: DateTime<Utc>,
) -> StoreResult<RoleChange> {
    let current = user(tx, org, member)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
    let old = current.role;
    if old == role {
        return Ok(RoleChange { old, new: role, sessions_ended: 0 });
    }
    if old == UserRole::Admin && tx.query_int(COUNT_ADMINS, &[org.as_str().into()])? <= 1 {
        return Err(StoreError::Invalid(LAST_ADMIN.into()));
    }
    tx.execute(UPDATE_ROLE, &[org.as_str().into(), member.as_str().into(), role.as_str().into()])?;
    // No stored token hash is empty, so without a session to keep every session ends.
    let keep = actor.session.unwrap_or_default();
    let sessions_ended = accounts::delete_other_sessions(tx, org, member, keep)?;
    // Feed addresses handed out under the old role would keep showing what it saw.
    let feeds_revoked = crate::notices::revoke_feeds_of(tx, org, member, now)?;
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: actor.user,
        action: "user.role_changed",
        target: member.as_str(),
        detail: serde_json::json!({
            "old_role": old.as_str(),
            "new_role": role.as_str(),
            "sessions_ended": sessions_ended,
            "feeds_revoked": feeds_revoked,
        }),
    };
    audit::append(tx, signer, entry, now)?;
    Ok(RoleChange { old, new: role, sessions_ended })
}

impl Store {
    /// Gives a member another role, ends their sessions (but `actor.session`) so that they sign in
    /// again under it, and records the change, in one transaction. Refused with [`LAST_ADMIN`] when
    /// it would leave the organisation without an administrator; the same role changes nothing.
    pub fn set_user_role(
        &self,
        org: &OrgId,
        member: &UserId,
        role: UserRole,
        actor: RoleActor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<RoleChange> {
        self.write(|tx| {
            // The lock every role change holds: the last-administrator check cannot race.
            self.lock_audit_chain(tx, org.as_str())?;
            change_role(tx, &self.audit_signer(), (org, member), role, actor, now)
        })
    }
}
