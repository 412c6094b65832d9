//! The next day on which a case's derivation could differ from the one made today, so that a store
//! re-derives a case only when the date can change what it stores.
//!
//! A derivation depends on its `today` only through comparisons with dates: dates of the file
//! (events and the dates they carry, birth dates, the attestation), dates computed from them (the
//! 14th, 18th and 21st birthdays, the five-year bar, the coverage cutoff, every deadline's due date and
//! window), and the windows counted back from those (re-parole due soon, an expiry escalation's
//! window). Each comparison is `<`, `<=`, `>=` or `>` against one such date, so the result can only
//! change on that date or the day after: the next change is the earliest of those days after today.
//! The score's countdown terms (parole ends, responses due) change with the days left; their next
//! change is found by stepping the term itself ([`countdown_changes_after`]).
//!
//! Those days are generous — most cases have several dates, and most of their days change nothing
//! (a family member's birthday that no rule reads, a countdown term that is not the one scored) —
//! so the first few are tried: the case is derived, scored and its escalation triggers found on the
//! day, and a day on which all of them are what they are today is passed over. A day passed over is
//! one the daily job would have re-derived for nothing. Past [`TRIED_DAYS`], the next possible day is
//! taken untried. The result must never be late: the store's tests step the clock day by day over
//! random timelines and compare every stored row against a full derivation.

use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::EventKind;
use crate::policy::Policy;
use crate::rules::{DeadlineKind, Derivation, RuleSet, coverage_cutoff, derive};
use crate::triage::assess::countdown_changes_after;
use crate::triage::{Assessment, TriageContext, TriageWeights, Trigger, assess, open_triggers};

/// Birthdays the rules count from (registration at 14, unlawful presence from 18, coverage to 21).
const COUNTED_BIRTHDAYS: [i32; 3] = [14, 18, 21];
/// The years after a first grant when the five-year bar of coverage ends.
const BAR_YEARS: i32 = 5;
/// How many possible days of change are tried before the next is taken as it is. Each try costs a
/// derivation and a score (some microseconds); each day wrongly kept costs a re-derivation in the
/// daily job, with its reads and writes.
pub const TRIED_DAYS: usize = 8;

/// What a derivation and its score were made under, besides the file and the day.
#[derive(Clone, Copy)]
pub struct DerivedUnder<'a> {
    pub policy: &'a Policy,
    pub rules: &'a RuleSet,
    pub triage: TriageContext,
}

/// The first day after `derivation.today` on which `derive` (and the triage and escalations made
/// from it) gives a different result for `file`, as far as trying the first [`TRIED_DAYS`] possible
/// days shows; `None` when no day to come can. `assessment` is the score made from `derivation`.
pub fn rederive_on(
    file: &CaseFile,
    derivation: &Derivation,
    assessment: &Assessment,
    under: DerivedUnder<'_>,
) -> Option<Date> {
    let today = derivation.today;
    let weights = under.rules.triage();
    let dates = Dates::of(file, derivation);
    let triggers = trigger_keys(open_triggers(file, today, under.policy, under.rules));
    let mut after = today;
    for _ in 0..TRIED_DAYS {
        let day = possible_change_after(&dates, weights, after)?;
        if changes_on(file, day, (derivation, assessment, &triggers), under) {
            return Some(day);
        }
        after = day;
    }
    possible_change_after(&dates, weights, after)
}

/// What identifies an escalation trigger (its texts name the day and are left out).
type TriggerKey = (crate::triage::TriggerKind, Option<String>, Date, bool);

fn trigger_keys(triggers: Vec<Trigger>) -> Vec<TriggerKey> {
    triggers.into_iter().map(|t| (t.kind, t.event_id, t.event_on, t.critical_care)).collect()
}

/// What deriving a file on one day gives: the derivation, its score and the escalation triggers open.
#[derive(PartialEq)]
struct Outcome {
    derivation: Derivation,
    assessment: Assessment,
    triggers: Vec<TriggerKey>,
}

impl Outcome {
    /// Derives `file` on `day`, its derivation dated `dated` so that outcomes of different days
    /// compare by what they hold.
    fn on(file: &CaseFile, day: Date, under: DerivedUnder<'_>, dated: Date) -> Outcome {
        let mut derivation = derive(file, day, under.policy, under.rules);
        let assessment = assess(file, &derivation, &under.triage, under.rules.triage());
        let triggers = trigger_keys(open_triggers(file, day, under.policy, under.rules));
        derivation.today = dated;
        Outcome { derivation, assessment, triggers }
    }
}

