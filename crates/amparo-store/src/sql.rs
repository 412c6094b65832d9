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
    format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1")
}
pub const UPDATE_PASSWORD: &str = "UPDATE users SET password_hash = $3 WHERE org_id = $1 AND id = $2";

pub const INSERT_SESSION: &str = "INSERT INTO sessions (token_hash, org_id, user_id, csrf_token, created_at, \
     last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)";
pub const SELECT_SESSION: &str = "SELECT token_hash, org_id, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1";
pub const TOUCH_SESSION: &str = "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1";
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";

pub const INSERT_CASE: &str = "INSERT INTO cases (org_id, id, reference, program, version, medical, created_at, \
     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
pub const INSERT_PERSON: &str = "INSERT INTO people (org_id, case_id, position, key, role, given_name, family_name, \
     birth_date, a_number, citizenship, preferred_language) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
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
    "SELECT body FROM events WHERE org_id = $1 AND case_id = $2 ORDER BY seq";
pub const BUMP_CASE_VERSION: &str =
    "UPDATE cases SET version = version + 1, updated_at = $4 WHERE org_id = $1 AND id = $2 AND version = $3";
pub const SELECT_CASE_REFERENCES: &str =
    "SELECT id, reference FROM cases WHERE org_id = $1 ORDER BY reference";

/// The case list, with the optional search as `$2` when `searching`; limit and offset follow.
pub fn list_cases(searching: bool) -> (String, String) {
    let filter = if searching {
        " AND (lower(c.reference) LIKE $2 OR lower(p.family_name) LIKE $2 OR lower(p.given_name) LIKE $2)"
    } else {
        ""
    };
    let (limit, offset) = if searching { ("$3", "$4") } else { ("$2", "$3") };
    let from = format!(
        "FROM cases c JOIN people p ON p.org_id = c.org_id AND p.case_id = c.id AND p.role = 'patient' \
         WHERE c.org_id = $1{filter}"
    );
    let list = format!(
        "SELECT c.id, c.reference, c.program, c.version, c.updated_at, p.given_name, p.family_name, \
         (SELECT COUNT(*) FROM people q WHERE q.org_id = c.org_id AND q.case_id = c.id) \
         {from} ORDER BY c.reference LIMIT {limit} OFFSET {offset}"
    );
    (list, format!("SELECT COUNT(*) {from}"))
}

/// The search term as a `LIKE` prefix pattern, with the pattern characters escaped away.
pub fn search_pattern(search: &str) -> String {
    let cleaned: String =
        search.trim().to_lowercase().chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
    format!("{cleaned}%")
}

pub const SELECT_POLICY: &str = "SELECT settings FROM organisations WHERE id = $1";
pub const UPDATE_POLICY: &str = "UPDATE organisations SET settings = $2 WHERE id = $1";
pub const DELETE_DEADLINES: &str = "DELETE FROM deadlines WHERE org_id = $1 AND case_id = $2";
pub const INSERT_DEADLINE: &str = "INSERT INTO deadlines (org_id, case_id, position, kind, person, due, \
     window_opens, rule, basis, citation, why) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
pub const UPDATE_CASE_DERIVED: &str =
    "UPDATE cases SET covered_until = $3, derived_on = $4 WHERE org_id = $1 AND id = $2";
/// Cases whose stored derivation is older than `$2` (or was never made, or was invalidated).
pub const SELECT_STALE_CASES: &str =
    "SELECT id FROM cases WHERE org_id = $1 AND (derived_on IS NULL OR derived_on < $2) ORDER BY id";
pub const INVALIDATE_DERIVED: &str = "UPDATE cases SET derived_on = NULL WHERE org_id = $1";

/// Stored deadlines due in a date range, with `$4` the kind when `with_kind`.
pub fn deadlines_due(with_kind: bool) -> String {
    let kind = if with_kind { " AND d.kind = $4" } else { "" };
    format!(
        "SELECT d.case_id, c.reference, d.kind, d.person, d.due, d.window_opens, d.rule, d.basis, d.citation, d.why \
         FROM deadlines d JOIN cases c ON c.org_id = d.org_id AND c.id = d.case_id \
         WHERE d.org_id = $1 AND d.due >= $2 AND d.due <= $3{kind} \
         ORDER BY d.due, d.kind, c.reference, d.person"
    )
}

pub const SELECT_META: &str = "SELECT value FROM amparo_meta WHERE key = $1";
pub const DELETE_META: &str = "DELETE FROM amparo_meta WHERE key = $1";
pub const INSERT_META: &str = "INSERT INTO amparo_meta (key, value) VALUES ($1, $2)";
pub const INVALIDATE_ALL_DERIVED: &str = "UPDATE cases SET derived_on = NULL";
