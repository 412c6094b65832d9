//! Reading a notice: the text of an email, letter, I-797 or I-94 record in, a proposed event out. The
//! proposal is never recorded by the reader: a person confirms it on the event form. Each value
//! keeps the words of the notice it came from; a value the notice does not print is left empty and
//! listed as missing, because a guessed date is worse than none.

pub mod dates;
pub mod kind;
pub mod labels;
pub mod numbers;
pub mod people;
pub mod served;

use serde::Serialize;

use crate::case::Person;
use crate::date::Date;
use crate::event::ServedBy;
use crate::identifiers::{I94Number, ReceiptNumber};
use kind::{NoticeKind, classify};
use labels::{Label, date_after, first, near, second};
pub use people::{MatchedBy, NamedPerson};

/// A value read from a notice, with the words it was read from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Found<T> {
    pub value: T,
    /// The words of the notice the value came from, spaces collapsed.
    pub source: String,
}

impl<T> Found<T> {
    pub fn new(value: T, source: String) -> Self {
        Found { value, source: source.split_whitespace().collect::<Vec<_>>().join(" ") }
    }
}

/// What a notice says, proposed as an event for a person to confirm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Proposal {
    /// The kind of notice and the words that decided it; `None` when the reader cannot tell.
    pub kind: Option<Found<NoticeKind>>,
    /// The event type it proposes (`termination_notice`, …).
    pub event_type: Option<&'static str>,
    pub notice_date: Option<Found<Date>>,
    /// The day USCIS received a filing (receipt notices).
    pub received_date: Option<Found<Date>>,
    pub effective: Option<Found<Date>>,
    pub depart_by: Option<Found<Date>>,
    pub respond_by: Option<Found<Date>>,
    pub valid_until: Option<Found<Date>>,
    pub pay_by: Option<Found<Date>>,
    pub receipt_number: Option<Found<ReceiptNumber>>,
    pub i94_number: Option<Found<I94Number>>,
    pub served_by: Option<Found<ServedBy>>,
    pub people: Vec<NamedPerson>,
    /// The fields a notice of its kind prints that this one was not found to print.
    pub missing: Vec<&'static str>,
}

impl Proposal {
    /// The day the event happened: the filing's received date for a receipt, else the notice date.
    pub fn event_date(&self) -> Option<Date> {
        self.received_date.as_ref().or(self.notice_date.as_ref()).map(|f| f.value)
    }
}

/// What the reader may assume about the rule set in force.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    /// The rule set knows EAD revocation notices (`ead_revocation_notice`).
    pub ead_revocation: bool,
}

const NOTICE_DATE: &[Label] = &[
    first("notice date"),
    first("date of notice"),
    first("date of this notice:"),
    first("date issued"),
    first("issue date"),
    first("date:"),
    first("sent:"),
    near("dated"),
];
const RECEIVED: &[Label] = &[first("received date"), first("date received"), first("received on")];
const EFFECTIVE: &[Label] = &[
    first("termination date"),
    first("effective date"),
    first("will terminate on"),
    first("terminates on"),
    first("terminated on"),
    first("terminated effective"),
    first("terminated as of"),
    near("effective"),
];
const DEPART_BY: &[Label] = &[
    first("depart the united states by"),
    first("depart the united states no later than"),
    first("depart the united states on or before"),
    first("depart the u.s. by"),
    first("leave the united states by"),
    first("leave the united states no later than"),
    first("leave the united states on or before"),
    first("depart by"),
    first("departure date"),
];
const RESPOND_BY: &[Label] = &[
    first("respond by"),
    first("response due date"),
    first("response due"),
    first("response must be received by"),
    first("must be received by"),
    first("response is due"),
    first("submit the requested evidence by"),
    first("respond no later than"),
    near("no later than"),
    near("on or before"),
];
const VALID_UNTIL: &[Label] = &[
    first("admit until date"),
    first("valid until"),
    first("valid to"),
    first("valid through"),
    first("valid thru"),
    first("parole expires on"),
    first("expires on"),
    first("expiration date"),
    first("paroled until"),
    second("valid from"),
    second("validity dates"),
    second("validity period"),
];
const PAY_BY: &[Label] = &[
    first("pay by"),
    first("payment due date"),
    first("payment is due by"),
    first("payment is due on"),
    first("payment must be received by"),
    first("due date"),
    near("no later than"),
    near("on or before"),
    Label { phrase: "must pay", nth: 0, reach: 60 },
];

/// The fields a notice of `kind` prints, by name, with the labels they follow.
fn fields_of(kind: NoticeKind) -> &'static [(&'static str, &'static [Label])] {
    match kind {
        NoticeKind::TerminationNotice => &[("effective", EFFECTIVE), ("depart_by", DEPART_BY)],
        NoticeKind::ParoleApproval | NoticeKind::EadApproval | NoticeKind::I94Record => {
            &[("valid_until", VALID_UNTIL)]
        }
        NoticeKind::Rfe | NoticeKind::Noid | NoticeKind::EadRevocationNotice => &[("respond_by", RESPOND_BY)],
        NoticeKind::FeeNotice => &[("pay_by", PAY_BY)],
        NoticeKind::ParoleReceipt | NoticeKind::ReParoleReceipt | NoticeKind::EadReceipt => {
            &[("received_date", RECEIVED)]
        }
        NoticeKind::ParoleDenial => &[],
    }
}

