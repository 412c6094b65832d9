//! `amparo notify …`: the day's notices, email delivery, and the outbox at a glance. `amparo serve`
//! runs the same two jobs in the background.

use std::sync::Arc;

use amparo_domain::Date;
use amparo_notify::{DeliveryOptions, DeliveryReport, SmtpMailer, Texts};
use amparo_store::Store;
use clap::Subcommand;

use super::{now, open_store, resolve_org};
use crate::config::{NotifySettings, Settings};
use crate::error::{CliError, CliResult};
use crate::{DatabaseArgs, OrgArgs};

#[derive(Subcommand)]
pub enum NotifyCommand {
    /// Write the day's notices: deadline reminders, overdue tasks, digests. Safe to repeat.
    Daily {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// The day to compute for [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
    },
    /// Email every notice due for delivery once, then stop (needs the [smtp] settings).
    Send {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// How many notices wait, went out, failed or expired.
    Status {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
    },
}

/// Links in messages lead here; without `public_url`, to the address the server listens on.
pub fn base_url(settings: &NotifySettings, fallback: &str) -> String {
    settings.public_url.clone().unwrap_or_else(|| format!("http://{fallback}"))
}

fn texts() -> CliResult<Texts> {
    Texts::load().map_err(|e| CliError::Failed(e.to_string()))
}

/// Names this process in leases and attempts.
fn worker_name() -> String {
    let mut random = [0u8; 4];
    let _ = getrandom::fill(&mut random);
    let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("pid{}-{suffix}", std::process::id())
}

/// A delivery worker: the mailer and its options.
pub struct Delivery {
    mailer: SmtpMailer,
    texts: Texts,
    options: DeliveryOptions,
}

impl Delivery {
    /// `None` when no SMTP server is configured.
    pub fn configured(settings: &NotifySettings, listen: &str) -> CliResult<Option<Delivery>> {
        let Some(smtp) = &settings.smtp else { return Ok(None) };
        let mailer = SmtpMailer::new(smtp).map_err(|e| CliError::Invalid(e.to_string()))?;
        let options = DeliveryOptions::from_settings(worker_name(), base_url(settings, listen), smtp);
        Ok(Some(Delivery { mailer, texts: texts()?, options }))
    }

    pub fn run(&self, store: &Store) -> CliResult<DeliveryReport> {
        Ok(amparo_notify::deliver_due(store, &self.mailer, &self.texts, &self.options, &now)?)
    }
}

/// Re-derives stale cases and writes the day's notices for every organisation (or one).
pub fn daily(
    store: &Store,
    only: Option<&amparo_store::OrgId>,
    today: Date,
) -> CliResult<Vec<(String, amparo_store::DailyNotices)>> {
    let mut done = Vec::new();
    for org in store.organisations()?.into_iter().filter(|o| only.is_none_or(|id| *id == o.id)) {
        // Reminders read stored deadlines, which must be those of today.
        store.refresh_derived(&org.id, today, now())?;
        done.push((org.slug, store.record_daily_notices(&org.id, today, now())?));
    }
    // Forms kept across a sign-in that nobody came back for.
    store.delete_expired_form_drafts(now())?;
    Ok(done)
}

pub fn run(command: NotifyCommand, settings: &Settings) -> CliResult {
    match command {
        NotifyCommand::Daily { db, org, today } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let org = resolve_org(&store, org.org.as_deref())?;
            let today = match today {
                Some(text) => text.parse::<Date>().map_err(|e| CliError::Invalid(format!("--today: {e}")))?,
                // The organisation's day, in its time zone.
                None => store.today_for(&org.id, now())?,
            };
            for (slug, written) in daily(&store, Some(&org.id), today)? {
                say!(
                    "{slug} {today}: {} deadline reminders, {} overdue tasks, {} digests",
                    written.deadline_reminders,
                    written.overdue_tasks,
                    written.digests
                );
            }
            Ok(())
        }
        NotifyCommand::Send { db } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let delivery =
                Delivery::configured(&settings.notify, super::serve_address())?.ok_or_else(|| {
                    CliError::Invalid(
                        "email is not configured: add an [smtp] section to the configuration file".into(),
                    )
                })?;
            let report = delivery.run(&store)?;
            say!("sent {}, deferred {}, failed {}", report.sent, report.deferred, report.failed);
            Ok(())
        }
        NotifyCommand::Status { db, org } => {
            let store = open_store(settings, &settings.database(db.database))?;
            let org = resolve_org(&store, org.org.as_deref())?;
            let status = store.outbox_status(&org.id)?;
            say!(
                "{}: {} pending, {} sent, {} failed, {} expired{}",
                org.slug,
                status.pending,
                status.sent,
                status.failed,
                status.expired,
                if settings.notify.smtp.is_none() {
                    " (email is not configured: notices stay in the app)"
                } else {
                    ""
                }
            );
            Ok(())
        }
    }
}

/// Runs the delivery worker in the background of `amparo serve`, every few seconds.
pub fn spawn_delivery(store: Arc<Store>, delivery: Delivery) {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(10);
    let spawned = std::thread::Builder::new().name("notify-delivery".into()).spawn(move || {
        loop {
            match delivery.run(&store) {
                Ok(report) if report.sent + report.deferred + report.failed > 0 => {
                    tracing::info!(
                        sent = report.sent,
                        deferred = report.deferred,
                        failed = report.failed,
                        "notifications delivered"
                    )
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "notification delivery failed"),
            }
            std::thread::sleep(EVERY);
        }
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "could not start the notification delivery worker");
    }
}
