//! The embedded default: one SQLite file in WAL mode with `synchronous=FULL`, so that a write that was
//! acknowledged survives a crash or power loss. Writers take the write lock up front
//! (`BEGIN IMMEDIATE`) so that two transactions never deadlock upgrading a read lock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, TransactionBehavior};

use crate::db::DiskReport;
use crate::db::migrate::{self, Migration};
use crate::db::options::DatabaseOptions;
use crate::db::sqlite_disk::{Reserve, free_bytes};
use crate::db::{Backend, DbFailure, DbResult, Engine, PoolUse, Row, Tx, Value, Work};
use crate::error::{StoreError, StoreResult};

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Imports smaller than this keep the secondary indexes: rebuilding them would cost more than it saves.
const BULK_LOAD_MIN_CASES: i64 = 1_000;

/// SQLite numbers `$N` parameters by order of first appearance, not by N; `?N` keeps the number, so
/// the shared SQL text is rewritten before it is prepared. Text without `$N` (multi-row INSERTs are
/// written with `?N` for SQLite, see [`Tx::placeholder`]) is used as it is.
fn numbered(sql: &str) -> std::borrow::Cow<'_, str> {
    let bytes = sql.as_bytes();
    let dollar_number = |i: usize| bytes[i] == b'$' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
    if !(0..bytes.len()).any(dollar_number) {
        return std::borrow::Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The file path a database URL names (`sqlite://PATH`, `sqlite:PATH` or a bare path).
pub fn path_from_url(url: &str) -> PathBuf {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    PathBuf::from(path)
}

struct Manager {
    path: PathBuf,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Connection, rusqlite::Error> {
        let conn = Connection::open(&self.path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        // secure_delete overwrites removed and replaced content, so an A-number sealed at its first
        // start with a key, or a deleted session, does not linger in free space of the file.
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
        )?;
        // Every shared statement stays prepared; the default cache of 16 would evict them in turn.
        conn.set_prepared_statement_cache_capacity(256);
        // One plan per statement, whatever values are bound. Without this guarantee SQLite marks a
        // statement for re-planning whenever a bound value could change its plan (a `LIMIT`, a
        // value compared with a partial index's condition), and a cached statement was prepared
        // again on nearly every run: a fifth of a case page's time went to the SQL compiler.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _conn: &mut Connection) -> bool {
        false
    }
}

/// SQLite behind a pool of connections, with the writers of this process queued.
pub struct SqliteEngine {
    pool: r2d2::Pool<Manager>,
    path: PathBuf,
    /// Room kept for the audit trail, released when the disk fills up.
    reserve: Reserve,
    low_space_warning_bytes: u64,
    /// Writers of this process queue here rather than in SQLite's busy handler, which polls with
    /// sleeps and can starve one writer past the busy timeout while others keep winning.
    writers: std::sync::Mutex<()>,
}

impl SqliteEngine {
    /// Opens (creating if needed) the database file. Migrations are applied by
    /// [`crate::Store::migrate`].
    pub fn open(path: impl AsRef<Path>, options: &DatabaseOptions) -> StoreResult<SqliteEngine> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
            && !parent.is_dir()
        {
            return Err(StoreError::Backend(format!(
                "cannot create the SQLite database {}: the folder {} does not exist",
                path.display(),
                parent.display()
            )));
        }
        super::sqlite_files::make_private(&path).map_err(|e| {
            StoreError::Backend(format!("cannot make the SQLite database {} private: {e}", path.display()))
        })?;
        // Connect once outside the pool so that an unusable file is reported with its path.
        Manager { path: path.clone() }.connect_checked().map_err(|e| {
            StoreError::Backend(format!("cannot open the SQLite database {}: {e}", path.display()))
        })?;
        let pool = r2d2::Pool::builder()
            .max_size(options.pool_size.max(1))
            .min_idle(Some(1))
            .build(Manager { path: path.clone() })?;
        let reserve = Reserve::beside(&path, options.audit_reserve_bytes);
        if let Err(e) = reserve.make() {
            tracing::warn!(file = %reserve.path().display(), error = %e, "cannot reserve room for the audit trail");
        }
        Ok(SqliteEngine {
            pool,
            path,
            reserve,
            low_space_warning_bytes: options.low_space_warning_bytes,
            writers: std::sync::Mutex::new(()),
        })
    }

    fn conn(&self) -> StoreResult<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// Sets the page cache of the connection the next transaction will use. The pool hands back the
    /// most recently returned idle connection first, which is the one this call used.
    fn set_cache_size(&self, kib: i64) -> StoreResult<()> {
        self.conn()?.execute_batch(&format!("PRAGMA cache_size = {kib}"))?;
        Ok(())
    }
}

/// Whether a commit waits for the disk (see [`Engine::write_flushed_with_next`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flush {
    Now,
    WithNext,
}

