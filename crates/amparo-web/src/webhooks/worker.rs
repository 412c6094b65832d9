//! The delivery worker: leases due deliveries from the store's outbox, resolves the endpoint's
//! host once and checks those addresses against the server's policy, posts the payload signed to
//! exactly those addresses, and settles each attempt. A 2xx answer delivers it; any other answer,
//! a timeout or a refused connection is retried with the store's backoff; an address the policy
//! refuses fails at once. Time is a parameter, so a test drives retries by passing later times.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use amparo_store::webhooks::{ClaimedDelivery, DeliveryClaim, WebhookAttempt};
use amparo_store::{Store, StoreResult};
use chrono::{DateTime, Duration, Utc};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::address::{AddressPolicy, Lookup, SystemLookup};
use super::signature;

/// How long one attempt may take, connecting included.
const ATTEMPT_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// How long a worker holds a delivery before another may take it (well past the timeout).
const LEASE: Duration = Duration::seconds(120);
/// Deliveries leased per organisation per pass.
const BATCH: i64 = 50;
/// The most of an error text kept in the delivery's history.
const ERROR_CHARS: usize = 300;

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub delivered: usize,
    pub retried_or_failed: usize,
}

/// Posts due deliveries.
pub struct WebhookWorker {
    store: Arc<Store>,
    policy: AddressPolicy,
    lookup: Arc<dyn Lookup>,
    config: ureq::config::Config,
    name: String,
}

/// A resolver that answers the addresses already resolved and checked, never asking DNS again:
/// the connection goes where the check looked.
#[derive(Debug)]
struct Pinned(Vec<SocketAddr>);

impl Resolver for Pinned {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut addresses = self.empty();
        for address in &self.0 {
            // Sixteen at most, as ureq keeps; the rest are checked but never tried.
            if addresses.try_push(*address).is_err() {
                break;
            }
        }
        if addresses.is_empty() { Err(ureq::Error::HostNotFound) } else { Ok(addresses) }
    }
}

impl WebhookWorker {
    pub fn new(store: Arc<Store>, policy: AddressPolicy) -> WebhookWorker {
        WebhookWorker::with_lookup(store, policy, Arc::new(SystemLookup))
    }

    /// A worker that finds hosts' addresses with `lookup` (a stub name server in tests).
    pub fn with_lookup(store: Arc<Store>, policy: AddressPolicy, lookup: Arc<dyn Lookup>) -> WebhookWorker {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(ATTEMPT_TIMEOUT))
            .max_redirects(0)
            .http_status_as_error(false)
            // Straight to the checked address: a proxy would resolve the name again itself.
            .proxy(None)
            .user_agent("Amparo-Webhooks/1")
            .build();
        let name = format!("webhooks-{}", uuid::Uuid::now_v7());
        WebhookWorker { store, policy, lookup, config, name }
    }

    /// Leases and attempts every delivery due at `now`, organisation by organisation.
    pub fn deliver_due(&self, now: DateTime<Utc>) -> StoreResult<Pass> {
        let mut pass = Pass::default();
        for org in self.store.organisations()? {
            let claim = DeliveryClaim { worker: self.name.clone(), now, lease: LEASE, limit: BATCH };
            for delivery in self.store.claim_webhook_deliveries(&org.id, &claim)? {
                let outcome = self.attempt(&delivery, now);
                match &outcome {
                    WebhookAttempt::Delivered { .. } => pass.delivered += 1,
                    WebhookAttempt::Failed { .. } | WebhookAttempt::Refused { .. } => {
                        // Ids only: the address may carry the receiver's own key.
                        tracing::warn!(
                            delivery = %delivery.id,
                            endpoint = %delivery.endpoint_id,
                            attempt = delivery.attempt,
                            "webhook delivery failed"
                        );
                        pass.retried_or_failed += 1;
                    }
                }
                self.store.settle_webhook_delivery(&org.id, &delivery.id, &self.name, &outcome, now)?;
            }
        }
        Ok(pass)
    }

    fn attempt(&self, delivery: &ClaimedDelivery, now: DateTime<Utc>) -> WebhookAttempt {
        let url = match amparo_store::webhooks::check_url(&delivery.url) {
            Ok(url) => url,
            Err(e) => return WebhookAttempt::Refused { error: e.to_string() },
        };
        let addresses = match self.policy.resolve(&url, self.lookup.as_ref()) {
            Ok(addresses) => addresses,
            Err(refusal) => return WebhookAttempt::Refused { error: refusal.to_string() },
        };
        // An agent per attempt, bound to the addresses just checked (TLS still names the host).
        let agent = ureq::Agent::with_parts(self.config.clone(), DefaultConnector::new(), Pinned(addresses));
        let body = delivery.payload.as_bytes();
        let signed = match signature::sign(delivery.secret.expose(), now.timestamp(), body) {
            Ok(signed) => signed,
            Err(e) => return WebhookAttempt::Refused { error: format!("cannot sign: {e}") },
        };
        let sent = agent
            .post(url.as_str())
            .header("Content-Type", "application/json")
            .header(signature::HEADER, &signed)
            .header("Amparo-Event", &delivery.event_type)
            .header("Amparo-Delivery", delivery.id.as_str())
            .send(body);
        match sent {
            Ok(response) => {
                let status = i64::from(response.status().as_u16());
                if response.status().is_success() {
                    WebhookAttempt::Delivered { status }
                } else {
                    WebhookAttempt::Failed { status: Some(status), error: format!("answered {status}") }
                }
            }
            Err(e) => WebhookAttempt::Failed { status: None, error: shorten(&e.to_string()) },
        }
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(ERROR_CHARS).collect()
}

/// Runs a worker on its own thread for as long as the process lives, a pass every few seconds.
pub fn spawn(store: Arc<Store>, policy: AddressPolicy, clock: Arc<dyn crate::Clock>) {
    let spawned = std::thread::Builder::new().name("webhooks".into()).spawn(move || {
        let worker = WebhookWorker::new(store, policy);
        loop {
            if let Err(error) = worker.deliver_due(clock.now()) {
                tracing::error!(%error, "webhook delivery pass failed");
            }
            std::thread::sleep(StdDuration::from_secs(5));
        }
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "the webhook worker could not start");
    }
}
