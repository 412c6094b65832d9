//! The `amparo` binary as an operator uses it: each test runs the compiled binary as a child process
//! (through the one runner in `support::cli`, which scrubs inherited `AMPARO_*` settings) against a
//! throwaway database, on SQLite and on PostgreSQL, and checks exit codes, messages, output and what
//! ended up in the database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod attachments;
mod audit;
mod backups;
mod config;
mod deadlines;
mod documents;
mod email;
mod file_modes;
mod keys;
mod notices;
mod operator;
mod org_archive;
mod snapshots;
mod staff;
mod triage;
mod webhooks;
