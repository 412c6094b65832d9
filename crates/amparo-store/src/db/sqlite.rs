//! The embedded default: one SQLite file in WAL mode with `synchronous=FULL`, so that a write that was
//! acknowledged survives a crash or power loss. Writers take the write lock up front
//! (`BEGIN IMMEDIATE`) so that two transactions never deadlock upgrading a read lock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};

use crate::db::{SqliteTx, Tx};
use crate::engine::Engine;
use crate::error::{StoreError, StoreResult};
use crate::migrate::{self, MigrationReport};
use crate::{Backend, Rules};

const POOL_SIZE: u32 = 8;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Imports smaller than this keep the secondary indexes: rebuilding them would cost more than it saves.
const BULK_LOAD_MIN_CASES: i64 = 1_000;

/// SQLite numbers `$N` parameters by order of first appearance, not by N; `?N` keeps the number, so
/// the shared SQL text is rewritten before it is prepared. Text without `$N` (multi-row INSERTs are
/// written with `?N` for SQLite, see [`crate::db::Tx::placeholder`]) is used as it is.
pub(crate) fn numbered(sql: &str) -> std::borrow::Cow<'_, str> {
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
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _conn: &mut Connection) -> bool {
        false
    }
}

pub struct SqliteStore {
    pool: r2d2::Pool<Manager>,
    /// Writers of this process queue here rather than in SQLite's busy handler, which polls with
    /// sleeps and can starve one writer past the busy timeout while others keep winning.
    writers: std::sync::Mutex<()>,
    rules: Rules,
    sealer: crate::seal::Sealer,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file. Migrations are applied by [`Store::migrate`].
    pub fn open(path: impl AsRef<Path>, sealer: crate::seal::Sealer) -> StoreResult<SqliteStore> {
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
        // Connect once outside the pool so that an unusable file is reported with its path.
        Manager { path: path.clone() }.connect_checked().map_err(|e| {
            StoreError::Backend(format!("cannot open the SQLite database {}: {e}", path.display()))
        })?;
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .build(Manager { path: path.clone() })?;
        Ok(SqliteStore { pool, writers: std::sync::Mutex::new(()), path, rules: Rules::builtin()?, sealer })
    }

    /// Derive deadlines under `rules` instead of the built-in rule set.
    pub fn with_rules(mut self, rules: Rules) -> SqliteStore {
        self.rules = rules;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
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

    /// Runs `PRAGMA integrity_check`; `Ok(())` when SQLite finds nothing wrong.
    pub fn integrity_check(&self) -> StoreResult<()> {
        let conn = self.conn()?;
        let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" { Ok(()) } else { Err(StoreError::Backend(format!("integrity check: {result}"))) }
    }

    /// Copies the live database into `target` with SQLite's online backup, safe while others write.
    pub fn backup_to(&self, target: &Path) -> StoreResult<()> {
        let conn = self.conn()?;
        conn.execute("VACUUM INTO ?1", params![target.to_string_lossy()])?;
        Ok(())
    }
}

impl Manager {
    fn connect_checked(&self) -> Result<(), rusqlite::Error> {
        use r2d2::ManageConnection;
        let conn = self.connect()?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map(|_| ())
    }
}

impl Engine for SqliteStore {
    fn kind(&self) -> Backend {
        Backend::Sqlite
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn()?.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }

    fn migrate(&self) -> StoreResult<MigrationReport> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(migrate::CREATE_MIGRATIONS_TABLE)?;
        let from: i64 =
            tx.query_row("SELECT COALESCE(MAX(version), 0) FROM amparo_migrations", [], |r| r.get(0))?;
        let supported = migrate::latest(migrate::SQLITE);
        if from > supported {
            return Err(StoreError::SchemaTooNew { found: from, supported });
        }
        // Every listed migration not yet recorded, in order: one that arrived later with a lower
        // number than those applied (branches merged in another order) is not skipped.
        let done: Vec<i64> = {
            let mut statement = tx.prepare("SELECT version FROM amparo_migrations")?;
            let rows = statement.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut applied = Vec::new();
        for migration in migrate::SQLITE.iter().filter(|m| !done.contains(&m.version)) {
            tx.execute_batch(migration.sql)?;
            tx.execute(
                "INSERT INTO amparo_migrations (version, name, applied_at) \
                 VALUES (?1, ?2, CAST(strftime('%s', 'now') AS INTEGER) * 1000)",
                params![migration.version, migration.name],
            )?;
            applied.push(format!("{:04}_{}", migration.version, migration.name));
        }
        tx.commit()?;
        Ok(MigrationReport { from, to: from.max(supported), applied })
    }

    fn rule_set(&self) -> &Rules {
        &self.rules
    }

    fn sealer(&self) -> &crate::seal::Sealer {
        &self.sealer
    }

    /// Runs `work` on a pooled connection, outside any explicit transaction.
    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        let conn = self.conn()?;
        work(&mut SqliteTx(&conn))
    }

    /// Runs `work` in one transaction that takes the write lock up front and commits only on success.
    fn write<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        // A writer that panicked left nothing half-written (its transaction rolled back), so a
        // poisoned queue is still a usable one.
        let _turn = self.writers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = work(&mut SqliteTx(&tx))?;
        tx.commit()?;
        Ok(out)
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

    fn bulk<T>(&self, work: impl FnOnce() -> StoreResult<T>) -> StoreResult<T> {
        // A bulk import touches far more pages than SQLite's default 2 MiB cache holds. Every pooled
        // connection may serve the import's transaction, so all of them grow (up to 256 MiB, freed
        // when the cache shrinks back).
        self.set_cache_size(-262_144)?;
        let result = work();
        self.set_cache_size(-2_000)?;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;

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
