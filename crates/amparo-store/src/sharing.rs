//! Sharing cases with clinicians. A clinician sees only the cases shared with them; sharing and
//! un-sharing are explicit and written to the organisation's audit trail in the same transaction.

use amparo_domain::org::UserRole;
use chrono::{DateTime, Utc};

use crate::db::{DbFailure, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{CaseId, OrgId, UserId};
use crate::records::millis;
use crate::{audit, shared};

pub const INSERT_SHARE: &str =
    "INSERT INTO case_shares (org_id, case_id, user_id, shared_at, shared_by) VALUES ($1, $2, $3, $4, $5)";
pub const DELETE_SHARE: &str = "DELETE FROM case_shares WHERE org_id = $1 AND case_id = $2 AND user_id = $3";
pub const SELECT_SHARES: &str =
    "SELECT user_id FROM case_shares WHERE org_id = $1 AND case_id = $2 ORDER BY shared_at, user_id";
pub const IS_SHARED: &str =
    "SELECT COUNT(*) FROM case_shares WHERE org_id = $1 AND case_id = $2 AND user_id = $3";
const CASE_EXISTS: &str = "SELECT COUNT(*) FROM cases WHERE org_id = $1 AND id = $2";

/// Shares or un-shares a case with a clinician of the same organisation.
pub fn set_shared(
    tx: &mut dyn Tx,
    (org, case): (&OrgId, &CaseId),
    clinician: &UserId,
    shared: bool,
    by: Option<&UserId>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if tx.query_int(CASE_EXISTS, &[org.as_str().into(), case.as_str().into()])? == 0 {
        return Err(StoreError::NotFound("case".into()));
    }
    let user = shared::user(tx, org, clinician)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
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
    audit::append(tx, entry, now)
}

pub fn shares(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<UserId>> {
    tx.query(SELECT_SHARES, &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| Ok(UserId(r.text(0)?)))
        .collect()
}

pub fn is_shared(tx: &mut dyn Tx, org: &OrgId, case: &CaseId, user: &UserId) -> StoreResult<bool> {
    Ok(tx.query_int(IS_SHARED, &[org.as_str().into(), case.as_str().into(), user.as_str().into()])? > 0)
}
