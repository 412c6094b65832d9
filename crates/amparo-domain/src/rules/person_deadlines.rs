//! The deadlines of one person: parole end, re-parole, work permit, unlawful presence and re-entry
//! bars, registration at 14 and the asylum one-year deadline (`rules.md`, Deadlines).

use crate::case::{Language, Person, Program};
use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::{Event, EventKind};

use super::derive::{Engine, Explained};
use super::output::Status;
use super::ruleset::{RuleId, UNKNOWN_FACT};
use super::status::{EndCause, GrantEnd, latest_where, status_on};
use super::template::Arg;

/// What the person's deadlines read.
pub(crate) struct PersonFacts<'a, 'b> {
    pub person: &'b Person,
    pub live: &'b [&'a Event],
    /// Their status today.
    pub status: Status,
    pub current: Option<GrantEnd<'a>>,
    pub today: Date,
}

impl PersonFacts<'_, '_> {
    fn key(&self) -> &str {
        &self.person.key
    }

    /// Whether an event of theirs matches `pick`.
    fn any(&self, pick: impl Fn(&Event) -> bool) -> bool {
        self.live.iter().any(|e| e.concerns(self.key()) && pick(e))
    }
}

pub(crate) fn person_deadlines(engine: &mut Engine<'_>, facts: &PersonFacts<'_, '_>, file: &CaseFile) {
    let governed = facts.status != Status::OtherStatus;
    if let Some(grant) = facts.current.as_ref().filter(|_| governed) {
        parole_end(engine, facts.key(), grant);
        if grant.cause == EndCause::Expiry {
            re_parole(engine, facts, grant, file.case.program);
        }
        if matches!(facts.status, Status::Expired | Status::Terminated) {
            presence_markers(engine, facts, grant);
        }
        if facts.status == Status::Departed && grant.cause != EndCause::Departure {
            reentry_bar(engine, facts, grant);
        }
    }
    ead_end(engine, facts, governed);
    registration_at_14(engine, facts);
    asylum_one_year(engine, facts);
}

fn parole_end(engine: &mut Engine<'_>, key: &str, grant: &GrantEnd<'_>) {
    let rule = engine.rules.rule(RuleId::ParoleEnds);
    let own_until = match &grant.grant.kind {
        EventKind::ParoleGranted { valid_until, .. } => *valid_until,
        _ => grant.valid_until,
    };
    let assumed =
        matches!(grant.notice.map(|n| &n.kind), Some(EventKind::TerminationNotice { effective: None, .. }));
    let (variant, valid_until) = match grant.cause {
        EndCause::Expiry if grant.i94_update.is_some() => ("expires_i94", own_until),
        EndCause::Expiry => ("expires", grant.valid_until),
        EndCause::Termination if assumed => ("terminated_assumed", grant.valid_until),
        EndCause::Termination => ("terminated", grant.valid_until),
        EndCause::Departure => ("departed", grant.valid_until),
    };
    let args = [
        ("granted_on", Arg::Date(grant.granted_on)),
        ("valid_until", Arg::Date(valid_until)),
        ("updated_on", Arg::Date(grant.i94_update.map_or(grant.end, |u| u.on))),
        ("due", Arg::Date(grant.end)),
        ("notice_on", Arg::Date(grant.notice.map_or(grant.end, |n| n.on))),
        ("effective", Arg::Date(grant.end)),
        ("departed_on", Arg::Date(grant.end)),
    ];
    let why = Explained::new(rule, variant, &args);
    engine.push(rule, Some(key), grant.end, None, why);
}

