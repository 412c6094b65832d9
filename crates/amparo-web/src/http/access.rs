//! Who may do what. The permission matrix is one table ([`MATRIX`]); every route declares the
//! access it needs when it is added ([`Routes::add`]), and the declaration is what the sign-in
//! extractor enforces, so a route cannot exist without a stated rule. `route_table` lists them all
//! for the authorisation test, which checks every route against every role.
//!
//! Some rules are about data rather than routes, and live with the data: a clinician sees only
//! cases shared with them, and of those not the legal timeline nor the family letter that recounts
//! it (`cases::visibility`), records only medical attestations, and completes only their own tasks; the store keeps these rules
//! (`amparo_store::access`) and checks them inside the transaction of each write.

use amparo_domain::org::UserRole;
use axum::Router;
use axum::routing::MethodRouter;

use crate::AppState;

/// Something a signed-in person may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read the case list, case pages, the triage board and one's own tasks.
    ViewCases,
    /// Record events of every type on a case's timeline, and open new cases.
    RecordEvents,
    /// Change a case's medical profile (a clinician only on a case shared with them); the other
    /// edits of a case need `RecordEvents`.
    EditMedical,
    /// Reach the event form and its API at all: those who record events, and a clinician, who on a
    /// case shared with them records medical attestations and nothing else (the store checks the
    /// event's type and the case inside the write).
    RecordAttestations,
    /// Attest a medical letter as its signing clinician (on a case shared with them): the letter is
    /// the clinician's to sign, so no other role attests one for them.
    AttestLetters,
    /// Assign staff to cases.
    AssignStaff,
    /// Complete tasks (a clinician only their own).
    WorkTasks,
    /// Hand a task to someone else.
    ReassignTasks,
    /// Open a review on every case a programme-wide change touches.
    RunReviews,
    /// Share a case with a clinician, or stop sharing it.
    ShareCases,
    /// Write case notes (a clinician on the cases shared with them).
    WriteNotes,
    /// Users, roles and organisation policy.
    ManageOrganisation,
    /// Browse and export the audit trail.
    ReadAudit,
}

use Permission::*;
use UserRole::{Admin, Advocate, Attorney, Clinician, Viewer};

/// The permission matrix: for each permission, the roles that hold it.
pub const MATRIX: &[(Permission, &[UserRole])] = &[
    (ViewCases, &[Admin, Attorney, Advocate, Clinician, Viewer]),
    (RecordEvents, &[Admin, Attorney, Advocate]),
    (EditMedical, &[Admin, Attorney, Advocate, Clinician]),
    (RecordAttestations, &[Admin, Attorney, Advocate, Clinician]),
    (AttestLetters, &[Clinician]),
    (AssignStaff, &[Admin, Attorney]),
    (WorkTasks, &[Admin, Attorney, Advocate, Clinician]),
    (ReassignTasks, &[Admin, Attorney, Advocate]),
    (RunReviews, &[Admin, Attorney]),
    (ShareCases, &[Admin, Attorney, Advocate]),
    (WriteNotes, &[Admin, Attorney, Advocate, Clinician]),
    (ManageOrganisation, &[Admin]),
    (ReadAudit, &[Admin]),
];

/// Whether `role` holds `permission`.
pub fn allows(role: UserRole, permission: Permission) -> bool {
    MATRIX.iter().any(|(p, roles)| *p == permission && roles.contains(&role))
}

/// What a route requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, health check, stylesheet).
    Public,
    /// Any signed-in member of the organisation (sign-out, the home redirect).
    SignedIn,
    /// Any signed-in member, also one who must set up a second factor before anything else: the
    /// pages that set it up, and sign-out.
    Enrolling,
    /// A signed-in member whose role holds the permission.
    Needs(Permission),
    /// No session: the operator's metrics scraper, by address (`metrics_allow`) or by the metrics
    /// token (see `metrics::access`).
    Metrics,
}

/// One route and the access it declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteAccess {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

/// The permission a route needs, carried in the request for the sign-in extractor to check.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Required(pub Permission);

/// Marks a route open to a session still waiting for its second factor to be set up.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EnrolmentAllowed;

/// Routes under construction, each with the access it requires; features build their own and the
/// application merges them.
pub(crate) struct Routes {
    entries: Vec<(RouteAccess, MethodRouter<AppState>)>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes { entries: Vec::new() }
    }

    /// Adds one method of one path with the access it requires.
    pub fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Routes {
        let handler = match access {
            Access::Needs(permission) => handler.route_layer(axum::Extension(Required(permission))),
            Access::Enrolling => handler.route_layer(axum::Extension(EnrolmentAllowed)),
            Access::Public | Access::SignedIn | Access::Metrics => handler,
        };
        self.entries.push((RouteAccess { method, path, access }, handler));
        self
    }

    /// The routes of `other` after these.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.entries.extend(other.entries);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteAccess>) {
        let mut router = Router::new();
        let mut table = Vec::with_capacity(self.entries.len());
        for (access, handler) in self.entries {
            // Two methods of one path are two entries; axum joins them under the path.
            router = router.route(access.path, handler);
            table.push(access);
        }
        (router, table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_is_in_the_matrix_once() {
        let all = [
            ViewCases,
            RecordEvents,
            EditMedical,
            RecordAttestations,
            AttestLetters,
            AssignStaff,
            WorkTasks,
            ReassignTasks,
            RunReviews,
            ShareCases,
            WriteNotes,
            ManageOrganisation,
            ReadAudit,
        ];
        for permission in all {
            assert_eq!(MATRIX.iter().filter(|(p, _)| *p == permission).count(), 1, "{permission:?}");
        }
        assert_eq!(MATRIX.len(), all.len());
    }

    #[test]
    fn viewers_only_read_and_clinicians_record_only_attestations() {
        assert!(allows(Viewer, ViewCases));
        assert!(MATRIX.iter().filter(|(_, roles)| roles.contains(&Viewer)).count() == 1);
        assert!(!allows(Clinician, RecordEvents));
        assert!(allows(Clinician, RecordAttestations) && !allows(Viewer, RecordAttestations));
        assert!(allows(Clinician, WorkTasks));
        assert!(allows(Admin, ReadAudit) && !allows(Attorney, ReadAudit));
        assert!(allows(Clinician, AttestLetters) && !allows(Attorney, AttestLetters));
    }
}
