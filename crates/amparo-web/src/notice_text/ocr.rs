//! Tesseract, when installed, reading a scanned notice in English and Spanish. The image goes to a
//! private temporary file and the text comes back on standard output; nothing of the notice is
//! logged.

use std::io::Write;
use std::process::{Command, Stdio};

use super::NoticeTextError;

/// The program run, found on the `PATH`.
const PROGRAM: &str = "tesseract";

/// The languages asked for: English and Spanish where both are installed, else what there is of them.
fn languages(program: &str) -> String {
    let listed = Command::new(program).arg("--list-langs").stderr(Stdio::null()).output();
    let installed = listed.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    let have: Vec<&str> =
        ["eng", "spa"].into_iter().filter(|l| installed.lines().any(|i| i.trim() == *l)).collect();
    if have.is_empty() { "eng".into() } else { have.join("+") }
}

/// The text Tesseract reads in `image` (PNG, JPEG, TIFF or PGM bytes).
pub fn read_image(image: &[u8]) -> Result<String, NoticeTextError> {
    let program = PROGRAM;
    let mut file = tempfile::NamedTempFile::new().map_err(|e| NoticeTextError::Ocr(e.to_string()))?;
    file.write_all(image).map_err(|e| NoticeTextError::Ocr(e.to_string()))?;
    let output = Command::new(program)
        .arg(file.path())
        .arg("stdout")
        .args(["-l", &languages(program), "--psm", "4"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => NoticeTextError::NoOcr,
            _ => NoticeTextError::Ocr(e.to_string()),
        })?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let first = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("it failed");
        return Err(NoticeTextError::Ocr(first.to_owned()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
