//! The timeline: dated, typed facts. Events are never edited; a correction is a new event that
//! `supersedes` the one it voids.

use serde::{Deserialize, Serialize};

use crate::case::PersonKey;
use crate::date::Date;
use crate::identifiers::{I94Number, ReceiptNumber};
use crate::problem::Problem;

pub use crate::amount::Amount;

/// A file-level identifier of an event (`e1`), unique within its case.
pub type EventId = String;

/// How a notice reached the family; mail adds three days to periods that run from it (8 CFR 103.8(b)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServedBy {
    Mail,
    Email,
    Personal,
    Online,
}

impl ServedBy {
    pub const ALL: [ServedBy; 4] = [ServedBy::Mail, ServedBy::Email, ServedBy::Personal, ServedBy::Online];

    pub fn as_str(self) -> &'static str {
        match self {
            ServedBy::Mail => "mail",
            ServedBy::Email => "email",
            ServedBy::Personal => "personal",
            ServedBy::Online => "online",
        }
    }

    pub fn parse(text: &str) -> Option<ServedBy> {
        ServedBy::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What happened, with the facts particular to that kind of event.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    ParoleRequested {
        receipt_number: Option<ReceiptNumber>,
    },
    ParoleGranted {
        valid_until: Date,
        class_of_admission: Option<String>,
        i94_number: Option<I94Number>,
    },
    ParoleDenied {
        served_by: ServedBy,
    },
    TerminationNotice {
        served_by: ServedBy,
        effective: Option<Date>,
        depart_by: Option<Date>,
    },
    ReParoleFiled {
        receipt_number: Option<ReceiptNumber>,
    },
    RfeReceived {
        served_by: ServedBy,
        respond_by: Option<Date>,
    },
    RfeAnswered,
    NoidReceived {
        served_by: ServedBy,
        respond_by: Option<Date>,
    },
    NoidAnswered,
    MotionFiled,
    EadFiled {
        receipt_number: Option<ReceiptNumber>,
    },
    EadApproved {
        valid_until: Date,
        card_number: Option<String>,
    },
    FeeNotice {
        pay_by: Date,
        amount: Option<f64>,
    },
    FeePaid,
    Departed,
    MedicalAttested {
        days_to_critical_harm: Option<u32>,
    },
    /// CBP changed the parole end shown in the online I-94 record, without a notice.
    I94Updated {
        valid_until: Date,
    },
    /// Someone looked at the online I-94 record(s) of the case.
    I94Checked,
    /// Notice of intent to revoke the work permit (8 CFR 274a.14(b)).
    EadRevocationNotice {
        served_by: ServedBy,
        respond_by: Option<Date>,
    },
    EadRevocationAnswered,
    /// The work permit was revoked; it ends on the event's date.
    EadRevoked,
    /// The people acquired another immigration status; parole no longer governs them.
    StatusGranted {
        status: OtherStatus,
    },
    /// A Notice to Appear (removal proceedings) was served.
    NtaServed {
        served_by: ServedBy,
    },
    AddressChanged,
    AddressReported,
    RegisteredAt14,
    Arrived,
    AsylumFiled {
        receipt_number: Option<ReceiptNumber>,
    },
}

/// The immigration status a `status_granted` event gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtherStatus {
    Lpr,
    Asylee,
    Refugee,
    Tps,
    Other,
}

impl OtherStatus {
    pub const ALL: [OtherStatus; 5] =
        [OtherStatus::Lpr, OtherStatus::Asylee, OtherStatus::Refugee, OtherStatus::Tps, OtherStatus::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            OtherStatus::Lpr => "lpr",
            OtherStatus::Asylee => "asylee",
            OtherStatus::Refugee => "refugee",
            OtherStatus::Tps => "tps",
            OtherStatus::Other => "other",
        }
    }
}

/// The notices that stay open until answered, each with the event type that answers it.
pub const ANSWERED_NOTICES: [(&str, &str); 6] = [
    ("rfe_received", "rfe_answered"),
    ("noid_received", "noid_answered"),
    ("parole_denied", "motion_filed"),
    ("fee_notice", "fee_paid"),
    ("ead_revocation_notice", "ead_revocation_answered"),
    ("address_changed", "address_reported"),
];

