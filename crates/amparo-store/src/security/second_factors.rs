//! TOTP second factors: enrolment, the use of a code at sign-in, removal, and the organisation's
//! choice to require one of every member.
//!
//! The store never computes a code: the caller checks a code against the secret it read here and
//! passes in the time step it matched. What the store guarantees is that the step only moves
//! forward (a code, once accepted, never works again, even raced from two browsers), that the
//! secret is sealed at rest, and that each change lands with its audit entry and the session it
//! promotes in one transaction.

use amparo_domain::org::UserRole;
use chrono::{DateTime, Utc};

use crate::columns::millis;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{OrgId, SessionRecord, SessionStage, UserId};
use crate::security::seal::{Field, Sealer};
use crate::{Store, accounts, audit};

const SELECT_FACTOR: &str =
    "SELECT secret, confirmed_at, last_step FROM second_factors WHERE org_id = $1 AND user_id = $2";
const INSERT_PENDING: &str =
    "INSERT INTO second_factors (org_id, user_id, secret, created_at) VALUES ($1, $2, $3, $4)";
/// Confirms a pending enrolment, only forward in time and only once.
const CONFIRM: &str = "UPDATE second_factors SET confirmed_at = $3, last_step = $4 \
     WHERE org_id = $1 AND user_id = $2 AND confirmed_at IS NULL AND last_step < $4";
/// Accepts a code's step, only if it is later than every step accepted before.
const ACCEPT_STEP: &str = "UPDATE second_factors SET last_step = $3 \
     WHERE org_id = $1 AND user_id = $2 AND confirmed_at IS NOT NULL AND last_step < $3";
const DELETE_FACTOR: &str = "DELETE FROM second_factors WHERE org_id = $1 AND user_id = $2";
const SELECT_REQUIREMENT: &str = "SELECT require_second_factor FROM organisations WHERE id = $1";
const UPDATE_REQUIREMENT: &str = "UPDATE organisations SET require_second_factor = $2 WHERE id = $1";
/// Sessions of members without a confirmed factor must set one up before going on.
const HOLD_UNENROLLED_SESSIONS: &str = "UPDATE sessions SET stage = 'enrolment' \
     WHERE org_id = $1 AND stage = 'complete' AND NOT EXISTS (SELECT 1 FROM second_factors f \
     WHERE f.org_id = sessions.org_id AND f.user_id = sessions.user_id AND f.confirmed_at IS NOT NULL)";
const HOLD_SESSIONS_OF: &str =
    "UPDATE sessions SET stage = 'enrolment' WHERE org_id = $1 AND user_id = $2 AND stage = 'complete'";

/// Why a code was not accepted.
pub const CODE_ALREADY_USED: &str =
    "this code was already used; wait for the next one your authenticator app shows";
pub const NOTHING_TO_CONFIRM: &str = "there is no second factor waiting to be confirmed; start again";

/// A user's second factor as stored, the secret opened.
#[derive(Clone)]
pub struct SecondFactor {
    /// The shared secret in base32, as the authenticator app holds it.
    pub secret: String,
    pub confirmed: bool,
    /// The time step of the last code accepted.
    pub last_step: i64,
}

impl std::fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondFactor")
            .field("confirmed", &self.confirmed)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// Where an enrolment stands when its page is opened.
#[derive(Clone)]
pub enum Enrolment {
    /// A confirmed factor exists; it must be removed before another is set up.
    AlreadyEnrolled,
    /// Waiting for the first code of this secret (base32).
    Pending { secret: String },
}

/// A session to replace by a complete one once a code is accepted: a new token, so that a token
/// seen before the second step is worth nothing after it.
pub struct Promotion<'a> {
    pub old_token_hash: &'a str,
    pub new: &'a SessionRecord,
}

fn factor(tx: &mut dyn Tx, sealer: &Sealer, org: &OrgId, user: &UserId) -> StoreResult<Option<SecondFactor>> {
    let Some(row) = tx.query_opt(SELECT_FACTOR, &[org.as_str().into(), user.as_str().into()])? else {
        return Ok(None);
    };
    let secret = sealer.open(Field::SecondFactorSecret, org.as_str(), user.as_str(), &row.text(0)?)?;
    Ok(Some(SecondFactor { secret, confirmed: row.opt_int(1)?.is_some(), last_step: row.int(2)? }))
}

