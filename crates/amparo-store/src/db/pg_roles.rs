//! The application's role on PostgreSQL. The schema belongs to whoever runs the migrations (the
//! migration role, the owner); the server works as `amparo_app`, which may read and write the
//! tables but neither update nor delete the append-only ones (events, audit trail, case history,
//! voids) beyond re-encrypting their one sealed column. Privileges rather than triggers enforce
//! this, since a distributed engine (Citus) refuses triggers on distributed tables.
//!
//! `amparo migrate` makes the role when the owner may make roles (or finds it made by the
//! operator), grants it its privileges on the schema after every run, and each new connection of
//! the server enters it (`SET ROLE`) when the role exists and the login may use it. A server that
//! logs in as `amparo_app` itself (or a login that is only its member) cannot leave it; one that
//! logs in as the owner leaves it only in transactions that run nothing but the store's own fixed
//! statements for an owner's work: a migration, the grants after a restore, and the statistics
//! gathered after a bulk import (only an owner may `VACUUM` or `ANALYZE` a table; that one on a
//! connection of its own, closed after it).

use crate::db::Tx;
use crate::db::distribution::APPEND_ONLY_TABLES;
use crate::error::StoreResult;

/// The role the server's connections work as.
pub const APPLICATION_ROLE: &str = "amparo_app";

/// Run on each new connection: enters the application's role when it exists and the login may
/// use it, else stays the login (an installation from before the role, or a login that may not).
pub const ENTER_APPLICATION_ROLE: &str = "DO $$ BEGIN \
     IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'amparo_app') THEN \
         IF pg_has_role(session_user, 'amparo_app', 'MEMBER') THEN SET ROLE amparo_app; END IF; \
     END IF; \
     END $$";

/// Inside a migration's transaction: works as the login again (the schema's owner) until it ends.
pub const LEAVE_APPLICATION_ROLE: &str = "SET LOCAL ROLE NONE";

/// Makes the role when it is missing and the login may make roles, and lets the login use it; a
/// role made meanwhile by another installation on the same server is taken as it is.
const ENSURE_ROLE: &str = "DO $$ BEGIN \
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'amparo_app') \
        AND (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = session_user) THEN \
         BEGIN CREATE ROLE amparo_app NOLOGIN; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END; \
     END IF; \
     IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'amparo_app') \
        AND NOT pg_has_role(session_user, 'amparo_app', 'MEMBER') THEN \
         EXECUTE format('GRANT amparo_app TO %I', session_user); \
     END IF; \
     END $$";

/// Whether the login owns the schema's tables (the bookkeeping table stands for them).
const LOGIN_OWNS_SCHEMA: &str = "SELECT COUNT(*) FROM pg_tables \
     WHERE schemaname = current_schema() AND tablename = 'amparo_migrations' AND tableowner = session_user";

/// Whether the role exists (made now or before).
const ROLE_EXISTS: &str = "SELECT COUNT(*) FROM pg_roles WHERE rolname = 'amparo_app'";

/// Grants the role its privileges on every table of the current schema.
const GRANT_TABLES: &str = "DO $$ BEGIN \
     EXECUTE format('GRANT USAGE ON SCHEMA %I TO amparo_app', current_schema()); \
     EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO amparo_app', current_schema()); \
     END $$";

/// The application never migrates: it reads which migrations were applied, nothing more.
const KEEP_MIGRATIONS_READ_ONLY: &str = "REVOKE INSERT, UPDATE, DELETE ON amparo_migrations FROM amparo_app";

/// Makes or finds the application's role and grants it what it may do on this schema. Run by
/// every migration, as the owner, after the files are applied. Without the role (a login that may
/// not make roles, on a server where nobody made it) nothing is granted and the server works as
/// its login.
pub fn grant_application_role(tx: &mut dyn Tx) -> StoreResult<bool> {
    if tx.query_int(LOGIN_OWNS_SCHEMA, &[])? == 0 {
        // A login that owns nothing here (the application's own) has nothing to grant.
        return Ok(false);
    }
    tx.execute_batch(ENSURE_ROLE)?;
    if tx.query(ROLE_EXISTS, &[])?.first().map(|row| row.int(0)).transpose()?.unwrap_or(0) == 0 {
        return Ok(false);
    }
    tx.execute_batch(GRANT_TABLES)?;
    tx.execute_batch(KEEP_MIGRATIONS_READ_ONLY)?;
    for (table, sealed_column) in APPEND_ONLY_TABLES {
        // Revoking the table's UPDATE also revokes every column's: the sealed column is granted after.
        tx.execute_batch(&format!("REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM amparo_app"))?;
        if let Some(column) = sealed_column {
            tx.execute_batch(&format!("GRANT UPDATE ({column}) ON {table} TO amparo_app"))?;
        }
    }
    Ok(true)
}
