//! `amparo webhook …`: an organisation's webhook endpoints from the command line, as an
//! administrator has them on the settings page: list them, add one (its signing secret printed
//! once), pause, resume or remove one, and read its delivery history. Every change is audited
//! as the operator's; an address is checked against the server's policy (`webhooks_allow_private`)
//! as the page checks it.

use amparo_store::webhooks::{WebhookDelivery, WebhookEndpoint, WebhookEndpointId, WebhookEvent, check_url};
use amparo_store::{NewWebhookEndpoint, Organisation, Store, StoreError};
use amparo_web::webhooks::address::AddressPolicy;
use amparo_web::webhooks::signature;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::Subcommand;

use super::{now, open_store, resolve_org};
use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{DatabaseArgs, OrgArgs};

/// The most deliveries `deliveries` lists.
const MAX_LIMIT: i64 = 500;

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// The organisation's endpoints, oldest first (removed ones left out; never their secrets).
    List {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long)]
        json: bool,
    },
    /// Register an endpoint; its signing secret is printed once, on standard output.
    Add {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// The address deliveries are posted to (http or https; a public address unless the
        /// server allows private ones).
        #[arg(long)]
        url: String,
        /// An event it is told of; repeat it, or separate with commas: case.created,
        /// event.recorded, escalation.opened, escalation.closed, task.overdue, deadline.reminder.
        #[arg(long = "event", value_name = "EVENT", required = true, value_delimiter = ',')]
        events: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Pause an endpoint: nothing is queued for it until it is resumed; its history stays.
    Pause {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long)]
        id: String,
    },
    /// Resume a paused endpoint: what happens from now on is queued for it again.
    Resume {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long)]
        id: String,
    },
    /// Remove an endpoint: what waited for it is marked failed; its history stays.
    Remove {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long)]
        id: String,
    },
    /// An endpoint's latest deliveries, newest first.
    Deliveries {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long)]
        id: String,
        /// At most this many (1 to 500).
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: WebhookCommand, settings: &Settings) -> CliResult {
    match command {
        WebhookCommand::List { db, org, json } => {
            let (store, organisation) = open(settings, db, &org)?;
            list(&store.webhook_endpoints(&organisation.id)?, json)
        }
        WebhookCommand::Add { db, org, url, events, json } => {
            let events = parse_events(&events)?;
            let policy = AddressPolicy::allowing_private(settings.api.webhooks_allow_private.value);
            let parsed = check_url(&url).map_err(|e| CliError::Invalid(format!("--{e}")))?;
            policy.check_written(&parsed).map_err(|e| CliError::Invalid(format!("--{e}")))?;
            let (store, organisation) = open(settings, db, &org)?;
            let secret = signature::new_secret().map_err(|e| CliError::Failed(format!("randomness: {e}")))?;
            let new = NewWebhookEndpoint {
                org: &organisation.id,
                url: parsed.as_str(),
                secret: &secret,
                events: &events,
            };
            let endpoint = store.create_webhook_endpoint(&new, None, now())?;
            if json {
                let mut row = endpoint_json(&endpoint);
                row["secret"] = serde_json::Value::String(secret);
                return print_json(&row);
            }
            eprintln!(
                "added webhook {} in {}; its signing secret is shown once, keep it now:",
                endpoint.id.as_str(),
                organisation.slug
            );
            say!("{secret}");
            Ok(())
        }
        WebhookCommand::Pause { db, org, id } => set_active(settings, db, &org, &id, false),
        WebhookCommand::Resume { db, org, id } => set_active(settings, db, &org, &id, true),
        WebhookCommand::Remove { db, org, id } => {
            let (store, organisation) = open(settings, db, &org)?;
            let endpoint = WebhookEndpointId(id.trim().to_owned());
            store
                .remove_webhook_endpoint(&organisation.id, &endpoint, None, now())
                .map_err(|e| not_found(e, &endpoint, &organisation))?;
            say!("removed webhook {}", endpoint.as_str());
            Ok(())
        }
        WebhookCommand::Deliveries { db, org, id, limit, json } => {
            if !(1..=MAX_LIMIT).contains(&limit) {
                return Err(CliError::Invalid(format!("--limit: expected 1 to {MAX_LIMIT}")));
            }
            let (store, organisation) = open(settings, db, &org)?;
            let endpoint = WebhookEndpointId(id.trim().to_owned());
            if store.webhook_endpoint(&organisation.id, &endpoint)?.is_none() {
                return Err(not_found(StoreError::NotFound("webhook".into()), &endpoint, &organisation));
            }
            deliveries(&store.webhook_deliveries(&organisation.id, &endpoint, limit)?, json)
        }
    }
}

