-- API tokens: a person's own (`personal`, acting as them) or an organisation's for an integration
-- (`organisation`, acting as the service account named by user_id). Only the SHA-256 of the token's
-- text is kept; the text names its organisation, so one lookup by (org_id, token_hash) finds it.
-- A token is never deleted: revoking it stamps revoked_at, and its rows stay for the audit trail.
CREATE TABLE api_tokens (
    org_id        TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('personal', 'organisation')),
    -- Whom the token acts as.
    user_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    scope         TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    -- Who made it: a member's id, or NULL for the operator on the command line.
    created_by    TEXT,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT,
    last_used_at  BIGINT,
    revoked_at    BIGINT,
    revoked_by    TEXT,
    PRIMARY KEY (org_id, token_hash),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);

CREATE UNIQUE INDEX api_tokens_by_id ON api_tokens (org_id, id);
CREATE INDEX api_tokens_by_user ON api_tokens (org_id, user_id);
