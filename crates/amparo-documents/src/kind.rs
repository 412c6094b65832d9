//! The kinds of document Amparo generates.

use std::fmt;

/// A kind of generated document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// The medical-necessity letter, drafted for the treating clinician to review and attest.
    MedicalLetter,
    /// The re-parole request's cover letter (Form I-131) with its expedite request and exhibit index.
    CoverLetter,
    /// The cover letter, the exhibit index and every chosen exhibit as one PDF.
    Packet,
    /// The family's status letter, in the family's language.
    FamilyLetter,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::MedicalLetter,
        DocumentKind::CoverLetter,
        DocumentKind::Packet,
        DocumentKind::FamilyLetter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::MedicalLetter => "medical-letter",
            DocumentKind::CoverLetter => "cover-letter",
            DocumentKind::Packet => "packet",
            DocumentKind::FamilyLetter => "family-letter",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether a person edits this kind in a word processor, so it is offered as DOCX too.
    pub fn editable(self) -> bool {
        matches!(self, DocumentKind::MedicalLetter | DocumentKind::CoverLetter | DocumentKind::FamilyLetter)
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
