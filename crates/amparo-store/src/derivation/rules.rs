//! The rule set stored deadlines are derived under, with a fingerprint of its text so that a change
//! is noticed and every case re-derived, and the checklists escalations open with.

use std::sync::Arc;

use amparo_domain::{EscalationTemplates, RuleSet};
use chrono::{DateTime, Utc};

use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::{Store, audit, meta};

/// The meta key under which the fingerprint of the rules behind stored deadlines is kept.
const RULES_META_KEY: &str = "rule_set";
const INVALIDATE_ALL_DERIVED: &str = "UPDATE cases SET derived_on = NULL";
/// The id of the rule set adopted last, from the installation's audit trail (`$1`).
const LAST_ADOPTED_ID: &str = "SELECT target FROM audit_log WHERE org_id = $1 AND action = 'rule_set.adopted' ORDER BY seq DESC LIMIT 1";

#[derive(Clone)]
pub struct Rules {
    pub set: Arc<RuleSet>,
    pub templates: Arc<EscalationTemplates>,
    pub fingerprint: String,
}

impl Rules {
    pub fn builtin() -> StoreResult<Rules> {
        Rules::from_toml(amparo_domain::rules::BUILTIN_TOML, amparo_domain::triage::BUILTIN_ESCALATION_TOML)
    }

    /// An operator's rule-set and escalation-template files; errors name the file's problem.
    pub fn from_toml(rules: &str, templates: &str) -> StoreResult<Rules> {
        let set = RuleSet::from_toml(rules).map_err(|e| StoreError::Invalid(format!("rule set: {e}")))?;
        let templates = EscalationTemplates::from_toml(templates)
            .map_err(|e| StoreError::Invalid(format!("escalation templates: {e}")))?;
        // Templates only shape checklists of escalations opened from now on; stored deadlines and
        // scores do not depend on them, so only the rules enter the fingerprint.
        let fingerprint = format!("{:016x}", fnv1a(rules.as_bytes()));
        Ok(Rules { set: Arc::new(set), templates: Arc::new(templates), fingerprint })
    }
}

/// FNV-1a: enough to notice that a rule-set file changed; not a security measure.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Records `rules` as the rules behind stored deadlines, in the installation's audit trail too; on a
/// change, marks every case stale. Returns whether cases were marked. The caller holds the
/// installation chain's lock.
fn adopt(tx: &mut dyn Tx, signer: &audit::Signer, rules: &Rules, now: DateTime<Utc>) -> StoreResult<bool> {
    let fingerprint = rules.fingerprint.as_str();
    let recorded = meta::get(tx, RULES_META_KEY)?;
    if recorded.as_deref() == Some(fingerprint) {
        return Ok(false);
    }
    meta::delete(tx, RULES_META_KEY)?;
    meta::insert(tx, RULES_META_KEY, fingerprint)?;
    // The entry names the rule sets before and after (us-parole/2026.1 → us-parole/2027.1); the one
    // before is the target of the previous adoption, as the fingerprint alone does not say it.
    let previous_id = match recorded {
        Some(_) => {
            tx.query_opt(LAST_ADOPTED_ID, &[audit::INSTALLATION.into()])?.map(|r| r.text(0)).transpose()?
        }
        None => None,
    };
    // The weights of the triage live in the rule set, so this records every change to them.
    let entry = audit::Entry {
        chain: audit::INSTALLATION,
        actor: None,
        action: "rule_set.adopted",
        target: &rules.set.id,
        detail: serde_json::json!({
            "fingerprint": fingerprint,
            "previous": recorded,
            "rule_set": { "before": previous_id, "after": rules.set.id },
        }),
    };
    audit::append(tx, signer, entry, now)?;
    // A database without a record has had no derivations under other rules; nothing to redo.
    if recorded.is_some() {
        tx.execute(INVALIDATE_ALL_DERIVED, &[])?;
    }
    Ok(recorded.is_some())
}

impl Store {
    /// Records this store's rule set as the one behind stored deadlines; when it differs from the one
    /// recorded, marks every case of every organisation for re-derivation. Returns whether it did.
    pub fn adopt_rules(&self) -> StoreResult<bool> {
        self.write(|tx| {
            self.lock_installation(tx)?;
            self.lock_audit_chain(tx, audit::INSTALLATION)?;
            adopt(tx, &self.audit_signer(), self.rule_set(), self.clock())
        })
    }
}
