//! The store's integration tests, one binary: each module's tests run once on SQLite and once on
//! PostgreSQL (see `amparo_store::testing` for when PostgreSQL is skipped), with the helpers they
//! share in `support`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod access;
mod answers;
mod api_tokens;
mod attachments;
mod attachments_s3;
mod audit_chain;
mod backends;
mod backup_notices;
mod bulk_import;
mod case_edits;
mod case_list_filters;
mod case_list_search;
mod citus_rules;
mod closure;
mod concurrent_writes;
mod connections;
mod contract;
mod duplicates;
mod form_drafts;
mod full_disk;
mod new_kinds;
mod notes_contacts;
mod notices;
mod org_archive;
mod org_scoped_queries;
mod policy;
mod rederive;
mod schema;
mod sealing;
mod second_factors;
mod staff;
mod triage;
mod trust_store;
mod upgrade;
mod webhooks;
