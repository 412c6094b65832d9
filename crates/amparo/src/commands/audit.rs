//! `amparo audit verify` and `amparo audit list`.

use clap::Subcommand;

use super::{open_store, resolve_org};
use crate::DatabaseArgs;
use crate::config::Settings;
use crate::error::{CliError, CliResult};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every hash chain of the audit trail; exits 1 at the first break of any chain.
    Verify {
        #[command(flatten)]
        db: DatabaseArgs,
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
        AuditCommand::Verify { db } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let organisations = store.organisations()?;
            let name = |chain: &str| {
                if chain.is_empty() {
                    String::from("installation")
                } else {
                    organisations
                        .iter()
                        .find(|o| o.id.as_str() == chain)
                        .map_or(chain.to_owned(), |o| o.slug.clone())
                }
            };
            let reports = store.verify_audit()?;
            let mut broken = Vec::new();
            for report in &reports {
                match &report.outcome {
                    Ok(()) => say!("{}: {} entries, chain intact", name(&report.chain), report.entries),
                    Err(why) => {
                        say!("{}: {} entries, {why}", name(&report.chain), report.entries);
                        broken.push(name(&report.chain));
                    }
                }
            }
            if broken.is_empty() {
                Ok(())
            } else {
                Err(CliError::Failed(format!("the audit trail is broken in: {}", broken.join(", "))))
            }
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
