//! What type a file is, read from its bytes: the client's claim (its `Content-Type`, the file's
//! extension) is never trusted. Only the types Amparo accepts are recognised, by their signatures:
//!
//! | type | how it is told |
//! | --- | --- |
//! | PDF | starts `%PDF-` |
//! | JPEG | starts `FF D8 FF` |
//! | PNG | starts with the 8-byte PNG signature |
//! | HEIC | an ISO-BMFF `ftyp` box whose major or a compatible brand is `heic`, `heix`, `heim`, `heis` or `mif1` |
//! | DOCX | a ZIP archive whose central directory lists `word/document.xml` |
//! | plain text | valid UTF-8 (a byte order mark allowed) with no NUL and no control character but tab, line feed, carriage return and form feed |

/// An accepted file type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContentType {
    Pdf,
    Jpeg,
    Png,
    Heic,
    Docx,
    Text,
}

impl ContentType {
    /// Every accepted type.
    pub const ALL: [ContentType; 6] = [
        ContentType::Pdf,
        ContentType::Jpeg,
        ContentType::Png,
        ContentType::Heic,
        ContentType::Docx,
        ContentType::Text,
    ];

    /// The media type served with the file.
    pub fn mime(self) -> &'static str {
        match self {
            ContentType::Pdf => "application/pdf",
            ContentType::Jpeg => "image/jpeg",
            ContentType::Png => "image/png",
            ContentType::Heic => "image/heic",
            ContentType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ContentType::Text => "text/plain; charset=utf-8",
        }
    }

    /// The type a stored media type names.
    pub fn from_mime(mime: &str) -> Option<ContentType> {
        ContentType::ALL.into_iter().find(|t| t.mime() == mime)
    }

    /// The extension a download is named with.
    pub fn extension(self) -> &'static str {
        match self {
            ContentType::Pdf => "pdf",
            ContentType::Jpeg => "jpg",
            ContentType::Png => "png",
            ContentType::Heic => "heic",
            ContentType::Docx => "docx",
            ContentType::Text => "txt",
        }
    }

    /// Whether a browser shows it safely inline (PDF and the images it renders); the others are
    /// only downloaded.
    pub fn shown_inline(self) -> bool {
        matches!(self, ContentType::Pdf | ContentType::Jpeg | ContentType::Png | ContentType::Heic)
    }
}

/// The accepted type `bytes` are, or `None`.
pub fn sniff(bytes: &[u8]) -> Option<ContentType> {
    if bytes.starts_with(b"%PDF-") {
        Some(ContentType::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ContentType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ContentType::Png)
    } else if is_heic(bytes) {
        Some(ContentType::Heic)
    } else if bytes.starts_with(b"PK\x03\x04") {
        zip_has(bytes, b"word/document.xml").then_some(ContentType::Docx)
    } else if is_text(bytes) {
        Some(ContentType::Text)
    } else {
        None
    }
}

const HEIC_BRANDS: [&[u8; 4]; 5] = [b"heic", b"heix", b"heim", b"heis", b"mif1"];

fn is_heic(bytes: &[u8]) -> bool {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return false;
    }
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    if !(16..=bytes.len()).contains(&size) {
        return false;
    }
    let major = &bytes[8..12];
    let compatible = bytes[16..size].chunks_exact(4);
    std::iter::once(major).chain(compatible).any(|brand| HEIC_BRANDS.iter().any(|b| &b[..] == brand))
}

fn le16(bytes: &[u8], at: usize) -> Option<usize> {
    bytes.get(at..at + 2).map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn le32(bytes: &[u8], at: usize) -> Option<usize> {
    bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// Whether a ZIP archive's central directory lists an entry named `name`.
fn zip_has(bytes: &[u8], name: &[u8]) -> bool {
    // The end-of-central-directory record: 22 bytes plus a comment of at most 65,535 bytes.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let Some(end) = bytes[from..].windows(4).rposition(|w| w == b"PK\x05\x06").map(|i| from + i) else {
        return false;
    };
    let (Some(count), Some(mut at)) = (le16(bytes, end + 10), le32(bytes, end + 16)) else {
        return false;
    };
    for _ in 0..count {
        if bytes.get(at..at + 4) != Some(b"PK\x01\x02".as_slice()) {
            return false;
        }
        let (Some(name_len), Some(extra_len), Some(comment_len)) =
            (le16(bytes, at + 28), le16(bytes, at + 30), le16(bytes, at + 32))
        else {
            return false;
        };
        if bytes.get(at + 46..at + 46 + name_len) == Some(name) {
            return true;
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    false
}

fn is_text(bytes: &[u8]) -> bool {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body)
        .is_ok_and(|text| text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0C')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ZIP archive holding empty entries with these names (stored, no data).
    pub(crate) fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for name in names {
            let offset = u32::try_from(out.len()).unwrap_or_default();
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 12]);
            out.extend_from_slice(&u16::try_from(name.len()).unwrap_or_default().to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&u16::try_from(name.len()).unwrap_or_default().to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = u32::try_from(out.len()).unwrap_or_default();
        let count = u16::try_from(names.len()).unwrap_or_default();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&u32::try_from(central.len()).unwrap_or_default().to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn each_accepted_type_is_recognised_by_its_bytes() {
        assert_eq!(sniff(b"%PDF-1.4\n%..."), Some(ContentType::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), Some(ContentType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ContentType::Png));
        let heic = [&[0, 0, 0, 24][..], b"ftypmif1", &[0, 0, 0, 0], b"mif1heic"].concat();
        assert_eq!(sniff(&heic), Some(ContentType::Heic));
        let docx = zip_of(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(sniff(&docx), Some(ContentType::Docx));
        assert_eq!(sniff("Carta de la clínica\r\n".as_bytes()), Some(ContentType::Text));
    }

    #[test]
    fn lookalikes_are_refused() {
        assert_eq!(sniff(&zip_of(&["xl/workbook.xml"])), None, "a spreadsheet is not a DOCX");
        assert_eq!(sniff(b"PK\x03\x04 truncated"), None);
        assert_eq!(sniff(b"MZ\x90\x00 an executable"), None);
        assert_eq!(sniff(b"text with a \x00 NUL"), None);
        assert_eq!(sniff(&[0xC3, 0x28]), None, "not UTF-8");
        let mp4 = [&[0, 0, 0, 16][..], b"ftypisom", &[0, 0, 0, 0]].concat();
        assert_eq!(sniff(&mp4), None, "a video's ftyp box is not HEIC");
    }
}
