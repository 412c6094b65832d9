-- Deadlines are derived from the timeline by the rules engine and stored, refreshed in the same
-- transaction as every write, so "everything due in the next 30 days" is one indexed query.
-- They are a cache of the derivation, never edited by hand: the timeline stays the source of truth.
ALTER TABLE cases ADD COLUMN covered_until TEXT;
-- The day the stored derivation was computed for; a later day may add deadlines (unlawful presence).
ALTER TABLE cases ADD COLUMN derived_on TEXT;
CREATE INDEX cases_derived_on ON cases (org_id, derived_on);

CREATE TABLE deadlines (
    org_id        TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    person        TEXT,
    due           TEXT NOT NULL,
    window_opens  TEXT,
    rule          TEXT NOT NULL,
    basis         TEXT NOT NULL,
    citation      TEXT NOT NULL,
    why           TEXT NOT NULL,
    PRIMARY KEY (org_id, case_id, position),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
) WITHOUT ROWID;
-- Clustered by case (WITHOUT ROWID), so a case's rows sit together and no second key index is kept.
CREATE INDEX deadlines_due ON deadlines (org_id, due, kind);

-- Installation-wide facts, such as which rule set the stored deadlines were derived under.
CREATE TABLE amparo_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
