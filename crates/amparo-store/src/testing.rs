//! Throwaway databases for tests: a SQLite file in a temporary folder, or a fresh PostgreSQL schema
//! that is dropped afterwards. PostgreSQL tests read `AMPARO_TEST_POSTGRES_URL`; without it they are
//! skipped outside CI and fail under `CI=true`, where an untested backend must not pass unnoticed.
#![allow(clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use std::path::{Path, PathBuf};

use crate::{Sealer, Store, open};

pub const POSTGRES_URL_VAR: &str = "AMPARO_TEST_POSTGRES_URL";

/// One database that exists for the life of a test.
pub struct TestDatabase {
    /// The URL another process (the `amparo` binary) can be pointed at.
    pub url: String,
    store: Arc<Store>,
    dir: tempfile::TempDir,
    key_file: PathBuf,
    pg_schema: Option<(String, String)>,
    /// A connection of its own to PostgreSQL for [`TestDatabase::query_text`] and
    /// [`TestDatabase::execute`], made on first use.
    direct: std::sync::Mutex<Option<postgres::Client>>,
}

/// A new key file at `path` (mode 0600) and a sealer reading it.
fn new_key_file(path: &Path) -> Sealer {
    amparo_trust::keyfile::write_new(path).expect("write a key file");
    Sealer::from_file(path).expect("read the key file")
}