fn open(
    settings: &Settings,
    db: DatabaseArgs,
    org: &OrgArgs,
) -> CliResult<(std::sync::Arc<Store>, Organisation)> {
    let store = open_store(settings, &settings.database(db.database))?;
    let organisation = resolve_org(&store, org.org.as_deref())?;
    Ok((store, organisation))
}

fn parse_events(words: &[String]) -> CliResult<Vec<WebhookEvent>> {
    let known = || WebhookEvent::ALL.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ");
    words
        .iter()
        .map(|word| {
            WebhookEvent::parse(word.trim()).ok_or_else(|| {
                CliError::Invalid(format!("--event: {word:?} is not an event; expected one of {}", known()))
            })
        })
        .collect()
}

fn set_active(settings: &Settings, db: DatabaseArgs, org: &OrgArgs, id: &str, active: bool) -> CliResult {
    let (store, organisation) = open(settings, db, org)?;
    let endpoint = WebhookEndpointId(id.trim().to_owned());
    store
        .set_webhook_active(&organisation.id, &endpoint, active, None, now())
        .map_err(|e| not_found(e, &endpoint, &organisation))?;
    say!("{} webhook {}", if active { "resumed" } else { "paused" }, endpoint.as_str());
    Ok(())
}

/// A store's "not found" as the operator reads it: the `--id` that names nothing.
fn not_found(error: StoreError, id: &WebhookEndpointId, organisation: &Organisation) -> CliError {
    match error {
        StoreError::NotFound(_) => {
            CliError::Invalid(format!("--id: no webhook {:?} in {}", id.as_str(), organisation.slug))
        }
        other => other.into(),
    }
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn endpoint_json(endpoint: &WebhookEndpoint) -> serde_json::Value {
    serde_json::json!({
        "id": endpoint.id.as_str(),
        "url": endpoint.url,
        "events": endpoint.events.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        "active": endpoint.active,
        "created_by": endpoint.created_by.as_ref().map(|u| u.as_str()),
        "created_at": time(endpoint.created_at),
    })
}

fn print_json(value: &serde_json::Value) -> CliResult {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Failed(e.to_string()))?;
    say!("{text}");
    Ok(())
}

fn list(endpoints: &[WebhookEndpoint], json: bool) -> CliResult {
    if json {
        return print_json(&serde_json::Value::Array(endpoints.iter().map(endpoint_json).collect()));
    }
    for e in endpoints {
        let events: Vec<&str> = e.events.iter().map(|e| e.as_str()).collect();
        say!(
            "{}  {:<6}  {}  {}  {}",
            e.id.as_str(),
            if e.active { "active" } else { "paused" },
            e.created_at.format("%Y-%m-%d %H:%M"),
            events.join(","),
            e.url
        );
    }
    Ok(())
}

fn deliveries(found: &[WebhookDelivery], json: bool) -> CliResult {
    if json {
        let rows = found
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": d.id.as_str(),
                    "event": d.event.as_str(),
                    "state": d.state.as_str(),
                    "attempts": d.attempts,
                    "next_attempt_at": time(d.next_attempt_at),
                    "last_status": d.last_status,
                    "last_error": d.last_error,
                    "created_at": time(d.created_at),
                    "finished_at": d.finished_at.map(time),
                    "payload": serde_json::from_str::<serde_json::Value>(&d.payload).unwrap_or_default(),
                })
            })
            .collect();
        return print_json(&serde_json::Value::Array(rows));
    }
    for d in found {
        say!(
            "{}  {:<17}  {:<9}  attempts {}  {}{}",
            d.id.as_str(),
            d.event.as_str(),
            d.state.as_str(),
            d.attempts,
            d.last_status.map(|s| format!("last answer {s}")).unwrap_or_else(|| "no answer".into()),
            d.last_error.as_deref().map(|e| format!(": {e}")).unwrap_or_default()
        );
    }
    Ok(())
}
