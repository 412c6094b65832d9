//! An organisation's policy (lead days, refresh days, critical-care threshold, I-94 check days, closure days, its own
//! escalation checklists): reading it and changing it, which re-derives every case under it.

use amparo_domain::policy::PolicyError;
use amparo_domain::{Date, EscalationTemplates, Policy, Problem};
use chrono::{DateTime, Utc};

use crate::accounts::today_for;
use crate::db::{RowLock, Tx};
use crate::derivation::{self, DeriveContext};
use crate::error::{StoreError, StoreResult};
use crate::model::{OrgId, UserId};
use crate::{Store, audit};

const SELECT_POLICY: &str = "SELECT settings FROM organisations WHERE id = $1";
const SELECT_POLICY_AND_ZONE: &str = "SELECT o.settings, o.time_zone, (SELECT COUNT(*) FROM \
     (SELECT 1 FROM webhook_endpoints w WHERE w.org_id = $1 AND w.active = 1 AND w.removed_at IS NULL LIMIT 1) l) \
     FROM organisations o WHERE o.id = $1";
const UPDATE_POLICY: &str = "UPDATE organisations SET settings = $2 WHERE id = $1";

/// The organisation's policy; `NotFound` for an organisation that does not exist.
pub(crate) fn load_policy(tx: &mut dyn Tx, org: &OrgId) -> StoreResult<Policy> {
    let row = tx.query_opt(SELECT_POLICY, &[org.as_str().into()])?;
    let settings = row.ok_or_else(|| StoreError::NotFound("organisation".into()))?.text(0)?;
    parse_policy(&settings)
}

fn parse_policy(settings: &str) -> StoreResult<Policy> {
    serde_json::from_str(settings)
        .map_err(|e| StoreError::Backend(format!("stored organisation policy: {e}")))
}

/// What deriving one of an organisation's cases reads of the organisation, in one statement.
pub(crate) struct PolicyToday {
    pub policy: Policy,
    /// "Today" at the write's time in the organisation's time zone (see
    /// [`crate::accounts::today_for`]).
    pub today: Date,
    /// Whether the organisation has an endpoint that webhook deliveries may be queued for: a write
    /// with none reads no subscriptions (see [`crate::webhooks::queue_if_listened`]).
    pub listened: bool,
}

/// The organisation's policy, today in its time zone and whether any webhook endpoint listens.
pub(crate) fn policy_and_today(tx: &mut dyn Tx, org: &OrgId, now: DateTime<Utc>) -> StoreResult<PolicyToday> {
    let row = tx
        .query_opt(SELECT_POLICY_AND_ZONE, &[org.as_str().into()])?
        .ok_or_else(|| StoreError::NotFound("organisation".into()))?;
    let zone = crate::accounts::profile::stored_zone(&row.text(1)?)?;
    Ok(PolicyToday {
        policy: parse_policy(&row.text(0)?)?,
        today: zone.today(now),
        listened: row.int(2)? > 0,
    })
}

fn save_policy(tx: &mut dyn Tx, org: &OrgId, policy: &Policy) -> StoreResult<()> {
    let settings = serde_json::to_string(policy)?;
    if tx.execute(UPDATE_POLICY, &[org.as_str().into(), settings.into()])? != 1 {
        return Err(StoreError::NotFound("organisation".into()));
    }
    Ok(())
}

/// A policy the rules cannot use, refused naming its field (worded in each language by the reader).
pub(crate) fn check_policy(policy: &Policy) -> StoreResult<()> {
    policy.validate().map_err(|error| match error {
        PolicyError::I94CheckDays { min, max, .. } => {
            StoreError::field("i94_check_days", Problem::Between { min: min.into(), max: max.into() })
        }
        PolicyError::ReminderTooFar(_) => StoreError::field(
            "reminder_days",
            Problem::AtMost { max: amparo_domain::policy::MAX_REMINDER_DAYS.into() },
        ),
    })
}

impl Store {
    /// The organisation's policy (lead days, refresh days, critical-care threshold, closure days).
    pub fn policy(&self, org: &OrgId) -> StoreResult<Policy> {
        self.read(|tx| load_policy(tx, org))
    }

    /// Replaces the policy and re-derives every case of the organisation in the same transaction;
    /// returns how many cases were re-derived. As [`Store::update_policy`] with no acting person.
    pub fn set_policy(&self, org: &OrgId, policy: &Policy, now: DateTime<Utc>) -> StoreResult<usize> {
        self.update_policy(org, &|_| Ok(policy.clone()), None, now)
    }

    /// Changes the policy in one transaction: `change` is given the policy in force and returns the
    /// new one (so a form that shows some settings keeps the others as they are now, not as they were
    /// when it was read). A setting out of its bounds (`i94_check_days`, `reminder_days`) is refused
    /// naming the field and nothing is written; otherwise the change is audited with the policy
    /// before and after, and every case of the organisation is re-derived under the new one. Returns
    /// how many cases were re-derived.
    pub fn update_policy(
        &self,
        org: &OrgId,
        change: &dyn Fn(Policy) -> StoreResult<Policy>,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        self.write(|tx| {
            // Every case writer shares this lock from its case's lock on: once it is held, no case
            // is being derived under the policy being replaced, and none will be until it commits.
            self.lock_row(tx, RowLock::Policy, &[org.as_str().into()])?;
            let before = load_policy(tx, org)?;
            let policy = change(before.clone())?;
            check_policy(&policy)?;
            let context =
                DeriveContext::new(today_for(tx, org, now)?, &policy, self.rule_set(), now, self.sealer());
            let rederived = derivation::rederive_all(tx, self.sealer(), org, &context)?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor,
                action: "policy.changed",
                target: org.as_str(),
                detail: serde_json::json!({ "before": before, "after": policy }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            // The organisation's row after the chain, as every change of it (its profile, its second
            // factor requirement) writes it.
            save_policy(tx, org, &policy)?;
            Ok(rederived)
        })
    }

    /// Changes the organisation's own escalation checklists in one transaction: `change` is given
    /// the current ones (`None`: the server's are in force) and returns the new (`None`: back to the
    /// server's), so two administrators editing two checklists at once both keep their change.
    /// Audited; only escalations opened afterwards follow them, so nothing is re-derived.
    pub fn update_escalation_templates(
        &self,
        org: &OrgId,
        change: &dyn Fn(Option<EscalationTemplates>) -> StoreResult<Option<EscalationTemplates>>,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            // The policy's lock serialises this with every other change of the policy.
            self.lock_row(tx, RowLock::Policy, &[org.as_str().into()])?;
            let before = load_policy(tx, org)?;
            let after = Policy {
                escalation_templates: change(before.escalation_templates.clone())?,
                ..before.clone()
            };
            let id = |p: &Policy| p.escalation_templates.as_ref().map(|t| t.id.clone());
            let entry = audit::Entry {
                chain: org.as_str(),
                actor,
                action: "escalation_templates.changed",
                target: org.as_str(),
                detail: serde_json::json!({ "before": id(&before), "after": id(&after) }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            save_policy(tx, org, &after)
        })
    }
}
