//! A consistent copy of a live SQLite database, and putting such a copy in place of nothing.
//!
//! The copy is made with SQLite's online backup API from a connection that holds one read
//! transaction open. In WAL mode that transaction sees the database as of its first read while
//! writers carry on, so every page copied, and every fact read for the backup's manifest, comes from
//! the same moment: every write acknowledged before that moment is in the copy. `VACUUM INTO` would
//! make an equally consistent (and smaller) copy, but it cannot run inside a transaction, so the
//! manifest's counts and audit-chain heads could not be read from the moment it copies.

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use crate::db::Work;
use crate::db::sqlite::SqliteTx;
use crate::error::{StoreError, StoreResult};

/// Runs `facts` and copies the database into the new file `out`, both inside one read transaction.
pub fn copy_snapshot(conn: &Connection, out: &Path, facts: &mut Work<'_>) -> StoreResult<()> {
    conn.execute_batch("BEGIN DEFERRED")?;
    let copied = copy_in_transaction(conn, out, facts);
    // Only read: ending it either way releases the snapshot, so checkpoints can go on.
    let ended = conn.execute_batch("ROLLBACK");
    copied?;
    ended?;
    Ok(())
}

fn copy_in_transaction(conn: &Connection, out: &Path, facts: &mut Work<'_>) -> StoreResult<()> {
    // A deferred transaction takes its snapshot at its first read: this one.
    conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    facts(&mut SqliteTx(conn))?;
    let mut target = Connection::open(out)
        .map_err(|e| StoreError::Backend(format!("cannot create the copy {}: {e}", out.display())))?;
    let backup = Backup::new(conn, &mut target)?;
    // One step of every page: the source's read transaction is ours, so nothing restarts it.
    match backup.step(-1)? {
        StepResult::Done => Ok(()),
        other => Err(StoreError::Backend(format!("the copy stopped before its end: {other:?}"))),
    }
}

/// Checks a database file's own structures (`PRAGMA integrity_check`) without opening it as a
/// store: nothing is written to it.
pub fn check_file(path: &Path) -> StoreResult<()> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::Backend(format!("cannot open {}: {e}", path.display())))?;
    let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if result == "ok" {
        Ok(())
    } else {
        Err(StoreError::Backend(format!("{}: integrity check: {result}", path.display())))
    }
}

/// The database file and the files SQLite keeps beside it.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether a file is missing or holds nothing.
fn is_empty(path: &Path) -> io::Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(meta.len() == 0),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// Puts the database file `copy` at `target`, which must not exist yet or be empty (with no
/// write-ahead log beside it). The copy is written to a private temporary file beside the target,
/// checked, and then linked into place, which fails rather than replace a file that appeared
/// meanwhile: the target is either untouched or the whole copy.
pub fn restore(copy: &Path, target: &Path) -> StoreResult<()> {
    let io_error = |what: &str, path: &Path, e: io::Error| {
        StoreError::Backend(format!("cannot {what} {}: {e}", path.display()))
    };
    for path in [target.to_path_buf(), with_suffix(target, "-wal")] {
        if !is_empty(&path).map_err(|e| io_error("read", &path, e))? {
            return Err(StoreError::Invalid(format!(
                "{} is not empty: a backup is restored only into a new database (move the old one away first)",
                path.display()
            )));
        }
    }
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // Checked where it is, before anything is written beside the target.
    check_file(copy)?;
    let temporary = tempfile::Builder::new()
        .prefix(".amparo-restore-")
        .tempfile_in(folder)
        .map_err(|e| io_error("create a temporary file in", folder, e))?;
    let mut source = std::fs::File::open(copy).map_err(|e| io_error("read", copy, e))?;
    io::copy(&mut source, &mut temporary.as_file()).map_err(|e| io_error("write", temporary.path(), e))?;
    temporary.as_file().sync_all().map_err(|e| io_error("write", temporary.path(), e))?;
    // An empty target (made by an earlier, refused start) is taken away; anything else was refused.
    if target.exists() {
        std::fs::remove_file(target).map_err(|e| io_error("replace the empty", target, e))?;
    }
    std::fs::hard_link(temporary.path(), target).map_err(|e| io_error("put the copy at", target, e))?;
    drop(temporary);
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}
