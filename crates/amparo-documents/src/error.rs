//! Why a document could not be made.

/// A document that could not be generated. Nothing is kept of a failed one.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The case lacks a fact the document cannot do without.
    #[error("{field}: {problem}")]
    Missing { field: String, problem: String },
    /// An exhibit chosen for the packet cannot be placed.
    #[error("exhibit {exhibit} ({title}): {reason}")]
    Exhibit { exhibit: String, title: String, reason: String },
    /// The family's language has no letter texts.
    #[error("language {0:?}: no family-letter texts in this language")]
    Language(String),
    #[error("templates folder {path}: {reason}")]
    TemplateFolder { path: String, reason: String },
    #[error("template: {0}")]
    Template(String),
    /// Typst refused the template with this data.
    #[error("template {template}: {}", messages.join("; "))]
    Typeset { template: String, messages: Vec<String> },
    #[error("document data: {0}")]
    Data(String),
    #[error("PDF: {0}")]
    Pdf(String),
}
