//! Signed-in sessions, kept by their organisation and the hash of their token (the cookie names the
//! organisation, so each lookup reads one organisation's rows): opening, reading, touching and ending them.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};

use crate::Store;
use crate::columns::{from_millis, millis, qualified};
use crate::db::{Row, Tx};
use crate::error::{StoreError, StoreResult};
use amparo_domain::TimeZone;

use crate::model::{OrgId, SessionRecord, SessionStage, User, UserId};

const INSERT_SESSION: &str = "INSERT INTO sessions (token_hash, org_id, user_id, csrf_token, created_at, \
     last_seen_at, stage) VALUES ($1, $2, $3, $4, $5, $6, $7)";
const SELECT_SESSION: &str = "SELECT token_hash, org_id, user_id, csrf_token, created_at, last_seen_at, stage \
     FROM sessions WHERE org_id = $1 AND token_hash = $2";

/// What every signed-in request reads first, in one statement (one round trip on PostgreSQL, where
/// four were): the session's columns (0–6), the organisation's time zone (7), `unread` (8: the
/// person's unread notices, or 0 where they are not counted) and the person's
/// [`super::USER_COLUMNS`] (from [`USER_AT`]). Each table is tied to the organisation at `$1` on its
/// own.
fn select_session_reads(unread: &str) -> String {
    format!(
        "SELECT s.token_hash, s.org_id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.stage, \
         o.time_zone, {unread}, {} \
         FROM sessions s JOIN users u ON u.org_id = $1 AND u.id = s.user_id JOIN organisations o ON o.id = $1 \
         WHERE s.org_id = $1 AND s.token_hash = $2",
        qualified(super::USER_COLUMNS, "u")
    )
}

/// [`select_session_reads`] for a page, which shows the unread notices' count.
static SESSION_READS_COUNTED: LazyLock<String> = LazyLock::new(|| {
    select_session_reads(
        "(SELECT COUNT(*) FROM notifications n WHERE n.org_id = $1 AND n.user_id = s.user_id \
         AND n.read_at IS NULL)",
    )
});
/// [`select_session_reads`] for the API, which does not count notices.
static SESSION_READS: LazyLock<String> = LazyLock::new(|| select_session_reads("0"));

/// Where the time zone, the unread count and the person's columns are in a row of
/// [`select_session_reads`].
const ZONE_AT: usize = 7;
const UNREAD_AT: usize = 8;
const USER_AT: usize = 9;

const TOUCH_SESSION: &str = "UPDATE sessions SET last_seen_at = $3 WHERE org_id = $1 AND token_hash = $2";
const DELETE_SESSION: &str = "DELETE FROM sessions WHERE org_id = $1 AND token_hash = $2";
const DELETE_SESSIONS_OF: &str = "DELETE FROM sessions WHERE org_id = $1 AND user_id = $2";
const DELETE_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND token_hash <> $3";

pub(crate) fn create_session(tx: &mut dyn Tx, s: &SessionRecord) -> StoreResult<()> {
    tx.execute(
        INSERT_SESSION,
        &[
            s.token_hash.as_str().into(),
            s.org_id.as_str().into(),
            s.user_id.as_str().into(),
            s.csrf_token.as_str().into(),
            millis(s.created_at).into(),
            millis(s.last_seen_at).into(),
            s.stage.as_str().into(),
        ],
    )?;
    Ok(())
}

pub(crate) fn delete_session(tx: &mut dyn Tx, org: &OrgId, token_hash: &str) -> StoreResult<()> {
    tx.execute(DELETE_SESSION, &[org.as_str().into(), token_hash.into()])?;
    Ok(())
}

/// Ends every session of a user; returns how many.
pub(crate) fn delete_sessions_of(tx: &mut dyn Tx, org: &OrgId, user: &UserId) -> StoreResult<usize> {
    Ok(tx.execute(DELETE_SESSIONS_OF, &[org.as_str().into(), user.as_str().into()])? as usize)
}

