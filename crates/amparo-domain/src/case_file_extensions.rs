//! The optional sections of an `amparo.case/1` document beyond the case and its timeline, which
//! `amparo export` writes and `amparo import` reads back: the case's closure while it is closed
//! (`closure`), its notes (`notes`), how to reach its people (`contacts`), its history of edits after
//! intake (`history`) and the events voided (`voids`). A document without them is as valid as
//! before, and one with them round-trips unchanged (`docs/case-file-extensions.md`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::case_edit::{EventVoid, HistoryEntry};
use crate::case_file::{CaseFileError, MAX_NOTE_TEXT, MAX_SHORT_TEXT};
use crate::closure::Closure;
use crate::contacts::Contacts;
use crate::event::Event;
use crate::notes::CaseNote;
use crate::problem::Problem;

/// The optional sections of a case file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Extensions {
    /// Set while the case is closed. Every read of a case carries it: a closed case derives nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<Closure>,
    /// Case notes, in the order they were written. Only export and import carry them: a case read
    /// for its timeline leaves this empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<CaseNote>,
    /// How to reach the family and the professionals around the case; as `notes`, only export and
    /// import carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Contacts>,
    /// Every edit of the case's record after intake, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
    /// The voided events of the timeline, in timeline order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub voids: Vec<EventVoid>,
}

fn field(path: String, problem: Problem) -> CaseFileError {
    CaseFileError::Field { message: problem.to_string(), path, problem }
}

fn check_text(path: String, text: &str, max: usize) -> Result<(), CaseFileError> {
    if text.trim().is_empty() {
        return Err(field(path, Problem::Required));
    }
    if text.chars().count() > max {
        return Err(field(path, Problem::TooLong { max }));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(field(path, Problem::ControlCharacter));
    }
    Ok(())
}

impl Extensions {
    /// The sections' own rules against the timeline `events`: each void names an event of it (by
    /// its place, from 1, and its id when it has one), once, in timeline order, with a reason; no
    /// event still in force corrects or answers a voided one; history values are short text.
    pub fn validate(&self, events: &[Event]) -> Result<(), CaseFileError> {
        let mut previous = 0;
        for (index, void) in self.voids.iter().enumerate() {
            let path = format!("voids[{index}]");
            let event = usize::try_from(void.seq - 1).ok().and_then(|i| events.get(i));
            let Some(event) = event.filter(|_| void.seq > previous) else {
                let problem = Problem::NoSuchEarlierEvent { id: format!("#{}", void.seq) };
                return Err(field(format!("{path}.seq"), problem));
            };
            if void.event != event.id {
                let problem = Problem::NoSuchEarlierEvent { id: void.event.clone().unwrap_or_default() };
                return Err(field(format!("{path}.event"), problem));
            }
            check_text(format!("{path}.reason"), &void.reason, MAX_NOTE_TEXT)?;
            previous = void.seq;
        }
        let voided: HashSet<&str> = self.voids.iter().filter_map(|v| v.event.as_deref()).collect();
        for (index, event) in events.iter().enumerate() {
            if self.voids.iter().any(|v| v.seq == index as i64 + 1) {
                continue;
            }
            for link in [&event.supersedes, &event.answers].into_iter().flatten() {
                if voided.contains(link.as_str()) {
                    let problem = Problem::AlreadyVoided { id: link.clone() };
                    return Err(field(format!("events[{index}]"), problem));
                }
            }
        }
        for (index, entry) in self.history.iter().enumerate() {
            for (i, change) in entry.changes.iter().enumerate() {
                let path = format!("history[{index}].changes[{i}]");
                check_text(format!("{path}.field"), &change.field, MAX_SHORT_TEXT)?;
                for value in [&change.before, &change.after].into_iter().flatten() {
                    if value.chars().count() > MAX_SHORT_TEXT {
                        return Err(field(path.clone(), Problem::TooLong { max: MAX_SHORT_TEXT }));
                    }
                }
            }
        }
        Ok(())
    }
}
