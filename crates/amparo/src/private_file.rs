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
    file.write_all(text.as_bytes()).and_then(|()| file.write_all(b"\n")).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
