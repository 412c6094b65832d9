-- Sensitive values (A-numbers, birth dates, medical facts, event bodies, task notes) are stored
-- encrypted from now on; identifiers stay searchable by exact match through keyed hashes.
CREATE TABLE identifiers (
    org_id   TEXT NOT NULL,
    case_id  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('a_number', 'receipt', 'i94')),
    digest   TEXT NOT NULL,
    -- The key the digest was computed under; a rotation rebuilds the rows of older keys.
    key_id   TEXT NOT NULL,
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);
CREATE INDEX identifiers_digest ON identifiers (org_id, digest);
CREATE INDEX identifiers_case ON identifiers (org_id, case_id);

-- Events stay append-only. The one rewrite allowed is of the body alone, into an encrypted value:
-- sealing a body written before encryption, or re-encrypting it under a new key.
DROP TRIGGER events_append_only_update;
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
WHEN NEW.org_id IS NOT OLD.org_id OR NEW.case_id IS NOT OLD.case_id OR NEW.seq IS NOT OLD.seq
    OR NEW.event_id IS NOT OLD.event_id OR NEW.type IS NOT OLD.type OR NEW.on_date IS NOT OLD.on_date
    OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.recorded_by IS NOT OLD.recorded_by
    OR NEW.body NOT LIKE 'enc:%'
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
