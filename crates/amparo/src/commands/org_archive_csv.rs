//! The two CSV members of an organisation archive, `assignments.csv` and `shares.csv`: RFC 4180
//! (comma-separated, a header row, fields with a comma, quote or line break quoted, lines ending in
//! CRLF), UTF-8 without a byte order mark, times in RFC 3339 UTC. Reading refuses a wrong header, a
//! row of the wrong width and a bad value, naming the member, row and column.

use amparo_store::archive::{ArchivedAssignment, ArchivedShare};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::{CliError, CliResult};

pub const ASSIGNMENTS_HEADER: [&str; 4] = ["case", "role", "user", "assigned_at"];
pub const SHARES_HEADER: [&str; 4] = ["case", "user", "shared_at", "shared_by"];

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn line(out: &mut String, values: &[&str]) {
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, value);
    }
    out.push_str("\r\n");
}

pub fn write_assignments(rows: &[ArchivedAssignment]) -> String {
    let mut out = String::new();
    line(&mut out, &ASSIGNMENTS_HEADER);
    for a in rows {
        line(&mut out, &[&a.case, &a.role, &a.user, &time(a.assigned_at)]);
    }
    out
}

pub fn write_shares(rows: &[ArchivedShare]) -> String {
    let mut out = String::new();
    line(&mut out, &SHARES_HEADER);
    for s in rows {
        line(&mut out, &[&s.case, &s.user, &time(s.shared_at), s.shared_by.as_deref().unwrap_or("")]);
    }
    out
}

/// The records of an RFC 4180 text, each a list of fields.
fn records(member: &str, text: &str) -> CliResult<Vec<Vec<String>>> {
    let bad = |why: &str| CliError::Invalid(format!("{member}: {why}"));
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut started = false;
    while let Some(c) = chars.next() {
        started = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            '"' => return Err(bad(&format!("row {}: a quote inside an unquoted field", records.len() + 1))),
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                started = false;
            }
            other => field.push(other),
        }
    }
    if quoted {
        return Err(bad("a quoted field is not closed"));
    }
    if started {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// The data rows of `text`, after checking its header, each exactly as wide.
fn rows<const N: usize>(member: &str, text: &str, header: [&str; N]) -> CliResult<Vec<[String; N]>> {
    let mut records = records(member, text)?.into_iter();
    let first = records.next().unwrap_or_default();
    if first != header {
        return Err(CliError::Invalid(format!("{member}: the header must be {}", header.join(","))));
    }
    records
        .enumerate()
        .map(|(i, record)| {
            let width = record.len();
            <[String; N]>::try_from(record).map_err(|_| {
                CliError::Invalid(format!("{member}: row {}: {width} fields, expected {N}", i + 2))
            })
        })
        .collect()
}

fn parse_time(member: &str, row: usize, column: &str, text: &str) -> CliResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        CliError::Invalid(format!("{member}: row {row}: {column}: {text:?} is not an RFC 3339 time"))
    })
}

pub fn read_assignments(member: &str, text: &str) -> CliResult<Vec<ArchivedAssignment>> {
    rows(member, text, ASSIGNMENTS_HEADER)?
        .into_iter()
        .enumerate()
        .map(|(i, [case, role, user, at])| {
            let assigned_at = parse_time(member, i + 2, "assigned_at", &at)?;
            Ok(ArchivedAssignment { case, role, user, assigned_at })
        })
        .collect()
}

pub fn read_shares(member: &str, text: &str) -> CliResult<Vec<ArchivedShare>> {
    rows(member, text, SHARES_HEADER)?
        .into_iter()
        .enumerate()
        .map(|(i, [case, user, at, by])| {
            let shared_at = parse_time(member, i + 2, "shared_at", &at)?;
            Ok(ArchivedShare { case, user, shared_at, shared_by: (!by.is_empty()).then_some(by) })
        })
        .collect()
}
