//! The documents crate's tests: real PDFs checked with real tools (qpdf, pdftotext, pdffonts,
//! pdfinfo), and the records on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod docx;
mod family;
mod letters;
mod packet;
mod records;
mod support;
mod templates;
