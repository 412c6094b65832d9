//! The templates documents are typeset from: typst files kept as data, like the rule set. The
//! built-in ones are compiled in (`templates/`); an organisation replaces any of them by putting a
//! file of the same name in the `templates_dir` folder. Each main template names its version on its
//! first line (`// template-version: 3`), and a document records that version with a digest of
//! every file it was typeset from, so a changed letterhead shows as a changed template.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::DocumentError;
use crate::kind::DocumentKind;

/// The files every document may import: the letterhead and the pieces letters share.
const SHARED: [(&str, &str); 2] = [
    ("letterhead.typ", include_str!("../templates/letterhead.typ")),
    ("cover.typ", include_str!("../templates/cover.typ")),
];

/// Each kind's main template.
const MAIN: [(DocumentKind, &str, &str); 4] = [
    (DocumentKind::MedicalLetter, "medical-letter.typ", include_str!("../templates/medical-letter.typ")),
    (DocumentKind::CoverLetter, "cover-letter.typ", include_str!("../templates/cover-letter.typ")),
    (DocumentKind::Packet, "packet.typ", include_str!("../templates/packet.typ")),
    (DocumentKind::FamilyLetter, "family-letter.typ", include_str!("../templates/family-letter.typ")),
];

/// The largest template file read from `templates_dir`.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// One template file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateFile {
    pub name: String,
    pub text: String,
    /// Whether it came from the organisation's folder rather than the built-in set.
    pub replaced: bool,
}

/// The files one kind of document is typeset from.
#[derive(Clone, Debug)]
pub struct TemplateFiles {
    pub main: TemplateFile,
    pub imports: Vec<TemplateFile>,
}

impl TemplateFiles {
    pub(crate) fn main_path(&self) -> String {
        format!("/{}", self.main.name)
    }

    /// The version a document records: the main template's declared version and a digest of every
    /// file, e.g. `medical-letter 1 (sha256 3f2a…)`.
    pub fn version(&self) -> String {
        let mut hash = Sha256::new();
        for file in std::iter::once(&self.main).chain(&self.imports) {
            hash.update(file.name.as_bytes());
            hash.update([0]);
            hash.update(file.text.as_bytes());
            hash.update([0]);
        }
        let digest = hex::encode(hash.finalize());
        let declared = declared_version(&self.main.text).unwrap_or("unversioned");
        let stem = self.main.name.trim_end_matches(".typ");
        format!("{stem} {declared} (sha256 {})", &digest[..16])
    }
}

/// The version a template declares on its first line.
fn declared_version(text: &str) -> Option<&str> {
    let first = text.lines().next()?;
    let version = first.trim().strip_prefix("//")?.trim().strip_prefix("template-version:")?.trim();
    (!version.is_empty()).then_some(version)
}

/// The template set: the built-in files with the organisation's replacements.
#[derive(Clone, Debug)]
pub struct Templates {
    files: Vec<TemplateFile>,
}

impl Templates {
    /// The built-in templates.
    pub fn builtin() -> Templates {
        let shared = SHARED.iter().map(|(name, text)| (*name, *text));
        let main = MAIN.iter().map(|(_, name, text)| (*name, *text));
        let files = shared
            .chain(main)
            .map(|(name, text)| TemplateFile { name: name.into(), text: text.into(), replaced: false })
            .collect();
        Templates { files }
    }

    /// The built-in templates, each replaced by the file of the same name in `dir` where there is
    /// one. Other files in `dir` are not read.
    pub fn with_folder(dir: &Path) -> Result<Templates, DocumentError> {
        if !dir.is_dir() {
            return Err(DocumentError::TemplateFolder {
                path: dir.display().to_string(),
                reason: String::from("not a folder"),
            });
        }
        let mut templates = Templates::builtin();
        for file in &mut templates.files {
            let path = dir.join(&file.name);
            let failed =
                |reason: String| DocumentError::TemplateFolder { path: path.display().to_string(), reason };
            let size = match std::fs::metadata(&path) {
                Ok(meta) => meta.len(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(failed(e.to_string())),
            };
            if size > MAX_TEMPLATE_BYTES {
                return Err(failed(format!("{size} bytes; a template may be at most {MAX_TEMPLATE_BYTES}")));
            }
            file.text = std::fs::read_to_string(&path).map_err(|e| failed(e.to_string()))?;
            file.replaced = true;
        }
        Ok(templates)
    }

    /// The files `kind` is typeset from.
    pub fn for_kind(&self, kind: DocumentKind) -> Result<TemplateFiles, DocumentError> {
        let main_name = MAIN
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, name, _)| *name)
            .ok_or_else(|| DocumentError::Template(format!("no template for {kind}")))?;
        let find = |name: &str| self.files.iter().find(|f| f.name == name).cloned();
        let main =
            find(main_name).ok_or_else(|| DocumentError::Template(format!("{main_name} is missing")))?;
        let imports = SHARED.iter().filter_map(|(name, _)| find(name)).collect();
        Ok(TemplateFiles { main, imports })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_main_template_declares_its_version() {
        for (kind, name, text) in MAIN {
            assert!(declared_version(text).is_some(), "{name} ({kind}) declares no version");
        }
    }

    #[test]
    fn a_replaced_shared_file_changes_every_kinds_version() {
        let builtin = Templates::builtin();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("letterhead.typ"), "#let letterhead(org) = [Other]\n").unwrap();
        let replaced = Templates::with_folder(dir.path()).unwrap();
        for (kind, _, _) in MAIN {
            let (a, b) = (builtin.for_kind(kind).unwrap(), replaced.for_kind(kind).unwrap());
            assert_ne!(a.version(), b.version(), "{kind}");
            assert!(b.imports.iter().any(|f| f.replaced && f.name == "letterhead.typ"));
        }
    }
}
