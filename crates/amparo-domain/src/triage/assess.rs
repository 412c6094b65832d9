//! The triage score of one case: a sum of explained components, each naming the facts behind its
//! points in English and Spanish.
//!
//! # Scoring model
//! The score is the sum of the components' points; every number comes from the rule set's `[triage]`
//! table ([`TriageWeights`]). Three families of components:
//!
//! **Medical urgency** (from the case file)
//! - `patient_critical`: critical-care (days to critical harm ≤ threshold):
//!   `critical_care + critical_care_per_day × (threshold − days)`.
//! - `patient_fragile`: not critical-care but days to critical harm ≤ `fragile_days`: `fragile`.
//! - `care_unavailable_abroad`: the medical profile says the care does not exist in the country of
//!   origin: `care_unavailable_abroad`.
//! - `family_coverage_lost`: on a critical-care case, an adult family member (not the patient; 21 or
//!   over, or without a birth date, as coverage counts adults) in the United States has lost federal
//!   Medicaid (`rules.md`, Coverage): not eligible today because their parole ended (expired or
//!   terminated: since the day after), or, paroled, a qualified alien from 2026-10-01 on (since
//!   then): `family_coverage_lost`, once per case, the earliest loss.
//!
//! **Legal exposure** (from the derivation and the timeline)
//! - Parole, for the person still in the United States who is worst off, one component:
//!   `parole_terminated` (terminated and past: `parole_terminated`), `parole_expired` (`parole_expired`),
//!   or `parole_ends_soon` (ends within `parole_ends_horizon_days`:
//!   `parole_ends_max × (horizon − days) / horizon`, so the nearer the end the more points; `days`
//!   counted by marks, 1, 3, 7, 14, 30, 60, 90 and every 30 beyond, rounded down, as in every
//!   countdown term: [`counted_days`]).
//! - `termination_notice`: a termination notice cut someone's current grant short (effective date past
//!   or to come), or a grant recorded ahead of its start: `termination_notice`. A later grant replaces
//!   the terminated one and ends it.
//! - `rfe_open`, `noid_open`, `motion_open`, `fee_open`: one per open response deadline of the
//!   derivation (an answered RFE has none): the kind's base points plus
//!   `response_due_max × (window − days) / window` when due within `response_window_days` (`days` counted
//!   by marks, [`counted_days`]), the whole
//!   `response_due_max` when due today or overdue. A motion stops counting once its period has passed.
//! - `critical_care_exposure`: on a critical-care case, the legal exposure above counts
//!   `critical_exposure_percent` more.
//!
//! **Gaps** (the team's own work)
//! - `no_attorney`: [`TriageContext::attorney_assigned`] is false: `no_attorney`.
//! - `attestation_stale`: the medical attestation's refresh date has passed: `attestation_stale`.
//! - `re_parole_overdue` / `re_parole_due_soon`: no re-parole filed and the re-parole target
//!   (`re_parole_file_by`) is past, or within `re_parole_due_within_days`.
//! - `new_request_not_filed`: parole was terminated and no `re_parole_filed` since the latest
//!   termination notice (of the current grant, or of one recorded ahead of its start), scored as
//!   `re_parole_overdue`. One re-parole gap per case, the worst.
//!
//! Parole exposure reads the latest grant that has *begun*: a grant recorded ahead of its start does
//! not cover the days before it, so an earlier grant that lapsed or was terminated still scores.
//!
//! # Guarantees (checked when the weights load, and by tests)
//! - The nearer a date, the more points; a lapse scores at least as much as a parole about to lapse,
//!   and a termination at least as much as an expiry.
//! - Adding a termination notice never lowers the score, and raises it when it cuts a grant short.
//! - A critical-care case outranks any non-critical case with the same legal facts, whatever its gaps:
//!   `critical_care` exceeds every non-legal point a non-critical case can earn.

use std::cmp::Ordering;

use serde::Serialize;

