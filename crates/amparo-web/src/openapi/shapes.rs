//! The shapes of answers and bodies whose values are the store's or the domain's own types
//! (serialised by serde there, where no OpenAPI schema can be derived): each type here is never
//! built, only described, field for field as serde writes or reads the type, so the document says
//! exactly what a client reads and sends.
//! A change of the store's type shows in the API snapshots and in `.ci/api-check`, which checks
//! every answer against these.
#![allow(dead_code)] // Described, never constructed: the handlers send the store's types.

use utoipa::ToSchema;

use super::events::TimelineEvent;

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

/// A date read from a notice, with the words it was read from.
#[derive(ToSchema)]
pub struct FoundDate {
    #[schema(format = Date)]
    value: String,
    /// The notice's words the value came from, spaces collapsed.
    source: String,
}

/// A value read from a notice (a number, a name, how it was served), with the words it came from.
#[derive(ToSchema)]
pub struct FoundText {
    value: String,
    /// The notice's words the value came from, spaces collapsed.
    source: String,
}

/// The kind of notice, with the words that decided it.
#[derive(ToSchema)]
pub struct FoundKind {
    #[schema(
        pattern = "^(termination_notice|parole_approval|i94_record|parole_denial|rfe|noid|parole_receipt|re_parole_receipt|ead_receipt|ead_approval|fee_notice|ead_revocation_notice)$"
    )]
    value: String,
    source: String,
}

/// Someone the notice names, and the case's person it is when one fits (each field only when read).
#[derive(ToSchema)]
pub struct NamedPerson {
    name: Option<FoundText>,
    a_number: Option<FoundText>,
    /// The key of the case's person it is.
    person: Option<String>,
    /// How they were matched: by A-number first, then by every part of their names.
    #[schema(pattern = "^(a_number|name)$")]
    matched_by: Option<String>,
}

/// What a notice says, proposed as an event for a person to confirm: each value with its words,
/// null when the notice was not found to print it.
#[derive(ToSchema)]
#[schema(example = json!({ "kind": { "value": "termination_notice", "source": "NOTICE OF TERMINATION OF PAROLE" },
    "event_type": "termination_notice",
    "notice_date": { "value": "2026-03-01", "source": "Notice Date: March 1, 2026" },
    "received_date": null, "effective": null,
    "depart_by": { "value": "2026-03-08", "source": "You must depart the United States by March 8, 2026." },
    "respond_by": null, "valid_until": null, "pay_by": null, "receipt_number": null, "i94_number": null,
    "served_by": { "value": "personal", "source": "This notice was personally served." },
    "people": [], "missing": [] }))]
pub struct NoticeProposal {
    kind: Option<FoundKind>,
    /// The event type it proposes (`termination_notice`, …); null when the kind could not be told.
    event_type: Option<String>,
    notice_date: Option<FoundDate>,
    /// The day USCIS received a filing (receipt notices).
    received_date: Option<FoundDate>,
    effective: Option<FoundDate>,
    depart_by: Option<FoundDate>,
    respond_by: Option<FoundDate>,
    valid_until: Option<FoundDate>,
    pay_by: Option<FoundDate>,
    receipt_number: Option<FoundText>,
    i94_number: Option<FoundText>,
    served_by: Option<FoundText>,
    people: Vec<NamedPerson>,
    /// The fields a notice of its kind prints that this one was not found to print.
    missing: Vec<String>,
}

/// The body posted to a webhook endpoint (and kept in its history): ids, kinds and dates only,
/// never a name or an A-number.
#[derive(ToSchema)]
#[schema(example = json!({ "id": "0190b6a8-0000-7000-8000-000000000030", "type": "escalation.opened",
    "created_at": "2026-03-01T15:00:00.000Z", "organisation_id": "0190b6a8-0000-7000-8000-000000000000",
    "data": { "escalation_id": "0190b6a8-0000-7000-8000-000000000009",
        "case_id": "0190b6a8-0000-7000-8000-000000000002", "trigger": "termination_notice", "critical_care": true } }))]
pub struct WebhookPayload {
    /// The event's id: the same at every endpoint and in every retry, so a receiver tells a retry
    /// from news.
    id: String,
    #[schema(value_type = crate::webhooks::api::EventName)]
    r#type: String,
    #[schema(format = DateTime)]
    created_at: String,
    organisation_id: String,
    data: WebhookData,
}

