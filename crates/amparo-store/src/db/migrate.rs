//! Migrations, one list per backend, generated from the `migrations/` folders by the crate's build
//! script, and the one loop that applies them. An applied migration is never edited: a change is a
//! new file. A database whose schema is newer than this binary is refused rather than written to.
//! Each engine applies a file its own way ([`Engine::apply_migration`]): SQLite as one batch,
//! PostgreSQL statement by statement (placing new tables when it runs Citus).

use chrono::{DateTime, Utc};

use crate::db::{Engine, Value};
use crate::error::{StoreError, StoreResult};

/// One step of the schema, identified by its number.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The bookkeeping table, the same on both backends.
const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS amparo_migrations (
    version     BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  BIGINT NOT NULL
)";
const SELECT_APPLIED: &str = "SELECT version FROM amparo_migrations";
const RECORD_APPLIED: &str = "INSERT INTO amparo_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

/// What `migrate` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationReport {
    /// The schema version before.
    pub from: i64,
    /// The schema version now.
    pub to: i64,
    pub applied: Vec<String>,
}

/// The newest version a migration list knows.
pub fn latest(migrations: &[Migration]) -> i64 {
    migrations.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Applies every migration of the engine's list not yet recorded, in one transaction (under the
/// installation lock where the engine has one).
pub fn apply(engine: &dyn Engine, now: DateTime<Utc>) -> StoreResult<MigrationReport> {
    let migrations = engine.migrations();
    let mut report = None;
    engine.write(&mut |tx| {
        if let Some(owner) = engine.migration_role() {
            tx.execute_batch(owner)?;
        }
        if let Some(lift) = engine.lift_statement_timeout() {
            tx.execute_batch(lift)?;
        }
        if let Some(lock) = engine.installation_lock() {
            tx.execute_batch(lock)?;
        }
        // Made only when missing: a login that may read but not create (the application's own, on
        // PostgreSQL) starts on an up-to-date schema without needing more.
        if tx.query_int(engine.migrations_table_count(), &[])? == 0 {
            engine.apply_migration(tx, "amparo_migrations", CREATE_MIGRATIONS_TABLE)?;
        }
        let done =
            tx.query(SELECT_APPLIED, &[])?.iter().map(|r| r.int(0)).collect::<StoreResult<Vec<i64>>>()?;
        let from = done.iter().copied().max().unwrap_or(0);
        let supported = latest(migrations);
        if from > supported {
            return Err(StoreError::SchemaTooNew { found: from, supported });
        }
        // Every listed migration not yet recorded, in order: one that arrived later with a lower
        // number than those applied (branches merged in another order) is not skipped.
        let mut applied = Vec::new();
        for migration in migrations.iter().filter(|m| !done.contains(&m.version)) {
            let label = format!("{:04}_{}", migration.version, migration.name);
            engine.apply_migration(tx, &label, migration.sql)?;
            let record: [Value; 3] =
                [migration.version.into(), migration.name.into(), now.timestamp_millis().into()];
            tx.execute(RECORD_APPLIED, &record)?;
            applied.push(label);
        }
        engine.after_migrations(tx)?;
        report = Some(MigrationReport { from, to: from.max(supported), applied });
        Ok(())
    })?;
    report.ok_or_else(|| StoreError::Backend("the migration transaction did not run".into()))
}
