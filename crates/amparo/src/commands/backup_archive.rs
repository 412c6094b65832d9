//! The backup file: a plain tar archive, so an operator can look inside with `tar -tvf FILE` and read
//! the manifest with `tar -xOf FILE manifest.json`, without Amparo.
//!
//! ```text
//! manifest.json             what the backup holds (written first)
//! database/amparo.sqlite3   SQLite: the database file, or
//! database/amparo.pgdump    PostgreSQL: a `pg_dump --format=custom` archive
//! attachments/ORG/CASE/ID   each attachment's object, still sealed, as the copy's rows name it
//! ```
//!
//! The key file is never inside: a backup alone cannot be read, its attachments included. Members
//! other than these are refused when the archive is read, and an attachment's member name must be
//! three plain ids, so a crafted archive cannot write anywhere else.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use amparo_store::attachments::StoredObject;
use amparo_store::backup::BackupFacts;
use serde::{Deserialize, Serialize};

use crate::error::{CliError, CliResult};
use crate::private_file::{cannot as failed, persist_new, tar_header as header};

/// The first field of every manifest.
pub const FORMAT: &str = "amparo-backup/v1";
pub const MANIFEST: &str = "manifest.json";
pub const SQLITE_MEMBER: &str = "database/amparo.sqlite3";
pub const POSTGRES_MEMBER: &str = "database/amparo.pgdump";
/// The folder of attachments' objects, inside the archive and in an unpacked copy.
pub const ATTACHMENTS: &str = "attachments";

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

/// The attachments' objects a backup carries, each fetched (still sealed) as it is written.
pub struct SealedObjects<'a> {
    pub objects: &'a [StoredObject],
    pub fetch: &'a dyn Fn(&StoredObject) -> CliResult<Vec<u8>>,
    /// Called after each object is written (a progress bar's step).
    pub written: &'a dyn Fn(),
}

/// Writes the archive `out` (which must not exist) from the manifest, the database copy and the
/// attachments' objects: complete or not at all, readable by its owner only.
pub fn write(out: &Path, manifest: &Manifest, database: &Path, attachments: &SealedObjects<'_>) -> CliResult {
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
    let cannot_write = |e: std::io::Error| failed(temporary.path(), "write", e);
    let written = (|| -> std::io::Result<()> {
        let mut manifest_header = header(text.len() as u64, mtime);
        builder.append_data(&mut manifest_header, MANIFEST, text.as_slice())?;
        let mut copy = std::fs::File::open(database)?;
        let size = copy.metadata()?.len();
        let mut database_header = header(size, mtime);
        builder.append_data(&mut database_header, &manifest.database_file, &mut copy)
    })();
    written.map_err(cannot_write)?;
    for object in attachments.objects {
        let sealed = (attachments.fetch)(object)?;
        let mut object_header = header(sealed.len() as u64, mtime);
        builder
            .append_data(&mut object_header, format!("{ATTACHMENTS}/{}", object.key), sealed.as_slice())
            .map_err(cannot_write)?;
        (attachments.written)();
    }
    builder.finish().map_err(cannot_write)?;
    drop(builder);
    persist_new(temporary, out, folder)
}

/// Reads only an archive's manifest (its first member, as `write` puts it), without unpacking the
/// rest.
pub fn read_manifest(archive: &Path) -> CliResult<Manifest> {
    let file = std::fs::File::open(archive).map_err(|e| failed(archive, "read", e))?;
    let mut reader = tar::Archive::new(file);
    let mut entries = reader.entries().map_err(|e| invalid(archive, e))?;
    let mut first =
        entries.next().ok_or_else(|| invalid(archive, "it is empty"))?.map_err(|e| invalid(archive, e))?;
    let name = first.path().map_err(|e| invalid(archive, e))?.to_string_lossy().into_owned();
    if name != MANIFEST {
        return Err(invalid(archive, format!("its first member is {name:?}, not {MANIFEST}")));
    }
    let mut text = String::new();
    first.read_to_string(&mut text).map_err(|e| invalid(archive, e))?;
    let parsed: Manifest =
        serde_json::from_str(&text).map_err(|e| invalid(archive, format!("{MANIFEST}: {e}")))?;
    if parsed.format != FORMAT {
        return Err(invalid(archive, format!("format {:?}, expected {FORMAT:?}", parsed.format)));
    }
    Ok(parsed)
}