/// The notice type an answer type answers (`rfe_answered` answers `rfe_received`).
pub fn answered_type(answer_type: &str) -> Option<&'static str> {
    ANSWERED_NOTICES.iter().find(|(_, answer)| *answer == answer_type).map(|(notice, _)| *notice)
}

/// The name of each event type as files and the API write it.
pub const EVENT_TYPES: &[&str] = &[
    "parole_requested",
    "parole_granted",
    "parole_denied",
    "termination_notice",
    "re_parole_filed",
    "rfe_received",
    "rfe_answered",
    "noid_received",
    "noid_answered",
    "motion_filed",
    "ead_filed",
    "ead_approved",
    "fee_notice",
    "fee_paid",
    "departed",
    "medical_attested",
    "i94_updated",
    "i94_checked",
    "ead_revocation_notice",
    "ead_revocation_answered",
    "ead_revoked",
    "status_granted",
    "nta_served",
    "address_changed",
    "address_reported",
    "registered_at_14",
    "arrived",
    "asylum_filed",
];

impl EventKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::ParoleRequested { .. } => "parole_requested",
            EventKind::ParoleGranted { .. } => "parole_granted",
            EventKind::ParoleDenied { .. } => "parole_denied",
            EventKind::TerminationNotice { .. } => "termination_notice",
            EventKind::ReParoleFiled { .. } => "re_parole_filed",
            EventKind::RfeReceived { .. } => "rfe_received",
            EventKind::RfeAnswered => "rfe_answered",
            EventKind::NoidReceived { .. } => "noid_received",
            EventKind::NoidAnswered => "noid_answered",
            EventKind::MotionFiled => "motion_filed",
            EventKind::EadFiled { .. } => "ead_filed",
            EventKind::EadApproved { .. } => "ead_approved",
            EventKind::FeeNotice { .. } => "fee_notice",
            EventKind::FeePaid => "fee_paid",
            EventKind::Departed => "departed",
            EventKind::MedicalAttested { .. } => "medical_attested",
            EventKind::I94Updated { .. } => "i94_updated",
            EventKind::I94Checked => "i94_checked",
            EventKind::EadRevocationNotice { .. } => "ead_revocation_notice",
            EventKind::EadRevocationAnswered => "ead_revocation_answered",
            EventKind::EadRevoked => "ead_revoked",
            EventKind::StatusGranted { .. } => "status_granted",
            EventKind::NtaServed { .. } => "nta_served",
            EventKind::AddressChanged => "address_changed",
            EventKind::AddressReported => "address_reported",
            EventKind::RegisteredAt14 => "registered_at_14",
            EventKind::Arrived => "arrived",
            EventKind::AsylumFiled { .. } => "asylum_filed",
        }
    }

    /// Whether this is an answer event (it may carry `answers`).
    pub fn is_answer(&self) -> bool {
        answered_type(self.type_name()).is_some()
    }

    /// Every date of this event besides its `on`, with their field names.
    pub fn dates(&self) -> Vec<(&'static str, Date)> {
        let mut dates = self.later_dates();
        if let EventKind::I94Updated { valid_until } = self {
            dates.push(("valid_until", *valid_until));
        }
        dates
    }

    /// The dates of this event that must not fall before its `on`, with their field names.
    pub fn later_dates(&self) -> Vec<(&'static str, Date)> {
        let mut dates = Vec::new();
        let mut push = |name, date: &Option<Date>| {
            if let Some(d) = date {
                dates.push((name, *d));
            }
        };
        match self {
            EventKind::ParoleGranted { valid_until, .. } | EventKind::EadApproved { valid_until, .. } => {
                push("valid_until", &Some(*valid_until))
            }
            EventKind::TerminationNotice { effective, depart_by, .. } => {
                push("effective", effective);
                push("depart_by", depart_by);
            }
            EventKind::RfeReceived { respond_by, .. }
            | EventKind::NoidReceived { respond_by, .. }
            | EventKind::EadRevocationNotice { respond_by, .. } => push("respond_by", respond_by),
            EventKind::FeeNotice { pay_by, .. } => push("pay_by", &Some(*pay_by)),
            _ => {}
        }
        dates
    }
}

