//! `amparo backup --out FILE`, `amparo backup verify FILE` and `amparo restore --from FILE`: a
//! consistent copy of a live database with its manifest and the sealed objects of the attachments
//! its rows name (see `backup_archive` for the file), the checks that a copy is whole and opens with
//! the key, and putting a copy into an empty place. The attachments' side of each is in
//! `backup_attachments`.

use std::path::{Path, PathBuf};

use amparo_store::backup::{self, BackupFacts};
use amparo_store::seal::Sealer;
use amparo_store::{DatabaseOptions, Store};
use amparo_trust::Secret;
use clap::Subcommand;

use super::backup_archive::{self, Manifest, Unpacked};
use super::backup_attachments;
use super::now;
use super::progress::Stage;
use crate::config::{Settings, redact_url};
use crate::error::{CliError, CliResult};

/// How many values of each sealed column `verify` opens with the key.
const SEALED_SAMPLE: i64 = 25;

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Check a backup: the copy's own structures, every audit chain against the manifest's heads,
    /// the counts against the manifest, and a sample of sealed fields opened with the key file.
    Verify {
        /// The backup file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// PostgreSQL backups: an empty database or schema to restore the copy into for the checks
        /// (left there for inspection; drop it afterwards).
        #[arg(long, value_name = "URL")]
        scratch: Option<String>,
    },
}

/// `amparo backup --out FILE`: writes the backup and says what it holds.
pub fn create(settings: &Settings, url: &str, out: &Path) -> CliResult {
    let store = open_for_backup(settings, url)?;
    let manifest = write_backup(&store, url, out)?;
    say!("backup written to {}", out.display());
    describe(&manifest)?;
    if !manifest.facts.broken_chains.is_empty() {
        return Err(CliError::Failed(format!(
            "the audit trail was already broken when the backup was taken ({}); the copy is kept",
            manifest.facts.broken_chains.join("; ")
        )));
    }
    if !manifest.facts.missing_attachments.is_empty() {
        return Err(CliError::Failed(format!(
            "the stored files of {} attachments were missing when the backup was taken ({}); the copy \
             is kept without them",
            manifest.facts.missing_attachments.len(),
            manifest.facts.missing_attachments.join(", ")
        )));
    }
    Ok(())
}

/// Opens the store for a backup without writing to it: no migration, no adoption of keys or
/// rules. A backup copies the database as it is, and must never wait behind a busy server's writers
/// (a SQLite writer of another process can be kept waiting past its timeout).
fn open_for_backup(settings: &Settings, url: &str) -> CliResult<Store> {
    let failed = |e: amparo_store::StoreError| CliError::Failed(format!("database {}: {e}", redact_url(url)));
    let options = settings.database.options();
    let store = if amparo_store::is_postgres_url(url) {
        Store::open_postgres_with(url, BackupKeys::of(settings).sealer()?, &options).map_err(failed)?
    } else {
        let path = amparo_store::sqlite_path_from_url(url);
        if !path.is_file() {
            return Err(CliError::Invalid(format!("--database: there is no database at {}", path.display())));
        }
        let keys = BackupKeys { database_url: url.to_owned(), ..BackupKeys::of(settings) };
        Store::open_sqlite_with(&path, keys.sealer()?, &options).map_err(failed)?
    };
    // The attachments' objects are read where the server keeps them.
    let store = match amparo_store::attachments::objects_for(
        url,
        options.attachments_url.as_deref(),
        &options.attachments_s3,
    )? {
        Some(objects) => store.with_objects(objects),
        None => store,
    };
    // A key that does not open what is stored would make a backup no one can verify.
    store.open_sealed_sample(1).map_err(failed)?;
    Ok(store)
}

