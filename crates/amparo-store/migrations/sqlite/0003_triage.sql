-- Triage and the critical-care protocol. The score and its reasons are derived with the deadlines,
-- in the same transaction as every write; escalations and their tasks are opened there too.
ALTER TABLE cases ADD COLUMN triage_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN critical_care INTEGER NOT NULL DEFAULT 0;
-- A case is open while anyone on it has not departed.
ALTER TABLE cases ADD COLUMN is_open INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN next_due TEXT;
ALTER TABLE cases ADD COLUMN next_kind TEXT;
ALTER TABLE cases ADD COLUMN class_of_admission TEXT;
-- The score's components (code, points, English and Spanish text) as JSON.
ALTER TABLE cases ADD COLUMN triage TEXT;
CREATE INDEX cases_board ON cases (org_id, is_open, triage_score);
-- Existing cases get their score on the next refresh.
UPDATE cases SET derived_on = NULL;

-- Who works a case: at most one person per role.
CREATE TABLE case_assignments (
    org_id       TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('attorney', 'advocate', 'clinician')),
    user_id      TEXT NOT NULL,
    assigned_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, case_id, role),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);
CREATE INDEX case_assignments_user ON case_assignments (org_id, user_id);

CREATE TABLE escalations (
    org_id            TEXT NOT NULL,
    id                TEXT NOT NULL,
    case_id           TEXT NOT NULL,
    trigger_kind      TEXT NOT NULL,
    trigger_event_id  TEXT,
    trigger_on        TEXT NOT NULL,
    critical_care     INTEGER NOT NULL,
    reason_en         TEXT NOT NULL,
    reason_es         TEXT NOT NULL,
    opened_at         INTEGER NOT NULL,
    closed_at         INTEGER,
    close_reason      TEXT,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);
CREATE INDEX escalations_case ON escalations (org_id, case_id);
CREATE INDEX escalations_open ON escalations (org_id, closed_at);

CREATE TABLE tasks (
    org_id         TEXT NOT NULL,
    id             TEXT NOT NULL,
    case_id        TEXT NOT NULL,
    escalation_id  TEXT,
    title_en       TEXT NOT NULL,
    title_es       TEXT NOT NULL,
    owner_role     TEXT NOT NULL,
    owner_id       TEXT,
    due_at         INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    created_by     TEXT,
    done_at        INTEGER,
    done_by        TEXT,
    note           TEXT,
    -- Makes bulk actions idempotent: one task per case and key.
    dedupe_key     TEXT,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id)
);
CREATE INDEX tasks_owner ON tasks (org_id, owner_id, done_at, due_at);
CREATE INDEX tasks_case ON tasks (org_id, case_id);
CREATE UNIQUE INDEX tasks_dedupe ON tasks (org_id, case_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
