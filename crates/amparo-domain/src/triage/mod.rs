//! Triage and the critical-care protocol: who is closest to harm, and which escalations a change on a
//! case opens. Pure, like the rest of the crate: the day comes from the derivation or a parameter.
//!
//! - [`critical`]: whether a case is critical-care (days to critical harm ≤ the organisation's threshold).
//! - [`assess()`]: a case's explainable triage score, each component in English and Spanish; the scoring
//!   model is documented in [`assess`](mod@assess).
//! - [`weights`]: the points and day counts, read from the rule set's `[triage]` table
//!   ([`RuleSet::triage`](crate::RuleSet::triage)).
//! - [`trigger`]: escalation triggers ([`escalation_triggers`], [`open_triggers`]) and their resolution
//!   ([`trigger_resolved`]).
//! - [`reason`]: what a score's components and a trigger say, as facts rendered on read
//!   ([`Reason`], [`TriggerReason`]).
//! - [`escalation`]: the checklist each trigger starts, as data ([`EscalationTemplates`]).

pub mod assess;
pub mod critical;
pub mod escalation;
pub mod plan;
pub mod reason;
mod text;
pub mod trigger;
pub mod weights;

pub use assess::{Assessment, COMPONENT_CODES, Category, Component, TriageContext, assess};
pub use critical::{CriticalCare, critical_care};
pub use escalation::{
    BUILTIN_ESCALATION_TOML, EscalationTemplateError, EscalationTemplates, PlannedTask, TaskTemplate,
};
pub use plan::{EscalationPlan, KnownEscalation, PlanContext, RESOLVED_BY_TIMELINE, plan_escalations};
pub use reason::{Reason, TriggerReason};
pub use trigger::{Trigger, TriggerKind, escalation_triggers, open_triggers, trigger_resolved};
pub use weights::{
    EscalationWeights, GapWeights, LegalWeights, MedicalWeights, TriageWeights, TriageWeightsError,
};
