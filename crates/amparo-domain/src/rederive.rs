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
use crate::rules::{Derivation, RuleSet, coverage_cutoff};
use crate::triage::assess::countdown_changes_after;

/// Birthdays the rules count from (registration at 14, unlawful presence from 18, coverage to 21).
const COUNTED_BIRTHDAYS: [i32; 3] = [14, 18, 21];
/// The years after a first grant when the five-year bar of coverage ends.
const BAR_YEARS: i32 = 5;

/// The first day after `derivation.today` on which `derive` (and the triage and escalations made
/// from it) could give a different result for `file`; `None` when no day to come can.
pub fn rederive_on(file: &CaseFile, derivation: &Derivation, rules: &RuleSet) -> Option<Date> {
    let today = derivation.today;
    let dates = dates_compared(file, derivation);
    let weights = rules.triage();
    // How far before a date something starts to count: a re-parole target coming due, an expiry
    // escalation's window opening.
    let windows = [0, weights.gaps.re_parole_due_within_days, weights.escalation.expiry_window_days];
    let crossings = dates
        .iter()
        .flat_map(|date| windows.iter().map(move |days| date.add_days(-days)))
        // A comparison against a date flips on it (`>=`) or the day after (`>`).
        .flat_map(|date| [date, date.add_days(1)])
        .filter(|day| *day > today)
        .min();
    let countdown = countdown_changes_after(weights, dates.iter().copied(), today);
    [crossings, countdown].into_iter().flatten().min()
}

/// Every date the rules compare the day of a derivation against, for this file and derivation.
fn dates_compared(file: &CaseFile, derivation: &Derivation) -> Vec<Date> {
    let mut dates = Vec::with_capacity(8 * file.events.len() + 8 * file.case.people.len() + 8);
    dates.push(coverage_cutoff());
    for event in &file.events {
        let start = dates.len();
        dates.push(event.on);
        dates.extend(event.kind.dates().into_iter().map(|(_, date)| date));
        // A grant's five-year bar counts from its day; any event's day is a possible grant.
        let bars: Vec<Date> = dates[start..].iter().map(|d| d.add_years(BAR_YEARS)).collect();
        dates.extend(bars);
    }
    for person in &file.case.people {
        if let Some(born) = person.birth_date {
            dates.push(born);
            dates.extend(COUNTED_BIRTHDAYS.iter().map(|years| born.add_years(*years)));
        }
    }
    if let Some(attested) = file.case.medical.as_ref().and_then(|m| m.attested_on) {
        dates.push(attested);
    }
    for deadline in &derivation.deadlines {
        dates.push(deadline.due);
        dates.extend(deadline.window_opens);
    }
    for person in &derivation.people {
        dates.extend(person.parole_ends);
    }
    dates.extend(derivation.covered_until);
    dates.sort_unstable();
    dates.dedup();
    dates
}
