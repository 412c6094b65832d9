-- A case's history after intake: every edit of its reference, programme, medical profile or people,
-- who made it and when, with the fields before and after. The before and after values copy sealed
-- fields (birth dates, A-numbers, medical facts), so the whole list of changes is sealed. Kept like
-- the timeline: rows are inserted, never updated or deleted, except to seal `changes` anew.
CREATE TABLE case_history (
    org_id      TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    -- The case version this change made.
    version     BIGINT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('case_updated', 'person_added', 'person_updated', 'person_removed')),
    -- The person the change is about (their key), or NULL for the case itself.
    subject     TEXT,
    changes     TEXT NOT NULL,
    changed_at  BIGINT NOT NULL,
    changed_by  TEXT,
    PRIMARY KEY (org_id, case_id, seq),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);

CREATE FUNCTION amparo_case_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.org_id, NEW.case_id, NEW.seq, NEW.version, NEW.action, NEW.subject, NEW.changed_at, NEW.changed_by)
            IS NOT DISTINCT FROM
            (OLD.org_id, OLD.case_id, OLD.seq, OLD.version, OLD.action, OLD.subject, OLD.changed_at, OLD.changed_by)
        AND NEW.changes LIKE 'enc:%'
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case history is append-only';
END;
$$;
CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON case_history
    FOR EACH ROW EXECUTE FUNCTION amparo_case_history_append_only();

-- Events voided (recorded on the wrong case or by mistake): the event stays on the timeline as it
-- was written, and this row says who voided it, when and why (sealed, as event bodies are).
-- Derivation leaves voided events out. Append-only too.
CREATE TABLE event_voids (
    org_id     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    voided_at  BIGINT NOT NULL,
    voided_by  TEXT,
    PRIMARY KEY (org_id, case_id, seq),
    FOREIGN KEY (org_id, case_id, seq) REFERENCES events (org_id, case_id, seq)
);

CREATE FUNCTION amparo_event_voids_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.org_id, NEW.case_id, NEW.seq, NEW.voided_at, NEW.voided_by)
            IS NOT DISTINCT FROM
            (OLD.org_id, OLD.case_id, OLD.seq, OLD.voided_at, OLD.voided_by)
        AND NEW.reason LIKE 'enc:%'
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'event voids are append-only';
END;
$$;
CREATE TRIGGER event_voids_append_only BEFORE UPDATE OR DELETE ON event_voids
    FOR EACH ROW EXECUTE FUNCTION amparo_event_voids_append_only();
