//! The web app and JSON API, on both backends. Most tests send requests through the router in
//! process (`support::router`: a fixed clock, no server, no port); the rest run against the real
//! `amparo serve` for what only it proves: calendar feed addresses built from the address it
//! listens on, and the HTTPS settings it reads from its configuration file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod api_coverage;
mod api_tokens;
mod attachments;
mod audit_trail;
mod authorization;
mod case_closure;
mod case_creation;
mod case_edits;
mod case_forms;
mod case_list;
mod clinician_attestations;
mod csv_export;
mod curl_alone;
mod deadlines_api;
mod documents;
mod family_letters;
mod feed_access;
mod first_use_defects;
mod guarded_writes;
mod i18n;
mod intake;
mod intake_duplicates;
mod kept_forms;
mod late_deadlines;
mod notes_contacts;
mod notice_reading;
mod notifications;
mod observability;
mod openapi;
mod organisation_api;
mod outages;
mod page_controls;
mod password_forms;
mod problems;
mod proxies;
mod rules_on_pages;
mod second_factor;
mod sign_in_attacks;
mod site;
mod snapshots;
mod spanish_pages;
mod staff;
mod triage;
mod trust_pages;
mod webhooks;
