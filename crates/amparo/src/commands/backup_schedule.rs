//! Scheduled backups from `amparo serve`: every `backup_every`, a backup file named for its time
//! (`amparo-20270301T120000.000Z.tar`) in `backup_dir`, verified once written (SQLite: opened, its audit
//! chains checked against the manifest, a sample of sealed fields opened with the key; PostgreSQL:
//! the archive and manifest read back), then the oldest beyond `backup_keep` removed. A failure is
//! logged without personal data and the backup is tried again at the next turn; older backups are
//! never removed after a failure. At start, the time of the newest verified backup already in
//! `backup_dir` (from its manifest) is the metrics' last successful backup, so a restart does not
//! read as a missed backup.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use amparo_store::Store;
use chrono::{DateTime, Utc};

use super::backup::{BackupKeys, verify_unpacked, write_backup};
use super::backup_archive;
use crate::config::Settings;
use crate::error::{CliError, CliResult};

/// The first backup waits this long after start, so a server restarted in a loop does not pile up
/// copies and a start is not slowed by one.
const FIRST_AFTER: Duration = Duration::from_secs(60);
const PREFIX: &str = "amparo-";
const SUFFIX: &str = ".tar";

/// What one scheduled run needs, taken from the settings at start.
struct Schedule {
    dir: PathBuf,
    every: Duration,
    keep: u32,
    url: String,
}

/// Starts the schedule when `backup_dir` is set.
pub fn spawn(store: Arc<Store>, settings: &Settings, metrics: Arc<amparo_web::Metrics>) {
    let Some(dir) = settings.backups.dir.value.clone() else { return };
    let schedule = Schedule {
        dir,
        every: settings.backups.every.value,
        keep: settings.backups.keep.value,
        url: settings.database_url.value.clone(),
    };
    match newest_verified(&schedule.dir) {
        Ok(Some(at)) => metrics.record_backup(at),
        Ok(None) => {}
        Err(error) => tracing::warn!(dir = %schedule.dir.display(), %error, "cannot read the backup folder"),
    }
    // The keys are read again before each verification: a rotation may have happened meanwhile.
    let keys = BackupKeys::of(settings);
    tracing::info!(
        dir = %schedule.dir.display(),
        every_minutes = schedule.every.as_secs() / 60,
        keep = schedule.keep,
        "scheduled backups"
    );
    let spawned = std::thread::Builder::new().name("backups".into()).spawn(move || {
        std::thread::sleep(FIRST_AFTER);
        loop {
            match run_once(&store, &schedule, &keys) {
                Ok(path) => {
                    metrics.record_backup(super::now());
                    tracing::info!(file = %path.display(), "scheduled backup written and verified")
                }
                Err(error) => {
                    tracing::error!(dir = %schedule.dir.display(), %error, "scheduled backup failed");
                    match store.record_backup_failure(super::now()) {
                        Ok(told) => {
                            tracing::warn!(administrators = told, "administrators told of the failed backup")
                        }
                        Err(error) => {
                            tracing::error!(%error, "could not tell administrators of the failed backup")
                        }
                    }
                }
            }
            std::thread::sleep(schedule.every);
        }
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "could not start the scheduled backups");
    }
}

/// One backup: written, verified, and the old ones pruned.
fn run_once(store: &Store, schedule: &Schedule, keys: &BackupKeys) -> CliResult<PathBuf> {
    let name = format!("{PREFIX}{}{SUFFIX}", super::now().format("%Y%m%dT%H%M%S%.3fZ"));
    let path = schedule.dir.join(name);
    write_backup(store, &schedule.url, &path)?;
    if let Err(error) = verify(&path, keys) {
        // Set apart under a name retention never counts, for the operator to look at.
        let mut apart = path.clone().into_os_string();
        apart.push(".unverified");
        let _ = std::fs::rename(&path, &apart);
        return Err(error);
    }
    prune(&schedule.dir, schedule.keep)?;
    Ok(path)
}

fn verify(path: &Path, keys: &BackupKeys) -> CliResult {
    let unpacked = backup_archive::unpack(path)?;
    // A PostgreSQL archive is checked in full only by restoring it (`amparo backup verify --scratch`).
    if unpacked.manifest.facts.backend == "sqlite" {
        verify_unpacked(&unpacked, keys.sealer()?, None)?;
    }
    Ok(())
}

/// The scheduled backups in `dir`, oldest first (their names sort by time). A backup that failed
/// its verification was renamed `….unverified` and is not among them.
fn scheduled_backups(dir: &Path) -> CliResult<Vec<PathBuf>> {
    let failed = |e: std::io::Error| CliError::Failed(format!("{}: {e}", dir.display()));
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(failed)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    backups.sort();
    Ok(backups)
}

/// When the newest verified backup in `dir` was taken, read from its manifest; a file whose
/// manifest cannot be read is passed over for the next older. `None` when there is none (or no
/// folder yet).
pub fn newest_verified(dir: &Path) -> CliResult<Option<DateTime<Utc>>> {
    if !dir.is_dir() {
        return Ok(None);
    }
    for path in scheduled_backups(dir)?.iter().rev() {
        match backup_archive::read_manifest(path) {
            Ok(manifest) => match DateTime::parse_from_rfc3339(&manifest.created_at) {
                Ok(at) => return Ok(Some(at.with_timezone(&Utc))),
                Err(error) => {
                    tracing::warn!(file = %path.display(), %error, "a backup's manifest has no time")
                }
            },
            Err(error) => tracing::warn!(%error, "a backup's manifest cannot be read"),
        }
    }
    Ok(None)
}

