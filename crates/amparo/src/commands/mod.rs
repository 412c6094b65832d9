//! One module per command family; shared plumbing here.

/// `println!` for commands: a reader that went away (`amparo … | head`) ends the command quietly
/// instead of panicking.
macro_rules! say {
    () => {
        $crate::commands::emit(format_args!(""))?
    };
    ($($arg:tt)*) => {
        $crate::commands::emit(format_args!($($arg)*))?
    };
}

pub mod admin;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod backup_archive;
pub mod backup_attachments;
pub mod backup_schedule;
pub mod config;
pub mod data;
pub mod deadlines;
pub mod demo;
pub mod document;
pub mod key;
pub mod notice;
pub mod notify;
pub mod org_archive;
pub mod org_archive_csv;
pub mod org_archive_file;
pub mod policy_file;
pub mod progress;
pub mod serve;
pub mod token;
pub mod triage;
pub mod webhook;

use std::path::PathBuf;
use std::sync::Arc;

use amparo_store::seal::{KeyOrigin, keys_for_database};
use amparo_store::{Organisation, Rules, Store};
use chrono::{DateTime, Utc};

use crate::config::{LogFormat, Settings, redact_url};
use crate::error::{CliError, CliResult};

/// Logs go to standard error, filtered by `filter` (the `log` setting or the command's own level),
/// as text or, with `log_format = "json"`, one JSON object a line whose `span` holds the request's
/// `request_id` while a request is handled. Set up once per run, in `main`.
pub fn logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::new(filter);
    let _ = match format {
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init(),
        LogFormat::Text => {
            // Colours only on a terminal: a log file or journal gets plain text it can search.
            let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
            tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(colour)
                .with_writer(std::io::stderr)
                .try_init()
        }
    };
}

/// Writes one line to standard output.
pub fn emit(line: std::fmt::Arguments) -> CliResult {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{line}") {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::OutputClosed),
        Err(e) => Err(CliError::Failed(format!("standard output: {e}"))),
    }
}

/// The clock, read once per command at the edge.
#[allow(clippy::disallowed_methods)]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The address `amparo serve` listens on by default, for links when no `public_url` is set.
pub fn serve_address() -> &'static str {
    crate::config::DEFAULT_BIND
}

fn read_or(
    path: Option<&PathBuf>,
    builtin: &'static str,
    what: &str,
) -> CliResult<std::borrow::Cow<'static, str>> {
    match path {
        Some(path) => std::fs::read_to_string(path)
            .map(std::borrow::Cow::Owned)
            .map_err(|e| CliError::Invalid(format!("{what} {}: {e}", path.display()))),
        None => Ok(std::borrow::Cow::Borrowed(builtin)),
    }
}

/// The rules this run derives under: the operator's files where configured, else the built-in ones.
pub fn rules(settings: &Settings) -> CliResult<Rules> {
    let rules_file = &settings.rules_file.value;
    let templates_file = &settings.escalation_templates_file.value;
    let rules = read_or(rules_file.as_ref(), amparo_domain::rules::BUILTIN_TOML, "rules file")?;
    let templates = read_or(
        templates_file.as_ref(),
        amparo_domain::triage::BUILTIN_ESCALATION_TOML,
        "escalation templates file",
    )?;
    let named = |path: &Option<PathBuf>, e: &amparo_store::StoreError| match path {
        Some(path) => format!("{}: {e}", path.display()),
        None => e.to_string(),
    };
    Rules::from_toml(&rules, &templates).map_err(|e| {
        let path = if e.to_string().starts_with("rule set") { rules_file } else { templates_file };
        CliError::Invalid(named(path, &e))
    })
}

/// Opens the store for an operator's command: what it records in the audit trail without a member
/// acting is recorded as the operator's (`operator:<OS user>`).
pub fn open_store(settings: &Settings, url: &str) -> CliResult<Arc<Store>> {
    let (store, _) = open_store_keyed(settings, url)?;
    store.act_as_operator(os_user().as_deref());
    Ok(store)
}

/// The operating system's name for who runs the command, when the environment says.
fn os_user() -> Option<String> {
    ["USER", "LOGNAME", "USERNAME"].iter().find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

/// Opens the store with its keys, saying where the keys came from.
pub fn open_store_keyed(settings: &Settings, url: &str) -> CliResult<(Arc<Store>, KeyOrigin)> {
    let failed = |e: amparo_store::StoreError| CliError::Failed(format!("database {}: {e}", redact_url(url)));
    let keys = &settings.keys;
    let text = keys.text.as_ref().map(|t| t.value.expose().as_str());
    let (sealer, origin) = keys_for_database(url, keys.file.value.as_deref(), text).map_err(failed)?;
    match amparo_store::open_with_options(url, rules(settings)?, sealer, &settings.database.options()) {
        Ok(store) => Ok((store, origin)),
        Err(e) => {
            // A key file made a moment ago for a database written under another key is useless
            // and would only confuse the next attempt.
            if let KeyOrigin::BesideDatabase { path, created: true } = &origin {
                let _ = std::fs::remove_file(path);
            }
            Err(failed(e))
        }
    }
}

/// The organisation named by `--org`, or the only one there is.
pub fn resolve_org(store: &Store, slug: Option<&str>) -> CliResult<Organisation> {
    let organisations = store.organisations()?;
    match slug {
        Some(slug) => organisations.into_iter().find(|o| o.slug == slug).ok_or_else(|| {
            CliError::Invalid(format!("--org: no organisation with slug {slug:?} (see `amparo org list`)"))
        }),
        None => match organisations.len() {
            1 => Ok(organisations
                .into_iter()
                .next()
                .ok_or_else(|| CliError::Failed("organisation vanished".into()))?),
            0 => Err(CliError::Invalid(
                "there is no organisation yet: create one with `amparo org add`".into(),
            )),
            n => Err(CliError::Invalid(format!(
                "this database holds {n} organisations; say which with --org ({})",
                organisations.iter().map(|o| o.slug.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        },
    }
}