/// A connection whose commits skip the sync until it is dropped, which sets FULL again before it
/// returns to the pool, even when the work panicked.
struct SyncedWithNext(r2d2::PooledConnection<Manager>);

impl Drop for SyncedWithNext {
    fn drop(&mut self) {
        if let Err(error) = self.0.execute_batch("PRAGMA synchronous = FULL") {
            tracing::error!(%error, "could not set a connection's commits back to syncing");
        }
    }
}

fn write_in_transaction(conn: &mut rusqlite::Connection, work: &mut Work<'_>) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    work(&mut SqliteTx(&tx))?;
    tx.commit()?;
    Ok(())
}

impl SqliteEngine {
    fn release_reserve(&self, how: &str) {
        if self.reserve.release() {
            tracing::error!(
                file = %self.reserve.path().display(),
                "the database's disk is {how}: the room reserved for the audit trail was released; free space now"
            );
        }
    }

    fn write_once(&self, work: &mut Work<'_>, flush: Flush) -> StoreResult<()> {
        let mut conn = self.conn()?;
        match flush {
            Flush::Now => write_in_transaction(&mut conn, work),
            Flush::WithNext => {
                // In WAL mode, NORMAL appends the commit to the log without syncing it; the next
                // FULL commit syncs the log, this one's frames with its own.
                conn.execute_batch("PRAGMA synchronous = NORMAL")?;
                let mut relaxed = SyncedWithNext(conn);
                write_in_transaction(&mut relaxed.0, work)
            }
        }
    }

    /// The writer path: the writers of this process queued, room kept for the audit trail.
    fn write_with(&self, work: &mut Work<'_>, flush: Flush) -> StoreResult<()> {
        // A writer that panicked left nothing half-written (its transaction rolled back), so a
        // poisoned queue is still a usable one.
        let _turn = self.writers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The disk is (nearly) full: the room reserved for this moment is given up before the
        // write, so that reads (each recording its audit entry) and writes go on while the
        // operator makes room.
        if self.reserve.is_held() && free_bytes(&self.path).is_ok_and(|free| free < self.reserve.bytes() / 2)
        {
            self.release_reserve("nearly full");
        }
        let written = self.write_once(work, flush);
        // Full all the same (the disk filled faster than checked): released for the next write.
        if matches!(written, Err(StoreError::DiskFull(_))) && self.reserve.is_held() {
            self.release_reserve("full");
        }
        written
    }
}

impl Manager {
    fn connect_checked(&self) -> Result<(), rusqlite::Error> {
        use r2d2::ManageConnection;
        let conn = self.connect()?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map(|_| ())
    }
}

impl Engine for SqliteEngine {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn pool_use(&self) -> PoolUse {
        PoolUse::of(&self.pool)
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn()?.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }

    fn migrations(&self) -> &'static [Migration] {
        migrate::SQLITE
    }

    fn disk(&self) -> Option<DiskReport> {
        let free_bytes = free_bytes(&self.path).ok()?;
        // Space came back (the operator acted): hold the reserve again.
        if !self.reserve.is_held()
            && let Err(e) = self.reserve.make()
        {
            tracing::warn!(error = %e, "cannot reserve room for the audit trail");
        }
        // A reserve of zero bytes is one the operator turned off; it is never "spent".
        let reserve_held = self.reserve.is_held() || self.reserve.is_disabled();
        Some(DiskReport { free_bytes, warning_bytes: self.low_space_warning_bytes, reserve_held })
    }

    fn backup(&self, out: &Path, facts: &mut Work<'_>) -> StoreResult<()> {
        let conn = self.conn()?;
        super::sqlite_backup::copy_snapshot(&conn, out, facts)
    }

    fn integrity_check(&self) -> StoreResult<()> {
        let conn = self.conn()?;
        let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" { Ok(()) } else { Err(StoreError::Backend(format!("integrity check: {result}"))) }
    }

    /// Runs `work` on a pooled connection, outside any explicit transaction.
    fn read(&self, work: &mut Work<'_>) -> StoreResult<()> {
        let conn = self.conn()?;
        work(&mut SqliteTx(&conn))
    }

    /// Runs `work` in one transaction that takes the write lock up front and commits only on success.
    fn write(&self, work: &mut Work<'_>) -> StoreResult<()> {
        self.write_with(work, Flush::Now)
    }

    fn write_flushed_with_next(&self, work: &mut Work<'_>) -> StoreResult<()> {
        self.write_with(work, Flush::WithNext)
    }

    // No `row_lock`: the write lock taken at `BEGIN IMMEDIATE` already serialises writers.

    fn after_reseal(&self) -> StoreResult<()> {
        // Older page images stay in the write-ahead log until it is checkpointed and truncated.
        let conn = self.conn()?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// A bulk load at least as large as what is stored already fills the import's tables faster
    /// without their secondary indexes, which are then built in one sorted pass each instead of
    /// taking every row at a random place. Unique indexes stay: they are constraints. Readers keep
    /// seeing the indexes of the last commit, and a failed import rolls the drop back with the rest.
    fn defer_indexes(&self, tx: &mut dyn Tx, incoming: usize) -> StoreResult<Vec<String>> {
        let incoming = i64::try_from(incoming).unwrap_or(i64::MAX);
        if incoming < BULK_LOAD_MIN_CASES || incoming < tx.query_int("SELECT COUNT(*) FROM cases", &[])? {
            return Ok(Vec::new());
        }
        let indexes = tx.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ('cases', 'people', 'events', 'deadlines', 'escalations', 'tasks', 'identifiers') \
             AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY name",
            &[],
        )?;
        let mut rebuild = Vec::with_capacity(indexes.len());
        for index in &indexes {
            let name = index.text(0)?;
            tx.execute(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")), &[])?;
            rebuild.push(index.text(1)?);
        }
        Ok(rebuild)
    }

    fn bulk_begin(&self) -> StoreResult<()> {
        // A bulk import touches far more pages than SQLite's default 2 MiB cache holds. Every pooled
        // connection may serve the import's transaction, so all of them grow (up to 256 MiB, freed
        // when the cache shrinks back).
        self.set_cache_size(-262_144)
    }

    fn bulk_end(&self) -> StoreResult<()> {
        self.set_cache_size(-2_000)
    }
}

