//! A PDF's text layer, read in process with `lopdf` (see `docs/dependencies.md`): each page's text
//! operators walked in order, a line break wherever the text moves to another line (`Td`, `TD`,
//! `T*`, `Tm`, a text object's end), a space for a wide gap in a `TJ` array. And the scanned page
//! images of an image-only PDF, for Tesseract.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Document, Encoding, Object};

/// The most a page's content may inflate to: a notice is text, not a decompression bomb.
const MAX_PAGE_CONTENT: usize = 16 * 1024 * 1024;

/// A `TJ` gap (thousandths of an em) wide enough to be a space between words.
const WORD_GAP: f32 = 180.0;

/// The text of every page, pages in order, one line of text to a line.
pub fn text_layer(document: &Document) -> Result<String, lopdf::Error> {
    let mut text = String::new();
    for page in document.get_pages().into_values() {
        let fonts = document.get_page_fonts(page)?;
        let encodings: BTreeMap<Vec<u8>, Encoding> = fonts
            .into_iter()
            .filter_map(|(name, font)| font.get_font_encoding(document).ok().map(|e| (name, e)))
            .collect();
        let content = Content::decode(&document.get_page_content_with_limit(page, MAX_PAGE_CONTENT)?)?;
        page_text(&content, &encodings, &mut text);
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    Ok(text)
}

fn number(object: &Object) -> f32 {
    match object {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

fn new_line(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

fn show(text: &mut String, encoding: Option<&Encoding>, operand: &Object) {
    match operand {
        Object::String(bytes, _) => {
            if let Some(decoded) = encoding.and_then(|e| Document::decode_text(e, bytes).ok()) {
                text.push_str(&decoded);
            }
        }
        Object::Array(items) => {
            for item in items {
                match item {
                    Object::String(..) => show(text, encoding, item),
                    gap if -number(gap) >= WORD_GAP && !text.ends_with(' ') => text.push(' '),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn page_text(content: &Content, encodings: &BTreeMap<Vec<u8>, Encoding>, text: &mut String) {
    let mut encoding = None;
    let mut line_y: Option<f32> = None;
    for op in &content.operations {
        let operands = &op.operands;
        match op.operator.as_str() {
            "Tf" => encoding = operands.first().and_then(|n| n.as_name().ok()).and_then(|n| encodings.get(n)),
            "Tj" | "TJ" => {
                if let Some(operand) = operands.first() {
                    show(text, encoding, operand);
                }
            }
            "'" | "\"" => {
                new_line(text);
                if let Some(operand) = operands.last() {
                    show(text, encoding, operand);
                }
            }
            "T*" | "ET" => new_line(text),
            "Td" | "TD" if operands.get(1).is_some_and(|ty| number(ty) != 0.0) => new_line(text),
            "Td" | "TD"
                if operands.first().is_some_and(|tx| number(tx) > 0.0) && !text.ends_with([' ', '\n']) =>
            {
                text.push_str("  ")
            }
            "Tm" => {
                let y = operands.get(5).map(number);
                if line_y.is_some() && y != line_y {
                    new_line(text);
                }
                line_y = y;
            }
            _ => {}
        }
    }
}

/// The JPEG images of each page (the form a scanner writes into a PDF), as files Tesseract reads.
pub fn scanned_pages(document: &Document) -> Vec<Vec<u8>> {
    document
        .get_pages()
        .values()
        .flat_map(|page| document.get_page_images(*page).unwrap_or_default())
        .filter(|image| image.filters.as_ref().is_some_and(|f| f.iter().any(|f| f == "DCTDecode")))
        .map(|image| image.content.to_vec())
        .collect()
}
