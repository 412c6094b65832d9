//! Telling administrators that a scheduled backup failed: one notice per administrator of every
//! organisation (a backup is of the whole installation), at most one a day each, in the app and by
//! email like every notice. It names the day only; the cause is in the server's log.

use amparo_domain::notice::NoticeKind;
use chrono::{DateTime, Utc};

use super::{NewNotice, insert};
use crate::Store;
use crate::error::StoreResult;
use crate::model::OrgId;
use crate::notices::model::NoticeFacts;

/// Active administrators only: a deactivated account reads nothing.
const ADMINISTRATORS: &str =
    "SELECT org_id, id FROM users WHERE role = 'admin' AND deactivated_at IS NULL ORDER BY org_id, id";

impl Store {
    /// Writes a "scheduled backup failed" notice for every administrator not yet told today;
    /// returns how many were written.
    pub fn record_backup_failure(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let today = amparo_domain::Date::from(now.date_naive());
        self.write(|tx| {
            let mut written = 0;
            for row in tx.query(ADMINISTRATORS, &[])? {
                let (org, user) = (OrgId(row.text(0)?), row.text(1)?);
                let notice = NewNotice {
                    user: &user,
                    kind: NoticeKind::BackupFailed,
                    case: None,
                    dedupe_key: format!("backup-failed:{today}"),
                    facts: NoticeFacts { due: Some(today), ..NoticeFacts::default() },
                };
                if insert(tx, &org, notice, now.timestamp_millis())? {
                    written += 1;
                }
            }
            Ok(written)
        })
    }
}
