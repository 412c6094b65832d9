-- The critical-care board ("critical only") walks an index of the critical cases alone. It held
-- every case, keyed by `critical_care` first, so each change of any case's score moved an entry
-- in it: on a new day the daily job re-scores thousands of cases, and each, in critical care or
-- not, wrote a page of this index besides the board's own. The board's query states
-- `c.critical_care = 1` as written here, which is what lets both engines choose the partial index.
DROP INDEX cases_board_critical;
CREATE INDEX cases_board_critical ON cases (org_id, is_open, triage_score DESC, reference) WHERE critical_care = 1;