impl From<rusqlite::Error> for DbFailure {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        match &error {
            rusqlite::Error::SqliteFailure(e, _)
                if e.extended_code == ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                DbFailure::UniqueViolation
            }
            rusqlite::Error::SqliteFailure(e, _) if e.extended_code == ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                DbFailure::ForeignKeyViolation
            }
            _ => DbFailure::Other(error.into()),
        }
    }
}

/// SQLite: a connection or transaction (a `rusqlite::Transaction` dereferences to one).
pub(super) struct SqliteTx<'a>(pub(super) &'a rusqlite::Connection);

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(number) => ToSqlOutput::Borrowed(ValueRef::Integer(*number)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Shared(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
        })
    }
}

impl Tx for SqliteTx<'_> {
    fn placeholder(&self) -> char {
        '?'
    }

    fn execute_batch(&mut self, sql: &str) -> DbResult<()> {
        Ok(self.0.execute_batch(sql)?)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64> {
        let mut statement = self.0.prepare_cached(&numbered(sql))?;
        Ok(statement.execute(rusqlite::params_from_iter(params.iter()))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        let mut statement = self.0.prepare_cached(&numbered(sql))?;
        let width = statement.column_count();
        let rows = statement.query_map(rusqlite::params_from_iter(params.iter()), |row| {
            (0..width)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(n) => Value::Int(n),
                        rusqlite::types::ValueRef::Real(r) => Value::Int(r as i64),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            Value::Text(String::from_utf8_lossy(t).into_owned())
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(Row)
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;
    use crate::db::options::DatabaseOptions;
    use crate::db::{Engine, Tx};

    fn synchronous(tx: &mut dyn Tx) -> i64 {
        tx.query("PRAGMA synchronous", &[]).unwrap()[0].int(0).unwrap()
    }

    /// A commit flushed with the next one skips the sync itself, and leaves its connection syncing
    /// every commit again, even when its work failed; every other write syncs.
    #[test]
    fn a_write_flushed_with_the_next_leaves_its_connection_syncing_again() {
        const FULL: i64 = 2;
        const NORMAL: i64 = 1;
        let dir = tempfile::tempdir().unwrap();
        let options = DatabaseOptions { pool_size: 1, ..DatabaseOptions::default() };
        let engine = super::SqliteEngine::open(dir.path().join("a.db"), &options).unwrap();
        let mut seen = Vec::new();
        engine
            .write_flushed_with_next(&mut |tx| {
                seen.push(synchronous(tx));
                Ok(())
            })
            .unwrap();
        let failed = engine.write_flushed_with_next(&mut |tx| {
            seen.push(synchronous(tx));
            Err(crate::StoreError::Invalid("refused".into()))
        });
        assert!(failed.is_err());
        engine
            .write(&mut |tx| {
                seen.push(synchronous(tx));
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, [NORMAL, NORMAL, FULL]);
    }

    #[test]
    fn dollar_placeholders_become_question_marks_with_their_number() {
        assert_eq!(
            numbered("UPDATE t SET a = $3 WHERE b = $1 AND c = $2"),
            "UPDATE t SET a = ?3 WHERE b = ?1 AND c = ?2"
        );
        assert_eq!(numbered("SELECT '$' || a FROM t WHERE b = $1"), "SELECT '$' || a FROM t WHERE b = ?1");
    }

    #[test]
    fn text_without_dollar_placeholders_is_borrowed() {
        for sql in
            ["INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)", "SELECT '$' FROM t", "SELECT 1 WHERE a = '$'"]
        {
            assert!(matches!(numbered(sql), std::borrow::Cow::Borrowed(_)), "{sql}");
        }
    }
}
