-- One-time password-reset links an admin issues; only a hash of the token is kept.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    created_by  TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);
CREATE INDEX password_resets_user ON password_resets (org_id, user_id);
