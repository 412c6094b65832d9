//! The dates printed in a notice, wherever they stand: `April 10, 2025`, `10 Apr 2025`, `2025 April
//! 10` (CBP's I-94 record), `04/10/2025` (month first, as US agencies print) and `2025-04-10`. A
//! shape that is not one of these, or names no real day, is no date: nothing is guessed.

use crate::date::Date;

/// One date found in the text, with the byte range of its words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Printed {
    pub start: usize,
    pub end: usize,
    pub date: Date,
}

/// A word of the text: a run of letters, digits, `/` and `-`, with its byte range.
#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    let is_word = |c: char| c.is_alphanumeric() || c == '/' || c == '-';
    for (i, c) in text.char_indices() {
        match (start, is_word(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(Token { start: s, end: i, text: &text[s..i] });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Token { start: s, end: text.len(), text: &text[s..] });
    }
    out
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month a word names, in full or by its first three letters (`Sept` too).
fn month(word: &str) -> Option<u32> {
    let lower = word.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == lower || (lower.len() >= 3 && lower.len() <= 4 && m.starts_with(&lower)))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A day of the month written as digits, with an ordinal suffix allowed (`1st`, `22nd`).
fn day(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !(1..=2).contains(&digits.len()) || !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok()
}

fn year(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit())).then(|| word.parse().ok()).flatten()
}

/// `04/10/2025` (month first) or `2025-04-10`.
fn numeric(word: &str) -> Option<Date> {
    let parts: Vec<&str> = word.split('/').collect();
    if let [m, d, y] = parts.as_slice() {
        let short = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
        if short(m) && short(d) {
            return Date::from_ymd(year(y)?, m.parse().ok()?, d.parse().ok()?);
        }
        return None;
    }
    let parts: Vec<&str> = word.split('-').collect();
    if let [y, m, d] = parts.as_slice()
        && m.len() == 2
        && d.len() == 2
        && m.bytes().chain(d.bytes()).all(|b| b.is_ascii_digit())
    {
        return Date::from_ymd(year(y)?, m.parse().ok()?, d.parse().ok()?);
    }
    None
}

/// Whether only spaces, a comma or a full stop stand between two words of one date.
fn joined(text: &str, left: &Token, right: &Token) -> bool {
    let gap = &text[left.end..right.start];
    gap.chars().all(|c| c == ' ' || c == ',' || c == '.') && gap.len() <= 3 && !gap.is_empty()
}

/// Every date printed in `text`, in order.
pub fn find_dates(text: &str) -> Vec<Printed> {
    let words = tokens(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = |k: usize| words.get(i + k);
        let three = |a: &Token, b: &Token, c: &Token| joined(text, a, b) && joined(text, b, c);
        let mut hit = None;
        if let Some(date) = numeric(words[i].text) {
            hit = Some((1, date));
        } else if let (Some(a), Some(b), Some(c)) = (w(0), w(1), w(2))
            && three(a, b, c)
        {
            // Month day, year | day Month year | year Month day
            hit = month(a.text)
                .zip(day(b.text))
                .zip(year(c.text))
                .and_then(|((m, d), y)| Date::from_ymd(y, m, d))
                .or_else(|| {
                    day(a.text)
                        .zip(month(b.text))
                        .zip(year(c.text))
                        .and_then(|((d, m), y)| Date::from_ymd(y, m, d))
                })
                .or_else(|| {
                    year(a.text)
                        .zip(month(b.text))
                        .zip(day(c.text))
                        .and_then(|((y, m), d)| Date::from_ymd(y, m, d))
                })
                .map(|date| (3, date));
        }
        match hit {
            Some((len, date)) => {
                found.push(Printed { start: words[i].start, end: words[i + len - 1].end, date });
                i += len;
            }
            None => i += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> Vec<String> {
        find_dates(text).into_iter().map(|p| p.date.to_string()).collect()
    }

    #[test]
    fn reads_the_shapes_agencies_print() {
        assert_eq!(dates("Notice Date: April 10, 2025"), ["2025-04-10"]);
        assert_eq!(dates("Date: Thu, 10 Apr 2025 20:14:03 -0400"), ["2025-04-10"]);
        assert_eq!(dates("Most Recent Date of Entry: 2023 March 14"), ["2023-03-14"]);
        assert_eq!(dates("Admit Until Date: 03/13/2025 and 2026-01-02"), ["2025-03-13", "2026-01-02"]);
        assert_eq!(dates("on or before Sept. 3rd, 2025."), ["2025-09-03"]);
    }

    #[test]
    fn guesses_nothing() {
        assert!(dates("13/04/2025").is_empty());
        assert!(dates("February 30, 2025").is_empty());
        assert!(dates("within 30 days of April 2025").is_empty());
        assert!(dates("4/10/25").is_empty());
    }
}
