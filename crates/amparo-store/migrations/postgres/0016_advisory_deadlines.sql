-- A deadline the rules mark advisory (us-parole/2027.1: an asylum one-year date passed while parole
-- continues) is listed with its why but never raises an alarm: the queries that feed the dashboard,
-- the board and the reminders leave it out. 1 for advisory, 0 otherwise.
ALTER TABLE deadlines ADD COLUMN advisory BIGINT NOT NULL DEFAULT 0;
-- Deadlines are a cache of the derivation: every case is derived again on its next refresh, so the
-- rows of advisory deadlines derived before this column existed are marked.
UPDATE cases SET derived_on = NULL;