/// Whether deriving `file` on `day` gives anything but what it gives today: the derivation (its day
/// aside), the score with its components, or the escalation triggers open.
fn changes_on(
    file: &CaseFile,
    day: Date,
    (derivation, assessment, triggers): (&Derivation, &Assessment, &[TriggerKey]),
    under: DerivedUnder<'_>,
) -> bool {
    let then = Outcome::on(file, day, under, derivation.today);
    then.derivation != *derivation || then.assessment != *assessment || then.triggers != triggers
}

/// The first day after `after` on which a comparison against one of `dates` (or a window counted
/// back from one) flips, or a countdown term's points change.
fn possible_change_after(dates: &Dates, weights: &TriageWeights, after: Date) -> Option<Date> {
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
        .filter(|day| *day > after)
        .min();
    let countdowns = dates.parole_ends.iter().chain(&dates.responses).copied();
    let countdown = countdown_changes_after(weights, countdowns, after);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use serde_json::json;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    /// A family of three on one grant, with an RFE to answer and a parent whose birthdays no rule
    /// reads; `critical` days to harm make it a critical-care case.
    fn family(critical: u32, valid_until: &str) -> CaseFile {
        let doc = json!({ "format": "amparo.case/1", "case": {
            "reference": "T-REDERIVE", "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo", "birth_date": "2013-01-20" },
                { "key": "m1", "role": "parent", "given_name": "Ana", "family_name": "Ejemplo", "birth_date": "1990-12-20" },
                { "key": "s1", "role": "sibling", "given_name": "Teo", "family_name": "Ejemplo", "birth_date": "2006-02-11" }
            ],
            "medical": { "person": "p1", "condition": "intestinal failure", "days_to_critical_harm": critical,
                         "attested_on": "2026-10-01" }
        }, "events": [
            { "id": "g1", "type": "parole_granted", "on": "2026-01-15", "valid_until": valid_until },
            { "id": "r1", "type": "rfe_received", "on": "2026-11-20", "served_by": "mail", "respond_by": "2027-02-10" }
        ] });
        CaseFile::parse(&doc.to_string()).unwrap_or_else(|e| panic!("test file refused: {e}")).0
    }

    /// What `file` gives on `day`, dated alike for every day.
    fn make(file: &CaseFile, day: Date, under: DerivedUnder<'_>) -> Outcome {
        Outcome::on(file, day, under, d("2000-01-01"))
    }

    /// Steps `file` day by day from `start` for `days`, following `rederive_on` as the daily job
    /// does; returns how many derivations the job made and how many the possible days alone would
    /// have made.
    fn follow(file: &CaseFile, start: Date, days: i64) -> (usize, usize) {
        let policy = Policy::default();
        let rules = RuleSet::builtin().unwrap();
        let under = DerivedUnder { policy: &policy, rules, triage: TriageContext::new(&policy, false) };
        let (mut tried, mut possible) = (0, 0);
        let mut made = make(file, start, under);
        let derivation = derive(file, start, &policy, rules);
        let mut next = rederive_on(file, &derivation, &made.assessment, under);
        let mut next_possible = possible_change_after(&Dates::of(file, &derivation), rules.triage(), start);
        for step in 1..=days {
            let day = start.add_days(step);
            let today = make(file, day, under);
            if next_possible.is_some_and(|n| n <= day) {
                possible += 1;
                let derivation = derive(file, day, &policy, rules);
                next_possible = possible_change_after(&Dates::of(file, &derivation), rules.triage(), day);
            }
            match next {
                Some(n) if n <= day => {
                    tried += 1;
                    let derivation = derive(file, day, &policy, rules);
                    next = rederive_on(file, &derivation, &today.assessment, under);
                    assert!(next.is_none_or(|n| n > day), "the next day to derive is after {day}");
                    made = today;
                }
                _ => assert!(made == today, "{day}: the case changed before its day to derive ({next:?})"),
            }
        }
        (tried, possible)
    }

    #[test]
    fn a_day_that_changes_nothing_is_passed_over_and_none_that_does_is() {
        for (critical, valid_until) in
            [(3, "2027-03-31"), (90, "2027-03-31"), (3, "2026-12-20"), (200, "2027-09-30")]
        {
            let (tried, possible) = follow(&family(critical, valid_until), d("2026-11-25"), 420);
            assert!(tried > 0, "the countdowns change the score on some days");
            assert!(
                tried < possible,
                "days that change nothing are passed over ({critical} days to harm, parole to {valid_until}): \
                 {tried} derivations against {possible}"
            );
        }
    }
}
