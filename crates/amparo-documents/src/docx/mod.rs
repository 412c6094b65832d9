//! The letters as DOCX, for the person who edits them in a word processor: the same data the PDF
//! printed, as plain paragraphs (headings bold, right-to-left paragraphs marked as such) in a
//! minimal WordprocessingML package. The packet has no DOCX: its exhibits are PDFs.
//!
//! The DOCX wording follows the built-in templates; an organisation's replaced typst templates change
//! the PDF only.

mod paragraphs;
mod zip;

use crate::error::DocumentError;
use crate::generate::Generated;
use crate::kind::DocumentKind;
pub use paragraphs::Paragraph;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELATIONSHIPS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 allows no other control character.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn document_xml(paragraphs: &[Paragraph]) -> String {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str("<w:p>");
        if p.rtl {
            body.push_str("<w:pPr><w:bidi/></w:pPr>");
        }
        body.push_str("<w:r>");
        if p.bold || p.rtl {
            body.push_str("<w:rPr>");
            if p.bold {
                body.push_str("<w:b/>");
            }
            if p.rtl {
                body.push_str("<w:rtl/>");
            }
            body.push_str("</w:rPr>");
        }
        body.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", escape(&p.text)));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr>\
         <w:pgSz w:w=\"12240\" w:h=\"15840\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" \
         w:left=\"1440\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

/// A letter's text as paragraphs, from the data its PDF prints (`Prepared::data`), as its DOCX holds
/// it and as a page shows it for review.
pub fn paragraphs(kind: DocumentKind, data: &serde_json::Value) -> Result<Vec<Paragraph>, DocumentError> {
    Ok(match kind {
        DocumentKind::MedicalLetter => paragraphs::medical_letter(data),
        DocumentKind::CoverLetter => paragraphs::cover_letter(data),
        DocumentKind::FamilyLetter => paragraphs::family_letter(data),
        DocumentKind::Packet => {
            return Err(DocumentError::Data(String::from(
                "the packet is made as PDF only; its exhibits are PDFs",
            )));
        }
    })
}

/// The DOCX of a generated letter.
pub fn docx(generated: &Generated) -> Result<Vec<u8>, DocumentError> {
    let paragraphs = paragraphs(generated.kind, &generated.data)?;
    zip::stored(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ("_rels/.rels", RELATIONSHIPS.as_bytes().to_vec()),
        ("word/document.xml", document_xml(&paragraphs).into_bytes()),
    ])
    .map_err(DocumentError::Data)
}
