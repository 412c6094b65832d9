-- `cases_derived_on` was read by no query: the cases due for re-derivation are found off
-- `cases_rederive_on`, and a case whose derivation was invalidated (`derived_on` NULL) is found by
-- the same walk. Yet every re-derivation sets `derived_on`, so the index gained an entry and lost
-- one for each case the daily job re-derived, a page of its own written for each.
DROP INDEX cases_derived_on;
