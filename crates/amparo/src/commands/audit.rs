//! `amparo audit verify [--against FILE]`, `amparo audit checkpoint` and `amparo audit list`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use amparo_store::{AuditCheckpoint, ChainReport, Organisation, Store};
use clap::Subcommand;

use super::{now, open_store, resolve_org};
use crate::DatabaseArgs;
use crate::config::Settings;
use crate::error::{CliError, CliResult};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every chain of the audit trail, each against its anchored head; exits 1 when any is
    /// broken.
    Verify {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Also require every chain to still hold the head this checkpoint file recorded (made by
        /// `amparo audit checkpoint`): catches entries cut off together with their anchors, and a
        /// backup restored from before the checkpoint.
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
    /// Print a checkpoint of every chain's head, MAC'd under the audit key, to keep outside the
    /// database and its backups; refused while any chain is broken.
    Checkpoint {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Write it to this new file (mode 0600) instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print an organisation's audit trail, or the installation's with --installation.
    List {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long, value_name = "SLUG", conflicts_with = "installation")]
        org: Option<String>,
        /// The installation-wide chain (rule-set changes).
        #[arg(long)]
        installation: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: AuditCommand, settings: &Settings) -> CliResult {
    match command {
        AuditCommand::Verify { db, against } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let reports = match against {
                None => store.verify_audit()?,
                Some(path) => store.verify_audit_against(&read_checkpoint(&path)?).map_err(|e| match e {
                    amparo_store::StoreError::Invalid(why) => {
                        CliError::Invalid(format!("{}: {why}", path.display()))
                    }
                    other => other.into(),
                })?,
            };
            report(&store, &reports)
        }
        AuditCommand::Checkpoint { db, output } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let checkpoint = match store.audit_checkpoint(now())? {
                Ok(checkpoint) => checkpoint,
                Err(reports) => {
                    report(&store, &reports)?;
                    return Err(CliError::Failed("no checkpoint taken of a broken audit trail".into()));
                }
            };
            let text =
                serde_json::to_string_pretty(&checkpoint).map_err(|e| CliError::Failed(e.to_string()))?;
            match output {
                None => say!("{text}"),
                Some(path) => {
                    write_new(&path, &text)?;
                    say!("checkpoint of {} chains written to {}", checkpoint.chains.len(), path.display());
                }
            }
            Ok(())
        }
        AuditCommand::List { db, org, installation, json } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let chain = if installation { None } else { Some(resolve_org(&store, org.as_deref())?.id) };
            let records = store.audit_log(chain.as_ref())?;
            if json {
                let text =
                    serde_json::to_string_pretty(&records).map_err(|e| CliError::Failed(e.to_string()))?;
                say!("{text}");
                return Ok(());
            }
            for r in records {
                say!(
                    "{:>6}  {}  {:<18}  {:<24}  {}  {}",
                    r.seq,
                    r.at.format("%Y-%m-%d %H:%M:%S"),
                    r.action,
                    r.target,
                    r.actor.as_deref().unwrap_or("system"),
                    r.detail
                );
            }
            Ok(())
        }
    }
}

/// A chain's name for people: the organisation's slug, or `installation`.
fn chain_name(organisations: &[Organisation], chain: &str) -> String {
    if chain.is_empty() {
        return String::from("installation");
    }
    organisations.iter().find(|o| o.id.as_str() == chain).map_or(chain.to_owned(), |o| o.slug.clone())
}

/// Prints a line per chain; fails naming the broken ones.
fn report(store: &Store, reports: &[ChainReport]) -> CliResult {
    let organisations = store.organisations()?;
    let mut broken = Vec::new();
    for report in reports {
        let name = chain_name(&organisations, &report.chain);
        match &report.outcome {
            Ok(()) => say!("{name}: {} entries, chain intact", report.entries),
            Err(why) => {
                say!("{name}: {} entries, {why}", report.entries);
                broken.push(name);
            }
        }
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(format!("the audit trail is broken in: {}", broken.join(", "))))
    }
}

fn read_checkpoint(path: &Path) -> CliResult<AuditCheckpoint> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Invalid(format!("{}: cannot read the checkpoint: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::Invalid(format!("{}: not an audit checkpoint: {e}", path.display())))
}

/// Writes a new file, never over an existing one (an older checkpoint is worth keeping).
fn write_new(path: &Path, text: &str) -> CliResult {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| CliError::Failed(format!("{}: cannot create: {e}", path.display())))?;
    file.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::Failed(format!("{}: cannot write: {e}", path.display())))
}
