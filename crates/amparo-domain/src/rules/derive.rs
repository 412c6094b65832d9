//! The engine: a case file and a day in, statuses and deadlines out, following `rules.md`
//! (`us-parole/2026.1`). Pure: the same file, day, policy and rule set always give the same output.

use crate::calendar::Calendar;
use crate::case::Program;
use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::{Event, EventKind, ServedBy};
use crate::policy::Policy;

use super::output::{Deadline, Derivation, PersonStatus, Status, WhyFacts};
use super::ruleset::{Roll, Rule, RuleId, RuleSet, UNKNOWN_FACT};
use super::template::Arg;
use crate::case::Language;

/// How a grant's parole came to an end (or will).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndCause {
    /// The period the grant authorised runs out.
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
    pub valid_until: Date,
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

/// The person's current grant: the latest `parole_granted` by `on`, the later in the file on a tie.
fn latest_grant<'a>(live: &[&'a Event], key: &str) -> Option<(&'a Event, Date)> {
    let mut best: Option<(&Event, Date)> = None;
    for event in live {
        if let EventKind::ParoleGranted { valid_until, .. } = &event.kind
            && event.concerns(key)
            && best.is_none_or(|(b, _)| event.on >= b.on)
        {
            best = Some((event, *valid_until));
        }
    }
    best
}

/// Where a grant's parole ends: the earliest of its period's end, a termination notice dated on or
/// after the grant, and a departure on or after the grant. On equal dates departure explains the end
/// best (the person is gone), and a termination only counts as early when it is before the period's end.
fn grant_end<'a>(live: &[&'a Event], key: &str, grant: &'a Event, valid_until: Date) -> GrantEnd<'a> {
    let mut termination: Option<(Date, &Event)> = None;
    let mut departure: Option<Date> = None;
    for event in live {
        if event.on < grant.on || !event.concerns(key) {
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
    let mut result = GrantEnd {
        grant,
        granted_on: grant.on,
        valid_until,
        end: valid_until,
        cause: EndCause::Expiry,
        notice: None,
    };
    if let Some((effective, notice)) = termination
        && effective < result.end
    {
        result.end = effective;
        result.cause = EndCause::Termination;
        result.notice = Some(notice);
    }
    if let Some(departed) = departure
        && departed <= result.end
    {
        result.end = departed;
        result.cause = EndCause::Departure;
        result.notice = None;
    }
    result
}

/// The person's current grant and how it ends, if they have one.
pub fn current_grant<'a>(live: &[&'a Event], key: &str) -> Option<GrantEnd<'a>> {
    latest_grant(live, key).map(|(grant, valid_until)| grant_end(live, key, grant, valid_until))
}

