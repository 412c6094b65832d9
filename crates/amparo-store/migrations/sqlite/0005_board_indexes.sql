-- The board walks open cases by score, highest first, ties by reference: one index in that order,
-- so the first page is read straight off it.
DROP INDEX cases_board;
CREATE INDEX cases_board ON cases (org_id, is_open, triage_score DESC, reference);
-- Open escalations are counted per case.
DROP INDEX escalations_open;
DROP INDEX escalations_case;
CREATE INDEX escalations_case ON escalations (org_id, case_id, closed_at);
