//! The two migration trees build the same schema: after every migration, SQLite and PostgreSQL have
//! the same tables, the same columns in each and the same named indexes. Column types may differ
//! per dialect; names may not.

use std::collections::BTreeSet;

use amparo_store::testing::TestDatabase;

/// A schema as names only: tables, `table.column`, and `table: index` for explicitly created indexes.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    tables: BTreeSet<String>,
    columns: BTreeSet<String>,
    indexes: BTreeSet<String>,
}

fn sqlite_shape(db: &TestDatabase) -> Shape {
    let conn = rusqlite::Connection::open(db.sqlite_path().unwrap()).unwrap();
    let strings = |sql: &str| -> Vec<(String, String)> {
        let mut statement = conn.prepare(sql).unwrap();
        let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    let tables: BTreeSet<String> =
        strings("SELECT name, name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
    let columns = strings(
        "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
    .into_iter()
    .map(|(table, column)| format!("{table}.{column}"))
    .collect();
    // Indexes SQLite makes for PRIMARY KEY and UNIQUE constraints are `sqlite_autoindex_*` and have
    // no SQL; PostgreSQL's counterparts are left out on its side the same way.
    let indexes =
        strings("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .into_iter()
            .map(|(table, index)| format!("{table}: {index}"))
            .collect();
    Shape { tables, columns, indexes }
}

fn postgres_shape(db: &TestDatabase) -> Shape {
    let (base, schema) = db.postgres_schema().unwrap();
    let mut client = postgres::Client::connect(base, postgres::NoTls).unwrap();
    let mut pairs = |sql: &str| -> Vec<(String, String)> {
        client.query(sql, &[&schema]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect()
    };
    let tables = pairs(
        "SELECT table_name::TEXT, table_type::TEXT FROM information_schema.tables \
         WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
    )
    .into_iter()
    .map(|(name, _)| name)
    .collect();
    let columns = pairs(
        "SELECT c.table_name::TEXT, c.column_name::TEXT FROM information_schema.columns c \
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'",
    )
    .into_iter()
    .map(|(table, column)| format!("{table}.{column}"))
    .collect();
    // Indexes behind PRIMARY KEY and UNIQUE constraints carry the constraint's name.
    let indexes = pairs(
        "SELECT i.tablename::TEXT, i.indexname::TEXT FROM pg_indexes i WHERE i.schemaname = $1 \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace \
                         WHERE n.nspname = i.schemaname AND k.conname = i.indexname)",
    )
    .into_iter()
    .map(|(table, index)| format!("{table}: {index}"))
    .collect();
    Shape { tables, columns, indexes }
}

/// Names on one side only, for a readable failure.
fn differences(what: &str, sqlite: &BTreeSet<String>, postgres: &BTreeSet<String>) -> Vec<String> {
    let only = |a: &BTreeSet<String>, b: &BTreeSet<String>, side: &str| {
        a.difference(b).map(|name| format!("{what} only on {side}: {name}")).collect::<Vec<_>>()
    };
    [only(sqlite, postgres, "SQLite"), only(postgres, sqlite, "PostgreSQL")].concat()
}

#[test]
fn both_migration_trees_build_the_same_tables_columns_and_indexes() {
    let Some(postgres) = TestDatabase::postgres() else {
        eprintln!("PostgreSQL test skipped: set {}", amparo_store::testing::POSTGRES_URL_VAR);
        return;
    };
    let sqlite = TestDatabase::sqlite();
    let (lite, pg) = (sqlite_shape(&sqlite), postgres_shape(&postgres));
    assert!(lite.tables.contains("cases") && lite.indexes.len() > 5, "the SQLite schema was read: {lite:?}");
    let drift = [
        differences("table", &lite.tables, &pg.tables),
        differences("column", &lite.columns, &pg.columns),
        differences("index", &lite.indexes, &pg.indexes),
    ]
    .concat();
    assert!(drift.is_empty(), "the migration trees drifted apart:\n{}", drift.join("\n"));
}
