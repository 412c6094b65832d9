//! The typst world one document is compiled in: its template as the main source, the other template
//! files it imports, the record as `data.json`, the exhibits' files, and the embedded fonts. Nothing
//! is read from disk or the network while compiling: every file is handed in beforehand, so a
//! template cannot reach past what it was given.

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts;

/// The standard library, built once: every document uses the same one.
fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// The embedded fonts and their book, loaded once.
fn font_set() -> &'static (Vec<Font>, LazyHash<FontBook>) {
    static FONTS: OnceLock<(Vec<Font>, LazyHash<FontBook>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> =
            fonts::EMBEDDED.iter().flat_map(|file| Font::iter(Bytes::new(file.bytes))).collect();
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        (fonts, book)
    })
}

/// The id of the file at `path` (absolute, from the document's root).
pub(crate) fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|e| format!("{path}: {e:?}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One document's world.
pub(crate) struct DocumentWorld {
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl DocumentWorld {
    /// A world whose main source is `main` (its path and text), with the other `sources` (template
    /// files it imports) and binary `files` at their paths; `today` is what `datetime.today()` gives.
    pub(crate) fn new(
        main: (&str, String),
        sources: Vec<(String, String)>,
        files: Vec<(String, Vec<u8>)>,
        today: Datetime,
    ) -> Result<DocumentWorld, String> {
        let main_id = file_id(main.0)?;
        let mut by_id = HashMap::new();
        by_id.insert(main_id, Source::new(main_id, main.1));
        for (path, text) in sources {
            let id = file_id(&path)?;
            by_id.insert(id, Source::new(id, text));
        }
        let mut bytes = HashMap::new();
        for (path, data) in files {
            bytes.insert(file_id(&path)?, Bytes::new(data));
        }
        Ok(DocumentWorld { main: main_id, sources: by_id, files: bytes, today })
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &font_set().1
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.files.get(&id) {
            return Ok(bytes.clone());
        }
        // A template may read another template file as data (`read`), as well as import it.
        match self.sources.get(&id) {
            Some(source) => Ok(Bytes::from_string(source.text().to_owned())),
            None => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        font_set().0.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
