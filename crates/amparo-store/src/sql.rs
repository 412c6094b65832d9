//! SQL text both backends run unchanged. Placeholders are `$1`, `$2`… in order of first use, which
//! PostgreSQL and SQLite read the same way.

pub const INSERT_ORGANISATION: &str =
    "INSERT INTO organisations (id, slug, name, created_at) VALUES ($1, $2, $3, $4)";
pub const SELECT_ORGANISATIONS: &str = "SELECT id, slug, name, created_at FROM organisations ORDER BY slug";

pub const INSERT_USER: &str = "INSERT INTO users (org_id, id, email, display_name, role, language, password_hash, \
     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const USER_COLUMNS: &str = "id, org_id, email, display_name, role, language, created_at";
pub fn select_user() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 AND id = $2")
}
pub fn select_users() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY display_name, email")
}
pub fn select_credentials() -> String {
    format!(
        "SELECT {USER_COLUMNS}, password_hash, \
         (SELECT COUNT(*) FROM second_factors f WHERE f.org_id = users.org_id AND f.user_id = users.id \
          AND f.confirmed_at IS NOT NULL), \
         (SELECT o.require_second_factor FROM organisations o WHERE o.id = users.org_id) \
         FROM users WHERE email = $1"
    )
}
pub const UPDATE_PASSWORD: &str = "UPDATE users SET password_hash = $3 WHERE org_id = $1 AND id = $2";
pub const UPDATE_USER_LANGUAGE: &str = "UPDATE users SET language = $3 WHERE org_id = $1 AND id = $2";

pub const INSERT_SESSION: &str = "INSERT INTO sessions (token_hash, org_id, user_id, csrf_token, created_at, \
     last_seen_at, stage) VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub const SELECT_SESSION: &str = "SELECT token_hash, org_id, user_id, csrf_token, created_at, last_seen_at, stage \
     FROM sessions WHERE token_hash = $1";
pub const TOUCH_SESSION: &str = "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1";
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";
pub const DELETE_SESSIONS_OF: &str = "DELETE FROM sessions WHERE org_id = $1 AND user_id = $2";

pub const INSERT_EVENT: &str = "INSERT INTO events (org_id, case_id, seq, event_id, type, on_date, body, \
     recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

const CASE_COLUMNS: &str = "id, org_id, reference, program, version, medical, created_at, updated_at";
pub fn select_case() -> String {
    format!("SELECT {CASE_COLUMNS} FROM cases WHERE org_id = $1 AND id = $2")
}
pub fn select_case_by_reference() -> String {
    format!("SELECT {CASE_COLUMNS} FROM cases WHERE org_id = $1 AND reference = $2")
}
pub const SELECT_PEOPLE: &str = "SELECT position, key, role, given_name, family_name, birth_date, a_number, \
     citizenship, preferred_language FROM people WHERE org_id = $1 AND case_id = $2 ORDER BY position";
pub const SELECT_EVENT_BODIES: &str =
    "SELECT body, seq FROM events WHERE org_id = $1 AND case_id = $2 ORDER BY seq";
pub const DELETE_IDENTIFIERS: &str = "DELETE FROM identifiers WHERE org_id = $1 AND case_id = $2";
pub const COUNT_STALE_IDENTIFIERS: &str =
    "SELECT COUNT(*) FROM identifiers WHERE org_id = $1 AND case_id = $2 AND key_id <> $3";
pub const SELECT_CASES_AFTER: &str = "SELECT org_id, id FROM cases WHERE (org_id > $1 OR (org_id = $1 AND id > $2)) \
     ORDER BY org_id, id LIMIT $3";
pub const SELECT_CASE_MEDICAL: &str = "SELECT medical FROM cases WHERE org_id = $1 AND id = $2";
pub const UPDATE_CASE_MEDICAL: &str = "UPDATE cases SET medical = $3 WHERE org_id = $1 AND id = $2";
pub const SELECT_PEOPLE_SEALED: &str =
    "SELECT position, birth_date, a_number FROM people WHERE org_id = $1 AND case_id = $2 ORDER BY position";
pub const UPDATE_PERSON_SEALED: &str =
    "UPDATE people SET birth_date = $4, a_number = $5 WHERE org_id = $1 AND case_id = $2 AND position = $3";
pub const UPDATE_EVENT_BODY: &str =
    "UPDATE events SET body = $4 WHERE org_id = $1 AND case_id = $2 AND seq = $3";
pub const SELECT_TASK_NOTES: &str =
    "SELECT id, note FROM tasks WHERE org_id = $1 AND case_id = $2 AND note IS NOT NULL ORDER BY id";
