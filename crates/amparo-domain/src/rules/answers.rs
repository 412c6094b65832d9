//! Which notices are still open: an answer clears only what it answers (`rules.md`, Answers).
//!
//! An answer with `answers` clears the notice it names (the correction in force, when that notice was
//! corrected); one without clears the latest open notice of its kind dated on or before it, never more
//! than one. Address changes are answered per person. Linked answers clear first, then the unlinked
//! ones in timeline order.

use std::collections::HashSet;

use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::{Event, EventKind, answered_type};

use super::status::live_events;

/// The notices of a timeline that answers have cleared, by their position in the live events.
pub struct Answered {
    /// Whole notices cleared (RFE, NOID, denial, fee, EAD revocation).
    cleared: HashSet<usize>,
    /// Address changes cleared for one person: (position, person key).
    reported: HashSet<(usize, String)>,
}

impl Answered {
    /// Whether the notice at `position` of the live events is still open as a whole.
    pub fn is_open(&self, position: usize) -> bool {
        !self.cleared.contains(&position)
    }

    /// Whether the address change at `position` still awaits its report for `key`.
    pub fn report_open(&self, position: usize, key: &str) -> bool {
        !self.reported.contains(&(position, key.to_owned()))
    }
}

/// The event a link names once corrections are followed: the last link of its `supersedes` chain.
fn in_force<'a>(events: &'a [Event], id: &str) -> Option<&'a Event> {
    let mut current = events.iter().find(|e| e.id.as_deref() == Some(id))?;
    // At most one event supersedes another, so the chain is a path; its length bounds the walk.
    for _ in 0..events.len() {
        let Some(id) = current.id.as_deref() else { break };
        match events.iter().find(|e| e.supersedes.as_deref() == Some(id)) {
            Some(correction) => current = correction,
            None => break,
        }
    }
    Some(current)
}

/// Works out which notices the answers of `live` (the live events of `file`) clear.
pub fn answered(file: &CaseFile, live: &[&Event]) -> Answered {
    let mut result = Answered { cleared: HashSet::new(), reported: HashSet::new() };
    let position_of = |event: &Event| live.iter().position(|e| std::ptr::eq(*e, event));
    let people: Vec<&str> = file.case.people.iter().map(|p| p.key.as_str()).collect();

    for answer in live.iter().filter(|e| e.answers.is_some()) {
        let (Some(notice_type), Some(target)) = (answered_type(answer.kind.type_name()), &answer.answers)
        else {
            continue;
        };
        let Some(notice) = in_force(&file.events, target) else { continue };
        let Some(position) = position_of(notice).filter(|_| notice.kind.type_name() == notice_type) else {
            continue;
        };
        if matches!(notice.kind, EventKind::AddressChanged) {
            for key in people.iter().filter(|k| answer.concerns(k) && notice.concerns(k)) {
                result.reported.insert((position, (*key).to_owned()));
            }
        } else {
            result.cleared.insert(position);
        }
    }

    let mut unlinked: Vec<(usize, &Event)> = live
        .iter()
        .enumerate()
        .filter(|(_, e)| e.answers.is_none() && e.kind.is_answer())
        .map(|(i, e)| (i, *e))
        .collect();
    unlinked.sort_by_key(|(i, e)| (e.on, *i));
    for (_, answer) in unlinked {
        let Some(notice_type) = answered_type(answer.kind.type_name()) else { continue };
        let candidates = || {
            live.iter()
                .enumerate()
                .filter(move |(_, n)| n.kind.type_name() == notice_type && n.on <= answer.on)
        };
        if notice_type == "address_changed" {
            for key in people.iter().filter(|k| answer.concerns(k)) {
                let latest = candidates()
                    .filter(|(i, n)| n.concerns(key) && result.report_open(*i, key))
                    .max_by_key(|(i, n)| (n.on, *i));
                if let Some((position, _)) = latest {
                    result.reported.insert((position, (*key).to_owned()));
                }
            }
        } else {
            let latest = candidates().filter(|(i, _)| result.is_open(*i)).max_by_key(|(i, n)| (n.on, *i));
            if let Some((position, _)) = latest {
                result.cleared.insert(position);
            }
        }
    }
    result
}

/// The answers on the timeline that name no notice: the web form offers to link each one.
pub fn unlinked_answers(file: &CaseFile) -> Vec<&Event> {
    live_events(file).into_iter().filter(|e| e.kind.is_answer() && e.answers.is_none()).collect()
}

/// The open notices an answer of type `answer_type` dated `on` could answer: notices of the kind it
/// answers, dated on or before it, still open (an address change: still open for someone), in
/// timeline order.
pub fn answerable_notices<'a>(file: &'a CaseFile, answer_type: &str, on: Date) -> Vec<&'a Event> {
    let Some(notice_type) = answered_type(answer_type) else {
        return Vec::new();
    };
    let live = live_events(file);
    let answers = answered(file, &live);
    let mut open: Vec<(usize, &Event)> = live
        .iter()
        .enumerate()
        .filter(|(i, n)| {
            n.kind.type_name() == notice_type
                && n.on <= on
                && if notice_type == "address_changed" {
                    file.case.people.iter().any(|p| n.concerns(&p.key) && answers.report_open(*i, &p.key))
                } else {
                    answers.is_open(*i)
                }
        })
        .map(|(i, n)| (i, *n))
        .collect();
    open.sort_by_key(|(i, n)| (n.on, *i));
    open.into_iter().map(|(_, n)| n).collect()
}