/// The enrolment to show: the pending secret if there is one (reloading the page keeps the QR code
/// the user may already have scanned), else `fresh_secret`, stored sealed from now on.
fn enrolment(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    (org, user): (&OrgId, &UserId),
    fresh_secret: &str,
    now: DateTime<Utc>,
) -> StoreResult<Enrolment> {
    match factor(tx, sealer, org, user)? {
        Some(SecondFactor { confirmed: true, .. }) => Ok(Enrolment::AlreadyEnrolled),
        Some(SecondFactor { secret, .. }) => Ok(Enrolment::Pending { secret }),
        None => {
            accounts::user(tx, org, user)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
            let sealed = sealer.seal(Field::SecondFactorSecret, org.as_str(), user.as_str(), fresh_secret)?;
            tx.execute(
                INSERT_PENDING,
                &[org.as_str().into(), user.as_str().into(), sealed.into(), millis(now).into()],
            )?;
            Ok(Enrolment::Pending { secret: fresh_secret.to_owned() })
        }
    }
}

fn promote(tx: &mut dyn Tx, promotion: &Promotion) -> StoreResult<()> {
    accounts::delete_session(tx, &promotion.new.org_id, promotion.old_token_hash)?;
    accounts::create_session(tx, promotion.new)
}

/// Confirms the pending factor with the step of a code the caller checked against its secret. Every
/// other session of the user ends: they were opened with the password alone.
fn confirm(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    (org, user): (&OrgId, &UserId),
    step: i64,
    promotion: &Promotion,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let (org_id, user_id) = (org.as_str(), user.as_str());
    if tx.execute(CONFIRM, &[org_id.into(), user_id.into(), millis(now).into(), step.into()])? != 1 {
        return Err(StoreError::Invalid(NOTHING_TO_CONFIRM.into()));
    }
    promote(tx, promotion)?;
    let ended = accounts::delete_other_sessions(tx, org, user, &promotion.new.token_hash)?;
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: Some(user),
        action: "second_factor.enrolled",
        target: user.as_str(),
        detail: serde_json::json!({ "other_sessions_ended": ended }),
    };
    audit::append(tx, signer, entry, now)
}

/// Accepts a sign-in code's step (checked by the caller) and completes the sign-in.
fn accept_code(
    tx: &mut dyn Tx,
    (org, user): (&OrgId, &UserId),
    step: i64,
    promotion: &Promotion,
) -> StoreResult<()> {
    if tx.execute(ACCEPT_STEP, &[org.as_str().into(), user.as_str().into(), step.into()])? != 1 {
        return Err(StoreError::Invalid(CODE_ALREADY_USED.into()));
    }
    promote(tx, promotion)
}

/// Removes a user's factor. By the user themself, their sessions stay; by an administrator, or by
/// the operator on the command line (`by` is `None`), for a lost phone, every session of the user
/// ends and, if a factor is required of them, the next sign-in sets up a new one. Returns whether
/// there was a factor.
fn remove(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    (org, user): (&OrgId, &UserId),
    by: Option<&UserId>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    accounts::user(tx, org, user)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
    let removed = tx.execute(DELETE_FACTOR, &[org.as_str().into(), user.as_str().into()])? > 0;
    let by_self = by == Some(user);
    let ended = if by_self { 0 } else { accounts::delete_sessions_of(tx, org, user)? };
    if by_self && required_of(tx, org, user)? {
        // Removing a required factor keeps the sessions but holds them until a new one is set up.
        tx.execute(HOLD_SESSIONS_OF, &[org.as_str().into(), user.as_str().into()])?;
    }
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: by,
        action: if by_self { "second_factor.removed" } else { "second_factor.reset" },
        target: user.as_str(),
        detail: serde_json::json!({ "had_factor": removed, "sessions_ended": ended }),
    };
    audit::append(tx, signer, entry, now)?;
    Ok(removed)
}

