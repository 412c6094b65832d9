-- A stored deadline keeps the facts its explanation is made of (the rule's *why* variant and the few
-- values its wording prints), not the rendered sentence; its basis and citation come from the rule.
-- Reads render the text with the rule set the deadline was derived under, so what is shown does not
-- change, and each row is a fraction of its former size.
-- Deadlines are a cache of the derivation: the old rows are dropped and every case is derived again
-- on its next refresh (`amparo deadlines` and `amparo serve` refresh before they read).
DROP TABLE deadlines;
CREATE TABLE deadlines (
    org_id        TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    person        TEXT,
    due           TEXT NOT NULL,
    window_opens  TEXT,
    rule          TEXT NOT NULL,
    why_variant   TEXT NOT NULL,
    -- A JSON object: placeholder name → the text it prints.
    why_facts     TEXT NOT NULL,
    PRIMARY KEY (org_id, case_id, position),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
) WITHOUT ROWID;
CREATE INDEX deadlines_due ON deadlines (org_id, due, kind);
UPDATE cases SET derived_on = NULL;
