//! The fonts every document is typeset with, embedded in the binary so a PDF looks the same on every
//! server and embeds every glyph it uses: Noto Sans (Latin, Cyrillic, Greek) and Noto Naskh Arabic
//! (the Arabic script: Dari, Pashto). SIL Open Font License 1.1 (`fonts/OFL.txt`).

/// One embedded font file.
pub struct FontFile {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

/// The embedded font files.
pub const EMBEDDED: [FontFile; 5] = [
    FontFile { name: "NotoSans-Regular.ttf", bytes: include_bytes!("../fonts/NotoSans-Regular.ttf") },
    FontFile { name: "NotoSans-Bold.ttf", bytes: include_bytes!("../fonts/NotoSans-Bold.ttf") },
    FontFile { name: "NotoSans-Italic.ttf", bytes: include_bytes!("../fonts/NotoSans-Italic.ttf") },
    FontFile {
        name: "NotoNaskhArabic-Regular.ttf",
        bytes: include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
    },
    FontFile { name: "NotoNaskhArabic-Bold.ttf", bytes: include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf") },
];

/// The font families templates name, in fallback order: Latin and Cyrillic first, Arabic script after.
pub const FAMILIES: [&str; 2] = ["Noto Sans", "Noto Naskh Arabic"];