use crate::case::{Person, PersonRole};
use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::{Event, EventKind};
use crate::policy::{DEFAULT_CRITICAL_CARE_THRESHOLD_DAYS, Policy};
use crate::rules::{
    Deadline, DeadlineKind, Derivation, EndCause, FederalMedicaid, Status, coverage_cutoff, current_grant,
    live_events,
};

use super::critical::CriticalCare;
use super::reason::Reason;
use super::weights::TriageWeights;

/// Facts the triage needs that the case file does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TriageContext {
    /// Whether an attorney is assigned to the case.
    pub attorney_assigned: bool,
    /// The organisation's critical-care threshold (`Policy::critical_care_threshold_days`).
    pub critical_care_threshold_days: u32,
}

impl TriageContext {
    pub fn new(policy: &Policy, attorney_assigned: bool) -> TriageContext {
        TriageContext { attorney_assigned, critical_care_threshold_days: policy.critical_care_threshold_days }
    }
}

impl Default for TriageContext {
    /// No attorney assigned, the default threshold.
    fn default() -> Self {
        TriageContext {
            attorney_assigned: false,
            critical_care_threshold_days: DEFAULT_CRITICAL_CARE_THRESHOLD_DAYS,
        }
    }
}

/// Which family a component belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Medical,
    Legal,
    Gap,
}

/// One reason a case scores what it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Stable machine id (`parole_ends_soon`); see [`COMPONENT_CODES`].
    pub code: &'static str,
    pub category: Category,
    pub points: i64,
    /// The facts the component names; [`Reason::text`] writes them in a language ("parole ends in
    /// 12 days (2026-03-09), nothing filed"), counting from the day the case was scored.
    pub reason: Reason,
}

impl Component {
    fn new(category: Category, points: i64, reason: Reason) -> Component {
        Component { code: reason.code(), category, points, reason }
    }
}

/// Every component code the triage can produce.
pub const COMPONENT_CODES: [&str; 18] = [
    "patient_critical",
    "patient_fragile",
    "care_unavailable_abroad",
    "parole_terminated",
    "parole_expired",
    "parole_ends_soon",
    "termination_notice",
    "rfe_open",
    "noid_open",
    "motion_open",
    "fee_open",
    "critical_care_exposure",
    "no_attorney",
    "attestation_stale",
    "re_parole_overdue",
    "re_parole_due_soon",
    "new_request_not_filed",
    "family_coverage_lost",
];

/// A case's place on the triage board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The sum of the components' points; higher is closer to harm.
    pub score: i64,
    pub critical_care: bool,
    pub days_to_critical_harm: Option<u32>,
    /// Highest points first; equal points keep the order of the scoring model.
    pub components: Vec<Component>,
    /// The first deadline due on or after the derivation's `today`.
    pub next_deadline: Option<Deadline>,
}