/// One dated fact on a case's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: Option<EventId>,
    pub on: Date,
    /// The people it concerns; `None` means everyone on the case.
    pub persons: Option<Vec<PersonKey>>,
    /// The event this one corrects; the superseded event is void entirely.
    pub supersedes: Option<EventId>,
    /// On an answer event: the notice it answers. Without it, the answer clears the latest open
    /// notice of its kind dated on or before it.
    pub answers: Option<EventId>,
    pub kind: EventKind,
    /// Free text about the event, of any type (at most 4,000 characters, `case-file.md`). It is never
    /// read by the rules: nothing derived depends on it.
    pub note: Option<String>,
}

impl Event {
    /// Whether this event concerns the person with `key`.
    pub fn concerns(&self, key: &str) -> bool {
        self.persons.as_ref().is_none_or(|keys| keys.iter().any(|k| k == key))
    }
}

/// The flat JSON shape of an event, shared by files and the API: every field any type may carry.
/// Which fields a given type takes is checked when it becomes an [`Event`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<EventId>,
    #[serde(rename = "type")]
    pub event_type: String,
    pub on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons: Option<Vec<PersonKey>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OtherStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_number: Option<ReceiptNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_of_admission: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i94_number: Option<I94Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<ServedBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depart_by: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond_by: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_by: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_to_critical_harm: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The fields particular to one event type, beyond those every event has (`id`, `type`, `on`,
/// `persons`, `supersedes`, `note`): the ones it takes, and which of those it cannot go without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeFields {
    pub takes: &'static [&'static str],
    pub requires: &'static [&'static str],
}

/// The fields `event_type` takes, or `None` for a type that does not exist. [`RawEvent::into_event`]
/// checks events against it, and the API's published schema of an event is built from it.
pub fn fields_of(event_type: &str) -> Option<TypeFields> {
    let fields = |takes, requires| Some(TypeFields { takes, requires });
    match event_type {
        "parole_requested" | "re_parole_filed" | "ead_filed" | "asylum_filed" => {
            fields(&["receipt_number"], &[])
        }
        "parole_granted" => fields(&["valid_until", "class_of_admission", "i94_number"], &["valid_until"]),
        "parole_denied" | "nta_served" => fields(&["served_by"], &["served_by"]),
        "termination_notice" => fields(&["served_by", "effective", "depart_by"], &["served_by"]),
        "rfe_received" | "noid_received" | "ead_revocation_notice" => {
            fields(&["served_by", "respond_by"], &["served_by"])
        }
        "ead_approved" => fields(&["valid_until", "card_number"], &["valid_until"]),
        "fee_notice" => fields(&["pay_by", "amount"], &["pay_by"]),
        "medical_attested" => fields(&["days_to_critical_harm"], &[]),
        "i94_updated" => fields(&["valid_until"], &["valid_until"]),
        "status_granted" => fields(&["status"], &["status"]),
        "rfe_answered"
        | "noid_answered"
        | "motion_filed"
        | "fee_paid"
        | "ead_revocation_answered"
        | "address_reported" => fields(&["answers"], &[]),
        "departed" | "i94_checked" | "ead_revoked" | "address_changed" | "registered_at_14" | "arrived" => {
            fields(&[], &[])
        }
        _ => None,
    }
}

/// A field-level problem: the (relative) field name and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFieldError {
    pub field: &'static str,
    pub problem: Problem,
}

impl EventFieldError {
    fn new(field: &'static str, problem: Problem) -> Self {
        EventFieldError { field, problem }
    }
}

impl std::fmt::Display for EventFieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

fn required<T>(value: Option<T>, field: &'static str, event_type: &str) -> Result<T, EventFieldError> {
    value.ok_or_else(|| {
        EventFieldError::new(field, Problem::RequiredFor { event_type: event_type.to_owned() })
    })
}