fn org_requires(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<bool> {
    let row = tx.query_opt(SELECT_REQUIREMENT, &[org.as_str().into()])?;
    Ok(row.ok_or_else(|| StoreError::NotFound("organisation".into()))?.int(0)? != 0)
}

/// Whether a second factor is required of this user: administrators always, everyone when the
/// organisation requires it.
fn required_of(tx: &mut dyn Tx, org: &OrgId, user: &UserId) -> StoreResult<bool> {
    let member = accounts::user(tx, org, user)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
    Ok(member.role == UserRole::Admin || org_requires(tx, org)?)
}

/// Sets whether every member needs a second factor. Turning it on holds the open sessions of
/// members without one until they set one up, rather than waiting for those sessions to expire.
fn set_requirement(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    org: &OrgId,
    required: bool,
    by: &UserId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let changed = tx.execute(UPDATE_REQUIREMENT, &[org.as_str().into(), i64::from(required).into()])?;
    if changed != 1 {
        return Err(StoreError::NotFound("organisation".into()));
    }
    let held = if required { tx.execute(HOLD_UNENROLLED_SESSIONS, &[org.as_str().into()])? } else { 0 };
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: Some(by),
        action: "organisation.second_factor_requirement",
        target: org.as_str(),
        detail: serde_json::json!({ "required": required, "sessions_held": held }),
    };
    audit::append(tx, signer, entry, now)
}

/// Re-seals every factor's secret under the current key (a key rotation); returns how many.
pub fn reseal_all(tx: &mut dyn Tx, sealer: &Sealer) -> StoreResult<usize> {
    let rows =
        tx.query("SELECT org_id, user_id, secret FROM second_factors ORDER BY org_id, user_id", &[])?;
    let mut rewritten = 0;
    for row in rows {
        let (org, user, stored) = (row.text(0)?, row.text(1)?, row.text(2)?);
        if sealer.needs_reseal(&stored) {
            let plain = sealer.open(Field::SecondFactorSecret, &org, &user, &stored)?;
            let sealed = sealer.seal(Field::SecondFactorSecret, &org, &user, &plain)?;
            tx.execute(
                "UPDATE second_factors SET secret = $3 WHERE org_id = $1 AND user_id = $2",
                &[org.into(), user.into(), sealed.into()],
            )?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// The stage a fresh sign-in starts at, once the password was right.
pub fn stage_after_password(has_factor: bool, factor_required: bool) -> SessionStage {
    match (has_factor, factor_required) {
        (true, _) => SessionStage::SecondFactor,
        (false, true) => SessionStage::Enrolment,
        (false, false) => SessionStage::Complete,
    }
}

impl Store {
    /// A user's TOTP second factor, its secret opened.
    pub fn second_factor(&self, org: &OrgId, user: &UserId) -> StoreResult<Option<SecondFactor>> {
        self.read(|tx| factor(tx, self.sealer(), org, user))
    }

    /// The enrolment to show a user: their pending secret, or `fresh_secret` stored as pending.
    pub fn second_factor_enrolment(
        &self,
        org: &OrgId,
        user: &UserId,
        fresh_secret: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Enrolment> {
        self.write(|tx| enrolment(tx, self.sealer(), (org, user), fresh_secret, now))
    }

    /// Confirms a pending factor with the step of a checked code; ends the user's other sessions
    /// and replaces this one; audited.
    pub fn confirm_second_factor(
        &self,
        org: &OrgId,
        user: &UserId,
        step: i64,
        promotion: &Promotion,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            confirm(tx, &self.audit_signer(), (org, user), step, promotion, now)
        })
    }

    /// Accepts a sign-in code's step if no later or equal step was accepted before, and completes the
    /// sign-in by replacing the pending session.
    pub fn accept_second_factor_code(
        &self,
        org: &OrgId,
        user: &UserId,
        step: i64,
        promotion: &Promotion,
    ) -> StoreResult<()> {
        self.write(|tx| accept_code(tx, (org, user), step, promotion))
    }

    /// Removes a user's factor, by themself, or by an administrator or the operator (`None`), who
    /// thereby end the user's sessions; audited. Returns whether there was one.
    pub fn remove_second_factor(
        &self,
        org: &OrgId,
        user: &UserId,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            remove(tx, &self.audit_signer(), (org, user), by, now)
        })
    }

    /// Whether the organisation requires a second factor of every member.
    pub fn org_requires_second_factor(&self, org: &OrgId) -> StoreResult<bool> {
        self.read(|tx| org_requires(tx, org))
    }

    /// Sets that requirement; turning it on holds the sessions of members without a factor; audited.
    pub fn set_second_factor_requirement(
        &self,
        org: &OrgId,
        required: bool,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            set_requirement(tx, &self.audit_signer(), org, required, by, now)
        })
    }
}
