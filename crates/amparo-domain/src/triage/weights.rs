//! The numbers of triage: how many points each fact is worth and the day counts that scale them. They
//! live in the rule set's `[triage]` table (see `rules/us-parole-2026.1.toml`), are checked when the
//! rule set loads, and are reached with [`RuleSet::triage`](crate::RuleSet::triage).
//!
//! Every table and every key is optional: a missing one takes the value shipped in the built-in rule
//! set, so rule sets written before triage existed still load. A key that is not known is refused, so
//! a misspelt weight can never be silently ignored.

use serde::{Deserialize, Serialize};

/// Upper bound for any number of points: far above any weight that makes sense, low enough that sums
/// over every component of a case cannot overflow.
pub const MAX_POINTS: i64 = 100_000;
/// Upper bound for any number of days in the table (ten years).
pub const MAX_DAYS: i64 = 3650;

/// Points for the patient's medical urgency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MedicalWeights {
    /// Points for a critical-care patient (days to critical harm at most the organisation's threshold).
    /// Must exceed the most a non-critical case can earn outside its legal facts (`fragile` +
    /// `care_unavailable_abroad` + `no_attorney` + `attestation_stale`), so a critical-care case always
    /// outranks a non-critical one with the same legal facts.
    pub critical_care: i64,
    /// Extra points for each day the patient is below the threshold (threshold 7, 3 days to harm: 4 × this).
    pub critical_care_per_day: i64,
    /// A patient with at most this many days to critical harm, but not critical-care, is fragile.
    pub fragile_days: i64,
    /// Points for a fragile patient.
    pub fragile: i64,
    /// Points when the care is recorded as not available in the country of origin.
    pub care_unavailable_abroad: i64,
    /// On a critical-care case, legal exposure counts this many percent more (50: one and a half times).
    pub critical_exposure_percent: i64,
    /// On a critical-care case, points when an adult family member in the United States has lost
    /// federal Medicaid: the person caring for the patient may lose their own care.
    pub family_coverage_lost: i64,
}

impl Default for MedicalWeights {
    fn default() -> Self {
        MedicalWeights {
            critical_care: 300,
            critical_care_per_day: 20,
            fragile_days: 30,
            fragile: 60,
            care_unavailable_abroad: 40,
            critical_exposure_percent: 50,
            family_coverage_lost: 40,
        }
    }
}

/// Points for legal exposure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LegalWeights {
    /// Points when someone's parole has expired and they are still in the United States. At least
    /// `parole_ends_max`: a lapse never scores below a parole about to lapse.
    pub parole_expired: i64,
    /// Points when someone's parole was terminated and its end is past. At least `parole_expired`.
    pub parole_terminated: i64,
    /// Points for a termination notice that cut someone's current grant short, whether its effective
    /// date is past or still to come. At least 1: a termination notice always raises the score.
    pub termination_notice: i64,
    /// Parole ending within this many days scores; further away it does not.
    pub parole_ends_horizon_days: i64,
    /// Points for parole ending today, falling in a straight line to 0 at the horizon.
    pub parole_ends_max: i64,
    /// Base points for an open request for evidence (RFE).
    pub rfe_open: i64,
    /// Base points for an open notice of intent to deny (NOID).
    pub noid_open: i64,
    /// Base points for a parole denial with no motion filed while the motion period runs.
    pub motion_open: i64,
    /// Base points for an unpaid fee notice.
    pub fee_open: i64,
    /// A response due within this many days earns extra points on top of its base.
    pub response_window_days: i64,
    /// Extra points for a response due today or overdue, falling in a straight line to 0 at the window.
    pub response_due_max: i64,
}

impl Default for LegalWeights {
    fn default() -> Self {
        LegalWeights {
            parole_expired: 250,
            parole_terminated: 300,
            termination_notice: 200,
            parole_ends_horizon_days: 180,
            parole_ends_max: 180,
            rfe_open: 40,
            noid_open: 80,
            motion_open: 60,
            fee_open: 40,
            response_window_days: 30,
            response_due_max: 90,
        }
    }
}

/// Points for gaps in the team's own work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GapWeights {
    /// Points when no attorney is assigned to the case.
    pub no_attorney: i64,
    /// Points when the medical attestation's refresh date has passed.
    pub attestation_stale: i64,
    /// A re-parole target date within this many days (and not yet past) counts as due soon.
    pub re_parole_due_within_days: i64,
    /// Points when re-parole is not filed and its target date is within `re_parole_due_within_days`.
    pub re_parole_due_soon: i64,
    /// Points when re-parole is not filed and its target date has passed, or when parole was terminated
    /// and no new request is on file. At least `re_parole_due_soon`.
    pub re_parole_overdue: i64,
}

impl Default for GapWeights {
    fn default() -> Self {
        GapWeights {
            no_attorney: 40,
            attestation_stale: 30,
            re_parole_due_within_days: 14,
            re_parole_due_soon: 40,
            re_parole_overdue: 80,
        }
    }
}

/// Numbers of the critical-care protocol's triggers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EscalationWeights {
    /// A critical-care case whose parole ends within this many days, with no re-parole filed, opens an
    /// escalation.
    pub expiry_window_days: i64,
}

