//! Rule sets as data: a versioned TOML document naming each rule's deadline kind, legal basis,
//! citation, numbers and the wording of its *why*. The engine knows which rules exist and which facts
//! each can put into its wording; the document decides everything a lawyer would want to read or edit.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::coverage::{CoverageTexts, RawCoverage};
use super::output::{Deadline, WhyFacts};
use super::template::{Arg, Template, TemplateError};
use crate::calendar::NonBusinessDay;
use crate::case::Language;
use crate::date::Date;
use crate::event::ServedBy;
use crate::triage::{TriageWeights, TriageWeightsError};
use crate::words;

/// The rule set Amparo ships, compiled into the binary.
pub const BUILTIN_TOML: &str = include_str!("../../rules/us-parole-2027.1.toml");

/// The rule set Amparo shipped before 2027.1: still loadable, as an operator's own file written for
/// it keeps working (what it lacks is taken from the built-in rule set).
pub const US_PAROLE_2026_1_TOML: &str = include_str!("../../rules/us-parole-2026.1.toml");

/// The legal weight behind a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A statute, a regulation, or a date printed on a notice.
    Law,
    /// An agency's published programme guidance: binding in practice, not statute or regulation.
    Guidance,
    /// Practitioners' advice, or a conservative reading where the law is unsettled.
    Practice,
    /// The organisation's own setting.
    Policy,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Law => "law",
            Basis::Guidance => "guidance",
            Basis::Practice => "practice",
            Basis::Policy => "policy",
        }
    }
}

/// What a deadline is about. Declared in alphabetical order of the names so that the derived ordering
/// is the name ordering the output is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    AddressReportDue,
    AsylumOneYear,
    DepartBy,
    EadEnds,
    EadRevocationResponseDue,
    FeeDue,
    I94RecheckBy,
    MedicalAttestationRefreshBy,
    MotionDue,
    NoidResponseDue,
    ParoleEnds,
    ReParoleFileBy,
    ReParoleWindowOpens,
    ReentryBarEnds,
    #[serde(rename = "registration_at_14_due")]
    RegistrationAt14Due,
    RfeResponseDue,
    #[serde(rename = "unlawful_presence_181")]
    UnlawfulPresence181,
    #[serde(rename = "unlawful_presence_365")]
    UnlawfulPresence365,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 18] = [
        DeadlineKind::AddressReportDue,
        DeadlineKind::AsylumOneYear,
        DeadlineKind::DepartBy,
        DeadlineKind::EadEnds,
        DeadlineKind::EadRevocationResponseDue,
        DeadlineKind::FeeDue,
        DeadlineKind::I94RecheckBy,
        DeadlineKind::MedicalAttestationRefreshBy,
        DeadlineKind::MotionDue,
        DeadlineKind::NoidResponseDue,
        DeadlineKind::ParoleEnds,
        DeadlineKind::ReParoleFileBy,
        DeadlineKind::ReParoleWindowOpens,
        DeadlineKind::ReentryBarEnds,
        DeadlineKind::RegistrationAt14Due,
        DeadlineKind::RfeResponseDue,
        DeadlineKind::UnlawfulPresence181,
        DeadlineKind::UnlawfulPresence365,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::AddressReportDue => "address_report_due",
            DeadlineKind::AsylumOneYear => "asylum_one_year",
            DeadlineKind::DepartBy => "depart_by",
            DeadlineKind::EadEnds => "ead_ends",
            DeadlineKind::EadRevocationResponseDue => "ead_revocation_response_due",
            DeadlineKind::FeeDue => "fee_due",
            DeadlineKind::I94RecheckBy => "i94_recheck_by",
            DeadlineKind::MedicalAttestationRefreshBy => "medical_attestation_refresh_by",
            DeadlineKind::MotionDue => "motion_due",
            DeadlineKind::NoidResponseDue => "noid_response_due",
            DeadlineKind::ParoleEnds => "parole_ends",
            DeadlineKind::ReParoleFileBy => "re_parole_file_by",
            DeadlineKind::ReParoleWindowOpens => "re_parole_window_opens",
            DeadlineKind::ReentryBarEnds => "reentry_bar_ends",
            DeadlineKind::RegistrationAt14Due => "registration_at_14_due",
            DeadlineKind::RfeResponseDue => "rfe_response_due",
            DeadlineKind::UnlawfulPresence181 => "unlawful_presence_181",
            DeadlineKind::UnlawfulPresence365 => "unlawful_presence_365",
        }
    }

    pub fn parse(text: &str) -> Option<DeadlineKind> {
        DeadlineKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for DeadlineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rules the engine implements. Declared in the order of `rules.md`'s table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RuleId {
    #[serde(rename = "parole.ends")]
    ParoleEnds,
    #[serde(rename = "re_parole.target")]
    ReParoleTarget,
    #[serde(rename = "re_parole.window")]
    ReParoleWindow,
    #[serde(rename = "ead.ends")]
    EadEnds,
    #[serde(rename = "termination.depart_by")]
    DepartBy,
    #[serde(rename = "rfe.response")]
    RfeResponse,
    #[serde(rename = "noid.response")]
    NoidResponse,
    #[serde(rename = "decision.motion")]
    DecisionMotion,
    #[serde(rename = "fee.pay_by")]
    FeePayBy,
    #[serde(rename = "ead.revocation_response")]
    EadRevocationResponse,
    #[serde(rename = "registration.address")]
    AddressReport,
    #[serde(rename = "registration.age14")]
    RegistrationAt14,
    #[serde(rename = "asylum.one_year")]
    AsylumOneYear,
    #[serde(rename = "medical.refresh")]
    MedicalRefresh,
    #[serde(rename = "i94.recheck")]
    I94Recheck,
    #[serde(rename = "presence.bar3")]
    PresenceBar3,
    #[serde(rename = "presence.bar10")]
    PresenceBar10,
    #[serde(rename = "presence.reentry_bar")]
    ReentryBar,
}

