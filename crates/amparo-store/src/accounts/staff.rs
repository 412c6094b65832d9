//! Administering an organisation's staff: deactivating a member (their sessions end and their
//! calendar feeds are revoked at once, and sign-in refuses them), reactivating them, and inviting a
//! new member through a one-time link kept only as a hash. Each write checks, in its own
//! transaction, that the acting person is an active administrator of the organisation, and records
//! itself in the audit trail. Like role changes, they hold the organisation's audit-chain lock, so
//! the last-administrator check cannot race a demotion or another deactivation.

use amparo_domain::Language;
use amparo_domain::org::UserRole;
use chrono::{DateTime, Utc};

use crate::access::{Actor, Refusal};
use crate::accounts::profile::looks_like_email;
use crate::accounts::{self, user};
use crate::columns::{from_millis, millis};
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{NewUser, OrgId, User, UserId};
use crate::{Store, audit};

const COUNT_ACTIVE_ADMINS: &str =
    "SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'admin' AND deactivated_at IS NULL";
const SET_DEACTIVATED: &str = "UPDATE users SET deactivated_at = $3 WHERE org_id = $1 AND id = $2";
const INSERT_INVITATION: &str = "INSERT INTO invitations (token_hash, org_id, email, role, created_by, \
     created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// A new invitation to the same address retires the organisation's earlier unused ones.
const RETIRE_INVITATIONS: &str =
    "UPDATE invitations SET used_at = $3 WHERE org_id = $1 AND email = $2 AND used_at IS NULL";
const SELECT_INVITATION: &str =
    "SELECT org_id, email, role, expires_at, used_at FROM invitations WHERE org_id = $1 AND token_hash = $2";
const USE_INVITATION: &str = "UPDATE invitations SET used_at = $3, user_id = $4 \
     WHERE org_id = $1 AND token_hash = $2 AND used_at IS NULL";

/// Why deactivating oneself is refused: an administrator would lock themself out.
pub const SELF_DEACTIVATION: &str =
    "user: administrators cannot deactivate themselves; ask another administrator";
/// Why deactivating the last active administrator is refused.
pub const LAST_ACTIVE_ADMIN: &str = "user: this is the organisation's last active administrator; make \
     someone else an administrator first";
/// Why an invitation link was refused; one message for used, expired and mistyped links alike.
pub const INVALID_INVITATION: &str =
    "this invitation link is not valid (used, expired or mistyped); ask an administrator for a new one";

/// Refuses anyone but an active administrator of the actor's organisation, as the database says now
/// (a role taken away or a deactivation a moment ago counts).
pub(crate) fn require_admin(tx: &mut dyn Tx, actor: &Actor) -> StoreResult<()> {
    match user(tx, &actor.org, &actor.user)? {
        Some(me) if me.role == UserRole::Admin && me.deactivated_at.is_none() => Ok(()),
        _ => Err(StoreError::Refused(Refusal::RoleMayNot)),
    }
}

/// What deactivating a member did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deactivation {
    pub sessions_ended: usize,
    pub feeds_revoked: usize,
    /// The member was already inactive: nothing changed and nothing was recorded.
    pub already: bool,
}

/// Deactivates `member`; `by` is the acting member (`None` for the operator on the command line).
/// The caller holds the organisation's audit-chain lock.
fn deactivate(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    (org, member): (&OrgId, &UserId),
    by: Option<&UserId>,
    now: DateTime<Utc>,
) -> StoreResult<Deactivation> {
    let current = user(tx, org, member)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
    if current.deactivated_at.is_some() {
        return Ok(Deactivation { sessions_ended: 0, feeds_revoked: 0, already: true });
    }
    if by == Some(member) {
        return Err(StoreError::Invalid(SELF_DEACTIVATION.into()));
    }
    if current.role == UserRole::Admin && tx.query_int(COUNT_ACTIVE_ADMINS, &[org.as_str().into()])? <= 1 {
        return Err(StoreError::Invalid(LAST_ACTIVE_ADMIN.into()));
    }
    tx.execute(SET_DEACTIVATED, &[org.as_str().into(), member.as_str().into(), millis(now).into()])?;
    let sessions_ended = accounts::delete_sessions_of(tx, org, member)?;
    let feeds_revoked = crate::notices::revoke_feeds_of(tx, org, member, now)?;
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: by,
        action: "user.deactivated",
        target: member.as_str(),
        detail: serde_json::json!({ "sessions_ended": sessions_ended, "feeds_revoked": feeds_revoked }),
    };
    audit::append(tx, signer, entry, now)?;
    Ok(Deactivation { sessions_ended, feeds_revoked, already: false })
}

/// Lets a deactivated member sign in again; returns whether anything changed.
fn reactivate(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    (org, member): (&OrgId, &UserId),
    by: Option<&UserId>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let current = user(tx, org, member)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
    if current.deactivated_at.is_none() {
        return Ok(false);
    }
    tx.execute(SET_DEACTIVATED, &[org.as_str().into(), member.as_str().into(), Option::<i64>::None.into()])?;
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: by,
        action: "user.reactivated",
        target: member.as_str(),
        detail: serde_json::json!({}),
    };
    audit::append(tx, signer, entry, now)?;
    Ok(true)
}

/// An invitation that is still open: who is invited, to which organisation, with which role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub org_id: OrgId,
    pub email: String,
    pub role: UserRole,
    pub expires_at: DateTime<Utc>,
}

/// An invitation to send: its address and role, the hash of its token, and until when it works.
#[derive(Clone, Debug)]
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub role: UserRole,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// The person accepting an invitation: the name and language they chose, and their password's hash.
#[derive(Clone, Debug)]
pub struct Acceptance<'a> {
    pub display_name: &'a str,
    pub language: Language,
    pub password_hash: &'a str,
}

