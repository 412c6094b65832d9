//! Every operation under `/api/v1`, feature by feature, with the types its handler reads and
//! answers. A test checks this list against the routes the application serves, both ways.

use utoipa::openapi::schema::{ObjectBuilder, Type};

use super::CaseDocument;
use super::operation::Op;
use crate::account::password_reset::ResetLinkAnswer;
use crate::account::second_factor::SecondFactorResetAnswer;
use crate::audit::export::AuditAnswer;
use crate::cases::activity::contacts_api::{ContactsAnswer, ContactsRequest};
use crate::cases::activity::notes_api::{NoteAnswer, NoteRequest, NotesAnswer, PinRequest};
use crate::cases::api::{AnswerableAnswer, AppendRequest, CaseAnswer, CaseListAnswer};
use crate::cases::calendar::api::MonthAnswer;
use crate::cases::closure::api::{CloseBody, ReopenBody};
use crate::cases::create::{CreateConflict, SyntaxAnswer};
use crate::cases::documents::api::{
    AttestRequest, AttestedAnswer, DocumentAnswer, DocumentsAnswer, GenerateRequest,
};
use crate::cases::edit::api::{CasePatch, HistoryAnswer, PersonBody, VersionBody, VoidBody};
use crate::cases::evidence::api::{AttachmentAnswer, AttachmentsAnswer};
use crate::cases::notice_reading::api::{NoticeReadingAnswer, NoticeReadingRequest};
use crate::http::answers::{ErrorAnswer, VersionAnswer};
use crate::notifications::feeds_api::{CreatedFeedAnswer, FeedAnswer, FeedRequest, FeedsAnswer};
use crate::notifications::in_app::{NoticesAnswer, UnreadAnswer};
use crate::settings::api::{
    InvitationAnswer, InvitationRequest, MemberAnswer, MemberPatch, OrganisationAnswer, PolicyChanged,
    PolicyPatch, ProfilePatch, SecondFactorRule, StaffAnswer,
};
use crate::settings::checklists_api::{ChecklistRequest, ChecklistsAnswer};
use crate::sharing::api::{ShareRequest, SharesAnswer};
use crate::triage::api::{
    AssignRequest, AssignmentsAnswer, BoardAnswer, CompleteRequest, CompletedAnswer, EscalationsAnswer,
    ReassignRequest, ReviewAnswer, ReviewPreviewAnswer, ReviewRequest, TaskAnswer, TasksAnswer,
};
use crate::webhooks::api::{
    CreatedWebhookAnswer, DeliveriesAnswer, RemovedAnswer, WebhookAnswer, WebhookChange, WebhookRequest,
    WebhooksAnswer,
};

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn one_of(values: &[&str]) -> ObjectBuilder {
    text().enum_values(Some(values.iter().copied()))
}

fn whole(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(min)).maximum(Some(max))
}

fn flag() -> ObjectBuilder {
    one_of(&["true", "false"])
}

const PROGRAMS: &[&str] = &["humanitarian", "u4u", "oaw", "chnv", "cbp_one", "other"];

/// The document's operations, in the order the routes are declared.
pub fn operations() -> Vec<Op> {
    let mut ops = Vec::new();
    ops.extend(cases());
    ops.extend(case_edits());
    ops.extend(activity());
    ops.extend(evidence());
    ops.extend(documents());
    ops.extend(triage());
    ops.extend(sharing_and_people());
    ops.extend(webhooks());
    ops.extend(organisation());
    ops.push(deadlines());
    ops.extend(exports());
    ops.push(
        Op::new("GET", super::DOCUMENT_PATH, "openapi", "document", "This document")
            .public()
            .answers::<super::DocumentAnswer>(200, "The OpenAPI document"),
    );
    ops
}

