//! Federal health coverage per person (`rules.md`, Coverage): qualified alien, Cuban/Haitian entrant
//! and federal Medicaid before and from 2026-10-01, each with a *why* in English and Spanish. A
//! function of the file and `today` alone; not a deadline.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::output::{Status, WhyFacts};
use super::ruleset::RuleSetError;
use super::status::{GrantEnd, grant_in_force, grants_of};
use super::template::{Arg, Template};
use crate::case::{Language, Person};
use crate::date::Date;
use crate::event::Event;

/// Federal Medicaid as the rules assess it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FederalMedicaid {
    Eligible,
    /// Federal funds only where the state covers lawfully residing children and pregnant people
    /// (42 U.S.C. 1396b(v)(4)).
    ChildrenAndPregnancyOptionOnly,
    NotEligible,
    /// Another status governs the person; the rules do not assess it.
    NotAssessed,
}

impl FederalMedicaid {
    pub fn as_str(self) -> &'static str {
        match self {
            FederalMedicaid::Eligible => "eligible",
            FederalMedicaid::ChildrenAndPregnancyOptionOnly => "children_and_pregnancy_option_only",
            FederalMedicaid::NotEligible => "not_eligible",
            FederalMedicaid::NotAssessed => "not_assessed",
        }
    }
}

/// One person's coverage, with the *why* and citation behind it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Coverage {
    /// `None` when another status decides and the person is not a Cuban/Haitian entrant.
    pub qualified_alien: Option<bool>,
    pub cuban_haitian_entrant: bool,
    pub federal_medicaid: FederalMedicaid,
    pub why: String,
    pub citation: Arc<str>,
    /// The same *why* as data, for writing it again in another language
    /// ([`CoverageTexts::why_in`]).
    #[serde(skip)]
    pub why_facts: WhyFacts,
}

/// Equal when they say the same; `why_facts` is `why` in another form.
impl PartialEq for Coverage {
    fn eq(&self, other: &Self) -> bool {
        (self.qualified_alien, self.cuban_haitian_entrant, self.federal_medicaid, &self.why, &self.citation)
            == (
                other.qualified_alien,
                other.cuban_haitian_entrant,
                other.federal_medicaid,
                &other.why,
                &other.citation,
            )
    }
}

impl Eq for Coverage {}

/// The day federal Medicaid narrows to three groups (Pub. L. 119-21 §71109).
pub fn coverage_cutoff() -> Date {
    Date::from_ymd(2026, 10, 1).unwrap_or_else(|| Date::from(chrono::NaiveDate::MIN))
}

/// The *why* variants of coverage and the facts each may use; `caveats` follows every one.
const VARIANTS: &[(&str, &[&str])] = &[
    ("other_status_entrant", &["grant_on"]),
    ("other_status", &[]),
    ("not_in_us", &[]),
    ("entrant", &["grant_on"]),
    ("lapsed", &["parole_ends"]),
    ("eligible", &["grant_on", "valid_end", "length", "bar_ends", "cutoff"]),
    ("children_option", &["grant_on", "valid_end", "length", "birthday_21", "cutoff"]),
    ("not_eligible_qualified", &["grant_on", "valid_end", "length", "bar_ends", "cutoff"]),
    ("not_eligible_short", &["grant_on", "valid_end", "length", "cutoff"]),
    ("caveats", &[]),
];

/// The `[coverage]` table of a rule set as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCoverage {
    citation: String,
    why: BTreeMap<String, String>,
    why_es: BTreeMap<String, String>,
}

/// The wording of coverage, loaded and checked like a rule's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageTexts {
    pub citation: Arc<str>,
    whys: Vec<(&'static str, Template, Template)>,
}

impl CoverageTexts {
    pub(crate) fn load(raw: RawCoverage) -> Result<CoverageTexts, RuleSetError> {
        const RULE: &str = "coverage.medicaid";
        if raw.citation.trim().is_empty() {
            return Err(RuleSetError::EmptyCitation { rule: RULE });
        }
        let expected = || VARIANTS.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ");
        for (table, texts) in [("why", &raw.why), ("why_es", &raw.why_es)] {
            if let Some(unknown) = texts.keys().find(|k| !VARIANTS.iter().any(|(v, _)| v == k)) {
                let variant = unknown.clone();
                return Err(RuleSetError::UnknownWhy { rule: RULE, table, variant, expected: expected() });
            }
        }
        let mut whys = Vec::with_capacity(VARIANTS.len());
        for (variant, params) in VARIANTS {
            let compile = |table: &str, text: Option<&String>| {
                let text = text.ok_or(if table == "why" {
                    RuleSetError::MissingWhy { rule: RULE, variant }
                } else {
                    RuleSetError::MissingSpanishWhy { rule: RULE, variant }
                })?;
                Template::compile(text, params).map_err(|error| RuleSetError::Template {
                    location: format!("coverage {table}.{variant}"),
                    error,
                })
            };
            let en = compile("why", raw.why.get(*variant))?;
            let es = compile("why_es", raw.why_es.get(*variant))?;
            let set = |t: &Template| t.placeholders().collect::<std::collections::BTreeSet<_>>();
            if set(&en) != set(&es) {
                let list = |t: &Template| t.placeholders().collect::<Vec<_>>().join(" ");
                return Err(RuleSetError::SpanishPlaceholders {
                    location: format!("coverage why_es.{variant}"),
                    english: list(&en),
                    spanish: list(&es),
                });
            }
            whys.push((*variant, en, es));
        }
        Ok(CoverageTexts { citation: raw.citation.into(), whys })
    }

