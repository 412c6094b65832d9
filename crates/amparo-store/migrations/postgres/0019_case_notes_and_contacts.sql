-- Case notes (the activity log) and how to reach the people of a case.
--   case_notes.body     the note's text, sealed (bound to organisation, table, column and case/seq);
--   case_notes.author   the writer's name as it was when they wrote (staff names are kept in clear);
--   case_notes.event_id the timeline event the note is about, by its file-level id;
--   case_contacts.body  the family's and the professionals' contacts as one JSON document, sealed.
-- Neither changes what is derived from a case.
CREATE TABLE case_notes (
    org_id      TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    event_id    TEXT,
    pinned      BIGINT NOT NULL DEFAULT 0,
    body        TEXT NOT NULL,
    written_at  BIGINT NOT NULL,
    written_by  TEXT,
    author      TEXT,
    PRIMARY KEY (org_id, case_id, seq),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);

CREATE TABLE case_contacts (
    org_id      TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT,
    PRIMARY KEY (org_id, case_id),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);