fn cases() -> Vec<Op> {
    let list = Op::new("GET", "/api/v1/cases", "listCases", "cases", "The case list, searched, filtered and paged")
        .query("q", text(), "words that start a word of the reference or of a person's names; a whole A-number, receipt or I-94 number")
        .query("status", one_of(&["paroled", "requested", "terminated", "expired", "departed", "none"]), "the patient's status")
        .query("program", one_of(PROGRAMS), "the programme")
        .query("critical", flag(), "critical-care cases only")
        .query("assigned", text(), "a staff member's id, or `me`")
        .query("due_within", whole(0, 3650), "days: cases whose next deadline falls within them (overdue included)")
        .query("sort", one_of(&["reference", "patient", "next_deadline", "score"]), "the order")
        .query("dir", one_of(&["asc", "desc"]), "the direction")
        .query("closed", one_of(&["open", "closed", "all"]), "open cases (the default), closed ones, or all")
        .query("offset", whole(0, 10_000), "paging: the first row")
        .query("limit", whole(1, 500), "paging: at most this many rows (50 by default)")
        .answers::<CaseListAnswer>(200, "A page of cases")
        .refuses(&[422]);
    let get = Op::new("GET", "/api/v1/cases/{id}", "getCase", "cases", "One case")
        .answers::<CaseAnswer>(200, "The case and its version")
        .refuses(&[404]);
    let answerable = Op::new(
        "GET",
        "/api/v1/cases/{id}/answerable",
        "answerableNotices",
        "cases",
        "The open notices an answer of a type may name",
    )
    .query("type", text(), "the answer's event type, e.g. `rfe_answered`")
    .answers::<AnswerableAnswer>(200, "The notices")
    .refuses(&[404, 422]);
    let append = Op::new("POST", "/api/v1/cases/{id}/events", "recordEvent", "cases", "Records an event")
        .body::<AppendRequest>()
        .answers::<VersionAnswer>(201, "Recorded; the case's new version")
        .refuses(&[404, 409, 422]);
    let create = Op::new(
        "POST",
        "/api/v1/cases",
        "createCase",
        "cases",
        "Opens a case from an amparo.case/1 document",
    )
    .query(
        "confirm_duplicate",
        flag(),
        "`true`: create the case even though existing cases may be the same family",
    )
    .body::<CaseDocument>()
    .answers::<CaseAnswer>(201, "Created; its address is in `Location`")
    .refuses_with::<SyntaxAnswer>(400, "Not valid JSON, or a session cookie and an API token sent together")
    .refuses_with::<CreateConflict>(409, "Existing cases may be the same family, or the reference is taken")
    .refuses_with::<ErrorAnswer>(413, "The document is too large")
    .refuses(&[422]);
    let calendar = Op::new(
        "GET",
        "/api/v1/calendar",
        "calendar",
        "cases",
        "A month of deadlines, as the calendar shows it",
    )
    .query("month", text().pattern(Some("^[0-9]{4}-[0-9]{2}$")), "`YYYY-MM`; this month by default")
    .answers::<MonthAnswer>(200, "The month's deadlines on the cases the reader may see")
    .refuses(&[422]);
    let close = Op::new("POST", "/api/v1/cases/{id}/close", "closeCase", "cases", "Closes a case")
        .body::<CloseBody>()
        .answers::<VersionAnswer>(200, "Closed; the case's new version")
        .refuses(&[404, 409, 422]);
    let reopen = Op::new("POST", "/api/v1/cases/{id}/reopen", "reopenCase", "cases", "Reopens a closed case")
        .body::<ReopenBody>()
        .answers::<VersionAnswer>(200, "Reopened; the case's new version")
        .refuses(&[404, 409, 422]);
    let notice = Op::new(
        "POST",
        "/api/v1/cases/{id}/notice-reading",
        "readNotice",
        "cases",
        "Reads a notice (its text, or one of the case's notices or PDFs) into a proposed event; records nothing",
    )
    .body::<NoticeReadingRequest>()
    .answers::<NoticeReadingAnswer>(200, "The proposal, each value with its words, and the event's fields")
    .refuses(&[404, 413, 422]);
    vec![list, get, answerable, append, create, calendar, close, reopen, notice]
}

