//! Sharing cases with clinicians. A clinician sees only the cases shared with them; sharing and
//! un-sharing are explicit and written to the organisation's audit trail in the same transaction.
//!
//! A sharing change holds the case's lock, so a write to the case checks visibility against the
//! latest shares; and it commits under the audit chain's lock, taken with its entry, so a read that
//! checks visibility under the chain's lock (and audits itself) is ordered before or after it, as
//! the trail says.

use amparo_domain::org::UserRole;
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::columns::millis;
use crate::db::{DbFailure, RowLock, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, UserId};
use crate::{Store, accounts, audit, cases};

const INSERT_SHARE: &str =
    "INSERT INTO case_shares (org_id, case_id, user_id, shared_at, shared_by) VALUES ($1, $2, $3, $4, $5)";
const DELETE_SHARE: &str = "DELETE FROM case_shares WHERE org_id = $1 AND case_id = $2 AND user_id = $3";
const SELECT_SHARES: &str =
    "SELECT user_id FROM case_shares WHERE org_id = $1 AND case_id = $2 ORDER BY shared_at, user_id";
const IS_SHARED: &str =
    "SELECT COUNT(*) FROM case_shares WHERE org_id = $1 AND case_id = $2 AND user_id = $3";

/// Shares or un-shares a case with a clinician of the same organisation.
pub(crate) fn set_shared(
    tx: &mut dyn Tx,
    signer: &audit::Signer,
    (org, case): (&OrgId, &CaseId),
    clinician: &UserId,
    shared: bool,
    by: Option<&UserId>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if !cases::exists(tx, org, case)? {
        return Err(StoreError::NotFound("case".into()));
    }
    let user = accounts::user(tx, org, clinician)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
    if user.role != UserRole::Clinician {
        return Err(StoreError::Invalid(format!(
            "user: cases are shared with clinicians; this user is {} and sees cases by role",
            user.role.as_str()
        )));
    }
    let key: [crate::db::Value; 3] = [org.as_str().into(), case.as_str().into(), clinician.as_str().into()];
    let action = if shared {
        let params = [
            key[0].clone(),
            key[1].clone(),
            key[2].clone(),
            millis(now).into(),
            by.map(UserId::as_str).into(),
        ];
        match tx.execute(INSERT_SHARE, &params) {
            Err(DbFailure::UniqueViolation) => {
                return Err(StoreError::Duplicate("the case is already shared with this clinician".into()));
            }
            other => other?,
        };
        "case.shared"
    } else {
        if tx.execute(DELETE_SHARE, &key)? == 0 {
            return Err(StoreError::NotFound("share of this case with this clinician".into()));
        }
        "case.unshared"
    };
    let entry = audit::Entry {
        chain: org.as_str(),
        actor: by,
        action,
        target: case.as_str(),
        detail: serde_json::json!({ "clinician": clinician.as_str() }),
    };
    audit::append(tx, signer, entry, now)
}

pub(crate) fn shares(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<UserId>> {
    tx.query(SELECT_SHARES, &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| Ok(UserId(r.text(0)?)))
        .collect()
}

pub(crate) fn is_shared(tx: &mut dyn Tx, org: &OrgId, case: &CaseId, user: &UserId) -> StoreResult<bool> {
    Ok(tx.query_int(IS_SHARED, &[org.as_str().into(), case.as_str().into(), user.as_str().into()])? > 0)
}

impl Store {
    /// Shares a case with a clinician of the organisation (`shared`), or stops sharing it; recorded
    /// in the audit trail in the same transaction. Only clinicians are shared with.
    pub fn set_case_shared(
        &self,
        org: &OrgId,
        case: &CaseId,
        clinician: &UserId,
        shared: bool,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_row(tx, RowLock::Case, &[org.as_str().into(), case.as_str().into()])?;
            set_shared(tx, &self.audit_signer(), (org, case), clinician, shared, by, now)
        })
    }

    /// As [`Store::set_case_shared`], on behalf of `actor`, who must see the case: checked in the
    /// same transaction, before anything is written.
    pub fn set_case_shared_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        clinician: &UserId,
        shared: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_row(tx, RowLock::Case, &[actor.org.as_str().into(), case.as_str().into()])?;
            access::check_sees_case(tx, actor, case)?;
            set_shared(
                tx,
                &self.audit_signer(),
                (&actor.org, case),
                clinician,
                shared,
                Some(&actor.user),
                now,
            )
        })
    }

    /// The clinicians a case is shared with.
    pub fn case_shares(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<UserId>> {
        self.read(|tx| shares(tx, org, case))
    }

    pub fn is_case_shared(&self, org: &OrgId, case: &CaseId, user: &UserId) -> StoreResult<bool> {
        self.read(|tx| is_shared(tx, org, case, user))
    }
}