impl RawEvent {
    /// The type-specific fields present, by name, to refuse the ones a type does not take.
    fn present_fields(&self) -> Vec<&'static str> {
        let flags = [
            ("answers", self.answers.is_some()),
            ("status", self.status.is_some()),
            ("receipt_number", self.receipt_number.is_some()),
            ("valid_until", self.valid_until.is_some()),
            ("class_of_admission", self.class_of_admission.is_some()),
            ("i94_number", self.i94_number.is_some()),
            ("served_by", self.served_by.is_some()),
            ("effective", self.effective.is_some()),
            ("depart_by", self.depart_by.is_some()),
            ("respond_by", self.respond_by.is_some()),
            ("card_number", self.card_number.is_some()),
            ("pay_by", self.pay_by.is_some()),
            ("amount", self.amount.is_some()),
            ("days_to_critical_harm", self.days_to_critical_harm.is_some()),
        ];
        flags.into_iter().filter(|(_, present)| *present).map(|(name, _)| name).collect()
    }

    /// Checks the fields against the event's type and builds the typed event.
    pub fn into_event(self) -> Result<Event, EventFieldError> {
        let ty = self.event_type.clone();
        let Some(fields) = fields_of(&ty) else {
            return Err(EventFieldError::new("type", Problem::UnknownEventType { value: ty }));
        };
        let allowed = fields.takes;
        if let Some(field) = self.present_fields().into_iter().find(|f| !allowed.contains(f)) {
            return Err(EventFieldError::new(field, Problem::NotAFieldOf { event_type: ty }));
        }
        let kind = match ty.as_str() {
            "parole_requested" => EventKind::ParoleRequested { receipt_number: self.receipt_number },
            "re_parole_filed" => EventKind::ReParoleFiled { receipt_number: self.receipt_number },
            "ead_filed" => EventKind::EadFiled { receipt_number: self.receipt_number },
            "parole_granted" => EventKind::ParoleGranted {
                valid_until: required(self.valid_until, "valid_until", &ty)?,
                class_of_admission: self.class_of_admission,
                i94_number: self.i94_number,
            },
            "parole_denied" => {
                EventKind::ParoleDenied { served_by: required(self.served_by, "served_by", &ty)? }
            }
            "termination_notice" => EventKind::TerminationNotice {
                served_by: required(self.served_by, "served_by", &ty)?,
                effective: self.effective,
                depart_by: self.depart_by,
            },
            "rfe_received" => EventKind::RfeReceived {
                served_by: required(self.served_by, "served_by", &ty)?,
                respond_by: self.respond_by,
            },
            "noid_received" => EventKind::NoidReceived {
                served_by: required(self.served_by, "served_by", &ty)?,
                respond_by: self.respond_by,
            },
            "ead_approved" => EventKind::EadApproved {
                valid_until: required(self.valid_until, "valid_until", &ty)?,
                card_number: self.card_number,
            },
            "fee_notice" => EventKind::FeeNotice {
                pay_by: required(self.pay_by, "pay_by", &ty)?,
                amount: self.amount.map(Amount::dollars),
            },
            "asylum_filed" => EventKind::AsylumFiled { receipt_number: self.receipt_number },
            "nta_served" => EventKind::NtaServed { served_by: required(self.served_by, "served_by", &ty)? },
            "ead_revocation_notice" => EventKind::EadRevocationNotice {
                served_by: required(self.served_by, "served_by", &ty)?,
                respond_by: self.respond_by,
            },
            "i94_updated" => {
                EventKind::I94Updated { valid_until: required(self.valid_until, "valid_until", &ty)? }
            }
            "status_granted" => EventKind::StatusGranted { status: required(self.status, "status", &ty)? },
            "i94_checked" => EventKind::I94Checked,
            "ead_revocation_answered" => EventKind::EadRevocationAnswered,
            "ead_revoked" => EventKind::EadRevoked,
            "address_changed" => EventKind::AddressChanged,
            "address_reported" => EventKind::AddressReported,
            "registered_at_14" => EventKind::RegisteredAt14,
            "arrived" => EventKind::Arrived,
            "medical_attested" => {
                EventKind::MedicalAttested { days_to_critical_harm: self.days_to_critical_harm }
            }
            "rfe_answered" => EventKind::RfeAnswered,
            "noid_answered" => EventKind::NoidAnswered,
            "motion_filed" => EventKind::MotionFiled,
            "fee_paid" => EventKind::FeePaid,
            _ => EventKind::Departed,
        };
        Ok(Event {
            id: self.id,
            on: self.on,
            persons: self.persons,
            supersedes: self.supersedes,
            answers: self.answers,
            kind,
            // Every type takes a note.
            note: self.note,
        })
    }
}

