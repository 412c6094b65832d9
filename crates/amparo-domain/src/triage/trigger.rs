//! Escalation triggers of the critical-care protocol: which conditions on a case call for an escalation,
//! which of them a new event opened, and when one is resolved by later events.
//!
//! A trigger is *open* on a case as of a day when:
//! - `termination_notice`: the case is critical-care and a termination notice is on file that is not
//!   resolved — resolved once every person it concerns (everyone, when it names no one) has a
//!   `parole_granted` dated after it (a grant received after a re-parole request included) or has
//!   departed since it;
//! - `parole_denied`: the case is critical-care and a parole denial is on file with no `motion_filed`
//!   on or after it and no `parole_granted` after it for a person it concerns;
//! - `noid_received`: any case, a notice of intent to deny with no `noid_answered` on or after it;
//! - `parole_expiring`: the case is critical-care and a person still in the United States has a
//!   current grant ending (not by termination) within `[triage.escalation] expiry_window_days`
//!   (60 in the built-in rule set) or already ended, with no `re_parole_filed` on or after the grant —
//!   resolved by a `re_parole_filed` or a later grant for every person the grant concerns.
//!
//! [`escalation_triggers`] compares the open triggers before and after a change (usually one appended
//! event) and returns the ones the change opened: a termination notice appended to a critical-care case,
//! or a re-attestation that makes a case with a pending notice critical-care. A trigger that only opens
//! with the passing of time (the expiry window) is found by running [`open_triggers`] on a schedule and
//! comparing with the escalations already open.
//!
//! Resolution never reads criticality: a case that stops being critical-care keeps its escalation until
//! the events resolve it or a person closes it. Actions count whatever their date; a departure counts
//! from its date on.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::{Event, EventKind};
use crate::policy::Policy;
use crate::rules::{EndCause, RuleSet, current_grant, live_events};

use super::critical::critical_care;
use super::reason::TriggerReason;

/// What opened an escalation. The string ids are stable: stores and templates key on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerKind {
    /// A termination notice on a critical-care case.
    TerminationNotice,
    /// A parole denial on a critical-care case.
    ParoleDenied,
    /// A notice of intent to deny, on any case.
    NoidReceived,
    /// A critical-care case near the end of its parole with no re-parole filed.
    ParoleExpiring,
}

impl TriggerKind {
    pub const ALL: [TriggerKind; 4] = [
        TriggerKind::TerminationNotice,
        TriggerKind::ParoleDenied,
        TriggerKind::NoidReceived,
        TriggerKind::ParoleExpiring,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::TerminationNotice => "termination_notice",
            TriggerKind::ParoleDenied => "parole_denied",
            TriggerKind::NoidReceived => "noid_received",
            TriggerKind::ParoleExpiring => "parole_expiring",
        }
    }

    pub fn parse(text: &str) -> Option<TriggerKind> {
        TriggerKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The event type behind the trigger (for `parole_expiring`, the grant).
    fn event_type(self) -> &'static str {
        match self {
            TriggerKind::TerminationNotice => "termination_notice",
            TriggerKind::ParoleDenied => "parole_denied",
            TriggerKind::NoidReceived => "noid_received",
            TriggerKind::ParoleExpiring => "parole_granted",
        }
    }
}

impl fmt::Display for TriggerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason to open an escalation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub kind: TriggerKind,
    /// The id of the event behind it (the notice, the denial, the NOID, or the grant that is ending),
    /// when the event has one.
    pub event_id: Option<String>,
    /// The date of that event; with `kind` and `event_id` it identifies the trigger.
    pub event_on: Date,
    /// Whether the case was critical-care when the trigger was found (choose the plan's due times by it).
    pub critical_care: bool,
    /// What the trigger says, as facts rendered in the reader's language.
    pub reason: TriggerReason,
}

impl Trigger {
    /// Whether two triggers are about the same event (the texts may differ as days pass).
    pub fn same_as(&self, other: &Trigger) -> bool {
        self.kind == other.kind && self.event_id == other.event_id && self.event_on == other.event_on
    }
}

/// Every trigger open on `file` as of `today`, in timeline order (expiry triggers last).
pub fn open_triggers(file: &CaseFile, today: Date, policy: &Policy, rules: &RuleSet) -> Vec<Trigger> {
    let critical = critical_care(file, policy);
    let live = live_events(file);
    let mut out = Vec::new();
    let harm_days = i64::from(critical.days_to_critical_harm.unwrap_or(0));
    for event in &live {
        match &event.kind {
            EventKind::TerminationNotice { depart_by, .. }
                if critical.critical && !termination_resolved(file, &live, event, today) =>
            {
                let reason = TriggerReason::TerminationNotice {
                    notice_on: event.on,
                    harm_days,
                    depart_by: *depart_by,
                    as_of: today,
                };
                out.push(trigger(TriggerKind::TerminationNotice, event, true, reason));
            }
            EventKind::ParoleDenied { .. } if critical.critical && !denial_resolved(&live, event) => {
                let reason = TriggerReason::ParoleDenied { denied_on: event.on, harm_days };
                out.push(trigger(TriggerKind::ParoleDenied, event, true, reason));
            }
            EventKind::NoidReceived { respond_by, .. } if !noid_resolved(&live, event) => {
                let reason = TriggerReason::NoidReceived {
                    received_on: event.on,
                    respond_by: *respond_by,
                    critical_care: critical.critical,
                    as_of: today,
                };
                out.push(trigger(TriggerKind::NoidReceived, event, critical.critical, reason));
            }
            _ => {}
        }
    }
    if critical.critical {
        expiring(&mut out, file, &live, today, rules);
    }
    out
}

