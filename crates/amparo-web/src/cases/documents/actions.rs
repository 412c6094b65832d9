//! What the documents pages and their API both do, written once, as blocking calls for
//! `spawn_blocking` (typesetting a packet takes a second of CPU): reading the record a document is
//! made from as the signed-in person (each read audited by the store), generating and recording a
//! document, typesetting a recorded one again for its download, and a clinician's attestation.
//!
//! A generated PDF is not kept: a download typesets the document again as of the day it was made,
//! from the same choices (its kind, exhibits, language), and serves it only when its data hash is
//! the recorded one — when the case changed since, the reader is asked to generate it again rather
//! than handed a document that is not the one listed. An attested letter is the exception: its signed
//! PDF is kept as a medical attachment, and that is what is served.

use amparo_documents::{DocumentError, DocumentKind, Generated, Prepared, Request, Sources, Templates};
use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
use amparo_domain::{Date, Derivation, Event, EventKind};
use amparo_store::{
    Actor, Assignment, AttachmentFile, AuditEvent, CaseId, DocumentRecord, NewAttachment, NewDocument,
    OrganisationProfile, Store, StoredCase, User,
};
use chrono::{DateTime, Utc};

use super::request::{CheckedAttestation, Choice, EXHIBITS};
use crate::http::error::WebError;

/// A document generated and recorded, with the facts (by path) that differ from the previous
/// generation of its kind and language (`None` for the first).
#[derive(Clone, Debug)]
pub struct Made {
    pub record: DocumentRecord,
    pub changes: Option<Vec<amparo_documents::Change>>,
}

/// A file to serve: its name, type and bytes.
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The two formats a document is downloaded as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    /// Only for the kinds a person edits (`DocumentKind::editable`).
    Docx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }
}

/// Whether `user`'s role makes documents of `kind` at all (the store checks it again, with the case,
/// inside the write): a viewer none, a clinician only the medical letter.
pub fn may_make(user: &User, kind: DocumentKind) -> bool {
    use amparo_domain::org::UserRole;
    match user.role {
        UserRole::Viewer => false,
        UserRole::Clinician => kind == DocumentKind::MedicalLetter,
        _ => true,
    }
}

/// A document the case lacks facts for, or an exhibit that cannot be placed, is the reader's to
/// fix (422, with the detail); a template or typesetting failure is the server's.
pub fn document_error(error: DocumentError) -> WebError {
    match error {
        e @ (DocumentError::Missing { .. } | DocumentError::Exhibit { .. } | DocumentError::Language(_)) => {
            WebError::Invalid(e.to_string())
        }
        e => WebError::Internal(e.to_string()),
    }
}

/// Everything a document is made from, read as the signed-in person.
struct Record {
    case: StoredCase,
    derivation: Derivation,
    organisation: OrganisationProfile,
    assignments: Vec<Assignment>,
    caseworker_email: Option<String>,
    today: Date,
    exhibits: Vec<AttachmentFile>,
}

impl Record {
    fn sources(&self) -> Sources<'_> {
        Sources {
            case: &self.case,
            derivation: &self.derivation,
            organisation: &self.organisation,
            assignments: &self.assignments,
            caseworker_email: self.caseworker_email.as_deref(),
            today: self.today,
        }
    }

    /// The document read from this record, ready to typeset.
    fn prepare(
        &self,
        templates: &Templates,
        choice: &Choice,
        attestation: Option<&amparo_documents::Attestation>,
    ) -> Result<Prepared, WebError> {
        let request = match choice.kind {
            DocumentKind::MedicalLetter => Request::MedicalLetter { attestation },
            DocumentKind::CoverLetter => Request::CoverLetter { exhibits: &self.exhibits },
            DocumentKind::Packet => Request::Packet { exhibits: &self.exhibits },
            DocumentKind::FamilyLetter => Request::FamilyLetter { language: choice.language.as_deref() },
        };
        amparo_documents::prepare(templates, &self.sources(), request).map_err(document_error)
    }
}

/// The case as `user` reads it (audited `via`): "not found" when they may not see it.
fn read_case(
    store: &Store,
    user: &User,
    case: &CaseId,
    via: &str,
    now: DateTime<Utc>,
) -> Result<StoredCase, WebError> {
    store.read_case_as(&Actor::of(user), case, via, now).map_err(|e| match e {
        amparo_store::StoreError::Refused(_) => WebError::NotFound("case".into()),
        other => other.into(),
    })
}

