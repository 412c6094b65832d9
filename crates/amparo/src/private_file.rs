//! Files the command line writes that hold decrypted case data: created private (mode 0600) under an
//! unpredictable name in the folder they end up in, then renamed into place, so that nobody else on
//! the machine can read them, plant a link for them to follow, or see half a file.

use std::io::Write as _;
use std::path::Path;

use crate::error::{CliError, CliResult};

/// Writes `text` and a final newline to `path`, complete or not at all, readable by its owner only.
///
/// The temporary file is made by `tempfile`: a random name beside `path`, opened with
/// `O_CREAT | O_EXCL` (which never follows a link planted at that name, nor opens a file that is
/// there already) and mode 0600 from the first moment. It is flushed to disk and then renamed over
/// `path`; a rename replaces a link at `path` itself rather than writing where it points.
pub fn write_atomically(path: &Path, text: &str) -> CliResult {
    write_bytes_atomically(path, format!("{text}\n").as_bytes())
}

/// Writes `bytes` to `path` as [`write_atomically`] does: complete or not at all, owner-only.
pub fn write_bytes_atomically(path: &Path, bytes: &[u8]) -> CliResult {
    let fail = |e: std::io::Error| CliError::Failed(format!("{}: {e}", path.display()));
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".partial");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut file = builder.tempfile_in(folder).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// A refusal naming the file and what could not be done to it.
pub fn cannot(path: &Path, what: &str, e: impl std::fmt::Display) -> CliError {
    CliError::Failed(format!("{}: cannot {what}: {e}", path.display()))
}

/// The header of one member of the archives the command line writes (backups, organisation
/// archives): a regular file readable by its owner only.
pub fn tar_header(size: u64, mtime: u64) -> tar::Header {
    let mut header = tar::Header::new_ustar();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

/// Puts a finished private temporary file (made in `folder`) in place at `out`: flushed to disk,
/// then renamed, never over an existing file (an older archive is worth keeping), and the folder's
/// entry flushed too.
pub fn persist_new(temporary: tempfile::NamedTempFile, out: &Path, folder: &Path) -> CliResult {
    temporary.as_file().sync_all().map_err(|e| cannot(temporary.path(), "write", e))?;
    temporary.persist_noclobber(out).map_err(|e| cannot(out, "create", e.error))?;
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}