/// `re_parole.target` and, for Uniting for Ukraine, `re_parole.window`, unless a filing counts: one
/// dated on or after the current grant with no denial of theirs on or after it.
fn re_parole(engine: &mut Engine<'_>, facts: &PersonFacts<'_, '_>, grant: &GrantEnd<'_>, program: Program) {
    let key = facts.key();
    let denied_after = |on: Date| {
        latest_where(facts.live, key, |e| matches!(e.kind, EventKind::ParoleDenied { .. }) && e.on >= on)
    };
    let filings: Vec<&Event> = facts
        .live
        .iter()
        .filter(|e| e.concerns(key) && matches!(e.kind, EventKind::ReParoleFiled { .. }))
        .filter(|e| e.on >= grant.granted_on)
        .copied()
        .collect();
    if filings.iter().any(|f| denied_after(f.on).is_none()) {
        return;
    }
    // Every filing since the grant was denied: the latest denial says why the target is back.
    let denial = filings.iter().filter_map(|f| denied_after(f.on)).max_by_key(|d| d.on);

    let rules = engine.rules;
    let target_rule = rules.rule(RuleId::ReParoleTarget);
    let lead_days = i64::from(engine.policy.re_parole_lead_days);
    let target = grant.end.add_days(-lead_days);
    let (mut due, rolled) = engine.roll(target_rule, target);
    let window_rule = rules.rule(RuleId::ReParoleWindow);
    let window_days = window_rule.number_or_zero();
    let opens = grant.end.add_days(-window_days);
    let u4u = program == Program::U4u;
    // Never aim before the Uniting for Ukraine window opens.
    let at_window = u4u && due < opens;
    if at_window {
        due = engine.office_forward(opens);
    }
    let args = [
        ("parole_ends", Arg::Date(grant.end)),
        ("lead_days", Arg::Int(lead_days)),
        ("target", Arg::Date(target)),
        ("due", Arg::Date(due)),
        ("rolled", Arg::Text(if at_window { "" } else { &rolled.note })),
        ("window_opens", Arg::Date(opens)),
        ("window_days", Arg::Int(window_days)),
        ("denied_on", Arg::Date(denial.map_or(grant.end, |d| d.on))),
    ];
    let base = match (u4u, at_window) {
        (false, _) => "default",
        (true, false) => "u4u",
        (true, true) => "u4u_window",
    };
    let variant = match (base, denial.is_some()) {
        (_, false) => base,
        ("default", true) => "default_denied",
        ("u4u", true) => "u4u_denied",
        _ => "u4u_window_denied",
    };
    let codes = if at_window { vec![("rolled", String::new())] } else { rolled.codes().to_vec() };
    let why = Explained::with_codes(target_rule, variant, &args, &codes);
    engine.push(target_rule, Some(key), due, u4u.then_some(opens), why);
    if u4u {
        let why = Explained::new(
            window_rule,
            "default",
            &[
                ("parole_ends", Arg::Date(grant.end)),
                ("days", Arg::Int(window_days)),
                ("due", Arg::Date(opens)),
            ],
        );
        engine.push(window_rule, Some(key), opens, Some(opens), why);
    }
}

/// `ead.ends`: the earliest of the card's date, a revocation of theirs since the approval, and (while
/// parole governs them) the parole end.
fn ead_end(engine: &mut Engine<'_>, facts: &PersonFacts<'_, '_>, governed: bool) {
    let key = facts.key();
    let Some(approved) = latest_where(facts.live, key, |e| matches!(e.kind, EventKind::EadApproved { .. }))
    else {
        return;
    };
    let EventKind::EadApproved { valid_until, .. } = approved.kind else {
        return;
    };
    let revoked = facts
        .live
        .iter()
        .filter(|e| e.concerns(key) && matches!(e.kind, EventKind::EadRevoked) && e.on >= approved.on)
        .map(|e| e.on)
        .min();
    let rule = engine.rules.rule(RuleId::EadEnds);
    let grant = facts.current.as_ref().filter(|_| governed);
    let (mut due, mut variant) = (valid_until, "card");
    if let Some(on) = revoked
        && on < due
    {
        (due, variant) = (on, "revoked");
    }
    if let Some(g) = grant
        && g.end < due
    {
        due = g.end;
        variant = if g.cause == EndCause::Termination { "capped_terminated" } else { "capped" };
    }
    let why = Explained::new(
        rule,
        variant,
        &[
            ("approved_on", Arg::Date(approved.on)),
            ("valid_until", Arg::Date(valid_until)),
            ("parole_ends", Arg::Date(due)),
            ("revoked_on", Arg::Date(due)),
            ("due", Arg::Date(due)),
        ],
    );
    engine.push(rule, Some(key), due, None, why);
}