fn case_edits() -> Vec<Op> {
    let write = |op: Op, status: u16| {
        op.answers::<VersionAnswer>(status, "Changed; the case's new version").refuses(&[404, 409, 422])
    };
    vec![
        write(
            Op::new(
                "PATCH",
                "/api/v1/cases/{id}",
                "editCase",
                "cases",
                "Changes a case's reference, programme or medical profile",
            )
            .body::<CasePatch>(),
            200,
        ),
        write(
            Op::new("POST", "/api/v1/cases/{id}/people", "addPerson", "cases", "Adds a person")
                .body::<PersonBody>(),
            201,
        ),
        write(
            Op::new(
                "PATCH",
                "/api/v1/cases/{id}/people/{key}",
                "editPerson",
                "cases",
                "Changes a person's fields",
            )
            .body::<PersonBody>(),
            200,
        ),
        write(
            Op::new("DELETE", "/api/v1/cases/{id}/people/{key}", "removePerson", "cases", "Removes a person")
                .body::<VersionBody>(),
            200,
        ),
        Op::new("GET", "/api/v1/cases/{id}/history", "caseHistory", "cases", "Every change of the case")
            .answers::<HistoryAnswer>(200, "The history, oldest first")
            .refuses(&[404]),
        write(
            Op::new(
                "POST",
                "/api/v1/cases/{id}/events/{event_id}/void",
                "voidEvent",
                "cases",
                "Voids an event",
            )
            .body::<VoidBody>(),
            200,
        ),
    ]
}

fn activity() -> Vec<Op> {
    vec![
        Op::new("GET", "/api/v1/cases/{id}/notes", "listNotes", "notes", "A case's notes")
            .answers::<NotesAnswer>(200, "Pinned first, then newest first")
            .refuses(&[404]),
        Op::new("POST", "/api/v1/cases/{id}/notes", "addNote", "notes", "Writes a note")
            .body::<NoteRequest>()
            .answers::<NoteAnswer>(201, "The note written")
            .refuses(&[404, 422]),
        Op::new("PATCH", "/api/v1/cases/{id}/notes/{note}", "pinNote", "notes", "Pins or unpins a note")
            .body::<PinRequest>()
            .answers::<NoteAnswer>(200, "The note")
            .refuses(&[404, 422]),
        Op::new("GET", "/api/v1/cases/{id}/contacts", "getContacts", "contacts", "A case's contacts")
            .answers::<ContactsAnswer>(200, "The contacts and the case's version")
            .refuses(&[404]),
        Op::new(
            "PUT",
            "/api/v1/cases/{id}/contacts",
            "putContacts",
            "contacts",
            "Replaces a case's contacts",
        )
        .body::<ContactsRequest>()
        .answers::<VersionAnswer>(200, "Saved; the case's new version")
        .refuses(&[404, 409, 422]),
    ]
}

