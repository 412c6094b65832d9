-- Cases shared with clinicians: a clinician sees only the cases listed here for them.
CREATE TABLE case_shares (
    org_id     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    shared_at  BIGINT NOT NULL,
    shared_by  TEXT,
    PRIMARY KEY (org_id, case_id, user_id),
    FOREIGN KEY (org_id, case_id) REFERENCES cases (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);
CREATE INDEX case_shares_user ON case_shares (org_id, user_id);