/// Ends every session of a user but the one kept; returns how many.
pub(crate) fn delete_other_sessions(
    tx: &mut dyn Tx,
    org: &OrgId,
    user: &UserId,
    keep: &str,
) -> StoreResult<usize> {
    let ended =
        tx.execute(DELETE_OTHER_SESSIONS, &[org.as_str().into(), user.as_str().into(), keep.into()])?;
    Ok(usize::try_from(ended).unwrap_or(usize::MAX))
}

impl Store {
    pub fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
        self.write(|tx| create_session(tx, session))
    }

    pub fn session(&self, org: &OrgId, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        self.read(|tx| session(tx, org, token_hash))
    }

    /// What every signed-in request reads first, in one pass: the session of `token_hash` in `org`, its
    /// person (`None` when either is gone), the person's unread notices when `count_unread` (pages
    /// show the count; the API does not), and the organisation's time zone.
    pub fn session_reads(
        &self,
        org: &OrgId,
        token_hash: &str,
        count_unread: bool,
    ) -> StoreResult<Option<SessionReads>> {
        self.read(|tx| {
            let sql = if count_unread { &SESSION_READS_COUNTED } else { &SESSION_READS };
            let Some(mut row) = tx.query_opt(sql, &[org.as_str().into(), token_hash.into()])? else {
                return Ok(None);
            };
            let user = super::user_row(&Row(row.0.split_off(USER_AT)))?;
            let session = session_row(&row)?;
            let zone = super::profile::stored_zone(&row.text(ZONE_AT)?)?;
            let unread = row.int(UNREAD_AT)?;
            Ok(Some(SessionReads { session, user, unread, zone }))
        })
    }

    pub fn touch_session(&self, org: &OrgId, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(TOUCH_SESSION, &[org.as_str().into(), token_hash.into(), millis(now).into()])?;
            Ok(())
        })
    }

    pub fn delete_session(&self, org: &OrgId, token_hash: &str) -> StoreResult<()> {
        self.write(|tx| delete_session(tx, org, token_hash))
    }

    /// Ends every session of a user ("sign out everywhere", a password reset); returns how many.
    pub fn delete_sessions_of(&self, org: &OrgId, user: &UserId) -> StoreResult<usize> {
        self.write(|tx| delete_sessions_of(tx, org, user))
    }

    /// "Sign out everywhere": ends every session of the user and revokes their calendar feeds (an
    /// address on a lost phone is as much a way in as its session), audited in the same transaction.
    /// Returns (sessions ended, feeds revoked).
    pub fn sign_out_everywhere(
        &self,
        org: &OrgId,
        user: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<(usize, usize)> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let sessions = delete_sessions_of(tx, org, user)?;
            let feeds = crate::notices::revoke_feeds_of(tx, org, user, now)?;
            let entry = crate::audit::Entry {
                chain: org.as_str(),
                actor: Some(user),
                action: "sessions.ended",
                target: user.as_str(),
                detail: serde_json::json!({ "sessions": sessions, "feeds_revoked": feeds }),
            };
            crate::audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok((sessions, feeds))
        })
    }
}

/// A session with what a request needs of its person and organisation (`Store::session_reads`).
#[derive(Clone, Debug)]
pub struct SessionReads {
    pub session: SessionRecord,
    pub user: User,
    pub unread: i64,
    pub zone: TimeZone,
}

fn session(tx: &mut dyn Tx, org: &OrgId, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
    tx.query_opt(SELECT_SESSION, &[org.as_str().into(), token_hash.into()])?
        .map(|r| session_row(&r))
        .transpose()
}

/// A session from the columns of [`SELECT_SESSION`] at the start of a row.
fn session_row(r: &Row) -> StoreResult<SessionRecord> {
    let stage = r.text(6)?;
    Ok(SessionRecord {
        token_hash: r.text(0)?,
        org_id: OrgId(r.text(1)?),
        user_id: UserId(r.text(2)?),
        csrf_token: r.text(3)?,
        created_at: from_millis(r.int(4)?),
        last_seen_at: from_millis(r.int(5)?),
        stage: SessionStage::parse(&stage)
            .ok_or_else(|| StoreError::Backend(format!("unknown session stage {stage:?}")))?,
    })
}
