//! `amparo deadlines --case-file FILE`: every status and deadline the rules derive for one case file.

use std::path::Path;

use amparo_domain::{CaseFile, Date, Policy, RuleSet, derive, render_text};

use super::now;
use crate::error::{CliError, CliResult};

/// The built-in rule set, or the operator's file when `--rules` names one.
pub fn rule_set(path: Option<&Path>) -> CliResult<RuleSet> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Invalid(format!("--rules {}: {e}", path.display())))?;
            RuleSet::from_toml(&text)
                .map_err(|e| CliError::Invalid(format!("--rules {}: {e}", path.display())))
        }
        None => RuleSet::builtin().cloned().map_err(|e| CliError::Failed(format!("built-in rule set: {e}"))),
    }
}

pub fn run(case_file: &Path, today: Option<&str>, json: bool, rules: Option<&Path>) -> CliResult {
    let today = match today {
        Some(text) => text.parse::<Date>().map_err(|e| CliError::Invalid(format!("--today: {e}")))?,
        None => Date::from(now().date_naive()),
    };
    let shown = case_file.display();
    let text = std::fs::read_to_string(case_file).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?;
    let (file, warnings) = CaseFile::parse(&text).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?;
    for warning in warnings {
        eprintln!("warning: {shown}: {warning}");
    }
    let rules = rule_set(rules)?;
    let derivation = derive(&file, today, &Policy::default(), &rules);
    if json {
        println!("{}", derivation.to_json());
    } else {
        print!("{}", render_text(&derivation));
    }
    Ok(())
}
