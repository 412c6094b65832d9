//! `amparo migrate`, `amparo import`, `amparo export` of case files (the whole organisation's archive
//! is `org_archive`).

use std::io::Write;
use std::path::{Path, PathBuf};

use amparo_domain::CaseFile;
use amparo_domain::case_file::MAX_FILE_BYTES;

use super::progress::Stage;
use super::{now, open_store, resolve_org};
use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::private_file::write_atomically;

pub fn migrate(settings: &Settings, database: &str) -> CliResult {
    // Opening applies the migrations; a second run reports what it found.
    let store = open_store(settings, database)?;
    let report = store.migrate()?;
    say!("schema at version {}", report.to);
    Ok(())
}

/// The files named, with folders expanded to the `*.json` files inside them in name order.
fn expand(paths: &[PathBuf]) -> CliResult<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| CliError::Invalid(format!("{}: {e}", path.display())))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn read_case_file(path: &Path) -> CliResult<CaseFile> {
    let shown = path.display();
    let size = std::fs::metadata(path).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?.len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(CliError::Invalid(format!(
            "{shown}: the file is {size} bytes; a case file may be at most {MAX_FILE_BYTES} bytes"
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?;
    let (file, warnings) = CaseFile::parse(&text).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?;
    for warning in warnings {
        eprintln!("warning: {shown}: {warning}");
    }
    Ok(file)
}

/// The files of one import, read and checked one by one as the store asks for them. The first
/// failure is kept for the command to report; the store is only told to stop.
struct CaseReader<'a> {
    files: std::slice::Iter<'a, PathBuf>,
    /// Shows the files read so far.
    stage: &'a Stage,
    /// Each reference seen, with the file it came from: two files of one import may not share one.
    references: std::collections::HashMap<String, &'a Path>,
    failure: Option<CliError>,
}

impl<'a> CaseReader<'a> {
    fn new(files: &'a [PathBuf], stage: &'a Stage) -> Self {
        CaseReader { files: files.iter(), stage, references: std::collections::HashMap::new(), failure: None }
    }

    fn read(&mut self, path: &'a Path) -> CliResult<CaseFile> {
        let case = read_case_file(path)?;
        if let Some(first) = self.references.insert(case.case.reference.to_string(), path) {
            return Err(CliError::Invalid(format!(
                "{}: case.reference: {} is also the reference of {}",
                path.display(),
                case.case.reference,
                first.display()
            )));
        }
        Ok(case)
    }

    /// Reads whatever files the store did not ask for, so that a bad file is reported even when the
    /// store stopped first (a bad file is the user's to fix before anything else).
    fn finish(&mut self) {
        while self.failure.is_none() && self.next().is_some() {}
    }
}

impl Iterator for CaseReader<'_> {
    type Item = amparo_store::StoreResult<CaseFile>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failure.is_some() {
            return None;
        }
        let path = self.files.next()?;
        self.stage.step();
        match self.read(path) {
            Ok(case) => Some(Ok(case)),
            Err(error) => {
                self.failure = Some(error);
                Some(Err(amparo_store::StoreError::Invalid("a case file was refused".into())))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.files.size_hint()
    }
}

/// Each file is read and checked just before it is written, and all are written in one
/// transaction: a bad file (or any refusal) leaves the database as it was.
pub fn import(settings: &Settings, database: &str, org: Option<&str>, paths: &[PathBuf]) -> CliResult {
    let files = expand(paths)?;
    if files.is_empty() {
        return Err(CliError::Invalid("no case files found".into()));
    }
    let store = open_store(settings, database)?;
    let organisation = resolve_org(&store, org)?;
    let started = std::time::Instant::now();
    let what = format!("checking and writing {} case files", files.len());
    let stage = Stage::counted("import", &what, files.len() as u64);
    let mut reader = CaseReader::new(&files, &stage);
    let imported = store.import_stream(&organisation.id, &mut reader, None, now());
    reader.finish();
    if let Some(failure) = reader.failure {
        return Err(failure);
    }
    let ids = imported?;
    stage.done();
    let seconds = started.elapsed().as_secs_f64();
    say!("imported {} cases into {} in {:.2}s", ids.len(), organisation.slug, seconds);
    Ok(())
}

/// A reference as a file name that stays one file in the export folder. References are letters,
/// digits, '-', '_', '.' and '/': '/' becomes "%2F", and a '.' at the start becomes "%2E", so that
/// `.`, `..` and `.x` are neither the folder itself, its parent, nor a hidden file. '%' cannot appear
/// in a reference, so two references never share a file name (`A/1` and `A_1` stay apart).
///
/// References are encoded here rather than narrowed at intake: '/' and '.' are in use in offices'
/// own numbering (`LOCAL/2026.7`) and in stored cases, and the file system is the only place where a
/// reference becomes a name with rules of its own.
pub fn file_name(reference: &str) -> String {
    let encoded = reference.replace('/', "%2F");
    match encoded.strip_prefix('.') {
        Some(rest) => format!("%2E{rest}.json"),
        None => format!("{encoded}.json"),
    }
}

pub fn export(
    settings: &Settings,
    database: &str,
    org: Option<&str>,
    case: Option<&str>,
    output: Option<&Path>,
    dir: Option<&Path>,
) -> CliResult {
    let store = open_store(settings, database)?;
    let organisation = resolve_org(&store, org)?;
    if let Some(reference) = case {
        let missing = || CliError::Invalid(format!("--case: no case with reference {reference:?}"));
        let id = store.case_by_reference(&organisation.id, reference)?.ok_or_else(missing)?.id;
        let stored = store.export_case(&organisation.id, &id, now())?.ok_or_else(missing)?;
        let json = stored.file.to_json();
        return match output {
            Some(path) => write_atomically(path, &json),
            None => {
                let mut stdout = std::io::stdout().lock();
                writeln!(stdout, "{json}").map_err(|e| CliError::Failed(format!("standard output: {e}")))
            }
        };
    }
    let dir = dir.ok_or_else(|| CliError::Invalid("say --case REFERENCE or --dir DIR".into()))?;
    private_folder(dir).map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
    let references = store.case_references(&organisation.id)?;
    let what = format!("writing {} case files", references.len());
    let stage = Stage::counted("export", &what, references.len() as u64);
    for (id, reference) in &references {
        let stored = store
            .export_case(&organisation.id, id, now())?
            .ok_or_else(|| CliError::Failed(format!("case {reference} vanished during export")))?;
        write_atomically(&dir.join(file_name(reference)), &stored.file.to_json())?;
        stage.step();
    }
    stage.done();
    say!("exported {} cases to {}", references.len(), dir.display());
    Ok(())
}

/// Creates the export folder (and any missing parents) for its owner only; a folder that exists
/// keeps its mode, and each file in it is private anyway.
fn private_folder(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
