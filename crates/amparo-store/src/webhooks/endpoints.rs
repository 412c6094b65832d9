//! Registering, listing, pausing and removing webhook endpoints, each change audited with the
//! endpoint's id and event types (never its address, whose query may carry the receiver's own
//! key, nor its secret). The secret is sealed at rest under the organisation's field key.

use chrono::{DateTime, Utc};

use super::{NewWebhookEndpoint, WebhookEndpoint, WebhookEndpointId, WebhookEvent};
use crate::columns::{from_millis, millis};
use crate::db::{Row, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{OrgId, UserId};
use crate::security::seal::{Field, Sealer};
use crate::{Store, audit};

const COLUMNS: &str = "id, org_id, url, events, active, created_by, created_at";
const INSERT_ENDPOINT: &str = "INSERT INTO webhook_endpoints (org_id, id, url, secret, events, active, \
     created_by, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)";
const REMOVE_ENDPOINT: &str = "UPDATE webhook_endpoints SET removed_at = $3, active = 0 \
     WHERE org_id = $1 AND id = $2 AND removed_at IS NULL";
const SET_ACTIVE: &str = "UPDATE webhook_endpoints SET active = $3 \
     WHERE org_id = $1 AND id = $2 AND removed_at IS NULL";
/// A removed endpoint's deliveries still waiting will never be sent.
const ABANDON_PENDING: &str = "UPDATE webhook_deliveries SET state = 'failed', finished_at = $3, \
     last_error = 'the endpoint was removed', lease_owner = NULL, lease_until = NULL \
     WHERE org_id = $1 AND endpoint_id = $2 AND state = 'pending'";
const SELECT_SECRETS: &str = "SELECT org_id, id, secret FROM webhook_endpoints ORDER BY org_id, id";
const UPDATE_SECRET: &str = "UPDATE webhook_endpoints SET secret = $3 WHERE org_id = $1 AND id = $2";

/// The longest address accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2000;

fn select_live() -> String {
    format!(
        "SELECT {COLUMNS} FROM webhook_endpoints WHERE org_id = $1 AND removed_at IS NULL ORDER BY created_at, id"
    )
}

fn select_one() -> String {
    format!("SELECT {COLUMNS} FROM webhook_endpoints WHERE org_id = $1 AND id = $2 AND removed_at IS NULL")
}

fn endpoint_row(r: &Row) -> StoreResult<WebhookEndpoint> {
    Ok(WebhookEndpoint {
        id: WebhookEndpointId(r.text(0)?),
        org_id: OrgId(r.text(1)?),
        url: r.text(2)?,
        events: parse_events(&r.text(3)?)?,
        active: r.int(4)? != 0,
        created_by: r.opt_text(5)?.map(UserId),
        created_at: from_millis(r.int(6)?),
    })
}

fn parse_events(stored: &str) -> StoreResult<Vec<WebhookEvent>> {
    stored
        .split(' ')
        .map(|word| {
            WebhookEvent::parse(word).ok_or_else(|| crate::columns::corrupt("webhook_endpoints.events", word))
        })
        .collect()
}

/// An endpoint's address: `http` or `https` with a host, no credentials in it, at most
/// [`MAX_URL_BYTES`]. Whether its host may be a private address is the server's policy, checked
/// by the caller.
pub fn check_url(text: &str) -> StoreResult<url::Url> {
    let text = text.trim();
    if text.is_empty() {
        return Err(StoreError::Invalid("url: an endpoint needs an address".into()));
    }
    if text.len() > MAX_URL_BYTES {
        return Err(StoreError::Invalid(format!("url: at most {MAX_URL_BYTES} characters")));
    }
    let url = url::Url::parse(text).map_err(|e| StoreError::Invalid(format!("url: not an address ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(StoreError::Invalid(format!(
            "url: only http and https are delivered to, not {}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(StoreError::Invalid("url: the address names no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(StoreError::Invalid("url: put no user name or password in the address".into()));
    }
    Ok(url)
}

fn check_events(events: &[WebhookEvent]) -> StoreResult<String> {
    if events.is_empty() {
        return Err(StoreError::Invalid("events: choose at least one event".into()));
    }
    let mut sorted = events.to_vec();
    sorted.sort();
    sorted.dedup();
    Ok(sorted.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(" "))
}

/// Brings every endpoint's secret under the current key; how many it rewrote.
pub(crate) fn reseal_all(tx: &mut dyn Tx, sealer: &Sealer) -> StoreResult<usize> {
    let mut rewritten = 0;
    for row in tx.query(SELECT_SECRETS, &[])? {
        let (org, id, stored) = (row.text(0)?, row.text(1)?, row.text(2)?);
        if !sealer.needs_reseal(&stored) {
            continue;
        }
        let secret = sealer.open(Field::WebhookSecret, &org, &id, &stored)?;
        let sealed = sealer.seal(Field::WebhookSecret, &org, &id, &secret)?;
        tx.execute(UPDATE_SECRET, &[org.into(), id.into(), sealed.into()])?;
        rewritten += 1;
    }
    Ok(rewritten)
}

impl Store {
    /// Registers an endpoint, by `by` (an administrator, or the operator with `None`). Audited.
    pub fn create_webhook_endpoint(
        &self,
        new: &NewWebhookEndpoint<'_>,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookEndpoint> {
        let url = check_url(new.url)?.to_string();
        let events = check_events(new.events)?;
        if new.secret.len() < 32 {
            return Err(StoreError::Invalid("secret: at least 32 characters".into()));
        }
        let org = new.org;
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let id = WebhookEndpointId::generate();
            let secret = self.sealer().seal(Field::WebhookSecret, org.as_str(), id.as_str(), new.secret)?;
            tx.execute(
                INSERT_ENDPOINT,
                &[
                    org.as_str().into(),
                    id.as_str().into(),
                    url.as_str().into(),
                    secret.into(),
                    events.as_str().into(),
                    by.map(UserId::as_str).into(),
                    millis(now).into(),
                ],
            )?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: by,
                action: "webhook.created",
                target: &format!("webhook:{}", id.as_str()),
                detail: serde_json::json!({ "events": events }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)?;
            tx.query_opt(&select_one(), &[org.as_str().into(), id.as_str().into()])?
                .as_ref()
                .map(endpoint_row)
                .transpose()?
                .ok_or_else(|| StoreError::Backend("an endpoint just made vanished".into()))
        })
    }

    /// The organisation's endpoints (removed ones left out), oldest first.
    pub fn webhook_endpoints(&self, org: &OrgId) -> StoreResult<Vec<WebhookEndpoint>> {
        self.read(|tx| tx.query(&select_live(), &[org.as_str().into()])?.iter().map(endpoint_row).collect())
    }

    /// One endpoint of the organisation, unless removed.
    pub fn webhook_endpoint(
        &self,
        org: &OrgId,
        id: &WebhookEndpointId,
    ) -> StoreResult<Option<WebhookEndpoint>> {
        self.read(|tx| {
            tx.query_opt(&select_one(), &[org.as_str().into(), id.as_str().into()])?
                .as_ref()
                .map(endpoint_row)
                .transpose()
        })
    }

    /// Pauses (`false`) or resumes an endpoint: a paused one is queued nothing. Audited; an unknown
    /// or removed endpoint is `NotFound`.
    pub fn set_webhook_active(
        &self,
        org: &OrgId,
        id: &WebhookEndpointId,
        active: bool,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let params = [org.as_str().into(), id.as_str().into(), i64::from(active).into()];
            if tx.execute(SET_ACTIVE, &params)? == 0 {
                return Err(StoreError::NotFound("webhook endpoint".into()));
            }
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: by,
                action: if active { "webhook.resumed" } else { "webhook.paused" },
                target: &format!("webhook:{}", id.as_str()),
                detail: serde_json::json!({}),
            };
            audit::append(tx, &self.audit_signer(), entry, now)
        })
    }

    /// Removes an endpoint: nothing is queued for it again and what waited is marked failed; its
    /// history stays. Audited; an unknown or removed endpoint is `NotFound`.
    pub fn remove_webhook_endpoint(
        &self,
        org: &OrgId,
        id: &WebhookEndpointId,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            self.lock_audit_chain(tx, org.as_str())?;
            let key = [org.as_str().into(), id.as_str().into(), millis(now).into()];
            if tx.execute(REMOVE_ENDPOINT, &key)? == 0 {
                return Err(StoreError::NotFound("webhook endpoint".into()));
            }
            let abandoned = tx.execute(ABANDON_PENDING, &key)?;
            let entry = audit::Entry {
                chain: org.as_str(),
                actor: by,
                action: "webhook.removed",
                target: &format!("webhook:{}", id.as_str()),
                detail: serde_json::json!({ "abandoned": abandoned }),
            };
            audit::append(tx, &self.audit_signer(), entry, now)
        })
    }
}
