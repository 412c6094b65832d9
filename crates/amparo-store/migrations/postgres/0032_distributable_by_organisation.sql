-- The schema becomes distributable by organisation (Citus): every tenant table's primary key and
-- unique indexes lead with org_id, and nothing relies on a trigger.
--
-- Sign-in finds the account's organisation through sign_in_emails, a small reference table (copied
-- to every node) written in the same transaction as the account; the email stays unique across the
-- installation there, and unique within the organisation on users.
CREATE TABLE sign_in_emails (
    email    TEXT NOT NULL PRIMARY KEY,
    org_id   TEXT NOT NULL,
    user_id  TEXT NOT NULL
);
INSERT INTO sign_in_emails (email, org_id, user_id) SELECT email, org_id, id FROM users;
DROP INDEX users_email;
CREATE UNIQUE INDEX users_by_email ON users (org_id, email);

-- Session cookies, reset and invitation links and feed addresses now carry the organisation, so
-- their rows are found by (organisation, token hash): one shard per lookup.
ALTER TABLE sessions DROP CONSTRAINT sessions_pkey;
ALTER TABLE sessions ADD CONSTRAINT sessions_pkey PRIMARY KEY (org_id, token_hash);
ALTER TABLE password_resets DROP CONSTRAINT password_resets_pkey;
ALTER TABLE password_resets ADD CONSTRAINT password_resets_pkey PRIMARY KEY (org_id, token_hash);
ALTER TABLE invitations DROP CONSTRAINT invitations_pkey;
ALTER TABLE invitations ADD CONSTRAINT invitations_pkey PRIMARY KEY (org_id, token_hash);
ALTER TABLE calendar_feeds DROP CONSTRAINT calendar_feeds_token_hash_key;
ALTER TABLE calendar_feeds ADD CONSTRAINT calendar_feeds_token UNIQUE (org_id, token_hash);

-- Append-only by privileges instead of triggers: `amparo migrate` grants the application's role
-- (amparo_app) no UPDATE or DELETE on these tables, bar the one sealed column re-encrypted after a
-- key rotation, which these checks keep sealed (rows from before encryption are left as they are).
DROP TRIGGER events_append_only ON events;
DROP FUNCTION amparo_events_append_only();
DROP TRIGGER audit_log_append_only ON audit_log;
DROP FUNCTION amparo_audit_append_only();
DROP TRIGGER case_history_append_only ON case_history;
DROP FUNCTION amparo_case_history_append_only();
DROP TRIGGER event_voids_append_only ON event_voids;
DROP FUNCTION amparo_event_voids_append_only();
ALTER TABLE events ADD CONSTRAINT events_body_sealed CHECK (body LIKE 'enc:%') NOT VALID;
ALTER TABLE case_history ADD CONSTRAINT case_history_changes_sealed CHECK (changes LIKE 'enc:%') NOT VALID;
ALTER TABLE event_voids ADD CONSTRAINT event_voids_reason_sealed CHECK (reason LIKE 'enc:%') NOT VALID;
