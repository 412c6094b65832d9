//! Embedded migrations, one list per backend. An applied migration is never edited: a change is a new
//! file. A database whose schema is newer than this binary is refused rather than written to.

/// One step of the schema, identified by its number.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const SQLITE: &[Migration] = &[
    Migration { version: 1, name: "initial", sql: include_str!("../migrations/sqlite/0001_initial.sql") },
    Migration { version: 2, name: "deadlines", sql: include_str!("../migrations/sqlite/0002_deadlines.sql") },
    Migration { version: 3, name: "triage", sql: include_str!("../migrations/sqlite/0003_triage.sql") },
    Migration { version: 4, name: "audit", sql: include_str!("../migrations/sqlite/0004_audit.sql") },
    Migration {
        version: 5,
        name: "board_indexes",
        sql: include_str!("../migrations/sqlite/0005_board_indexes.sql"),
    },
    Migration {
        version: 6,
        name: "board_critical_index",
        sql: include_str!("../migrations/sqlite/0006_board_critical_index.sql"),
    },
    Migration {
        version: 7,
        name: "notifications",
        sql: include_str!("../migrations/sqlite/0007_notifications.sql"),
    },
    Migration {
        version: 8,
        name: "deadline_facts",
        sql: include_str!("../migrations/sqlite/0008_deadline_facts.sql"),
    },
    Migration {
        version: 9,
        name: "open_escalations_index",
        sql: include_str!("../migrations/sqlite/0009_open_escalations_index.sql"),
    },
    Migration {
        version: 10,
        name: "sealed_fields",
        sql: include_str!("../migrations/sqlite/0010_sealed_fields.sql"),
    },
    Migration {
        version: 11,
        name: "case_shares",
        sql: include_str!("../migrations/sqlite/0011_case_shares.sql"),
    },
    Migration {
        version: 12,
        name: "password_resets",
        sql: include_str!("../migrations/sqlite/0012_password_resets.sql"),
    },
    Migration {
        version: 13,
        name: "second_factors",
        sql: include_str!("../migrations/sqlite/0013_second_factors.sql"),
    },
    Migration {
        version: 14,
        name: "case_list",
        sql: include_str!("../migrations/sqlite/0014_case_list.sql"),
    },
];

pub const POSTGRES: &[Migration] = &[
    Migration { version: 1, name: "initial", sql: include_str!("../migrations/postgres/0001_initial.sql") },
    Migration {
        version: 2,
        name: "deadlines",
        sql: include_str!("../migrations/postgres/0002_deadlines.sql"),
    },
    Migration { version: 3, name: "triage", sql: include_str!("../migrations/postgres/0003_triage.sql") },
    Migration { version: 4, name: "audit", sql: include_str!("../migrations/postgres/0004_audit.sql") },
    Migration {
        version: 5,
        name: "board_indexes",
        sql: include_str!("../migrations/postgres/0005_board_indexes.sql"),
    },
    Migration {
        version: 6,
        name: "board_critical_index",
        sql: include_str!("../migrations/postgres/0006_board_critical_index.sql"),
    },
    Migration {
        version: 7,
        name: "notifications",
        sql: include_str!("../migrations/postgres/0007_notifications.sql"),
    },
    Migration {
        version: 8,
        name: "deadline_facts",
        sql: include_str!("../migrations/postgres/0008_deadline_facts.sql"),
    },
    Migration {
        version: 9,
        name: "open_escalations_index",
        sql: include_str!("../migrations/postgres/0009_open_escalations_index.sql"),
    },
    Migration {
        version: 10,
        name: "sealed_fields",
        sql: include_str!("../migrations/postgres/0010_sealed_fields.sql"),
    },
    Migration {
        version: 11,
        name: "case_shares",
        sql: include_str!("../migrations/postgres/0011_case_shares.sql"),
    },
    Migration {
        version: 12,
        name: "password_resets",
        sql: include_str!("../migrations/postgres/0012_password_resets.sql"),
    },
    Migration {
        version: 13,
        name: "second_factors",
        sql: include_str!("../migrations/postgres/0013_second_factors.sql"),
    },
    Migration {
        version: 14,
        name: "case_list",
        sql: include_str!("../migrations/postgres/0014_case_list.sql"),
    },
];

/// The bookkeeping table, the same on both backends.
pub const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS amparo_migrations (
    version     BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  BIGINT NOT NULL
)";

/// What `migrate` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationReport {
    /// The schema version before.
    pub from: i64,
    /// The schema version now.
    pub to: i64,
    pub applied: Vec<String>,
}

/// The newest version a migration list knows.
pub fn latest(migrations: &[Migration]) -> i64 {
    migrations.iter().map(|m| m.version).max().unwrap_or(0)
}
