-- Organisations are tenants; every other row carries its organisation id, and keys lead with it so
-- that a distributed Postgres-compatible engine can shard by organisation without a schema change.
CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    id             TEXT NOT NULL,
    email          TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'attorney', 'advocate', 'clinician', 'viewer')),
    language       TEXT NOT NULL CHECK (language IN ('en', 'es')),
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

CREATE TABLE cases (
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    id           TEXT NOT NULL,
    reference    TEXT NOT NULL,
    program      TEXT NOT NULL,
    version      BIGINT NOT NULL,
    medical      TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, reference)
);

CREATE TABLE people (
    org_id              TEXT NOT NULL,
    case_id             TEXT NOT NULL,
    position            BIGINT NOT NULL,
    key                 TEXT NOT NULL,
    role                TEXT NOT NULL,
    given_name          TEXT NOT NULL,
    family_name         TEXT NOT NULL,
    birth_date          TEXT,
    a_number            TEXT,
    citizenship         TEXT,
    preferred_language  TEXT,
    PRIMARY KEY (org_id, case_id, position),
    UNIQUE (org_id, case_id, key),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);
CREATE INDEX people_family_name ON people (org_id, lower(family_name));

-- The timeline is append-only: rows are inserted, never updated or deleted.
CREATE TABLE events (
    org_id       TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    event_id     TEXT,
    type         TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    body         TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    recorded_by  TEXT,
    PRIMARY KEY (org_id, case_id, seq),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);
CREATE UNIQUE INDEX events_event_id ON events (org_id, case_id, event_id) WHERE event_id IS NOT NULL;

CREATE FUNCTION amparo_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION amparo_events_append_only();
