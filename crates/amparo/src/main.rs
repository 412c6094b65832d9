//! `amparo`: the one binary. Serves the web app and API, runs the demo, and carries the admin and
//! data commands. The clock is read here, at the edge, and passed down.

mod commands;
mod config;
mod demo_data;
mod error;
mod private_file;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;
use crate::error::CliResult;

#[derive(Parser)]
#[command(
    name = "amparo",
    version,
    about = "Humanitarian-parole cases of medically fragile people, none lapsing unseen."
)]
struct Cli {
    /// A TOML settings file (keys: database_url, bind, secure_cookies, log, rules_file, escalation_templates_file, key_file, public_url, trusted_proxies, backup_dir, backup_every, backup_keep, log_format, metrics_allow, metrics_token, [smtp], [database]); also AMPARO_CONFIG. `amparo config show` prints what is in force.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives.
#[derive(Args, Clone, Default)]
pub struct DatabaseArgs {
    /// A SQLite file path or `sqlite://` URL, or a `postgres://` URL; also AMPARO_DATABASE_URL or
    /// `database_url` [default: ./amparo.db]
    #[arg(long, value_name = "URL")]
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
        /// Address to listen on; also AMPARO_BIND or `bind` [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
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
        /// How many organisations, each with `--cases` cases of its own (for benchmarks at scale);
        /// the staff and their sign-in belong to the first.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=100))]
        orgs: u16,
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
    /// API tokens for the JSON API: make one (printed once), list them, revoke one.
    Token {
        #[command(subcommand)]
        command: commands::token::TokenCommand,
    },
    /// Webhook endpoints: list, add (its secret printed once), pause, resume, remove, and each
    /// one's deliveries.
    Webhook {
        #[command(subcommand)]
        command: commands::webhook::WebhookCommand,
    },
    /// Encryption keys: generate a key file, or rotate to a new key and re-encrypt everything.
    Key {
        #[command(subcommand)]
        command: commands::key::KeyCommand,
    },
    /// The settings in force and where each came from.
    Config {
        #[command(subcommand)]
        command: commands::config::ConfigCommand,
    },
    /// Attachments' stored files: sweep away those no attachment names.
    Attachments {
        #[command(subcommand)]
        command: commands::attachments::AttachmentsCommand,
    },
    /// The tamper-evident audit trail.
    Audit {
        #[command(subcommand)]
        command: commands::audit::AuditCommand,
    },
    /// A consistent copy of the database while it serves (`--out FILE`), or `verify FILE`.
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        #[command(subcommand)]
        command: Option<commands::backup::BackupCommand>,
        #[command(flatten)]
        db: DatabaseArgs,
        /// The backup file to write (a tar archive: manifest.json, the database copy and the
        /// attachments' sealed files; never the key).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Put a backup into an empty place: a new SQLite file, or an empty PostgreSQL database or schema.
    Restore {
        /// The backup file (made by `amparo backup --out`).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// A document from a case's record as PDF: the medical letter, the re-parole cover letter, the
    /// filing packet or the family letter; records which data and template it came from.
    Document {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// The case's reference.
        #[arg(long, value_name = "REFERENCE")]
        case: String,
        /// medical-letter, cover-letter, packet or family-letter.
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// The family letter's language (en es ht uk ru prs ps pt fr); the family's own by default.
        #[arg(long, value_name = "LANGUAGE")]
        language: Option<String>,
        /// An attachment's id to enclose as the next exhibit (repeat it; the order is the exhibits'
        /// order); every attachment of the case when none is named.
        #[arg(long = "exhibit", value_name = "ATTACHMENT")]
        exhibits: Vec<String>,
        /// The file to write: a PDF, or for a letter a DOCX when its name ends in `.docx`.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Notices received: read one and propose the event it reports (nothing is recorded).
    Notice {
        #[command(subcommand)]
        command: commands::notice::NoticeCommand,
    },
    /// Notifications: the day's reminders and digests, email delivery, the outbox.
    Notify {
        #[command(subcommand)]
        command: commands::notify::NotifyCommand,
    },
    /// Import case files (amparo.case/1), or restore an organisation archive; all or nothing.
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// An organisation archive (made by `amparo export --out`) to restore into an empty
        /// organisation: the archive's own slug, or --org.
        #[arg(long, value_name = "FILE", conflicts_with = "files")]
        org_archive: Option<PathBuf>,
        /// Case files, or folders of them (*.json).
        #[arg(required_unless_present = "org_archive", value_name = "FILE")]
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
        /// With --case-file: the organisation's settings as a JSON object (re_parole_lead_days,
        /// medical_refresh_days, i94_check_days, closure_days, …); keys left out take their defaults.
        #[arg(long, value_name = "FILE", requires = "case_file")]
        policy: Option<PathBuf>,
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
    /// Export cases as amparo.case/1 files, or everything the organisation owns as one archive.
    Export {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// One case, by reference, to standard output (or --output).
        #[arg(long, value_name = "REFERENCE", conflicts_with_all = ["dir", "out"])]
        case: Option<String>,
        /// With --case: write to this file instead of standard output.
        #[arg(long, value_name = "FILE", requires = "case")]
        output: Option<PathBuf>,
        /// Every case, one file each, into this folder.
        #[arg(long, value_name = "DIR", required_unless_present_any = ["case", "out"], conflicts_with = "out")]
        dir: Option<PathBuf>,
        /// The whole organisation as one archive (a tar; see docs/org-archive.md), which must not exist.
        #[arg(long, value_name = "FILE.tar")]
        out: Option<PathBuf>,
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

/// How much a command logs unless the `log` setting says otherwise: the server and the demo report
/// what they do; one-shot commands speak only of trouble.
fn default_log_level(command: &Command) -> &'static str {
    match command {
        Command::Serve { .. } | Command::Demo { .. } => "info",
        _ => "warn",
    }
}

fn run(cli: Cli) -> CliResult {
    // An empty variable counts as unset, as it did when the command-line parser read them.
    let process_environment = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let settings = Settings::resolve(cli.config, &process_environment)?;
    commands::logging(
        &settings.log_filter(default_log_level(&cli.command)),
        settings.observability.log_format.value,
    );
    match cli.command {
        Command::Serve { db, bind } => commands::serve::run(&settings.with_flags(db.database, bind)),
        Command::Demo { database, bind, cases, orgs, seed, today, no_serve } => {
            let options =
                commands::demo::DemoOptions { database, bind, cases, orgs, seed, today, serve: !no_serve };
            commands::demo::run(&settings, &options)
        }
        Command::Migrate { db } => commands::data::migrate(&settings, &settings.database(db.database)),
        Command::Org { command } => commands::admin::org(command, &settings),
        Command::User { command } => commands::admin::user(command, &settings),
        Command::Key { command } => commands::key::run(command, &settings),
        Command::Token { command } => commands::token::run(command, &settings),
        Command::Webhook { command } => commands::webhook::run(command, &settings),
        Command::Config { command } => commands::config::run(command, settings),
        Command::Audit { command } => commands::audit::run(command, &settings),
        Command::Attachments { command } => commands::attachments::run(command, &settings),
        Command::Document { db, org, case, kind, language, exhibits, out, json } => {
            let args = commands::document::DocumentArgs {
                database: settings.database(db.database),
                org: org.org,
                case,
                kind,
                language,
                exhibits,
                out,
                json,
            };
            commands::document::run(&settings, &args)
        }
        Command::Notice { command } => commands::notice::run(command, &settings),
        Command::Notify { command } => commands::notify::run(command, &settings),
        Command::Backup { command: Some(command), .. } => commands::backup::run(command, &settings),
        Command::Backup { command: None, db, out } => match out {
            Some(out) => commands::backup::create(&settings, &settings.database(db.database), &out),
            None => Err(error::CliError::Invalid("say --out FILE, or `amparo backup verify FILE`".into())),
        },
        Command::Restore { from, db } => {
            commands::backup::restore(&from, &settings.database(db.database), &settings.database.options())
        }
        Command::Import { db, org, org_archive: Some(archive), .. } => commands::org_archive::import(
            &settings,
            &settings.database(db.database),
            org.org.as_deref(),
            &archive,
        ),
        Command::Import { db, org, org_archive: None, files } => {
            commands::data::import(&settings, &settings.database(db.database), org.org.as_deref(), &files)
        }
        Command::Deadlines { db, org, case_file, due_within, kind, today, json, rules, policy, language } => {
            let language = commands::deadlines::parse_language(&language)?;
            match (case_file, due_within) {
                (Some(case_file), _) => {
                    let output = commands::deadlines::Output { json, language };
                    let under =
                        commands::deadlines::Under { rules: rules.as_deref(), policy: policy.as_deref() };
                    commands::deadlines::run(&settings, &case_file, today.as_deref(), output, under)
                }
                (None, Some(days)) => {
                    let query = commands::deadlines::DueQuery { days, kind, today, json, language };
                    commands::deadlines::due_within(
                        &settings,
                        &settings.database(db.database),
                        org.org.as_deref(),
                        &query,
                    )
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
            commands::triage::run(&settings, &settings.database(db.database), org.org.as_deref(), &options)
        }
        Command::Export { db, org, out: Some(out), .. } => commands::org_archive::export(
            &settings,
            &settings.database(db.database),
            org.org.as_deref(),
            &out,
        ),
        Command::Export { db, org, case, output, dir, out: None } => commands::data::export(
            &settings,
            &settings.database(db.database),
            org.org.as_deref(),
            case.as_deref(),
            output.as_deref(),
            dir.as_deref(),
        ),
    }
}
