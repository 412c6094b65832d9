//! Who is told about what. Notices go to the staff on a case by role: attorney and advocate for every
//! legal date (an EAD revocation's response among them), the advocate alone for what the family does
//! themselves with the advocate's help (reporting an address, registering at 14), the clinician only
//! for medical ones (an attestation to refresh, a critical-care escalation). The decision is pure so that the store and its tests apply the same one.

use serde::{Deserialize, Serialize};

use crate::org::UserRole;
use crate::rules::DeadlineKind;

/// The kinds of notice Amparo sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A deadline is some days away (or due today).
    DeadlineApproaching,
    /// An escalation opened on a case.
    EscalationOpened,
    /// A task was given to someone.
    TaskAssigned,
    /// A task passed its due time undone.
    TaskOverdue,
    /// One message a day per person: what is due on their cases.
    DailyDigest,
    /// A scheduled backup failed (to administrators, at most once a day).
    BackupFailed,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::DeadlineApproaching,
        NoticeKind::EscalationOpened,
        NoticeKind::TaskAssigned,
        NoticeKind::TaskOverdue,
        NoticeKind::DailyDigest,
        NoticeKind::BackupFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::DeadlineApproaching => "deadline_approaching",
            NoticeKind::EscalationOpened => "escalation_opened",
            NoticeKind::TaskAssigned => "task_assigned",
            NoticeKind::TaskOverdue => "task_overdue",
            NoticeKind::DailyDigest => "daily_digest",
            NoticeKind::BackupFailed => "backup_failed",
        }
    }

    pub fn parse(text: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Whether a deadline of this kind concerns the patient's care rather than only the law.
pub fn is_medical(kind: DeadlineKind) -> bool {
    matches!(kind, DeadlineKind::MedicalAttestationRefreshBy)
}

/// The roles on a case reminded of a deadline of `kind` (a kind the rule set names but this build
/// does not know is treated as a legal date).
pub fn deadline_recipients(kind: Option<DeadlineKind>) -> &'static [UserRole] {
    match kind {
        Some(kind) if is_medical(kind) => &[UserRole::Attorney, UserRole::Advocate, UserRole::Clinician],
        Some(kind) if is_family_filing(kind) => &[UserRole::Advocate],
        _ => &[UserRole::Attorney, UserRole::Advocate],
    }
}

/// Whether a deadline of this kind is a filing the family makes with the advocate's help rather than
/// one the attorney prepares: an address report (Form AR-11) or registration at 14.
pub fn is_family_filing(kind: DeadlineKind) -> bool {
    matches!(kind, DeadlineKind::AddressReportDue | DeadlineKind::RegistrationAt14Due)
}

/// The roles on a case told that an escalation opened; critical care is a medical matter too.
pub fn escalation_recipients(critical_care: bool) -> &'static [UserRole] {
    if critical_care {
        &[UserRole::Attorney, UserRole::Advocate, UserRole::Clinician]
    } else {
        &[UserRole::Attorney, UserRole::Advocate]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clinicians_hear_only_of_medical_matters() {
        assert!(!deadline_recipients(Some(DeadlineKind::ParoleEnds)).contains(&UserRole::Clinician));
        assert!(!deadline_recipients(None).contains(&UserRole::Clinician));
        assert!(
            deadline_recipients(Some(DeadlineKind::MedicalAttestationRefreshBy))
                .contains(&UserRole::Clinician)
        );
        assert!(escalation_recipients(true).contains(&UserRole::Clinician));
        assert!(!escalation_recipients(false).contains(&UserRole::Clinician));
        for kind in DeadlineKind::ALL {
            let roles = deadline_recipients(Some(kind));
            assert!(roles.contains(&UserRole::Advocate), "{kind}");
            assert_eq!(roles.contains(&UserRole::Attorney), !is_family_filing(kind), "{kind}");
        }
    }

    #[test]
    fn family_filings_go_to_the_advocate_and_a_revocation_response_to_both() {
        for kind in [DeadlineKind::AddressReportDue, DeadlineKind::RegistrationAt14Due] {
            assert_eq!(deadline_recipients(Some(kind)), [UserRole::Advocate], "{kind}");
        }
        let revocation = deadline_recipients(Some(DeadlineKind::EadRevocationResponseDue));
        assert_eq!(revocation, [UserRole::Attorney, UserRole::Advocate]);
    }

    #[test]
    fn kinds_round_trip_through_text() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NoticeKind::parse("nope"), None);
    }
}