impl Default for EscalationWeights {
    fn default() -> Self {
        EscalationWeights { expiry_window_days: 60 }
    }
}

/// Every number of triage, as loaded from a rule set's `[triage]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TriageWeights {
    pub medical: MedicalWeights,
    pub legal: LegalWeights,
    pub gaps: GapWeights,
    pub escalation: EscalationWeights,
}

/// Why a `[triage]` table was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TriageWeightsError {
    #[error("triage.{field} must be from {min} to {max}, found {found}")]
    OutOfRange { field: &'static str, min: i64, max: i64, found: i64 },
    #[error("triage.{field} ({value}) must be {relation} {other_field} ({other}): {reason}")]
    Inconsistent {
        field: &'static str,
        value: i64,
        relation: &'static str,
        other_field: &'static str,
        other: i64,
        reason: &'static str,
    },
}

fn range(field: &'static str, value: i64, min: i64, max: i64) -> Result<(), TriageWeightsError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(TriageWeightsError::OutOfRange { field, min, max, found: value })
    }
}

impl TriageWeights {
    /// Checks every number's range and the relations the ranking's guarantees rest on.
    pub fn validate(&self) -> Result<(), TriageWeightsError> {
        let m = &self.medical;
        let l = &self.legal;
        let g = &self.gaps;
        let points = [
            ("medical.critical_care", m.critical_care),
            ("medical.critical_care_per_day", m.critical_care_per_day),
            ("medical.fragile", m.fragile),
            ("medical.care_unavailable_abroad", m.care_unavailable_abroad),
            ("medical.family_coverage_lost", m.family_coverage_lost),
            ("legal.parole_expired", l.parole_expired),
            ("legal.parole_terminated", l.parole_terminated),
            ("legal.parole_ends_max", l.parole_ends_max),
            ("legal.rfe_open", l.rfe_open),
            ("legal.noid_open", l.noid_open),
            ("legal.motion_open", l.motion_open),
            ("legal.fee_open", l.fee_open),
            ("legal.response_due_max", l.response_due_max),
            ("gaps.no_attorney", g.no_attorney),
            ("gaps.attestation_stale", g.attestation_stale),
            ("gaps.re_parole_due_soon", g.re_parole_due_soon),
            ("gaps.re_parole_overdue", g.re_parole_overdue),
        ];
        for (field, value) in points {
            range(field, value, 0, MAX_POINTS)?;
        }
        range("legal.termination_notice", l.termination_notice, 1, MAX_POINTS)?;
        let days = [
            ("medical.fragile_days", m.fragile_days),
            ("legal.parole_ends_horizon_days", l.parole_ends_horizon_days),
            ("legal.response_window_days", l.response_window_days),
            ("gaps.re_parole_due_within_days", g.re_parole_due_within_days),
            ("escalation.expiry_window_days", self.escalation.expiry_window_days),
        ];
        for (field, value) in days {
            range(field, value, 1, MAX_DAYS)?;
        }
        range("medical.critical_exposure_percent", m.critical_exposure_percent, 0, 1000)?;

        let at_least = |field, value: i64, other_field, other: i64, reason| {
            if value >= other {
                Ok(())
            } else {
                Err(TriageWeightsError::Inconsistent {
                    field,
                    value,
                    relation: "at least",
                    other_field,
                    other,
                    reason,
                })
            }
        };
        at_least(
            "legal.parole_expired",
            l.parole_expired,
            "legal.parole_ends_max",
            l.parole_ends_max,
            "a lapsed parole must never score below one about to lapse",
        )?;
        at_least(
            "legal.parole_terminated",
            l.parole_terminated,
            "legal.parole_expired",
            l.parole_expired,
            "a termination must never score below an expiry",
        )?;
        at_least(
            "gaps.re_parole_overdue",
            g.re_parole_overdue,
            "gaps.re_parole_due_soon",
            g.re_parole_due_soon,
            "a missed target must never score below one coming up",
        )?;
        let non_legal = m.fragile + m.care_unavailable_abroad + g.no_attorney + g.attestation_stale;
        if m.critical_care <= non_legal {
            return Err(TriageWeightsError::Inconsistent {
                field: "medical.critical_care",
                value: m.critical_care,
                relation: "more than",
                other_field: "medical.fragile + medical.care_unavailable_abroad + gaps.no_attorney + gaps.attestation_stale",
                other: non_legal,
                reason: "a critical-care case must outrank any non-critical case with the same legal facts",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(TriageWeights::default().validate(), Ok(()));
    }

    #[test]
    fn relations_are_enforced() {
        let mut w = TriageWeights::default();
        w.medical.critical_care = 170;
        assert!(matches!(
            w.validate(),
            Err(TriageWeightsError::Inconsistent { field: "medical.critical_care", other: 170, .. })
        ));
        let mut w = TriageWeights::default();
        w.legal.termination_notice = 0;
        assert!(matches!(
            w.validate(),
            Err(TriageWeightsError::OutOfRange { field: "legal.termination_notice", .. })
        ));
    }
}
