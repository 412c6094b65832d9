//! Amparo's domain: the vocabulary of a humanitarian-parole case and everything that can be decided
//! from it without I/O. Nothing here reads a clock, a file or a database; time comes in as a parameter.

pub mod amount;
pub mod attachments;
pub mod calendar;
pub mod case;
pub mod case_edit;
pub mod case_file;
pub mod case_file_extensions;
pub mod closure;
pub mod contacts;
pub mod date;
pub mod event;
pub mod identifiers;
pub mod notes;
pub mod notice;
pub mod notice_reading;
pub mod objects;
pub mod org;
pub mod policy;
pub mod problem;
pub mod rederive;
pub mod rules;
pub mod texts;
pub mod time_zone;
pub mod triage;
pub mod words;

pub use calendar::Calendar;
pub use case::{CaseRecord, Language, MedicalProfile, Person, PersonRole, Program};
pub use case_file::{CaseFile, CaseFileError, Warning};
pub use closure::{CloseReason, Closure};
pub use date::Date;
pub use event::{Event, EventKind, OtherStatus, RawEvent, ServedBy};
pub use identifiers::LanguageTag;
pub use policy::{Policy, PolicyError};
pub use problem::{Expected, Problem};
pub use rederive::{DerivedUnder, rederive_on};
pub use rules::{
    Basis, Deadline, DeadlineKind, Derivation, PersonStatus, RuleId, RuleSet, RuleSetError, Status, derive,
    is_critical_care, render_text,
};
pub use texts::Texts;
pub use time_zone::TimeZone;
pub use triage::{
    Assessment, Component, EscalationTemplates, PlannedTask, TriageContext, TriageWeights, Trigger,
    TriggerKind, assess, escalation_triggers, trigger_resolved,
};
