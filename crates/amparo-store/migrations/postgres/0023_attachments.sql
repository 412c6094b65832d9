-- Files kept with a case (notices, I-94s, medical letters). The bytes are not here: each file is
-- sealed in chunks (amparo_trust::stream, bound to organisation, case and attachment) and kept in the
-- object store under `object_key`; this row is written only after its object, in the same
-- transaction as the audit entry, so a row always has its object (an object without a row is an
-- orphan that `amparo attachments sweep` removes).
--   attachments.title      what the file is, sealed (bound to organisation, table, column and case/id);
--   attachments.file_name  its name on the uploader's computer, sealed likewise (NULL when none);
--   attachments.key_id     the key its object is sealed under, so a rotation finds the old ones;
--   attachments.event_id   the timeline event it belongs to, by its file-level id;
--   attachments.person_key the person of the case it is about.
CREATE TABLE attachments (
    org_id        TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    file_name     TEXT,
    content_type  TEXT NOT NULL,
    byte_size     BIGINT NOT NULL,
    dated         TEXT,
    event_id      TEXT,
    person_key    TEXT,
    object_key    TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    uploaded_at   BIGINT NOT NULL,
    uploaded_by   TEXT,
    PRIMARY KEY (org_id, case_id, id),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);

CREATE INDEX attachments_by_key ON attachments (org_id, key_id);