fn trigger(kind: TriggerKind, event: &Event, critical: bool, reason: TriggerReason) -> Trigger {
    Trigger { kind, event_id: event.id.clone(), event_on: event.on, critical_care: critical, reason }
}

fn departed_since(live: &[&Event], key: &str, since: Date, today: Date) -> bool {
    live.iter()
        .any(|e| matches!(e.kind, EventKind::Departed) && e.concerns(key) && e.on >= since && e.on <= today)
}

fn granted_after(live: &[&Event], key: &str, after: Date) -> bool {
    live.iter().any(|e| matches!(e.kind, EventKind::ParoleGranted { .. }) && e.concerns(key) && e.on > after)
}

fn re_parole_filed_since(live: &[&Event], key: &str, since: Date) -> bool {
    live.iter().any(|e| matches!(e.kind, EventKind::ReParoleFiled { .. }) && e.concerns(key) && e.on >= since)
}

/// The keys of the people an event concerns.
fn concerned<'a>(file: &'a CaseFile, event: &'a Event) -> Vec<&'a str> {
    match &event.persons {
        Some(keys) => keys.iter().map(String::as_str).collect(),
        None => file.case.people.iter().map(|p| p.key.as_str()).collect(),
    }
}

fn termination_resolved(file: &CaseFile, live: &[&Event], notice: &Event, today: Date) -> bool {
    concerned(file, notice)
        .into_iter()
        .all(|key| granted_after(live, key, notice.on) || departed_since(live, key, notice.on, today))
}

fn denial_resolved(live: &[&Event], denial: &Event) -> bool {
    let motion = live.iter().any(|e| matches!(e.kind, EventKind::MotionFiled) && e.on >= denial.on);
    let granted = live.iter().any(|e| {
        matches!(e.kind, EventKind::ParoleGranted { .. })
            && e.on > denial.on
            && match &denial.persons {
                None => true,
                Some(keys) => keys.iter().any(|k| e.concerns(k)),
            }
    });
    motion || granted
}

fn noid_resolved(live: &[&Event], noid: &Event) -> bool {
    live.iter().any(|e| matches!(e.kind, EventKind::NoidAnswered) && e.on >= noid.on)
}

fn expiry_resolved(file: &CaseFile, live: &[&Event], grant: &Event, today: Date) -> bool {
    concerned(file, grant).into_iter().all(|key| {
        re_parole_filed_since(live, key, grant.on)
            || granted_after(live, key, grant.on)
            || departed_since(live, key, grant.on, today)
    })
}

fn expiring(out: &mut Vec<Trigger>, file: &CaseFile, live: &[&Event], today: Date, rules: &RuleSet) {
    let window = rules.triage().escalation.expiry_window_days;
    let mut seen: HashSet<*const Event> = HashSet::new();
    for person in &file.case.people {
        let key = person.key.as_str();
        let Some(grant) = current_grant(live, key) else { continue };
        if grant.cause != EndCause::Expiry
            || grant.granted_on > today
            || today.days_until(grant.end) > window
            || re_parole_filed_since(live, key, grant.granted_on)
            || departed_since(live, key, grant.granted_on, today)
            || !seen.insert(std::ptr::from_ref(grant.grant))
        {
            continue;
        }
        let reason = TriggerReason::ParoleExpiring { end: grant.end, as_of: today };
        out.push(trigger(TriggerKind::ParoleExpiring, grant.grant, true, reason));
    }
}

/// The escalations a change opens: the triggers open on `after` that were not open on `before` (every
/// open trigger when there is no `before`, e.g. a case just imported).
pub fn escalation_triggers(
    before: Option<&CaseFile>,
    after: &CaseFile,
    today: Date,
    policy: &Policy,
    rules: &RuleSet,
) -> Vec<Trigger> {
    let opened = open_triggers(after, today, policy, rules);
    let Some(before) = before else {
        return opened;
    };
    let already = open_triggers(before, today, policy, rules);
    opened.into_iter().filter(|t| !already.iter().any(|a| a.same_as(t))).collect()
}

/// Whether later events on `file` resolve `trigger` as of `today` (see the module documentation). A
/// trigger whose event is no longer on file, or was superseded, is resolved: the notice was void.
pub fn trigger_resolved(trigger: &Trigger, file: &CaseFile, today: Date) -> bool {
    let live = live_events(file);
    let event_type = trigger.kind.event_type();
    let found = live.iter().copied().find(|e| {
        e.kind.type_name() == event_type
            && e.on == trigger.event_on
            && match &trigger.event_id {
                Some(id) => e.id.as_deref() == Some(id.as_str()),
                None => true,
            }
    });
    let Some(event) = found else {
        return true;
    };
    match trigger.kind {
        TriggerKind::TerminationNotice => termination_resolved(file, &live, event, today),
        TriggerKind::ParoleDenied => denial_resolved(&live, event),
        TriggerKind::NoidReceived => noid_resolved(&live, event),
        TriggerKind::ParoleExpiring => expiry_resolved(file, &live, event, today),
    }
}
