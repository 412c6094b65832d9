-- Service accounts: members of an organisation that are not people but integrations, made by an
-- administrator to act through organisation API tokens (`amparo_oat_…`) with a role of their own.
-- A service account never signs in: its email is a placeholder under `.invalid` and sign-in looks
-- only at people.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'service'));
