//! Calendar feeds: secret URLs (only their token's hash is kept) that show a person's or a case's
//! deadlines and tasks to a calendar application.
//!
//! A feed shows only what its owner may see *now*: creating one checks that the owner sees the case,
//! and every fetch checks it again under the owner's current role (a case unshared, or the owner
//! gone, and the feed answers nothing); a clinician's feed carries only their own tasks. Feeds are
//! revoked outright where losing access is cheap to see: a change of role and "sign out
//! everywhere". Creating a feed and every fetch are audited, ids only.

use chrono::{DateTime, Utc};

use crate::Store;
use crate::access::{self, Actor};
use crate::audit;
use crate::columns::{from_millis, millis, stored_date};
use crate::db::{Row, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::notices::case_reference;
use crate::notices::model::*;
use crate::triage::tasks;
use std::collections::HashSet;

const INSERT_FEED: &str = "INSERT INTO calendar_feeds (org_id, id, token_hash, user_id, case_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
const FEED_COLUMNS: &str = "f.id, f.org_id, f.user_id, f.case_id, c.reference, f.created_at, f.revoked_at";

fn select_feeds() -> String {
    format!(
        "SELECT {FEED_COLUMNS} FROM calendar_feeds f LEFT JOIN cases c ON c.org_id = f.org_id AND c.id = f.case_id \
         WHERE f.org_id = $1 AND f.user_id = $2 ORDER BY f.created_at, f.id"
    )
}

fn select_feed_by_token() -> String {
    format!(
        "SELECT {FEED_COLUMNS} FROM calendar_feeds f LEFT JOIN cases c ON c.org_id = f.org_id AND c.id = f.case_id \
         WHERE f.org_id = $1 AND f.token_hash = $2"
    )
}

const REVOKE_FEED: &str = "UPDATE calendar_feeds SET revoked_at = $4 \
     WHERE org_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL";
const REVOKE_FEEDS_OF: &str = "UPDATE calendar_feeds SET revoked_at = $3 \
     WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL";
/// The escalations of a case that have closed: their tasks left undone are moot, not live events.
const CLOSED_ESCALATIONS_OF_CASE: &str =
    "SELECT id FROM escalations WHERE org_id = $1 AND case_id = $2 AND closed_at IS NOT NULL";
const FEED_OF_USER: &str = "SELECT id FROM calendar_feeds WHERE org_id = $1 AND user_id = $2 AND id = $3";
const CASE_DEADLINES: &str = "SELECT d.case_id, c.reference, d.kind, d.person, d.rule, d.due, d.advisory \
     FROM deadlines d \
     JOIN cases c ON c.org_id = d.org_id AND c.id = d.case_id WHERE d.org_id = $1 AND d.case_id = $2 \
     ORDER BY d.position";
const USER_DEADLINES: &str = "SELECT d.case_id, c.reference, d.kind, d.person, d.rule, d.due, d.advisory \
     FROM case_assignments a JOIN deadlines d ON d.org_id = a.org_id AND d.case_id = a.case_id \
     JOIN cases c ON c.org_id = a.org_id AND c.id = a.case_id \
     WHERE a.org_id = $1 AND a.user_id = $2 AND c.is_open = 1 ORDER BY c.reference, d.position";

fn feed_from_row(r: &Row) -> StoreResult<CalendarFeed> {
    Ok(CalendarFeed {
        id: FeedId(r.text(0)?),
        org_id: OrgId(r.text(1)?),
        user_id: UserId(r.text(2)?),
        case_id: r.opt_text(3)?.map(CaseId),
        reference: r.opt_text(4)?,
        created_at: from_millis(r.int(5)?),
        revoked_at: r.opt_int(6)?.map(from_millis),
    })
}

/// Revokes every live feed of a person (their role changed, they signed out everywhere); returns
/// how many.
pub(crate) fn revoke_feeds_of(
    tx: &mut dyn Tx,
    org: &OrgId,
    user: &UserId,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    Ok(tx.execute(REVOKE_FEEDS_OF, &[org.as_str().into(), user.as_str().into(), millis(now).into()])?
        as usize)
}

/// What a feed may still show under its owner's current rights: `None` when nothing (the owner is
/// gone, or no longer sees the feed's case), else the owner as an actor.
fn feed_owner(tx: &mut dyn Tx, feed: &CalendarFeed) -> StoreResult<Option<Actor>> {
    let Some(owner) = crate::accounts::user(tx, &feed.org_id, &feed.user_id)? else { return Ok(None) };
    let owner = Actor::of(&owner);
    if let Some(case) = &feed.case_id
        && !access::sees_case(tx, &owner, case)?
    {
        return Ok(None);
    }
    Ok(Some(owner))
}

impl Store {
    /// A new calendar feed of `actor`'s: their own (`case` `None`) or a case's they see (a case they
    /// do not see is refused as one of another organisation); only the token's hash is given and
    /// kept. Audited with the feed's and the case's ids.
    pub fn create_calendar_feed_as(
        &self,
        actor: &Actor,
        case: Option<&CaseId>,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<CalendarFeed> {
        let (org, user) = (&actor.org, &actor.user);
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let reference = match case {
                Some(case) => {
                    let reference = case_reference(tx, org, case)?;
                    access::check_sees_case(tx, actor, case)?;
                    Some(reference)
                }
                None => None,
            };
            let id = FeedId::generate();
            tx.execute(
                INSERT_FEED,
                &[
                    org.as_str().into(),
                    id.as_str().into(),
                    token_hash.into(),
                    user.as_str().into(),
                    case.map(CaseId::as_str).into(),
                    millis(now).into(),
                ],
            )?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: Some(user),
                action: "feed.created",
                target: &format!("feed:{}", id.as_str()),
                detail: serde_json::json!({ "case": case.map(CaseId::as_str) }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(CalendarFeed {
                id,
                org_id: org.clone(),
                user_id: user.clone(),
                case_id: case.cloned(),
                reference,
                created_at: from_millis(millis(now)),
                revoked_at: None,
            })
        })
    }

    pub fn calendar_feeds(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<CalendarFeed>> {
        self.read(|tx| {
            tx.query(&select_feeds(), &[org.as_str().into(), user.as_str().into()])?
                .iter()
                .map(feed_from_row)
                .collect()
        })
    }

    pub fn revoke_calendar_feed(
        &self,
        org: &OrgId,
        user: &UserId,
        id: &FeedId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let key = [org.as_str().into(), user.as_str().into(), id.as_str().into()];
            if tx.query_opt(FEED_OF_USER, &key)?.is_none() {
                return Err(StoreError::NotFound("calendar feed".into()));
            }
            tx.execute(REVOKE_FEED, &[key[0].clone(), key[1].clone(), key[2].clone(), millis(now).into()])?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: Some(user),
                action: "feed.revoked",
                target: &format!("feed:{}", id.as_str()),
                detail: serde_json::json!({}),
            };
            audit::append(tx, &self.audit_signer(), entry, now)
        })
    }

    /// The feed a secret URL names, revoked or not (the URL names its organisation too).
    pub fn calendar_feed_by_token(&self, org: &OrgId, token_hash: &str) -> StoreResult<Option<CalendarFeed>> {
        self.read(|tx| {
            tx.query_opt(&select_feed_by_token(), &[org.as_str().into(), token_hash.into()])?
                .as_ref()
                .map(feed_from_row)
                .transpose()
        })
    }

    /// What a live feed shows now, checked under its owner's current rights, with the fetch
    /// audited; `None` when it shows nothing any more (the caller answers as for an unknown address,
    /// without saying why).
    pub fn fetch_calendar_feed(
        &self,
        feed: &CalendarFeed,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CalendarEntries>> {
        if feed.revoked_at.is_some() {
            return Ok(None);
        }
        self.write(|tx| {
            self.lock_audit_chain(tx, feed.org_id.as_str())?;
            let Some(owner) = feed_owner(tx, feed)? else { return Ok(None) };
            let entries = entries(tx, feed, &owner)?;
            let entry = audit::Entry {
                chain: feed.org_id.as_str(),
                actor: Some(&feed.user_id),
                action: "feed.read",
                target: &format!("feed:{}", feed.id.as_str()),
                detail: serde_json::json!({ "case": feed.case_id.as_ref().map(CaseId::as_str) }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            Ok(Some(entries))
        })
    }

    /// Revokes every live feed of a person; returns how many.
    pub fn revoke_calendar_feeds_of(
        &self,
        org: &OrgId,
        user: &UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        self.write(|tx| revoke_feeds_of(tx, org, user, now))
    }
}

/// The deadlines and tasks a feed shows its `owner`: of the cases they see, and for a clinician only
/// their own tasks.
fn entries(tx: &mut dyn Tx, feed: &CalendarFeed, owner: &Actor) -> StoreResult<CalendarEntries> {
    let org = &feed.org_id;
    let (deadline_rows, mut tasks) = match &feed.case_id {
        Some(case) => {
            let key = [org.as_str().into(), case.as_str().into()];
            let mut tasks = tasks::case_tasks(tx, org, case)?;
            let closed = tx
                .query(CLOSED_ESCALATIONS_OF_CASE, &key)?
                .iter()
                .map(|r| r.text(0))
                .collect::<StoreResult<HashSet<String>>>()?;
            // A done task stays (shown cancelled); one its closed escalation left undone goes,
            // as a person's feed leaves it out.
            tasks.retain(|t| {
                t.done_at.is_some() || t.escalation_id.as_ref().is_none_or(|e| !closed.contains(e.as_str()))
            });
            (tx.query(CASE_DEADLINES, &key)?, tasks)
        }
        None => {
            let key = [org.as_str().into(), feed.user_id.as_str().into()];
            let tasks = tasks::open_tasks(tx, org, &feed.user_id)?;
            (tx.query(USER_DEADLINES, &key)?, tasks)
        }
    };
    let mut seen = HashSet::new();
    let mut deadlines = Vec::new();
    for row in &deadline_rows {
        let deadline = CalendarDeadline {
            case_id: CaseId(row.text(0)?),
            reference: row.text(1)?,
            kind: row.text(2)?,
            person: row.opt_text(3)?,
            rule: row.text(4)?,
            due: stored_date(&row.text(5)?)?,
            advisory: row.int(6)? != 0,
        };
        // A person on a case in two roles would see its deadlines twice.
        if seen.insert((
            deadline.case_id.clone(),
            deadline.kind.clone(),
            deadline.person.clone(),
            deadline.due,
        )) {
            deadlines.push(deadline);
        }
    }
    // A clinician's feed: the cases shared with them now, and their own tasks on them only.
    if owner.shared_only().is_some() {
        let mut visible = Vec::new();
        for deadline in deadlines {
            if access::sees_case(tx, owner, &deadline.case_id)? {
                visible.push(deadline);
            }
        }
        deadlines = visible;
        let mut own = Vec::new();
        for task in tasks {
            if task.owner_id.as_ref() == Some(&owner.user) && access::sees_case(tx, owner, &task.case_id)? {
                own.push(task);
            }
        }
        tasks = own;
    }
    Ok(CalendarEntries { deadlines, tasks })
}
