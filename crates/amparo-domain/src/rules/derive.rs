//! The engine: a case file and a day in, statuses, coverage and deadlines out, following `rules.md`
//! (`us-parole/2027.1`). Pure: the same file, day, policy and rule set always give the same output.
//! The deadlines themselves are worked out in [`person_deadlines`](super::person_deadlines) and
//! [`notice_deadlines`](super::notice_deadlines); this module holds what they share.

use crate::calendar::Calendar;
use crate::case_file::CaseFile;
use crate::date::Date;
use crate::event::{Event, EventKind, ServedBy};
use crate::policy::Policy;

use super::answers::answered;
use super::coverage::{CoverageInput, coverage_of};
use super::notice_deadlines::notice_deadlines;
use super::output::{Deadline, Derivation, PersonStatus, Status, WhyFacts};
use super::person_deadlines::{PersonFacts, person_deadlines};
use super::ruleset::{Roll, Rule, RuleId, RuleSet};
use super::status::{current_grant, live_events, status_on};
use super::template::Arg;

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
pub(crate) struct Explained {
    text: String,
    facts: WhyFacts,
}

impl Explained {
    pub(crate) fn new(rule: &Rule, variant: &str, args: &[(&'static str, Arg<'_>)]) -> Explained {
        Explained::with_codes(rule, variant, args, &[])
    }

