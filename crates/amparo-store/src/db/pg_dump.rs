//! PostgreSQL's own tools for backups: `pg_dump` writes a custom-format archive of the snapshot a
//! backup's transaction exported (so the archive and the manifest read in that transaction describe
//! the same moment), and `pg_restore` puts one into an empty database or schema in one transaction.
//! Both are found on `PATH`; the password never appears on their command line (`PGPASSWORD`).

use std::path::Path;
use std::process::{Command, Output};

use crate::db::Engine;
use crate::db::options::DatabaseOptions;
use crate::db::postgres::PgEngine;
use crate::error::{StoreError, StoreResult};

/// The schema a URL's `options=-c search_path=…` names first, if it names one: a backup then holds
/// that schema only, and is restored into a URL naming the same schema.
pub fn schema_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let options = parsed.query_pairs().find(|(key, _)| key == "options")?.1.into_owned();
    let after = options.split("search_path=").nth(1)?;
    let schema = after.split([',', ' ']).next()?.trim_matches('"');
    (!schema.is_empty()).then(|| schema.to_owned())
}

/// The URL without its password, and the password, for a child program's environment.
fn without_password(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let password = parsed.password().map(|p| {
                url::form_urlencoded::parse(format!("p={p}").as_bytes())
                    .next()
                    .map_or_else(|| p.to_owned(), |(_, v)| v.into_owned())
            });
            let _ = parsed.set_password(None);
            (parsed.to_string(), password)
        }
        _ => (url.to_owned(), None),
    }
}

/// Runs one of PostgreSQL's client programs against `url`; a missing program is named.
fn run(program: &str, url: &str, args: &[&std::ffi::OsStr]) -> StoreResult<Output> {
    let (url, password) = without_password(url);
    let mut command = Command::new(program);
    command.args(args).arg(format!("--dbname={url}")).arg("--no-password");
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::Backend(format!(
            "{program} was not found on PATH: install PostgreSQL's client programs (on Debian, the \
             postgresql-client package) of the server's major version or newer"
        )),
        _ => StoreError::Backend(format!("cannot run {program}: {e}")),
    })?;
    if output.status.success() {
        Ok(output)
    } else {
        let said = String::from_utf8_lossy(&output.stderr);
        Err(StoreError::Backend(format!("{program} failed ({}): {}", output.status, said.trim())))
    }
}

/// Writes the snapshot `snapshot` (exported by a transaction still open) to `out` in custom format.
pub fn dump(url: &str, snapshot: &str, out: &Path) -> StoreResult<()> {
    let snapshot = format!("--snapshot={snapshot}");
    let file = format!("--file={}", out.display());
    let mut args: Vec<std::ffi::OsString> =
        vec!["--format=custom".into(), "--no-owner".into(), snapshot.into(), file.into()];
    if let Some(schema) = schema_of(url) {
        args.push(format!("--schema={schema}").into());
    }
    let args: Vec<&std::ffi::OsStr> = args.iter().map(AsRef::as_ref).collect();
    run("pg_dump", url, &args).map(|_| ())
}

const TABLES_IN_PATH: &str = "SELECT COUNT(*) FROM pg_tables WHERE schemaname = ANY (current_schemas(false))";
const SCHEMA_EXISTS: &str = "SELECT COUNT(*) FROM pg_namespace WHERE nspname = $1";

/// Restores the archive `archive`, a dump of `schema` (or of the whole database), into the empty
/// database or schema `url` names, in one transaction.
pub fn restore(url: &str, archive: &Path, schema: Option<&str>) -> StoreResult<()> {
    let target = schema_of(url);
    if target.as_deref() != schema {
        let named =
            |s: Option<&str>| s.map_or("the database's default schema".to_owned(), |s| format!("schema {s}"));
        return Err(StoreError::Invalid(format!(
            "this backup holds {}, but the target URL names {}: restore it into a URL whose \
             options=-c search_path names the same (and rename the schema afterwards if needed)",
            named(schema),
            named(target.as_deref())
        )));
    }
    let options = DatabaseOptions::default();
    let engine = PgEngine::open(url, &options)?;
    let mut tables = 0;
    let mut schema_exists = false;
    engine.read(&mut |tx| {
        tables = tx.query_int(TABLES_IN_PATH, &[])?;
        if let Some(schema) = schema {
            schema_exists = tx.query_int(SCHEMA_EXISTS, &[schema.into()])? > 0;
        }
        Ok(())
    })?;
    drop(engine);
    if tables > 0 {
        return Err(StoreError::Invalid(format!(
            "the target database is not empty ({tables} tables): a backup is restored only into an \
             empty database or schema"
        )));
    }
    let mut args: Vec<std::ffi::OsString> = vec![
        "--exit-on-error".into(),
        "--single-transaction".into(),
        "--no-owner".into(),
        "--no-privileges".into(),
    ];
    // The archive creates its schema; one that exists already (empty, as checked) is kept.
    let list = tempfile::NamedTempFile::new()
        .map_err(|e| StoreError::Backend(format!("cannot create a temporary file: {e}")))?;
    if schema_exists {
        let listed = run("pg_restore", url, &["--list".as_ref(), archive.as_os_str()])?;
        let kept: String = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .filter(|line| !line.contains(" SCHEMA - "))
            .map(|line| format!("{line}\n"))
            .collect();
        std::fs::write(list.path(), kept)
            .map_err(|e| StoreError::Backend(format!("cannot write {}: {e}", list.path().display())))?;
        args.push(format!("--use-list={}", list.path().display()).into());
    }
    args.push(archive.as_os_str().to_owned());
    let args: Vec<&std::ffi::OsStr> = args.iter().map(AsRef::as_ref).collect();
    run("pg_restore", url, &args).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_is_read_from_the_options() {
        assert_eq!(
            schema_of("postgres://u@h/db?options=-c%20search_path%3Dtenant_a").as_deref(),
            Some("tenant_a")
        );
        assert_eq!(schema_of("postgres://u@h/db?sslmode=require"), None);
        assert_eq!(schema_of("postgres://u@h/db"), None);
    }

    #[test]
    fn the_password_leaves_the_url() {
        let (url, password) = without_password("postgres://amparo:s%40cret@db.example/amparo");
        assert_eq!(url, "postgres://amparo@db.example/amparo");
        assert_eq!(password.as_deref(), Some("s@cret"));
    }
}
