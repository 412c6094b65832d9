//! Critical care: a case is critical-care when its patient's days to critical harm, as most recently
//! attested, are at most the organisation's threshold (`Policy::critical_care_threshold_days`, default 7).
//!
//! The days come from [`crate::rules::days_to_critical_harm`]: the latest of the
//! medical profile's `days_to_critical_harm` (dated by its `attested_on`) and any non-superseded
//! `medical_attested` event that states a number. A case with no number on file is never critical-care.

use serde::Serialize;

use crate::case_file::CaseFile;
use crate::policy::Policy;
use crate::rules::days_to_critical_harm;

/// The patient's medical urgency as the triage reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CriticalCare {
    /// Days to critical harm if care stops, as most recently attested; `None` when nothing says.
    pub days_to_critical_harm: Option<u32>,
    /// The threshold it was compared with.
    pub threshold_days: u32,
    /// `days_to_critical_harm <= threshold_days`.
    pub critical: bool,
}

impl CriticalCare {
    /// Reads the days from `file` and compares them with `threshold_days`.
    pub fn of(file: &CaseFile, threshold_days: u32) -> CriticalCare {
        let days = days_to_critical_harm(file);
        CriticalCare {
            days_to_critical_harm: days,
            threshold_days,
            critical: days.is_some_and(|d| d <= threshold_days),
        }
    }
}

/// Whether `file` is a critical-care case under `policy`, with the days behind the answer.
pub fn critical_care(file: &CaseFile, policy: &Policy) -> CriticalCare {
    CriticalCare::of(file, policy.critical_care_threshold_days)
}