pub const UPDATE_TASK_NOTE: &str = "UPDATE tasks SET note = $3 WHERE org_id = $1 AND id = $2";
pub const INSERT_IDENTIFIERS: &str = "INSERT INTO identifiers (org_id, case_id, kind, digest, key_id)";
pub const IDENTIFIER_WIDTH: usize = 5;
pub const INSERT_IDENTIFIER: &str =
    "INSERT INTO identifiers (org_id, case_id, kind, digest, key_id) VALUES ($1, $2, $3, $4, $5)";
pub const BUMP_CASE_VERSION: &str =
    "UPDATE cases SET version = version + 1, updated_at = $4 WHERE org_id = $1 AND id = $2 AND version = $3";
pub const SELECT_CASE_REFERENCES: &str =
    "SELECT id, reference FROM cases WHERE org_id = $1 ORDER BY reference";

pub const SELECT_POLICY: &str = "SELECT settings FROM organisations WHERE id = $1";
pub const UPDATE_POLICY: &str = "UPDATE organisations SET settings = $2 WHERE id = $1";
pub const DELETE_DEADLINES: &str = "DELETE FROM deadlines WHERE org_id = $1 AND case_id = $2";
/// Multi-row INSERT heads (see `db::RowBuffer`); each names its column count.
pub const INSERT_DEADLINES: &str = "INSERT INTO deadlines (org_id, case_id, position, kind, person, due, \
     window_opens, rule, why_variant, why_facts)";
pub const DEADLINE_WIDTH: usize = 10;
/// A new case with its derivation, written in one row. A reference already taken is skipped (and
/// found by the caller from the count), so that the error can name it on both backends.
pub const INSERT_CASES: &str = "INSERT INTO cases (org_id, id, reference, program, version, medical, created_at, \
     updated_at, covered_until, derived_on, triage_score, critical_care, is_open, next_due, next_kind, \
     class_of_admission, triage, status, patient_sort, due_sort, search_terms)";
pub const CASE_WIDTH: usize = 21;
pub const SKIP_TAKEN_REFERENCE: &str = " ON CONFLICT (org_id, reference) DO NOTHING";
pub const INSERT_PEOPLE: &str = "INSERT INTO people (org_id, case_id, position, key, role, given_name, \
     family_name, birth_date, a_number, citizenship, preferred_language)";
pub const PERSON_WIDTH: usize = 11;
pub const INSERT_EVENTS: &str =
    "INSERT INTO events (org_id, case_id, seq, event_id, type, on_date, body, recorded_at, recorded_by)";
pub const EVENT_WIDTH: usize = 9;
pub const INSERT_ESCALATIONS: &str = "INSERT INTO escalations (org_id, id, case_id, trigger_kind, \
     trigger_event_id, trigger_on, critical_care, reason_en, reason_es, opened_at)";
pub const ESCALATION_WIDTH: usize = 10;
pub const INSERT_TASKS: &str = "INSERT INTO tasks (org_id, id, case_id, escalation_id, title_en, title_es, \
     owner_role, owner_id, due_at, created_at, created_by, dedupe_key)";
pub const TASK_WIDTH: usize = 12;
pub const SELECT_CASE_ID_BY_REFERENCE: &str = "SELECT id FROM cases WHERE org_id = $1 AND reference = $2";
pub const UPDATE_CASE_DERIVED: &str = "UPDATE cases SET covered_until = $3, derived_on = $4, triage_score = $5, \
     critical_care = $6, is_open = $7, next_due = $8, next_kind = $9, class_of_admission = $10, triage = $11, \
     status = $12, patient_sort = $13, due_sort = $14, search_terms = $15 WHERE org_id = $1 AND id = $2";
/// Cases whose stored derivation is older than `$2` (or was never made, or was invalidated), at most
/// `$3` of them.
pub const SELECT_STALE_CASES: &str =
    "SELECT id FROM cases WHERE org_id = $1 AND (derived_on IS NULL OR derived_on < $2) ORDER BY id LIMIT $3";
pub const INVALIDATE_DERIVED: &str = "UPDATE cases SET derived_on = NULL WHERE org_id = $1";

/// Stored deadlines due in a date range, with `$4` the kind when `with_kind`.
pub fn deadlines_due(with_kind: bool) -> String {
    let kind = if with_kind { " AND d.kind = $4" } else { "" };
    format!(
        "SELECT d.case_id, c.reference, d.kind, d.person, d.due, d.window_opens, d.rule, d.why_variant, d.why_facts \
         FROM deadlines d JOIN cases c ON c.org_id = d.org_id AND c.id = d.case_id \
         WHERE d.org_id = $1 AND d.due >= $2 AND d.due <= $3{kind} \
         ORDER BY d.due, d.kind, c.reference, d.person"
    )
}