/// How a rule moves a due date that is not a business day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Roll {
    /// Stays where it falls (printed dates, the end of parole).
    None,
    /// To the next business day on the federal calendar (legal response deadlines, 8 CFR 1.2).
    Forward,
    /// To the business day before, counting office closures too (internal targets).
    Back,
}

/// What the engine needs of one rule: its kind, the numbers it reads and, for each *why* variant, the
/// facts it can supply.
struct RuleSpec {
    name: &'static str,
    kind: DeadlineKind,
    number: Option<&'static str>,
    variants: &'static [(&'static str, &'static [&'static str])],
}

const COMPUTED: &[&str] = &["on", "served_by", "days", "unrolled", "due", "rolled"];
const COMPUTED_MAIL: &[&str] =
    &["on", "served_by", "days", "mail_days", "total", "unrolled", "due", "rolled"];
const PRINTED: &[&str] = &["on", "served_by", "due"];
const PRESENCE: &[&str] = &["parole_ends", "cause", "start", "day", "due", "birth_date", "birthday_18"];
const RE_PAROLE: &[&str] = &["parole_ends", "lead_days", "target", "due", "rolled"];
const RE_PAROLE_U4U: &[&str] =
    &["parole_ends", "lead_days", "target", "due", "rolled", "window_opens", "window_days"];
const RE_PAROLE_DENIED: &[&str] = &["parole_ends", "lead_days", "target", "due", "rolled", "denied_on"];
const RE_PAROLE_U4U_DENIED: &[&str] =
    &["parole_ends", "lead_days", "target", "due", "rolled", "window_opens", "window_days", "denied_on"];
const ASYLUM: &[&str] = &["arrival", "start", "unrolled", "due", "rolled"];
const REENTRY: &[&str] = &["departed_on", "parole_ends", "start", "counted", "years", "due"];

/// How many rules the engine implements.
pub const RULE_COUNT: usize = 18;