/// The invitation a token is for while it is unused and unexpired.
fn open_invitation(
    tx: &mut dyn Tx,
    org: &OrgId,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Invitation>> {
    let Some(row) = tx.query_opt(SELECT_INVITATION, &[org.as_str().into(), token_hash.into()])? else {
        return Ok(None);
    };
    let (expires_at, used_at) = (row.int(3)?, row.opt_int(4)?);
    if used_at.is_some() || expires_at <= millis(now) {
        return Ok(None);
    }
    let role = row.text(2)?;
    Ok(Some(Invitation {
        org_id: OrgId(row.text(0)?),
        email: row.text(1)?,
        role: UserRole::parse(&role).ok_or_else(|| crate::columns::corrupt("role", &role))?,
        expires_at: from_millis(expires_at),
    }))
}

/// Checks an invitation's address: an email, not taken by anyone on this installation.
fn check_invitee(tx: &mut dyn Tx, email: &str) -> StoreResult<()> {
    if !looks_like_email(email) {
        let expected = "an email address such as name@example.org".to_owned();
        return Err(StoreError::field(
            "email",
            amparo_domain::Problem::WrongFormat { expected, found: email.to_owned() },
        ));
    }
    if super::sign_in_emails::taken(tx, email)? {
        return Err(StoreError::Duplicate(format!("a user with email {email} already exists")));
    }
    Ok(())
}

impl Store {
    /// Deactivates a member for an administrator (checked in the transaction): their sessions end and
    /// their calendar feeds are revoked at once, sign-in refuses them, and it is audited. Refused for
    /// oneself ([`SELF_DEACTIVATION`]) and for the last active administrator ([`LAST_ACTIVE_ADMIN`]).
    pub fn deactivate_user_as(
        &self,
        actor: &Actor,
        member: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Deactivation> {
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            require_admin(tx, actor)?;
            deactivate(tx, &self.audit_signer(), (&actor.org, member), Some(&actor.user), now)
        })
    }

    /// Deactivates a member for the operator on the command line; the same refusals but oneself.
    pub fn deactivate_user(
        &self,
        org: &OrgId,
        member: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Deactivation> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            deactivate(tx, &self.audit_signer(), (org, member), None, now)
        })
    }

    /// Lets a deactivated member sign in again, for an administrator; audited. Returns whether the
    /// member was inactive.
    pub fn reactivate_user_as(
        &self,
        actor: &Actor,
        member: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            require_admin(tx, actor)?;
            reactivate(tx, &self.audit_signer(), (&actor.org, member), Some(&actor.user), now)
        })
    }

    /// Invites a person to the administrator's organisation with a role, by a one-time link kept as
    /// `token_hash`; an earlier unused invitation to the same address is retired. Refused for an
    /// address that is not an email or already belongs to someone. Audited.
    pub fn invite_user_as(
        &self,
        actor: &Actor,
        new: &NewInvitation<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let email = new.email.trim().to_lowercase();
        self.write(|tx| {
            self.lock_audit_chain(tx, actor.org.as_str())?;
            require_admin(tx, actor)?;
            check_invitee(tx, &email)?;
            let org = actor.org.as_str();
            tx.execute(RETIRE_INVITATIONS, &[org.into(), email.as_str().into(), millis(now).into()])?;
            let params = [
                new.token_hash.into(),
                org.into(),
                email.as_str().into(),
                new.role.as_str().into(),
                actor.user.as_str().into(),
                millis(now).into(),
                millis(new.expires_at).into(),
            ];
            tx.execute(INSERT_INVITATION, &params)?;
            let entry = audit::Entry {
                chain: org,
                actor: Some(&actor.user),
                action: "user.invited",
                target: org,
                detail: serde_json::json!({ "role": new.role.as_str(), "expires_at": new.expires_at }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)
        })
    }

    /// The invitation of `org` a link is for while it is unused and unexpired.
    pub fn invitation(
        &self,
        org: &OrgId,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Invitation>> {
        self.read(|tx| open_invitation(tx, org, token_hash, now))
    }

    /// Accepts an invitation: creates the member with the invited address and role and the name,
    /// language and password they chose, and uses up the link, in one transaction; audited. A used,
    /// expired or mistyped link is refused with [`INVALID_INVITATION`].
    pub fn accept_invitation(
        &self,
        org: &OrgId,
        token_hash: &str,
        person: &Acceptance<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let invalid = || StoreError::Invalid(INVALID_INVITATION.into());
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let invitation = open_invitation(tx, org, token_hash, now)?.ok_or_else(invalid)?;
            let new = NewUser {
                email: invitation.email.clone(),
                display_name: person.display_name.trim().to_owned(),
                role: invitation.role,
                language: person.language,
                password_hash: person.password_hash.to_owned(),
            };
            // The address may have been taken since the invitation was sent.
            let created = match accounts::insert_user(tx, &invitation.org_id, &new, now) {
                Err(StoreError::Duplicate(_)) => return Err(invalid()),
                other => other?,
            };
            let used =
                [org.as_str().into(), token_hash.into(), millis(now).into(), created.id.as_str().into()];
            if tx.execute(USE_INVITATION, &used)? != 1 {
                return Err(invalid());
            }
            let entry = audit::Entry {
                chain: invitation.org_id.as_str(),
                actor: Some(&created.id),
                action: "user.invitation_accepted",
                target: created.id.as_str(),
                detail: serde_json::json!({ "role": invitation.role.as_str() }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(created)
        })
    }
}
