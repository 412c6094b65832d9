//! An organisation's own settings that the rules read: how early it aims to file, how often medical
//! facts are re-attested, what counts as critical care, and the days its office is closed.

use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::date::Date;
use crate::triage::EscalationTemplates;

pub const DEFAULT_RE_PAROLE_LEAD_DAYS: u32 = 90;
pub const DEFAULT_MEDICAL_REFRESH_DAYS: u32 = 180;
pub const DEFAULT_CRITICAL_CARE_THRESHOLD_DAYS: u32 = 7;
/// Days after a grant or the last look at the I-94 by which to look again (rules.md, I-94 recheck).
pub const DEFAULT_I94_CHECK_DAYS: u32 = 30;
/// The I-94 check period's bounds: at least daily, at most a year apart.
pub const I94_CHECK_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=365;
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
    /// Days after the latest grant or I-94 check by which someone looks at the online I-94 again
    /// (default 30): CBP has changed parole end dates there without a written notice.
    pub i94_check_days: u32,
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
            i94_check_days: DEFAULT_I94_CHECK_DAYS,
            closure_days: Vec::new(),
            reminder_days: DEFAULT_REMINDER_DAYS.to_vec(),
            escalation_templates: None,
        }
    }
}

/// A setting outside what the rules can use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("i94_check_days must be from {min} to {max}, found {found}")]
    I94CheckDays { found: u32, min: u32, max: u32 },
    #[error("reminder_days: {0} is more than {MAX_REMINDER_DAYS} days ahead")]
    ReminderTooFar(u32),
}

impl Policy {
    /// Checks the settings whose values are bounded; the field is named in the error.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if !I94_CHECK_DAYS_RANGE.contains(&self.i94_check_days) {
            return Err(PolicyError::I94CheckDays {
                found: self.i94_check_days,
                min: *I94_CHECK_DAYS_RANGE.start(),
                max: *I94_CHECK_DAYS_RANGE.end(),
            });
        }
        if let Some(day) = self.reminder_days.iter().find(|d| **d > MAX_REMINDER_DAYS) {
            return Err(PolicyError::ReminderTooFar(*day));
        }
        Ok(())
    }

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
        assert_eq!(policy.i94_check_days, 30);
        assert_eq!(policy.validate(), Ok(()));
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
    fn the_i94_check_period_is_bounded() {
        for (days, ok) in [(0, false), (1, true), (30, true), (365, true), (366, false)] {
            let policy = Policy { i94_check_days: days, ..Policy::default() };
            assert_eq!(policy.validate().is_ok(), ok, "{days}");
        }
        let error = Policy { i94_check_days: 0, ..Policy::default() }.validate().unwrap_err();
        assert!(error.to_string().starts_with("i94_check_days must be from 1 to 365"), "{error}");
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