fn triage() -> Vec<Op> {
    vec![
        Op::new("GET", "/api/v1/cases/{id}/escalations", "caseEscalations", "triage", "A case's escalations")
            .answers::<EscalationsAnswer>(200, "The escalations with their tasks")
            .refuses(&[404]),
        Op::new("POST", "/api/v1/cases/{id}/assignments", "assign", "triage", "Assigns staff to a case")
            .body::<AssignRequest>()
            .answers::<AssignmentsAnswer>(200, "The case's assignments")
            .refuses(&[404, 409, 422]),
        Op::new("GET", "/api/v1/triage", "board", "triage", "The triage board")
            .query("critical", flag(), "critical-care cases only")
            .query("mine", flag(), "cases assigned to the reader only")
            .query("program", one_of(PROGRAMS), "the programme")
            .query("due_within", whole(0, 3650), "days: cases with a deadline within them")
            .query("offset", whole(0, 10_000), "paging: the first row")
            .query("limit", whole(1, 500), "paging: at most this many rows (50 by default)")
            .answers::<BoardAnswer>(200, "A page of the board")
            .refuses(&[422]),
        Op::new("GET", "/api/v1/tasks", "myTasks", "triage", "The reader's open tasks")
            .answers::<TasksAnswer>(200, "The tasks"),
        Op::new("POST", "/api/v1/tasks/{id}/complete", "completeTask", "triage", "Completes a task")
            .body::<CompleteRequest>()
            .answers::<CompletedAnswer>(200, "The task, and whether its escalation closed")
            .refuses(&[404, 409, 422]),
        Op::new(
            "POST",
            "/api/v1/tasks/{id}/reassign",
            "reassignTask",
            "triage",
            "Hands a task to someone else",
        )
        .body::<ReassignRequest>()
        .answers::<TaskAnswer>(200, "The task")
        .refuses(&[404, 409, 422]),
        Op::new(
            "GET",
            "/api/v1/reviews/preview",
            "reviewPreview",
            "reviews",
            "The cases a review would select",
        )
        .query("program", one_of(PROGRAMS), "the programme")
        .query("class_of_admission", text(), "a class of admission")
        .query("citizenship", text(), "a country of citizenship")
        .query(
            "parole_ends_before",
            text()
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date))),
            "a date",
        )
        .answers::<ReviewPreviewAnswer>(200, "The cases selected")
        .refuses(&[422]),
        Op::new(
            "POST",
            "/api/v1/reviews",
            "openReviews",
            "reviews",
            "Opens a review task on every case selected",
        )
        .body::<ReviewRequest>()
        .answers::<ReviewAnswer>(200, "How many cases were selected and tasks opened")
        .refuses(&[409, 422]),
    ]
}

fn evidence() -> Vec<Op> {
    let served_types: Vec<&str> =
        amparo_domain::attachments::ContentType::ALL.iter().map(|t| t.mime()).collect();
    let kinds: Vec<&str> =
        amparo_domain::attachments::AttachmentKind::ALL.iter().map(|k| k.as_str()).collect();
    let upload = ObjectBuilder::new()
        .property("kind", one_of(&kinds))
        .property("title", text().max_length(Some(200)))
        .property(
            "dated",
            text()
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date))),
        )
        .property("event", text())
        .property("person", text())
        .property("file", text().content_media_type("application/octet-stream"))
        .required("kind")
        .required("title")
        .required("file");
    vec![
        Op::new(
            "GET",
            "/api/v1/cases/{id}/attachments",
            "caseAttachments",
            "attachments",
            "The files of a case the reader sees",
        )
        .answers::<AttachmentsAnswer>(200, "The files, oldest first")
        .refuses(&[404]),
        Op::new(
            "POST",
            "/api/v1/cases/{id}/attachments",
            "addAttachment",
            "attachments",
            "Adds a file to a case",
        )
        .multipart_body(upload)
        .answers::<AttachmentAnswer>(201, "The file's details")
        .refuses(&[400, 404, 413, 422]),
        Op::new(
            "GET",
            "/api/v1/cases/{id}/attachments/{attachment}",
            "attachmentContent",
            "attachments",
            "A file's bytes, as a download",
        )
        .answers_file(200, "The file, as the type read from its bytes", &served_types)
        .refuses(&[404]),
    ]
}

fn documents() -> Vec<Op> {
    vec![
        Op::new(
            "GET",
            "/api/v1/cases/{id}/documents",
            "caseDocuments",
            "documents",
            "The documents generated from a case that the reader may read",
        )
        .answers::<DocumentsAnswer>(
            200,
            "The generations, oldest first, each with what changed since the one before",
        )
        .refuses(&[404]),
        Op::new(
            "POST",
            "/api/v1/cases/{id}/documents",
            "generateDocument",
            "documents",
            "Generates a document from the case and records it",
        )
        .body::<GenerateRequest>()
        .answers::<DocumentAnswer>(201, "The generation recorded, with what changed since the previous one")
        .refuses(&[404, 422]),
        Op::new(
            "GET",
            "/api/v1/cases/{id}/documents/{document}/pdf",
            "documentPdf",
            "documents",
            "A generated document as PDF, typeset again as of the day it was made",
        )
        .answers_file(200, "The PDF", &["application/pdf"])
        .refuses(&[404, 409]),
        Op::new(
            "GET",
            "/api/v1/cases/{id}/documents/{document}/docx",
            "documentDocx",
            "documents",
            "A generated letter as DOCX (not the packet, not an attested letter)",
        )
        .answers_file(
            200,
            "The DOCX",
            &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
        )
        .refuses(&[404, 409]),
        Op::new(
            "POST",
            "/api/v1/cases/{id}/documents/attestation",
            "attestMedicalLetter",
            "documents",
            "A clinician attests the medical letter as it reads today",
        )
        .body::<AttestRequest>()
        .answers::<AttestedAnswer>(201, "The case's new version and the generation keeping the signed PDF")
        .refuses(&[404, 409, 422]),
    ]
}

