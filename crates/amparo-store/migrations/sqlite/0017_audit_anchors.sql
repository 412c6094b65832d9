-- The audit chain becomes keyed: entries from here on are HMAC'd under the audit key derived from
-- the key file, and each records which key (key_id; NULL for the entries hashed with plain SHA-256
-- before this migration). Each chain's head is anchored outside the audit table, MAC'd under the
-- same key and updated in the same transaction as every append, so cutting off the newest entries
-- is detected. keyed_from is the first sequence number hashed with a key (the chains that already
-- had entries are anchored when a store first opens this schema, from their head on).
ALTER TABLE audit_log ADD COLUMN key_id TEXT;

CREATE TABLE audit_anchors (
    org_id      TEXT NOT NULL PRIMARY KEY,
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    keyed_from  INTEGER NOT NULL,
    key_id      TEXT NOT NULL,
    mac         TEXT NOT NULL
) WITHOUT ROWID;