fn status_of(live: &[&Event], key: &str, today: Date, current: Option<&GrantEnd<'_>>) -> Status {
    let since = current.map(|g| g.granted_on);
    let departed = live.iter().any(|e| {
        matches!(e.kind, EventKind::Departed)
            && e.concerns(key)
            && e.on <= today
            && since.is_none_or(|on| e.on >= on)
    });
    if departed {
        return Status::Departed;
    }
    let requested = || {
        if live.iter().any(|e| matches!(e.kind, EventKind::ParoleRequested { .. }) && e.concerns(key)) {
            Status::Requested
        } else {
            Status::None
        }
    };
    let Some(grant) = current else {
        return requested();
    };
    if grant.granted_on > today {
        // A grant recorded ahead of its start: an earlier grant may still cover today.
        let covered = live.iter().any(|e| match &e.kind {
            EventKind::ParoleGranted { valid_until, .. } if e.concerns(key) && e.on <= today => {
                grant_end(live, key, e, *valid_until).end >= today
            }
            _ => false,
        });
        return if covered { Status::Paroled } else { requested() };
    }
    if today <= grant.end {
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

/// Whether the case is critical-care: days to critical harm, as last attested, at most the
/// organisation's threshold. A later `medical_attested` that states the days overrides the profile.
pub fn is_critical_care(file: &CaseFile, policy: &Policy) -> bool {
    days_to_critical_harm(file).is_some_and(|days| days <= policy.critical_care_threshold_days)
}

/// The days to critical harm as most recently attested.
pub fn days_to_critical_harm(file: &CaseFile) -> Option<u32> {
    let medical = file.case.medical.as_ref()?;
    let mut best: (Option<Date>, Option<u32>) = (medical.attested_on, medical.days_to_critical_harm);
    for event in live_events(file) {
        if let EventKind::MedicalAttested { days_to_critical_harm: Some(days), .. } = event.kind
            && best.0.is_none_or(|on| event.on >= on)
        {
            best = (Some(event.on), Some(days));
        }
    }
    best.1
}

/// A deadline's *why*, as the sentence and as the facts it was written from.
#[derive(Clone)]
struct Explained {
    text: String,
    facts: WhyFacts,
}

impl Explained {
    fn new(rule: &Rule, variant: &str, args: &[(&'static str, Arg<'_>)]) -> Explained {
        Explained::with_codes(rule, variant, args, &[])
    }

    /// As [`Explained::new`], keeping `codes` in the facts in place of English text.
    fn with_codes(
        rule: &Rule,
        variant: &str,
        args: &[(&'static str, Arg<'_>)],
        codes: &[(&'static str, String)],
    ) -> Explained {
        Explained { text: rule.why(variant, args), facts: rule.explain(variant, args, codes) }
    }
}

/// A date moved off a closed day: the English note for the sentence, and the same as a
/// language-neutral code for the stored facts (`<from> <reason code> <to>`, empty when nothing moved).
struct Rolled {
    note: String,
    code: String,
}

impl Rolled {
    fn codes(&self) -> [(&'static str, String); 1] {
        [("rolled", self.code.clone())]
    }
}

struct Engine<'a> {
    rules: &'a RuleSet,
    legal: Calendar,
    office: Calendar,
    deadlines: Vec<Deadline>,
}

impl Engine<'_> {
    fn push(
        &mut self,
        rule: &Rule,
        person: Option<&str>,
        due: Date,
        window_opens: Option<Date>,
        why: Explained,
    ) {
        self.deadlines.push(Deadline {
            kind: rule.kind,
            person: person.map(str::to_owned),
            due,
            window_opens,
            rule: rule.id,
            basis: rule.basis,
            citation: rule.citation.clone(),
            why: why.text,
            why_facts: why.facts,
        });
    }

    /// Moves `date` as the rule says, with the note explaining the move (empty when it stays).
    fn roll(&self, rule: &Rule, date: Date) -> (Date, Rolled) {
        let unmoved = || Rolled { note: String::new(), code: String::new() };
        let (calendar, forward) = match rule.roll {
            Roll::None => return (date, unmoved()),
            // Office closures never move a legal deadline.
            Roll::Forward => (&self.legal, true),
            Roll::Back => (&self.office, false),
        };
        let rolled = if forward { calendar.roll_forward(date) } else { calendar.roll_back(date) };
        if rolled == date {
            return (date, unmoved());
        }
        let why = calendar.non_business_reason(date);
        let reason = why.map(|r| r.describe()).unwrap_or_default();
        let code = why.map(|r| format!("{date} {} {rolled}", r.code())).unwrap_or_default();
        let args =
            [("unrolled", Arg::Date(date)), ("reason", Arg::Text(&reason)), ("due", Arg::Date(rolled))];
        let note =
            if forward { self.rules.rolled_forward_note(&args) } else { self.rules.rolled_back_note(&args) };
        (rolled, Rolled { note, code })
    }

    /// A response period running from a notice: the printed date when there is one, else the period
    /// plus mailing days, rolled.
    fn response(&mut self, id: RuleId, on: Date, served_by: ServedBy, printed: Option<Date>) {
        let rules = self.rules;
        let rule = rules.rule(id);
        let served = served_by.as_str();
        if let Some(due) = printed {
            let why = Explained::new(
                rule,
                "printed",
                &[("on", Arg::Date(on)), ("served_by", Arg::Text(served)), ("due", Arg::Date(due))],
            );
            self.push(rule, None, due, None, why);
            return;
        }
        let days = rule.number_or_zero();
        let mail_days = if served_by == ServedBy::Mail { rules.mailing_days } else { 0 };
        let unrolled = on.add_days(days + mail_days);
        let (due, rolled) = self.roll(rule, unrolled);
        let args = [
            ("on", Arg::Date(on)),
            ("served_by", Arg::Text(served)),
            ("days", Arg::Int(days)),
            ("mail_days", Arg::Int(mail_days)),
            ("total", Arg::Int(days + mail_days)),
            ("unrolled", Arg::Date(unrolled)),
            ("due", Arg::Date(due)),
            ("rolled", Arg::Text(&rolled.note)),
        ];
        let variant = if mail_days > 0 { "computed_mail" } else { "computed" };
        let why = Explained::with_codes(rule, variant, &args, &rolled.codes());
        self.push(rule, None, due, None, why);
    }
}

/// Statuses and deadlines of `file` as of `today` under `policy` and `rules`.
pub fn derive(file: &CaseFile, today: Date, policy: &Policy, rules: &RuleSet) -> Derivation {
    let live = live_events(file);
    let mut engine = Engine {
        rules,
        legal: Calendar::federal(),
        office: policy.calendar(),
        deadlines: Vec::with_capacity(4 * file.case.people.len() + 4),
    };
    let mut people = Vec::with_capacity(file.case.people.len());
    let mut covered_until: Option<Date> = None;

    for person in &file.case.people {
        let key = person.key.as_str();
        let current = current_grant(&live, key);
        let status = status_of(&live, key, today, current.as_ref());
        people.push(PersonStatus { person: person.key.clone(), status, parole_ends: current.map(|g| g.end) });
        let Some(grant) = current else {
            ead_deadline(&mut engine, &live, key, None);
            continue;
        };
        if status != Status::Departed {
            covered_until = Some(covered_until.map_or(grant.end, |c| c.min(grant.end)));
        }
        parole_end_deadline(&mut engine, key, &grant);
        if grant.cause == EndCause::Expiry {
            let filed = live.iter().any(|e| {
                matches!(e.kind, EventKind::ReParoleFiled { .. })
                    && e.concerns(key)
                    && e.on >= grant.granted_on
            });
            if !filed {
                re_parole_deadlines(&mut engine, key, &grant, policy, file.case.program);
            }
        }
        ead_deadline(&mut engine, &live, key, Some(&grant));
        if grant.end < today && grant.cause != EndCause::Departure {
            presence_deadlines(&mut engine, key, &grant, person.birth_date);
        }
    }

    case_deadlines(&mut engine, &live);
    if let Some(medical) = &file.case.medical {
        let latest = live
            .iter()
            .filter(|e| matches!(e.kind, EventKind::MedicalAttested { .. }))
            .map(|e| e.on)
            .chain(medical.attested_on)
            .max();
        if let Some(attested_on) = latest {
            let rule = rules.rule(RuleId::MedicalRefresh);
            let days = i64::from(policy.medical_refresh_days);
            let target = attested_on.add_days(days);
            let (due, rolled) = engine.roll(rule, target);
            let why = Explained::with_codes(
                rule,
                "default",
                &[
                    ("attested_on", Arg::Date(attested_on)),
                    ("days", Arg::Int(days)),
                    ("target", Arg::Date(target)),
                    ("due", Arg::Date(due)),
                    ("rolled", Arg::Text(&rolled.note)),
                ],
                &rolled.codes(),
            );
            engine.push(rule, None, due, None, why);
        }
    }

    let mut deadlines = engine.deadlines;
    // Stable, so two case-wide deadlines of one kind on one day keep their file order.
    deadlines.sort_by(|a, b| (a.due, a.kind, &a.person).cmp(&(b.due, b.kind, &b.person)));
    Derivation { rule_set: rules.id.clone(), today, people, deadlines, covered_until }
}

fn parole_end_deadline(engine: &mut Engine<'_>, key: &str, grant: &GrantEnd<'_>) {
    let rule = engine.rules.rule(RuleId::ParoleEnds);
    let args = [
        ("granted_on", Arg::Date(grant.granted_on)),
        ("valid_until", Arg::Date(grant.valid_until)),
        ("due", Arg::Date(grant.end)),
        ("notice_on", Arg::Date(grant.notice.map_or(grant.end, |n| n.on))),
        ("effective", Arg::Date(grant.end)),
        ("departed_on", Arg::Date(grant.end)),
    ];
    let variant = match grant.cause {
        EndCause::Expiry => "expires",
        EndCause::Termination => "terminated",
        EndCause::Departure => "departed",
    };
    let why = Explained::new(rule, variant, &args);
    engine.push(rule, Some(key), grant.end, None, why);
}

fn re_parole_deadlines(
    engine: &mut Engine<'_>,
    key: &str,
    grant: &GrantEnd<'_>,
    policy: &Policy,
    program: Program,
) {
    let rules = engine.rules;
    let target_rule = rules.rule(RuleId::ReParoleTarget);
    let lead_days = i64::from(policy.re_parole_lead_days);
    let target = grant.end.add_days(-lead_days);
    let (due, rolled) = engine.roll(target_rule, target);
    let window_rule = rules.rule(RuleId::ReParoleWindow);
    let window_days = window_rule.number_or_zero();
    let opens = grant.end.add_days(-window_days);
    let args = [
        ("parole_ends", Arg::Date(grant.end)),
        ("lead_days", Arg::Int(lead_days)),
        ("target", Arg::Date(target)),
        ("due", Arg::Date(due)),
        ("rolled", Arg::Text(&rolled.note)),
        ("window_opens", Arg::Date(opens)),
        ("window_days", Arg::Int(window_days)),
    ];
    if program != Program::U4u {
        let why = Explained::with_codes(target_rule, "default", &args, &rolled.codes());
        engine.push(target_rule, Some(key), due, None, why);
        return;
    }
    let why = Explained::with_codes(target_rule, "u4u", &args, &rolled.codes());
    engine.push(target_rule, Some(key), due, Some(opens), why);
    let why = Explained::new(
        window_rule,
        "default",
        &[("parole_ends", Arg::Date(grant.end)), ("days", Arg::Int(window_days)), ("due", Arg::Date(opens))],
    );
    engine.push(window_rule, Some(key), opens, Some(opens), why);
}

fn ead_deadline(engine: &mut Engine<'_>, live: &[&Event], key: &str, grant: Option<&GrantEnd<'_>>) {
    let mut latest: Option<(&Event, Date)> = None;
    for event in live {
        if let EventKind::EadApproved { valid_until, .. } = &event.kind
            && event.concerns(key)
            && latest.is_none_or(|(l, _)| event.on >= l.on)
        {
            latest = Some((event, *valid_until));
        }
    }
    let Some((approved, valid_until)) = latest else {
        return;
    };
    let rule = engine.rules.rule(RuleId::EadEnds);
    let (due, variant) = match grant {
        Some(g) if g.end < valid_until => {
            (g.end, if g.cause == EndCause::Termination { "capped_terminated" } else { "capped" })
        }
        _ => (valid_until, "card"),
    };
    let why = Explained::new(
        rule,
        variant,
        &[
            ("approved_on", Arg::Date(approved.on)),
            ("valid_until", Arg::Date(valid_until)),
            ("parole_ends", Arg::Date(due)),
            ("due", Arg::Date(due)),
        ],
    );
    engine.push(rule, Some(key), due, None, why);
}

fn presence_deadlines(engine: &mut Engine<'_>, key: &str, grant: &GrantEnd<'_>, birth_date: Option<Date>) {
    let day_after = grant.end.add_days(1);
    let birthday_18 = birth_date.map(|b| b.add_years(18));
    let (start, variant) = match birthday_18 {
        Some(adult_on) if adult_on > day_after => (adult_on, "minor"),
        Some(_) => (day_after, "adult"),
        None => (day_after, "no_birth_date"),
    };
    // Kept as a code in the facts; the English words are the rule set's default language.
    let code = if grant.cause == EndCause::Termination { "terminated" } else { "expired" };
    let cause = super::ruleset::end_cause(Language::En, code).unwrap_or_default();
    for id in [RuleId::PresenceBar3, RuleId::PresenceBar10] {
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
        engine.push(rule, Some(key), due, None, why);
    }
}

/// Deadlines that run from notices and decisions: printed departure dates, responses, motions, fees.
fn case_deadlines(engine: &mut Engine<'_>, live: &[&Event]) {
    let answered_since =
        |on: Date, is_answer: fn(&EventKind) -> bool| live.iter().any(|e| is_answer(&e.kind) && e.on >= on);
    for event in live {
        match &event.kind {
            EventKind::TerminationNotice { served_by, depart_by: Some(depart_by), .. } => {
                let rule = engine.rules.rule(RuleId::DepartBy);
                let why = Explained::new(
                    rule,
                    "default",
                    &[
                        ("notice_on", Arg::Date(event.on)),
                        ("served_by", Arg::Text(served_by.as_str())),
                        ("due", Arg::Date(*depart_by)),
                    ],
                );
                // A notice naming people binds each of them; one for the whole family is case-wide.
                match &event.persons {
                    None => engine.push(rule, None, *depart_by, None, why),
                    Some(keys) => {
                        for key in keys {
                            engine.push(rule, Some(key), *depart_by, None, why.clone());
                        }
                    }
                }
            }
            EventKind::RfeReceived { served_by, respond_by }
                if !answered_since(event.on, |k| matches!(k, EventKind::RfeAnswered)) =>
            {
                engine.response(RuleId::RfeResponse, event.on, *served_by, *respond_by);
            }
            EventKind::NoidReceived { served_by, respond_by }
                if !answered_since(event.on, |k| matches!(k, EventKind::NoidAnswered)) =>
            {
                engine.response(RuleId::NoidResponse, event.on, *served_by, *respond_by);
            }
            EventKind::ParoleDenied { served_by }
                if !answered_since(event.on, |k| matches!(k, EventKind::MotionFiled)) =>
            {
                engine.response(RuleId::DecisionMotion, event.on, *served_by, None);
            }
            EventKind::FeeNotice { pay_by, amount }
                if !answered_since(event.on, |k| matches!(k, EventKind::FeePaid)) =>
            {
                let rule = engine.rules.rule(RuleId::FeePayBy);
                let amount_text = amount.map(|a| format!("{a:.2}"));
                let args = [
                    ("notice_on", Arg::Date(event.on)),
                    ("due", Arg::Date(*pay_by)),
                    ("amount", Arg::Text(amount_text.as_deref().unwrap_or(""))),
                ];
                let variant = if amount_text.is_some() { "with_amount" } else { "default" };
                let why = Explained::new(rule, variant, &args);
                engine.push(rule, None, *pay_by, None, why);
            }
            _ => {}
        }
    }
}
