//! `amparo notice read FILE [--case REF] [--json]`: reads a notice (text, email, PDF, scanned image)
//! and proposes the event it reports, each value beside the words it came from. Nothing is recorded:
//! a person checks the proposal and records the event (the case page's form, or the API).

use std::path::{Path, PathBuf};

use amparo_domain::Person;
use amparo_domain::notice_reading::{Found, Proposal, ReadOptions, read_notice};
use amparo_domain::rules::DeadlineKind;
use clap::Subcommand;

use super::{now, open_store, resolve_org};
use crate::config::Settings;
use crate::error::{CliError, CliResult};
use crate::{DatabaseArgs, OrgArgs};
use amparo_web::notice_text::{TextSource, notice_text};

/// The largest notice file read: a notice is a few pages.
const MAX_NOTICE_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Subcommand)]
pub enum NoticeCommand {
    /// Read a notice and propose the event it reports, for a person to confirm; records nothing.
    Read {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        org: OrgArgs,
        /// The notice: a text or email file, a PDF, or a scanned image (PNG, JPEG, TIFF).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Match the people the notice names to this stored case's people (the read is audited).
        #[arg(long, value_name = "REFERENCE")]
        case: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: NoticeCommand, settings: &Settings) -> CliResult {
    match command {
        NoticeCommand::Read { db, org, file, case, json } => {
            let (text, source) = read_file(&file)?;
            let people = match case {
                Some(reference) => {
                    case_people(settings, &settings.database(db.database), org.org.as_deref(), &reference)?
                }
                None => Vec::new(),
            };
            let rules = super::rules(settings)?;
            let ead_revocation =
                rules.set.rules().iter().any(|r| r.kind == DeadlineKind::EadRevocationResponseDue);
            let proposal = read_notice(&text, &people, ReadOptions { ead_revocation });
            if json { print_json(&proposal, source) } else { print_text(&proposal, source) }
        }
    }
}

fn read_file(path: &Path) -> CliResult<(String, TextSource)> {
    let shown = path.display();
    let size = std::fs::metadata(path).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?.len();
    if size > MAX_NOTICE_BYTES {
        return Err(CliError::Invalid(format!(
            "{shown}: the file is {size} bytes; a notice may be at most {MAX_NOTICE_BYTES}"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))?;
    notice_text(&bytes).map_err(|e| CliError::Invalid(format!("{shown}: {e}")))
}

/// The people of the case with `reference`, read as the operator with the read audited.
fn case_people(
    settings: &Settings,
    database: &str,
    org: Option<&str>,
    reference: &str,
) -> CliResult<Vec<Person>> {
    let store = open_store(settings, database)?;
    let organisation = resolve_org(&store, org)?;
    let missing = || CliError::Invalid(format!("--case: no case with reference {reference:?}"));
    let id = store.case_by_reference(&organisation.id, reference)?.ok_or_else(missing)?.id;
    let stored =
        store.operator_read_case(&organisation.id, &id, "notice read", now())?.ok_or_else(missing)?;
    Ok(stored.file.case.people)
}

fn source_name(source: TextSource) -> &'static str {
    match source {
        TextSource::Text => "text",
        TextSource::PdfText => "the PDF's text layer",
        TextSource::Ocr => "a scanned image, read by Tesseract: check every value against the paper",
    }
}

fn print_json(proposal: &Proposal, source: TextSource) -> CliResult {
    let event: serde_json::Map<String, serde_json::Value> =
        proposal.event_fields().into_iter().map(|(k, v)| (k.to_owned(), v.into())).collect();
    let document = serde_json::json!({
        "read_from": source,
        "proposal": proposal,
        "event": event,
        "recorded": false,
    });
    say!("{}", serde_json::to_string_pretty(&document).map_err(|e| CliError::Failed(e.to_string()))?);
    Ok(())
}

fn line<T: std::fmt::Display>(label: &str, found: &Option<Found<T>>) -> CliResult {
    match found {
        Some(f) => say!("  {label:<15} {:<14} \"{}\"", f.value.to_string(), f.source),
        None => say!("  {label:<15} (missing)"),
    }
    Ok(())
}

fn print_text(p: &Proposal, source: TextSource) -> CliResult {
    say!("Read from {}.", source_name(source));
    match (&p.kind, p.event_type) {
        (Some(kind), Some(event_type)) => say!("Proposed event: {event_type}   \"{}\"", kind.source),
        _ => say!("Proposed event: none: the kind of notice could not be told; record it by hand."),
    }
    line("notice date", &p.notice_date)?;
    let fields = p.event_fields();
    let shown = |name: &str, found: bool| {
        found || p.missing.contains(&name) || fields.iter().any(|(f, _)| *f == name)
    };
    let dates = [
        ("received date", "received_date", &p.received_date),
        ("effective", "effective", &p.effective),
        ("depart by", "depart_by", &p.depart_by),
        ("respond by", "respond_by", &p.respond_by),
        ("valid until", "valid_until", &p.valid_until),
        ("pay by", "pay_by", &p.pay_by),
    ];
    for (label, name, found) in dates {
        if shown(name, found.is_some()) {
            line(label, found)?;
        }
    }
    if shown("receipt_number", p.receipt_number.is_some()) {
        line(
            "receipt number",
            &p.receipt_number.as_ref().map(|f| Found { value: f.value.as_str(), source: f.source.clone() }),
        )?;
    }
    if shown("i94_number", p.i94_number.is_some()) {
        line(
            "I-94 number",
            &p.i94_number.as_ref().map(|f| Found { value: f.value.as_str(), source: f.source.clone() }),
        )?;
    }
    if shown("served_by", p.served_by.is_some()) {
        line(
            "served by",
            &p.served_by.as_ref().map(|f| Found { value: f.value.as_str(), source: f.source.clone() }),
        )?;
    }
    if !p.people.is_empty() {
        say!("People named:");
    }
    for named in &p.people {
        let name = named.name.as_ref().map_or("(no name)", |n| n.value.as_str());
        let number = named.a_number.as_ref().map_or(String::new(), |a| format!(" {}", a.value.as_str()));
        let matched = match (&named.person, named.matched_by) {
            (Some(key), Some(by)) => format!(
                " -> {key} (by {})",
                if by == amparo_domain::notice_reading::MatchedBy::ANumber { "A-number" } else { "name" }
            ),
            _ => String::new(),
        };
        say!("  {name}{number}{matched}");
    }
    if !p.missing.is_empty() {
        say!("Missing (not printed, or not found): {}", p.missing.join(", "));
    }
    say!("Nothing was recorded: check each value against the notice, then record the event.");
    Ok(())
}
