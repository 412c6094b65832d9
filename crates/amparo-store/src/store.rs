//! The [`Store`]: one database engine, the rules stored deadlines are derived under and the sealer
//! of sensitive fields. Only how it opens and runs transactions is here; what it does is written in
//! the subject modules (accounts, cases, triage, notices…), each adding its own `impl Store`.

use std::path::Path;

use amparo_domain::{EscalationTemplates, RuleSet};
use chrono::{DateTime, Utc};

use amparo_domain::attachments::DEFAULT_MAX_BYTES;

use crate::attachments::Objects;
use crate::db::DiskReport;
use crate::db::migrate::{self, MigrationReport};
use crate::db::options::DatabaseOptions;

/// The `amparo_meta` key the health check writes.
const HEALTH_PROBE: &str = "health_probe";
use crate::db::postgres::PgEngine;
use crate::db::sqlite::SqliteEngine;
use crate::db::{Backend, Engine, RowLock, Tx, Value, Work};
use crate::derivation::Rules;
use crate::error::{StoreError, StoreResult};
use crate::security::seal::Sealer;

/// Amparo's persistence. Methods block; async callers run them on a blocking thread. Shared between
/// threads behind an `Arc`.
pub struct Store {
    engine: Box<dyn Engine>,
    rules: Rules,
    sealer: Sealer,
    /// Who acts on the command line, recorded as the audit actor of what no member does.
    operator: std::sync::OnceLock<String>,
    /// Where attachments' sealed bytes are kept; `None` until configured (see `crate::open`).
    objects: Option<Objects>,
    /// The largest attachment accepted, in bytes.
    attachment_max_bytes: u64,
}

impl Store {
    /// Opens (creating if needed) a SQLite file, with the built-in rules; migrations are not applied
    /// (see [`Store::migrate`], or [`crate::open`] which does everything).
    pub fn open_sqlite(path: impl AsRef<Path>, sealer: Sealer) -> StoreResult<Store> {
        Store::open_sqlite_with(path, sealer, &DatabaseOptions::default())
    }

    /// As [`Store::open_sqlite`], with the pool size and disk settings of `options`.
    pub fn open_sqlite_with(
        path: impl AsRef<Path>,
        sealer: Sealer,
        options: &DatabaseOptions,
    ) -> StoreResult<Store> {
        Ok(Store {
            engine: Box::new(SqliteEngine::open(path, options)?),
            rules: Rules::builtin()?,
            sealer,
            operator: Default::default(),
            objects: None,
            attachment_max_bytes: DEFAULT_MAX_BYTES,
        })
    }

    /// Connects to the PostgreSQL database a `postgres://` URL names, with the built-in rules;
    /// migrations are not applied. Server settings ride in the URL as libpq does it, e.g.
    /// `?options=-c%20search_path%3Dtenant_a` to work inside one schema.
    pub fn open_postgres(url: &str, sealer: Sealer) -> StoreResult<Store> {
        Store::open_postgres_with(url, sealer, &DatabaseOptions::default())
    }

    /// As [`Store::open_postgres`], with the pool, timeouts and TLS of `options`.
    pub fn open_postgres_with(url: &str, sealer: Sealer, options: &DatabaseOptions) -> StoreResult<Store> {
        Ok(Store {
            engine: Box::new(PgEngine::open(url, options)?),
            rules: Rules::builtin()?,
            sealer,
            operator: Default::default(),
            objects: None,
            attachment_max_bytes: DEFAULT_MAX_BYTES,
        })
    }

    /// Keep attachments in `objects`.
    pub fn with_objects(mut self, objects: Objects) -> Store {
        self.objects = Some(objects);
        self
    }

    /// Accept attachments of at most `bytes`.
    pub fn with_attachment_limit(mut self, bytes: u64) -> Store {
        self.attachment_max_bytes = bytes;
        self
    }

    /// Where attachments are kept, or a clear refusal when no storage is configured.
    pub(crate) fn objects(&self) -> StoreResult<&Objects> {
        self.objects.as_ref().ok_or_else(|| {
            StoreError::Invalid(
                "no attachment storage is configured: set `attachments_url` to a folder".into(),
            )
        })
    }

    pub(crate) fn objects_if_any(&self) -> Option<&Objects> {
        self.objects.as_ref()
    }

    pub(crate) fn attachment_limit(&self) -> u64 {
        self.attachment_max_bytes
    }

    /// Derive deadlines under `rules` instead of the built-in rule set.
    pub fn with_rules(mut self, rules: Rules) -> Store {
        self.rules = rules;
        self
    }

    pub fn backend(&self) -> Backend {
        self.engine.backend()
    }

    /// Answers when the database does (for health checks).
    pub fn ping(&self) -> StoreResult<()> {
        self.engine.ping()
    }

    /// Whether the database can write now: records the time of this check in `amparo_meta`, in a
    /// transaction that commits, so that a full disk or a read-only database is found as a real
    /// write would find it (a rolled-back write may never reach the disk).
    pub fn probe_write(&self, now: DateTime<Utc>) -> StoreResult<()> {
        let stamp = now.to_rfc3339();
        self.write(|tx| {
            if !crate::meta::update(tx, HEALTH_PROBE, &stamp)? {
                crate::meta::insert(tx, HEALTH_PROBE, &stamp)?;
            }
            Ok(())
        })
    }

    /// The room left on the disk under the database, where the engine can see it (SQLite).
    pub fn disk(&self) -> Option<DiskReport> {
        self.engine.disk()
    }

    /// How the pool of database connections is used now (for `GET /metrics`).
    pub fn pool_use(&self) -> crate::db::PoolUse {
        self.engine.pool_use()
    }

