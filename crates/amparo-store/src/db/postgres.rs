//! PostgreSQL, for deployments that outgrow one machine. Same SQL as SQLite where it can be; the
//! differences (row locks with `FOR UPDATE`, advisory locks around migrations, error codes, the
//! application's role each connection enters) live here.

use postgres::Client;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::db::migrate::{self, Migration};
use crate::db::options::{DatabaseOptions, SslMode};
use crate::db::{Backend, DbFailure, DbResult, Engine, PoolUse, Row, RowLock, Tx, Value, Work};
use crate::error::{StoreError, StoreResult};

/// A pooled connection with the statements prepared on it.
struct PgConnection {
    client: Client,
    statements: PgStatements,
    /// When it last went back to the pool, having answered: see [`Manager::is_valid`].
    returned_at: Option<std::time::Instant>,
}

/// How recently a connection must have gone back to the pool, after working, to be handed out again
/// without a round trip to check it. Under load a connection comes back within milliseconds, and the
/// check was two of an API write's round trips (one for the token's read, one for the write); one
/// idle for longer is checked, as a server restart or a dropped route shows there. A connection
/// lost within this window fails its next statement instead: a write then takes another
/// connection if its `BEGIN` was the statement that failed (nothing was done), and a read whose
/// first statement failed reconnects and runs it again (see [`PgTx::answer`],
/// [`PgEngine::on_connection`]).
const RECENTLY_RETURNED: std::time::Duration = std::time::Duration::from_secs(1);

/// Serialises installation-wide changes (migrations, rule adoption) across processes; the number is
/// arbitrary and fixed.
const INSTALLATION_LOCK: &str = "SELECT pg_advisory_xact_lock(107122664764015)";

/// Returns once every commit made before it is on disk: a transaction that writes one log record
/// (an empty logical message, which needs no table and no privilege) and commits under the
/// server's own `synchronous_commit` (so a synchronous standby confirms it too). The log is flushed
/// in order, so its flush covers every earlier commit of any session, and writers waiting at once
/// share one flush. A transaction that only took an id would not do: one that wrote no log record
/// of its own commits without waiting, whatever `synchronous_commit` says.
///
/// Connections commit asynchronously (set once as each connects: see `Manager::connect`), so this
/// transaction sets the server's own value back for itself.
const WAIT_FOR_FLUSH: &str = "BEGIN; SET LOCAL synchronous_commit TO DEFAULT; \
     SELECT pg_logical_emit_message(true, 'amparo-flush', ''); COMMIT";

/// The lock of an audit chain's head, as an expression (parameter: the chain's organisation id, `""`
/// for the installation): a one-key advisory lock, apart from the two-key ones of policies.
macro_rules! audit_chain_lock {
    () => {
        "pg_advisory_xact_lock(hashtext('amparo-audit:' || $1))"
    };
}

#[derive(Clone)]
struct Manager {
    config: postgres::Config,
    tls: MakeRustlsConnect,
    /// Set on each new connection, so that no statement holds a connection (and a request) longer.
    statement_timeout: std::time::Duration,
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConnection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConnection, postgres::Error> {
        let mut client = self.config.connect(self.tls.clone())?;
        let milliseconds = self.statement_timeout.as_millis();
        // Every commit is asynchronous, so that a transaction's locks pass on without waiting for a
        // flush; a write then waits for its flush outside them (see `WAIT_FOR_FLUSH`). Set here once
        // rather than in each transaction: a round trip less per write.
        client.batch_execute(&format!(
            "SET statement_timeout = {milliseconds}; SET synchronous_commit = off"
        ))?;
        client.batch_execute(super::pg_roles::ENTER_APPLICATION_ROLE)?;
        Ok(PgConnection { client, statements: PgStatements::default(), returned_at: None })
    }

    /// Checked with an empty query, unless it came back to the pool working a moment ago
    /// ([`RECENTLY_RETURNED`]).
    fn is_valid(&self, connection: &mut PgConnection) -> Result<(), postgres::Error> {
        let recent = connection.returned_at.is_some_and(|at| at.elapsed() < RECENTLY_RETURNED);
        if recent && !connection.client.is_closed() {
            return Ok(());
        }
        connection.client.simple_query("").map(|_| ())
    }

    /// Called as each connection goes back to the pool: a closed one is dropped, a working one
    /// remembers when it came back.
    fn has_broken(&self, connection: &mut PgConnection) -> bool {
        let broken = connection.client.is_closed();
        connection.returned_at = (!broken).then(std::time::Instant::now);
        broken
    }
}

