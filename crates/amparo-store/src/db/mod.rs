//! What differs per database engine, and nothing else: values, rows and the transaction statements
//! run in ([`Tx`]), the [`Engine`] that hands out connections and transactions and knows which rows
//! need explicit locks, the two engines, and the migrations that build their schemas.

pub mod distribution;
pub mod migrate;
pub mod options;
pub mod pg_dump;
mod pg_migrate;
pub mod pg_roles;
mod pg_tls;
mod pg_url;
pub mod postgres;
pub mod sqlite;
pub mod sqlite_backup;
mod sqlite_disk;
mod sqlite_files;
pub mod statements;
mod tx;

pub use tx::{DbFailure, DbResult, Row, Tx, Value};

use std::path::Path;

use crate::error::StoreResult;

/// Which engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Rows that some engines lock explicitly for the rest of a transaction, in the order every
/// transaction takes them: an organisation's policy, then cases and tasks, then an audit chain (see
/// [`crate::Store::lock_audit_chain`]).
pub enum RowLock {
    /// An organisation's policy being changed, with every case re-derived under it (parameter: the
    /// organisation id). Locking a case shares this lock, so a case is never derived under a policy
    /// that is being replaced.
    Policy,
    /// A case being written to (parameters: organisation id, case id).
    Case,
    /// A task being completed (parameters: organisation id, task id).
    Task,
    /// The head of one audit chain (parameter: the chain's organisation id, `""` for the installation).
    AuditChain,
}

/// Room on the disk under a database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiskReport {
    /// Bytes free for the database's writer.
    pub free_bytes: u64,
    /// Under this many free bytes, administrators are warned.
    pub warning_bytes: u64,
    /// Whether the room reserved for the audit trail is still held (not yet released by a full disk).
    pub reserve_held: bool,
}

impl DiskReport {
    /// Whether administrators should be told: space under the threshold, or the reserve spent.
    pub fn is_low(&self) -> bool {
        self.free_bytes < self.warning_bytes || !self.reserve_held
    }
}

/// How the engine's pool of connections is used at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolUse {
    /// The most connections the pool opens.
    pub max: u32,
    /// Connections open now, busy or idle.
    pub open: u32,
    /// Open connections waiting for work.
    pub idle: u32,
}

impl PoolUse {
    pub(crate) fn of<M: r2d2::ManageConnection>(pool: &r2d2::Pool<M>) -> PoolUse {
        let state = pool.state();
        PoolUse { max: pool.max_size(), open: state.connections, idle: state.idle_connections }
    }
}

/// Work run inside a connection or transaction; called exactly once.
pub type Work<'a> = dyn FnMut(&mut dyn Tx) -> StoreResult<()> + 'a;