    /// The *why* of a coverage in `language`, written from its facts: the variant's sentence, then
    /// the caveats every coverage carries.
    pub fn why_in(&self, language: Language, facts: &WhyFacts) -> String {
        let mut out = String::new();
        for variant in [facts.variant, "caveats"] {
            let Some((_, en, es)) = self.whys.iter().find(|(v, _, _)| *v == variant) else { continue };
            let template = if language == Language::Es { es } else { en };
            if !out.is_empty() {
                out.push(' ');
            }
            template.render_with(&mut out, |name| {
                let value = facts.facts.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())?;
                Some(Arg::Owned(super::ruleset::date_in(language, value)))
            });
        }
        out
    }

    fn explain(&self, variant: &'static str, args: &[(&'static str, Arg<'_>)]) -> (String, WhyFacts) {
        let mut facts = Vec::with_capacity(args.len());
        for (name, arg) in args {
            let mut text = String::new();
            arg.push_to(&mut text);
            facts.push((*name, text));
        }
        let facts = WhyFacts { variant, facts };
        (self.why_in(Language::En, &facts), facts)
    }
}

/// What coverage reads of one person.
pub(crate) struct CoverageInput<'a, 'b> {
    pub person: &'b Person,
    pub live: &'b [&'a Event],
    pub status: Status,
    pub current: Option<&'b GrantEnd<'a>>,
    pub today: Date,
}

/// The length of a grant, both ends included.
fn length(on: Date, valid_end: Date) -> i64 {
    on.days_until(valid_end) + 1
}

/// One person's coverage as of `today` (`rules.md`, Coverage).
pub(crate) fn coverage_of(texts: &CoverageTexts, input: &CoverageInput<'_, '_>) -> Coverage {
    let CoverageInput { person, live, status, current, today } = *input;
    let key = person.key.as_str();
    let grants = grants_of(live, key, current);
    let first_grant = grants.iter().filter(|(g, _)| g.on <= today).map(|(g, _)| g.on).min();
    let citizenship = person.citizenship.as_ref().map(|c| c.as_str());
    let entrant = matches!(citizenship, Some("CU" | "HT")) && first_grant.is_some();
    let in_force = match (status, current) {
        (Status::Paroled, Some(current)) => grant_in_force(live, key, today, current),
        _ => None,
    };
    let long_grant = in_force.is_some_and(|(g, until)| length(g.on, until) >= 365);
    let qualified_alien = match status {
        Status::OtherStatus => entrant.then_some(true),
        Status::Paroled => Some(entrant || long_grant),
        _ => Some(entrant),
    };
    let cutoff = coverage_cutoff();
    // The 5-year bar runs from the earliest grant that lasts a year or more.
    let bar_ends = grants
        .iter()
        .filter(|(g, until)| length(g.on, *until) >= 365)
        .map(|(g, _)| g.on)
        .min()
        .map(|on| on.add_years(5));
    let birthday_21 = person.birth_date.map(|b| b.add_years(21));
    let under_21 = birthday_21.is_some_and(|b| today < b);
    let grant_on = Arg::Date(first_grant.unwrap_or(today));
    let (medicaid, variant, args): (FederalMedicaid, &'static str, Vec<(&'static str, Arg<'_>)>) =
        match status {
            Status::OtherStatus if entrant => {
                (FederalMedicaid::Eligible, "other_status_entrant", vec![("grant_on", grant_on)])
            }
            Status::OtherStatus => (FederalMedicaid::NotAssessed, "other_status", vec![]),
            Status::Departed | Status::Requested | Status::None => {
                (FederalMedicaid::NotEligible, "not_in_us", vec![])
            }
            _ if entrant => (FederalMedicaid::Eligible, "entrant", vec![("grant_on", grant_on)]),
            Status::Expired | Status::Terminated => {
                let ends = current.map_or(today, |c| c.end);
                (FederalMedicaid::NotEligible, "lapsed", vec![("parole_ends", Arg::Date(ends))])
            }
            Status::Paroled => {
                let (on, until) = in_force.map_or((today, today), |(g, until)| (g.on, until));
                let mut args = vec![
                    ("grant_on", Arg::Date(on)),
                    ("valid_end", Arg::Date(until)),
                    ("length", Arg::Int(length(on, until))),
                    ("cutoff", Arg::Date(cutoff)),
                ];
                let bar_ended = bar_ends.is_some_and(|end| today >= end);
                if today < cutoff && qualified_alien == Some(true) && bar_ended {
                    args.push(("bar_ends", Arg::Date(bar_ends.unwrap_or(today))));
                    (FederalMedicaid::Eligible, "eligible", args)
                } else if under_21 {
                    args.push(("birthday_21", Arg::Date(birthday_21.unwrap_or(today))));
                    (FederalMedicaid::ChildrenAndPregnancyOptionOnly, "children_option", args)
                } else if long_grant {
                    // Qualified, but the bar has not ended or the cutoff has passed.
                    let bar = bar_ends.unwrap_or(on.add_years(5));
                    args.push(("bar_ends", Arg::Date(bar)));
                    (FederalMedicaid::NotEligible, "not_eligible_qualified", args)
                } else {
                    (FederalMedicaid::NotEligible, "not_eligible_short", args)
                }
            }
        };
    let (why, why_facts) = texts.explain(variant, &args);
    Coverage {
        qualified_alien,
        cuban_haitian_entrant: entrant,
        federal_medicaid: medicaid,
        why,
        citation: texts.citation.clone(),
        why_facts,
    }
}
