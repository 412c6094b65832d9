-- The audit trail: one hash chain per organisation ('' holds installation-wide entries such as a
-- change of rule set). Each entry's hash covers the previous one, so an edited, deleted or reordered
-- entry is detected by `amparo audit verify`. Details never hold sensitive values.
CREATE TABLE audit_log (
    org_id  TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    at_ms   BIGINT NOT NULL,
    actor   TEXT,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    hash    TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);

CREATE FUNCTION amparo_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION amparo_audit_append_only();