/// Reads, beside the case, its derivation for `day`, the letterhead and the chosen exhibits (each
/// read audited `via`), in their order. An exhibit the reader does not see is a field problem.
fn read_record(
    store: &Store,
    user: &User,
    case: StoredCase,
    (exhibits, via): (&[String], &str),
    day: Date,
    now: DateTime<Utc>,
) -> Result<Record, WebError> {
    let actor = Actor::of(user);
    let org = &user.org_id;
    if !exhibits.is_empty() {
        let seen: Vec<String> =
            store.case_attachments_for_page(&actor, &case.id)?.into_iter().map(|a| a.id).collect();
        if let Some(unknown) = exhibits.iter().find(|id| !seen.contains(id)) {
            let problem = amparo_domain::Problem::UnknownValue { value: unknown.clone(), expected: seen };
            return Err(WebError::field(EXHIBITS, problem));
        }
    }
    let files = exhibits
        .iter()
        .map(|id| store.attachment_file_as(&actor, &case.id, id, via, now))
        .collect::<Result<Vec<_>, _>>()?;
    let policy = store.policy(org)?;
    let derivation = amparo_domain::derive(&case.in_force(), day, &policy, store.rules());
    let organisation = store.organisation_profile(org)?;
    let assignments = store.assignments(org, &case.id)?;
    // How the family reaches its caseworker (the family letter): the address of their account.
    let caseworker_email = match amparo_notify::letter::caseworker(&assignments) {
        Some(a) => store.user(org, &a.user_id)?.map(|u| u.email),
        None => None,
    };
    Ok(Record { case, derivation, organisation, assignments, caseworker_email, today: day, exhibits: files })
}

/// What changed since the latest generation of the same kind and language, if any.
fn since(previous: Option<&DocumentRecord>, generated: &Generated) -> Option<Vec<amparo_documents::Change>> {
    Some(changes_between(previous?, &generated.fingerprint, &generated.template_version))
}

/// The facts that differ between a recorded generation and a later fingerprint; a template change
/// is named `template`. An unreadable recorded fingerprint counts every fact as added.
pub fn changes_between(
    before: &DocumentRecord,
    fingerprint: &amparo_documents::Fingerprint,
    template_version: &str,
) -> Vec<amparo_documents::Change> {
    let earlier: amparo_documents::Fingerprint =
        serde_json::from_str(&before.fingerprint).unwrap_or_default();
    let mut changes = fingerprint.changes_since(&earlier);
    if before.template_version != template_version {
        changes.insert(
            0,
            amparo_documents::Change {
                path: String::from("template"),
                how: amparo_documents::ChangeKind::Changed,
            },
        );
    }
    changes
}

/// What a person asked for, as sent: checked once the case is found, so that a case one may not
/// see is "not found" whatever was asked.
pub struct Asked {
    pub kind: String,
    pub exhibits: Vec<String>,
    pub language: Option<String>,
}

/// Generates the document `asked` names from the case as it is today and records the generation
/// (audited); what changed since the previous one of its kind and language comes with it.
pub fn generate(
    store: &Store,
    templates: &Templates,
    user: &User,
    case: &CaseId,
    asked: Asked,
    now: DateTime<Utc>,
) -> Result<Made, WebError> {
    let stored = read_case(store, user, case, "document", now)?;
    let choice = super::request::choice(&asked.kind, asked.exhibits, asked.language.as_deref())?;
    if !may_make(user, choice.kind) {
        return Err(WebError::Forbidden);
    }
    let today = store.today_for(&user.org_id, now)?;
    let record = read_record(store, user, stored, (&choice.exhibits, "document"), today, now)?;
    let generated = record.prepare(templates, &choice, None)?.typeset().map_err(document_error)?;
    let previous =
        store.latest_document(&user.org_id, &record.case.id, choice.kind.as_str(), &generated.language)?;
    let made = record_generation(store, user, &record.case.id, &generated, &choice.exhibits, now)?;
    Ok(Made { changes: since(previous.as_ref(), &generated), record: made })
}