impl Assessment {
    /// Board order: `Less` when `self` is more urgent. Higher score first, then critical-care, then
    /// fewer days to critical harm, then the nearer next deadline.
    pub fn cmp_urgency(&self, other: &Assessment) -> Ordering {
        other
            .score
            .cmp(&self.score)
            .then(other.critical_care.cmp(&self.critical_care))
            .then_with(|| {
                let harm = |a: &Assessment| a.days_to_critical_harm.unwrap_or(u32::MAX);
                harm(self).cmp(&harm(other))
            })
            .then_with(|| {
                let due = |a: &Assessment| a.next_deadline.as_ref().map(|d| d.due);
                match (due(self), due(other)) {
                    (Some(a), Some(b)) => a.cmp(&b),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            })
    }

    /// The points of one component code, summed (0 when absent).
    pub fn points_of(&self, code: &str) -> i64 {
        self.components.iter().filter(|c| c.code == code).map(|c| c.points).sum()
    }
}

/// Countdown terms count the days left by marks rather than day by day: 1, 3, 7, 14, 30, 60 and 90
/// days, then every [`COUNTDOWN_LONG_STEP_DAYS`] beyond (the days left rounded down to the nearest
/// mark, so a date 20 days away scores as one 14 days away). The last weeks, when the work is done,
/// are told apart; a date months away moves a case only a little. A case's score then changes on a
/// few known days — about ten over a 180-day horizon — and the daily refresh re-derives it on those
/// days only (`crate::rederive`). Within a mark the board orders by the nearer deadline.
pub const COUNTDOWN_MARKS: [i64; 7] = [1, 3, 7, 14, 30, 60, 90];
/// The step between marks beyond the last of [`COUNTDOWN_MARKS`].
pub const COUNTDOWN_LONG_STEP_DAYS: i64 = 30;

/// The days left a countdown term counts: `days` itself at or below 0, else the nearest mark at or
/// below it (see [`COUNTDOWN_MARKS`]).
pub fn counted_days(days: i64) -> i64 {
    let last = COUNTDOWN_MARKS[COUNTDOWN_MARKS.len() - 1];
    if days <= 0 {
        days
    } else if days >= last {
        days - (days - last).rem_euclid(COUNTDOWN_LONG_STEP_DAYS)
    } else {
        COUNTDOWN_MARKS.iter().rev().copied().find(|mark| *mark <= days).unwrap_or(0)
    }
}

/// `max × (span − counted) / span` for `days` in `0..span`, `counted` being [`counted_days`]; `max`
/// at or below 0 days, 0 from `span` on.
fn linear(max: i64, span: i64, days: i64) -> i64 {
    let days = counted_days(days);
    if days <= 0 {
        max
    } else if days >= span || span <= 0 {
        0
    } else {
        max * (span - days) / span
    }
}

/// The first day after `today` on which a [`linear`] term counting down to `date` scores differently,
/// if one comes: the day it enters the span, or the next day its points change within it.
pub(crate) fn linear_changes_after(max: i64, span: i64, date: Date, today: Date) -> Option<Date> {
    let days = today.days_until(date);
    if days <= 0 || span <= 0 {
        return None;
    }
    let points = linear(max, span, days);
    // Nothing changes before the days left come within the widest gap between marks of the span:
    // start there.
    let first = (days - span - COUNTDOWN_LONG_STEP_DAYS).max(1);
    (first..=days).find(|step| linear(max, span, days - step) != points).map(|step| today.add_days(step))
}

/// The first day after `today` on which the score's countdown terms (parole ending, responses due)
/// could change, for each of `dates` taken as a parole end or a due date.
pub fn countdown_changes_after(
    weights: &TriageWeights,
    dates: impl Iterator<Item = Date>,
    today: Date,
) -> Option<Date> {
    let w = &weights.legal;
    dates
        .flat_map(|date| {
            [
                linear_changes_after(w.parole_ends_max, w.parole_ends_horizon_days, date, today),
                linear_changes_after(w.response_due_max, w.response_window_days, date, today),
            ]
        })
        .flatten()
        .min()
}

struct Builder {
    components: Vec<Component>,
}

impl Builder {
    fn push(&mut self, category: Category, points: i64, reason: Reason) {
        self.components.push(Component::new(category, points, reason));
    }
}

/// Scores one case. `derivation` must be `derive(file, today, ..)` for the same file; `today` is its
/// `today`. Pure: the same inputs always give the same assessment.
pub fn assess(
    file: &CaseFile,
    derivation: &Derivation,
    context: &TriageContext,
    weights: &TriageWeights,
) -> Assessment {
    let today = derivation.today;
    let critical = CriticalCare::of(file, context.critical_care_threshold_days);
    let mut out = Builder { components: Vec::with_capacity(8) };

    medical(&mut out, file, &critical, weights);
    if critical.critical {
        family_coverage(&mut out, file, derivation, weights);
    }
    let live = live_events(file);
    let future_grant = |e: &&Event| matches!(e.kind, EventKind::ParoleGranted { .. }) && e.on > today;
    let begun_storage: Vec<&Event>;
    let begun: &[&Event] = if live.iter().any(future_grant) {
        begun_storage = live.iter().filter(|e| !future_grant(e)).copied().collect();
        &begun_storage
    } else {
        &live
    };
    let legal_start = out.components.len();
    parole(&mut out, file, derivation, (&live, begun), weights);
    responses(&mut out, derivation, weights);
    if critical.critical && weights.medical.critical_exposure_percent > 0 {
        let legal: i64 = out.components[legal_start..].iter().map(|c| c.points).sum();
        let percent = weights.medical.critical_exposure_percent;
        let extra = legal * percent / 100;
        if extra > 0 {
            out.push(Category::Legal, extra, Reason::CriticalCareExposure { percent });
        }
    }
    gaps(&mut out, file, derivation, (&live, begun), context, weights);

    let mut components = out.components;
    components.sort_by_key(|c| std::cmp::Reverse(c.points));
    Assessment {
        score: components.iter().map(|c| c.points).sum(),
        critical_care: critical.critical,
        days_to_critical_harm: critical.days_to_critical_harm,
        components,
        next_deadline: derivation.next_deadline(today).cloned(),
    }
}

fn medical(out: &mut Builder, file: &CaseFile, critical: &CriticalCare, weights: &TriageWeights) {
    let w = &weights.medical;
    if let Some(days) = critical.days_to_critical_harm {
        let d = i64::from(days);
        if critical.critical {
            let threshold = i64::from(critical.threshold_days);
            let points = w.critical_care + w.critical_care_per_day * (threshold - d).max(0);
            out.push(Category::Medical, points, Reason::PatientCritical { days: d, threshold });
        } else if d <= w.fragile_days {
            out.push(Category::Medical, w.fragile, Reason::PatientFragile { days: d });
        }
    }
    let unavailable =
        file.case.medical.as_ref().is_some_and(|m| m.available_in_origin_country == Some(false));
    if unavailable {
        out.push(Category::Medical, w.care_unavailable_abroad, Reason::CareUnavailableAbroad);
    }
}

/// The earliest day an adult family member in the United States lost federal Medicaid, if one did
/// (see the scoring model above).
fn family_coverage(out: &mut Builder, file: &CaseFile, derivation: &Derivation, weights: &TriageWeights) {
    let today = derivation.today;
    let cutoff = coverage_cutoff();
    let adult = |person: &Person| person.birth_date.is_none_or(|born| born.add_years(21) <= today);
    let lost = file
        .case
        .people
        .iter()
        .filter(|p| p.role != PersonRole::Patient && adult(p))
        .filter_map(|p| {
            let status = derivation.person(&p.key)?;
            if status.coverage.federal_medicaid != FederalMedicaid::NotEligible {
                return None;
            }
            match status.status {
                Status::Expired | Status::Terminated => status.parole_ends.map(|end| end.add_days(1)),
                Status::Paroled if today >= cutoff && status.coverage.qualified_alien == Some(true) => {
                    Some(cutoff)
                }
                _ => None,
            }
        })
        .min();
    if let Some(since) = lost {
        out.push(
            Category::Medical,
            weights.medical.family_coverage_lost,
            Reason::FamilyCoverageLost { since },
        );
    }
}

/// What the parole of one person still in the United States exposes them to.
enum Exposure {
    Terminated(Date),
    Expired(Date),
    EndsSoon { end: Date, by_termination: bool, filed: bool },
}

/// The date of the latest termination notice for `key` dated on or after `since`: a new request must
/// answer the most recent notice.
fn latest_notice(events: &[&Event], key: &str, since: Date) -> Option<Date> {
    events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::TerminationNotice { .. }) && e.concerns(key) && e.on >= since)
        .map(|e| e.on)
        .max()
}

