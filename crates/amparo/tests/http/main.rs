//! The web app and JSON API, on both backends: most tests send requests through the router in
//! process (no server, no port); the rest run against the real `amparo serve` for what only it
//! proves (its logs, the configuration it starts with, throttling by peer address).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod authorization;
mod case_forms;
mod case_list;
mod i18n;
mod intake;
mod notifications;
mod problems;
mod second_factor;
mod site;
mod snapshots;
mod triage;
mod trust_pages;
