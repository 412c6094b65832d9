//! Typesetting: a template and its data compiled by typst, in process, into a PDF. The template reads
//! the record from `data.json` (`json("/data.json")`); exhibits are files beside it.

mod world;

use amparo_domain::Date;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::error::DocumentError;
use crate::templates::TemplateFiles;
use world::DocumentWorld;

/// What one typesetting run is given.
pub(crate) struct Job<'a> {
    /// The template files: the main one and those it imports.
    pub templates: &'a TemplateFiles,
    /// The record the template prints, as JSON.
    pub data: &'a serde_json::Value,
    /// Binary files the template places (exhibits), by absolute path.
    pub files: Vec<(String, Vec<u8>)>,
    /// The day the document is dated (the organisation's calendar day).
    pub today: Date,
    /// A stable identifier of the document (kind and case), for the PDF's id.
    pub ident: String,
}

/// The PDF typst makes of `job`.
pub(crate) fn typeset(job: Job) -> Result<Vec<u8>, DocumentError> {
    let data = serde_json::to_vec_pretty(job.data).map_err(|e| DocumentError::Data(e.to_string()))?;
    let mut files = job.files;
    files.push((String::from("/data.json"), data));
    let today = Datetime::from_ymd(job.today.year(), job.today.month() as u8, job.today.day() as u8)
        .ok_or_else(|| DocumentError::Data(format!("no such day: {}", job.today)))?;
    let templates = job.templates;
    let world = DocumentWorld::new(
        (&templates.main_path(), templates.main.text.clone()),
        templates.imports.iter().map(|t| (format!("/{}", t.name), t.text.clone())).collect(),
        files,
        today,
    )
    .map_err(DocumentError::Template)?;
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| DocumentError::Typeset {
        template: templates.main.name.clone(),
        messages: errors.iter().map(|e| e.message.to_string()).collect(),
    })?;
    let options = PdfOptions { ident: Smart::Custom(job.ident), ..PdfOptions::default() };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| DocumentError::Typeset {
        template: templates.main.name.clone(),
        messages: errors.iter().map(|e| e.message.to_string()).collect(),
    });
    // typst memoizes across compiles in a process-wide cache; a server keeps only what the last few
    // documents used, so memory does not grow with every case's exhibits.
    typst::comemo::evict(KEEP_COMPILES);
    pdf
}

/// How many compiles' memoized results stay cached.
const KEEP_COMPILES: usize = 2;
