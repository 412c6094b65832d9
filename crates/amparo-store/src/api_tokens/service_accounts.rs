//! Service accounts: the members organisation tokens act as. An administrator names one and gives
//! it a role; it is a row of `users` of kind `service`, with a placeholder email under `.invalid`,
//! so every permission and data rule that applies to a person applies to it, and it never signs in.

use amparo_domain::Language;
use amparo_domain::org::UserRole;
use chrono::{DateTime, Utc};

use crate::accounts::{USER_COLUMNS, insert_user, user_row};
use crate::error::{StoreError, StoreResult};
use crate::model::{NewUser, OrgId, User, UserId};
use crate::{Store, audit};

const MARK_SERVICE: &str = "UPDATE users SET kind = 'service' WHERE org_id = $1 AND id = $2";

fn select_services() -> String {
    format!(
        "SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 AND kind = 'service' ORDER BY display_name, id"
    )
}

fn select_service_named() -> String {
    format!(
        "SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 AND kind = 'service' AND display_name = $2 \
         AND deactivated_at IS NULL"
    )
}

/// A service account's name, trimmed: given, and at most 100 characters.
fn check_service_name(name: &str) -> StoreResult<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid("service: a service account needs a name".into()));
    }
    if name.chars().count() > super::MAX_NAME_CHARS {
        return Err(StoreError::Invalid(format!("service: at most {} characters", super::MAX_NAME_CHARS)));
    }
    Ok(name)
}

impl Store {
    /// The active service account of `org` named `name`, made with `role` if there is none, by
    /// `by` (an administrator, or the operator with `None`; the making is audited). One that exists
    /// with another role is refused: a role is changed on purpose, on the staff page, not by
    /// making a token.
    pub fn service_account(
        &self,
        org: &OrgId,
        name: &str,
        role: UserRole,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let name = check_service_name(name)?;
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let found = tx.query_opt(&select_service_named(), &[org.as_str().into(), name.into()])?;
            if let Some(existing) = found.as_ref().map(user_row).transpose()? {
                if existing.role != role {
                    return Err(StoreError::Invalid(format!(
                        "role: the service account {name:?} acts as {}",
                        existing.role.as_str()
                    )));
                }
                return Ok(existing);
            }
            let new = NewUser {
                email: format!("service-{}@service.invalid", uuid::Uuid::now_v7()),
                display_name: name.to_owned(),
                role,
                language: Language::En,
                // Not a hash of anything: a service account has no password, and sign-in skips it.
                password_hash: "!".into(),
            };
            let user = insert_user(tx, org, &new, now)?;
            tx.execute(MARK_SERVICE, &[org.as_str().into(), user.id.as_str().into()])?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: by,
                action: "service_account.created",
                target: &format!("user:{}", user.id.as_str()),
                detail: serde_json::json!({ "role": role.as_str() }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(user)
        })
    }

    /// The organisation's service accounts, deactivated ones included.
    pub fn service_accounts(&self, org: &OrgId) -> StoreResult<Vec<User>> {
        self.read(|tx| tx.query(&select_services(), &[org.as_str().into()])?.iter().map(user_row).collect())
    }
}
