//! The next day on which a case's derivation could differ from the one made today, so that a store
//! re-derives a case only when the date can change what it stores.
//!
//! A derivation depends on its `today` only through comparisons with dates: dates of the file
//! (events and the dates they carry, birth dates, the attestation), dates computed from them (the
//! 14th, 18th and 21st birthdays, the five-year bar, the coverage cutoff, every deadline's due date and
//! window), and the windows counted back from those (re-parole due soon, an expiry escalation's
//! window). Each comparison is `<`, `<=`, `>=` or `>` against one such date, so the result can only
//! change on that date or the day after: the next change is the earliest of those days after today.
//! The score's countdown terms (parole ending, responses due) change with the days left; their next
//! change is found by stepping the term itself ([`countdown_changes_after`]).
//!
//! The set of days is generous — a day on it may change nothing, which costs one derivation — but
//! it must never miss one: the store's tests step the clock day by day over random timelines and
//! compare every stored row against a full derivation.

use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::EventKind;
use crate::rules::{DeadlineKind, Derivation, RuleSet, coverage_cutoff};
use crate::triage::assess::countdown_changes_after;

/// Birthdays the rules count from (registration at 14, unlawful presence from 18, coverage to 21).
const COUNTED_BIRTHDAYS: [i32; 3] = [14, 18, 21];
/// The years after a first grant when the five-year bar of coverage ends.
const BAR_YEARS: i32 = 5;

/// The first day after `derivation.today` on which `derive` (and the triage and escalations made
/// from it) could give a different result for `file`; `None` when no day to come can.
pub fn rederive_on(file: &CaseFile, derivation: &Derivation, rules: &RuleSet) -> Option<Date> {
    let today = derivation.today;
    let weights = rules.triage();
    let dates = Dates::of(file, derivation);
    // Each date, and how far before it something starts to count.
    let windows = [
        (&dates.compared, 0),
        // An expiry escalation's window opening before a grant's end.
        (&dates.parole_ends, weights.escalation.expiry_window_days),
        // A parole end entering the score's horizon.
        (&dates.parole_ends, weights.legal.parole_ends_horizon_days),
        // A re-parole target coming due.
        (&dates.re_parole_targets, weights.gaps.re_parole_due_within_days),
        // A response entering the score's window.
        (&dates.responses, weights.legal.response_window_days),
    ];
    let crossings = windows
        .iter()
        .flat_map(|(dates, days)| dates.iter().map(move |date| date.add_days(-days)))
        // A comparison against a date flips on it (`>=`) or the day after (`>`).
        .flat_map(|date| [date, date.add_days(1)])
        .filter(|day| *day > today)
        .min();
    let countdowns = dates.parole_ends.iter().chain(&dates.responses).copied();
    let countdown = countdown_changes_after(weights, countdowns, today);
    [crossings, countdown].into_iter().flatten().min()
}

/// The dates the rules compare the day of a derivation against, for one file and its derivation.
struct Dates {
    /// Every date compared as it is: the file's, birthdays counted from, the bar's end, the
    /// derivation's deadlines and coverage.
    compared: Vec<Date>,
    /// Ends of parole, as derived and as the timeline sets them (grants, I-94 updates, notices).
    parole_ends: Vec<Date>,
    /// Due dates of re-parole targets.
    re_parole_targets: Vec<Date>,
    /// Due dates of the responses the score counts down to (RFE, NOID, motion, fee).
    responses: Vec<Date>,
}

impl Dates {
    fn of(file: &CaseFile, derivation: &Derivation) -> Dates {
        let mut compared = Vec::with_capacity(4 * file.events.len() + 4 * file.case.people.len() + 8);
        let mut parole_ends = Vec::with_capacity(file.events.len() + file.case.people.len());
        compared.push(coverage_cutoff());
        for event in &file.events {
            compared.push(event.on);
            let carried = event.kind.dates();
            compared.extend(carried.iter().map(|(_, date)| *date));
            parole_ends.extend(carried.iter().map(|(_, date)| *date));
            if matches!(event.kind, EventKind::ParoleGranted { .. }) {
                compared.push(event.on.add_years(BAR_YEARS));
            }
        }
        for person in &file.case.people {
            if let Some(born) = person.birth_date {
                compared.push(born);
                compared.extend(COUNTED_BIRTHDAYS.iter().map(|years| born.add_years(*years)));
            }
        }
        compared.extend(file.case.medical.as_ref().and_then(|m| m.attested_on));
        let mut re_parole_targets = Vec::new();
        let mut responses = Vec::new();
        for deadline in &derivation.deadlines {
            compared.push(deadline.due);
            compared.extend(deadline.window_opens);
            match deadline.kind {
                DeadlineKind::ReParoleFileBy => re_parole_targets.push(deadline.due),
                DeadlineKind::RfeResponseDue
                | DeadlineKind::NoidResponseDue
                | DeadlineKind::MotionDue
                | DeadlineKind::FeeDue => responses.push(deadline.due),
                _ => {}
            }
        }
        parole_ends.extend(derivation.people.iter().filter_map(|p| p.parole_ends));
        parole_ends.extend(derivation.covered_until);
        compared.extend(&parole_ends);
        for dates in [&mut compared, &mut parole_ends, &mut re_parole_targets, &mut responses] {
            dates.sort_unstable();
            dates.dedup();
        }
        Dates { compared, parole_ends, re_parole_targets, responses }
    }
}