/// What an event is about; which fields are present depends on its `type`.
#[derive(ToSchema)]
pub struct WebhookData {
    /// Every event's case.
    case_id: String,
    /// `escalation.opened`, `escalation.closed`.
    escalation_id: Option<String>,
    /// `escalation.opened`: the kind of trigger that opened it (`termination_notice`, …).
    trigger: Option<String>,
    /// `escalation.opened`: whether it was opened on a critical-care case.
    critical_care: Option<bool>,
    /// `escalation.closed` when the case itself closed: `case_closed`.
    reason: Option<String>,
    /// `event.recorded`: the event's id in the case file, its type and the case's new version.
    event_id: Option<String>,
    event_type: Option<String>,
    version: Option<i64>,
    /// `task.overdue`: the task and when it was due.
    task_id: Option<String>,
    #[schema(format = DateTime)]
    due_at: Option<String>,
    /// `deadline.reminder`: the deadline's kind, the person it concerns (their key in the case, or
    /// null for the case's own), its day and how many days ahead the reminder is.
    deadline_kind: Option<String>,
    person_key: Option<String>,
    #[schema(format = Date)]
    due: Option<String>,
    days_before: Option<u32>,
}

/// How to reach the family; every field is optional, and one left out is not known.
#[derive(ToSchema)]
#[schema(example = json!({ "phone": "+1 555 0100", "preferred_method": "phone", "preferred_language": "es",
    "interpreter_needed": true }))]
pub struct FamilyContact {
    phone: Option<String>,
    email: Option<String>,
    /// A messaging app and the handle on it.
    messaging_app: Option<String>,
    postal_address: Option<String>,
    #[schema(pattern = "^(phone|email|message|mail|in_person)$")]
    preferred_method: Option<String>,
    /// A language tag (`es`, `uk`, …).
    preferred_language: Option<String>,
    /// Left out when false.
    interpreter_needed: Option<bool>,
}

/// A professional who works on the case, at most one per role.
#[derive(ToSchema)]
#[schema(example = json!({ "role": "physician", "name": "Dr. Rivera", "organisation": "Hospital General",
    "phone": "+1 555 0199" }))]
pub struct CaseContact {
    #[schema(
        pattern = "^(social_worker|physician|facility|consulate|congressional_caseworker|pro_bono_counsel)$"
    )]
    role: String,
    name: Option<String>,
    organisation: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

/// A case's contacts as written: the family's and the professionals'.
#[derive(ToSchema)]
pub struct Contacts {
    family: Option<FamilyContact>,
    /// At most one per role.
    others: Option<Vec<CaseContact>>,
}

/// One field's value before and after an edit, as text (null: it had no value).
#[derive(ToSchema)]
pub struct FieldChange {
    /// The field's name: `reference`, `program`, `medical.days_to_critical_harm`, a person's
    /// `given_name`, …
    field: String,
    before: Option<String>,
    after: Option<String>,
}

/// One edit of a case after intake, as its history keeps it.
#[derive(ToSchema)]
#[schema(example = json!({ "version": 4, "action": "person_updated", "person": "p1",
    "changes": [{ "field": "citizenship", "before": null, "after": "HN" }],
    "changed_at": "2026-03-02T09:30:00Z", "changed_by": "0190b6a8-0000-7000-8000-000000000001" }))]
pub struct HistoryEntry {
    /// The case version the edit made.
    version: i64,
    #[schema(pattern = "^(case_updated|person_added|person_updated|person_removed)$")]
    action: String,
    /// The key of the person the edit is about; left out for the case itself.
    person: Option<String>,
    changes: Vec<FieldChange>,
    #[schema(format = DateTime)]
    changed_at: String,
    /// The staff member who made it; left out for a command-line write.
    changed_by: Option<String>,
}

/// A person of a case, as an `amparo.case/1` document writes one. Adding a person gives `key`,
/// `role` and both names at least; a change gives only the fields to change, `null` clearing one
/// (the key never changes).
#[derive(ToSchema)]
#[schema(example = json!({ "key": "s1", "role": "sibling", "given_name": "Luz", "family_name": "Ejemplo",
    "birth_date": "2019-05-04", "citizenship": "HN", "preferred_language": "es" }))]
