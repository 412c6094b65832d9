//! A notice's text from the file it came in (for `amparo notice read` and the case's "Read a notice"
//! page): plain text or an email as it is, a PDF's text layer read
//! in process ([`pdf`]), a scanned image or an image-only PDF read by Tesseract when it is installed
//! ([`ocr`]). What cannot be read is said so, with what to do instead: never an empty notice.

pub mod ocr;
pub mod pdf;

/// Where a notice's text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// The file was text (a pasted notice, an email saved as `.eml` or `.txt`).
    Text,
    /// The PDF's own text layer.
    PdfText,
    /// Read by Tesseract from a scanned image or an image-only PDF: check every value against the paper.
    Ocr,
}

/// Why a notice's text could not be had.
#[derive(Debug, thiserror::Error)]
pub enum NoticeTextError {
    #[error("the PDF could not be read: {0}")]
    Pdf(#[from] lopdf::Error),
    #[error(
        "the notice is a scanned image and Tesseract (tesseract-ocr) is not installed: install it, or type the notice's text into a text file"
    )]
    NoOcr,
    #[error("Tesseract could not read the image: {0}")]
    Ocr(String),
    #[error(
        "the PDF has no text layer and no scanned page Tesseract can read: type the notice's text into a text file"
    )]
    NoText,
    #[error("the file is neither text, a PDF nor an image (PNG, JPEG, TIFF); save the notice as text or PDF")]
    Unknown,
}

/// The kind of file `bytes` hold, by their first bytes (a file's name can lie).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileKind {
    Pdf,
    Image,
    Text,
}

fn kind_of(bytes: &[u8]) -> Option<FileKind> {
    const IMAGES: [&[u8]; 5] = [b"\x89PNG", b"\xff\xd8\xff", b"II*\0", b"MM\0*", b"P5"];
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if IMAGES.iter().any(|m| bytes.starts_with(m)) {
        Some(FileKind::Image)
    } else if std::str::from_utf8(bytes).is_ok() {
        Some(FileKind::Text)
    } else {
        None
    }
}

/// The text of the notice in `bytes`, and where it came from.
pub fn notice_text(bytes: &[u8]) -> Result<(String, TextSource), NoticeTextError> {
    match kind_of(bytes).ok_or(NoticeTextError::Unknown)? {
        FileKind::Text => Ok((String::from_utf8_lossy(bytes).replace("\r\n", "\n"), TextSource::Text)),
        FileKind::Pdf => {
            let document = lopdf::Document::load_mem(bytes)?;
            let text = pdf::text_layer(&document)?;
            if has_words(&text) {
                return Ok((text, TextSource::PdfText));
            }
            let scans = pdf::scanned_pages(&document);
            if scans.is_empty() {
                return Err(NoticeTextError::NoText);
            }
            let mut text = String::new();
            for scan in scans {
                text.push_str(&ocr::read_image(&scan)?);
                text.push('\n');
            }
            Ok((text, TextSource::Ocr))
        }
        FileKind::Image => Ok((ocr::read_image(bytes)?, TextSource::Ocr)),
    }
}

/// Whether a text layer holds words rather than nothing (a scan's PDF often has none, or a few stray
/// characters).
fn has_words(text: &str) -> bool {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count() >= 5
}
