//! Deadlines that run from notices and decisions: printed departure dates (until overtaken),
//! responses to open notices, motions, fees, EAD revocations and address reports.

use crate::case_file::CaseFile;
use crate::event::{Event, EventKind};

use super::answers::Answered;
use super::derive::{Engine, Explained, RESPONSE, ResponseVariants};
use super::ruleset::RuleId;
use super::status::current_grant;
use super::template::Arg;

pub(crate) fn notice_deadlines(
    engine: &mut Engine<'_>,
    file: &CaseFile,
    live: &[&Event],
    answers: &Answered,
) {
    for (position, event) in live.iter().enumerate() {
        let open = answers.is_open(position);
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
                let overtaken = |key: &str| overtaken(live, position, event, key);
                // A notice naming people binds each of them; one for the whole family is case-wide.
                match &event.persons {
                    None => {
                        if !file.case.people.iter().all(|p| overtaken(&p.key)) {
                            engine.push(rule, None, *depart_by, None, why);
                        }
                    }
                    Some(keys) => {
                        for key in keys.iter().filter(|k| !overtaken(k)) {
                            engine.push(rule, Some(key), *depart_by, None, why.clone());
                        }
                    }
                }
            }
            EventKind::RfeReceived { served_by, respond_by } if open => {
                engine.response(RuleId::RfeResponse, event, *served_by, *respond_by, &RESPONSE, &[]);
            }
            EventKind::NoidReceived { served_by, respond_by } if open => {
                engine.response(RuleId::NoidResponse, event, *served_by, *respond_by, &RESPONSE, &[]);
            }
            EventKind::ParoleDenied { served_by } if open => {
                let variants = if denies_re_parole(file, live, event) {
                    ResponseVariants {
                        printed: "re_parole",
                        computed: "re_parole",
                        computed_mail: "re_parole_mail",
                    }
                } else {
                    RESPONSE
                };
                engine.response(RuleId::DecisionMotion, event, *served_by, None, &variants, &[]);
            }
            EventKind::FeeNotice { pay_by, amount } if open => {
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
            EventKind::EadRevocationNotice { served_by, respond_by } if open => {
                let concerned: Vec<&crate::case::Person> =
                    file.case.people.iter().filter(|p| event.concerns(&p.key)).collect();
                // Moot once every person it concerns has had the permit revoked.
                let moot = concerned.iter().all(|p| {
                    live.iter().any(|e| {
                        matches!(e.kind, EventKind::EadRevoked) && e.concerns(&p.key) && e.on >= event.on
                    })
                });
                if moot {
                    continue;
                }
                let names = concerned.iter().map(|p| p.full_name()).collect::<Vec<_>>().join(", ");
                let extra = [("persons", Arg::Text(&names))];
                engine.response(
                    RuleId::EadRevocationResponse,
                    event,
                    *served_by,
                    *respond_by,
                    &RESPONSE,
                    &extra,
                );
            }
            EventKind::AddressChanged => {
                for person in file.case.people.iter().filter(|p| event.concerns(&p.key)) {
                    if answers.report_open(position, &person.key) {
                        address_report(engine, event, &person.key);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a termination notice's depart-by no longer binds `key`: a grant of theirs later than the
/// notice, or a departure or another status of theirs on or after it.
fn overtaken(live: &[&Event], position: usize, notice: &Event, key: &str) -> bool {
    live.iter().enumerate().any(|(i, e)| {
        e.concerns(key)
            && match e.kind {
                EventKind::ParoleGranted { .. } => e.on > notice.on || (e.on == notice.on && i > position),
                EventKind::Departed | EventKind::StatusGranted { .. } => e.on >= notice.on,
                _ => false,
            }
    })
}

/// Whether a denial voided a re-parole filing: one of someone it concerns, made since their current
/// grant and on or before the denial.
fn denies_re_parole(file: &CaseFile, live: &[&Event], denial: &Event) -> bool {
    file.case.people.iter().filter(|p| denial.concerns(&p.key)).any(|p| {
        let since = current_grant(live, &p.key).map(|g| g.granted_on);
        live.iter().any(|e| {
            matches!(e.kind, EventKind::ReParoleFiled { .. })
                && e.concerns(&p.key)
                && e.on <= denial.on
                && since.is_some_and(|on| e.on >= on)
        })
    })
}

/// `registration.address`: 10 days from the move, rolled forward, per person.
fn address_report(engine: &mut Engine<'_>, change: &Event, key: &str) {
    let rule = engine.rules.rule(RuleId::AddressReport);
    let days = rule.number_or_zero();
    let unrolled = change.on.add_days(days);
    let (due, rolled) = engine.roll(rule, unrolled);
    let why = Explained::with_codes(
        rule,
        "default",
        &[
            ("on", Arg::Date(change.on)),
            ("days", Arg::Int(days)),
            ("unrolled", Arg::Date(unrolled)),
            ("due", Arg::Date(due)),
            ("rolled", Arg::Text(&rolled.note)),
        ],
        &rolled.codes(),
    );
    engine.push(rule, Some(key), due, None, why);
}