pub struct PersonFields {
    /// The person's key in the case (`p1`, `m1`, …): letters, digits, `-` and `_`.
    key: Option<String>,
    #[schema(pattern = "^(patient|parent|guardian|sibling|other)$")]
    role: Option<String>,
    #[schema(max_length = 200)]
    given_name: Option<String>,
    #[schema(max_length = 200)]
    family_name: Option<String>,
    #[schema(format = Date)]
    birth_date: Option<String>,
    /// `A` and nine digits (dashes and spaces are taken out).
    a_number: Option<String>,
    /// An ISO 3166-1 alpha-2 country code.
    citizenship: Option<String>,
    /// A language tag (`es`, `uk`, …).
    preferred_language: Option<String>,
}

/// The medical facts that matter to the legal case, as a clinician attests them.
#[derive(ToSchema)]
#[schema(example = json!({ "person": "p1", "condition": "short bowel syndrome", "regimen": "parenteral nutrition",
    "hours_per_day": 12, "available_in_origin_country": false, "days_to_critical_harm": 3,
    "attested_on": "2026-02-20" }))]
pub struct MedicalFields {
    /// The key of the person these facts are about (usually the patient).
    person: String,
    condition: String,
    regimen: Option<String>,
    #[schema(minimum = 0, maximum = 24)]
    hours_per_day: Option<u8>,
    facility: Option<String>,
    available_in_origin_country: Option<bool>,
    /// Days until critical harm if care is interrupted.
    days_to_critical_harm: Option<u32>,
    #[schema(format = Date)]
    attested_on: Option<String>,
}

/// A person as a case file holds them.
#[derive(ToSchema)]
pub struct CasePerson {
    key: String,
    #[schema(pattern = "^(patient|parent|guardian|sibling|other)$")]
    role: String,
    given_name: String,
    family_name: String,
    #[schema(format = Date)]
    birth_date: Option<String>,
    a_number: Option<String>,
    citizenship: Option<String>,
    preferred_language: Option<String>,
}

/// The case itself: its reference, programme, people and medical profile.
#[derive(ToSchema)]
pub struct CaseRecord {
    reference: String,
    #[schema(pattern = "^(humanitarian|u4u|oaw|chnv|cbp_one|other)$")]
    program: String,
    people: Vec<CasePerson>,
    medical: Option<MedicalFields>,
}

/// A case as an `amparo.case/1` document: the case, its timeline, and the sections kept beside
/// them (`docs/case-file-extensions.md`), each left out while empty (`GET /api/v1/cases/{id}`
/// leaves the notes, contacts and history to their own routes; `amparo export` writes them here).
#[derive(ToSchema)]
pub struct CaseFileAnswer {
    #[schema(pattern = "^amparo\\.case/1$")]
    format: String,
    case: CaseRecord,
    events: Vec<TimelineEvent>,
    /// Why and when the case was closed; left out while it is open.
    closure: Option<Closure>,
    notes: Option<Vec<CaseNote>>,
    contacts: Option<Contacts>,
    history: Option<Vec<HistoryEntry>>,
    voids: Option<Vec<EventVoid>>,
}

/// Why and when a case was closed.
#[derive(ToSchema)]
pub struct Closure {
    #[schema(schema_with = super::close_reasons)]
    reason: String,
    note: Option<String>,
    #[schema(format = DateTime)]
    closed_at: String,
}

/// A note as its case keeps it.
#[derive(ToSchema)]
pub struct CaseNote {
    /// Its number within the case, from 1.
    id: u32,
    #[schema(schema_with = super::note_kinds)]
    r#type: String,
    /// When it was written.
    #[schema(format = DateTime)]
    at: String,
    /// Who wrote it, by name as they were called then.
    author: Option<String>,
    /// The id of the timeline event it is about.
    event: Option<String>,
    /// Left out when not pinned.
    pinned: Option<bool>,
    text: String,
}

/// An event taken out of force because it was recorded by mistake; the event itself stays.
#[derive(ToSchema)]
pub struct EventVoid {
    /// The voided event's place in the timeline, from 1.
    seq: i64,
    /// Its id, when it has one.
    event: Option<String>,
    reason: String,
    #[schema(format = DateTime)]
    voided_at: String,
    /// The staff member who voided it; left out for a command-line write.
    voided_by: Option<String>,
}
