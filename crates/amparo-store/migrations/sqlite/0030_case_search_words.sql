-- The case list's search words: one row per distinct word of a case's `search_terms` (its reference
-- and every person's names, folded), so that a word prefix is a range on the primary key rather than
-- a `LIKE` over every case row. Written with `search_terms`, by the import and by the derivation
-- when the words change; the list still checks `search_terms` on the rows found, so the words
-- only narrow which rows are read.
CREATE TABLE case_search_words (
    org_id  TEXT NOT NULL,
    word    TEXT NOT NULL,
    case_id TEXT NOT NULL,
    PRIMARY KEY (org_id, word, case_id)
) WITHOUT ROWID;

-- The words of the cases already stored, split off `search_terms` (' ' + words separated by one space).
WITH RECURSIVE split (org_id, case_id, word, rest) AS (
    SELECT org_id, id, '', substr(search_terms, 2) || ' ' FROM cases
    UNION ALL
    SELECT org_id, case_id, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO case_search_words (org_id, word, case_id)
SELECT org_id, word, case_id FROM split WHERE word <> '';

-- The dashboard's window of deadlines is one line per day, case and kind: with `case_id` in the
-- index, in that order, the distinct lines come off it already grouped (PostgreSQL otherwise hashed
-- every deadline of the window). Both backends keep the same indexes.
CREATE INDEX deadlines_window ON deadlines (org_id, due, case_id, kind) WHERE advisory = 0;
