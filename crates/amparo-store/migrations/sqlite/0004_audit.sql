-- The audit trail: one hash chain per organisation ('' holds installation-wide entries such as a
-- change of rule set). Each entry's hash covers the previous one, so an edited, deleted or reordered
-- entry is detected by `amparo audit verify`. Details never hold sensitive values.
CREATE TABLE audit_log (
    org_id  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    at_ms   INTEGER NOT NULL,
    actor   TEXT,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    hash    TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
