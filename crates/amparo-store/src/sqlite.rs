//! The embedded default: one SQLite file in WAL mode with `synchronous=FULL`, so that a write that was
//! acknowledged survives a crash or power loss. Writers take the write lock up front
//! (`BEGIN IMMEDIATE`) so that two transactions never deadlock upgrading a read lock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, Event, Policy, RuleSet};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior, params};

use crate::db::{SqliteTx, Tx};
use crate::error::{StoreError, StoreResult};
use crate::migrate::{self, MigrationReport};
use crate::model::*;
use crate::records::{self, DeriveContext, millis};
use crate::{Backend, Rules, Store, shared, triage};

const POOL_SIZE: u32 = 8;
/// Cases re-derived per transaction by a refresh.
const REFRESH_BATCH: i64 = 500;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite numbers `$N` parameters by order of first appearance, not by N; `?N` keeps the number, so
/// the shared SQL text is rewritten before it is prepared.
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
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
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
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
    rules: Rules,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file. Migrations are applied by [`Store::migrate`].
    pub fn open(path: impl AsRef<Path>) -> StoreResult<SqliteStore> {
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
        Ok(SqliteStore { pool, path, rules: Rules::builtin()? })
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

    /// Runs `work` on a pooled connection, outside any explicit transaction.
    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        let conn = self.conn()?;
        work(&mut SqliteTx(&conn))
    }

    /// Runs `work` in one transaction that takes the write lock up front and commits only on success.
    fn write<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = work(&mut SqliteTx(&tx))?;
        tx.commit()?;
        Ok(out)
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

impl Store for SqliteStore {
    fn backend(&self) -> Backend {
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
        let mut applied = Vec::new();
        for migration in migrate::SQLITE.iter().filter(|m| m.version > from) {
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

    fn rules(&self) -> &RuleSet {
        &self.rules.set
    }

    fn adopt_rules(&self) -> StoreResult<bool> {
        self.write(|tx| shared::adopt_rules(tx, &self.rules.fingerprint))
    }

    fn create_organisation(&self, new: &NewOrganisation, now: DateTime<Utc>) -> StoreResult<Organisation> {
        self.read(|tx| shared::create_organisation(tx, new, now))
    }

    fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        self.read(shared::organisations)
    }

    fn create_user(&self, org: &OrgId, new: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        self.write(|tx| shared::create_user(tx, org, new, now))
    }

    fn user(&self, org: &OrgId, id: &UserId) -> StoreResult<Option<User>> {
        self.read(|tx| shared::user(tx, org, id))
    }

    fn users(&self, org: &OrgId) -> StoreResult<Vec<User>> {
        self.read(|tx| shared::users(tx, org))
    }

    fn credentials_by_email(&self, email: &str) -> StoreResult<Option<Credentials>> {
        self.read(|tx| shared::credentials_by_email(tx, email))
    }

    fn set_password(&self, org: &OrgId, id: &UserId, password_hash: &str) -> StoreResult<()> {
        self.read(|tx| shared::set_password(tx, org, id, password_hash))
    }

    fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
        self.read(|tx| shared::create_session(tx, session))
    }

    fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        self.read(|tx| shared::session(tx, token_hash))
    }

    fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.read(|tx| shared::touch_session(tx, token_hash, now))
    }

    fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.read(|tx| shared::delete_session(tx, token_hash))
    }

    fn import_cases(
        &self,
        org: &OrgId,
        files: &[CaseFile],
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CaseId>> {
        let conn = self.conn()?;
        // A bulk import touches far more pages than SQLite's default 2 MiB cache holds; this connection
        // gets up to 256 MiB while it imports (the pages are freed when the cache shrinks back).
        conn.execute_batch("PRAGMA cache_size = -262144")?;
        drop(conn);
        let context = shared::ImportContext { org, actor, now, rules: &self.rules.set };
        let imported = self.write(|tx| shared::import(tx, &context, files));
        self.conn()?.execute_batch("PRAGMA cache_size = -2000")?;
        imported
    }

    fn append_event(
        &self,
        org: &OrgId,
        case: &CaseId,
        expected_version: i64,
        event: &Event,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        // The write lock taken at BEGIN IMMEDIATE serialises appends; no row lock is needed.
        self.write(|tx| {
            shared::append_event(tx, (org, case), expected_version, event, actor, (now, &self.rules.set))
        })
    }

    fn policy(&self, org: &OrgId) -> StoreResult<Policy> {
        self.read(|tx| shared::load_policy(tx, org))
    }

    fn set_policy(&self, org: &OrgId, policy: &Policy, now: DateTime<Utc>) -> StoreResult<usize> {
        self.write(|tx| shared::set_policy(tx, org, policy, &self.rules.set, now))
    }

    fn refresh_derived(&self, org: &OrgId, today: Date, now: DateTime<Utc>) -> StoreResult<usize> {
        let mut total = 0;
        // In batches, each its own transaction, so that a day's refresh of a large organisation never
        // holds the write lock long enough to make other writers wait.
        loop {
            let count = self.write(|tx| {
                let policy = shared::load_policy(tx, org)?;
                let context =
                    DeriveContext { today, policy: &policy, rules: &self.rules.set, now_ms: millis(now) };
                shared::refresh_stale(tx, org, &context, REFRESH_BATCH)
            })?;
            total += count;
            if count < REFRESH_BATCH as usize {
                return Ok(total);
            }
        }
    }

    fn deadlines_due(&self, org: &OrgId, query: &DeadlineQuery) -> StoreResult<Vec<DueDeadline>> {
        self.read(|tx| shared::deadlines_due(tx, org, query))
    }

    fn assign(
        &self,
        org: &OrgId,
        case: &CaseId,
        role: UserRole,
        user: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            triage::assign(tx, org, case, role, user, millis(now))?;
            let policy = shared::load_policy(tx, org)?;
            let context = DeriveContext {
                today: records::legal_today(now),
                policy: &policy,
                rules: &self.rules.set,
                now_ms: millis(now),
            };
            shared::refresh_stale(tx, org, &context, i64::MAX).map(|_| ())
        })
    }

    fn assignments(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Assignment>> {
        self.read(|tx| triage::assignments(tx, org, case))
    }

    fn board(&self, org: &OrgId, filter: &BoardFilter) -> StoreResult<BoardPage> {
        self.read(|tx| triage::board(tx, org, filter))
    }

    fn escalations(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Escalation>> {
        self.read(|tx| triage::escalations(tx, org, case))
    }

    fn open_tasks(&self, org: &OrgId, user: &UserId) -> StoreResult<Vec<Task>> {
        self.read(|tx| triage::open_tasks(tx, org, user))
    }

    fn case_tasks(&self, org: &OrgId, case: &CaseId) -> StoreResult<Vec<Task>> {
        self.read(|tx| triage::case_tasks(tx, org, case))
    }

    fn task(&self, org: &OrgId, task: &TaskId) -> StoreResult<Option<Task>> {
        self.read(|tx| triage::task(tx, org, task))
    }

    fn complete_task(
        &self,
        org: &OrgId,
        task: &TaskId,
        by: &UserId,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| triage::complete_task(tx, org, task, by, note, millis(now)))
    }

    fn reassign_task(&self, org: &OrgId, task: &TaskId, to: &UserId) -> StoreResult<()> {
        self.write(|tx| triage::reassign_task(tx, org, task, to))
    }

    fn select_cases(&self, org: &OrgId, selection: &CaseSelection) -> StoreResult<Vec<SelectedCase>> {
        self.read(|tx| triage::select_cases(tx, org, selection))
    }

    fn open_review_tasks(
        &self,
        org: &OrgId,
        selection: &CaseSelection,
        review: &ReviewTask,
        actor: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<ReviewOutcome> {
        self.write(|tx| triage::open_review_tasks(tx, org, selection, review, actor, millis(now)))
    }

    fn case(&self, org: &OrgId, id: &CaseId) -> StoreResult<Option<StoredCase>> {
        self.read(|tx| shared::case(tx, org, id))
    }

    fn case_by_reference(&self, org: &OrgId, reference: &str) -> StoreResult<Option<StoredCase>> {
        self.read(|tx| shared::case_by_reference(tx, org, reference))
    }

    fn list_cases(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage> {
        self.read(|tx| shared::list_cases(tx, org, query))
    }

    fn case_references(&self, org: &OrgId) -> StoreResult<Vec<(CaseId, String)>> {
        self.read(|tx| shared::case_references(tx, org))
    }
}
