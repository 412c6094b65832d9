//! A person's notices in the application: the newest first with the count unread, and marking them
//! read.

use chrono::{DateTime, Utc};

use crate::Store;
use crate::access::Actor;
use crate::columns::{from_millis, millis};
use crate::db::{Row, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::notices::model::*;
use crate::notices::{facts_from_json, kind};

const COUNT_UNREAD: &str =
    "SELECT COUNT(*) FROM notifications WHERE org_id = $1 AND user_id = $2 AND read_at IS NULL";
const MARK_READ: &str = "UPDATE notifications SET read_at = $4 \
     WHERE org_id = $1 AND user_id = $2 AND id = $3 AND read_at IS NULL";
const NOTIFICATION_OF_USER: &str =
    "SELECT id FROM notifications WHERE org_id = $1 AND user_id = $2 AND id = $3";
const MARK_ALL_READ: &str =
    "UPDATE notifications SET read_at = $3 WHERE org_id = $1 AND user_id = $2 AND read_at IS NULL";
const NOTIFICATION_COLUMNS: &str = "id, kind, case_id, payload, created_at, read_at, email_state";

fn select_notifications() -> String {
    format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE org_id = $1 AND user_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT $3"
    )
}

fn notification_from_row(r: &Row) -> StoreResult<Notification> {
    let state = r.text(6)?;
    Ok(Notification {
        id: NotificationId(r.text(0)?),
        kind: kind(&r.text(1)?)?,
        case_id: r.opt_text(2)?.map(CaseId),
        facts: facts_from_json(&r.text(3)?)?,
        created_at: from_millis(r.int(4)?),
        read_at: r.opt_int(5)?.map(from_millis),
        email: EmailState::parse(&state)
            .ok_or_else(|| StoreError::Backend(format!("stored email state is not valid: {state:?}")))?,
    })
}

impl Store {
    /// A person's notices, newest first, with how many are unread.
    pub fn notifications(&self, org: &OrgId, user: &UserId, limit: i64) -> StoreResult<NotificationPage> {
        self.read(|tx| {
            let key = [org.as_str().into(), user.as_str().into()];
            let unread = tx.query_int(COUNT_UNREAD, &key)?;
            let items = tx
                .query(
                    &select_notifications(),
                    &[key[0].clone(), key[1].clone(), limit.clamp(1, 500).into()],
                )?
                .iter()
                .map(notification_from_row)
                .collect::<StoreResult<_>>()?;
            Ok(NotificationPage { items, unread })
        })
    }

    /// How many of a person's notices are unread, for the count beside the navigation's link.
    pub fn unread_notifications(&self, org: &OrgId, user: &UserId) -> StoreResult<i64> {
        self.read(|tx| count_unread(tx, org, user))
    }

    /// Marks `actor`'s own notice read, or all of them with `None` (see [`Store::mark_read`]).
    pub fn mark_read_as(
        &self,
        actor: &Actor,
        id: Option<&NotificationId>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.mark_read(&actor.org, &actor.user, id, now)
    }

    /// Marks one of the person's notices read (`Some`), or all of them; another person's is not found.
    pub fn mark_read(
        &self,
        org: &OrgId,
        user: &UserId,
        id: Option<&NotificationId>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.write(|tx| match id {
            Some(id) => {
                let key = [org.as_str().into(), user.as_str().into(), id.as_str().into()];
                if tx.query_opt(NOTIFICATION_OF_USER, &key)?.is_none() {
                    return Err(StoreError::NotFound("notification".into()));
                }
                Ok(tx.execute(
                    MARK_READ,
                    &[key[0].clone(), key[1].clone(), key[2].clone(), millis(now).into()],
                )?)
            }
            None => Ok(
                tx.execute(MARK_ALL_READ, &[org.as_str().into(), user.as_str().into(), millis(now).into()])?
            ),
        })
    }
}

/// How many of a person's notices are unread, read in `tx`.
fn count_unread(tx: &mut dyn Tx, org: &OrgId, user: &UserId) -> StoreResult<i64> {
    tx.query_int(COUNT_UNREAD, &[org.as_str().into(), user.as_str().into()])
}
