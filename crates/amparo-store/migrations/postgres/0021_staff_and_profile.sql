-- The organisation's profile: how it signs its letters and where families reach it, and the IANA
-- time zone its calendar days and times of day are read in (UTC for organisations from before).
ALTER TABLE organisations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE organisations ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN letter_signature TEXT NOT NULL DEFAULT '';

-- A deactivated member keeps their history but can no longer sign in; NULL while active.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;

-- One-time invitations an administrator sends; only a hash of the token is kept. `user_id` is the
-- member the accepted invitation created.
CREATE TABLE invitations (
    token_hash  TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'attorney', 'advocate', 'clinician', 'viewer')),
    created_by  TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    user_id     TEXT
);
CREATE INDEX invitations_org ON invitations (org_id, created_at);
