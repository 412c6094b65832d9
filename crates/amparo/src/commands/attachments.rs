//! `amparo attachments sweep`: removes the attachment objects no row names (left when a process
//! stopped between writing an object and committing its row), never one younger than the grace
//! period, and says how many it found and removed. A sweep that removed anything is in the
//! installation's audit trail, as the operator's.

use std::time::Duration;

use amparo_store::attachments::{DEFAULT_SWEEP_GRACE, Sweep};
use clap::Subcommand;

use super::{now, open_store};
use crate::DatabaseArgs;
use crate::config::Settings;
use crate::error::{CliError, CliResult};

/// The default grace period in hours, as the option shows it.
const DEFAULT_HOURS: u64 = DEFAULT_SWEEP_GRACE.as_secs() / 3600;
/// The longest grace period accepted: ten years, in hours.
const MAX_HOURS: u64 = 10 * 366 * 24;

#[derive(Subcommand)]
pub enum AttachmentsCommand {
    /// Remove stored files that no attachment names (left by an interrupted upload).
    Sweep {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Leave alone any file written less than this many hours ago (an upload may be finishing).
        #[arg(long, value_name = "HOURS", default_value_t = DEFAULT_HOURS)]
        older_than: u64,
        /// Count what would be removed without removing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

pub fn run(command: AttachmentsCommand, settings: &Settings) -> CliResult {
    match command {
        AttachmentsCommand::Sweep { db, older_than, dry_run } => {
            if older_than > MAX_HOURS {
                return Err(CliError::Invalid(format!("--older-than: at most {MAX_HOURS} hours")));
            }
            let store = open_store(settings, &settings.database(db.database))?;
            let sweep = Sweep { older_than: Duration::from_secs(older_than * 3600), dry_run };
            let report = store.sweep_attachment_orphans(&sweep, now())?;
            say!(
                "{} stored files, {} named by no attachment",
                report.objects,
                report.orphans + report.too_young
            );
            if report.too_young > 0 {
                say!("  {} written within the last {older_than} hours: left alone", report.too_young);
            }
            if dry_run {
                say!(
                    "  {} would be removed ({} bytes); nothing was removed (--dry-run)",
                    report.orphans,
                    report.orphan_bytes
                );
            } else {
                say!("  {} removed ({} bytes)", report.removed, report.orphan_bytes);
            }
            Ok(())
        }
    }
}
