//! The delivery worker: takes messages from the outbox under a lease, sends each, and records how
//! every attempt ended, retrying transient failures with exponential backoff.
//!
//! What the reader gets, exactly once:
//! - In the app, each notice is one row, written once (its key is unique per person).
//! - By email, a message is marked sent only after the mail server accepted it, and one worker holds
//!   it at a time (the lease). A worker killed before the server's acceptance leaves the message
//!   pending; it is sent once its lease runs out. The one window left is between the server's
//!   acceptance and the commit that marks the message sent (a single local write): a crash there
//!   sends the message again, with the same Message-ID, which mail stores use to show it once. Such
//!   a resend is logged, and the interrupted attempt stays on the record.

use amparo_store::{DeliveryOutcome, DeliveryResult, OutboxClaim, OutboxMessage, Store, StoreError};
use chrono::{DateTime, Duration, Utc};

use crate::mail::{Mailer, Outgoing, SendError};
use crate::render::render;
use crate::texts::Texts;

/// How the worker behaves.
#[derive(Clone, Debug)]
pub struct DeliveryOptions {
    /// Names this worker in leases and attempts.
    pub worker: String,
    /// The site's public address, for links in messages.
    pub base_url: String,
    /// The domain of Message-IDs (the sender's domain).
    pub message_id_domain: String,
    /// How long a message is held by a worker sending it; longer than a send can take.
    pub lease: Duration,
    /// The wait before the first retry; each further retry waits twice as long.
    pub retry_base: Duration,
    /// The longest wait between retries.
    pub retry_cap: Duration,
    /// Attempts before a message is given up as failed.
    pub max_attempts: i64,
    /// Messages older than this are not emailed any more (they stay in the app).
    pub max_age: Duration,
}

impl DeliveryOptions {
    pub fn new(worker: String, base_url: String, message_id_domain: String) -> DeliveryOptions {
        DeliveryOptions {
            worker,
            base_url,
            message_id_domain,
            lease: Duration::minutes(5),
            retry_base: Duration::minutes(1),
            retry_cap: Duration::hours(6),
            max_attempts: 10,
            max_age: Duration::days(3),
        }
    }

    /// The options the operator's mail settings give.
    pub fn from_settings(
        worker: String,
        base_url: String,
        settings: &crate::mail::SmtpSettings,
    ) -> DeliveryOptions {
        let seconds =
            |d: std::time::Duration| Duration::seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 1000));
        // The lease must outlast one send, or a slow server would let a second worker send it too.
        let lease = seconds(settings.lease).max(seconds(settings.timeout) * 3);
        DeliveryOptions {
            lease,
            retry_base: seconds(settings.retry),
            max_attempts: i64::from(settings.max_attempts),
            ..DeliveryOptions::new(worker, base_url, domain_of(&settings.from))
        }
    }

    /// When attempt number `attempt` (from 1) failed at `now`, the next one's time.
    pub fn retry_at(&self, attempt: i64, now: DateTime<Utc>) -> DateTime<Utc> {
        let exponent = u32::try_from((attempt - 1).clamp(0, 20)).unwrap_or(20);
        let wait = self.retry_base.checked_mul(2_i32.saturating_pow(exponent)).unwrap_or(self.retry_cap);
        now + wait.min(self.retry_cap)
    }
}

/// What one run delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
}

/// The sender's domain, for Message-IDs: what follows the `@` of the from-address.
pub fn domain_of(from: &str) -> String {
    from.rsplit('@').next().map(|d| d.trim_end_matches('>').trim().to_owned()).unwrap_or_default()
}

fn attempt_one(
    mailer: &dyn Mailer,
    texts: &Texts,
    options: &DeliveryOptions,
    (message, zone): (&OutboxMessage, amparo_domain::TimeZone),
    now: DateTime<Utc>,
) -> DeliveryResult {
    let rendered = render(
        texts,
        message.language,
        zone,
        message.kind,
        &message.facts,
        message.case_id.as_ref(),
        &options.base_url,
    );
    let outgoing = Outgoing {
        to: &message.email,
        message_id: format!("{}@{}", message.id, options.message_id_domain),
        subject: &rendered.subject,
        text: &rendered.text,
        html: &rendered.html,
    };
    match mailer.send(&outgoing) {
        Ok(()) => DeliveryResult::Sent,
        Err(SendError::Permanent(error)) => DeliveryResult::Failed { error },
        Err(SendError::Transient(error)) if message.attempt >= options.max_attempts => {
            DeliveryResult::Failed { error: format!("gave up after {} attempts: {error}", message.attempt) }
        }
        Err(SendError::Transient(error)) => {
            DeliveryResult::Deferred { error, retry_at: options.retry_at(message.attempt, now) }
        }
    }
}

/// Sends every message due, one at a time, in every organisation, until none is left; `clock` gives
/// the current time (read at the edge that calls this).
pub fn deliver_due(
    store: &Store,
    mailer: &dyn Mailer,
    texts: &Texts,
    options: &DeliveryOptions,
    clock: &dyn Fn() -> DateTime<Utc>,
) -> Result<DeliveryReport, StoreError> {
    let mut report = DeliveryReport::default();
    for org in store.organisations()? {
        // Times of day in a message are the organisation's.
        let zone = store.time_zone(&org.id)?;
        loop {
            let now = clock();
            let claim = OutboxClaim {
                worker: options.worker.clone(),
                now,
                lease: options.lease,
                // One at a time: a worker killed mid-batch then holds one message, not a batch.
                limit: 1,
                expire_before: now - options.max_age,
            };
            let claimed = store.claim_outbox(&org.id, &claim)?;
            if claimed.is_empty() {
                break;
            }
            for message in claimed {
                if message.interrupted_before {
                    tracing::warn!(
                        notification = %message.id,
                        attempt = message.attempt,
                        "an earlier attempt was interrupted; sending again with the same Message-ID"
                    );
                }
                let result = attempt_one(mailer, texts, options, (&message, zone), now);
                match &result {
                    DeliveryResult::Sent => report.sent += 1,
                    DeliveryResult::Deferred { error, .. } => {
                        tracing::warn!(notification = %message.id, attempt = message.attempt, %error, "delivery deferred");
                        report.deferred += 1;
                    }
                    DeliveryResult::Failed { error } => {
                        tracing::error!(notification = %message.id, attempt = message.attempt, %error, "delivery failed");
                        report.failed += 1;
                    }
                }
                let outcome = DeliveryOutcome {
                    id: message.id.clone(),
                    worker: options.worker.clone(),
                    attempt: message.attempt,
                    now: clock(),
                    result,
                };
                if !store.settle_delivery(&org.id, &outcome)? {
                    tracing::warn!(notification = %message.id, "lease lost before the outcome was recorded");
                }
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_a_cap() {
        let options = DeliveryOptions::new("w".into(), "http://x".into(), "x".into());
        let now = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(options.retry_at(1, now) - now, Duration::minutes(1));
        assert_eq!(options.retry_at(2, now) - now, Duration::minutes(2));
        assert_eq!(options.retry_at(4, now) - now, Duration::minutes(8));
        assert_eq!(options.retry_at(30, now) - now, Duration::hours(6));
    }

    #[test]
    fn message_ids_use_the_senders_domain() {
        assert_eq!(domain_of("Amparo <reminders@legal-aid.example.org>"), "legal-aid.example.org");
        assert_eq!(domain_of("a@b.example"), "b.example");
    }
}
