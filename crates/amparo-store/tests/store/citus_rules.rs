//! The schema stays distributable by organisation (the rules Citus enforces), checked against the
//! live PostgreSQL catalogue of a freshly migrated schema: every table is declared a tenant table or
//! a reference table; tenant tables lead their primary key and every unique index with `org_id`
//! and join each other on it; no table has a trigger; every migration applies statement by
//! statement; and the application's role may not rewrite the append-only tables.

use std::collections::BTreeSet;

use amparo_domain::org::UserRole;
use amparo_store::distribution::{APPEND_ONLY_TABLES, REFERENCE_TABLES, TENANT_TABLES};
use amparo_store::testing::{POSTGRES_URL_VAR, TestDatabase, postgres_url};
use amparo_store::{APPLICATION_ROLE, POSTGRES_MIGRATIONS, statements};

use crate::support::now;

/// A migrated schema and an owner's connection to its database, or `None` where PostgreSQL tests
/// are skipped.
fn catalogue() -> Option<(TestDatabase, postgres::Client, String)> {
    let Some(db) = TestDatabase::postgres() else {
        eprintln!("PostgreSQL test skipped: set {POSTGRES_URL_VAR}");
        return None;
    };
    let (base, schema) = db.postgres_schema().unwrap();
    let (base, schema) = (base.to_owned(), schema.to_owned());
    let client = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    Some((db, client, schema))
}

fn strings(client: &mut postgres::Client, sql: &str, schema: &str) -> Vec<Vec<String>> {
    client
        .query(sql, &[&schema])
        .unwrap()
        .iter()
        .map(|row| (0..row.len()).map(|i| row.get::<_, Option<String>>(i).unwrap_or_default()).collect())
        .collect()
}

fn is_tenant(table: &str) -> bool {
    TENANT_TABLES.contains(&table)
}

#[test]
fn every_table_is_declared_a_tenant_table_or_a_reference_table() {
    let Some((_db, mut client, schema)) = catalogue() else { return };
    let found: BTreeSet<String> = strings(
        &mut client,
        "SELECT c.relname::TEXT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
        &schema,
    )
    .into_iter()
    .map(|row| row[0].clone())
    .collect();
    let declared: BTreeSet<String> =
        REFERENCE_TABLES.iter().chain(TENANT_TABLES).map(|t| (*t).to_owned()).collect();
    let undeclared: Vec<_> = found.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "tables with no placement: declare each in crates/amparo-store/src/db/distribution.rs \
         (TENANT_TABLES, distributed by org_id, or REFERENCE_TABLES): {undeclared:?}"
    );
    let gone: Vec<_> = declared.difference(&found).collect();
    assert!(gone.is_empty(), "declared tables the schema does not have: {gone:?}");
    assert!(REFERENCE_TABLES.len() <= 6, "the reference list stays short: {REFERENCE_TABLES:?}");
}

#[test]
fn tenant_tables_lead_their_keys_and_unique_indexes_with_org_id() {
    let Some((_db, mut client, schema)) = catalogue() else { return };
    let indexes = strings(
        &mut client,
        "SELECT c.relname::TEXT, i.relname::TEXT, a.attname::TEXT \
         FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0] \
         WHERE n.nspname = $1 AND x.indisunique",
        &schema,
    );
    let wrong: Vec<String> = indexes
        .iter()
        .filter(|row| is_tenant(&row[0]) && row[2] != "org_id")
        .map(|row| format!("{}: {} leads with {:?}", row[0], row[1], row[2]))
        .collect();
    assert!(wrong.is_empty(), "unique keys of tenant tables must lead with org_id:\n{}", wrong.join("\n"));
    let columns = strings(
        &mut client,
        "SELECT table_name::TEXT FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'org_id' \
         AND is_nullable = 'NO'",
        &schema,
    );
    let with_org: BTreeSet<&str> = columns.iter().map(|row| row[0].as_str()).collect();
    let missing: Vec<_> = TENANT_TABLES.iter().filter(|t| !with_org.contains(*t)).collect();
    assert!(missing.is_empty(), "tenant tables without a NOT NULL org_id: {missing:?}");
}

#[test]
fn foreign_keys_join_tenant_tables_on_org_id_and_reference_tables_point_at_no_tenant_table() {
    let Some((_db, mut client, schema)) = catalogue() else { return };
    let keys = strings(
        &mut client,
        "SELECT c.relname::TEXT, f.relname::TEXT, \
                (SELECT attname::TEXT FROM pg_attribute WHERE attrelid = k.conrelid AND attnum = k.conkey[1]), \
                (SELECT attname::TEXT FROM pg_attribute WHERE attrelid = k.confrelid AND attnum = k.confkey[1]), \
                k.conname::TEXT \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND k.contype = 'f'",
        &schema,
    );
    assert!(!keys.is_empty(), "the schema's foreign keys were read");
    let wrong: Vec<String> = keys
        .iter()
        .filter(|row| {
            let (from, to) = (is_tenant(&row[0]), is_tenant(&row[1]));
            // A reference table pointing at a tenant table, or two tenant tables not joined on org_id.
            to && (!from || row[2] != "org_id" || row[3] != "org_id")
        })
        .map(|row| format!("{} ({}) -> {}", row[0], row[4], row[1]))
        .collect();
    assert!(wrong.is_empty(), "foreign keys a distributed schema cannot keep:\n{}", wrong.join("\n"));
}

#[test]
fn no_table_has_a_trigger() {
    let Some((_db, mut client, schema)) = catalogue() else { return };
    let triggers = strings(
        &mut client,
        "SELECT c.relname::TEXT, t.tgname::TEXT FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal",
        &schema,
    );
    assert!(triggers.is_empty(), "Citus refuses triggers on distributed tables: {triggers:?}");
}

