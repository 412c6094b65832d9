-- Documents generated from the record (medical letter, cover letter, packet, family letter): which
-- data and template each came from, so that generating it again can say what changed.
--   documents.template_version  the main template's declared version and a digest of every template
--                               file it was typeset from;
--   documents.data_hash         one digest of the data it printed and the files it placed;
--   documents.fingerprint       JSON: a digest per fact printed (path → digest), never a value, so
--                               the comparison names facts without keeping an unsealed copy of them;
--   documents.attachment_id     the attachment the PDF was kept as (an attested medical letter);
--   documents.created_by        a member's id, or NULL for the operator on the command line.
-- Rows are never updated: each generation is a new row.
CREATE TABLE documents (
    org_id            TEXT NOT NULL,
    case_id           TEXT NOT NULL,
    id                TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('medical-letter', 'cover-letter', 'packet', 'family-letter')),
    language          TEXT NOT NULL,
    template_version  TEXT NOT NULL,
    data_hash         TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    attachment_id     TEXT,
    created_by        TEXT,
    created_at        BIGINT NOT NULL,
    PRIMARY KEY (org_id, case_id, id),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);

CREATE INDEX documents_by_kind ON documents (org_id, case_id, kind, language, created_at);