    /// Applies every embedded migration not yet applied; refuses a schema newer than this binary.
    pub fn migrate(&self) -> StoreResult<MigrationReport> {
        migrate::apply(&*self.engine, self.clock())
    }

    /// Checks the database file's own structures (SQLite's `PRAGMA integrity_check`); refused on
    /// PostgreSQL.
    pub fn integrity_check(&self) -> StoreResult<()> {
        self.engine.integrity_check()
    }

    /// The rule set this store derives deadlines under.
    pub fn rules(&self) -> &RuleSet {
        &self.rules.set
    }

    /// The escalation checklists this store opens (the built-in ones or the operator's file).
    pub fn escalation_templates(&self) -> &EscalationTemplates {
        &self.rules.templates
    }

    pub(crate) fn rule_set(&self) -> &Rules {
        &self.rules
    }

    /// Records what this store writes without a member acting (imports, exports, policy changes
    /// made on the command line) as the operator's: `os_user` is the operating system's user name
    /// when known. Set once; later calls change nothing.
    pub fn act_as_operator(&self, os_user: Option<&str>) {
        let _ = self.operator.set(crate::audit::operator_actor(os_user));
    }

    pub(crate) fn operator(&self) -> Option<&str> {
        self.operator.get().map(String::as_str)
    }

    pub(crate) fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    pub(crate) fn engine(&self) -> &dyn Engine {
        &*self.engine
    }

    /// The time recorded for installation-wide changes made when the store opens.
    pub(crate) fn clock(&self) -> DateTime<Utc> {
        #[allow(clippy::disallowed_methods)] // opening the store is an edge: nobody passes a time in
        Utc::now()
    }

    /// Runs `work` on a connection outside an explicit transaction. Reads only.
    pub(crate) fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        run_once(work, |work| self.engine.read(work))
    }

    /// Runs `work` in one transaction, on the engine's writer path, that commits only when `work`
    /// succeeds. An API token's use waiting on this thread is recorded in the same transaction (see
    /// [`crate::api_tokens::deferred`]), or waits on when the transaction does not commit.
    pub(crate) fn write<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        match crate::api_tokens::deferred::take_waiting() {
            Some(token_use) => crate::api_tokens::deferred::write(self, token_use, work),
            None => run_once(work, |work| self.engine.write(work)),
        }
    }

    /// As [`Store::write`], flushed to disk with the next write that is (see
    /// [`crate::db::Engine::write_flushed_with_next`]).
    pub(crate) fn write_flushed_with_next<T>(
        &self,
        work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>,
    ) -> StoreResult<T> {
        run_once(work, |work| self.engine.write_flushed_with_next(work))
    }

    /// Locks a row for the rest of the transaction, where the engine needs it.
    pub(crate) fn lock_row(&self, tx: &mut dyn Tx, lock: RowLock, key: &[Value]) -> StoreResult<()> {
        if let Some(statement) = self.engine.row_lock(lock) {
            tx.execute(statement, key)?;
        }
        Ok(())
    }

    /// Holds one audit chain's head for the rest of the transaction, where the engine needs it.
    ///
    /// Nearly every write appends to its organisation's chain, so this lock is the one writers of an
    /// organisation queue on: it is taken last and held briefly. The order every transaction takes
    /// its locks in, so that no two wait for each other:
    ///
    /// 0. the API token a request acts through: a write through it shares the token's row in its
    ///    first statement (`api_tokens::deferred`; writers through one token never wait for each
    ///    other there), and whatever changes the row (a use recorded in a transaction of its own, a
    ///    revocation, the stamp of a last use after a write's commit) changes it before it takes any
    ///    other lock, and so waits for those writers holding nothing they wait for,
    /// 1. the organisation's policy ([`RowLock::Policy`]: a policy change; every case lock shares it),
    /// 2. cases and tasks ([`RowLock::Case`], [`RowLock::Task`]), and every row written besides,
    /// 3. the audit chain, taken by [`crate::audit::append`] as the entry is appended, after the
    ///    transaction's other writes. No transaction changes a token's row once it holds the chain.
    ///
    /// Taking the chain early is still right for a transaction that writes no case or task, where the
    /// chain serialises a check with its write (the last administrator, the visibility a read checks
    /// against sharing changes); such a transaction then locks no case or task after it.
    pub(crate) fn lock_audit_chain(&self, tx: &mut dyn Tx, chain: &str) -> StoreResult<()> {
        self.lock_row(tx, RowLock::AuditChain, &[chain.into()])
    }

    /// Serialises an installation-wide change across processes, where the engine needs it. Waiting
    /// for another process's change (and making one: every case may be re-derived) takes as long as
    /// it takes, so the statement timeout is lifted for the transaction.
    pub(crate) fn lock_installation(&self, tx: &mut dyn Tx) -> StoreResult<()> {
        if let Some(lift) = self.engine.lift_statement_timeout() {
            tx.execute_batch(lift)?;
        }
        if let Some(statement) = self.engine.installation_lock() {
            tx.execute(statement, &[])?;
        }
        Ok(())
    }
}

/// Runs a one-shot `work` through an engine entry point that takes re-callable work (so that the
/// engine stays object-safe), and hands back its result.
pub(crate) fn run_once<T>(
    work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>,
    run: impl FnOnce(&mut Work<'_>) -> StoreResult<()>,
) -> StoreResult<T> {
    let mut work = Some(work);
    let mut out = None;
    run(&mut |tx| {
        let work = work.take().ok_or_else(|| StoreError::Backend("a transaction's work ran twice".into()))?;
        out = Some(work(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| StoreError::Backend("a transaction ended without running its work".into()))
}
