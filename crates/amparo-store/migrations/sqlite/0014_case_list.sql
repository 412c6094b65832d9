-- The case list filters and sorts on the case row alone, so what it needs of the derivation and of
-- the people is kept there, written with the derivation:
--   status        the patient's status ('paroled', 'requested', 'terminated', 'expired', 'departed', 'none');
--   patient_sort  the patient's family then given names, lower case, accents and punctuation removed;
--   due_sort      the next deadline, or '9999-12-31' without one, so that cases without a deadline
--                 sort last on both backends (they order NULLs differently);
--   search_terms  ' ' + the reference and every person's names, folded like patient_sort, so that a
--                 word prefix is a LIKE '% word%'.
ALTER TABLE cases ADD COLUMN status TEXT NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN patient_sort TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN due_sort TEXT NOT NULL DEFAULT '9999-12-31';
ALTER TABLE cases ADD COLUMN search_terms TEXT NOT NULL DEFAULT '';

-- A first fill from what SQL can compute (lower case without folding accents); every case is then
-- marked for re-derivation, which writes the status and the folded forms.
UPDATE cases SET
    due_sort = COALESCE(next_due, '9999-12-31'),
    patient_sort = COALESCE((SELECT lower(p.family_name || ' ' || p.given_name) FROM people p
                             WHERE p.org_id = cases.org_id AND p.case_id = cases.id AND p.role = 'patient'), ''),
    search_terms = ' ' || lower(reference) || COALESCE((SELECT ' ' || group_concat(lower(p.given_name || ' ' || p.family_name), ' ')
                             FROM people p WHERE p.org_id = cases.org_id AND p.case_id = cases.id), ''),
    derived_on = NULL;

-- One index per sort order besides the reference's own (org_id, reference); the triage score's
-- order among all cases (the board's index leads with is_open). Filters (status, programme,
-- critical care, due date) are checked on the rows these walk.
CREATE INDEX cases_list_patient ON cases (org_id, patient_sort, reference);
CREATE INDEX cases_list_due ON cases (org_id, due_sort, reference);
CREATE INDEX cases_list_score ON cases (org_id, triage_score, reference);