/// Removes the oldest scheduled backups beyond `keep`; names sort by time.
fn prune(dir: &Path, keep: u32) -> CliResult {
    let failed = |e: std::io::Error| CliError::Failed(format!("{}: {e}", dir.display()));
    let backups = scheduled_backups(dir)?;
    let excess = backups.len().saturating_sub(keep as usize);
    for old in &backups[..excess] {
        std::fs::remove_file(old).map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::commands::backup::BackupKeys;

    #[test]
    fn each_run_writes_a_verified_backup_and_keeps_the_newest() {
        let db = amparo_store::testing::TestDatabase::sqlite();
        let dir = tempfile::tempdir().unwrap();
        let schedule =
            Schedule { dir: dir.path().to_owned(), every: FIRST_AFTER, keep: 2, url: db.url.clone() };
        let keys =
            BackupKeys { text: None, file: Some(db.key_file().to_owned()), database_url: db.url.clone() };
        let mut written = Vec::new();
        for _ in 0..3 {
            written.push(run_once(&db.store(), &schedule, &keys).unwrap());
            std::thread::sleep(Duration::from_millis(5));
        }
        let mut left: Vec<PathBuf> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        left.sort();
        assert_eq!(left, written[1..], "the oldest went, the two newest stay");
        // A key that does not open the copy fails the run, and nothing is pruned.
        let other = dir.path().join("other.key");
        amparo_trust::keyfile::write_new(&other).unwrap();
        let wrong = BackupKeys { text: None, file: Some(other.clone()), database_url: db.url.clone() };
        let error = run_once(&db.store(), &schedule, &wrong).unwrap_err().to_string();
        assert!(error.contains("the key file does not open it"), "{error}");
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), 4, "{left:?}");
        assert!(left[2].ends_with(".tar.unverified"), "set apart, not counted: {left:?}");
    }

    /// A database with one case and one uploaded file.
    fn with_an_attachment() -> amparo_store::testing::TestDatabase {
        use amparo_domain::attachments::{AttachmentDetails, AttachmentKind};
        let db = amparo_store::testing::TestDatabase::sqlite();
        let store = db.store();
        let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let org = amparo_store::NewOrganisation { slug: "clinic".into(), name: "Clinic".into() };
        let org = store.create_organisation(&org, at).unwrap().id;
        let new = amparo_store::NewUser {
            email: "attorney@clinic.example.org".into(),
            display_name: "Test Attorney".into(),
            role: amparo_domain::org::UserRole::Attorney,
            language: amparo_domain::Language::Es,
            password_hash: "$argon2id$fake".into(),
        };
        let attorney = amparo_store::Actor::of(&store.create_user(&org, &new, at).unwrap());
        let text = r#"{"format": "amparo.case/1", "case": {"reference": "S-1", "people": [{"key": "p1",
            "role": "patient", "given_name": "Nina", "family_name": "Ejemplo"}]}, "events": []}"#;
        let case = amparo_domain::CaseFile::parse(text).unwrap().0;
        let case = store.import_cases(&org, &[case], None, at).unwrap().remove(0);
        let details = AttachmentDetails {
            kind: AttachmentKind::Evidence,
            title: "School letter".into(),
            dated: None,
            event: None,
            person: None,
            file_name: None,
        };
        let file = amparo_store::NewAttachment { details, bytes: b"A letter from the school.\n".to_vec() };
        store.add_attachment_as(&attorney, &case, &file, at).unwrap();
        db
    }

    #[test]
    fn a_scheduled_backup_carries_and_checks_the_attachments() {
        let db = with_an_attachment();
        let dir = tempfile::tempdir().unwrap();
        let schedule =
            Schedule { dir: dir.path().to_owned(), every: FIRST_AFTER, keep: 2, url: db.url.clone() };
        let keys =
            BackupKeys { text: None, file: Some(db.key_file().to_owned()), database_url: db.url.clone() };
        let written = run_once(&db.store(), &schedule, &keys).unwrap();
        let unpacked = backup_archive::unpack(&written).unwrap();
        assert_eq!(unpacked.objects.len(), 1);
        assert_eq!(unpacked.manifest.facts.organisations[0].attachments, 1);
        // Its file lost from the next backup's copy: the run fails its check and is set apart.
        let stored = db.store().stored_objects().unwrap().remove(0);
        std::fs::write(db.attachments_dir().join(&stored.key), b"cut short").unwrap();
        let error = run_once(&db.store(), &schedule, &keys).unwrap_err().to_string();
        assert!(error.contains(&format!("attachment {} of case", stored.id)), "{error}");
        assert!(error.contains("its row implies"), "{error}");
        let set_apart = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tar.unverified"))
            .count();
        assert_eq!(set_apart, 1);
        // The newest verified backup is still the first one.
        let manifest = backup_archive::read_manifest(&written).unwrap();
        let expected = DateTime::parse_from_rfc3339(&manifest.created_at).unwrap().with_timezone(&Utc);
        assert_eq!(newest_verified(dir.path()).unwrap(), Some(expected));
    }
}
