//! The SQLite database's own files on disk: the database, its write-ahead log and shared-memory
//! index hold every case, so they are readable by their owner only.
//!
//! SQLite gives the `-wal` and `-shm` files the mode of the database file, so creating that file
//! private is enough for a new database; an older database created world-readable is narrowed when
//! it is opened.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

/// The database file and the files SQLite keeps beside it.
fn companions(database: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [database.to_path_buf(), with("-wal"), with("-shm")]
}

/// Creates the database file private if it does not exist yet, and takes read and write access
/// from everyone but the owner on the files that do.
pub fn make_private(database: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(database) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    #[cfg(unix)]
    for file in companions(database) {
        narrow(&file)?;
    }
    Ok(())
}

#[cfg(unix)]
fn narrow(file: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let metadata = match std::fs::metadata(file) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mode = metadata.permissions().mode();
    if mode & 0o077 == 0 {
        return Ok(());
    }
    tracing::warn!(file = %file.display(), mode = format_args!("{:o}", mode & 0o777), "database file was readable by others; narrowed to 0600");
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
}
