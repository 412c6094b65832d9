//! The rules engine: rule sets as data ([`RuleSet`]), the derivation of statuses, coverage and
//! deadlines from a case's timeline ([`derive()`]), and its output ([`Derivation`], [`render_text`]).
//!
//! Statuses, per person, as of a day (see `shared/domain/rules.md`, `us-parole/2027.1`):
//! - `other_status`: another immigration status was granted on or before the day;
//! - `departed`: a `departed` event for them on or before the day, dated on or after their current
//!   grant's start (with no grant: any departure);
//! - `paroled`: a grant began on or before the day and its parole end is not past (a grant recorded
//!   ahead of its start leaves the person paroled while an earlier grant still covers the day);
//! - `terminated`: parole ended early by a termination notice and that end is past;
//! - `expired`: the parole end is past, not by termination;
//! - `requested`: no grant in force or begun, and a `parole_requested` on file;
//! - `none`: nothing on file gives a status.

mod answers;
mod coverage;
mod derive;
mod notice_deadlines;
mod output;
mod person_deadlines;
mod ruleset;
mod status;
pub mod template;

pub use answers::{answerable_notices, unlinked_answers};
pub use coverage::{Coverage, CoverageTexts, FederalMedicaid, coverage_cutoff};
pub use derive::{days_to_critical_harm, derive, is_critical_care};
pub use output::{Deadline, Derivation, NOT_LEGAL_ADVICE, PersonStatus, Status, WhyFacts, render_text};
pub use ruleset::{
    BUILTIN_TOML, Basis, DeadlineKind, RULE_COUNT, Roll, Rule, RuleId, RuleSet, RuleSetError, UNKNOWN_FACT,
    US_PAROLE_2026_1_TOML,
};
pub use status::{EndCause, GrantEnd, current_grant, live_events, status_on};