fn record_generation(
    store: &Store,
    user: &User,
    case: &CaseId,
    generated: &Generated,
    exhibits: &[String],
    now: DateTime<Utc>,
) -> Result<DocumentRecord, WebError> {
    let fingerprint =
        serde_json::to_string(&generated.fingerprint).map_err(|e| WebError::Internal(e.to_string()))?;
    let new = NewDocument {
        case,
        kind: generated.kind.as_str(),
        language: &generated.language,
        template_version: &generated.template_version,
        data_hash: &generated.fingerprint.hash(),
        fingerprint: &fingerprint,
        attachment: None,
        exhibits,
    };
    Ok(store.record_document_as(&Actor::of(user), &new, now)?)
}

/// The generations of the case `user` may read (a clinician only medical letters), oldest first.
pub fn list(
    store: &Store,
    user: &User,
    case: &CaseId,
    now: DateTime<Utc>,
) -> Result<Vec<DocumentRecord>, WebError> {
    let actor = Actor::of(user);
    let documents = store.case_documents_as(&actor, case).map_err(|e| match e {
        amparo_store::StoreError::Refused(_) => WebError::NotFound("case".into()),
        other => other.into(),
    })?;
    let event = AuditEvent {
        actor: Some(user.id.clone()),
        action: "document.listed".into(),
        target: case.as_str().to_owned(),
        detail: serde_json::json!({ "documents": documents.len() }),
    };
    store.record_audit(&user.org_id, &event, now)?;
    Ok(documents)
}

/// The file name a document downloads as: its kind, the case's reference, the day it was made.
fn file_name(record: &DocumentRecord, reference: &str, day: Date, format: Format) -> String {
    let language = if record.language == "en" { String::new() } else { format!("-{}", record.language) };
    format!("{}-{reference}-{day}{language}.{}", record.kind, format.extension())
}

/// One recorded document as `format`: the kept signed PDF of an attested letter, else the document
/// typeset again as of its day and checked against its data hash (`Conflict` when the case changed
/// since). Audited as a download.
pub fn download(
    store: &Store,
    templates: &Templates,
    user: &User,
    (case, id): (&CaseId, &str),
    format: Format,
    now: DateTime<Utc>,
) -> Result<Download, WebError> {
    let actor = Actor::of(user);
    let record = store.document_as(&actor, case, id)?;
    let kind = DocumentKind::parse(&record.kind)
        .ok_or_else(|| WebError::Internal(format!("document kind {:?}", record.kind)))?;
    if format == Format::Docx && (!kind.editable() || record.attachment.is_some()) {
        return Err(WebError::NotFound("document as DOCX".into()));
    }
    let day = store.today_for(&user.org_id, record.created_at)?;
    let stored = read_case(store, user, case, "document", now)?;
    let reference = stored.file.case.reference.to_string();
    let name = file_name(&record, &reference, day, format);
    if let Some(kept) = &record.attachment {
        let file = store.attachment_file_as(&actor, case, kept, "document", now)?;
        return Ok(Download { file_name: name, content_type: format.content_type(), bytes: file.bytes });
    }
    let choice = Choice {
        kind,
        exhibits: record.exhibits.clone(),
        language: (kind == DocumentKind::FamilyLetter).then(|| record.language.clone()),
    };
    let again = read_record(store, user, stored, (&record.exhibits, "document"), day, now)?;
    // Compared before typesetting: a document that would differ costs no typesetting.
    let prepared = again.prepare(templates, &choice, None)?;
    if prepared.fingerprint.hash() != record.data_hash
        || prepared.template_version() != record.template_version
    {
        return Err(WebError::Conflict(String::from(
            "the case changed since this document was generated; generate it again to download the current one",
        )));
    }
    let generated = prepared.typeset().map_err(document_error)?;
    let event = AuditEvent {
        actor: Some(user.id.clone()),
        action: "document.downloaded".into(),
        target: case.as_str().to_owned(),
        detail: serde_json::json!({ "document": record.id, "format": format.extension() }),
    };
    store.record_audit(&user.org_id, &event, now)?;
    let bytes = match format {
        Format::Pdf => generated.pdf,
        Format::Docx => amparo_documents::docx(&generated).map_err(document_error)?,
    };
    Ok(Download { file_name: name, content_type: format.content_type(), bytes })
}