/// PostgreSQL behind a pool of connections.
pub struct PgEngine {
    pool: r2d2::Pool<Manager>,
    /// Connects outside the pool, for work a pooled connection must not be left in the middle of
    /// (the owner's maintenance after an import).
    unpooled: Manager,
    /// As given, for `pg_dump`.
    url: String,
}

impl PgEngine {
    /// Connects to the database a `postgres://` URL names. Server settings ride in the URL as libpq
    /// does it, e.g. `?options=-c%20search_path%3Dtenant_a` to work inside one schema; so do
    /// `sslmode` and `sslrootcert` (see `pg_tls`), which win over `options`.
    pub fn open(url: &str, options: &DatabaseOptions) -> StoreResult<PgEngine> {
        let tls = super::pg_url::split_tls(url)?;
        let mut config: postgres::Config =
            tls.rest.parse().map_err(|e| StoreError::Backend(format!("not a usable PostgreSQL URL: {e}")))?;
        let mode = tls.ssl_mode.or(options.ssl_mode).unwrap_or(SslMode::Prefer);
        let root_cert = tls.ssl_root_cert.or_else(|| options.ssl_root_cert.clone());
        let (connector, negotiated) = super::pg_tls::connector(mode, root_cert.as_deref())?;
        config.ssl_mode(negotiated).connect_timeout(options.connect_timeout);
        // A server that stops answering mid-statement (a dropped route) is given up on once the
        // statement could have finished, rather than after the kernel's many minutes.
        config.tcp_user_timeout(options.connect_timeout + options.statement_timeout);
        let manager = Manager { config, tls: connector, statement_timeout: options.statement_timeout };
        // Connect once up front so that a wrong URL fails now, with the server's reason.
        r2d2::ManageConnection::connect(&manager).map_err(|e| {
            let reason = StoreError::from(e);
            let detail = match &reason {
                StoreError::Unavailable(detail) | StoreError::Backend(detail) => detail.clone(),
                other => other.to_string(),
            };
            let message = format!("cannot connect to PostgreSQL (sslmode={}): {detail}", mode.as_str());
            match reason {
                StoreError::Unavailable(_) => StoreError::Unavailable(message),
                _ => StoreError::Backend(message),
            }
        })?;
        let unpooled = manager.clone();
        let pool = r2d2::Pool::builder()
            .max_size(options.pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(options.connect_timeout)
            .build(manager)?;
        Ok(PgEngine { pool, unpooled, url: url.to_owned() })
    }

    fn conn(&self) -> StoreResult<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// Runs `work` in one transaction that commits only on success; with `wait_for_flush`, returns
    /// once the commit is on disk ([`WAIT_FOR_FLUSH`]).
    fn transaction(&self, work: &mut Work<'_>, wait_for_flush: bool) -> StoreResult<()> {
        self.on_connection(&mut |connection, began| {
            let PgConnection { client, statements, .. } = connection;
            let mut tx = client.transaction()?;
            *began = true;
            work(&mut PgTx::new(&mut tx, statements))?;
            tx.commit()?;
            if wait_for_flush {
                client.batch_execute(WAIT_FOR_FLUSH)?;
            }
            Ok(())
        })
    }

    /// Runs a write's `attempt` on a pooled connection, and once more on another when the first
    /// turned out closed at its `BEGIN`: a connection handed out unchecked ([`RECENTLY_RETURNED`])
    /// whose server went away meanwhile. Nothing was done then, so nothing is done twice;
    /// `attempt` sets its flag once its transaction has begun, and the closed connection leaves
    /// the pool as it goes back.
    fn on_connection(
        &self,
        attempt: &mut dyn FnMut(&mut PgConnection, &mut bool) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut connection = self.conn()?;
        let mut began = false;
        let result = attempt(&mut connection, &mut began);
        if result.is_ok() || began || !connection.client.is_closed() {
            return result;
        }
        drop(connection);
        tracing::info!("a pooled PostgreSQL connection was closed; the write takes another");
        let mut connection = self.conn()?;
        attempt(&mut connection, &mut false)
    }
}

/// How many cases an import brings before its tables are vacuumed and analysed at once. A table
/// PostgreSQL has not yet analysed is planned as nearly empty, and one not yet vacuumed has no
/// visibility map, so that its index-only scans visit the table after all: right after the
/// 50,000-case demo was loaded, counting a two-letter search took 1.2–1.9 s, 250–340 ms once
/// analysed, 16–20 ms once vacuumed too (a loaded machine). Autovacuum would do both within a minute
/// or so; the lists are read from the first second.
const VACUUM_AFTER_IMPORT: usize = 1_000;

/// The tables an import fills, or the lists, board and dashboard read beside them.
const IMPORTED_TABLES: [&str; 10] = [
    "cases",
    "people",
    "case_search_words",
    "deadlines",
    "identifiers",
    "events",
    "escalations",
    "tasks",
    "case_assignments",
    "case_shares",
];

impl Engine for PgEngine {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn pool_use(&self) -> PoolUse {
        PoolUse::of(&self.pool)
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn()?.client.simple_query("SELECT 1")?;
        Ok(())
    }