fn sharing_and_people() -> Vec<Op> {
    vec![
        Op::new("GET", "/api/v1/cases/{id}/shares", "caseShares", "sharing", "Who a case is shared with")
            .answers::<SharesAnswer>(200, "The clinicians")
            .refuses(&[404]),
        Op::new(
            "POST",
            "/api/v1/cases/{id}/shares",
            "setShared",
            "sharing",
            "Shares a case, or stops sharing it",
        )
        .body::<ShareRequest>()
        .answers::<SharesAnswer>(200, "The clinicians")
        .refuses(&[404, 409, 422]),
        Op::new("GET", "/api/v1/notifications", "notifications", "notifications", "The reader's notices")
            .answers::<NoticesAnswer>(200, "The latest notices"),
        Op::new(
            "POST",
            "/api/v1/notifications/{id}/read",
            "markRead",
            "notifications",
            "Marks a notice read",
        )
        .answers::<UnreadAnswer>(200, "How many are unread")
        .refuses(&[404]),
        Op::new(
            "POST",
            "/api/v1/notifications/read-all",
            "markAllRead",
            "notifications",
            "Marks every notice of the reader read",
        )
        .answers::<UnreadAnswer>(200, "How many are unread (none)"),
        Op::new("GET", "/api/v1/calendar/feeds", "calendarFeeds", "calendar", "The reader's calendar feeds")
            .answers::<FeedsAnswer>(200, "The feeds, revoked ones included"),
        Op::new(
            "POST",
            "/api/v1/calendar/feeds",
            "createCalendarFeed",
            "calendar",
            "Makes a calendar feed of the reader's cases, or of one case they see",
        )
        .body::<FeedRequest>()
        .answers::<CreatedFeedAnswer>(201, "The feed, with its address shown this once")
        .refuses(&[404, 422]),
        Op::new(
            "DELETE",
            "/api/v1/calendar/feeds/{id}",
            "revokeCalendarFeed",
            "calendar",
            "Revokes one of the reader's calendar feeds: its address stops working",
        )
        .answers::<FeedAnswer>(200, "The feed, revoked")
        .refuses(&[404]),
        Op::new("GET", "/api/v1/audit", "auditExport", "audit", "The organisation's audit trail")
            .answers::<AuditAnswer>(200, "Every entry, oldest first"),
        Op::new(
            "POST",
            "/api/v1/users/{id}/password-reset",
            "passwordReset",
            "staff",
            "A password-reset link for a staff member",
        )
        .answers::<ResetLinkAnswer>(200, "The link")
        .refuses(&[404, 409, 422]),
        Op::new(
            "POST",
            "/api/v1/users/{id}/second-factor/reset",
            "secondFactorReset",
            "staff",
            "Removes a staff member's second factor",
        )
        .answers::<SecondFactorResetAnswer>(200, "Whether one was removed")
        .refuses(&[404, 409]),
    ]
}

