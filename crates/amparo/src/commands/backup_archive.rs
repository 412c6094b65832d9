//! The backup file: a plain tar archive, so an operator can look inside with `tar -tvf FILE` and read
//! the manifest with `tar -xOf FILE manifest.json`, without Amparo.
//!
//! ```text
//! manifest.json             what the backup holds (written first)
//! database/amparo.sqlite3   SQLite: the database file, or
//! database/amparo.pgdump    PostgreSQL: a `pg_dump --format=custom` archive
//! attachments/              reserved for attachments, when Amparo keeps them
//! ```
//!
//! The key file is never inside: a backup alone cannot be read. Members other than these are
//! refused when the archive is read, so a crafted archive cannot write anywhere else.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use amparo_store::backup::BackupFacts;
use serde::{Deserialize, Serialize};

use crate::error::{CliError, CliResult};
use crate::private_file::{cannot as failed, persist_new, tar_header as header};

/// The first field of every manifest.
pub const FORMAT: &str = "amparo-backup/v1";
pub const MANIFEST: &str = "manifest.json";
pub const SQLITE_MEMBER: &str = "database/amparo.sqlite3";
pub const POSTGRES_MEMBER: &str = "database/amparo.pgdump";

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The Amparo version that wrote the backup.
    pub amparo_version: String,
    /// When the backup was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The archive member holding the database copy.
    pub database_file: String,
    #[serde(flatten)]
    pub facts: BackupFacts,
}

impl Manifest {
    pub fn new(facts: BackupFacts, created_at: chrono::DateTime<chrono::Utc>) -> Manifest {
        let database_file = if facts.backend == "postgres" { POSTGRES_MEMBER } else { SQLITE_MEMBER };
        Manifest {
            format: FORMAT.to_owned(),
            amparo_version: env!("CARGO_PKG_VERSION").to_owned(),
            created_at: created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            database_file: database_file.to_owned(),
            facts,
        }
    }
}

/// Writes the archive `out` (which must not exist) from the manifest and the database copy:
/// complete or not at all, readable by its owner only.
pub fn write(out: &Path, manifest: &Manifest, database: &Path) -> CliResult {
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // tempfile creates it with mode 0600 under a name nobody can predict.
    let temporary = tempfile::Builder::new()
        .prefix(".amparo-backup-")
        .suffix(".partial")
        .tempfile_in(folder)
        .map_err(|e| failed(folder, "create a file in", e))?;
    let mtime = chrono::DateTime::parse_from_rfc3339(&manifest.created_at)
        .map_or(0, |t| u64::try_from(t.timestamp()).unwrap_or(0));
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| CliError::Failed(e.to_string()))?;
    let mut builder = tar::Builder::new(temporary.as_file());
    let written = (|| -> std::io::Result<()> {
        let mut manifest_header = header(text.len() as u64, mtime);
        builder.append_data(&mut manifest_header, MANIFEST, text.as_slice())?;
        let mut copy = std::fs::File::open(database)?;
        let size = copy.metadata()?.len();
        let mut database_header = header(size, mtime);
        builder.append_data(&mut database_header, &manifest.database_file, &mut copy)?;
        builder.finish()
    })();
    written.map_err(|e| failed(temporary.path(), "write", e))?;
    drop(builder);
    persist_new(temporary, out, folder)
}

/// An archive unpacked into a private temporary folder, removed when dropped.
pub struct Unpacked {
    pub manifest: Manifest,
    pub database: PathBuf,
    _folder: tempfile::TempDir,
}

fn invalid(archive: &Path, why: impl std::fmt::Display) -> CliError {
    CliError::Invalid(format!("{}: not an Amparo backup: {why}", archive.display()))
}

/// Reads an archive: its manifest, and its database copy into a private temporary folder.
pub fn unpack(archive: &Path) -> CliResult<Unpacked> {
    let file = std::fs::File::open(archive).map_err(|e| failed(archive, "read", e))?;
    let folder = tempfile::Builder::new()
        .prefix("amparo-restore-")
        .tempdir()
        .map_err(|e| CliError::Failed(format!("cannot create a temporary folder: {e}")))?;
    let mut manifest: Option<Manifest> = None;
    let mut database = None;
    let mut reader = tar::Archive::new(file);
    for entry in reader.entries().map_err(|e| invalid(archive, e))? {
        let mut entry = entry.map_err(|e| invalid(archive, e))?;
        let name = entry.path().map_err(|e| invalid(archive, e))?.to_string_lossy().into_owned();
        match name.as_str() {
            MANIFEST => {
                let mut text = String::new();
                entry.read_to_string(&mut text).map_err(|e| invalid(archive, e))?;
                let parsed: Manifest =
                    serde_json::from_str(&text).map_err(|e| invalid(archive, format!("{MANIFEST}: {e}")))?;
                if parsed.format != FORMAT {
                    return Err(invalid(archive, format!("format {:?}, expected {FORMAT:?}", parsed.format)));
                }
                manifest = Some(parsed);
            }
            SQLITE_MEMBER | POSTGRES_MEMBER => {
                let path = folder.path().join(if name == SQLITE_MEMBER {
                    "amparo.sqlite3"
                } else {
                    "amparo.pgdump"
                });
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut out = options.open(&path).map_err(|e| failed(&path, "create", e))?;
                std::io::copy(&mut entry, &mut out).map_err(|e| failed(&path, "write", e))?;
                out.flush().map_err(|e| failed(&path, "write", e))?;
                database = Some((name, path));
            }
            other if other.starts_with("attachments/") => {}
            other => return Err(invalid(archive, format!("unexpected member {other:?}"))),
        }
    }
    let manifest = manifest.ok_or_else(|| invalid(archive, format!("no {MANIFEST}")))?;
    let (name, database) = database.ok_or_else(|| invalid(archive, "no database copy"))?;
    if name != manifest.database_file {
        return Err(invalid(
            archive,
            format!("the manifest names {}, the archive holds {name}", manifest.database_file),
        ));
    }
    Ok(Unpacked { manifest, database, _folder: folder })
}
