-- The critical-care board ("critical only") walks its own index in board order, and counts off it.
CREATE INDEX cases_board_critical ON cases (org_id, critical_care, is_open, triage_score DESC, reference);