/// Whether a new request of theirs, filed on or after `since`, still counts: a denial dated on or
/// after a filing voids it (`rules.md`, Re-parole).
fn filed_since(live: &[&Event], key: &str, since: Date) -> bool {
    let denied_after = |on: Date| {
        live.iter().any(|e| matches!(e.kind, EventKind::ParoleDenied { .. }) && e.concerns(key) && e.on >= on)
    };
    live.iter().any(|e| {
        matches!(e.kind, EventKind::ReParoleFiled { .. })
            && e.concerns(key)
            && e.on >= since
            && !denied_after(e.on)
    })
}

fn parole(
    out: &mut Builder,
    file: &CaseFile,
    derivation: &Derivation,
    (live, begun_events): (&[&Event], &[&Event]),
    weights: &TriageWeights,
) {
    let w = &weights.legal;
    let today = derivation.today;
    let mut worst: Option<(i64, Date, Exposure)> = None;
    let mut notice: Option<(&Event, Date)> = None;
    for person in &file.case.people {
        let key = person.key.as_str();
        let Some(status) = derivation.person(key).map(|p| p.status) else { continue };
        if status == Status::Departed {
            continue;
        }
        // The latest grant that has begun: a grant recorded ahead of its start does not cover the days
        // before it, so a termination or expiry of the one before still exposes the person.
        let begun = current_grant(begun_events, key);
        // A notice that cuts short a grant recorded ahead of its start counts too: the termination
        // takes that grant's re-parole target away, and must not leave the case scored lower.
        if let Some(cut) = begun.or_else(|| current_grant(live, key))
            && cut.cause == EndCause::Termination
            && let Some(n) = cut.notice
            && notice.is_none_or(|(_, end)| cut.end < end)
        {
            notice = Some((n, cut.end));
        }
        let Some(begun) = begun else { continue };
        let exposure = match status {
            Status::Paroled => {
                let grant = current_grant(live, key).unwrap_or(begun);
                let end = derivation.person(key).and_then(|p| p.parole_ends).unwrap_or(grant.end);
                let days = today.days_until(end);
                let points = linear(w.parole_ends_max, w.parole_ends_horizon_days, days);
                let by_termination = grant.cause == EndCause::Termination;
                let since = if by_termination {
                    latest_notice(live, key, grant.granted_on).unwrap_or(grant.granted_on)
                } else {
                    grant.granted_on
                };
                (days < w.parole_ends_horizon_days && points > 0).then(|| {
                    let filed = filed_since(live, key, since);
                    (points, end, Exposure::EndsSoon { end, by_termination, filed })
                })
            }
            _ if begun.end < today => match begun.cause {
                EndCause::Termination => {
                    Some((w.parole_terminated, begun.end, Exposure::Terminated(begun.end)))
                }
                EndCause::Expiry => Some((w.parole_expired, begun.end, Exposure::Expired(begun.end))),
                EndCause::Departure => None,
            },
            _ => None,
        };
        if let Some((points, end, exposure)) = exposure
            && worst.as_ref().is_none_or(|(p, d, _)| points > *p || (points == *p && end < *d))
        {
            worst = Some((points, end, exposure));
        }
    }
    if let Some((points, _, exposure)) = worst {
        let reason = match exposure {
            Exposure::Terminated(end) => Reason::ParoleTerminated { end },
            Exposure::Expired(end) => Reason::ParoleExpired { end },
            Exposure::EndsSoon { end, by_termination, filed } => {
                Reason::ParoleEndsSoon { end, by_termination, filed }
            }
        };
        out.push(Category::Legal, points, reason);
    }
    if let Some((n, end)) = notice {
        let depart_by = match &n.kind {
            EventKind::TerminationNotice { depart_by, .. } => *depart_by,
            _ => None,
        };
        let reason = Reason::TerminationNotice { notice_on: n.on, end, depart_by };
        out.push(Category::Legal, w.termination_notice, reason);
    }
}