#[test]
fn the_application_role_may_append_to_the_history_but_never_rewrite_it() {
    let Some((db, mut client, schema)) = catalogue() else { return };
    for (table, sealed_column) in APPEND_ONLY_TABLES {
        let qualified = format!("{schema}.{table}");
        let may = |client: &mut postgres::Client, privilege: &str| -> bool {
            client
                .query_one(
                    "SELECT has_table_privilege($1, $2, $3)",
                    &[&APPLICATION_ROLE, &qualified, &privilege],
                )
                .unwrap()
                .get(0)
        };
        assert!(may(&mut client, "SELECT") && may(&mut client, "INSERT"), "{table}: the application appends");
        for privilege in ["UPDATE", "DELETE", "TRUNCATE"] {
            assert!(!may(&mut client, privilege), "{table}: the application may {privilege}");
        }
        if let Some(column) = sealed_column {
            let reseals: bool = client
                .query_one(
                    "SELECT has_column_privilege($1, $2, $3, 'UPDATE')",
                    &[&APPLICATION_ROLE, &qualified, column],
                )
                .unwrap()
                .get(0);
            assert!(reseals, "{table}.{column}: re-encrypted after a key rotation");
        }
    }
    // And through a connection of the application's, on an organisation with an audit trail.
    let store = db.store();
    let org = crate::support::org(&store, "rules");
    let ana =
        store.create_user(&org, &crate::support::new_user("ana@rules.example", UserRole::Attorney), now());
    store.sign_out_everywhere(&org, &ana.unwrap().id, now()).unwrap();
    let mut app = db.application_client().unwrap();
    let role: String = app.query_one("SELECT current_user::TEXT", &[]).unwrap().get(0);
    assert_eq!(role, APPLICATION_ROLE);
    let scope = format!("WHERE org_id = '{org}'");
    let entries: i64 = app.query_one(&format!("SELECT COUNT(*) FROM audit_log {scope}"), &[]).unwrap().get(0);
    assert!(entries > 0, "the application reads the trail");
    for sql in
        [format!("UPDATE audit_log SET detail = '{{}}' {scope}"), format!("DELETE FROM audit_log {scope}")]
    {
        let refused = app.batch_execute(&sql).unwrap_err();
        assert!(format!("{refused:?}").contains("permission denied"), "{sql}: {refused:?}");
    }
}

/// Each piece the splitter cuts is sent through the extended protocol, which takes exactly one
/// statement: a piece holding two would be refused, one cut mid-statement would not parse.
#[test]
fn every_migration_applies_statement_by_statement() {
    let Some(base) = postgres_url() else {
        eprintln!("PostgreSQL test skipped: set {POSTGRES_URL_VAR}");
        return;
    };
    let schema = format!("amparo_split_{}", uuid::Uuid::new_v4().simple());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    admin.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
    let applied = (|| -> Result<usize, String> {
        let mut tx = admin.transaction().map_err(|e| e.to_string())?;
        tx.batch_execute(&format!("SET LOCAL search_path = {schema}")).map_err(|e| e.to_string())?;
        let mut count = 0;
        for migration in POSTGRES_MIGRATIONS {
            let label = format!("{:04}_{}", migration.version, migration.name);
            let pieces = statements::split(migration.sql).map_err(|e| format!("{label}: {e}"))?;
            if pieces.is_empty() {
                return Err(format!("{label}: no statement"));
            }
            for (i, piece) in pieces.iter().enumerate() {
                tx.execute(*piece, &[]).map_err(|e| format!("{label}, statement {}: {e:?}", i + 1))?;
                count += 1;
            }
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(count)
    })();
    let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    let count = applied.unwrap();
    assert!(count > 100, "every file was split into its statements ({count})");
}

/// A server that logs in as a member of the application's role that owns nothing: it starts on the
/// migrated schema without migrating, writes, and cannot leave the role to rewrite history.
#[test]
fn a_server_logging_in_as_the_application_starts_and_writes_but_cannot_rewrite_history() {
    let Some((db, mut owner, schema)) = catalogue() else { return };
    let login = "amparo_app_login";
    owner
        .batch_execute(&format!(
            "DO $$ BEGIN CREATE ROLE {login} LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$; \
             GRANT {APPLICATION_ROLE} TO {login}"
        ))
        .unwrap();
    let mut url = url::Url::parse(&db.url).unwrap();
    url.set_username(login).unwrap();
    let store =
        amparo_store::open(url.as_str(), db.sealer()).expect("the application's login opens the store");
    let org = crate::support::org(&store, "app-login");
    let ana = store.create_user(
        &org,
        &crate::support::new_user("ana@app-login.example", UserRole::Advocate),
        now(),
    );
    store.sign_out_everywhere(&org, &ana.unwrap().id, now()).unwrap();

    let mut app = postgres::Client::connect(url.as_str(), postgres::NoTls).unwrap();
    for sql in [
        format!("RESET ROLE; UPDATE audit_log SET detail = '{{}}' WHERE org_id = '{org}'"),
        format!("RESET ROLE; DELETE FROM audit_log WHERE org_id = '{org}'"),
        "RESET ROLE; DROP TABLE events".to_owned(),
    ] {
        let refused = app.batch_execute(&sql).unwrap_err();
        let message = format!("{refused:?}");
        assert!(
            message.contains("permission denied") || message.contains("must be owner"),
            "{sql}: {message}"
        );
    }
    let kept: i64 = owner
        .query_one(&format!("SELECT COUNT(*) FROM {schema}.audit_log WHERE org_id = $1"), &[&org.as_str()])
        .unwrap()
        .get(0);
    assert!(kept > 0, "the trail is whole");
}
