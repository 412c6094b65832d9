-- The case list picks a page's case ids off one index before it reads any case row: each order's
-- index carries the list's filter columns (status, critical care, next deadline, programme, closed)
-- and the case id as INCLUDE columns, kept in the index's leaves but not in its key, so a filtered
-- page or capped count is an index-only scan that tests the filters on the index entry, however few
-- cases pass them. The reference's order gets an index of its own (its unique key holds no filter
-- column). Kept to these short columns, since every case write and import maintains them.
DROP INDEX cases_list_patient;
DROP INDEX cases_list_due;
DROP INDEX cases_list_score;
CREATE INDEX cases_list_reference ON cases (org_id, reference)
    INCLUDE (status, critical_care, due_sort, program, closed_at, id);
CREATE INDEX cases_list_patient ON cases (org_id, patient_sort, reference)
    INCLUDE (status, critical_care, due_sort, program, closed_at, id);
CREATE INDEX cases_list_due ON cases (org_id, due_sort, reference)
    INCLUDE (status, critical_care, program, closed_at, id);
CREATE INDEX cases_list_score ON cases (org_id, triage_score, reference)
    INCLUDE (status, critical_care, due_sort, program, closed_at, id);
