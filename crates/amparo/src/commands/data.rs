//! `amparo migrate`, `amparo import`, `amparo export`.

use std::io::Write;
use std::path::{Path, PathBuf};

use amparo_domain::CaseFile;
use amparo_domain::case_file::MAX_FILE_BYTES;

use super::{now, open_store, resolve_org};
use crate::error::{CliError, CliResult};

pub fn migrate(database: &str) -> CliResult {
    // Opening applies the migrations; a second run reports what it found.
    let store = open_store(database)?;
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

/// Reads and validates the files on every core; results come back in the files' order, so the error
/// reported is the first bad file as listed, whatever thread found it.
fn read_all(files: &[PathBuf]) -> Vec<CliResult<CaseFile>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(files.len().max(1));
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|p| read_case_file(p)).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker.join().unwrap_or_else(|_| vec![Err(CliError::Failed("a reader thread failed".into()))])
            })
            .collect()
    })
}

/// Every file is read and validated before anything is written; then all are written in one
/// transaction, so a refused import leaves the database as it was.
pub fn import(database: &str, org: Option<&str>, paths: &[PathBuf]) -> CliResult {
    let files = expand(paths)?;
    if files.is_empty() {
        return Err(CliError::Invalid("no case files found".into()));
    }
    let parsed = read_all(&files);
    let mut cases = Vec::with_capacity(files.len());
    let mut references = std::collections::HashMap::new();
    for (path, case) in files.iter().zip(parsed) {
        let case = case?;
        if let Some(first) = references.insert(case.case.reference.to_string(), path.clone()) {
            return Err(CliError::Invalid(format!(
                "{}: case.reference: {} is also the reference of {}",
                path.display(),
                case.case.reference,
                first.display()
            )));
        }
        cases.push(case);
    }
    let store = open_store(database)?;
    let organisation = resolve_org(&*store, org)?;
    let started = std::time::Instant::now();
    let ids = store.import_cases(&organisation.id, &cases, None, now())?;
    let seconds = started.elapsed().as_secs_f64();
    say!("imported {} cases into {} in {:.2}s", ids.len(), organisation.slug, seconds);
    Ok(())
}

/// A reference as a file name. '/' becomes "%2F": '%' cannot appear in a reference, so two
/// references never share a file name (`A/1` and `A_1` stay apart).
fn file_name(reference: &str) -> String {
    format!("{}.json", reference.replace('/', "%2F"))
}

pub fn export(
    database: &str,
    org: Option<&str>,
    case: Option<&str>,
    output: Option<&Path>,
    dir: Option<&Path>,
) -> CliResult {
    let store = open_store(database)?;
    let organisation = resolve_org(&*store, org)?;
    if let Some(reference) = case {
        let stored = store
            .case_by_reference(&organisation.id, reference)?
            .ok_or_else(|| CliError::Invalid(format!("--case: no case with reference {reference:?}")))?;
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
    std::fs::create_dir_all(dir).map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
    let references = store.case_references(&organisation.id)?;
    for (id, reference) in &references {
        let stored = store
            .case(&organisation.id, id)?
            .ok_or_else(|| CliError::Failed(format!("case {reference} vanished during export")))?;
        write_atomically(&dir.join(file_name(reference)), &stored.file.to_json())?;
    }
    say!("exported {} cases to {}", references.len(), dir.display());
    Ok(())
}

/// Writes through a temporary file and a rename, so a crash never leaves half a case file.
fn write_atomically(path: &Path, text: &str) -> CliResult {
    let temporary = path.with_extension("json.partial");
    let fail = |e: std::io::Error| CliError::Failed(format!("{}: {e}", path.display()));
    let mut file = std::fs::File::create(&temporary).map_err(fail)?;
    file.write_all(text.as_bytes()).and_then(|()| file.write_all(b"\n")).map_err(fail)?;
    std::fs::rename(&temporary, path).map_err(fail)
}