impl TestDatabase {
    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = dir.path().join("amparo.db").to_string_lossy().into_owned();
        // Where `amparo` looks for the key of a SQLite file when none is configured.
        let key_file = dir.path().join("amparo.db.key");
        let store = open(&url, new_key_file(&key_file)).expect("open SQLite");
        TestDatabase { url, store, dir, key_file, pg_schema: None, direct: Default::default() }
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
        let dir = tempfile::tempdir().expect("temporary folder");
        let key_file = dir.path().join("amparo.key");
        // PostgreSQL keeps no files of its own: attachments go to a folder of the test's.
        let options = crate::DatabaseOptions {
            attachments_url: Some(dir.path().join("attachments").to_string_lossy().into_owned()),
            ..crate::DatabaseOptions::default()
        };
        let rules = crate::Rules::builtin().expect("built-in rules");
        let store = crate::open_with_options(&url, rules, new_key_file(&key_file), &options)
            .expect("open PostgreSQL");
        Some(TestDatabase {
            url,
            store,
            dir,
            key_file,
            pg_schema: Some((base, schema)),
            direct: Default::default(),
        })
    }

    pub fn store(&self) -> Arc<Store> {
        self.store.clone()
    }

    /// The SQLite file's path, for tests that inspect the file itself.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.pg_schema.is_none().then(|| self.dir.path().join("amparo.db"))
    }

    /// The folder attachments are kept in.
    pub fn attachments_dir(&self) -> PathBuf {
        match self.pg_schema {
            Some(_) => self.dir.path().join("attachments"),
            None => self.dir.path().join("amparo.db.attachments"),
        }
    }

    /// The PostgreSQL server URL and schema of this database, for tests that dump it.
    pub fn postgres_schema(&self) -> Option<(&str, &str)> {
        self.pg_schema.as_ref().map(|(base, schema)| (base.as_str(), schema.as_str()))
    }

    /// Runs SQL on the audit trail as someone with direct access to the database would: on SQLite
    /// its append-only triggers dropped, on PostgreSQL as the schema's owner; Amparo bypassed. For tests that the tampering is detected.
    pub fn tamper_audit_log(&self, statements: &[&str]) {
        match self.sqlite_path() {
            Some(path) => {
                let conn = rusqlite::Connection::open(path).expect("open the SQLite file");
                conn.execute_batch(
                    "DROP TRIGGER IF EXISTS audit_log_append_only_update; \
                     DROP TRIGGER IF EXISTS audit_log_append_only_delete;",
                )
                .expect("drop the triggers");
                for statement in statements {
                    conn.execute_batch(statement).expect("tamper");
                }
            }
            None => {
                // The owner's connection: the application's role may not update or delete the trail.
                let mut client = postgres::Client::connect(&self.url, postgres::NoTls).expect("connect");
                for statement in statements {
                    client.batch_execute(statement).expect("tamper");
                }
            }
        }
    }

    /// A connection to the PostgreSQL schema working as the server's own connections do (in the
    /// application's role, see `db::pg_roles`); `None` on SQLite.
    pub fn application_client(&self) -> Option<postgres::Client> {
        self.pg_schema.as_ref()?;
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).expect("connect");
        client
            .batch_execute(crate::db::pg_roles::ENTER_APPLICATION_ROLE)
            .expect("enter the application's role");
        Some(client)
    }

    /// Every row `sql` selects, each column read as text (write `CAST(x AS TEXT)` for other
    /// types), straight from the database: for tests that compare what two databases store.
    pub fn query_text(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        match self.sqlite_path() {
            Some(path) => {
                let conn = rusqlite::Connection::open(path).expect("open the SQLite file");
                let mut statement = conn.prepare(sql).expect("prepare");
                let width = statement.column_count();
                let rows = statement
                    .query_map([], |row| (0..width).map(|i| row.get::<_, Option<String>>(i)).collect())
                    .expect("query");
                rows.map(|row| row.expect("row")).collect()
            }
            None => {
                let rows = self.direct(|client| client.query(sql, &[]).expect("query"));
                rows.iter()
                    .map(|row| (0..row.len()).map(|i| row.get::<_, Option<String>>(i)).collect())
                    .collect()
            }
        }
    }

    /// Runs `sql` straight on the database, Amparo bypassed.
    pub fn execute(&self, sql: &str) {
        match self.sqlite_path() {
            Some(path) => {
                let conn = rusqlite::Connection::open(path).expect("open the SQLite file");
                conn.execute_batch(sql).expect("execute");
            }
            None => self.direct(|client| client.batch_execute(sql).expect("execute")),
        }
    }

    fn direct<T>(&self, work: impl FnOnce(&mut postgres::Client) -> T) -> T {
        let mut direct = self.direct.lock().expect("the direct connection");
        let client = direct
            .get_or_insert_with(|| postgres::Client::connect(&self.url, postgres::NoTls).expect("connect"));
        work(client)
    }

    /// The key file the database's sensitive fields are encrypted under.
    pub fn key_file(&self) -> &Path {
        &self.key_file
    }

    /// A fresh sealer over the database's key file, for opening the database again.
    pub fn sealer(&self) -> Sealer {
        Sealer::from_file(&self.key_file).expect("read the key file")
    }

    /// What another process (the `amparo` binary) needs in its environment to use the database's key
    /// and attachments: nothing for SQLite, whose key file and attachments folder lie where `amparo`
    /// looks by default; `AMPARO_KEY_FILE` and `AMPARO_ATTACHMENTS_URL` for PostgreSQL, which
    /// requires a configured key and keeps no files of its own.
    pub fn key_env(&self) -> Vec<(&'static str, String)> {
        match self.pg_schema {
            Some(_) => vec![
                ("AMPARO_KEY_FILE", self.key_file.to_string_lossy().into_owned()),
                ("AMPARO_ATTACHMENTS_URL", self.attachments_dir().to_string_lossy().into_owned()),
            ],
            None => Vec::new(),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Its own connection closes first, so that nothing of it stands in the way of the drop.
        drop(self.direct.lock().map(|mut direct| direct.take()));
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

/// A small file system of its own (tmpfs), to fill up as a disk fills. Mounting needs root, which
/// CI and this project's machines have; elsewhere [`TinyDisk::mount`] says so and gives `None`.
/// Unmounted when dropped.
pub struct TinyDisk {
    dir: tempfile::TempDir,
}

impl TinyDisk {
    pub fn mount(bytes: u64) -> Option<TinyDisk> {
        let dir = tempfile::tempdir().expect("temporary folder");
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes},mode=0700"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status();
        if status.is_ok_and(|s| s.success()) {
            Some(TinyDisk { dir })
        } else {
            eprintln!("full-disk test skipped: mounting a small tmpfs needs root");
            None
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a filler file until the disk refuses more; returns its path.
    pub fn fill(&self) -> PathBuf {
        use std::io::Write as _;
        let path = self.dir.path().join(format!("filler-{}", uuid::Uuid::new_v4().simple()));
        let mut file = std::fs::File::create(&path).expect("create the filler");
        let block = vec![0u8; 4096];
        while file.write_all(&block).and_then(|()| file.flush()).is_ok() {}
        let _ = file.sync_all();
        path
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.dir.path()).status();
    }
}