    fn migrations(&self) -> &'static [Migration] {
        migrate::POSTGRES
    }

    /// A read-only transaction at repeatable read exports its snapshot; `facts` reads in it and
    /// `pg_dump` dumps that same snapshot while the transaction stays open.
    fn backup(&self, out: &std::path::Path, facts: &mut Work<'_>) -> StoreResult<()> {
        let mut connection = self.conn()?;
        let PgConnection { client, statements, .. } = &mut *connection;
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        // Counting every row of a large installation is the data's time, not a stuck server.
        tx.batch_execute("SET LOCAL statement_timeout = 0")?;
        let snapshot: String = tx.query_one("SELECT pg_export_snapshot()", &[])?.get(0);
        facts(&mut PgTx::new(&mut tx, statements))?;
        super::pg_dump::dump(&self.url, &snapshot, out)?;
        tx.commit()?;
        Ok(())
    }

    /// PostgreSQL has no whole-database check to run from a client (`amcheck` is an extension an
    /// operator installs); it is refused rather than reported clean.
    fn integrity_check(&self) -> StoreResult<()> {
        Err(StoreError::Backend("an integrity check is run on SQLite files only".into()))
    }

    /// Runs `work` on a pooled connection, each statement in its own transaction.
    fn read(&self, work: &mut Work<'_>) -> StoreResult<()> {
        let mut connection = self.conn()?;
        let PgConnection { client, statements, .. } = &mut *connection;
        work(&mut PgTx { revive: Some(&self.unpooled), ..PgTx::new(client, statements) })
    }

    /// Runs `work` in one transaction that commits only on success, and returns once the commit is
    /// on disk. The commit itself does not wait for the disk, so that the locks the transaction
    /// holds (an organisation's audit chain above all, which nearly every write takes) pass to the
    /// next writer at once instead of after a flush; the wait comes after, outside every lock (see
    /// [`WAIT_FOR_FLUSH`]), so concurrent writers share their flushes. A crash before the flush
    /// loses only writes not yet acknowledged, and since the log is flushed in order, only the last
    /// of them: an audit chain may lose its newest entries, never one between two kept ones.
    fn write(&self, work: &mut Work<'_>) -> StoreResult<()> {
        self.transaction(work, true)
    }

    /// An asynchronous commit (as every connection's is): its log record is flushed by the next
    /// synchronous commit of any session (the log is flushed in order) or by the WAL writer within
    /// three of its delays.
    fn write_flushed_with_next(&self, work: &mut Work<'_>) -> StoreResult<()> {
        self.transaction(work, false)
    }

    /// Statement by statement, placing new tables on Citus (see `pg_migrate`).
    fn apply_migration(&self, tx: &mut dyn Tx, label: &str, sql: &str) -> StoreResult<()> {
        let citus = super::pg_migrate::citus_present(tx)?;
        super::pg_migrate::run(tx, label, sql, citus)
    }

