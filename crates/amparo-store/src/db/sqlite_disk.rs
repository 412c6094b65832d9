//! The disk under a SQLite database: how much room is left, and a reserve kept for the audit trail.
//!
//! Every read of a case writes an audit entry, so a full disk stops reads as well as writes (they
//! fail closed: nothing is shown that could not be recorded). To give the operator time, a file of
//! `audit_reserve_bytes` (`<database>.reserve`, allocated for real, not sparse) is kept beside the
//! database. A write that finds less than half the reserve's size free (or is refused for want of
//! room) deletes it, so work and its audit entries go on in the room it freed while the log says
//! loudly what happened; the reserve is made again when the engine next opens or when the disk
//! check (`Store::disk`, run by the server every minute) finds room again.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The reserve beside one database.
pub struct Reserve {
    path: PathBuf,
    bytes: u64,
    /// Serialises making and releasing it.
    lock: Mutex<()>,
}

/// Free bytes for an unprivileged writer on the file system holding `path`.
pub fn free_bytes(path: &Path) -> io::Result<u64> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let stats = rustix::fs::statvfs(folder)?;
    Ok(stats.f_bavail.saturating_mul(stats.f_frsize))
}

impl Reserve {
    pub fn beside(database: &Path, bytes: u64) -> Reserve {
        let mut name = database.as_os_str().to_owned();
        name.push(".reserve");
        Reserve { path: PathBuf::from(name), bytes, lock: Mutex::new(()) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The room it holds.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Whether the operator turned the reserve off (zero bytes).
    pub fn is_disabled(&self) -> bool {
        self.bytes == 0
    }

    /// Whether the reserve is in place.
    pub fn is_held(&self) -> bool {
        self.bytes > 0 && std::fs::metadata(&self.path).is_ok_and(|m| m.len() >= self.bytes)
    }

    /// Makes the reserve if it is missing and the disk has room for it and as much again; a disk
    /// already that full keeps what little it has for the database itself.
    pub fn make(&self) -> io::Result<()> {
        let _held = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.bytes == 0 || self.is_held() {
            return Ok(());
        }
        if free_bytes(&self.path)? < self.bytes.saturating_mul(2) {
            return Ok(());
        }
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&self.path)?;
        // Allocated blocks, not a sparse length: the point is to hold real room.
        rustix::fs::fallocate(&file, rustix::fs::FallocateFlags::empty(), 0, self.bytes)?;
        file.sync_all()
    }

    /// Deletes the reserve to free its room; whether there was one to delete.
    pub fn release(&self) -> bool {
        let _held = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        std::fs::remove_file(&self.path).is_ok()
    }
}
