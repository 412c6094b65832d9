//! The packet's exhibits: the attachments chosen, lettered A, B, C… in the order chosen, each with its
//! pages measured so the packet places every PDF page at its own size and an image on a page of its
//! own. A file that cannot be placed (a HEIC photo, a Word file, a damaged PDF) refuses the packet,
//! naming the exhibit, before anything is typeset.

use amparo_domain::attachments::ContentType;
use amparo_store::AttachmentFile;
use lopdf::{Document, Object, ObjectId};
use serde::Serialize;

use super::english_date;
use crate::error::DocumentError;

/// A page's size in PDF points.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

/// A US Letter page, for an image placed on a page of its own.
const LETTER: PageSize = PageSize { width: 612.0, height: 792.0 };

/// One exhibit as the templates read it.
#[derive(Clone, Debug, Serialize)]
pub struct Exhibit {
    /// "A", "B", … "Z", "AA".
    pub letter: String,
    pub title: String,
    pub dated: Option<String>,
    /// `pdf` or `image`.
    pub form: &'static str,
    /// Where the template finds the file.
    pub path: String,
    /// Each page's size (one for an image).
    pub pages: Vec<PageSize>,
}

/// A file the template places: its path in the document's world and its bytes.
pub type PlacedFile = (String, Vec<u8>);

/// The exhibit letter of the `index`th exhibit (0 → A, 25 → Z, 26 → AA).
pub fn exhibit_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The exhibits and the files the template places, in the order `files` are given.
pub fn prepare(files: &[AttachmentFile]) -> Result<(Vec<Exhibit>, Vec<PlacedFile>), DocumentError> {
    let mut exhibits = Vec::with_capacity(files.len());
    let mut placed = Vec::with_capacity(files.len());
    for (index, file) in files.iter().enumerate() {
        let letter = exhibit_letter(index);
        let attachment = &file.attachment;
        let refuse = |reason: String| DocumentError::Exhibit {
            exhibit: letter.clone(),
            title: attachment.title.clone(),
            reason,
        };
        let (form, extension, pages) = match attachment.content_type {
            ContentType::Pdf => ("pdf", "pdf", pdf_pages(&file.bytes).map_err(refuse)?),
            ContentType::Png => ("image", "png", vec![LETTER]),
            ContentType::Jpeg => ("image", "jpg", vec![LETTER]),
            other => {
                return Err(refuse(format!(
                    "a {} file cannot be placed in a packet; add it as PDF, PNG or JPEG",
                    other.extension().to_uppercase()
                )));
            }
        };
        let path = format!("/exhibits/{}.{extension}", letter.to_lowercase());
        exhibits.push(Exhibit {
            letter: letter.clone(),
            title: attachment.title.clone(),
            dated: attachment.dated.map(english_date),
            form,
            path: path.clone(),
            pages,
        });
        placed.push((path, file.bytes.clone()));
    }
    Ok((exhibits, placed))
}

/// Each page's size (its crop box, else its media box, as the page or a parent gives it).
fn pdf_pages(bytes: &[u8]) -> Result<Vec<PageSize>, String> {
    let document = Document::load_mem(bytes).map_err(|e| format!("not a readable PDF: {e}"))?;
    if document.is_encrypted() {
        return Err(String::from("the PDF is encrypted; add an unprotected copy"));
    }
    let pages: Vec<PageSize> = document.get_pages().values().map(|id| page_size(&document, *id)).collect();
    if pages.is_empty() {
        return Err(String::from("the PDF has no pages"));
    }
    Ok(pages)
}

fn page_size(document: &Document, page: ObjectId) -> PageSize {
    let mut current = Some(page);
    // A page inherits its box from the page tree; a loop in a damaged tree ends after a few steps.
    for _ in 0..32 {
        let Some(id) = current else { break };
        let Ok(dict) = document.get_dictionary(id) else { break };
        for key in [b"CropBox".as_slice(), b"MediaBox".as_slice()] {
            if let Some(size) = dict.get(key).ok().and_then(|o| rectangle(document, o)) {
                return size;
            }
        }
        current = dict.get(b"Parent").ok().and_then(|p| p.as_reference().ok());
    }
    LETTER
}

fn rectangle(document: &Document, object: &Object) -> Option<PageSize> {
    let object = match object {
        Object::Reference(id) => document.get_object(*id).ok()?,
        other => other,
    };
    let numbers: Vec<f32> = object.as_array().ok()?.iter().filter_map(|n| n.as_float().ok()).collect();
    let [x0, y0, x1, y1] = numbers.as_slice() else { return None };
    let (width, height) = ((x1 - x0).abs(), (y1 - y0).abs());
    (width > 1.0 && height > 1.0).then_some(PageSize { width, height })
}

#[cfg(test)]
mod tests {
    use super::exhibit_letter;

    #[test]
    fn exhibits_are_lettered_past_z_as_spreadsheets_letter_columns() {
        let letters: Vec<String> = [0, 1, 25, 26, 27, 51, 52].into_iter().map(exhibit_letter).collect();
        assert_eq!(letters, ["A", "B", "Z", "AA", "AB", "AZ", "BA"]);
    }
}