    fn migrations_table_count(&self) -> &'static str {
        "SELECT COUNT(*) FROM pg_class WHERE oid = to_regclass('amparo_migrations')"
    }

    /// Migrations run as the schema's owner: the login, out of the application's role.
    fn migration_role(&self) -> Option<&'static str> {
        Some(super::pg_roles::LEAVE_APPLICATION_ROLE)
    }

    /// The application's role gets its privileges on every table, the new ones included.
    fn after_migrations(&self, tx: &mut dyn Tx) -> StoreResult<()> {
        super::pg_roles::grant_application_role(tx).map(|_| ())
    }

    /// Rows held as a case's writer holds it (`RowLock::Case`), so that a writer's derivation never
    /// interleaves with this one's; rows a writer holds now are left to it (it derives them itself).
    fn claim_rows(&self) -> &'static str {
        " FOR NO KEY UPDATE SKIP LOCKED"
    }

    fn share_rows(&self) -> &'static str {
        " FOR SHARE"
    }

    fn row_lock(&self, lock: RowLock) -> Option<&'static str> {
        Some(match lock {
            // Two keys: a space apart from the one-key locks (the chains', the installation's).
            RowLock::Policy => "SELECT pg_advisory_xact_lock(1, hashtext($1))",
            // The policy's lock shared first (the select list is computed before the row is
            // locked), in the same round trip. `NO KEY UPDATE` is what an update of the case's
            // columns takes anyway; unlike `UPDATE` it lets rows that refer to the case be inserted
            // meanwhile (a foreign key's check only shares the key).
            RowLock::Case => {
                "SELECT pg_advisory_xact_lock_shared(1, hashtext($1)), version FROM cases \
                 WHERE org_id = $1 AND id = $2 FOR NO KEY UPDATE"
            }
            RowLock::Task => "SELECT 1 FROM tasks WHERE org_id = $1 AND id = $2 FOR UPDATE",
            RowLock::AuditChain => concat!("SELECT ", audit_chain_lock!()),
        })
    }

    /// As [`RowLock::Case`]'s statement, with the case's columns first: the policy's lock shared
    /// (as text, which the rows read) and the row locked; a row lock returns the row's newest
    /// committed version.
    fn locked_case_select(&self, columns: &str) -> Option<String> {
        Some(format!(
            "SELECT {columns}, length(pg_advisory_xact_lock_shared(1, hashtext($1))::text) FROM cases \
             WHERE org_id = $1 AND id = $2 FOR NO KEY UPDATE"
        ))
    }

    /// The chain's lock in a materialised `WITH` and the anchor's row locked as it is read: a row
    /// lock returns the row's newest committed version, so the anchor read is the one the last
    /// holder of the chain's lock committed, even though the statement's snapshot was taken before
    /// the lock was granted. Nobody else waits for the anchor's row while holding the chain's lock
    /// (every writer of an anchor holds it first), so locking the row adds no new wait.
    fn locked_audit_anchor(&self) -> Option<&'static str> {
        Some(concat!(
            "WITH chain_lock AS MATERIALIZED (SELECT ",
            audit_chain_lock!(),
            ") SELECT a.org_id, a.seq, a.hash, a.keyed_from, a.key_id, a.mac \
             FROM chain_lock, audit_anchors a WHERE a.org_id = $1 FOR UPDATE OF a"
        ))
    }

    fn writes_in_one_statement(&self) -> bool {
        true
    }

    fn installation_lock(&self) -> Option<&'static str> {
        Some(INSTALLATION_LOCK)
    }

    fn after_bulk_import(&self, imported: usize) -> StoreResult<()> {
        if imported < VACUUM_AFTER_IMPORT {
            return Ok(());
        }
        // `VACUUM` runs outside any transaction, and only a table's owner may run it: on a
        // connection of its own, never returned to the pool, that works as the login (the owner,
        // where it logs in as one; the application's role would be skipped with a warning, and
        // autovacuum would do it later) and runs nothing else. Vacuumed first, then analysed: as
        // one `VACUUM (ANALYZE)` of the 50,000-case demo's tables, only the first two were marked
        // visible (each table's analysis seemed to hold the next one's vacuum back).
        let mut connection = r2d2::ManageConnection::connect(&self.unpooled)?;
        connection.client.batch_execute("SET ROLE NONE; SET statement_timeout = 0")?;
        let tables = IMPORTED_TABLES.join(", ");
        connection.client.batch_execute(&format!("VACUUM {tables}"))?;
        connection.client.batch_execute(&format!("ANALYZE {tables}"))?;
        Ok(())
    }

    /// A migration or an import may build an index over every row: its time is the data's, not a
    /// sign of a stuck server, so the session's statement timeout does not apply to it.
    fn lift_statement_timeout(&self) -> Option<&'static str> {
        Some("SET LOCAL statement_timeout = 0")
    }
}