    /// As [`Explained::new`], keeping `codes` in the facts in place of English text.
    pub(crate) fn with_codes(
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
pub(crate) struct Rolled {
    pub note: String,
    code: String,
}

impl Rolled {
    pub(crate) fn codes(&self) -> [(&'static str, String); 1] {
        [("rolled", self.code.clone())]
    }
}

/// The three *why* variants of a response period: a printed date, a computed one, a mailed one.
pub(crate) struct ResponseVariants {
    pub printed: &'static str,
    pub computed: &'static str,
    pub computed_mail: &'static str,
}

pub(crate) const RESPONSE: ResponseVariants =
    ResponseVariants { printed: "printed", computed: "computed", computed_mail: "computed_mail" };

/// What every deadline rule needs: the rule set, both calendars, and the list being built.
pub(crate) struct Engine<'a> {
    pub rules: &'a RuleSet,
    pub policy: &'a Policy,
    legal: Calendar,
    office: Calendar,
    deadlines: Vec<Deadline>,
}

impl Engine<'_> {
    pub(crate) fn push(
        &mut self,
        rule: &Rule,
        person: Option<&str>,
        due: Date,
        window_opens: Option<Date>,
        why: Explained,
    ) {
        self.push_marked(rule, person, due, window_opens, false, why);
    }

    /// As [`Engine::push`], saying whether the deadline is advisory (never an overdue alarm).
    pub(crate) fn push_marked(
        &mut self,
        rule: &Rule,
        person: Option<&str>,
        due: Date,
        window_opens: Option<Date>,
        advisory: bool,
        why: Explained,
    ) {
        self.deadlines.push(Deadline {
            kind: rule.kind,
            person: person.map(str::to_owned),
            due,
            window_opens,
            advisory,
            rule: rule.id,
            basis: rule.basis_for(why.facts.variant),
            citation: rule.citation.clone(),
            why: why.text,
            why_facts: why.facts,
        });
    }

    /// Moves `date` as the rule says, with the note explaining the move (empty when it stays).
    pub(crate) fn roll(&self, rule: &Rule, date: Date) -> (Date, Rolled) {
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

    /// The next business day of the organisation on or after `date` (a target that must not fall
    /// before a window).
    pub(crate) fn office_forward(&self, date: Date) -> Date {
        self.office.roll_forward(date)
    }

    /// A response period running from a notice: the printed date when there is one, else the period
    /// plus mailing days, rolled. `extra` are facts particular to the rule (the persons named).
    pub(crate) fn response(
        &mut self,
        id: RuleId,
        notice: &Event,
        served_by: ServedBy,
        printed: Option<Date>,
        variants: &ResponseVariants,
        extra: &[(&'static str, Arg<'_>)],
    ) {
        let rules = self.rules;
        let rule = rules.rule(id);
        let on = notice.on;
        let served = served_by.as_str();
        if let Some(due) = printed {
            let mut args =
                vec![("on", Arg::Date(on)), ("served_by", Arg::Text(served)), ("due", Arg::Date(due))];
            args.extend(extra.iter().cloned());
            let why = Explained::new(rule, variants.printed, &args);
            self.push(rule, None, due, None, why);
            return;
        }
        let days = rule.number_or_zero();
        let mail_days = if served_by == ServedBy::Mail { rules.mailing_days } else { 0 };
        let unrolled = on.add_days(days + mail_days);
        let (due, rolled) = self.roll(rule, unrolled);
        let mut args = vec![
            ("on", Arg::Date(on)),
            ("served_by", Arg::Text(served)),
            ("days", Arg::Int(days)),
            ("mail_days", Arg::Int(mail_days)),
            ("total", Arg::Int(days + mail_days)),
            ("unrolled", Arg::Date(unrolled)),
            ("due", Arg::Date(due)),
            ("rolled", Arg::Text(&rolled.note)),
        ];
        args.extend(extra.iter().cloned());
        let variant = if mail_days > 0 { variants.computed_mail } else { variants.computed };
        let why = Explained::with_codes(rule, variant, &args, &rolled.codes());
        self.push(rule, None, due, None, why);
    }
}

/// Statuses, coverage and deadlines of `file` as of `today` under `policy` and `rules`.
pub fn derive(file: &CaseFile, today: Date, policy: &Policy, rules: &RuleSet) -> Derivation {
    let live = live_events(file);
    let mut engine = Engine {
        rules,
        policy,
        legal: Calendar::federal(),
        office: policy.calendar(),
        deadlines: Vec::with_capacity(6 * file.case.people.len() + 4),
    };
    let mut people = Vec::with_capacity(file.case.people.len());
    let mut covered_until: Option<Date> = None;
    let mut grants = Vec::with_capacity(file.case.people.len());

    for person in &file.case.people {
        let key = person.key.as_str();
        let current = current_grant(&live, key);
        let status = status_on(&live, key, today, current.as_ref());
        let governed = status != Status::OtherStatus;
        let parole_ends = current.as_ref().filter(|_| governed).map(|g| g.end);
        if status == Status::Paroled
            && let Some(end) = parole_ends
        {
            covered_until = Some(covered_until.map_or(end, |c| c.min(end)));
        }
        let input = CoverageInput { person, live: &live, status, current: current.as_ref(), today };
        let coverage = coverage_of(rules.coverage_texts(), &input);
        people.push(PersonStatus { person: person.key.clone(), status, parole_ends, coverage });
        person_deadlines(&mut engine, &PersonFacts { person, live: &live, status, current, today }, file);
        grants.push((status, current.map(|g| g.granted_on)));
    }

    let answers = answered(file, &live);
    notice_deadlines(&mut engine, file, &live, &answers);
    medical_refresh(&mut engine, file, &live);
    i94_recheck(&mut engine, &live, &grants);

    let mut deadlines = engine.deadlines;
    // Stable, so two case-wide deadlines of one kind on one day keep their file order.
    deadlines.sort_by(|a, b| (a.due, a.kind, &a.person).cmp(&(b.due, b.kind, &b.person)));
    Derivation { rule_set: rules.id.clone(), today, people, deadlines, covered_until }
}

/// `medical.refresh`: from the latest of `attested_on` and every `medical_attested`, whichever exist.
fn medical_refresh(engine: &mut Engine<'_>, file: &CaseFile, live: &[&Event]) {
    let Some(medical) = &file.case.medical else {
        return;
    };
    let latest = live
        .iter()
        .filter(|e| matches!(e.kind, EventKind::MedicalAttested { .. }))
        .map(|e| e.on)
        .chain(medical.attested_on)
        .max();
    let Some(attested_on) = latest else {
        return;
    };
    let rule = engine.rules.rule(RuleId::MedicalRefresh);
    let days = i64::from(engine.policy.medical_refresh_days);
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

/// `i94.recheck`: while someone is paroled, the next look at the I-94, counted from the latest of
/// the paroled people's current grants and every `i94_checked`.
fn i94_recheck(engine: &mut Engine<'_>, live: &[&Event], people: &[(Status, Option<Date>)]) {
    let granted = people.iter().filter(|(s, _)| *s == Status::Paroled).filter_map(|(_, on)| *on).max();
    let Some(granted) = granted else {
        return;
    };
    let checked = live.iter().filter(|e| matches!(e.kind, EventKind::I94Checked)).map(|e| e.on).max();
    let (latest, variant) = match checked {
        Some(on) if on >= granted => (on, "checked"),
        _ => (granted, "granted"),
    };
    let rule = engine.rules.rule(RuleId::I94Recheck);
    let days = i64::from(engine.policy.i94_check_days);
    let target = latest.add_days(days);
    let (due, rolled) = engine.roll(rule, target);
    let why = Explained::with_codes(
        rule,
        variant,
        &[
            ("latest", Arg::Date(latest)),
            ("days", Arg::Int(days)),
            ("target", Arg::Date(target)),
            ("due", Arg::Date(due)),
            ("rolled", Arg::Text(&rolled.note)),
        ],
        &rolled.codes(),
    );
    engine.push(rule, None, due, None, why);
}
