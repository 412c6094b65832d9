-- Two kinds of list read far more than they return, and now read narrow index ranges instead:
--
-- A list filtered by status counts its cases off an index leading with the status: the cases of one
-- status are one range of it, read up to the count's cap, instead of every case of the organisation
-- walked in an order's index until a thousand of that status pass (one case in ten for `expired` in
-- the demo). It carries the other filter columns and the case id, so a count that uses it tests them
-- on the index entry. A page still comes off its order's index (it needs the order, which this index
-- does not hold); a search's cases come off its words, which the list asks for by writing the status
-- test so that it cannot draw SQLite to this index (`case_list::conditions`).
--
-- A search tests `search_terms` on each case it considers, which read the case's wide row (triage
-- reasons, sealed facts: about 1.1 KB, three cases to a page) for a few dozen bytes. The order
-- indexes now carry it after their other columns (a search's page walks one of them, testing
-- each entry), and a new index keyed by the case id carries it with the filter and order columns (the
-- cases a search's words name are looked up there, for its count and for a page of few cases).
CREATE INDEX cases_list_status ON cases (org_id, status, closed_at, critical_care, due_sort, program, id);
DROP INDEX cases_list_reference;
DROP INDEX cases_list_patient;
DROP INDEX cases_list_due;
DROP INDEX cases_list_score;
CREATE INDEX cases_list_reference ON cases
    (org_id, reference, status, critical_care, due_sort, program, closed_at, id, search_terms);
CREATE INDEX cases_list_patient ON cases
    (org_id, patient_sort, reference, status, critical_care, due_sort, program, closed_at, id, search_terms);
CREATE INDEX cases_list_due ON cases
    (org_id, due_sort, reference, status, critical_care, program, closed_at, id, search_terms);
CREATE INDEX cases_list_score ON cases
    (org_id, triage_score, reference, status, critical_care, due_sort, program, closed_at, id, search_terms);
CREATE INDEX cases_list_by_id ON cases
    (org_id, id, closed_at, status, critical_care, due_sort, program, search_terms, reference, patient_sort,
     triage_score);
