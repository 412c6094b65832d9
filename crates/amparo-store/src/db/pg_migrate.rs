//! Applying a PostgreSQL migration statement by statement, and, on Citus, placing each table a
//! statement creates as [`super::distribution`] declares it, in the same transaction: a distributed
//! database refuses a multi-statement query, and a table is distributed most cheaply while empty.

use crate::db::distribution::{self, Placement};
use crate::db::{Tx, statements};
use crate::error::{StoreError, StoreResult};

/// Whether the database runs Citus.
const CITUS_PRESENT: &str = "SELECT COUNT(*) FROM pg_extension WHERE extname = 'citus'";
/// Whether a table is already placed by Citus (the migrations table is created before each run).
const ALREADY_PLACED: &str = "SELECT COUNT(*) FROM pg_dist_partition WHERE logicalrelid = to_regclass($1)";

fn count(tx: &mut dyn Tx, sql: &str, params: &[crate::db::Value]) -> StoreResult<i64> {
    tx.query(sql, params)?.first().map(|row| row.int(0)).transpose().map(|n| n.unwrap_or(0))
}

/// Whether the database this transaction runs on has the Citus extension.
pub fn citus_present(tx: &mut dyn Tx) -> StoreResult<bool> {
    Ok(count(tx, CITUS_PRESENT, &[])? > 0)
}

/// Runs `sql` (one migration file, named `label` in errors) one statement at a time; with `citus`,
/// places each table a statement creates.
pub fn run(tx: &mut dyn Tx, label: &str, sql: &str, citus: bool) -> StoreResult<()> {
    let statements =
        statements::split(sql).map_err(|e| StoreError::Backend(format!("migration {label}: {e}")))?;
    for (index, statement) in statements.iter().enumerate() {
        tx.execute_batch(statement).map_err(|e| {
            StoreError::Backend(format!(
                "migration {label}, statement {}: {}",
                index + 1,
                StoreError::from(e)
            ))
        })?;
        if citus && let Some(table) = distribution::created_table(statement) {
            place(tx, label, table)?;
        }
    }
    Ok(())
}

/// Distributes `table`, or makes it a reference table, unless Citus placed it already.
fn place(tx: &mut dyn Tx, label: &str, table: &str) -> StoreResult<()> {
    let placement: Placement = distribution::placement(table).ok_or_else(|| {
        StoreError::Backend(format!(
            "migration {label} creates the table {table}, which has no placement in db/distribution.rs: \
             declare it a tenant table (distributed by org_id) or a reference table"
        ))
    })?;
    if count(tx, ALREADY_PLACED, &[table.into()])? == 0 {
        tx.execute_batch(&distribution::citus_statement(table, placement))?;
    }
    Ok(())
}