/// The medical letter's draft for review: its paragraphs as today's data prints them, the case's
/// version the reviewer saw, and its reference. Audited as a read of the case.
pub fn draft(
    store: &Store,
    templates: &Templates,
    user: &User,
    case: &CaseId,
    now: DateTime<Utc>,
) -> Result<(Vec<amparo_documents::docx::Paragraph>, i64, String), WebError> {
    let stored = read_case(store, user, case, "attestation review", now)?;
    let today = store.today_for(&user.org_id, now)?;
    let record = read_record(store, user, stored, (&[], "attestation review"), today, now)?;
    let choice = Choice { kind: DocumentKind::MedicalLetter, exhibits: Vec::new(), language: None };
    let prepared = record.prepare(templates, &choice, None)?;
    let paragraphs = amparo_documents::paragraphs(prepared.kind, &prepared.data).map_err(document_error)?;
    Ok((paragraphs, record.case.version, record.case.file.case.reference.to_string()))
}

/// A clinician's attestation of the medical letter, all or nothing (the store's
/// `attest_medical_letter_as`): a `medical_attested` event dated the attestation's day with the
/// case's days to critical harm, the signed PDF kept as a medical attachment about the patient, and
/// the generation recorded naming it. Only a clinician attests; the letter is theirs to sign.
pub fn attest(
    store: &Store,
    templates: &Templates,
    user: &User,
    case: &CaseId,
    checked: &CheckedAttestation,
    now: DateTime<Utc>,
) -> Result<(i64, DocumentRecord), WebError> {
    if user.role != amparo_domain::org::UserRole::Clinician {
        return Err(WebError::Forbidden);
    }
    let stored = read_case(store, user, case, "attestation", now)?;
    // A case changed since the review is refused before typesetting (the store checks it again).
    if stored.version != checked.version {
        return Err(WebError::Conflict(format!(
            "the case is at version {}, not {}: review the letter again",
            stored.version, checked.version
        )));
    }
    let today = store.today_for(&user.org_id, now)?;
    let record = read_record(store, user, stored, (&[], "attestation"), today, now)?;
    let choice = Choice { kind: DocumentKind::MedicalLetter, exhibits: Vec::new(), language: None };
    let attestation = &checked.attestation;
    let generated =
        record.prepare(templates, &choice, Some(attestation))?.typeset().map_err(document_error)?;
    let file = &record.case.file;
    let days = file.case.medical.as_ref().and_then(|m| m.days_to_critical_harm);
    let event = Event {
        id: None,
        on: attestation.date,
        persons: None,
        supersedes: None,
        answers: None,
        kind: EventKind::MedicalAttested { days_to_critical_harm: days },
        note: None,
    };
    let letter = NewAttachment {
        details: AttachmentDetails {
            kind: AttachmentKind::MedicalLetter,
            title: format!("Medical necessity letter, attested by {}", attestation.name),
            dated: Some(attestation.date),
            event: None,
            person: file.case.patient().map(|p| p.key.clone()),
            file_name: Some(format!("medical-letter-{}-attested.pdf", file.case.reference)),
        },
        bytes: generated.pdf.clone(),
    };
    let fingerprint =
        serde_json::to_string(&generated.fingerprint).map_err(|e| WebError::Internal(e.to_string()))?;
    let document = NewDocument {
        case: &record.case.id,
        kind: DocumentKind::MedicalLetter.as_str(),
        language: &generated.language,
        template_version: &generated.template_version,
        data_hash: &generated.fingerprint.hash(),
        fingerprint: &fingerprint,
        attachment: None,
        exhibits: &[],
    };
    let actor = Actor::of(user);
    Ok(store.attest_medical_letter_as(&actor, checked.version, &event, &letter, &document, now)?)
}

/// For each recorded generation, what changed since the one before it of the same kind and
/// language (`None` for the first of its kind), from their recorded fingerprints.
pub fn changes_in_order(records: &[DocumentRecord]) -> Vec<Option<Vec<amparo_documents::Change>>> {
    records
        .iter()
        .enumerate()
        .map(|(index, record)| {
            let before = records[..index]
                .iter()
                .rev()
                .find(|r| r.kind == record.kind && r.language == record.language)?;
            let fingerprint: amparo_documents::Fingerprint =
                serde_json::from_str(&record.fingerprint).unwrap_or_default();
            Some(changes_between(before, &fingerprint, &record.template_version))
        })
        .collect()
}