fn webhooks() -> Vec<Op> {
    vec![
        Op::new("GET", "/api/v1/webhooks", "webhooks", "webhooks", "The organisation's webhook endpoints")
            .answers::<WebhooksAnswer>(200, "The endpoints, oldest first"),
        Op::new("POST", "/api/v1/webhooks", "addWebhook", "webhooks", "Registers a webhook endpoint")
            .body::<WebhookRequest>()
            .answers::<CreatedWebhookAnswer>(201, "The endpoint, with its secret shown this once")
            .refuses(&[422]),
        Op::new("GET", "/api/v1/webhooks/{id}", "getWebhook", "webhooks", "One webhook endpoint")
            .answers::<WebhookAnswer>(200, "The endpoint")
            .refuses(&[404]),
        Op::new(
            "PATCH",
            "/api/v1/webhooks/{id}",
            "setWebhookActive",
            "webhooks",
            "Pauses or resumes a webhook endpoint",
        )
        .body::<WebhookChange>()
        .answers::<WebhookAnswer>(200, "The endpoint as it now is")
        .refuses(&[404, 422]),
        Op::new("DELETE", "/api/v1/webhooks/{id}", "removeWebhook", "webhooks", "Removes a webhook endpoint")
            .answers::<RemovedAnswer>(200, "Removed; its history stays")
            .refuses(&[404]),
        Op::new(
            "GET",
            "/api/v1/webhooks/{id}/deliveries",
            "webhookDeliveries",
            "webhooks",
            "A webhook endpoint's deliveries, newest first, paged",
        )
        .query("offset", whole(0, 10_000), "paging: the first row")
        .query("limit", whole(1, 500), "paging: at most this many rows (50 by default)")
        .answers::<DeliveriesAnswer>(200, "A page of the deliveries, newest first")
        .refuses(&[404, 422]),
    ]
}

/// The organisation's settings and its staff, for administrators.
fn organisation() -> Vec<Op> {
    vec![
        Op::new(
            "GET",
            "/api/v1/organisation",
            "organisation",
            "organisation",
            "The organisation's profile, sign-in rule and policy",
        )
        .answers::<OrganisationAnswer>(200, "The organisation"),
        Op::new(
            "PATCH",
            "/api/v1/organisation",
            "editOrganisation",
            "organisation",
            "Changes the organisation's profile",
        )
        .body::<ProfilePatch>()
        .answers::<OrganisationAnswer>(200, "The organisation as it now is")
        .refuses(&[422]),
        Op::new(
            "PATCH",
            "/api/v1/organisation/policy",
            "editPolicy",
            "organisation",
            "Changes the policy; every case is derived again",
        )
        .body::<PolicyPatch>()
        .answers::<PolicyChanged>(200, "The policy in force and how many cases were derived again")
        .refuses(&[422]),
        Op::new(
            "PUT",
            "/api/v1/organisation/second-factor",
            "setSecondFactorRule",
            "organisation",
            "Sets whether every member must sign in with a second factor",
        )
        .body::<SecondFactorRule>()
        .answers::<OrganisationAnswer>(200, "The organisation as it now is")
        .refuses(&[422]),
        Op::new(
            "GET",
            "/api/v1/organisation/checklists",
            "checklists",
            "organisation",
            "The escalation checklists in force, one per kind of escalation",
        )
        .answers::<ChecklistsAnswer>(200, "The checklists, and whether they are the organisation's own"),
        Op::new(
            "PUT",
            "/api/v1/organisation/checklists/{kind}",
            "replaceChecklist",
            "organisation",
            "Replaces the checklist of one kind of escalation; escalations opened afterwards start with it",
        )
        .body::<ChecklistRequest>()
        .answers::<ChecklistsAnswer>(200, "The checklists as they now are")
        .refuses(&[404, 422]),
        Op::new(
            "DELETE",
            "/api/v1/organisation/checklists",
            "restoreChecklists",
            "organisation",
            "Goes back to the server's escalation checklists",
        )
        .answers::<ChecklistsAnswer>(200, "The server's checklists, now in force"),
        Op::new(
            "GET",
            "/api/v1/users",
            "staff",
            "staff",
            "The organisation's staff, deactivated members included",
        )
        .answers::<StaffAnswer>(200, "The members"),
        Op::new(
            "POST",
            "/api/v1/users/invitations",
            "invite",
            "staff",
            "Invites a person by a one-time link",
        )
        .body::<InvitationRequest>()
        .answers::<InvitationAnswer>(201, "The link, shown this once")
        .refuses(&[409, 422]),
        Op::new(
            "PATCH",
            "/api/v1/users/{id}",
            "setRole",
            "staff",
            "Changes a member's role; their sessions end",
        )
        .body::<MemberPatch>()
        .answers::<MemberAnswer>(200, "The member")
        .refuses(&[404, 409, 422]),
        Op::new(
            "POST",
            "/api/v1/users/{id}/deactivate",
            "deactivateMember",
            "staff",
            "Deactivates a member: their sessions, tokens and feeds end",
        )
        .answers::<MemberAnswer>(200, "The member")
        .refuses(&[404, 409]),
        Op::new(
            "POST",
            "/api/v1/users/{id}/reactivate",
            "reactivateMember",
            "staff",
            "Lets a deactivated member sign in again",
        )
        .answers::<MemberAnswer>(200, "The member")
        .refuses(&[404]),
        Op::new("GET", "/api/v1/users/{id}/tasks", "memberTasks", "staff", "A member's open tasks")
            .answers::<TasksAnswer>(200, "The tasks they hold, soonest due first")
            .refuses(&[404]),
    ]
}

