//! An organisation's own settings that the rules read: how early it aims to file, how often medical
//! facts are re-attested, what counts as critical care, and the days its office is closed.

use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::date::Date;
use crate::triage::EscalationTemplates;

pub const DEFAULT_RE_PAROLE_LEAD_DAYS: u32 = 90;
pub const DEFAULT_MEDICAL_REFRESH_DAYS: u32 = 180;
pub const DEFAULT_CRITICAL_CARE_THRESHOLD_DAYS: u32 = 7;
/// Days before a deadline on which the people on the case are reminded; 0 is the day itself.
pub const DEFAULT_REMINDER_DAYS: [u32; 7] = [90, 60, 30, 14, 7, 1, 0];
/// The longest lead a reminder may have: a year.
pub const MAX_REMINDER_DAYS: u32 = 366;

/// Organisation settings. Every field has a documented default, so an empty document is a valid
/// policy; unknown fields are refused so a misspelt setting cannot be silently ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Days before parole ends by which the organisation aims to have filed re-parole (default 90,
    /// what practitioners advise as a minimum).
    pub re_parole_lead_days: u32,
    /// Days after a clinician's attestation by which it should be refreshed (default 180).
    pub medical_refresh_days: u32,
    /// A case is critical-care when its days to critical harm are at most this (default 7).
    pub critical_care_threshold_days: u32,
    /// Extra days the office is closed; internal targets move back past them. Legal deadlines do not
    /// move for them: a government deadline does not wait for an office closure.
    pub closure_days: Vec<Date>,
    /// Days before each deadline on which reminders go out (default 90, 60, 30, 14, 7, 1 and the day
    /// itself, 0).
    pub reminder_days: Vec<u32>,
    /// The organisation's own escalation checklists; without them, the server's (from
    /// `escalation_templates_file`, else Amparo's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation_templates: Option<EscalationTemplates>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            re_parole_lead_days: DEFAULT_RE_PAROLE_LEAD_DAYS,
            medical_refresh_days: DEFAULT_MEDICAL_REFRESH_DAYS,
            critical_care_threshold_days: DEFAULT_CRITICAL_CARE_THRESHOLD_DAYS,
            closure_days: Vec::new(),
            reminder_days: DEFAULT_REMINDER_DAYS.to_vec(),
            escalation_templates: None,
        }
    }
}

impl Policy {
    /// The calendar for the organisation's own targets: federal holidays plus its closure days.
    pub fn calendar(&self) -> Calendar {
        Calendar::with_closures(self.closure_days.iter().copied())
    }

    /// The escalation checklists in force: the organisation's own, else the server's.
    pub fn checklists<'a>(&'a self, server: &'a EscalationTemplates) -> &'a EscalationTemplates {
        self.escalation_templates.as_ref().unwrap_or(server)
    }

    /// The reminder offsets, distinct and longest first, or why they are not acceptable.
    pub fn reminder_offsets(&self) -> Result<Vec<u32>, String> {
        if let Some(day) = self.reminder_days.iter().find(|d| **d > MAX_REMINDER_DAYS) {
            return Err(format!("reminder_days: {day} is more than {MAX_REMINDER_DAYS} days ahead"));
        }
        let mut days = self.reminder_days.clone();
        days.sort_unstable_by(|a, b| b.cmp(a));
        days.dedup();
        Ok(days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_document_gives_the_documented_defaults() {
        let policy: Policy = serde_json::from_str("{}").unwrap();
        assert_eq!(policy, Policy::default());
        assert_eq!(policy.re_parole_lead_days, 90);
        assert_eq!(policy.medical_refresh_days, 180);
        assert_eq!(policy.critical_care_threshold_days, 7);
        assert!(policy.closure_days.is_empty());
        assert_eq!(policy.reminder_days, vec![90, 60, 30, 14, 7, 1, 0]);
    }

    #[test]
    fn reminder_offsets_are_distinct_longest_first_and_bounded() {
        let policy = Policy { reminder_days: vec![1, 30, 0, 30], ..Policy::default() };
        assert_eq!(policy.reminder_offsets().unwrap(), vec![30, 1, 0]);
        let too_far = Policy { reminder_days: vec![400], ..Policy::default() };
        assert!(too_far.reminder_offsets().unwrap_err().contains("400"));
    }

    #[test]
    fn round_trips_and_refuses_unknown_settings() {
        let policy = Policy {
            re_parole_lead_days: 120,
            closure_days: vec!["2026-12-24".parse().unwrap()],
            ..Policy::default()
        };
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), policy);
        let toml_text = toml::to_string(&policy).unwrap();
        assert_eq!(toml::from_str::<Policy>(&toml_text).unwrap(), policy);
        assert!(serde_json::from_str::<Policy>(r#"{"re_parole_lead_dayz": 3}"#).is_err());
        assert!(policy.calendar().is_closure("2026-12-24".parse().unwrap()));
    }
}
