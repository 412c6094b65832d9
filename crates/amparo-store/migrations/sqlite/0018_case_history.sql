-- A case's history after intake: every edit of its reference, programme, medical profile or people,
-- who made it and when, with the fields before and after. The before and after values copy sealed
-- fields (birth dates, A-numbers, medical facts), so the whole list of changes is sealed. Kept like
-- the timeline: rows are inserted, never updated or deleted, except to seal `changes` anew.
CREATE TABLE case_history (
    org_id      TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    -- The case version this change made.
    version     INTEGER NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('case_updated', 'person_added', 'person_updated', 'person_removed')),
    -- The person the change is about (their key), or NULL for the case itself.
    subject     TEXT,
    changes     TEXT NOT NULL,
    changed_at  INTEGER NOT NULL,
    changed_by  TEXT,
    PRIMARY KEY (org_id, case_id, seq),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);

CREATE TRIGGER case_history_append_only_update BEFORE UPDATE ON case_history
WHEN NEW.org_id IS NOT OLD.org_id OR NEW.case_id IS NOT OLD.case_id OR NEW.seq IS NOT OLD.seq
    OR NEW.version IS NOT OLD.version OR NEW.action IS NOT OLD.action OR NEW.subject IS NOT OLD.subject
    OR NEW.changed_at IS NOT OLD.changed_at OR NEW.changed_by IS NOT OLD.changed_by
    OR NEW.changes NOT LIKE 'enc:%'
BEGIN
    SELECT RAISE(ABORT, 'case history is append-only');
END;
CREATE TRIGGER case_history_append_only_delete BEFORE DELETE ON case_history
BEGIN
    SELECT RAISE(ABORT, 'case history is append-only');
END;

-- Events voided (recorded on the wrong case or by mistake): the event stays on the timeline as it
-- was written, and this row says who voided it, when and why (sealed, as event bodies are).
-- Derivation leaves voided events out. Append-only too.
CREATE TABLE event_voids (
    org_id     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    voided_at  INTEGER NOT NULL,
    voided_by  TEXT,
    PRIMARY KEY (org_id, case_id, seq),
    FOREIGN KEY (org_id, case_id, seq) REFERENCES events (org_id, case_id, seq)
);

CREATE TRIGGER event_voids_append_only_update BEFORE UPDATE ON event_voids
WHEN NEW.org_id IS NOT OLD.org_id OR NEW.case_id IS NOT OLD.case_id OR NEW.seq IS NOT OLD.seq
    OR NEW.voided_at IS NOT OLD.voided_at OR NEW.voided_by IS NOT OLD.voided_by
    OR NEW.reason NOT LIKE 'enc:%'
BEGIN
    SELECT RAISE(ABORT, 'event voids are append-only');
END;
CREATE TRIGGER event_voids_append_only_delete BEFORE DELETE ON event_voids
BEGIN
    SELECT RAISE(ABORT, 'event voids are append-only');
END;