/// Copies the database behind `store` into the new backup file `out`.
pub fn write_backup(store: &Store, url: &str, out: &Path) -> CliResult<Manifest> {
    if out.exists() {
        return Err(CliError::Invalid(format!(
            "--out {}: the file exists; a backup never replaces one",
            out.display()
        )));
    }
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(CliError::Invalid(format!("--out {}: the folder does not exist", out.display())));
    }
    // The copy is made beside the backup, on the same disk, in a folder only this user can read.
    let work = tempfile::Builder::new()
        .prefix(".amparo-backup-")
        .tempdir_in(folder)
        .map_err(|e| CliError::Failed(format!("{}: cannot create a folder: {e}", folder.display())))?;
    let taken_at = now();
    let copy = work.path().join("database");
    let stage = Stage::uncounted("backup", "copying the database");
    let backup::BackupCopy { mut facts, objects } = store
        .backup_to(&copy, taken_at)
        .map_err(|e| CliError::Failed(format!("backup of {} failed: {e}", redact_url(url))))?;
    stage.done();
    facts.pg_schema = backup::postgres_schema_of(url);
    let (present, missing) = backup_attachments::present(store, objects)?;
    facts.missing_attachments = missing;
    let manifest = Manifest::new(facts, taken_at);
    let stage = Stage::counted("backup", "copying the attachments", present.len() as u64);
    let fetch = |object: &amparo_store::attachments::StoredObject| {
        store.stored_object(object).map_err(|e| CliError::Failed(format!("{object}: {e}")))
    };
    let step = || stage.step();
    let sealed = backup_archive::SealedObjects { objects: &present, fetch: &fetch, written: &step };
    backup_archive::write(out, &manifest, &copy, &sealed)?;
    stage.done();
    Ok(manifest)
}

fn describe(manifest: &Manifest) -> CliResult {
    let facts = &manifest.facts;
    say!(
        "  {} database, schema version {}, keys {}",
        facts.backend,
        facts.schema_version,
        facts.key_ids.join(", ")
    );
    for org in &facts.organisations {
        say!("  {}: {}", org.slug, org.summary());
    }
    Ok(())
}

/// Where the keys a backup is opened with come from: the configured key (`AMPARO_KEY`,
/// `AMPARO_KEY_FILE` or `key_file`), else the key file beside the configured SQLite database.
/// Never one made up: a backup whose key is lost cannot be read.
pub struct BackupKeys {
    pub(crate) text: Option<Secret<String>>,
    pub(crate) file: Option<PathBuf>,
    pub(crate) database_url: String,
}

impl BackupKeys {
    pub fn of(settings: &Settings) -> BackupKeys {
        BackupKeys {
            text: settings
                .keys
                .text
                .as_ref()
                .map(|t| t.value.expose())
                .filter(|t| !t.trim().is_empty())
                .map(|t| Secret::new(t.clone())),
            file: settings.keys.file.value.clone(),
            database_url: settings.database_url.value.clone(),
        }
    }

    /// The keys, read afresh (a rotated key file is seen).
    pub fn sealer(&self) -> CliResult<Sealer> {
        if let Some(text) = &self.text {
            return Ok(Sealer::from_text(text.expose())?);
        }
        if let Some(path) = &self.file {
            return Ok(Sealer::from_file(path)?);
        }
        if !amparo_store::is_postgres_url(&self.database_url) {
            let mut beside = amparo_store::sqlite_path_from_url(&self.database_url).into_os_string();
            beside.push(".key");
            let beside = PathBuf::from(beside);
            if beside.is_file() {
                return Ok(Sealer::from_file(&beside)?);
            }
        }
        Err(CliError::Invalid(
            "say which key file opens this backup: AMPARO_KEY_FILE=PATH (or key_file in the \
             configuration); the key is never inside a backup"
                .into(),
        ))
    }
}

pub fn run(command: BackupCommand, settings: &Settings) -> CliResult {
    match command {
        BackupCommand::Verify { file, scratch } => {
            let sealer = BackupKeys::of(settings).sealer()?;
            let unpacked = backup_archive::unpack(&file)?;
            let report = verify_unpacked(&unpacked, sealer, scratch.as_deref())?;
            say!("{}: backup verified", file.display());
            describe(&unpacked.manifest)?;
            say!("  {} sealed values opened with key {}", report.opened, report.key_id);
            say!(
                "  {} attachments present with their sizes, {} of them opened with the key",
                report.attachments.present,
                report.attachments.opened
            );
            Ok(())
        }
    }
}

/// What a successful verification found.
pub struct Verified {
    pub opened: usize,
    pub key_id: String,
    pub attachments: backup_attachments::Checked,
}

fn broken(why: impl std::fmt::Display) -> CliError {
    CliError::Failed(format!("the backup does not verify: {why}"))
}

