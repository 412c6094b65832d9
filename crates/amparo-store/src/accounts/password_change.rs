//! A member changing their own password: the new hash is written, every other session of theirs
//! ends (the one they changed it from stays open), and the change is audited, in one transaction.

use chrono::{DateTime, Utc};

use crate::accounts::{delete_other_sessions, set_password};
use crate::error::StoreResult;
use crate::model::{OrgId, UserId};
use crate::{Store, audit};

impl Store {
    /// Sets a member's own new password hash and ends their sessions but `keep` (a token hash);
    /// returns how many ended. The caller has checked the current password.
    pub fn change_own_password(
        &self,
        (org, user): (&OrgId, &UserId),
        password_hash: &str,
        keep: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            set_password(tx, org, user, password_hash)?;
            let ended = delete_other_sessions(tx, org, user, keep)?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: Some(user),
                action: "password.changed",
                target: user.as_str(),
                detail: serde_json::json!({ "sessions_ended": ended }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(ended)
        })
    }
}
