//! `--policy FILE`: an organisation's settings as one JSON object (`case-file.md`, `amparo
//! deadlines`), for a derivation made outside any database. Keys it leaves out take their defaults;
//! an unknown key, a value of the wrong type or out of its bounds is refused naming the key.

use std::path::Path;

use amparo_domain::Policy;

use crate::error::{CliError, CliResult};

/// The policy in the file at `path`; every refusal starts with `--policy` and the file's name.
pub fn read(path: &Path) -> CliResult<Policy> {
    let refuse = |detail: String| CliError::Invalid(format!("--policy {}: {detail}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| refuse(e.to_string()))?;
    parse(&text).map_err(refuse)
}

/// A policy from its JSON text, or what is wrong with it, naming the key.
fn parse(text: &str) -> Result<Policy, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        format!("not valid JSON at line {}, column {}: {}", e.line(), e.column(), without_position(&e))
    })?;
    // Checked first: serde would otherwise read a list as the settings in their declared order.
    if !json.is_object() {
        return Err(String::from("expected a JSON object of settings, e.g. { \"i94_check_days\": 14 }"));
    }
    let policy: Policy = serde_path_to_error::deserialize(json)
        .map_err(|error| format!("{}: {}", error.path(), error.inner()))?;
    policy.validate().map_err(|e| e.to_string())?;
    Ok(policy)
}

/// serde_json ends its syntax messages with " at line L column C", said before them instead.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).map(str::to_owned).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn keys_left_out_take_their_defaults() {
        let policy = parse(r#"{ "i94_check_days": 14, "closure_days": ["2026-12-24"] }"#).unwrap();
        assert_eq!(policy.i94_check_days, 14);
        assert_eq!(policy.closure_days.len(), 1);
        assert_eq!(policy.re_parole_lead_days, amparo_domain::policy::DEFAULT_RE_PAROLE_LEAD_DAYS);
        assert_eq!(parse("{}").unwrap(), amparo_domain::Policy::default());
    }

    #[test]
    fn every_refusal_names_the_key() {
        let refused = |text: &str| parse(text).unwrap_err();
        assert!(refused(r#"{ "i94_check_day": 14 }"#).starts_with("i94_check_day: unknown field"));
        assert!(
            refused(r#"{ "re_parole_lead_days": "ninety" }"#)
                .starts_with("re_parole_lead_days: invalid type")
        );
        assert!(refused(r#"{ "closure_days": ["2026-02-30"] }"#).starts_with("closure_days[0]: "));
        assert_eq!(refused(r#"{ "i94_check_days": 0 }"#), "i94_check_days must be from 1 to 365, found 0");
        assert!(refused(r#"{ "reminder_days": [400] }"#).starts_with("reminder_days: 400"));
        assert!(refused("[14]").starts_with("expected a JSON object of settings"));
        assert!(refused(r#"{ "i94_check_days": 14 "#).starts_with("not valid JSON at line 1"));
        assert!(refused(r#"{} {}"#).starts_with("not valid JSON at line 1, column 4: trailing characters"));
    }
}