/// Opens the unpacked copy (SQLite) or restores it into `scratch` (PostgreSQL) and checks it.
pub fn verify_unpacked(unpacked: &Unpacked, sealer: Sealer, scratch: Option<&str>) -> CliResult<Verified> {
    let manifest = &unpacked.manifest;
    let store = match manifest.facts.backend.as_str() {
        "sqlite" => {
            backup::check_sqlite_file(&unpacked.database).map_err(broken)?;
            let options =
                DatabaseOptions { audit_reserve_bytes: 0, pool_size: 1, ..DatabaseOptions::default() };
            Store::open_sqlite_with(&unpacked.database, sealer, &options).map_err(broken)?
        }
        "postgres" => {
            let scratch = scratch.ok_or_else(|| {
                CliError::Invalid(
                    "a PostgreSQL backup is checked by restoring it: say --scratch URL of an empty \
                     database or schema (its search_path naming the backup's schema, if it has one)"
                        .into(),
                )
            })?;
            backup::restore_into(scratch, &unpacked.database, manifest.facts.pg_schema.as_deref())?;
            Store::open_postgres(scratch, sealer).map_err(broken)?
        }
        other => return Err(broken(format!("unknown backend {other:?} in the manifest"))),
    };
    let mut verified = check_store(&store, &manifest.facts)?;
    verified.attachments = backup_attachments::check(&store, unpacked).map_err(broken)?;
    Ok(verified)
}

fn check_store(store: &Store, manifest: &BackupFacts) -> CliResult<Verified> {
    // The key first: under a wrong key every later check would fail for that reason alone.
    let opened = store.open_sealed_sample(SEALED_SAMPLE).map_err(|e| match e {
        e @ (amparo_store::StoreError::WrongKey { .. } | amparo_store::StoreError::Key(_)) => {
            broken(format!("the key file does not open it: {e}"))
        }
        other => broken(other),
    })?;
    let reports = match &manifest.audit {
        Some(checkpoint) => store.verify_audit_against(checkpoint).map_err(|e| match e {
            amparo_store::StoreError::Invalid(why) => broken(format!("the manifest's audit heads: {why}")),
            other => broken(other),
        })?,
        None => store.verify_audit().map_err(broken)?,
    };
    let breaks: Vec<String> = reports
        .iter()
        .filter_map(|r| {
            let chain = if r.chain.is_empty() { "installation" } else { r.chain.as_str() };
            r.outcome.as_ref().err().map(|why| format!("audit chain {chain}: {why}"))
        })
        .collect();
    if !breaks.is_empty() {
        return Err(broken(breaks.join("; ")));
    }
    let copy = store.backup_facts(now()).map_err(broken)?;
    let differences = manifest.differences(&copy);
    if !differences.is_empty() {
        return Err(broken(differences.join("; ")));
    }
    Ok(Verified { opened, key_id: store.current_key_id(), attachments: Default::default() })
}

/// `amparo restore --from FILE --database URL`: the attachments' objects into the target's object
/// store (`attachments_url`, else beside a SQLite file), then the database; when the database cannot
/// be written, the objects written are removed again.
pub fn restore(from: &Path, url: &str, options: &DatabaseOptions) -> CliResult {
    let unpacking = Stage::uncounted("restore", "unpacking the archive");
    let unpacked = backup_archive::unpack(from)?;
    let facts = &unpacked.manifest.facts;
    let target_is_postgres = amparo_store::is_postgres_url(url);
    if target_is_postgres != (facts.backend == "postgres") {
        return Err(CliError::Invalid(format!(
            "{} holds a {} database; --database {} is not one",
            from.display(),
            facts.backend,
            redact_url(url)
        )));
    }
    let written = match backup_attachments::target(&unpacked, url, options)? {
        Some(objects) => {
            unpacking.done();
            backup_attachments::write(&unpacked, objects)?
        }
        // Nothing more to say of the unpacking: a refusal of the database is then the only line.
        None => {
            drop(unpacking);
            backup_attachments::Written::none()
        }
    };
    let stage = Stage::uncounted("restore", "writing the database");
    if let Err(error) = backup::restore_into(url, &unpacked.database, facts.pg_schema.as_deref()) {
        written.remove();
        return Err(error.into());
    }
    stage.done();
    say!("restored {} into {}", from.display(), redact_url(url));
    if let Some(place) = written.place() {
        say!("  {} attachments written to {place}", unpacked.objects.len());
    }
    describe(&unpacked.manifest)?;
    say!("next: `amparo audit verify` with the key file the backup was taken under");
    Ok(())
}
