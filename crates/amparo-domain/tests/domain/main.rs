//! The domain crate's integration tests, in one binary: each module covers one part of the crate
//! through its public interface.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod calendar;
mod case_file;
mod escalation;
mod event_fields;
mod examples;
mod notices;
mod rule_set;
mod rules;
mod rules_props;
mod triage;
