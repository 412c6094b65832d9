//! PostgreSQL, for deployments that outgrow one machine. Same SQL as SQLite where it can be; the
//! differences (row locks with `FOR UPDATE`, advisory locks around migrations, error codes) live here.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, Date, Event, Policy, RuleSet};
use chrono::{DateTime, Utc};
use postgres::{Client, NoTls};

use crate::db::{PgStatements, PgTx, Tx};
use crate::error::{StoreError, StoreResult};
use crate::migrate::{self, MigrationReport};
use crate::model::*;
use crate::records::{self, DeriveContext, millis};
use crate::{Backend, Rules, Store, shared, triage};

/// A pooled connection with the statements prepared on it.
pub struct PgConnection {
    client: Client,
    statements: PgStatements,
}

const CASE_FOR_UPDATE: &str = "SELECT version FROM cases WHERE org_id = $1 AND id = $2 FOR UPDATE";
const TASK_FOR_UPDATE: &str = "SELECT 1 FROM tasks WHERE org_id = $1 AND id = $2 FOR UPDATE";

const POOL_SIZE: u32 = 8;
/// Cases re-derived per transaction by a refresh.
const REFRESH_BATCH: i64 = 500;
/// Serialises concurrent `migrate` runs from several processes (an arbitrary, fixed number).
const MIGRATION_LOCK: i64 = 0x616d_7061_726f;

struct Manager {
    config: postgres::Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConnection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConnection, postgres::Error> {
        Ok(PgConnection { client: self.config.connect(NoTls)?, statements: PgStatements::default() })
    }

    fn is_valid(&self, connection: &mut PgConnection) -> Result<(), postgres::Error> {
        connection.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, connection: &mut PgConnection) -> bool {
        connection.client.is_closed()
    }
}

pub struct PgStore {
    pool: r2d2::Pool<Manager>,
    rules: Rules,
}

impl PgStore {
    /// Connects to the database a `postgres://` URL names. Server settings ride in the URL as libpq
    /// does it, e.g. `?options=-c%20search_path%3Dtenant_a` to work inside one schema.
    pub fn open(url: &str) -> StoreResult<PgStore> {
        let config: postgres::Config =
            url.parse().map_err(|e| StoreError::Backend(format!("not a usable PostgreSQL URL: {e}")))?;
        let manager = Manager { config };
        // Connect once up front so that a wrong URL fails now, with the server's reason.
        r2d2::ManageConnection::connect(&manager)
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        let pool = r2d2::Pool::builder().max_size(POOL_SIZE).min_idle(Some(1)).build(manager)?;
        Ok(PgStore { pool, rules: Rules::builtin()? })
    }

    /// Derive deadlines under `rules` instead of the built-in rule set.
    pub fn with_rules(mut self, rules: Rules) -> PgStore {
        self.rules = rules;
        self
    }

    fn conn(&self) -> StoreResult<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// Runs `work` on a pooled connection, each statement in its own transaction.
    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        let mut connection = self.conn()?;
        let PgConnection { client, statements } = &mut *connection;
        work(&mut PgTx { client, statements })
    }

    /// Runs `work` in one transaction that commits only on success.
    fn write<T>(&self, work: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        let mut connection = self.conn()?;
        let PgConnection { client, statements } = &mut *connection;
        let mut tx = client.transaction()?;
        let out = work(&mut PgTx { client: &mut tx, statements })?;
        tx.commit()?;
        Ok(out)
    }
}

impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn()?.client.simple_query("SELECT 1")?;
        Ok(())
    }

    fn migrate(&self) -> StoreResult<MigrationReport> {
        let mut connection = self.conn()?;
        let mut tx = connection.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute(migrate::CREATE_MIGRATIONS_TABLE)?;
        let from: i64 = tx
            .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM amparo_migrations", &[])?
            .try_get(0)?;
        let supported = migrate::latest(migrate::POSTGRES);
        if from > supported {
            return Err(StoreError::SchemaTooNew { found: from, supported });
        }
        let mut applied = Vec::new();
        for migration in migrate::POSTGRES.iter().filter(|m| m.version > from) {
            tx.batch_execute(migration.sql)?;
            tx.execute(
                "INSERT INTO amparo_migrations (version, name, applied_at) \
                 VALUES ($1, $2, (extract(epoch FROM now()) * 1000)::BIGINT)",
                &[&migration.version, &migration.name],
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
        self.write(|tx| {
            // The same lock as migrations: two servers starting at once record the rules once.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[MIGRATION_LOCK.into()])?;
            shared::adopt_rules(tx, &self.rules.fingerprint)
        })
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
        let context = shared::ImportContext { org, actor, now, rules: &self.rules.set };
        self.write(|tx| shared::import(tx, &context, files))
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
        self.write(|tx| {
            // The row lock makes concurrent appends to one case queue up; the loser then sees the new
            // version and is refused.
            tx.query(CASE_FOR_UPDATE, &[org.as_str().into(), case.as_str().into()])?;
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
        // In batches, each its own transaction, so that a large refresh never holds row locks long.
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
        self.write(|tx| {
            // The task's row lock keeps two people from completing it at once.
            tx.query(TASK_FOR_UPDATE, &[org.as_str().into(), task.as_str().into()])?;
            triage::complete_task(tx, org, task, by, note, millis(now))
        })
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
