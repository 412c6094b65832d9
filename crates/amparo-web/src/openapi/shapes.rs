//! The shapes of answers whose values are the store's own types (serialised by serde there, where
//! no OpenAPI schema can be derived): each type here is never built, only described, field for
//! field as serde writes the store's type, so the document says exactly what a client reads.
//! A change of the store's type shows in the API snapshots and in `.ci/api-check`, which checks
//! every answer against these.
#![allow(dead_code)] // Described, never constructed: the handlers send the store's types.

use utoipa::ToSchema;

use crate::settings::api::StaffRole as Role;

/// One task of a checklist or a review, with whether it is overdue.
#[derive(ToSchema)]
#[schema(example = json!({ "id": "0190b6a8-0000-7000-8000-000000000010", "case_id": "0190b6a8-0000-7000-8000-000000000002",
    "reference": "A-1", "escalation_id": "0190b6a8-0000-7000-8000-000000000009",
    "title_en": "Call the family", "title_es": "Llamar a la familia", "owner_role": "advocate",
    "owner_id": "0190b6a8-0000-7000-8000-000000000001", "due_at": "2026-03-02T15:00:00Z",
    "created_at": "2026-03-01T15:00:00Z", "done_at": null, "done_by": null, "note": null, "overdue": false }))]
pub struct Task {
    id: String,
    case_id: String,
    /// The case's reference.
    reference: String,
    /// The escalation whose checklist holds it; null for a review's task.
    escalation_id: Option<String>,
    title_en: String,
    title_es: String,
    owner_role: Role,
    /// Who holds it; null while nobody holds the role on the case.
    owner_id: Option<String>,
    #[schema(format = DateTime)]
    due_at: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    done_at: Option<String>,
    done_by: Option<String>,
    /// The note written when it was done.
    note: Option<String>,
    /// Open and past its due time.
    overdue: bool,
}

/// One reason a case sits where it does on the board, in both languages.
#[derive(ToSchema)]
pub struct TriageReason {
    /// Stable: `critical_care`, `deadline_soon`, …
    code: String,
    points: i64,
    text_en: String,
    text_es: String,
}

/// One line of the triage board.
#[derive(ToSchema)]
#[schema(example = json!({ "case_id": "0190b6a8-0000-7000-8000-000000000002", "reference": "A-1",
    "patient_name": "Lucía Ejemplo", "program": "humanitarian", "score": 140, "critical_care": true,
    "next_due": "2026-03-27", "next_kind": "depart_by", "open_escalations": 1,
    "reasons": [{ "code": "critical_care", "points": 100, "text_en": "critical-care case", "text_es": "caso de cuidados críticos" }] }))]
pub struct BoardEntry {
    case_id: String,
    reference: String,
    patient_name: String,
    #[schema(pattern = "^(humanitarian|u4u|oaw|chnv|cbp_one|other)$")]
    program: String,
    score: i64,
    critical_care: bool,
    #[schema(format = Date)]
    next_due: Option<String>,
    next_kind: Option<String>,
    reasons: Vec<TriageReason>,
    open_escalations: i64,
}

/// A protocol run opened on a case by a trigger, with its checklist.
#[derive(ToSchema)]
pub struct Escalation {
    id: String,
    case_id: String,
    /// What opened it: `termination_notice`, `denial`, `parole_expiring`, …
    trigger_kind: String,
    trigger_event_id: Option<String>,
    #[schema(format = Date)]
    trigger_on: String,
    critical_care: bool,
    reason_en: String,
    reason_es: String,
    #[schema(format = DateTime)]
    opened_at: String,
    #[schema(format = DateTime)]
    closed_at: Option<String>,
    /// Why it closed: resolved by the timeline, its checklist done, or `case_closed`.
    close_reason: Option<String>,
    /// Its checklist (a clinician reads only their own tasks).
    tasks: Vec<Task>,
}

/// Who works a case in one role.
#[derive(ToSchema)]
pub struct Assignment {
    role: Role,
    user_id: String,
    user_name: String,
}

/// A case a review's selection found.
#[derive(ToSchema)]
pub struct SelectedCase {
    case_id: String,
    reference: String,
    patient_name: String,
    /// The day its parole coverage ends, when it has one.
    #[schema(format = Date)]
    covered_until: Option<String>,
}

/// One entry of the audit trail: who did what to which record, chained by hash.
#[derive(ToSchema)]
#[schema(example = json!({ "chain": "0190b6a8-0000-7000-8000-000000000000", "seq": 42, "at": "2026-03-01T15:00:00Z",
    "actor": "0190b6a8-0000-7000-8000-000000000001", "action": "case.read",
    "target": "0190b6a8-0000-7000-8000-000000000002", "detail": "{}", "hash": "9f2c…" }))]
pub struct AuditEntry {
    /// The organisation's id, or `""` for the installation's own entries.
    chain: String,
    seq: u64,
    #[schema(format = DateTime)]
    at: String,
    /// Who acted; null for the operator or the system.
    actor: Option<String>,
    /// A dotted verb: `case.read`, `policy.changed`, …
    action: String,
    /// The id of what was acted on.
    target: String,
    /// JSON text: ids and settings only, never a sensitive value.
    detail: String,
    /// This entry's link in the chain.
    hash: String,
}