/// A window of deadlines, one line per case, kind and day, from the `(org_id, due)` index; `$4` is the
/// clinician when `shared`. Returns the count of the window's lines up to a cap (`LIMIT` last); the
/// day of its `n`th line in due order (`LIMIT 1 OFFSET` last), the cut-off beyond which no first
/// line can lie; and the first lines up to that day (limit last), so that only those are joined to
/// their case for the reference (a whole window is thousands of lines in a large organisation).
/// The lines name `due` first, so they come off the index in its order and the count and the cut
/// stop as soon as they have what they need.
pub fn upcoming_deadlines(shared: bool) -> (String, String, String) {
    let share = if shared {
        " AND d.case_id IN (SELECT s.case_id FROM case_shares s WHERE s.org_id = $1 AND s.user_id = $4)"
    } else {
        ""
    };
    let last = if shared { 5 } else { 4 };
    let lines = format!(
        "SELECT DISTINCT d.due, d.case_id, d.kind FROM deadlines d \
         WHERE d.org_id = $1 AND d.due >= $2 AND d.due <= $3{share}"
    );
    let cut = format!("{lines} ORDER BY d.due LIMIT 1 OFFSET ${last}");
    let count = format!("SELECT COUNT(*) FROM ({lines} LIMIT ${last}) l");
    let list = format!(
        "SELECT l.case_id, c.reference, l.kind, l.due FROM ({lines}) l \
         JOIN cases c ON c.org_id = $1 AND c.id = l.case_id \
         ORDER BY l.due, l.kind, c.reference LIMIT ${last}"
    );
    (list, count, cut)
}

pub const SELECT_META: &str = "SELECT value FROM amparo_meta WHERE key = $1";
pub const DELETE_META: &str = "DELETE FROM amparo_meta WHERE key = $1";
pub const INSERT_META: &str = "INSERT INTO amparo_meta (key, value) VALUES ($1, $2)";
pub const UPDATE_META: &str = "UPDATE amparo_meta SET value = $2 WHERE key = $1";
pub const INVALIDATE_ALL_DERIVED: &str = "UPDATE cases SET derived_on = NULL";

pub const ATTORNEY_ASSIGNED: &str =
    "SELECT COUNT(*) FROM case_assignments WHERE org_id = $1 AND case_id = $2 AND role = 'attorney'";
pub const SELECT_ASSIGNMENTS: &str = "SELECT a.role, a.user_id, u.display_name FROM case_assignments a \
     JOIN users u ON u.org_id = a.org_id AND u.id = a.user_id WHERE a.org_id = $1 AND a.case_id = $2 ORDER BY a.role";
pub const DELETE_ASSIGNMENT: &str =
    "DELETE FROM case_assignments WHERE org_id = $1 AND case_id = $2 AND role = $3";
pub const INSERT_ASSIGNMENT: &str =
    "INSERT INTO case_assignments (org_id, case_id, role, user_id, assigned_at) VALUES ($1, $2, $3, $4, $5)";
pub const USER_EXISTS: &str = "SELECT role FROM users WHERE org_id = $1 AND id = $2";
pub const CASE_EXISTS: &str = "SELECT version FROM cases WHERE org_id = $1 AND id = $2";
pub const MARK_CASE_STALE: &str = "UPDATE cases SET derived_on = NULL WHERE org_id = $1 AND id = $2";

pub const SELECT_CASE_ESCALATIONS: &str = "SELECT id, trigger_kind, trigger_event_id, trigger_on, critical_care, \
     reason_en, reason_es, opened_at, closed_at, close_reason FROM escalations WHERE org_id = $1 AND case_id = $2 \
     ORDER BY opened_at DESC, id DESC";
pub const SELECT_OPEN_ESCALATIONS: &str = "SELECT e.id, e.case_id, c.reference, e.critical_care, e.reason_en, \
     e.reason_es, e.opened_at FROM escalations e JOIN cases c ON c.org_id = e.org_id AND c.id = e.case_id \
     WHERE e.org_id = $1 AND e.closed_at IS NULL ORDER BY e.critical_care DESC, e.opened_at DESC, e.id LIMIT $2";