/// The first day of counted unlawful presence: the later of the day after the parole end and the
/// 18th birthday; with the variant saying which (or that no birth date is known).
fn count_start(grant: &GrantEnd<'_>, birth_date: Option<Date>) -> (Date, &'static str) {
    let day_after = grant.end.add_days(1);
    match birth_date.map(|b| b.add_years(18)) {
        Some(adult_on) if adult_on > day_after => (adult_on, "minor"),
        Some(_) => (day_after, "adult"),
        None => (day_after, "no_birth_date"),
    }
}

/// `presence.bar3` (not after a Notice to Appear) and `presence.bar10`, for a person whose parole
/// expired or was terminated and who is still here.
fn presence_markers(engine: &mut Engine<'_>, facts: &PersonFacts<'_, '_>, grant: &GrantEnd<'_>) {
    let birth_date = facts.person.birth_date;
    let (start, variant) = count_start(grant, birth_date);
    let birthday_18 = birth_date.map(|b| b.add_years(18));
    // Kept as a code in the facts; the English words are the rule set's default language.
    let code = if grant.cause == EndCause::Termination { "terminated" } else { "expired" };
    let cause = super::ruleset::end_cause(Language::En, code).unwrap_or_default();
    let nta = facts.any(|e| matches!(e.kind, EventKind::NtaServed { .. }) && e.on <= facts.today);
    for id in [RuleId::PresenceBar3, RuleId::PresenceBar10] {
        if id == RuleId::PresenceBar3 && nta {
            continue;
        }
        let rule = engine.rules.rule(id);
        let day = rule.number_or_zero();
        // The first counted day is day 1.
        let due = start.add_days(day - 1);
        let unknown = Arg::Text(UNKNOWN_FACT);
        let args = [
            ("parole_ends", Arg::Date(grant.end)),
            ("cause", Arg::Text(cause)),
            ("start", Arg::Date(start)),
            ("day", Arg::Int(day)),
            ("due", Arg::Date(due)),
            ("birth_date", birth_date.map_or(unknown.clone(), Arg::Date)),
            ("birthday_18", birthday_18.map_or(unknown, Arg::Date)),
        ];
        let why = Explained::with_codes(rule, variant, &args, &[("cause", code.to_owned())]);
        engine.push(rule, Some(facts.key()), due, None, why);
    }
}

/// `presence.reentry_bar`: a person who left after their parole ended, with 181 or more counted days.
fn reentry_bar(engine: &mut Engine<'_>, facts: &PersonFacts<'_, '_>, grant: &GrantEnd<'_>) {
    let key = facts.key();
    let departed = facts
        .live
        .iter()
        .filter(|e| e.concerns(key) && matches!(e.kind, EventKind::Departed) && e.on >= grant.granted_on)
        .map(|e| e.on)
        .min();
    let Some(departed) = departed else {
        return;
    };
    let (start, _) = count_start(grant, facts.person.birth_date);
    let counted = if departed < start { 0 } else { start.days_until(departed) + 1 };
    let nta = facts.any(|e| matches!(e.kind, EventKind::NtaServed { .. }) && e.on <= departed);
    let (years, variant) = match counted {
        365.. => (10, "bar10"),
        181..=364 if !nta => (3, "bar3"),
        _ => return,
    };
    let due = departed.add_years(years);
    let rule = engine.rules.rule(RuleId::ReentryBar);
    let why = Explained::new(
        rule,
        variant,
        &[
            ("departed_on", Arg::Date(departed)),
            ("parole_ends", Arg::Date(grant.end)),
            ("start", Arg::Date(start)),
            ("counted", Arg::Int(counted)),
            ("years", Arg::Int(i64::from(years))),
            ("due", Arg::Date(due)),
        ],
    );
    engine.push(rule, Some(key), due, None, why);
}