const SPECS: [RuleSpec; RULE_COUNT] = [
    RuleSpec {
        name: "parole.ends",
        kind: DeadlineKind::ParoleEnds,
        number: None,
        variants: &[
            ("expires", &["granted_on", "valid_until", "due"]),
            ("expires_i94", &["granted_on", "valid_until", "updated_on", "due"]),
            ("terminated", &["granted_on", "valid_until", "notice_on", "effective", "due"]),
            ("terminated_assumed", &["granted_on", "valid_until", "notice_on", "effective", "due"]),
            ("departed", &["granted_on", "valid_until", "departed_on", "due"]),
        ],
    },
    RuleSpec {
        name: "re_parole.target",
        kind: DeadlineKind::ReParoleFileBy,
        number: None,
        variants: &[
            ("default", RE_PAROLE),
            ("u4u", RE_PAROLE_U4U),
            ("u4u_window", RE_PAROLE_U4U),
            ("default_denied", RE_PAROLE_DENIED),
            ("u4u_denied", RE_PAROLE_U4U_DENIED),
            ("u4u_window_denied", RE_PAROLE_U4U_DENIED),
        ],
    },
    RuleSpec {
        name: "re_parole.window",
        kind: DeadlineKind::ReParoleWindowOpens,
        number: Some("days"),
        variants: &[("default", &["parole_ends", "days", "due"])],
    },
    RuleSpec {
        name: "ead.ends",
        kind: DeadlineKind::EadEnds,
        number: None,
        variants: &[
            ("card", &["approved_on", "valid_until", "due"]),
            ("capped", &["approved_on", "valid_until", "parole_ends", "due"]),
            ("capped_terminated", &["approved_on", "valid_until", "parole_ends", "due"]),
            ("revoked", &["approved_on", "valid_until", "revoked_on", "due"]),
        ],
    },
    RuleSpec {
        name: "termination.depart_by",
        kind: DeadlineKind::DepartBy,
        number: None,
        variants: &[("default", &["notice_on", "served_by", "due"])],
    },
    RuleSpec {
        name: "rfe.response",
        kind: DeadlineKind::RfeResponseDue,
        number: Some("days"),
        variants: &[("printed", PRINTED), ("computed", COMPUTED), ("computed_mail", COMPUTED_MAIL)],
    },
    RuleSpec {
        name: "noid.response",
        kind: DeadlineKind::NoidResponseDue,
        number: Some("days"),
        variants: &[("printed", PRINTED), ("computed", COMPUTED), ("computed_mail", COMPUTED_MAIL)],
    },
    RuleSpec {
        name: "decision.motion",
        kind: DeadlineKind::MotionDue,
        number: Some("days"),
        variants: &[
            ("computed", COMPUTED),
            ("computed_mail", COMPUTED_MAIL),
            ("re_parole", COMPUTED),
            ("re_parole_mail", COMPUTED_MAIL),
        ],
    },
    RuleSpec {
        name: "fee.pay_by",
        kind: DeadlineKind::FeeDue,
        number: None,
        variants: &[("default", &["notice_on", "due"]), ("with_amount", &["notice_on", "due", "amount"])],
    },
    RuleSpec {
        name: "ead.revocation_response",
        kind: DeadlineKind::EadRevocationResponseDue,
        number: Some("days"),
        variants: &[
            ("printed", &["on", "served_by", "due", "persons"]),
            ("computed", &["on", "served_by", "days", "unrolled", "due", "rolled", "persons"]),
            (
                "computed_mail",
                &["on", "served_by", "days", "mail_days", "total", "unrolled", "due", "rolled", "persons"],
            ),
        ],
    },
    RuleSpec {
        name: "registration.address",
        kind: DeadlineKind::AddressReportDue,
        number: Some("days"),
        variants: &[("default", &["on", "days", "unrolled", "due", "rolled"])],
    },
    RuleSpec {
        name: "registration.age14",
        kind: DeadlineKind::RegistrationAt14Due,
        number: Some("days"),
        variants: &[("default", &["birth_date", "birthday_14", "days", "unrolled", "due", "rolled"])],
    },
    RuleSpec {
        name: "asylum.one_year",
        kind: DeadlineKind::AsylumOneYear,
        number: None,
        variants: &[("default", ASYLUM), ("advisory", ASYLUM)],
    },
    RuleSpec {
        name: "medical.refresh",
        kind: DeadlineKind::MedicalAttestationRefreshBy,
        number: None,
        variants: &[("default", &["attested_on", "days", "target", "due", "rolled"])],
    },
    RuleSpec {
        name: "i94.recheck",
        kind: DeadlineKind::I94RecheckBy,
        number: None,
        variants: &[
            ("granted", &["latest", "days", "target", "due", "rolled"]),
            ("checked", &["latest", "days", "target", "due", "rolled"]),
        ],
    },
    RuleSpec {
        name: "presence.bar3",
        kind: DeadlineKind::UnlawfulPresence181,
        number: Some("day"),
        variants: &[("adult", PRESENCE), ("minor", PRESENCE), ("no_birth_date", PRESENCE)],
    },
    RuleSpec {
        name: "presence.bar10",
        kind: DeadlineKind::UnlawfulPresence365,
        number: Some("day"),
        variants: &[("adult", PRESENCE), ("minor", PRESENCE), ("no_birth_date", PRESENCE)],
    },
    RuleSpec {
        name: "presence.reentry_bar",
        kind: DeadlineKind::ReentryBarEnds,
        number: None,
        variants: &[("bar3", REENTRY), ("bar10", REENTRY)],
    },
];

/// The rules added by `us-parole/2027.1`: a rule set written for 2026.1 may leave them out, and then
/// takes them from the built-in rule set.
const ADDED_IN_2027_1: [RuleId; 6] = [
    RuleId::EadRevocationResponse,
    RuleId::AddressReport,
    RuleId::RegistrationAt14,
    RuleId::AsylumOneYear,
    RuleId::I94Recheck,
    RuleId::ReentryBar,
];

