-- The dashboard lists the organisation's open escalations, critical care first, newest first: one
-- partial index holds exactly those rows in that order.
CREATE INDEX escalations_open_list ON escalations (org_id, critical_care DESC, opened_at DESC, id) WHERE closed_at IS NULL;