pub const CLOSE_ESCALATION: &str = "UPDATE escalations SET closed_at = $3, close_reason = $4 WHERE org_id = $1 AND id = $2 AND closed_at IS NULL";
/// The same, doing nothing when the case already has a task with this key (bulk actions repeat safely).
pub const INSERT_TASK_ONCE: &str = "INSERT INTO tasks (org_id, id, case_id, escalation_id, title_en, title_es, \
     owner_role, owner_id, due_at, created_at, created_by, dedupe_key) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
     ON CONFLICT (org_id, case_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING";
const TASK_COLUMNS: &str = "t.id, t.case_id, c.reference, t.escalation_id, t.title_en, t.title_es, t.owner_role, \
     t.owner_id, t.due_at, t.created_at, t.done_at, t.done_by, t.note";
pub fn select_case_tasks() -> String {
    format!(
        "SELECT {TASK_COLUMNS} FROM tasks t JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id \
         WHERE t.org_id = $1 AND t.case_id = $2 ORDER BY t.due_at, t.id"
    )
}
pub fn select_task() -> String {
    format!(
        "SELECT {TASK_COLUMNS} FROM tasks t JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id \
         WHERE t.org_id = $1 AND t.id = $2"
    )
}
pub fn select_open_tasks() -> String {
    format!(
        "SELECT {TASK_COLUMNS} FROM tasks t JOIN cases c ON c.org_id = t.org_id AND c.id = t.case_id \
         LEFT JOIN escalations e ON e.org_id = t.org_id AND e.id = t.escalation_id \
         WHERE t.org_id = $1 AND t.owner_id = $2 AND t.done_at IS NULL AND e.closed_at IS NULL \
         ORDER BY t.due_at, c.reference, t.id"
    )
}
pub const COMPLETE_TASK: &str = "UPDATE tasks SET done_at = $3, done_by = $4, note = $5 WHERE org_id = $1 AND id = $2 AND done_at IS NULL";
pub const REASSIGN_TASK: &str = "UPDATE tasks SET owner_id = $3 WHERE org_id = $1 AND id = $2";
pub const OPEN_TASKS_OF_ESCALATION: &str =
    "SELECT COUNT(*) FROM tasks WHERE org_id = $1 AND escalation_id = $2 AND done_at IS NULL";

/// Builds SQL whose conditions depend on which filters are set, numbering placeholders as it goes.
pub struct Conditions {
    pub clauses: Vec<String>,
    pub params: Vec<crate::db::Value>,
}

impl Conditions {
    pub fn new(org: &str) -> Conditions {
        Conditions { clauses: vec!["c.org_id = $1".into()], params: vec![org.into()] }
    }

    /// Adds a condition; `?` in it stands for the next placeholder.
    pub fn push(&mut self, clause: &str, value: impl Into<crate::db::Value>) {
        self.params.push(value.into());
        self.clauses.push(clause.replace('?', &format!("${}", self.params.len())));
    }

    pub fn fixed(&mut self, clause: &str) {
        self.clauses.push(clause.into());
    }

    pub fn sql(&self) -> String {
        self.clauses.join(" AND ")
    }

    /// The next placeholder's name, for LIMIT and OFFSET.
    pub fn next(&mut self, value: impl Into<crate::db::Value>) -> String {
        self.params.push(value.into());
        format!("${}", self.params.len())
    }
}

pub const BOARD_FROM: &str = "FROM cases c JOIN people p ON p.org_id = c.org_id AND p.case_id = c.id \
     AND p.role = 'patient'";

/// The board's page: the cases are chosen and ordered on `cases` alone (off the `cases_board`
/// index), and only the page's rows are joined to their patient and escalations.
pub fn board_page(conditions: &str, limit: &str, offset: &str) -> String {
    format!(
        "SELECT c.id, c.reference, c.program, c.triage_score, c.critical_care, c.next_due, c.next_kind, c.triage, \
         p.given_name, p.family_name, \
         (SELECT COUNT(*) FROM escalations e WHERE e.org_id = c.org_id AND e.case_id = c.id AND e.closed_at IS NULL) \
         FROM (SELECT * FROM cases c WHERE {conditions} \
               ORDER BY c.triage_score DESC, c.reference LIMIT {limit} OFFSET {offset}) c \
         JOIN people p ON p.org_id = c.org_id AND p.case_id = c.id AND p.role = 'patient' \
         ORDER BY c.triage_score DESC, c.reference"
    )
}

pub const AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_log WHERE org_id = $1 ORDER BY seq DESC LIMIT 1";
pub const INSERT_AUDIT: &str = "INSERT INTO audit_log (org_id, seq, at_ms, actor, action, target, detail, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
pub const SELECT_AUDIT: &str = "SELECT org_id, seq, at_ms, actor, action, target, detail, hash FROM audit_log WHERE org_id = $1 ORDER BY seq";
pub const SELECT_AUDIT_CHAINS: &str = "SELECT DISTINCT org_id FROM audit_log ORDER BY org_id";

/// Open tasks of a case waiting for someone in a role, given to the person now assigned to it.
pub const ADOPT_UNOWNED_TASKS: &str = "UPDATE tasks SET owner_id = $4 WHERE org_id = $1 AND case_id = $2 \
     AND owner_role = $3 AND owner_id IS NULL AND done_at IS NULL";
