//! What a derivation produces: each person's status and every deadline, in the shape of
//! `amparo deadlines --json`, and the plain-text table the terminal shows.

use std::fmt::Write;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::coverage::Coverage;
use super::ruleset::{Basis, DeadlineKind, RuleId};
use crate::case::PersonKey;
use crate::date::Date;

/// A person's parole status as of the derivation's `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A grant covers today.
    Paroled,
    /// No grant in force or yet begun, and a parole request is on file.
    Requested,
    /// Parole ended early by a termination notice, and that end is past.
    Terminated,
    /// The grant's period (or the earlier end it was cut to) is past, not by termination.
    Expired,
    /// The person left the United States after their current grant began (or, with no grant, at all).
    Departed,
    /// Nothing on file gives a status: no request, no grant that has begun.
    None,
    /// Another immigration status was granted; parole no longer governs the person.
    OtherStatus,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Paroled,
        Status::Requested,
        Status::Terminated,
        Status::Expired,
        Status::Departed,
        Status::None,
        Status::OtherStatus,
    ];

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Paroled => "paroled",
            Status::Requested => "requested",
            Status::Terminated => "terminated",
            Status::Expired => "expired",
            Status::Departed => "departed",
            Status::None => "none",
            Status::OtherStatus => "other_status",
        }
    }
}

/// One person's line of the output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonStatus {
    pub person: PersonKey,
    pub status: Status,
    /// The end of their current grant, `None` without one or once another status governs them.
    pub parole_ends: Option<Date>,
    /// Their federal health coverage as of `today`.
    pub coverage: Coverage,
}

/// One deadline with everything needed to trust it or check it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// `None` for deadlines of the whole case (responses to notices, fees, medical refresh).
    pub person: Option<PersonKey>,
    pub due: Date,
    /// The first day of the window this deadline belongs to, when there is one (U4U re-parole).
    pub window_opens: Option<Date>,
    /// Shown, but never an overdue alarm (the asylum one-year date passed while parole may excuse
    /// it): dashboards, boards, triage scores and reminders skip it.
    #[serde(default)]
    pub advisory: bool,
    pub rule: RuleId,
    pub basis: Basis,
    pub citation: Arc<str>,
    pub why: String,
    /// The same *why* as data: what the store keeps, rendered again, in either language, with [`RuleSet::why_in`](super::RuleSet::why_in).
    #[serde(skip)]
    pub why_facts: WhyFacts,
}

/// Two deadlines are equal when they say the same: `why_facts` is `why` in another form, and is not
/// part of the JSON (a deadline read back from it has none).
impl PartialEq for Deadline {
    fn eq(&self, other: &Self) -> bool {
        (
            self.kind,
            &self.person,
            self.due,
            self.window_opens,
            self.advisory,
            self.rule,
            self.basis,
            &self.citation,
            &self.why,
        ) == (
            other.kind,
            &other.person,
            other.due,
            other.window_opens,
            other.advisory,
            other.rule,
            other.basis,
            &other.citation,
            &other.why,
        )
    }
}

impl Eq for Deadline {}

/// A *why* as data: the variant of the rule's explanation and the facts its wording uses, each as the
/// text it prints. Rendering it with the rule that made it gives the deadline's `why` again, so a store
/// can keep these few facts instead of the sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WhyFacts {
    pub variant: &'static str,
    pub facts: Vec<(&'static str, String)>,
}

/// Statuses and deadlines of one case as of one day, under one rule set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derivation {
    pub rule_set: Arc<str>,
    pub today: Date,
    pub people: Vec<PersonStatus>,
    /// Sorted by due date, then kind, then person (case-wide first).
    pub deadlines: Vec<Deadline>,
    /// The earliest parole end among the people who are `paroled`; `None` when none of them is.
    pub covered_until: Option<Date>,
}

/// Shown under every table of computed dates.
pub const NOT_LEGAL_ADVICE: &str = "Computed dates are not legal advice: check every date against the notices and with counsel before relying on it.";

impl Derivation {
    /// The first deadline due on or after `today`.
    pub fn next_deadline(&self, today: Date) -> Option<&Deadline> {
        self.deadlines.iter().find(|d| d.due >= today)
    }

    /// The deadlines that can raise an alarm: every one but the advisory ones.
    pub fn alarms(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines.iter().filter(|d| !d.advisory)
    }

    /// Deadlines due from `from` to `to`, both included.
    pub fn due_between(&self, from: Date, to: Date) -> impl Iterator<Item = &Deadline> {
        self.deadlines.iter().filter(move |d| d.due >= from && d.due <= to)
    }

    /// The status line of one person.
    pub fn person(&self, key: &str) -> Option<&PersonStatus> {
        self.people.iter().find(|p| p.person == key)
    }

    /// The JSON of `amparo deadlines --json`.
    pub fn to_json(&self) -> String {
        // Serialising plain data into a String cannot fail; an empty object beats a panic.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// A plain-text rendering for the terminal: the people, then one block per deadline, then the notice
/// that computed dates are not legal advice.
pub fn render_text(derivation: &Derivation) -> String {
    let mut out = String::with_capacity(256 + 256 * derivation.deadlines.len());
    let _ = writeln!(out, "Rule set {}, as of {}", derivation.rule_set, derivation.today);
    if let Some(covered) = derivation.covered_until {
        let _ = writeln!(out, "Case covered until {covered}");
    }
    out.push('\n');
    let person_width = derivation.people.iter().map(|p| p.person.len()).max().unwrap_or(0).max(6);
    let _ = writeln!(out, "{:<person_width$}  {:<10}  PAROLE ENDS", "PERSON", "STATUS");
    for person in &derivation.people {
        let ends = person.parole_ends.map(|d| d.to_string()).unwrap_or_else(|| "-".to_owned());
        let _ = writeln!(out, "{:<person_width$}  {:<10}  {ends}", person.person, person.status.as_str());
    }
    out.push('\n');
    if derivation.deadlines.is_empty() {
        out.push_str("No deadlines.\n");
    } else {
        let who_width = derivation
            .deadlines
            .iter()
            .map(|d| d.person.as_deref().map_or(4, str::len))
            .max()
            .unwrap_or(4)
            .max(6);
        let kind_width = derivation.deadlines.iter().map(|d| d.kind.as_str().len()).max().unwrap_or(4);
        let _ = writeln!(
            out,
            "{:<10}  {:<kind_width$}  {:<who_width$}  {:<8}  RULE",
            "DUE", "DEADLINE", "PERSON", "BASIS"
        );
        for deadline in &derivation.deadlines {
            let marker = match (deadline.due < derivation.today, deadline.advisory) {
                (true, true) => " (past, advisory)",
                (true, false) => " (past)",
                (false, true) => " (advisory)",
                (false, false) => "",
            };
            let _ = writeln!(
                out,
                "{}  {:<kind_width$}  {:<who_width$}  {:<8}  {}{marker}",
                deadline.due,
                deadline.kind.as_str(),
                deadline.person.as_deref().unwrap_or("case"),
                deadline.basis.as_str(),
                deadline.rule,
            );
            if let Some(opens) = deadline.window_opens {
                let _ = writeln!(out, "            window opens {opens}");
            }
            let _ = writeln!(out, "            why: {}", deadline.why);
            let _ = writeln!(out, "            citation: {}", deadline.citation);
        }
    }
    out.push('\n');
    out.push_str(NOT_LEGAL_ADVICE);
    out.push('\n');
    out
}