/// One database engine, object-safe so that a [`crate::Store`] holds either behind one pointer.
pub trait Engine: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Answers when the database does (for health checks).
    fn ping(&self) -> StoreResult<()>;

    /// How many connections the pool holds and how many are busy.
    fn pool_use(&self) -> PoolUse;

    /// The room left on the disk under the database, where the engine can see it (SQLite).
    fn disk(&self) -> Option<DiskReport> {
        None
    }

    /// Runs `work` on a connection, outside an explicit transaction. For reads only: every write
    /// goes through [`Engine::write`].
    fn read(&self, work: &mut Work<'_>) -> StoreResult<()>;

    /// Runs `work` in one transaction that commits only when `work` succeeds.
    fn write(&self, work: &mut Work<'_>) -> StoreResult<()>;

    /// As [`Engine::write`], except that the commit does not wait for the disk: it reaches the disk
    /// with the next commit that does (each engine's log is flushed in order), or on its own within
    /// a fraction of a second. Only for a record that the request's own write or audited read
    /// follows at once, such as the use of an API token, so that the request waits for one flush,
    /// not two. A process crash loses nothing; a power cut may lose the record of a request that
    /// wrote nothing else.
    fn write_flushed_with_next(&self, work: &mut Work<'_>) -> StoreResult<()> {
        self.write(work)
    }

    /// The migrations that build this engine's schema, in order.
    fn migrations(&self) -> &'static [migrate::Migration];

    /// Applies one migration file (named `label` in errors) inside the migration's transaction: as
    /// one batch by default.
    fn apply_migration(&self, tx: &mut dyn Tx, label: &str, sql: &str) -> StoreResult<()> {
        let _ = label;
        tx.execute_batch(sql)?;
        Ok(())
    }

    /// A query counting the migrations' bookkeeping table (1 when it exists, else 0).
    fn migrations_table_count(&self) -> &'static str {
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'amparo_migrations'"
    }

    /// The statement that makes a migration's transaction work as the schema's owner, where the
    /// engine's connections otherwise work as a narrower role.
    fn migration_role(&self) -> Option<&'static str> {
        None
    }

    /// Run at the end of every migration, in its transaction, after the files not yet applied.
    fn after_migrations(&self, _tx: &mut dyn Tx) -> StoreResult<()> {
        Ok(())
    }

    /// What a `SELECT` of case rows appends to hold the rows it reads for the rest of the transaction,
    /// passing over rows another transaction holds, where the engine's transactions do not already
    /// exclude other writers (empty then).
    fn claim_rows(&self) -> &'static str {
        ""
    }

    /// What a `SELECT` appends to share the rows it reads for the rest of the transaction: other
    /// transactions may share them too, but none changes them until this one ends. Empty where the
    /// engine's transactions already exclude other writers.
    fn share_rows(&self) -> &'static str {
        ""
    }

    /// The statement that locks such a row, where the engine's transactions do not already exclude
    /// other writers.
    fn row_lock(&self, _lock: RowLock) -> Option<&'static str> {
        None
    }

    /// A `SELECT` of the case `columns` of one case (parameters: organisation id, case id) that
    /// locks its row as [`RowLock::Case`] does, in the same round trip, where the engine locks rows;
    /// it answers the row as the lock finds it (the newest committed version).
    fn locked_case_select(&self, _columns: &str) -> Option<String> {
        None
    }

    /// The statement that takes an audit chain's lock (as [`RowLock::AuditChain`]) and then reads
    /// the chain's anchor as it stands once the lock is held, in one round trip (parameter: the
    /// chain), where the engine needs the lock. It may answer no row without taking the lock when
    /// the chain has no anchor yet: the caller then takes the lock on its own and reads again.
    fn locked_audit_anchor(&self) -> Option<&'static str> {
        None
    }

    /// Whether one statement may make several writes (a `WITH` of `INSERT`s), so that an audit
    /// entry and its chain's anchor are written in one round trip.
    fn writes_in_one_statement(&self) -> bool {
        false
    }

    /// The statement that serialises installation-wide changes (migrations, rule adoption) across
    /// processes, if one is needed.
    fn installation_lock(&self) -> Option<&'static str> {
        None
    }

    /// The statement that lifts the statement timeout for the rest of a transaction, for the few
    /// whose size is the data's (migrations, bulk imports), where the engine has a timeout.
    fn lift_statement_timeout(&self) -> Option<&'static str> {
        None
    }

    /// Copies the whole database, as it is at one moment, into the new file `out`, having run
    /// `facts` inside that same moment, so that what `facts` reads describes the copy exactly and
    /// the copy holds every write committed before it began: SQLite writes a database file,
    /// PostgreSQL has `pg_dump` write a custom-format archive. Writers carry on meanwhile.
    fn backup(&self, out: &Path, facts: &mut Work<'_>) -> StoreResult<()>;

    /// Checks the database's own structures; an engine that checks them as it reads says so.
    fn integrity_check(&self) -> StoreResult<()>;

    /// Called after values were re-encrypted, so that no older copy of them stays behind in the
    /// engine's own files where it can help it.
    fn after_reseal(&self) -> StoreResult<()> {
        Ok(())
    }

    /// Called before and after a bulk import, around its transaction; an engine may tune itself.
    fn bulk_begin(&self) -> StoreResult<()> {
        Ok(())
    }

    fn bulk_end(&self) -> StoreResult<()> {
        Ok(())
    }

    /// After a bulk import of `imported` cases has committed: an engine whose planner needs fresh
    /// statistics (and, for index-only reads, a map of what every transaction sees) may make them
    /// now rather than when its background worker next looks.
    fn after_bulk_import(&self, _imported: usize) -> StoreResult<()> {
        Ok(())
    }

    /// Before a bulk import of `incoming` cases, inside its transaction: drops the secondary indexes
    /// it is cheaper to build again once the rows are in than to update row by row, and returns the
    /// statements that build them again (run in the same transaction). None by default.
    fn defer_indexes(&self, _tx: &mut dyn Tx, _incoming: usize) -> StoreResult<Vec<String>> {
        Ok(Vec::new())
    }
}
