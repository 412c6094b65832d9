-- The case list's search words: one row per distinct word of a case's `search_terms` (its reference
-- and every person's names, folded), so that a word prefix is a range on the primary key rather than
-- a `LIKE` over every case row. Written with `search_terms`, by the import and by the derivation
-- when the words change; the list still checks `search_terms` on the rows found, so the words
-- only narrow which rows are read. Bytewise order ("C"), like `search_terms`, so that a prefix is a
-- range on both backends.
CREATE TABLE case_search_words (
    org_id  TEXT NOT NULL,
    word    TEXT COLLATE "C" NOT NULL,
    case_id TEXT NOT NULL,
    PRIMARY KEY (org_id, word, case_id)
);

INSERT INTO case_search_words (org_id, word, case_id)
SELECT DISTINCT c.org_id, w.word, c.id
FROM cases c, regexp_split_to_table(btrim(c.search_terms), ' +') AS w (word)
WHERE w.word <> '';

-- The dashboard's window of deadlines is one line per day, case and kind: with `case_id` in the
-- index, in that order, the distinct lines come off it already grouped, instead of every deadline
-- of the window being hashed.
CREATE INDEX deadlines_window ON deadlines (org_id, due, case_id, kind) WHERE advisory = 0;