impl From<postgres::Error> for DbFailure {
    fn from(error: postgres::Error) -> Self {
        use postgres::error::SqlState;
        match error.as_db_error().map(|db| db.code()) {
            Some(code) if *code == SqlState::UNIQUE_VIOLATION => DbFailure::UniqueViolation,
            Some(code) if *code == SqlState::FOREIGN_KEY_VIOLATION => DbFailure::ForeignKeyViolation,
            _ => DbFailure::Other(error.into()),
        }
    }
}

/// Prepared statements of one PostgreSQL connection, by SQL text. Preparing costs a round trip, so
/// each statement is prepared once per connection (prepared statements outlive transactions).
#[derive(Default)]
struct PgStatements(std::collections::HashMap<String, postgres::Statement>);

/// PostgreSQL: anything that runs queries (a client or a transaction), with its connection's
/// statement cache.
struct PgTx<'a, C: Session> {
    client: &'a mut C,
    statements: &'a mut PgStatements,
    /// A read's way to a new connection, for when the server closed the pooled one before it
    /// answered anything ([`RECENTLY_RETURNED`]); `None` in a transaction, which cannot move.
    revive: Option<&'a Manager>,
    /// Whether the server has answered a statement here.
    answered: bool,
}

/// What a `PgTx` runs statements on: a connection (a read), which a new one may replace, or a
/// transaction, which nothing may.
trait Session: postgres::GenericClient {
    /// Whether it is a connection the server has closed.
    fn closed(&self) -> bool;

    /// Puts `fresh` in this one's place; false when it cannot be.
    fn replace_with(&mut self, fresh: Client) -> bool;
}

impl Session for Client {
    fn closed(&self) -> bool {
        self.is_closed()
    }

    fn replace_with(&mut self, fresh: Client) -> bool {
        *self = fresh;
        true
    }
}

impl Session for postgres::Transaction<'_> {
    /// A transaction is never moved to another connection, whatever became of its own.
    fn closed(&self) -> bool {
        false
    }

    fn replace_with(&mut self, _fresh: Client) -> bool {
        false
    }
}

impl<'a, C: Session> PgTx<'a, C> {
    fn new(client: &'a mut C, statements: &'a mut PgStatements) -> Self {
        PgTx { client, statements, revive: None, answered: false }
    }

