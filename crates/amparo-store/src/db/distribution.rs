//! How each PostgreSQL table is placed on a distributed engine (Citus): sharded by organisation,
//! every such table co-located with the others so that a join on `org_id` stays on one node, or a
//! small reference table copied to every node. The list is explicit: a table created by a migration
//! without an entry here is refused when the migration runs on Citus, and the catalogue test fails
//! for it on plain PostgreSQL.
//!
//! Reference tables hold what is looked up before an organisation is known (sign-in by email, the
//! organisation itself, a form kept from a browser whose session ended) and what belongs to the
//! installation (its metadata, the migrations applied). Everything else is a tenant table:
//! `org_id` leads its primary key and every unique index, and every query filters it by `org_id`.

/// Where a table's rows live on a distributed engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Sharded by `org_id`, co-located with every other tenant table.
    ByOrganisation,
    /// Copied whole to every node.
    Reference,
}

/// The reference tables; every other table is distributed by organisation.
pub const REFERENCE_TABLES: &[&str] =
    &["amparo_migrations", "amparo_meta", "organisations", "sign_in_emails", "form_drafts"];

/// The tenant tables, distributed by `org_id`.
pub const TENANT_TABLES: &[&str] = &[
    "users",
    "sessions",
    "cases",
    "people",
    "events",
    "case_assignments",
    "escalations",
    "tasks",
    "audit_log",
    "audit_anchors",
    "notifications",
    "notification_attempts",
    "calendar_feeds",
    "deadlines",
    "identifiers",
    "case_shares",
    "password_resets",
    "second_factors",
    "case_history",
    "event_voids",
    "case_notes",
    "case_contacts",
    "invitations",
    "attachments",
    "api_tokens",
    "documents",
    "webhook_endpoints",
    "webhook_deliveries",
    "case_search_words",
];

/// Tables that are written once and never changed: the application's role may insert into them and
/// read them but neither update nor delete, apart from the one sealed column it re-encrypts after a
/// key rotation (named here; a check constraint keeps that column sealed).
pub const APPEND_ONLY_TABLES: &[(&str, Option<&str>)] = &[
    ("events", Some("body")),
    ("audit_log", None),
    ("case_history", Some("changes")),
    ("event_voids", Some("reason")),
];

/// The declared placement of `table`, if it has one.
pub fn placement(table: &str) -> Option<Placement> {
    if REFERENCE_TABLES.contains(&table) {
        Some(Placement::Reference)
    } else if TENANT_TABLES.contains(&table) {
        Some(Placement::ByOrganisation)
    } else {
        None
    }
}

/// The Citus call that places `table`. Tenant tables share the default co-location group (the same
/// distribution column type, TEXT, and shard count), so every join on `org_id` between them is
/// local to one node; naming `cases` instead would fail for the tables created before it.
pub fn citus_statement(table: &str, placement: Placement) -> String {
    match placement {
        Placement::ByOrganisation => {
            format!("SELECT create_distributed_table('{table}', 'org_id', colocate_with => 'default')")
        }
        Placement::Reference => format!("SELECT create_reference_table('{table}')"),
    }
}

/// The table a `CREATE TABLE` statement creates, if it is one.
pub fn created_table(statement: &str) -> Option<&str> {
    let mut words = statement.split_whitespace();
    let create = words.next()?;
    let table = words.next()?;
    if !create.eq_ignore_ascii_case("CREATE") || !table.eq_ignore_ascii_case("TABLE") {
        return None;
    }
    let mut name = words.next()?;
    if name.eq_ignore_ascii_case("IF") {
        let (not, exists) = (words.next()?, words.next()?);
        if !not.eq_ignore_ascii_case("NOT") || !exists.eq_ignore_ascii_case("EXISTS") {
            return None;
        }
        name = words.next()?;
    }
    Some(name.split('(').next().unwrap_or(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_created_table_is_read_from_its_statement() {
        assert_eq!(created_table("CREATE TABLE cases (\n org_id TEXT)"), Some("cases"));
        assert_eq!(created_table("create table if not exists amparo_meta(key TEXT)"), Some("amparo_meta"));
        assert_eq!(created_table("CREATE INDEX cases_by_due ON cases (org_id)"), None);
    }

    #[test]
    fn no_table_is_both_reference_and_tenant() {
        assert!(REFERENCE_TABLES.iter().all(|table| !TENANT_TABLES.contains(table)));
        assert_eq!(placement("cases"), Some(Placement::ByOrganisation));
        assert_eq!(placement("organisations"), Some(Placement::Reference));
        assert_eq!(placement("nowhere"), None);
    }
}
