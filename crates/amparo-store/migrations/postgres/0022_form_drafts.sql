-- Forms kept when a session ended before they were sent: what was typed, sealed (bound to this table,
-- its column and the draft's token hash), for 30 minutes, found again only through the token in the
-- browser that sent it. A draft kept from a browser whose session cookie was gone belongs to no one
-- until someone signs in there: org_id and user_id are NULL until then, the one table whose rows may
-- lack an organisation, for at most the draft's short life. A draft is read once, by the account it
-- is bound to; a different account signing in discards it; expired drafts are deleted on read and by
-- the daily pass.
CREATE TABLE form_drafts (
    token_hash  TEXT NOT NULL PRIMARY KEY,
    org_id      TEXT,
    user_id     TEXT,
    action      TEXT NOT NULL,
    fields      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE INDEX form_drafts_by_expiry ON form_drafts (expires_at);