/// An archive unpacked into a private temporary folder, removed when dropped.
pub struct Unpacked {
    pub manifest: Manifest,
    pub database: PathBuf,
    /// The keys (`org/case/attachment`) of the attachments' objects it holds, in archive order.
    pub objects: Vec<String>,
    folder: tempfile::TempDir,
}

impl Unpacked {
    /// Where the object of `key` was unpacked (it may not exist).
    pub fn object_path(&self, key: &str) -> PathBuf {
        let mut path = self.folder.path().join(ATTACHMENTS);
        path.extend(key.split('/'));
        path
    }
}

/// The object key a member under `attachments/` names: three plain ids (letters, digits, `-`, `_`),
/// so that unpacking it never writes outside the folder.
fn object_key(member: &str) -> Option<&str> {
    let key = member.strip_prefix(ATTACHMENTS)?.strip_prefix('/')?;
    let parts: Vec<&str> = key.split('/').collect();
    let plain = |part: &&str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    (parts.len() == 3 && parts.iter().all(plain)).then_some(key)
}

/// Whether `member` names the attachments' folder or one of its organisation or case folders.
fn attachment_folder(member: &str) -> bool {
    let path = member.trim_end_matches('/');
    let mut parts = path.split('/');
    parts.next() == Some(ATTACHMENTS)
        && parts.clone().count() <= 2
        && parts.all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Writes `reader` into the new private file `path`.
fn unpack_file(reader: &mut impl Read, path: &Path) -> CliResult {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(path).map_err(|e| failed(path, "create", e))?;
    std::io::copy(reader, &mut out).map_err(|e| failed(path, "write", e))?;
    out.flush().map_err(|e| failed(path, "write", e))
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
    let mut objects = Vec::new();
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
                unpack_file(&mut entry, &path)?;
                database = Some((name, path));
            }
            // A folder entry (as `tar -c` writes them) holds nothing; only plain names are let by.
            other if entry.header().entry_type() == tar::EntryType::Directory && attachment_folder(other) => {
            }
            other if other.starts_with(&format!("{ATTACHMENTS}/")) => {
                let key = object_key(other)
                    .filter(|_| entry.header().entry_type() == tar::EntryType::Regular)
                    .ok_or_else(|| invalid(archive, format!("unexpected member {other:?}")))?;
                let path = folder.path().join(ATTACHMENTS).join(key);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| failed(parent, "create", e))?;
                }
                unpack_file(&mut entry, &path)?;
                objects.push(key.to_owned());
            }
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
    Ok(Unpacked { manifest, database, objects, folder })
}

#[cfg(test)]
mod tests {
    use super::{attachment_folder, object_key};

    #[test]
    fn only_plain_folders_of_attachments_are_let_by() {
        for folder in ["attachments/", "attachments", "attachments/org-1/", "attachments/org-1/case_2/"] {
            assert!(attachment_folder(folder), "{folder}");
        }
        for refused in ["attachments/../", "attachments/org/case/id/", "attachments//org/", "database/", "x/"]
        {
            assert!(!attachment_folder(refused), "{refused}");
        }
    }

    #[test]
    fn only_three_plain_ids_name_an_object() {
        assert_eq!(object_key("attachments/org-1/case_2/0190aaaa"), Some("org-1/case_2/0190aaaa"));
        for refused in [
            "attachments/../case/id",
            "attachments/org/case/../../x",
            "attachments/org/case",
            "attachments/org//id",
            "attachments//org/case/id",
            "attachments/org/case/id/more",
            "attachments/org/case/i.d",
            "attachmentsX/org/case/id",
        ] {
            assert_eq!(object_key(refused), None, "{refused}");
        }
    }
}
