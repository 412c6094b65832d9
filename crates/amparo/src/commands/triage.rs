//! `amparo triage`: the board of open cases, most urgent first, with the reasons in words.

use amparo_domain::{Date, Language, Program};
use amparo_store::BoardFilter;

use super::{now, open_store, resolve_org};
use crate::config::Settings;
use crate::error::{CliError, CliResult};

pub struct TriageOptions {
    pub critical: bool,
    pub program: Option<String>,
    pub due_within: Option<u32>,
    pub assigned_to: Option<String>,
    pub limit: i64,
    pub language: String,
    pub today: Option<String>,
    pub json: bool,
}

pub fn run(settings: &Settings, database: &str, org: Option<&str>, options: &TriageOptions) -> CliResult {
    // Checked before the database is opened; without one, today is the organisation's day.
    let given = options
        .today
        .as_deref()
        .map(|text| text.parse::<Date>().map_err(|e| CliError::Invalid(format!("--today: {e}"))))
        .transpose()?;
    let program = options
        .program
        .as_deref()
        .map(|p| {
            Program::parse(p).ok_or_else(|| CliError::Invalid(format!("--program: unknown programme {p:?}")))
        })
        .transpose()?;
    let language = Language::parse(&options.language)
        .ok_or_else(|| CliError::Invalid(format!("--language: {:?} is not en or es", options.language)))?;
    if !(1..=10_000).contains(&options.limit) {
        return Err(CliError::Invalid("--limit: between 1 and 10000".into()));
    }
    let store = open_store(settings, database)?;
    let organisation = resolve_org(&store, org)?;
    let today = match given {
        Some(day) => day,
        None => store.today_for(&organisation.id, now())?,
    };
    let assigned_to = match &options.assigned_to {
        Some(email) => {
            let email = super::admin::normalise_email(email)?;
            let user = store
                .credentials_by_email(&email)?
                .map(|c| c.user)
                .filter(|u| u.org_id == organisation.id)
                .ok_or_else(|| {
                    CliError::Invalid(format!("--assigned-to: no user {email} in {}", organisation.slug))
                })?;
            Some(user.id)
        }
        None => None,
    };
    // The board reads stored scores; bring cases derived before today up to date first.
    store.refresh_derived(&organisation.id, today, now())?;
    let filter = BoardFilter {
        critical_only: options.critical,
        assigned_to,
        shared_with: None,
        program,
        due_by: options.due_within.map(|days| today.add_days(i64::from(days))),
        offset: 0,
        limit: options.limit,
        count_up_to: None,
        today: Some(today),
    };
    let board = store.board(&organisation.id, &filter)?;
    if options.json {
        let document = serde_json::json!({ "today": today, "total": board.total, "cases": board.entries });
        say!("{}", serde_json::to_string_pretty(&document).map_err(|e| CliError::Failed(e.to_string()))?);
        return Ok(());
    }
    say!(
        "Triage board of {} as of {today}: {} open cases{}",
        organisation.slug,
        board.total,
        if board.entries.len() < board.total as usize {
            format!(", showing {}", board.entries.len())
        } else {
            String::new()
        }
    );
    say!();
    say!(
        "{:>4}  {:>5}  {:<14}  {:<24}  {:<8}  {:<34}  ESCALATIONS",
        "#",
        "SCORE",
        "CASE",
        "PATIENT",
        "CRITICAL",
        "NEXT DEADLINE"
    );
    for (rank, entry) in board.entries.iter().enumerate() {
        let next = match (&entry.next_due, &entry.next_kind) {
            (Some(due), Some(kind)) => format!("{due} {kind}"),
            _ => String::from("—"),
        };
        say!(
            "{:>4}  {:>5}  {:<14}  {:<24}  {:<8}  {:<34}  {}",
            rank + 1,
            entry.score,
            entry.reference,
            entry.patient_name,
            if entry.critical_care { "yes" } else { "" },
            next,
            entry.open_escalations
        );
        let reasons: Vec<&str> = entry
            .reasons
            .iter()
            .map(|r| if language == Language::Es { r.text_es.as_str() } else { r.text_en.as_str() })
            .collect();
        if !reasons.is_empty() {
            say!("        {}", reasons.join("; "));
        }
    }
    Ok(())
}
