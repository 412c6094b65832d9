-- A case can be closed (with a reason, an optional note, who and when) and reopened. A closed case
-- stays on the row, searchable; `closed_at` is NULL while it is open, so the case list's default
-- ("open") filter is one test on the row it already walks. The note is sealed like other free text.
--   close_reason  'other_status', 'moved', 'withdrew', 'no_longer_represented', 'deceased' or 'other'.
ALTER TABLE cases ADD COLUMN closed_at INTEGER;
ALTER TABLE cases ADD COLUMN closed_by TEXT;
ALTER TABLE cases ADD COLUMN close_reason TEXT;
ALTER TABLE cases ADD COLUMN close_note TEXT;

-- The "closed" filter of the case list reads the few closed cases off their own partial index
-- rather than walking every case of the organisation.
CREATE INDEX cases_closed ON cases (org_id, closed_at) WHERE closed_at IS NOT NULL;
