//! Documents generated from the record, in the organisation's letterhead: the medical-necessity
//! letter (a draft for the treating clinician, then attested), the re-parole request's cover letter
//! with its expedite request and exhibit index, the filing packet (cover letter, index, then every
//! exhibit with tabs, page numbers and bookmarks, as one PDF) and the family letter in the family's
//! language. PDFs are typeset in process by typst, with embedded fonts, from templates kept as data
//! files an organisation can replace.
//!
//! | module | job |
//! | --- | --- |
//! | `kind` | the kinds of document |
//! | `content/` | what each kind prints, as data read from the record |
//! | `templates` | the typst templates: built in, or replaced from a folder; their version |
//! | `fonts` | the embedded font files |
//! | `typeset/` | the typst world and the compile to PDF |
//! | `docx/` | the letters as DOCX (a stored ZIP of minimal WordprocessingML) |
//! | `fingerprint` | what a document was made from, and what changed since |
//! | `generate` | one document from sources to PDF |
//!
//! The crate reads nothing itself: callers read the case, its attachments and the organisation's
//! profile under their own access checks (and audit), and hand them in as [`Sources`].

pub mod content;
pub mod docx;
pub mod error;
pub mod fingerprint;
pub mod fonts;
pub mod generate;
pub mod kind;
pub mod templates;
mod typeset;

pub use content::medical::Attestation;
pub use docx::{docx, paragraphs};
pub use error::DocumentError;
pub use fingerprint::{Change, ChangeKind, Fingerprint};
pub use generate::{Generated, Prepared, Request, Sources, generate, prepare};
pub use kind::DocumentKind;
pub use templates::Templates;
