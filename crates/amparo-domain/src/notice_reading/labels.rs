//! Dates found by the words printed before them: `Respond by: May 12, 2025`, `Valid from 05/01/2025
//! to 04/30/2027` (the second date), and the two-line tables of an I-797's header, where a row of
//! labels stands over a row of values and each value is read in its label's column.

use super::Found;
use super::dates::{Printed, find_dates};
use super::kind::find_phrase;
use crate::date::Date;

/// A label and which of the dates after it is the value (0 the first, 1 the second).
#[derive(Clone, Copy, Debug)]
pub struct Label {
    pub phrase: &'static str,
    pub nth: usize,
    /// How many bytes after the label its value may stand.
    pub reach: usize,
}

/// How far after its label a value may stand, as a rule.
const WINDOW: usize = 140;

pub const fn first(phrase: &'static str) -> Label {
    Label { phrase, nth: 0, reach: WINDOW }
}

pub const fn second(phrase: &'static str) -> Label {
    Label { phrase, nth: 1, reach: WINDOW }
}

/// A label too common to reach far: its value follows within a few words (`effective May 1, 2025`).
pub const fn near(phrase: &'static str) -> Label {
    Label { phrase, nth: 0, reach: 24 }
}

/// The first of `labels` (in their order) that has a date after it, with the words it stands in.
/// `flat` is the text in ASCII lower case with line breaks as spaces (see [`super::flatten`]).
pub fn date_after(text: &str, flat: &str, dates: &[Printed], labels: &[Label]) -> Option<Found<Date>> {
    labels.iter().find_map(|label| {
        let mut from = 0;
        while let Some(at) = find_phrase(flat, label.phrase, from) {
            from = at + label.phrase.len();
            if label.phrase.ends_with(':') && !starts_line(text, at) {
                continue;
            }
            if let Some(found) = in_column(text, at, label) {
                return Some(found);
            }
            if heads_a_table(text, at) {
                continue;
            }
            if let Some(found) = inline(text, dates, at, from, label) {
                return Some(found);
            }
        }
        None
    })
}

/// Whether only spaces stand between the start of its line and `at`.
fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at].trim().is_empty()
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The cells of a line: text separated by two spaces or more, or a tab, with their byte ranges.
fn cells(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let line = &text[start..end];
    let mut out = Vec::new();
    let mut cell_start = None;
    let mut spaces = 0;
    for (i, c) in line.char_indices() {
        if c == ' ' || c == '\t' {
            spaces += if c == '\t' { 2 } else { 1 };
            continue;
        }
        match cell_start {
            None => cell_start = Some(i),
            Some(s) if spaces >= 2 => {
                out.push((start + s, start + line[..i].trim_end().len()));
                cell_start = Some(i);
            }
            Some(_) => {}
        }
        spaces = 0;
    }
    if let Some(s) = cell_start {
        out.push((start + s, start + line.trim_end().len()));
    }
    out
}

/// The next line with something on it after the line holding `at`: its start and end.
fn next_line(text: &str, at: usize) -> Option<(usize, usize)> {
    let mut start = line_end(text, at) + 1;
    while start < text.len() {
        let end = line_end(text, start);
        if !text[start..end].trim().is_empty() {
            return Some((start, end));
        }
        start = end + 1;
    }
    None
}

/// The label at `at` heads a column: its line has several cells and no date, and the next line has
/// as many cells.
fn table_at(text: &str, at: usize) -> Option<(usize, (usize, usize))> {
    let (start, end) = (line_start(text, at), line_end(text, at));
    let header = cells(text, start, end);
    if header.len() < 2 || !find_dates(&text[start..end]).is_empty() {
        return None;
    }
    let column = header.iter().position(|(s, e)| (*s..*e).contains(&at))?;
    let (next_start, next_end) = next_line(text, at)?;
    let values = cells(text, next_start, next_end);
    (values.len() == header.len()).then(|| (column, values[column])).map(|(_, v)| (header[column].0, v))
}

fn heads_a_table(text: &str, at: usize) -> bool {
    table_at(text, at).is_some()
}

fn in_column(text: &str, at: usize, label: &Label) -> Option<Found<Date>> {
    let (label_start, (value_start, value_end)) = table_at(text, at)?;
    let printed = find_dates(&text[value_start..value_end]).into_iter().nth(label.nth)?;
    let label_text = text[label_start..].split("  ").next().unwrap_or_default().trim();
    let value_text = &text[value_start..value_end];
    Some(Found::new(printed.date, format!("{label_text} {}", value_text.trim())))
}

/// The `nth` date after the label in the same sentence, within the label's reach and at most one
/// line break (a label over its value) away.
fn inline(text: &str, dates: &[Printed], at: usize, after: usize, label: &Label) -> Option<Found<Date>> {
    let limit = sentence_end(text, after).min(after + label.reach);
    let printed = dates.iter().filter(|d| d.start >= after && d.end <= limit).nth(label.nth)?;
    let source = &text[line_start(text, at)..line_end(text, printed.end)];
    Some(Found::new(printed.date, source.to_owned()))
}

/// Where the sentence that goes on at `from` ends: a full stop before a space (not one that closes
/// an abbreviation such as `U.S.` or `Jan.`), a blank line, or a second line break.
fn sentence_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut breaks = 0;
    for i in from..bytes.len() {
        match bytes[i] {
            b'\n' => {
                breaks += 1;
                if breaks == 2 {
                    return i;
                }
            }
            b'.' if bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()) && !abbreviation(&text[..i]) => {
                return i;
            }
            _ => {}
        }
    }
    bytes.len()
}

/// Whether the word just before a full stop is an abbreviation rather than the end of a sentence.
fn abbreviation(before: &str) -> bool {
    let word = before.rsplit(|c: char| !c.is_alphanumeric() && c != '.').next().unwrap_or_default();
    let word = word.trim_start_matches('.');
    word.len() <= 1
        || word.contains('.')
        || [
            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mr", "ms",
            "mrs", "dr", "no",
        ]
        .contains(&word.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, labels: &[Label]) -> Option<String> {
        date_after(text, &super::super::flatten(text), &find_dates(text), labels).map(|f| f.value.to_string())
    }

    #[test]
    fn a_value_in_its_labels_column() {
        let text = "Received Date    Notice Date     Page\n04/02/2025       04/07/2025      1 of 1\n";
        assert_eq!(read(text, &[first("notice date")]).as_deref(), Some("2025-04-07"));
        assert_eq!(read(text, &[first("received date")]).as_deref(), Some("2025-04-02"));
    }

    #[test]
    fn the_second_date_of_a_range_and_none_past_the_sentence() {
        let text = "Valid from 05/01/2025 to 04/30/2027.";
        assert_eq!(read(text, &[second("valid from")]).as_deref(), Some("2027-04-30"));
        let text = "Your parole will terminate 7 days from the date of this notice. Signed April 10, 2025";
        assert_eq!(read(text, &[first("terminate")]), None);
        let text = "You must depart the U.S. by Jan. 5, 2026.";
        assert_eq!(read(text, &[first("depart the u.s. by")]).as_deref(), Some("2026-01-05"));
    }

    #[test]
    fn a_line_label_only_at_the_start_of_a_line() {
        let text = "Subject: update date: 04/01/2025\nDate: April 3, 2025\n";
        assert_eq!(read(text, &[first("date:")]).as_deref(), Some("2025-04-03"));
    }
}
