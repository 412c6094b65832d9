-- Sign-in finds the account's organisation through sign_in_emails, written in the same transaction
-- as the account (see the PostgreSQL migration of the same number, which also makes the schema
-- distributable by organisation). The email stays unique across the installation there, and
-- unique within the organisation on users. SQLite keeps its append-only triggers and its token
-- keys, which are stricter than (organisation, token hash) and never distributed.
CREATE TABLE sign_in_emails (
    email    TEXT NOT NULL PRIMARY KEY,
    org_id   TEXT NOT NULL,
    user_id  TEXT NOT NULL
);
INSERT INTO sign_in_emails (email, org_id, user_id) SELECT email, org_id, id FROM users;
DROP INDEX users_email;
CREATE UNIQUE INDEX users_by_email ON users (org_id, email);