fn responses(out: &mut Builder, derivation: &Derivation, weights: &TriageWeights) {
    let w = &weights.legal;
    let today = derivation.today;
    for deadline in derivation.alarms() {
        let due = deadline.due;
        let (base, reason) = match deadline.kind {
            DeadlineKind::RfeResponseDue => (w.rfe_open, Reason::RfeOpen { due }),
            DeadlineKind::NoidResponseDue => (w.noid_open, Reason::NoidOpen { due }),
            DeadlineKind::MotionDue if due >= today => (w.motion_open, Reason::MotionOpen { due }),
            DeadlineKind::FeeDue => (w.fee_open, Reason::FeeOpen { due }),
            _ => continue,
        };
        let days = today.days_until(due);
        let points = base + linear(w.response_due_max, w.response_window_days, days);
        out.push(Category::Legal, points, reason);
    }
}

fn gaps(
    out: &mut Builder,
    file: &CaseFile,
    derivation: &Derivation,
    (live, begun): (&[&Event], &[&Event]),
    context: &TriageContext,
    weights: &TriageWeights,
) {
    let w = &weights.gaps;
    let today = derivation.today;
    if !context.attorney_assigned {
        out.push(Category::Gap, w.no_attorney, Reason::NoAttorney);
    }
    let refresh = derivation.deadlines.iter().find(|d| d.kind == DeadlineKind::MedicalAttestationRefreshBy);
    if let Some(refresh) = refresh
        && refresh.due < today
    {
        out.push(Category::Gap, w.attestation_stale, Reason::AttestationStale { due: refresh.due });
    }

    // The worst re-parole gap among the people still in the United States.
    let mut worst: Option<(u8, Component)> = None;
    let mut consider = |rank: u8, component: Component| {
        if worst.as_ref().is_none_or(|(r, _)| rank > *r) {
            worst = Some((rank, component));
        }
    };
    for person in &file.case.people {
        let key = person.key.as_str();
        if derivation.person(key).is_none_or(|p| p.status == Status::Departed) {
            continue;
        }
        // As for the notice above: a grant recorded ahead of its start and terminated still needs a
        // new request.
        let Some((grant, events)) = current_grant(begun, key)
            .map(|g| (g, begun))
            .or_else(|| current_grant(live, key).map(|g| (g, live)))
        else {
            continue;
        };
        if grant.cause == EndCause::Termination
            && let Some(notice_on) = latest_notice(events, key, grant.granted_on)
            && !filed_since(events, key, notice_on)
        {
            let reason = Reason::NewRequestNotFiled { notice_on };
            consider(3, Component::new(Category::Gap, w.re_parole_overdue, reason));
        }
    }
    for deadline in derivation.alarms() {
        if deadline.kind != DeadlineKind::ReParoleFileBy
            || deadline
                .person
                .as_deref()
                .is_some_and(|k| derivation.person(k).is_none_or(|p| p.status == Status::Departed))
        {
            continue;
        }
        let due = deadline.due;
        let days = today.days_until(due);
        if days < 0 {
            let reason = Reason::ReParoleOverdue { due };
            consider(2, Component::new(Category::Gap, w.re_parole_overdue, reason));
        } else if days <= w.re_parole_due_within_days {
            let reason = Reason::ReParoleDueSoon { due };
            consider(1, Component::new(Category::Gap, w.re_parole_due_soon, reason));
        }
    }
    if let Some((_, component)) = worst {
        out.components.push(component);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_count_by_marks_rounded_down() {
        let counted: Vec<i64> = [-3, 0, 1, 2, 3, 6, 7, 13, 14, 29, 30, 59, 60, 89, 90, 119, 120, 179, 180]
            .iter()
            .map(|days| counted_days(*days))
            .collect();
        assert_eq!(counted, [-3, 0, 1, 1, 3, 3, 7, 7, 14, 14, 30, 30, 60, 60, 90, 90, 120, 150, 180]);
    }

    #[test]
    fn a_countdown_changes_on_the_marks_and_nowhere_else() {
        let date: Date = "2027-06-30".parse().expect("a date");
        let (max, span) = (180, 180);
        let mut today = date.add_days(-400);
        let mut changes = Vec::new();
        while let Some(next) = linear_changes_after(max, span, date, today) {
            // No day before the change found scores differently.
            let points = linear(max, span, today.days_until(date));
            let mut day = today.add_days(1);
            while day < next {
                assert_eq!(linear(max, span, day.days_until(date)), points, "{day} changed unseen");
                day = day.add_days(1);
            }
            assert_ne!(linear(max, span, next.days_until(date)), points);
            changes.push(next.days_until(date));
            today = next;
        }
        // Each mark is left the day the days left drop below it.
        assert_eq!(changes, [179, 149, 119, 89, 59, 29, 13, 6, 2, 0]);
    }
}