impl From<&Event> for RawEvent {
    fn from(event: &Event) -> Self {
        let mut raw = RawEvent {
            id: event.id.clone(),
            event_type: event.kind.type_name().to_owned(),
            on: event.on,
            persons: event.persons.clone(),
            supersedes: event.supersedes.clone(),
            answers: event.answers.clone(),
            note: event.note.clone(),
            ..RawEvent::default_on(event.on)
        };
        match &event.kind {
            EventKind::ParoleRequested { receipt_number }
            | EventKind::ReParoleFiled { receipt_number }
            | EventKind::EadFiled { receipt_number }
            | EventKind::AsylumFiled { receipt_number } => raw.receipt_number = receipt_number.clone(),
            EventKind::ParoleGranted { valid_until, class_of_admission, i94_number } => {
                raw.valid_until = Some(*valid_until);
                raw.class_of_admission = class_of_admission.clone();
                raw.i94_number = i94_number.clone();
            }
            EventKind::ParoleDenied { served_by } | EventKind::NtaServed { served_by } => {
                raw.served_by = Some(*served_by)
            }
            EventKind::I94Updated { valid_until } => raw.valid_until = Some(*valid_until),
            EventKind::StatusGranted { status } => raw.status = Some(*status),
            EventKind::TerminationNotice { served_by, effective, depart_by } => {
                raw.served_by = Some(*served_by);
                raw.effective = *effective;
                raw.depart_by = *depart_by;
            }
            EventKind::RfeReceived { served_by, respond_by }
            | EventKind::NoidReceived { served_by, respond_by }
            | EventKind::EadRevocationNotice { served_by, respond_by } => {
                raw.served_by = Some(*served_by);
                raw.respond_by = *respond_by;
            }
            EventKind::EadApproved { valid_until, card_number } => {
                raw.valid_until = Some(*valid_until);
                raw.card_number = card_number.clone();
            }
            EventKind::FeeNotice { pay_by, amount } => {
                raw.pay_by = Some(*pay_by);
                raw.amount = amount.map(Amount::from_dollars);
            }
            EventKind::MedicalAttested { days_to_critical_harm } => {
                raw.days_to_critical_harm = *days_to_critical_harm;
            }
            EventKind::RfeAnswered
            | EventKind::NoidAnswered
            | EventKind::MotionFiled
            | EventKind::FeePaid
            | EventKind::Departed
            | EventKind::I94Checked
            | EventKind::EadRevocationAnswered
            | EventKind::EadRevoked
            | EventKind::AddressChanged
            | EventKind::AddressReported
            | EventKind::RegisteredAt14
            | EventKind::Arrived => {}
        }
        raw
    }
}

impl RawEvent {
    fn default_on(on: Date) -> Self {
        RawEvent {
            id: None,
            event_type: String::new(),
            on,
            persons: None,
            supersedes: None,
            answers: None,
            status: None,
            receipt_number: None,
            valid_until: None,
            class_of_admission: None,
            i94_number: None,
            served_by: None,
            effective: None,
            depart_by: None,
            respond_by: None,
            card_number: None,
            pay_by: None,
            amount: None,
            days_to_critical_harm: None,
            note: None,
        }
    }
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RawEvent::from(self).serialize(serializer)
    }
}
