//! An organisation's whole archive as data: everything it owns, keyed by what stays true in another
//! installation (case references, staff ids, escalation and task ids, event ids), never by a row's
//! place in this database. [`Store::export_organisation`](crate::Store::export_organisation) reads
//! it in one transaction; [`Store::restore_organisation`](crate::Store::restore_organisation) writes
//! it into an empty organisation in one. The file it travels in (a tar of JSON members) belongs to
//! the command line; this module holds only the sections and the rules they keep.

use amparo_domain::{CaseFile, Policy};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod attachments;
mod check;
mod export;
mod restore;

pub use attachments::{
    ArchivedAttachment, ArchivedFile, FOLDER as ATTACHMENTS_FOLDER, member_name, sha256_hex,
};
pub use restore::NO_PASSWORD;

/// Everything an organisation owns, section by section, each in a stable order.
#[derive(Clone, Debug)]
pub struct OrgArchive {
    pub organisation: ArchivedOrganisation,
    /// Ordered by id.
    pub staff: Vec<ArchivedMember>,
    /// Ordered by reference.
    pub cases: Vec<CaseFile>,
    /// Ordered by case reference, then role.
    pub assignments: Vec<ArchivedAssignment>,
    /// Ordered by case reference, then member.
    pub shares: Vec<ArchivedShare>,
    /// Ordered by case reference, then when opened, then id.
    pub escalations: Vec<ArchivedEscalation>,
    /// Ordered by case reference, then when created, then id.
    pub tasks: Vec<ArchivedTask>,
    /// The organisation's audit chain, oldest first, as it stood when the archive was read.
    pub audit: Vec<ArchivedAuditEntry>,
    /// The cases' attachments with their files in clear, ordered by case reference, then when
    /// uploaded, then id.
    pub attachments: Vec<ArchivedFile>,
}

/// The organisation's profile and settings: `organisation.json` (`amparo.organisation/1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedOrganisation {
    pub slug: String,
    pub name: String,
    /// An IANA time zone name.
    pub time_zone: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub letter_signature: String,
    pub require_second_factor: bool,
    /// Lead days, thresholds and the organisation's own escalation checklists.
    pub policy: Policy,
    pub created_at: DateTime<Utc>,
}

/// A staff member, without password or second factor: `staff.json` (`amparo.staff/1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedMember {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// `admin`, `attorney`, `advocate`, `clinician` or `viewer`.
    pub role: String,
    /// `en` or `es`.
    pub language: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated_at: Option<DateTime<Utc>>,
    /// `service` for a service account (an integration that holds organisation tokens and never
    /// signs in); absent for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Who holds a role on a case: a row of `assignments.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedAssignment {
    /// The case's reference.
    pub case: String,
    /// `attorney`, `advocate` or `clinician`.
    pub role: String,
    /// The staff member's id.
    pub user: String,
    pub assigned_at: DateTime<Utc>,
}

/// A case shared with a clinician: a row of `shares.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedShare {
    pub case: String,
    pub user: String,
    pub shared_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_by: Option<String>,
}

/// An escalation of the critical-care protocol: `escalations.json` (`amparo.escalations/1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedEscalation {
    pub id: String,
    pub case: String,
    pub trigger_kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_event: Option<String>,
    /// The trigger's date (YYYY-MM-DD).
    pub trigger_on: String,
    pub critical_care: bool,
    /// Why it opened, as facts (a code and the values its sentence prints).
    pub reason: serde_json::Value,
    pub opened_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
}

/// A task, of an escalation's checklist or on its own (a review): `tasks.json` (`amparo.tasks/1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedTask {
    pub id: String,
    pub case: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// The title in each language (`{"en": …, "es": …}`).
    pub title: serde_json::Value,
    pub owner_role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedupe_key: Option<String>,
}

/// One entry of the exported audit chain: `audit/trail.json` (`amparo.audit-trail/1`). Kept as
/// evidence beside the archive; a restore checks it and starts a new chain that names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedAuditEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    /// The entry's detail as it was chained (JSON text), so the link can be checked again.
    pub detail: String,
    pub hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
}

/// What a restore reports.
#[derive(Clone, Debug)]
pub struct RestoreReport {
    pub organisation: crate::Organisation,
    pub cases: usize,
    pub staff: usize,
    pub attachments: usize,
}
