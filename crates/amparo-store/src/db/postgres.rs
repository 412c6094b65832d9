//! PostgreSQL, for deployments that outgrow one machine. Same SQL as SQLite where it can be; the
//! differences (row locks with `FOR UPDATE`, advisory locks around migrations, error codes) live here.

use postgres::{Client, NoTls};

use crate::db::{PgStatements, PgTx, Tx};
use crate::engine::{Engine, RowLock};
use crate::error::{StoreError, StoreResult};
use crate::migrate::{self, MigrationReport};
use crate::{Backend, Rules};

/// A pooled connection with the statements prepared on it.
pub struct PgConnection {
    client: Client,
    statements: PgStatements,
}

const POOL_SIZE: u32 = 8;
/// Serialises installation-wide changes (migrations, rule adoption) across processes; the number is
/// arbitrary and fixed.
const INSTALLATION_LOCK: &str = "SELECT pg_advisory_xact_lock(107122664764015)";

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
    sealer: crate::seal::Sealer,
}

impl PgStore {
    /// Connects to the database a `postgres://` URL names. Server settings ride in the URL as libpq
    /// does it, e.g. `?options=-c%20search_path%3Dtenant_a` to work inside one schema.
    pub fn open(url: &str, sealer: crate::seal::Sealer) -> StoreResult<PgStore> {
        let config: postgres::Config =
            url.parse().map_err(|e| StoreError::Backend(format!("not a usable PostgreSQL URL: {e}")))?;
        let manager = Manager { config };
        // Connect once up front so that a wrong URL fails now, with the server's reason.
        r2d2::ManageConnection::connect(&manager)
            .map_err(|e| StoreError::Backend(format!("cannot connect to PostgreSQL: {e}")))?;
        let pool = r2d2::Pool::builder().max_size(POOL_SIZE).min_idle(Some(1)).build(manager)?;
        Ok(PgStore { pool, rules: Rules::builtin()?, sealer })
    }

    /// Derive deadlines under `rules` instead of the built-in rule set.
    pub fn with_rules(mut self, rules: Rules) -> PgStore {
        self.rules = rules;
        self
    }

    fn conn(&self) -> StoreResult<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }
}

impl Engine for PgStore {
    fn kind(&self) -> Backend {
        Backend::Postgres
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn()?.client.simple_query("SELECT 1")?;
        Ok(())
    }

    fn migrate(&self) -> StoreResult<MigrationReport> {
        let mut connection = self.conn()?;
        let mut tx = connection.client.transaction()?;
        tx.batch_execute(INSTALLATION_LOCK)?;
        tx.batch_execute(migrate::CREATE_MIGRATIONS_TABLE)?;
        let from: i64 = tx
            .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM amparo_migrations", &[])?
            .try_get(0)?;
        let supported = migrate::latest(migrate::POSTGRES);
        if from > supported {
            return Err(StoreError::SchemaTooNew { found: from, supported });
        }
        // Every listed migration not yet recorded, in order: one that arrived later with a lower
        // number than those applied (branches merged in another order) is not skipped.
        let done: Vec<i64> = tx
            .query("SELECT version FROM amparo_migrations", &[])?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut applied = Vec::new();
        for migration in migrate::POSTGRES.iter().filter(|m| !done.contains(&m.version)) {
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

    fn rule_set(&self) -> &Rules {
        &self.rules
    }

    fn sealer(&self) -> &crate::seal::Sealer {
        &self.sealer
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

    fn row_lock(&self, lock: RowLock) -> Option<&'static str> {
        Some(match lock {
            RowLock::Case => "SELECT version FROM cases WHERE org_id = $1 AND id = $2 FOR UPDATE",
            RowLock::Task => "SELECT 1 FROM tasks WHERE org_id = $1 AND id = $2 FOR UPDATE",
            RowLock::AuditChain => "SELECT pg_advisory_xact_lock(hashtext('amparo-audit:' || $1))",
        })
    }

    fn installation_lock(&self) -> Option<&'static str> {
        Some(INSTALLATION_LOCK)
    }
}
