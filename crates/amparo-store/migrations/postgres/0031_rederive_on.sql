-- The next day on which a case's stored derivation (deadlines, triage, list keys, escalations) would
-- differ from what is stored: the daily refresh re-derives only the cases whose day has come. NULL
-- when nothing stored depends on days still to come. Every case is derived once more to set it.
ALTER TABLE cases ADD COLUMN rederive_on TEXT;
CREATE INDEX cases_rederive_on ON cases (org_id, rederive_on);
UPDATE cases SET derived_on = NULL;
