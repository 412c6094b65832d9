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
CREATE OR REPLACE FUNCTION amparo_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.org_id, NEW.case_id, NEW.seq, NEW.event_id, NEW.type, NEW.on_date, NEW.recorded_at, NEW.recorded_by)
            IS NOT DISTINCT FROM
            (OLD.org_id, OLD.case_id, OLD.seq, OLD.event_id, OLD.type, OLD.on_date, OLD.recorded_at, OLD.recorded_by)
        AND NEW.body LIKE 'enc:%'
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'events are append-only';
END;
$$;
