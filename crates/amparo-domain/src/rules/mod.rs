//! The rules engine: rule sets as data ([`RuleSet`]), the derivation of statuses and deadlines from a
//! case's timeline ([`derive()`]), and its output ([`Derivation`], [`render_text`]).
//!
//! Statuses, per person, as of `today` (see `shared/domain/rules.md`):
//! - `departed`: a `departed` event for them on or before `today`, dated on or after their current
//!   grant's start (a departure before a later grant was followed by a return);
//! - `requested`: no grant in force or begun, and a `parole_requested` on file;
//! - `paroled`: a grant began on or before `today` and its parole end is not past (a grant recorded
//!   ahead of its start leaves the person paroled while an earlier grant still covers `today`);
//! - `terminated`: parole ended early by a termination notice and that end is past;
//! - `expired`: the parole end is past, not by termination;
//! - `none`: nothing on file gives a status (no request, no grant that has begun).

mod derive;
mod output;
mod ruleset;
pub mod template;

pub use derive::{
    EndCause, GrantEnd, current_grant, days_to_critical_harm, derive, is_critical_care, live_events,
};
pub use output::{Deadline, Derivation, NOT_LEGAL_ADVICE, PersonStatus, Status, WhyFacts, render_text};
pub use ruleset::{
    BUILTIN_TOML, Basis, DeadlineKind, Roll, Rule, RuleId, RuleSet, RuleSetError, UNKNOWN_FACT,
};
