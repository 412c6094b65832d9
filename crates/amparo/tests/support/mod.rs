//! Shared by every integration test of the binary: the one CLI runner (one environment scrubbing),
//! the real `amparo serve` child process, the in-process router, the person-level site helpers
//! (forms, sign-in, second factor) both of those share, seeded fixtures, and snapshot redactions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each test binary uses its own subset of these helpers.
#![allow(dead_code, unused_imports)]

pub mod cli;
pub mod fixtures;
pub mod log_scan;
pub mod pdf;
pub mod reply;
pub mod router;
pub mod server;
pub mod site;
pub mod snapshots;

pub use cli::{Outcome, Run, amparo, command, run, run_env, run_on, stderr_of_failure, stdout_of};
pub use fixtures::{PASSWORD, SEEDED_PERSONAL_DATA, add_user, case_json};
pub use reply::{Reply, element_text, hidden_field};
pub use router::{Persona, RouterApp, Session};
pub use server::{SERVER_LOG, TestApp};
pub use site::{Authenticator, unix_now};