/// The *why* variants `us-parole/2027.1` added to older rules; likewise optional.
const VARIANTS_ADDED_IN_2027_1: [(RuleId, &str); 9] = [
    (RuleId::ParoleEnds, "expires_i94"),
    (RuleId::ParoleEnds, "terminated_assumed"),
    (RuleId::ReParoleTarget, "u4u_window"),
    (RuleId::ReParoleTarget, "default_denied"),
    (RuleId::ReParoleTarget, "u4u_denied"),
    (RuleId::ReParoleTarget, "u4u_window_denied"),
    (RuleId::EadEnds, "revoked"),
    (RuleId::DecisionMotion, "re_parole"),
    (RuleId::DecisionMotion, "re_parole_mail"),
];

const ROLL_NOTE: &[&str] = &["unrolled", "reason", "due"];

impl RuleId {
    pub const ALL: [RuleId; RULE_COUNT] = [
        RuleId::ParoleEnds,
        RuleId::ReParoleTarget,
        RuleId::ReParoleWindow,
        RuleId::EadEnds,
        RuleId::DepartBy,
        RuleId::RfeResponse,
        RuleId::NoidResponse,
        RuleId::DecisionMotion,
        RuleId::FeePayBy,
        RuleId::EadRevocationResponse,
        RuleId::AddressReport,
        RuleId::RegistrationAt14,
        RuleId::AsylumOneYear,
        RuleId::MedicalRefresh,
        RuleId::I94Recheck,
        RuleId::PresenceBar3,
        RuleId::PresenceBar10,
        RuleId::ReentryBar,
    ];

