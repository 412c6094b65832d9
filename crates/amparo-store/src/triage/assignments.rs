//! Who is assigned to a case in which role (attorney, advocate, clinician). An assignment gives the
//! role's unowned checklist tasks to the person, shares the case with an assigned clinician, and
//! re-derives the case (its score depends on whether an attorney is assigned).

use amparo_domain::Problem;
use amparo_domain::org::UserRole;
use chrono::{DateTime, Utc};

use crate::access::{self, Actor};
use crate::accounts::today_for;
use crate::columns::millis;
use crate::db::{RowLock, Tx};
use crate::derivation::{self, DeriveContext};
use crate::error::{StoreError, StoreResult};
use crate::model::{Assignment, CaseId, OrgId, UserId};
use crate::policy::load_policy;
use crate::{Store, accounts, cases, notices, sharing};

const SELECT_ASSIGNMENTS: &str = "SELECT a.role, a.user_id, u.display_name FROM case_assignments a \
     JOIN users u ON u.org_id = a.org_id AND u.id = a.user_id WHERE a.org_id = $1 AND a.case_id = $2 ORDER BY a.role";
const DELETE_ASSIGNMENT: &str =
    "DELETE FROM case_assignments WHERE org_id = $1 AND case_id = $2 AND role = $3";
const INSERT_ASSIGNMENT: &str =
    "INSERT INTO case_assignments (org_id, case_id, role, user_id, assigned_at) VALUES ($1, $2, $3, $4, $5)";
/// Open tasks of a case waiting for someone in a role, given to the person now assigned to it.
const ADOPT_UNOWNED_TASKS: &str = "UPDATE tasks SET owner_id = $4 WHERE org_id = $1 AND case_id = $2 \
     AND owner_role = $3 AND owner_id IS NULL AND done_at IS NULL";

/// The roles a case can be assigned in, and so the owners of checklist tasks.
pub const ASSIGNABLE: [UserRole; 3] = [UserRole::Attorney, UserRole::Advocate, UserRole::Clinician];

pub(crate) fn role(text: &str) -> StoreResult<UserRole> {
    UserRole::parse(text).ok_or_else(|| StoreError::Backend(format!("stored role is not valid: {text:?}")))
}

pub(crate) fn assignments(tx: &mut dyn Tx, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Assignment>> {
    tx.query(SELECT_ASSIGNMENTS, &[org.as_str().into(), case.as_str().into()])?
        .iter()
        .map(|r| {
            Ok(Assignment { role: role(&r.text(0)?)?, user_id: UserId(r.text(1)?), user_name: r.text(2)? })
        })
        .collect()
}

/// Changes one role's assignment; the caller re-derives the case before committing (its score
/// depends on it).
fn assign(
    tx: &mut dyn Tx,
    org: &OrgId,
    case: &CaseId,
    assigned_role: UserRole,
    user: Option<&UserId>,
    now_ms: i64,
) -> StoreResult<()> {
    if !ASSIGNABLE.contains(&assigned_role) {
        let expected = ASSIGNABLE.iter().map(|r| r.as_str().to_owned()).collect();
        let value = assigned_role.as_str().to_owned();
        return Err(StoreError::field("role", Problem::UnknownValue { value, expected }));
    }
    if !cases::exists(tx, org, case)? {
        return Err(StoreError::NotFound("case".into()));
    }
    if let Some(user) = user
        && accounts::user(tx, org, user)?.is_none()
    {
        return Err(StoreError::field("user", Problem::NoSuchStaff));
    }
    let key = [org.as_str().into(), case.as_str().into(), assigned_role.as_str().into()];
    tx.execute(DELETE_ASSIGNMENT, &key)?;
    if let Some(user) = user {
        let mut params = key.to_vec();
        params.extend([user.as_str().into(), now_ms.into()]);
        tx.execute(INSERT_ASSIGNMENT, &params)?;
        // Checklist tasks opened while nobody held the role now have an owner.
        let adopted = notices::unowned_tasks(tx, org, case, assigned_role)?;
        let mut params = key.to_vec();
        params.push(user.as_str().into());
        tx.execute(ADOPT_UNOWNED_TASKS, &params)?;
        for task in &adopted {
            notices::task_assigned(tx, org, task, user, now_ms)?;
        }
    }
    Ok(())
}

impl Store {
    /// Assigns `user` to the case in `role` (attorney, advocate or clinician), or clears the role with
    /// `None`; the case's triage is re-derived in the same transaction.
    pub fn assign(
        &self,
        org: &OrgId,
        case: &CaseId,
        role: UserRole,
        user: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_row(tx, RowLock::Case, &[org.as_str().into(), case.as_str().into()])?;
            self.assign_in(tx, org, case, role, user, now)
        })
    }

    /// As [`Store::assign`], on behalf of `actor`, who must see the case: checked in the same
    /// transaction, before anything is written.
    pub fn assign_as(
        &self,
        actor: &Actor,
        case: &CaseId,
        role: UserRole,
        user: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            // Sharing changes lock the case too, so the visibility checked is the latest.
            self.lock_row(tx, RowLock::Case, &[actor.org.as_str().into(), case.as_str().into()])?;
            access::check_sees_case(tx, actor, case)?;
            self.assign_in(tx, &actor.org, case, role, user, now)?;
            let entry = crate::audit::Entry {
                chain: actor.org.as_str(),
                actor: Some(&actor.user),
                action: "case.assigned",
                target: case.as_str(),
                detail: serde_json::json!({ "role": role.as_str(), "user": user.map(UserId::as_str) }),
            };
            crate::audit::append(tx, &self.audit_signer(), entry, now)
        })
    }

    /// Assigns and re-derives the case, whose row the caller has locked; the share an assigned
    /// clinician needs is written last, as its audit entry takes the organisation's chain (see
    /// [`Store::lock_audit_chain`]).
    fn assign_in(
        &self,
        tx: &mut dyn Tx,
        org: &OrgId,
        case: &CaseId,
        role: UserRole,
        user: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        assign(tx, org, case, role, user, millis(now))?;
        let policy = load_policy(tx, org)?;
        let context =
            DeriveContext::new(today_for(tx, org, now)?, &policy, self.rule_set(), now, self.sealer());
        // Only this case: other cases waiting for the daily job are its work, not the assignment's.
        derivation::refresh_case(tx, self.sealer(), (org, case), &context)?;
        // The clinician a case is assigned to must be able to open it: the assignment shares it.
        if let (UserRole::Clinician, Some(clinician)) = (role, user)
            && !sharing::is_shared(tx, org, case, clinician)?
        {
            sharing::set_shared(tx, &self.audit_signer(), (org, case), clinician, true, None, now)?;
        }
        Ok(())
    }

    pub fn assignments(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Assignment>> {
        self.read(|tx| assignments(tx, org, case))
    }
}
