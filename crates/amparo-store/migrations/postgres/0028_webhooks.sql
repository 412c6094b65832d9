-- Webhooks: endpoints an organisation's administrators register, and the deliveries the outbox
-- keeps for them.
--   webhook_endpoints.secret      the signing secret, sealed (bound to organisation, table, column and
--                                 id): the worker needs it in clear to sign, so it cannot be a hash;
--   webhook_endpoints.events      the event types it receives, space-separated (`case.created` …);
--   webhook_endpoints.removed_at  an endpoint is never deleted while its history is kept: removing it
--                                 stamps this, and no delivery is queued for it again.
CREATE TABLE webhook_endpoints (
    org_id       TEXT NOT NULL,
    id           TEXT NOT NULL,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    events       TEXT NOT NULL,
    active       BIGINT NOT NULL,
    created_by   TEXT,
    created_at   BIGINT NOT NULL,
    removed_at   BIGINT,
    PRIMARY KEY (org_id, id)
);

-- One event for one endpoint, queued in the transaction of the write that caused it. The payload
-- holds ids only (never names, A-numbers or any sealed value). A worker leases a due delivery,
-- posts it signed, and settles it: delivered, or retried later with backoff, or failed for good.
CREATE TABLE webhook_deliveries (
    org_id           TEXT NOT NULL,
    id               TEXT NOT NULL,
    endpoint_id      TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    -- What the delivery is about (`task.overdue:<task id>` …): one delivery per endpoint and key, so
    -- the daily pass run twice queues nothing twice.
    dedupe_key       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    lease_owner      TEXT,
    lease_until      BIGINT,
    last_status      BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    finished_at      BIGINT,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, endpoint_id) REFERENCES webhook_endpoints (org_id, id)
);

CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (org_id, endpoint_id, dedupe_key);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (org_id, state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (org_id, endpoint_id, created_at);
