-- The exhibits a cover letter or packet was generated with, in their order: a JSON array of
-- attachment ids (ids only, no titles or values), NULL for the kinds without exhibits. Generated
-- documents are not kept; a download typesets the document again from these choices as of the day
-- it was generated and checks the result against `data_hash`.
ALTER TABLE documents ADD COLUMN exhibits TEXT;
