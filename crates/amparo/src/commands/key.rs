//! `amparo key generate` (also as a service's first-start step, `--if-missing`) and `amparo key rotate`.

use std::path::{Path, PathBuf};

use amparo_store::seal::KeyOrigin;
use clap::Subcommand;

use super::open_store_keyed;
use super::progress::Stage;
use crate::DatabaseArgs;
use crate::config::Settings;
use crate::error::{CliError, CliResult};

/// Re-encryption passes before giving up on values a running server keeps writing under the old
/// key (it re-reads the key file every 20 seconds).
const MAX_PASSES: usize = 10;
const PASS_PAUSE: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Write a new key file (mode 0600); never overwrites one.
    Generate {
        /// Where to write it [default: AMPARO_KEY_FILE or `key_file`].
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// When the file is already there, check that it is a private, readable key file and keep
        /// it (a service's first start makes its key this way; later starts change nothing).
        #[arg(long)]
        if_missing: bool,
    },
    /// Add a new current key to the key file and re-encrypt every sensitive value under it; servers
    /// keep reading throughout (older keys stay in the file).
    Rotate {
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

pub fn run(command: KeyCommand, settings: &Settings) -> CliResult {
    match command {
        KeyCommand::Generate { out, if_missing } => {
            let path = out.or_else(|| settings.keys.file.value.clone()).ok_or_else(|| {
                CliError::Invalid(
                    "say where to write the key file: --out FILE (or set AMPARO_KEY_FILE)".into(),
                )
            })?;
            let keys = match amparo_trust::keyfile::write_new(&path) {
                Ok(keys) => keys,
                // Already there (or made a moment ago by another start): check it and keep it.
                Err(amparo_trust::keyfile::KeyFileError::AlreadyExists { .. }) if if_missing => {
                    return keep_existing(&path);
                }
                Err(e) => return Err(CliError::Failed(e.to_string())),
            };
            say!("wrote key file {} (key {}, mode 0600)", path.display(), keys.current().key_id());
            say!("keep it apart from the database and its backups; point AMPARO_KEY_FILE at it");
            Ok(())
        }
        KeyCommand::Rotate { db } => rotate(settings, &settings.database(db.database)),
    }
}

/// `--if-missing` with the file there: it must be a key file this process may read and nobody else
/// may (the same checks as every start), or the step fails naming what is wrong with it.
fn keep_existing(path: &Path) -> CliResult {
    use amparo_trust::keyfile::KeyFileError;
    let keys = amparo_trust::keyfile::load(path).map_err(|e| match e {
        // These already name the file.
        KeyFileError::Io { .. } | KeyFileError::TooOpen { .. } | KeyFileError::NotAFile { .. } => {
            CliError::Failed(e.to_string())
        }
        other => CliError::Failed(format!("key file {}: {other}", path.display())),
    })?;
    say!("key file {} is already there (key {}); kept as it is", path.display(), keys.current().key_id());
    Ok(())
}

fn rotate(settings: &Settings, url: &str) -> CliResult {
    let config = &settings.keys;
    if config.text.is_some() {
        return Err(CliError::Invalid(
            "the keys come from AMPARO_KEY, which cannot be rotated in place: put them in a key file \
             (AMPARO_KEY_FILE) and rotate that"
                .into(),
        ));
    }
    // Open first: the current keys must be the database's own before a new one is added.
    let (store, origin) = open_store_keyed(settings, url)?;
    let path = key_file_path(url, config.file.value.as_deref(), &origin)?;
    let keys = amparo_trust::keyfile::rotate(&path).map_err(|e| CliError::Failed(e.to_string()))?;
    store.reload_keys()?;
    say!("key file {}: new current key {}", path.display(), keys.current().key_id());
    for pass in 1..=MAX_PASSES {
        let stage = Stage::uncounted("key rotate", &format!("re-encrypting stored values, pass {pass}"));
        let rewritten = store.reseal()?;
        stage.done();
        say!("pass {pass}: re-encrypted {rewritten} values");
        if rewritten == 0 {
            store.renew_key_canary()?;
            say!(
                "every value is under key {}; older keys stay in the file to read old backups",
                store.current_key_id()
            );
            return Ok(());
        }
        if pass > 1 {
            // A server still writing under the old key picks the new one up within seconds.
            std::thread::sleep(PASS_PAUSE);
        }
    }
    Err(CliError::Failed(format!(
        "values kept appearing under an older key after {MAX_PASSES} passes; is a server running with \
         another key file? Run `amparo key rotate` again once it has restarted"
    )))
}

fn key_file_path(url: &str, configured: Option<&Path>, origin: &KeyOrigin) -> CliResult<PathBuf> {
    match (configured, origin) {
        (Some(path), _) => Ok(path.to_path_buf()),
        (None, KeyOrigin::BesideDatabase { path, .. }) => Ok(path.clone()),
        (None, KeyOrigin::Configured) => {
            Err(CliError::Invalid(format!("no key file is configured for {url}")))
        }
    }
}