/// The CSV downloads: what the list pages offer, every row, headers in the reader's language.
fn exports() -> Vec<Op> {
    const CSV: &[&str] = &["text/csv; charset=utf-8"];
    let cases = Op::new(
        "GET",
        "/api/v1/exports/cases.csv",
        "exportCases",
        "exports",
        "The case list as CSV, with the list's filters",
    )
    .query("q", text(), "words that start a word of the reference or of a person's names")
    .query(
        "status",
        one_of(&["paroled", "requested", "terminated", "expired", "departed", "none"]),
        "the patient's status",
    )
    .query("program", one_of(PROGRAMS), "the programme")
    .query("critical", flag(), "critical-care cases only")
    .query("assigned", text(), "a staff member's id, or `me`")
    .query("due_within", whole(0, 3650), "days: cases whose next deadline falls within them")
    .query("sort", one_of(&["reference", "patient", "next_deadline", "score"]), "the order")
    .query("dir", one_of(&["asc", "desc"]), "the direction")
    .query("closed", one_of(&["open", "closed", "all"]), "open cases (the default), closed ones, or all")
    .answers_file(200, "Every case of the list the reader sees, one row each", CSV)
    .refuses(&[422]);
    let deadlines = Op::new(
        "GET",
        "/api/v1/exports/deadlines.csv",
        "exportDeadlines",
        "exports",
        "Deadlines as CSV: the dashboard's window, or a month",
    )
    .query(
        "month",
        text().pattern(Some("^[0-9]{4}-[0-9]{2}$")),
        "`YYYY-MM`; without it, overdue ones and the next weeks",
    )
    .answers_file(200, "The deadlines of the cases the reader sees", CSV)
    .refuses(&[422]);
    let tasks = Op::new(
        "GET",
        "/api/v1/exports/tasks.csv",
        "exportTasks",
        "exports",
        "The reader's open tasks as CSV",
    )
    .answers_file(200, "The reader's open tasks", CSV);
    vec![cases, deadlines, tasks]
}

fn deadlines() -> Op {
    let date = || {
        text().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date)))
    };
    Op::new(
        "GET",
        "/api/v1/deadlines",
        "deadlines",
        "deadlines",
        "The deadlines due in a window, soonest first",
    )
    .query("from", date(), "the window's first day (today by default)")
    .query("to", date(), "its last day, at most 366 days after `from` (14 days after it by default)")
    .query("kind", text(), "one kind of deadline only")
    .query("page", whole(1, 100_000), "paging: the page, from 1")
    .query("per_page", whole(1, 500), "paging: deadlines per page (100 by default)")
    .answers::<crate::deadlines::api::DeadlinesAnswer>(
        200,
        "A page of deadlines of the cases the reader sees",
    )
    .refuses(&[422])
}
