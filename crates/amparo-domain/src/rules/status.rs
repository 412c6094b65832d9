//! Grants, parole ends and statuses, per person and as of any day (`rules.md`, Statuses).

use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::{Event, EventKind};

use super::output::Status;

/// How a grant's parole came to an end (or will).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndCause {
    /// The period the grant authorised (or the I-94 now shows) runs out.
    Expiry,
    /// A termination notice set an earlier end.
    Termination,
    /// The person left the United States.
    Departure,
}

/// A person's current grant and how it ends.
#[derive(Clone, Copy, Debug)]
pub struct GrantEnd<'a> {
    pub grant: &'a Event,
    pub granted_on: Date,
    /// The valid end: the latest I-94 update's date when there is one, else the grant's own.
    pub valid_until: Date,
    /// The I-94 update that set the valid end, if any.
    pub i94_update: Option<&'a Event>,
    pub end: Date,
    pub cause: EndCause,
    /// The termination notice that ended it early, when `cause` is `Termination`.
    pub notice: Option<&'a Event>,
}

/// The events still in force: a superseded event is void entirely, and so is anything named by a
/// correction that was itself corrected, so a chain of corrections leaves only its last link.
pub fn live_events(file: &CaseFile) -> Vec<&Event> {
    let void: Vec<&str> = file.events.iter().filter_map(|e| e.supersedes.as_deref()).collect();
    file.events
        .iter()
        .filter(|e| e.id.as_deref().is_none_or(|id| void.is_empty() || !void.contains(&id)))
        .collect()
}

/// The latest of `live` (by date, then file order) that concerns `key` and matches `pick`.
pub(crate) fn latest_where<'a>(
    live: &[&'a Event],
    key: &str,
    pick: impl Fn(&Event) -> bool,
) -> Option<&'a Event> {
    // `live` is in file order, so `>=` keeps the later one of two on the same day.
    let mut best: Option<&Event> = None;
    for event in live {
        if event.concerns(key) && pick(event) && best.is_none_or(|b| event.on >= b.on) {
            best = Some(event);
        }
    }
    best
}

/// The valid end of a grant: its own `valid_until`, or for the current grant the latest I-94 update
/// dated on or after it.
fn grant_until(event: &Event) -> Option<Date> {
    match &event.kind {
        EventKind::ParoleGranted { valid_until, .. } => Some(*valid_until),
        _ => None,
    }
}

/// Where a grant's parole ends: the earliest of its valid end, a termination notice dated on or after
/// the grant (only when effective before the valid end), and a departure on or after the grant, which
/// wins a tie.
fn cut_short<'a>(
    live: &[&'a Event],
    key: &str,
    granted_on: Date,
    valid_until: Date,
) -> (Date, EndCause, Option<&'a Event>) {
    let mut termination: Option<(Date, &Event)> = None;
    let mut departure: Option<Date> = None;
    for event in live {
        if event.on < granted_on || !event.concerns(key) {
            continue;
        }
        match &event.kind {
            EventKind::TerminationNotice { effective, .. } => {
                let effective = effective.unwrap_or(event.on);
                if termination.is_none_or(|(t, _)| effective < t) {
                    termination = Some((effective, event));
                }
            }
            EventKind::Departed if departure.is_none_or(|d| event.on < d) => departure = Some(event.on),
            _ => {}
        }
    }
    let mut result = (valid_until, EndCause::Expiry, None);
    if let Some((effective, notice)) = termination
        && effective < valid_until
    {
        result = (effective, EndCause::Termination, Some(notice));
    }
    if let Some(departed) = departure
        && departed <= result.0
    {
        result = (departed, EndCause::Departure, None);
    }
    result
}

/// The person's current grant (their latest `parole_granted`) and how it ends, if they have one.
pub fn current_grant<'a>(live: &[&'a Event], key: &str) -> Option<GrantEnd<'a>> {
    let grant = latest_where(live, key, |e| matches!(e.kind, EventKind::ParoleGranted { .. }))?;
    let own_until = grant_until(grant)?;
    let i94_update =
        latest_where(live, key, |e| matches!(e.kind, EventKind::I94Updated { .. }) && e.on >= grant.on);
    let valid_until = match i94_update.map(|u| &u.kind) {
        Some(EventKind::I94Updated { valid_until }) => *valid_until,
        _ => own_until,
    };
    let (end, cause, notice) = cut_short(live, key, grant.on, valid_until);
    Some(GrantEnd { grant, granted_on: grant.on, valid_until, i94_update, end, cause, notice })
}

/// The person's status on `day` (`rules.md`, Statuses, steps 1 to 6).
pub fn status_on(live: &[&Event], key: &str, day: Date, current: Option<&GrantEnd<'_>>) -> Status {
    let theirs = |pick: &dyn Fn(&Event) -> bool| live.iter().any(|e| e.concerns(key) && pick(e));
    if theirs(&|e| matches!(e.kind, EventKind::StatusGranted { .. }) && e.on <= day) {
        return Status::OtherStatus;
    }
    let requested_or_none = || {
        if theirs(&|e| matches!(e.kind, EventKind::ParoleRequested { .. })) {
            Status::Requested
        } else {
            Status::None
        }
    };
    let Some(grant) = current else {
        return if theirs(&|e| matches!(e.kind, EventKind::Departed) && e.on <= day) {
            Status::Departed
        } else {
            requested_or_none()
        };
    };
    let since = grant.granted_on;
    if theirs(&|e| matches!(e.kind, EventKind::Departed) && e.on >= since && e.on <= day) {
        return Status::Departed;
    }
    if since > day {
        // A grant recorded ahead of its start: an earlier grant may still cover the day.
        let covered = theirs(&|e| {
            grant_until(e).is_some_and(|until| e.on <= day && cut_short(live, key, e.on, until).0 >= day)
        });
        return if covered { Status::Paroled } else { requested_or_none() };
    }
    if day <= grant.end {
        Status::Paroled
    } else {
        match grant.cause {
            EndCause::Termination => Status::Terminated,
            EndCause::Expiry => Status::Expired,
            // A departure ends parole on its own date, which the departed check above already caught.
            EndCause::Departure => Status::Departed,
        }
    }
}

/// For a `paroled` person, the grant in force on `day`: the current grant once begun, else the
/// latest earlier grant that covers the day; with its valid end (I-94 updates count for the current
/// grant only).
pub(crate) fn grant_in_force<'a>(
    live: &[&'a Event],
    key: &str,
    day: Date,
    current: &GrantEnd<'a>,
) -> Option<(&'a Event, Date)> {
    if current.granted_on <= day {
        return Some((current.grant, current.valid_until));
    }
    let mut best: Option<(&Event, Date)> = None;
    for event in live {
        if let Some(until) = grant_until(event)
            && event.concerns(key)
            && event.on <= day
            && cut_short(live, key, event.on, until).0 >= day
            && best.is_none_or(|(b, _)| event.on >= b.on)
        {
            best = Some((event, until));
        }
    }
    best
}

/// Every grant of the person with its valid end (I-94 updates for the current grant only).
pub(crate) fn grants_of<'a>(
    live: &[&'a Event],
    key: &str,
    current: Option<&GrantEnd<'a>>,
) -> Vec<(&'a Event, Date)> {
    live.iter()
        .filter(|e| e.concerns(key))
        .filter_map(|e| {
            let until = grant_until(e)?;
            let until = match current {
                Some(c) if std::ptr::eq(c.grant, *e) => c.valid_until,
                _ => until,
            };
            Some((*e, until))
        })
        .collect()
}
