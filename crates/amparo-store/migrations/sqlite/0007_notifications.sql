-- Notifications. One row per person and notice, written in the same transaction as what caused it
-- (an escalation opened, a task given) or by the day's computation (deadlines approaching, tasks
-- overdue, the digest). The row is the in-app notice and the email outbox at once.
CREATE TABLE notifications (
    org_id           TEXT NOT NULL,
    id               TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    kind             TEXT NOT NULL,
    case_id          TEXT,
    -- Writing a notice is idempotent: the same person is told the same thing once.
    dedupe_key       TEXT NOT NULL,
    -- The facts the message is rendered from (references, kinds, dates); never names or A-numbers.
    payload          TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    read_at          INTEGER,
    -- Email: pending until sent, failed after a permanent refusal or the last attempt, expired when
    -- it waited too long to be worth sending.
    email_state      TEXT NOT NULL CHECK (email_state IN ('pending', 'sent', 'failed', 'expired')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    -- A worker holds a message while it sends it; an expired lease lets another take it over.
    lease_owner      TEXT,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_error       TEXT,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, user_id, dedupe_key),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);
CREATE INDEX notifications_inbox ON notifications (org_id, user_id, created_at);
CREATE INDEX notifications_outbox ON notifications (org_id, email_state, next_attempt_at);

-- Every delivery attempt: started before the message goes to the mail server, finished after. An
-- attempt never finished is one a crash interrupted.
CREATE TABLE notification_attempts (
    org_id           TEXT NOT NULL,
    notification_id  TEXT NOT NULL,
    attempt          INTEGER NOT NULL,
    worker           TEXT NOT NULL,
    started_at       INTEGER NOT NULL,
    finished_at      INTEGER,
    outcome          TEXT CHECK (outcome IN ('sent', 'deferred', 'failed')),
    error            TEXT,
    PRIMARY KEY (org_id, notification_id, attempt),
    FOREIGN KEY (org_id, notification_id) REFERENCES notifications (org_id, id)
);

-- Calendar subscriptions: a secret URL per feed, of which only the SHA-256 is kept. Revoked feeds
-- stay on the record and answer 404.
CREATE TABLE calendar_feeds (
    org_id      TEXT NOT NULL,
    id          TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    -- Whose feed it is (a personal feed), or who made it (a case's feed).
    user_id     TEXT NOT NULL,
    case_id     TEXT,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (org_id, user_id);