/// `registration.age14`: a person in the United States on their 14th birthday (projected from the
/// file as it stands when it is still to come), not departed today, not yet registered.
fn registration_at_14(engine: &mut Engine<'_>, facts: &PersonFacts<'_, '_>) {
    let Some(birth_date) = facts.person.birth_date else {
        return;
    };
    if facts.status == Status::Departed || facts.any(|e| matches!(e.kind, EventKind::RegisteredAt14)) {
        return;
    }
    let birthday_14 = birth_date.add_years(14);
    let then = status_on(facts.live, facts.key(), birthday_14, facts.current.as_ref());
    if !matches!(then, Status::Paroled | Status::Expired | Status::Terminated | Status::OtherStatus) {
        return;
    }
    let rule = engine.rules.rule(RuleId::RegistrationAt14);
    let days = rule.number_or_zero();
    let unrolled = birthday_14.add_days(days);
    let (due, rolled) = engine.roll(rule, unrolled);
    let why = Explained::with_codes(
        rule,
        "default",
        &[
            ("birth_date", Arg::Date(birth_date)),
            ("birthday_14", Arg::Date(birthday_14)),
            ("days", Arg::Int(days)),
            ("unrolled", Arg::Date(unrolled)),
            ("due", Arg::Date(due)),
            ("rolled", Arg::Text(&rolled.note)),
        ],
        &rolled.codes(),
    );
    engine.push(rule, Some(facts.key()), due, None, why);
}

/// The earliest date the one-year clock can run from (8 CFR 208.4(a)(2)(ii)).
fn asylum_epoch() -> Date {
    Date::from_ymd(1997, 4, 1).unwrap_or_else(|| Date::from(chrono::NaiveDate::MIN))
}

/// The person's last arrival: after their latest departure before the current grant, their latest
/// `arrived`, else their earliest grant.
fn last_arrival(facts: &PersonFacts<'_, '_>) -> Option<Date> {
    let key = facts.key();
    let theirs = || facts.live.iter().filter(|e| e.concerns(key));
    let left = facts.current.as_ref().and_then(|g| {
        theirs().filter(|e| matches!(e.kind, EventKind::Departed) && e.on < g.granted_on).map(|e| e.on).max()
    });
    let after_left = |on: Date| left.is_none_or(|l| on > l);
    theirs().filter(|e| matches!(e.kind, EventKind::Arrived) && after_left(e.on)).map(|e| e.on).max().or_else(
        || {
            theirs()
                .filter(|e| matches!(e.kind, EventKind::ParoleGranted { .. }) && after_left(e.on))
                .map(|e| e.on)
                .min()
        },
    )
}

/// `asylum.one_year`: one year from the last arrival, until an `asylum_filed`; advisory while the
/// date has passed and the person is still paroled.
fn asylum_one_year(engine: &mut Engine<'_>, facts: &PersonFacts<'_, '_>) {
    if matches!(facts.status, Status::OtherStatus | Status::Departed)
        || facts.any(|e| matches!(e.kind, EventKind::AsylumFiled { .. }))
    {
        return;
    }
    let Some(arrival) = last_arrival(facts) else {
        return;
    };
    let start = arrival.max(asylum_epoch());
    let unrolled = start.add_years(1);
    let rule = engine.rules.rule(RuleId::AsylumOneYear);
    let (due, rolled) = engine.roll(rule, unrolled);
    let advisory = due < facts.today && facts.status == Status::Paroled;
    let why = Explained::with_codes(
        rule,
        if advisory { "advisory" } else { "default" },
        &[
            ("arrival", Arg::Date(arrival)),
            ("start", Arg::Date(start)),
            ("unrolled", Arg::Date(unrolled)),
            ("due", Arg::Date(due)),
            ("rolled", Arg::Text(&rolled.note)),
        ],
        &rolled.codes(),
    );
    engine.push_marked(rule, Some(facts.key()), due, None, advisory, why);
}