    fn statement(&mut self, sql: &str) -> DbResult<postgres::Statement> {
        if let Some(statement) = self.statements.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Runs `sql` through `run`; when the connection turns out closed before the server answered
    /// anything on it, and it may be replaced, once more on a new one. Nothing had happened on the
    /// closed one, so nothing happens twice.
    fn answer<T>(
        &mut self,
        sql: &str,
        run: &dyn Fn(&mut C, &postgres::Statement) -> Result<T, postgres::Error>,
    ) -> DbResult<T> {
        let once = |tx: &mut Self| -> DbResult<T> {
            let statement = tx.statement(sql)?;
            Ok(run(tx.client, &statement)?)
        };
        let result = match once(self) {
            Err(failure) if !self.answered && self.client.closed() => match self.revive.take() {
                Some(manager) => {
                    tracing::info!("a pooled PostgreSQL connection was closed; the read takes a new one");
                    let fresh = r2d2::ManageConnection::connect(manager)?;
                    if !self.client.replace_with(fresh.client) {
                        return Err(failure);
                    }
                    self.statements.0.clear();
                    once(self)
                }
                None => Err(failure),
            },
            other => other,
        };
        self.answered |= result.is_ok();
        result
    }
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match self {
            Value::Null => Ok(postgres::types::IsNull::Yes),
            Value::Int(number) => match *ty {
                Type::INT4 => i32::try_from(*number)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*number)?.to_sql(ty, out),
                _ => number.to_sql(ty, out),
            },
            Value::Text(text) => text.as_str().to_sql(ty, out),
            Value::Shared(text) => {
                let text: &str = text;
                text.to_sql(ty, out)
            }
        }
    }

    fn accepts(_ty: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn pg_value(row: &postgres::Row, index: usize) -> StoreResult<Value> {
    use postgres::types::Type;
    let ty = row.columns()[index].type_().clone();
    Ok(match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map_or(Value::Null, Value::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(index)?.map_or(Value::Null, |n| Value::Int(n.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(index)?.map_or(Value::Null, |n| Value::Int(n.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(index)?.map_or(Value::Null, |b| Value::Int(b.into())),
        _ => row.try_get::<_, Option<String>>(index)?.map_or(Value::Null, Value::Text),
    })
}

impl<C: Session> Tx for PgTx<'_, C> {
    fn execute_batch(&mut self, sql: &str) -> DbResult<()> {
        self.client.batch_execute(sql)?;
        self.answered = true;
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64> {
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        self.answer(sql, &|client, statement| client.execute(statement, &refs))
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let rows = self.answer(sql, &|client, statement| client.query(statement, &refs))?;
        Ok(rows
            .iter()
            .map(|row| (0..row.len()).map(|i| pg_value(row, i)).collect::<StoreResult<Vec<_>>>().map(Row))
            .collect::<StoreResult<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::db::Engine;
    use crate::db::options::DatabaseOptions;

    /// A write commits without holding its locks through the flush, and is on disk all the same
    /// when it returns: the log is flushed past everything the transaction wrote.
    #[test]
    fn a_write_commits_without_waiting_and_returns_once_flushed() {
        let Some(url) = crate::testing::postgres_url() else { return };
        let engine = super::PgEngine::open(&url, &DatabaseOptions::default()).unwrap();
        let (mut during, mut written_up_to) = (String::new(), String::new());
        engine
            .write(&mut |tx| {
                during = tx.query("SHOW synchronous_commit", &[])?[0].text(0)?;
                // An xid and a log record of the transaction's own, as any real write has.
                tx.query("SELECT pg_logical_emit_message(true, 'amparo-test', 'x')::text", &[])?;
                written_up_to = tx.query("SELECT pg_current_wal_insert_lsn()::text", &[])?[0].text(0)?;
                Ok(())
            })
            .unwrap();
        let mut flushed = false;
        engine
            .read(&mut |tx| {
                let query = "SELECT pg_current_wal_flush_lsn() >= $1::text::pg_lsn";
                flushed = tx.query(query, &[written_up_to.as_str().into()])?[0].int(0)? == 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(during, "off", "the commit does not hold the transaction's locks through a flush");
        assert!(flushed, "the write returned before its log records were on disk");
    }

    /// The process serving the engine's one pooled connection.
    fn backend_pid(engine: &super::PgEngine) -> i64 {
        let mut pid = 0;
        engine
            .read(&mut |tx| {
                pid = tx.query_int("SELECT pg_backend_pid()", &[])?;
                Ok(())
            })
            .unwrap();
        pid
    }

    /// Ends a server process from outside the engine (as a restart or an administrator would), and
    /// waits until it is gone.
    fn terminate(url: &str, pid: i64) {
        let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let pid = i32::try_from(pid).unwrap();
        admin.execute("SELECT pg_terminate_backend($1)", &[&pid]).unwrap();
        for _ in 0..200 {
            let gone = "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)";
            if admin.query_one(gone, &[&pid]).unwrap().get::<_, bool>(0) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("server process {pid} did not end");
    }

    /// A connection back in the pool a moment ago is handed out again unchecked; when its server
    /// process has gone meanwhile, the read or write that gets it runs on a new connection instead
    /// of failing, and nothing is done twice.
    #[test]
    fn a_pooled_connection_closed_by_the_server_is_replaced_without_failing() {
        let Some(url) = crate::testing::postgres_url() else { return };
        let options = DatabaseOptions { pool_size: 1, ..DatabaseOptions::default() };
        let engine = super::PgEngine::open(&url, &options).unwrap();
        let first = backend_pid(&engine);
        terminate(&url, first);
        let second = backend_pid(&engine);
        assert_ne!(first, second, "the read ran on a new connection");

        terminate(&url, second);
        let mut runs = 0;
        let mut writer = 0;
        engine
            .write(&mut |tx| {
                runs += 1;
                writer = tx.query_int("SELECT pg_backend_pid()", &[])?;
                Ok(())
            })
            .unwrap();
        assert_eq!(runs, 1, "the write's work ran once, on the connection whose BEGIN answered");
        assert!(writer != second && writer != 0, "the write ran on a new connection");

        // Closed after its transaction began: the write fails, and is not run again.
        let mut runs = 0;
        let failed = engine.write(&mut |tx| {
            runs += 1;
            terminate(&url, tx.query_int("SELECT pg_backend_pid()", &[])?);
            tx.query_int("SELECT 1", &[])?;
            Ok(())
        });
        assert!(failed.is_err(), "a write cut off midway reports it");
        assert_eq!(runs, 1, "a write cut off midway is not run again");
        assert_ne!(backend_pid(&engine), writer, "the closed connection left the pool");
    }
}
