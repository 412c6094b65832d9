-- TOTP second factors. The shared secret is sealed like other sensitive fields (bound to the
-- organisation, this table and the user). `confirmed_at` stays NULL while enrolment waits for the
-- first code; `last_step` is the time step of the last code accepted, so no code works twice.
CREATE TABLE second_factors (
    org_id        TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    secret        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    confirmed_at  BIGINT,
    last_step     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

-- How far a sign-in has come: 'complete', 'second_factor' (password right, code to come) or
-- 'enrolment' (signed in, but a second factor must be set up before anything else).
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'complete'
    CHECK (stage IN ('complete', 'second_factor', 'enrolment'));

-- Whether every member of the organisation, not only its administrators, needs a second factor.
ALTER TABLE organisations ADD COLUMN require_second_factor BIGINT NOT NULL DEFAULT 0;