/// Whether a notice of `kind` carries a receipt number, an I-94 number, how it was served.
fn expects(kind: NoticeKind) -> (bool, bool, bool) {
    match kind {
        NoticeKind::ParoleReceipt | NoticeKind::ReParoleReceipt | NoticeKind::EadReceipt => {
            (true, false, false)
        }
        NoticeKind::ParoleApproval => (true, true, false),
        NoticeKind::I94Record => (false, true, false),
        NoticeKind::EadApproval => (true, false, false),
        NoticeKind::TerminationNotice
        | NoticeKind::ParoleDenial
        | NoticeKind::Rfe
        | NoticeKind::Noid
        | NoticeKind::EadRevocationNotice => (false, false, true),
        NoticeKind::FeeNotice => (false, false, false),
    }
}

/// The text in ASCII lower case with each line break as a space, byte for byte as long as the text:
/// phrases are found across line breaks and at the same offsets.
pub fn flatten(text: &str) -> String {
    text.to_ascii_lowercase().replace(['\n', '\r', '\t'], " ")
}

/// Reads `text` (a notice as plain text) and proposes the event it reports, matching the people it
/// names to `people` (the case's, or none).
pub fn read_notice(text: &str, people: &[Person], options: ReadOptions) -> Proposal {
    let lower = flatten(text);
    let printed = dates::find_dates(text);
    let kind = classify(&lower, options.ead_revocation).map(|(kind, phrase)| {
        let at = kind::find_phrase(&lower, phrase, 0).unwrap_or(0);
        Found::new(kind, numbers::line_at(text, at).to_owned())
    });
    let receipts = numbers::receipt_numbers(text);
    let mut proposal = Proposal {
        event_type: kind.as_ref().map(|k| k.value.event_type()),
        notice_date: date_after(text, &lower, &printed, NOTICE_DATE).or_else(|| letter_date(text, &printed)),
        received_date: None,
        effective: None,
        depart_by: None,
        respond_by: None,
        valid_until: None,
        pay_by: None,
        receipt_number: receipts.into_iter().next(),
        i94_number: numbers::i94_number(text),
        served_by: served::served_by(text, &lower),
        people: people::named_people(text, people),
        missing: Vec::new(),
        kind,
    };
    let Some(kind) = proposal.kind.as_ref().map(|k| k.value) else {
        proposal.missing.push("event_type");
        return proposal;
    };
    if proposal.notice_date.is_none() && kind != NoticeKind::I94Record {
        proposal.missing.push("notice_date");
    }
    for (name, labels) in fields_of(kind) {
        let found = date_after(text, &lower, &printed, labels);
        if found.is_none() {
            proposal.missing.push(name);
        }
        let slot = match *name {
            "effective" => &mut proposal.effective,
            "depart_by" => &mut proposal.depart_by,
            "respond_by" => &mut proposal.respond_by,
            "valid_until" => &mut proposal.valid_until,
            "pay_by" => &mut proposal.pay_by,
            _ => &mut proposal.received_date,
        };
        *slot = found;
    }
    let (receipt, i94, served) = expects(kind);
    for (expected, absent, name) in [
        (receipt, proposal.receipt_number.is_none(), "receipt_number"),
        (i94, proposal.i94_number.is_none(), "i94_number"),
        (served, proposal.served_by.is_none(), "served_by"),
    ] {
        if expected && absent {
            proposal.missing.push(name);
        }
    }
    proposal
}

/// A letter's date: a line holding nothing but a date among its first dozen lines.
fn letter_date(text: &str, printed: &[dates::Printed]) -> Option<Found<Date>> {
    let head_end = text.match_indices('\n').nth(11).map_or(text.len(), |(i, _)| i);
    printed.iter().filter(|d| d.end <= head_end).find_map(|d| {
        let line = numbers::line_at(text, d.start);
        (line.len() == d.end - d.start).then(|| Found::new(d.date, line.to_owned()))
    })
}

impl Proposal {
    /// The proposal as the event form's fields (`type`, `on`, …), only those its event type takes and
    /// the notice printed: what a person checks and records. Nothing is filled that was not read.
    pub fn event_fields(&self) -> Vec<(&'static str, String)> {
        let Some(event_type) = self.event_type else {
            return Vec::new();
        };
        let mut fields = vec![("type", event_type.to_owned())];
        if let Some(on) = self.event_date() {
            fields.push(("on", on.to_string()));
        }
        let takes = |field: &str| event_takes(event_type, field);
        let dates = [
            ("valid_until", &self.valid_until),
            ("effective", &self.effective),
            ("depart_by", &self.depart_by),
            ("respond_by", &self.respond_by),
            ("pay_by", &self.pay_by),
        ];
        for (name, found) in dates {
            if let Some(found) = found.as_ref().filter(|_| takes(name)) {
                fields.push((name, found.value.to_string()));
            }
        }
        if let Some(served) = self.served_by.as_ref().filter(|_| takes("served_by")) {
            fields.push(("served_by", served.value.as_str().to_owned()));
        }
        if let Some(receipt) = self.receipt_number.as_ref().filter(|_| takes("receipt_number")) {
            fields.push(("receipt_number", receipt.value.as_str().to_owned()));
        }
        if let Some(i94) = self.i94_number.as_ref().filter(|_| takes("i94_number")) {
            fields.push(("i94_number", i94.value.as_str().to_owned()));
        }
        fields
    }
}

/// Whether an event of `event_type` carries `field` (as `RawEvent::into_event` accepts it).
fn event_takes(event_type: &str, field: &str) -> bool {
    let fields: &[&str] = match event_type {
        "parole_requested" | "re_parole_filed" | "ead_filed" => &["receipt_number"],
        "parole_granted" => &["valid_until", "i94_number"],
        "parole_denied" => &["served_by"],
        "termination_notice" => &["served_by", "effective", "depart_by"],
        "rfe_received" | "noid_received" | "ead_revocation_notice" => &["served_by", "respond_by"],
        "ead_approved" | "i94_updated" => &["valid_until"],
        "fee_notice" => &["pay_by"],
        _ => &[],
    };
    fields.contains(&field)
}
