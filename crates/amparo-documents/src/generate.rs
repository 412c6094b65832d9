//! Generating one document: the record read into the kind's data, typeset with the kind's template,
//! and what it was made from (template version, data fingerprint) returned beside the PDF.

use amparo_domain::{Date, Derivation};
use amparo_store::{Assignment, AttachmentFile, OrganisationProfile, StoredCase};

use crate::content::Letterhead;
use crate::content::cover::CoverLetter;
use crate::content::exhibits;
use crate::content::family::{FamilyInput, FamilyLetter, language_of};
use crate::content::medical::{Attestation, MedicalLetter};
use crate::error::DocumentError;
use crate::fingerprint::Fingerprint;
use crate::kind::DocumentKind;
use crate::templates::{TemplateFiles, Templates};
use crate::typeset::{Job, typeset};

/// The record a document is made from, read by the caller under its own access checks.
pub struct Sources<'a> {
    pub case: &'a StoredCase,
    /// The case's derivation for `today`.
    pub derivation: &'a Derivation,
    pub organisation: &'a OrganisationProfile,
    pub assignments: &'a [Assignment],
    /// How the family reaches its caseworker (the family letter).
    pub caseworker_email: Option<&'a str>,
    /// The organisation's calendar day the document is dated.
    pub today: Date,
}

/// Which document, with what it alone needs.
pub enum Request<'a> {
    /// The medical-necessity letter: a draft, or attested.
    MedicalLetter { attestation: Option<&'a Attestation> },
    /// The cover letter with the index of these exhibits, in this order.
    CoverLetter { exhibits: &'a [AttachmentFile] },
    /// The whole packet with these exhibits, in this order.
    Packet { exhibits: &'a [AttachmentFile] },
    /// The family letter in `language` (a BCP 47 tag), else the family's own.
    FamilyLetter { language: Option<&'a str> },
}

impl Request<'_> {
    pub fn kind(&self) -> DocumentKind {
        match self {
            Request::MedicalLetter { .. } => DocumentKind::MedicalLetter,
            Request::CoverLetter { .. } => DocumentKind::CoverLetter,
            Request::Packet { .. } => DocumentKind::Packet,
            Request::FamilyLetter { .. } => DocumentKind::FamilyLetter,
        }
    }
}

/// A generated document and what it was made from.
#[derive(Clone, Debug)]
pub struct Generated {
    pub kind: DocumentKind,
    /// The language it is written in (`en` but for the family letter).
    pub language: String,
    pub pdf: Vec<u8>,
    pub template_version: String,
    pub fingerprint: Fingerprint,
    /// The data the template printed.
    pub data: serde_json::Value,
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, DocumentError> {
    serde_json::to_value(value).map_err(|e| DocumentError::Data(e.to_string()))
}

/// A document read from the record and ready to typeset: what it prints and what it was made from,
/// known before the (costly) typesetting, so a caller can compare it with a recorded generation first.
pub struct Prepared {
    pub kind: DocumentKind,
    /// The language it is written in (`en` but for the family letter).
    pub language: String,
    /// The data the template prints.
    pub data: serde_json::Value,
    pub fingerprint: Fingerprint,
    templates: TemplateFiles,
    files: Vec<(String, Vec<u8>)>,
    today: Date,
    ident: String,
}

impl Prepared {
    /// The templates' version the document is typeset with.
    pub fn template_version(&self) -> String {
        self.templates.version()
    }

    /// Typesets the document.
    pub fn typeset(self) -> Result<Generated, DocumentError> {
        let template_version = self.templates.version();
        let pdf = typeset(Job {
            templates: &self.templates,
            data: &self.data,
            files: self.files,
            today: self.today,
            ident: self.ident,
        })?;
        Ok(Generated {
            kind: self.kind,
            language: self.language,
            pdf,
            template_version,
            fingerprint: self.fingerprint,
            data: self.data,
        })
    }
}

/// Reads the document `request` asks for from `sources`, with the template `templates` has for
/// its kind, ready to typeset.
pub fn prepare(
    templates: &Templates,
    sources: &Sources,
    request: Request,
) -> Result<Prepared, DocumentError> {
    let kind = request.kind();
    let file = &sources.case.file;
    let letterhead = Letterhead::of(sources.organisation);
    let mut language = String::from("en");
    let (data, files) = match request {
        Request::MedicalLetter { attestation } => {
            (to_json(&MedicalLetter::of(file, letterhead, sources.today, attestation)?)?, Vec::new())
        }
        Request::CoverLetter { exhibits: chosen } | Request::Packet { exhibits: chosen } => {
            let (exhibits, placed) = exhibits::prepare(chosen)?;
            let letter = CoverLetter::of(file, sources.derivation, letterhead, sources.today, exhibits)?;
            // The cover letter only indexes the exhibits; the packet places them.
            let files = if kind == DocumentKind::Packet { placed } else { Vec::new() };
            (to_json(&letter)?, files)
        }
        Request::FamilyLetter { language: asked } => {
            let family_language = language_of(file, asked)?;
            language = family_language.as_str().to_owned();
            let input = FamilyInput {
                file,
                derivation: sources.derivation,
                assignments: sources.assignments,
                caseworker_email: sources.caseworker_email,
                today: sources.today,
            };
            (to_json(&FamilyLetter::of(&input, letterhead, family_language)?)?, Vec::new())
        }
    };
    let templates = templates.for_kind(kind)?;
    let fingerprint = Fingerprint::of(&data, &files);
    Ok(Prepared {
        kind,
        language,
        data,
        fingerprint,
        templates,
        files,
        today: sources.today,
        ident: format!("amparo/{}/{}", sources.case.id.as_str(), kind),
    })
}

/// Generates the document `request` asks for from `sources`, typeset with `templates`.
pub fn generate(
    templates: &Templates,
    sources: &Sources,
    request: Request,
) -> Result<Generated, DocumentError> {
    prepare(templates, sources, request)?.typeset()
}