    fn spec(self) -> &'static RuleSpec {
        &SPECS[self as usize]
    }

    /// The rule's id as rule sets and output write it (`parole.ends`).
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// The deadline kind this rule produces.
    pub fn kind(self) -> DeadlineKind {
        self.spec().kind
    }

    pub fn parse(text: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule as loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    pub kind: DeadlineKind,
    pub basis: Basis,
    pub citation: Arc<str>,
    /// A plain sentence saying what the rule does, for people reading the rule set.
    pub summary: String,
    /// The rule's number (`days` or `day`), when it takes one.
    pub number: Option<i64>,
    pub roll: Roll,
    /// Variants whose basis differs from the rule's (`ead.ends` capped by the parole end: practice).
    variant_basis: Vec<(&'static str, Basis)>,
    whys: Vec<(&'static str, Template)>,
    /// The same variants in Spanish, in the same order, each using the placeholders of its English text.
    whys_es: Vec<(&'static str, Template)>,
}

impl Rule {
    /// The rule's number, 0 for rules that take none (validation guarantees the ones that need it).
    pub fn number_or_zero(&self) -> i64 {
        self.number.unwrap_or(0)
    }

    /// The basis of a deadline this rule gives with the *why* `variant`.
    pub fn basis_for(&self, variant: &str) -> Basis {
        self.variant_basis.iter().find(|(v, _)| *v == variant).map_or(self.basis, |(_, b)| *b)
    }

    /// The wording of a *why* variant, filled with `args`.
    pub fn why(&self, variant: &str, args: &[(&'static str, Arg<'_>)]) -> String {
        self.template(variant).map(|t| t.render(args)).unwrap_or_default()
    }

    fn template(&self, variant: &str) -> Option<&Template> {
        self.template_in(Language::En, variant)
    }

    pub(crate) fn template_in(&self, language: Language, variant: &str) -> Option<&Template> {
        let whys = match language {
            Language::En => &self.whys,
            Language::Es => &self.whys_es,
        };
        whys.iter().find(|(v, _)| *v == variant).map(|(_, t)| t)
    }

    /// The facts of a *why* variant that its wording uses, each as the text it prints: what
    /// [`Rule::render_why`] needs to write the same sentence again.
    ///
    /// `neutral` replaces the printed value of a fact whose English text is not language-neutral
    /// (the cause of an end, a roll's note): the store keeps the code, and [`RuleSet::why_in`] says it
    /// in the reader's language.
    pub fn explain(
        &self,
        variant: &str,
        args: &[(&'static str, Arg<'_>)],
        neutral: &[(&'static str, String)],
    ) -> WhyFacts {
        let Some((variant, template)) = self.whys.iter().find(|(v, _)| *v == variant) else {
            return WhyFacts::default();
        };
        let mut facts: Vec<(&'static str, String)> = Vec::with_capacity(args.len());
        for name in template.placeholders() {
            if facts.iter().any(|(n, _)| *n == name) {
                continue;
            }
            if let Some((_, code)) = neutral.iter().find(|(n, _)| *n == name) {
                facts.push((name, code.clone()));
            } else if let Some((_, arg)) = args.iter().find(|(n, _)| *n == name) {
                let mut text = String::new();
                arg.push_to(&mut text);
                facts.push((name, text));
            }
        }
        WhyFacts { variant, facts }
    }

    /// The *why* variants and their texts as written.
    pub fn why_texts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.whys.iter().map(|(v, t)| (*v, t.source()))
    }

    /// The Spanish *why* variants and their texts as written.
    pub fn why_texts_es(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.whys_es.iter().map(|(v, t)| (*v, t.source()))
    }
}

/// A loaded, validated rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    pub id: Arc<str>,
    pub title: String,
    /// Days added to periods that run from a notice served by mail (8 CFR 103.8(b)).
    pub mailing_days: i64,
    rolled_forward: Template,
    rolled_back: Template,
    rolled_forward_es: Template,
    rolled_back_es: Template,
    rules: [Rule; RULE_COUNT],
    coverage: CoverageTexts,
    triage: TriageWeights,
}

/// Why a rule set document was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleSetError {
    #[error("not a valid rule set document: {0}")]
    Toml(String),
    #[error("`id` must name the rule set, e.g. \"us-parole/2027.1\"")]
    MissingId,
    #[error("unknown rule {0:?} (this version of Amparo knows: {known})", known = known_rules())]
    UnknownRule(String),
    #[error("rule {0:?} is defined twice")]
    DuplicateRule(String),
    #[error("rule {0:?} is missing; the engine needs every rule")]
    MissingRule(&'static str),
    #[error("rule {rule:?}: kind must be {expected:?}, found {found:?}")]
    WrongKind { rule: &'static str, expected: &'static str, found: String },
    #[error("rule {rule:?}: `citation` must not be empty")]
    EmptyCitation { rule: &'static str },
    #[error("rule {rule:?}: needs `{field}`, a whole number of days from 1 to 3650")]
    MissingNumber { rule: &'static str, field: &'static str },
    #[error("rule {rule:?}: `{field}` must be a whole number from 1 to 3650, found {found}")]
    BadNumber { rule: &'static str, field: &'static str, found: i64 },
    #[error("rule {rule:?}: takes no `{field}`")]
    UnexpectedNumber { rule: &'static str, field: &'static str },
    #[error("rule {rule:?}: missing why.{variant}")]
    MissingWhy { rule: &'static str, variant: &'static str },
    #[error("rule {rule:?}: unknown {table}.{variant} (expected: {expected})")]
    UnknownWhy { rule: &'static str, table: &'static str, variant: String, expected: String },
    #[error(
        "rule {rule:?}: missing why_es.{variant}, the Spanish wording of why.{variant} (add it under [rule.why_es])"
    )]
    MissingSpanishWhy { rule: &'static str, variant: &'static str },
    #[error(
        "{location}: the Spanish text must use the same placeholders as the English one (English: {english}; Spanish: {spanish})"
    )]
    SpanishPlaceholders { location: String, english: String, spanish: String },
    #[error("{location}: {error}")]
    Template { location: String, error: TemplateError },
    #[error("calendar.mailing_days must be from 0 to 30, found {0}")]
    BadMailingDays(i64),
    #[error("rule {rule:?}: variant_basis.{variant} names no variant of the rule")]
    UnknownVariantBasis { rule: &'static str, variant: String },
    #[error("the rule set needs a [coverage] table with the wording of each person's coverage")]
    MissingCoverage,
    #[error(transparent)]
    Triage(#[from] TriageWeightsError),
}

fn known_rules() -> String {
    RuleId::ALL.map(RuleId::as_str).join(", ")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleSet {
    id: String,
    #[serde(default)]
    title: String,
    calendar: RawCalendar,
    #[serde(rename = "rule")]
    rules: Vec<RawRule>,
    /// Optional: a rule set without it scores with the built-in defaults.
    #[serde(default)]
    triage: TriageWeights,
    /// Optional for a rule set written before 2027.1: without it, the built-in wording.
    #[serde(default)]
    coverage: Option<RawCoverage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    mailing_days: i64,
    rolled_forward: String,
    rolled_back: String,
    rolled_forward_es: String,
    rolled_back_es: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    kind: String,
    basis: Basis,
    citation: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    days: Option<i64>,
    #[serde(default)]
    day: Option<i64>,
    #[serde(default)]
    roll: Option<Roll>,
    /// Variants with another basis than the rule's.
    #[serde(default)]
    variant_basis: BTreeMap<String, Basis>,
    why: BTreeMap<String, String>,
    /// Optional for serde so that a missing table is refused with the rule's name, not TOML's words.
    #[serde(default)]
    why_es: BTreeMap<String, String>,
}

impl RuleSet {
    /// Loads and checks a rule set written in TOML (see `rules/us-parole-2026.1.toml`).
    pub fn from_toml(text: &str) -> Result<RuleSet, RuleSetError> {
        let raw: RawRuleSet = toml::from_str(text).map_err(|e| RuleSetError::Toml(e.to_string()))?;
        if raw.id.trim().is_empty() {
            return Err(RuleSetError::MissingId);
        }
        if !(0..=30).contains(&raw.calendar.mailing_days) {
            return Err(RuleSetError::BadMailingDays(raw.calendar.mailing_days));
        }
        let compile = |location: &str, text: &str| {
            Template::compile(text, ROLL_NOTE)
                .map_err(|error| RuleSetError::Template { location: location.to_owned(), error })
        };
        let rolled_forward = compile("calendar.rolled_forward", &raw.calendar.rolled_forward)?;
        let rolled_back = compile("calendar.rolled_back", &raw.calendar.rolled_back)?;
        let rolled_forward_es = compile("calendar.rolled_forward_es", &raw.calendar.rolled_forward_es)?;
        same_placeholders("calendar.rolled_forward_es", &rolled_forward, &rolled_forward_es)?;
        let rolled_back_es = compile("calendar.rolled_back_es", &raw.calendar.rolled_back_es)?;
        same_placeholders("calendar.rolled_back_es", &rolled_back, &rolled_back_es)?;

        // What a rule set written for an earlier version leaves out comes from the built-in one; the
        // built-in one itself must be complete.
        let fallback = if text == BUILTIN_TOML { None } else { Some(RuleSet::builtin()?) };
        let mut slots: Vec<Option<Rule>> = vec![None; RuleId::ALL.len()];
        for raw_rule in raw.rules {
            let id =
                RuleId::parse(&raw_rule.id).ok_or_else(|| RuleSetError::UnknownRule(raw_rule.id.clone()))?;
            let rule = load_rule(id, raw_rule, fallback.map(|f| f.rule(id)))?;
            let slot = &mut slots[id as usize];
            if slot.is_some() {
                return Err(RuleSetError::DuplicateRule(id.as_str().to_owned()));
            }
            *slot = Some(rule);
        }
        let mut rules = Vec::with_capacity(slots.len());
        for (id, slot) in RuleId::ALL.into_iter().zip(slots) {
            let inherited = || fallback.filter(|_| ADDED_IN_2027_1.contains(&id)).map(|f| f.rule(id).clone());
            rules.push(slot.or_else(inherited).ok_or(RuleSetError::MissingRule(id.as_str()))?);
        }
        let rules: [Rule; RULE_COUNT] =
            rules.try_into().map_err(|_| RuleSetError::Toml("internal: wrong number of rules".to_owned()))?;
        let coverage = match (raw.coverage, fallback) {
            (Some(raw), _) => CoverageTexts::load(raw)?,
            (None, Some(builtin)) => builtin.coverage.clone(),
            (None, None) => return Err(RuleSetError::MissingCoverage),
        };
        raw.triage.validate()?;
        Ok(RuleSet {
            id: raw.id.into(),
            title: raw.title,
            mailing_days: raw.calendar.mailing_days,
            rolled_forward,
            rolled_back,
            rolled_forward_es,
            rolled_back_es,
            rules,
            coverage,
            triage: raw.triage,
        })
    }

    /// The wording of each person's coverage (the `[coverage]` table).
    pub fn coverage_texts(&self) -> &CoverageTexts {
        &self.coverage
    }

    /// The rule set compiled into Amparo (`us-parole/2027.1`), loaded once. It is checked by the test
    /// suite, so an error here means a broken build rather than bad input.
    pub fn builtin() -> Result<&'static RuleSet, RuleSetError> {
        static BUILTIN: OnceLock<Result<RuleSet, RuleSetError>> = OnceLock::new();
        BUILTIN.get_or_init(|| RuleSet::from_toml(BUILTIN_TOML)).as_ref().map_err(Clone::clone)
    }

    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id as usize]
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The points and day counts of triage and the critical-care protocol (the `[triage]` table).
    pub fn triage(&self) -> &TriageWeights {
        &self.triage
    }

    /// The note appended to a *why* when a legal deadline moved forward off a closed day.
    pub fn rolled_forward_note(&self, args: &[(&'static str, Arg<'_>)]) -> String {
        self.rolled_forward.render(args)
    }

    /// The note appended to a *why* when a target moved back off a closed day.
    pub fn rolled_back_note(&self, args: &[(&'static str, Arg<'_>)]) -> String {
        self.rolled_back.render(args)
    }

    /// A deadline's *why* in `language`, written again from its facts.
    pub fn deadline_why(&self, language: Language, deadline: &Deadline) -> String {
        let facts = &deadline.why_facts;
        self.why_in(language, deadline.rule, facts.variant, |name| {
            facts.facts.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
        })
    }

    /// The *why* of `rule`'s `variant` in `language`, written from stored `facts` (name and value as
    /// [`Rule::explain`] kept it). Dates are written the language's way in Spanish (English keeps the
    /// ISO form the rule set's worked examples use); codes (how a notice was served, the cause of an
    /// end, a roll off a closed day) are said in the language. Unknown variants and missing facts
    /// render empty; a value in an older stored form is printed as it was kept.
    pub fn why_in<'a>(
        &self,
        language: Language,
        rule: RuleId,
        variant: &str,
        facts: impl Fn(&str) -> Option<&'a str>,
    ) -> String {
        let mut out = String::new();
        let Some(template) = self.rule(rule).template_in(language, variant) else {
            return out;
        };
        let roll = self.rule(rule).roll;
        template.render_with(&mut out, |name| {
            let value = facts(name)?;
            Some(Arg::Owned(self.fact_in(language, roll, name, value)))
        });
        out
    }

    fn fact_in(&self, language: Language, roll: Roll, name: &str, value: &str) -> String {
        match name {
            "served_by" => ServedBy::parse(value)
                .map_or_else(|| value.to_owned(), |s| words::served_by(language, s).to_owned()),
            "cause" => end_cause(language, value).map_or_else(|| value.to_owned(), str::to_owned),
            "rolled" => self.rolled_note(language, roll, value).unwrap_or_else(|| value.to_owned()),
            _ if value == UNKNOWN_FACT && language == Language::Es => "desconocida".to_owned(),
            _ => date_in(language, value),
        }
    }

    /// The note of a stored roll (`<date> <reason code> <moved to>`, or empty when nothing moved);
    /// `None` for a value in another form (a note stored as text before rolls were kept as codes).
    fn rolled_note(&self, language: Language, roll: Roll, value: &str) -> Option<String> {
        if value.is_empty() {
            return Some(String::new());
        }
        let mut parts = value.split(' ');
        let (unrolled, reason, due) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let (unrolled, due): (Date, Date) = (unrolled.parse().ok()?, due.parse().ok()?);
        let reason = words::non_business_day(language, NonBusinessDay::from_code(reason)?);
        let note = match (roll, language) {
            (Roll::Back, Language::En) => &self.rolled_back,
            (Roll::Back, Language::Es) => &self.rolled_back_es,
            (_, Language::En) => &self.rolled_forward,
            (_, Language::Es) => &self.rolled_forward_es,
        };
        let mut out = String::new();
        note.render_with(&mut out, |name| match name {
            "unrolled" => Some(Arg::Owned(date_in(language, &unrolled.to_string()))),
            "due" => Some(Arg::Owned(date_in(language, &due.to_string()))),
            "reason" => Some(Arg::Owned(reason.clone())),
            _ => None,
        });
        Some(out)
    }
}

/// The value the engine gives a date it does not know (a birth date not recorded).
pub const UNKNOWN_FACT: &str = "unknown";

/// How a parole ended, for the unlawful-presence rules' `{cause}`: stored as `expired` or
/// `terminated`.
pub fn end_cause(language: Language, code: &str) -> Option<&'static str> {
    Some(match (code, language) {
        ("expired", Language::En) => "expired on",
        ("terminated", Language::En) => "was terminated as of",
        ("expired", Language::Es) => "venció el",
        ("terminated", Language::Es) => "fue terminado con efecto a partir del",
        _ => return None,
    })
}

