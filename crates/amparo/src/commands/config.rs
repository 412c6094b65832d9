//! `amparo config show`: the settings this run resolved, where each came from, secrets redacted.

use clap::Subcommand;

use crate::DatabaseArgs;
use crate::config::{Settings, render};
use crate::error::CliResult;

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Print every setting, its value and where it came from (default, file, environment, flag);
    /// secrets are printed as ***.
    Show {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Address to listen on, as `amparo serve --bind` takes it.
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
}

pub fn run(command: ConfigCommand, settings: Settings) -> CliResult {
    match command {
        ConfigCommand::Show { db, bind } => {
            let settings = settings.with_flags(db.database, bind);
            for line in render(&settings).lines() {
                say!("{line}");
            }
            Ok(())
        }
    }
}
