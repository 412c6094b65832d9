//! Triage and the work it creates: who is assigned to a case, the board of open cases by urgency,
//! the escalations of the critical-care protocol with their checklist tasks, and reviews opened
//! across many cases at once. What the triage said is kept as sealed facts ([`reasons`]).

pub mod assignments;
pub(crate) mod board;
pub mod escalations;
pub(crate) mod reasons;
mod review;
pub mod tasks;