/// A stored fact that is a date, in the language's words (Spanish); anything else as it is.
pub(crate) fn date_in(language: Language, value: &str) -> String {
    match (language, value.parse::<Date>()) {
        (Language::Es, Ok(date)) => words::date_in_words(language, date),
        _ => value.to_owned(),
    }
}

/// Refuses a translation that drops or adds a fact: the same placeholders, in any order.
fn same_placeholders(location: &str, english: &Template, spanish: &Template) -> Result<(), RuleSetError> {
    let set = |t: &Template| t.placeholders().collect::<std::collections::BTreeSet<_>>();
    let (en, es) = (set(english), set(spanish));
    if en == es {
        return Ok(());
    }
    let list = |s: std::collections::BTreeSet<&str>| {
        if s.is_empty() {
            "none".to_owned()
        } else {
            s.into_iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(" ")
        }
    };
    Err(RuleSetError::SpanishPlaceholders {
        location: location.to_owned(),
        english: list(en),
        spanish: list(es),
    })
}

fn load_rule(id: RuleId, raw: RawRule, fallback: Option<&Rule>) -> Result<Rule, RuleSetError> {
    let spec = id.spec();
    let rule = spec.name;
    if raw.kind != spec.kind.as_str() {
        return Err(RuleSetError::WrongKind { rule, expected: spec.kind.as_str(), found: raw.kind });
    }
    if raw.citation.trim().is_empty() {
        return Err(RuleSetError::EmptyCitation { rule });
    }
    let check = |field: &'static str, value: Option<i64>| -> Result<Option<i64>, RuleSetError> {
        match (spec.number == Some(field), value) {
            (true, None) => Err(RuleSetError::MissingNumber { rule, field }),
            (true, Some(n)) if !(1..=3650).contains(&n) => {
                Err(RuleSetError::BadNumber { rule, field, found: n })
            }
            (true, Some(n)) => Ok(Some(n)),
            (false, Some(_)) => Err(RuleSetError::UnexpectedNumber { rule, field }),
            (false, None) => Ok(None),
        }
    };
    let number = check("days", raw.days)?.or(check("day", raw.day)?);
    let expected = || spec.variants.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ");
    for (table, texts) in [("why", &raw.why), ("why_es", &raw.why_es)] {
        if let Some(unknown) = texts.keys().find(|k| !spec.variants.iter().any(|(v, _)| v == k)) {
            return Err(RuleSetError::UnknownWhy {
                rule,
                table,
                variant: unknown.clone(),
                expected: expected(),
            });
        }
    }
    let mut whys = Vec::with_capacity(spec.variants.len());
    let mut whys_es = Vec::with_capacity(spec.variants.len());
    for (variant, params) in spec.variants {
        let inherited = fallback.filter(|_| VARIANTS_ADDED_IN_2027_1.contains(&(id, *variant)));
        let (Some(text), Some(text_es)) = (raw.why.get(*variant), raw.why_es.get(*variant)) else {
            if let Some(rule_before) = inherited
                && !raw.why.contains_key(*variant)
                && !raw.why_es.contains_key(*variant)
                && let (Some(en), Some(es)) = (
                    rule_before.template_in(Language::En, variant),
                    rule_before.template_in(Language::Es, variant),
                )
            {
                whys.push((*variant, en.clone()));
                whys_es.push((*variant, es.clone()));
                continue;
            }
            return Err(if raw.why.contains_key(*variant) {
                RuleSetError::MissingSpanishWhy { rule, variant }
            } else {
                RuleSetError::MissingWhy { rule, variant }
            });
        };
        let template = Template::compile(text, params).map_err(|error| RuleSetError::Template {
            location: format!("rule {rule:?} why.{variant}"),
            error,
        })?;
        let location = format!("rule {rule:?} why_es.{variant}");
        let template_es = Template::compile(text_es, params)
            .map_err(|error| RuleSetError::Template { location: location.clone(), error })?;
        same_placeholders(&location, &template, &template_es)?;
        whys.push((*variant, template));
        whys_es.push((*variant, template_es));
    }
    let mut variant_basis = Vec::with_capacity(raw.variant_basis.len());
    for (variant, basis) in raw.variant_basis {
        let known = spec.variants.iter().find(|(v, _)| *v == variant).map(|(v, _)| *v);
        let Some(known) = known else {
            return Err(RuleSetError::UnknownVariantBasis { rule, variant });
        };
        variant_basis.push((known, basis));
    }
    let default_roll = match id {
        RuleId::ReParoleTarget | RuleId::MedicalRefresh | RuleId::I94Recheck => Roll::Back,
        RuleId::RfeResponse
        | RuleId::NoidResponse
        | RuleId::DecisionMotion
        | RuleId::EadRevocationResponse
        | RuleId::AddressReport
        | RuleId::RegistrationAt14
        | RuleId::AsylumOneYear => Roll::Forward,
        _ => Roll::None,
    };
    Ok(Rule {
        id,
        kind: spec.kind,
        basis: raw.basis,
        citation: raw.citation.into(),
        summary: raw.summary,
        number,
        roll: raw.roll.unwrap_or(default_roll),
        variant_basis,
        whys,
        whys_es,
    })
}
