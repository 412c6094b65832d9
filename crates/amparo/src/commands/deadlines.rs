//! `amparo deadlines --case-file FILE [--policy FILE]`: every status and deadline the rules derive for
//! one case file, under the organisation settings given; `--due-within`: those due soon in the store.

use std::path::Path;

use amparo_domain::rules::DeadlineKind;
use amparo_domain::{CaseFile, Date, Language, RuleSet, derive, render_text};
use amparo_store::DeadlineQuery;

use super::{now, open_store, resolve_org};
use crate::config::Settings;
use crate::error::{CliError, CliResult};

/// The built-in rule set, or the operator's file when `--rules` names one.
pub fn rule_set(settings: &Settings, path: Option<&Path>) -> CliResult<RuleSet> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Invalid(format!("--rules {}: {e}", path.display())))?;
            RuleSet::from_toml(&text)
                .map_err(|e| CliError::Invalid(format!("--rules {}: {e}", path.display())))
        }
        None => Ok(super::rules(settings)?.set.as_ref().clone()),
    }
}

fn parse_today(today: Option<&str>) -> CliResult<Date> {
    match today {
        Some(text) => text.parse::<Date>().map_err(|e| CliError::Invalid(format!("--today: {e}"))),
        None => Ok(Date::from(now().date_naive())),
    }
}

/// `--language`: the language each *why* is written in.
pub fn parse_language(text: &str) -> CliResult<Language> {
    Language::parse(text).ok_or_else(|| CliError::Invalid(format!("--language: {text:?} is not en or es")))
}

pub struct DueQuery {
    pub days: u32,
    pub kind: Option<String>,
    pub today: Option<String>,
    pub json: bool,
    pub language: Language,
}

/// How `--case-file` prints: a table or JSON, each *why* in `language`.
pub struct Output {
    pub json: bool,
    pub language: Language,
}

/// What `--case-file` derives under besides the file: the rule set (`--rules`, else the built-in)
/// and the organisation's settings (`--policy`, else the defaults).
pub struct Under<'a> {
    pub rules: Option<&'a Path>,
    pub policy: Option<&'a Path>,
}

/// Deadlines due soon across the organisation's stored cases. Cases derived before `today` are
/// brought up to date first, so that deadlines that appear with the passing days are included.
pub fn due_within(settings: &Settings, database: &str, org: Option<&str>, query: &DueQuery) -> CliResult {
    // Checked before the database is opened; without one, today is the organisation's day.
    let given = query.today.as_deref().map(|text| parse_today(Some(text))).transpose()?;
    if let Some(kind) = &query.kind
        && DeadlineKind::parse(kind).is_none()
    {
        return Err(CliError::Invalid(format!("--kind: unknown deadline kind {kind:?}")));
    }
    let store = open_store(settings, database)?;
    let organisation = resolve_org(&store, org)?;
    let today = match given {
        Some(day) => day,
        None => store.today_for(&organisation.id, now())?,
    };
    store.refresh_derived(&organisation.id, today, now())?;
    let to = today.add_days(i64::from(query.days));
    let window = DeadlineQuery { from: today, to, kind: query.kind.clone() };
    let due = store.deadlines_due_in(&organisation.id, &window, query.language)?;
    if query.json {
        let document = serde_json::json!({ "today": today, "to": to, "deadlines": due });
        say!("{}", serde_json::to_string_pretty(&document).map_err(|e| CliError::Failed(e.to_string()))?);
        return Ok(());
    }
    say!("Deadlines due {today} to {to} in {} ({} found)", organisation.slug, due.len());
    if !due.is_empty() {
        say!();
        say!("{:<10}  {:<30}  {:<16}  {:<6}  BASIS", "DUE", "DEADLINE", "CASE", "PERSON");
    }
    for d in &due {
        let person = d.person.as_deref().unwrap_or("case");
        let advisory = if d.advisory { " (advisory)" } else { "" };
        say!("{:<10}  {:<30}  {:<16}  {:<6}  {}{advisory}", d.due, d.kind, d.reference, person, d.basis);
        say!("            why: {}", d.why);
    }
    say!();
    say!("{}", amparo_domain::rules::NOT_LEGAL_ADVICE);
    Ok(())
}

pub fn run(
    settings: &Settings,
    case_file: &Path,
    today: Option<&str>,
    output: Output,
    under: Under,
) -> CliResult {
    let today = parse_today(today)?;
    let shown = case_file.display();
    let text = std::fs::read_to_string(case_file).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?;
    let (file, warnings) = CaseFile::parse(&text).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?;
    for warning in warnings {
        eprintln!("warning: {shown}: {warning}");
    }
    let rules = rule_set(settings, under.rules)?;
    let policy = under.policy.map(super::policy_file::read).transpose()?.unwrap_or_default();
    let mut derivation = derive(&file, today, &policy, &rules);
    if output.language != Language::En {
        for deadline in &mut derivation.deadlines {
            deadline.why = rules.deadline_why(output.language, deadline);
        }
    }
    if output.json {
        say!("{}", derivation.to_json());
    } else {
        print!("{}", render_text(&derivation));
    }
    Ok(())
}
