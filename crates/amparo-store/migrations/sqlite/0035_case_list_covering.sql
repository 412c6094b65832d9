-- The case list picks a page's case ids off one index before it reads any case row: each order's
-- index carries the list's filter columns (status, critical care, next deadline, programme, closed)
-- and the case id, so a filter is tested on the index entry, and a filtered page or capped count
-- reads only the narrow index however few cases pass it. The reference's order gets an index of its
-- own (its unique key holds no filter column). SQLite has no INCLUDE: the extra columns trail the
-- key. Kept to these short columns, since every case write and import maintains them.
DROP INDEX cases_list_patient;
DROP INDEX cases_list_due;
DROP INDEX cases_list_score;
CREATE INDEX cases_list_reference ON cases
    (org_id, reference, status, critical_care, due_sort, program, closed_at, id);
CREATE INDEX cases_list_patient ON cases
    (org_id, patient_sort, reference, status, critical_care, due_sort, program, closed_at, id);
CREATE INDEX cases_list_due ON cases
    (org_id, due_sort, reference, status, critical_care, program, closed_at, id);
CREATE INDEX cases_list_score ON cases
    (org_id, triage_score, reference, status, critical_care, due_sort, program, closed_at, id);
