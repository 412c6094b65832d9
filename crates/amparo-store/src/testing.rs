//! Throwaway databases for tests: a SQLite file in a temporary folder, or a fresh PostgreSQL schema
//! that is dropped afterwards. PostgreSQL tests read `AMPARO_TEST_POSTGRES_URL`; without it they are
//! skipped outside CI and fail under `CI=true`, where an untested backend must not pass unnoticed.
#![allow(clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use crate::{Store, open};

pub const POSTGRES_URL_VAR: &str = "AMPARO_TEST_POSTGRES_URL";

/// One database that exists for the life of a test.
pub struct TestDatabase {
    /// The URL another process (the `amparo` binary) can be pointed at.
    pub url: String,
    store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDatabase {
    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = dir.path().join("amparo.db").to_string_lossy().into_owned();
        let store = open(&url).expect("open SQLite");
        TestDatabase { url, store, _dir: Some(dir), pg_schema: None }
    }

    /// A fresh schema on the test PostgreSQL, or `None` when PostgreSQL tests are skipped here.
    pub fn postgres() -> Option<TestDatabase> {
        let base = postgres_url()?;
        let schema = format!("amparo_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = postgres::Client::connect(&base, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {base}: {e}"));
        admin.batch_execute(&format!("CREATE SCHEMA {schema}")).expect("create schema");
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        let store = open(&url).expect("open PostgreSQL");
        Some(TestDatabase { url, store, _dir: None, pg_schema: Some((base, schema)) })
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// The SQLite file's path, for tests that inspect the file itself.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self._dir.as_ref().map(|d| d.path().join("amparo.db"))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_schema
            && let Ok(mut admin) = postgres::Client::connect(base, postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

/// The PostgreSQL URL for tests, `None` to skip them (never under CI).
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but {POSTGRES_URL_VAR} is not set: the PostgreSQL backend would go untested")
        }
        _ => None,
    }
}

/// Runs each named test function (`fn name(db: &TestDatabase)`) twice: in `mod sqlite` on a fresh
/// SQLite file and in `mod postgres` on a fresh PostgreSQL schema (skipped, visibly, where PostgreSQL
/// tests are off; see [`postgres_url`]).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(&$crate::testing::TestDatabase::sqlite());
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                match $crate::testing::TestDatabase::postgres() {
                    Some(db) => super::$name(&db),
                    None => eprintln!("PostgreSQL test skipped: set {}", $crate::testing::POSTGRES_URL_VAR),
                }
            })*
        }
    };
}
