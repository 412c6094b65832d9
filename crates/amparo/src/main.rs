//! `amparo`: the one binary. Serves the web app and API, runs the demo, and carries the admin and
//! data commands. The clock is read here, at the edge, and passed down.

mod commands;
mod config;
mod demo_data;
mod error;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::FileConfig;
use crate::error::CliResult;

#[derive(Parser)]
#[command(
    name = "amparo",
    version,
    about = "Humanitarian-parole cases of medically fragile people, none lapsing unseen."
)]
struct Cli {
    /// A TOML settings file (keys: database_url, bind, secure_cookies, log, rules_file, escalation_templates_file, key_file, public_url, [smtp]).
    #[arg(long, env = "AMPARO_CONFIG", global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives.
#[derive(Args, Clone, Default)]
pub struct DatabaseArgs {
    /// A SQLite file path or `sqlite://` URL, or a `postgres://` URL [default: ./amparo.db]
    #[arg(long, env = "AMPARO_DATABASE_URL", value_name = "URL")]
    database: Option<String>,
}

/// Which organisation a command acts in.
#[derive(Args, Clone, Default)]
pub struct OrgArgs {
    /// The organisation's slug; may be left out when the database holds exactly one.
    #[arg(long, value_name = "SLUG")]
    org: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and the JSON API.
    Serve {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "AMPARO_BIND", value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Serve a fictional demo organisation (created on first run, reused after).
    Demo {
        /// The demo's own database; never the one in AMPARO_DATABASE_URL.
        #[arg(long, default_value = "./amparo-demo.db", value_name = "URL")]
        database: String,
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        bind: String,
        /// How many cases to generate (for benchmarks, e.g. 50000).
        #[arg(long, default_value_t = 25)]
        cases: usize,
        /// Seed of the generator: the same seed and date give the same organisation.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The date the demo's timelines are built around [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
        /// Create the data and print the sign-in, but do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply database migrations (they are also applied at start).
    Migrate {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Organisations.
    Org {
        #[command(subcommand)]
        command: commands::admin::OrgCommand,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: commands::admin::UserCommand,
    },
    /// Encryption keys: generate a key file, or rotate to a new key and re-encrypt everything.
    Key {
        #[command(subcommand)]
        command: commands::key::KeyCommand,
    },
    /// The tamper-evident audit trail.
    Audit {
        #[command(subcommand)]
        command: commands::audit::AuditCommand,
    },
    /// Notifications: the day's reminders and digests, email delivery, the outbox.
    Notify {
        #[command(subcommand)]
        command: commands::notify::NotifyCommand,
    },
    /// Import case files (amparo.case/1); all or nothing.
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// Case files, or folders of them (*.json).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Statuses and deadlines: of one case file (--case-file), or due soon across the organisation's
    /// stored cases (--due-within).
    Deadlines {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// An amparo.case/1 file.
        #[arg(
            long,
            value_name = "FILE",
            required_unless_present = "due_within",
            conflicts_with = "due_within"
        )]
        case_file: Option<PathBuf>,
        /// Deadlines due from today to this many days ahead, across stored cases.
        #[arg(long, value_name = "DAYS")]
        due_within: Option<u32>,
        /// With --due-within: only this kind of deadline (e.g. rfe_response_due).
        #[arg(long, value_name = "KIND", requires = "due_within")]
        kind: Option<String>,
        /// The day to compute for [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// With --case-file: a rule-set file to use instead of the built-in one.
        #[arg(long, value_name = "FILE", requires = "case_file")]
        rules: Option<PathBuf>,
        /// Language of each deadline's why: en or es (dates in the language's words).
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// The triage board: open cases, most urgent first, with the reasons in words.
    Triage {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// Only critical-care cases.
        #[arg(long)]
        critical: bool,
        /// Only this programme (humanitarian, u4u, oaw, chnv, cbp_one, other).
        #[arg(long, value_name = "PROGRAMME")]
        program: Option<String>,
        /// Only cases whose next deadline falls within this many days.
        #[arg(long, value_name = "DAYS")]
        due_within: Option<u32>,
        /// Only cases assigned to this user (by email).
        #[arg(long, value_name = "EMAIL")]
        assigned_to: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Language of the reasons: en or es.
        #[arg(long, default_value = "en")]
        language: String,
        /// The day to rank as of [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Export cases as amparo.case/1 files.
    Export {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// One case, by reference, to standard output (or --output).
        #[arg(long, value_name = "REFERENCE", conflicts_with = "dir")]
        case: Option<String>,
        /// With --case: write to this file instead of standard output.
        #[arg(long, value_name = "FILE", requires = "case")]
        output: Option<PathBuf>,
        /// Every case, one file each, into this folder.
        #[arg(long, value_name = "DIR", required_unless_present = "case")]
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) | Err(error::CliError::OutputClosed) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("amparo: {error}");
            error.exit_code()
        }
    }
}

fn run(cli: Cli) -> CliResult {
    let file = FileConfig::load(cli.config.as_deref())?;
    let env_path = |name: &str| std::env::var_os(name).map(PathBuf::from);
    commands::use_rule_files(commands::RuleFiles {
        rules: env_path("AMPARO_RULES_FILE").or_else(|| file.rules_file.clone()),
        templates: env_path("AMPARO_ESCALATION_TEMPLATES_FILE")
            .or_else(|| file.escalation_templates_file.clone()),
    });
    commands::use_key_config(commands::KeyConfig {
        file: env_path("AMPARO_KEY_FILE").or_else(|| file.key_file.clone()),
        text: std::env::var("AMPARO_KEY").ok().map(amparo_trust::Secret::new),
    });
    let smtp = match file.smtp.clone() {
        Some(smtp) => Some(
            smtp.resolve(std::env::var("AMPARO_SMTP_PASSWORD").ok())
                .map_err(|e| error::CliError::Invalid(e.to_string()))?,
        ),
        None => None,
    };
    commands::notify::use_settings(commands::notify::NotifySettings {
        public_url: std::env::var("AMPARO_PUBLIC_URL").ok().or_else(|| file.public_url.clone()),
        smtp,
    });
    let database = |args: DatabaseArgs| {
        args.database
            .or_else(|| file.database_url.clone())
            .unwrap_or_else(|| config::DEFAULT_DATABASE.to_owned())
    };
    match cli.command {
        Command::Serve { db, bind } => {
            commands::logging(file.log.as_deref(), "info");
            let bind = bind.or_else(|| file.bind.clone()).unwrap_or_else(|| config::DEFAULT_BIND.to_owned());
            commands::serve::run(&database(db), &bind, file.secure_cookies.unwrap_or(false))
        }
        Command::Demo { database, bind, cases, seed, today, no_serve } => {
            commands::logging(file.log.as_deref(), "info");
            let options =
                commands::demo::DemoOptions { database, bind, cases, seed, today, serve: !no_serve };
            commands::demo::run(&options)
        }
        Command::Migrate { db } => {
            commands::logging(file.log.as_deref(), "warn");
            commands::data::migrate(&database(db))
        }
        Command::Org { command } => {
            commands::logging(file.log.as_deref(), "warn");
            commands::admin::org(command, &database)
        }
        Command::User { command } => {
            commands::logging(file.log.as_deref(), "warn");
            commands::admin::user(command, &database)
        }
        Command::Key { command } => {
            commands::logging(file.log.as_deref(), "warn");
            commands::key::run(command, &database)
        }
        Command::Audit { command } => {
            commands::logging(file.log.as_deref(), "warn");
            commands::audit::run(command, &database)
        }
        Command::Notify { command } => {
            commands::logging(file.log.as_deref(), "warn");
            commands::notify::run(command, &database)
        }
        Command::Import { db, org, files } => {
            commands::logging(file.log.as_deref(), "warn");
            commands::data::import(&database(db), org.org.as_deref(), &files)
        }
        Command::Deadlines { db, org, case_file, due_within, kind, today, json, rules, language } => {
            commands::logging(file.log.as_deref(), "warn");
            let language = commands::deadlines::parse_language(&language)?;
            match (case_file, due_within) {
                (Some(case_file), _) => {
                    let output = commands::deadlines::Output { json, language };
                    commands::deadlines::run(&case_file, today.as_deref(), output, rules.as_deref())
                }
                (None, Some(days)) => {
                    let query = commands::deadlines::DueQuery { days, kind, today, json, language };
                    commands::deadlines::due_within(&database(db), org.org.as_deref(), &query)
                }
                (None, None) => {
                    Err(error::CliError::Invalid("say --case-file FILE or --due-within DAYS".into()))
                }
            }
        }
        Command::Triage {
            db,
            org,
            critical,
            program,
            due_within,
            assigned_to,
            limit,
            language,
            today,
            json,
        } => {
            commands::logging(file.log.as_deref(), "warn");
            let options = commands::triage::TriageOptions {
                critical,
                program,
                due_within,
                assigned_to,
                limit,
                language,
                today,
                json,
            };
            commands::triage::run(&database(db), org.org.as_deref(), &options)
        }
        Command::Export { db, org, case, output, dir } => {
            commands::logging(file.log.as_deref(), "warn");
            commands::data::export(
                &database(db),
                org.org.as_deref(),
                case.as_deref(),
                output.as_deref(),
                dir.as_deref(),
            )
        }
    }
}
