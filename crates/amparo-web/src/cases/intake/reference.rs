//! The next case reference offered at intake. Many teams number cases `PREFIX-YYYY-NNN` (a prefix of
//! their own, the year opened, a counter restarting each year); when the organisation's references of
//! the current year follow that pattern, the one after the highest is offered, with the same prefix
//! and at least the same number of digits. Otherwise the form only hints at the pattern.

use crate::ui::i18n::Lang;

/// What the form says under the case group: the next reference (which also fills an empty field),
/// or an example of the pattern when the organisation's references do not follow it.
pub struct Hint {
    pub text: String,
    pub next: Option<String>,
}

impl Hint {
    pub fn new(references: &[String], year: i32, lang: Lang) -> Hint {
        let next = next_reference(references.iter().map(String::as_str), year);
        let text = match &next {
            Some(next) => lang.t1("intake-reference-next", "reference", next.clone()),
            None => lang.t1("intake-reference-format", "example", example(year)),
        };
        Hint { text, next }
    }
}

/// A reference read as `PREFIX-YYYY-NNN`.
#[derive(Debug, PartialEq, Eq)]
struct Numbered<'a> {
    prefix: &'a str,
    year: i32,
    number: u64,
    digits: usize,
}

fn numbered(reference: &str) -> Option<Numbered<'_>> {
    let (rest, number) = reference.trim().rsplit_once('-')?;
    let (prefix, year) = rest.rsplit_once('-')?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if prefix.is_empty() || year.len() != 4 || !all_digits(year) || !all_digits(number) {
        return None;
    }
    Some(Numbered { prefix, year: year.parse().ok()?, number: number.parse().ok()?, digits: number.len() })
}

/// The reference after the highest of `references` numbered in `year` (`PREFIX-YYYY-NNN`); `None`
/// when none of them follows the pattern for that year.
pub fn next_reference<'a>(references: impl IntoIterator<Item = &'a str>, year: i32) -> Option<String> {
    let highest = references
        .into_iter()
        .filter_map(numbered)
        .filter(|n| n.year == year)
        .max_by(|a, b| a.number.cmp(&b.number).then_with(|| a.prefix.cmp(b.prefix)))?;
    let next = highest.number.checked_add(1)?;
    Some(format!("{}-{year}-{next:0width$}", highest.prefix, width = highest.digits.max(3)))
}

/// The example the form gives of the pattern when the organisation's references do not follow it.
pub fn example(year: i32) -> String {
    format!("ABC-{year}-001")
}

/// The text `LIKE` pattern narrowing an organisation's references to those of `year`.
pub fn year_pattern(year: i32) -> String {
    format!("%-{year}-%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_follows_the_highest_of_the_year() {
        let refs = ["LS-2026-009", "LS-2026-010", "LS-2025-120", "LS-2026-002"];
        assert_eq!(next_reference(refs, 2026).as_deref(), Some("LS-2026-011"));
    }

    #[test]
    fn numbers_compare_as_numbers_and_keep_their_width() {
        assert_eq!(next_reference(["A-2026-99", "A-2026-100"], 2026).as_deref(), Some("A-2026-101"));
        assert_eq!(next_reference(["A-2026-0041"], 2026).as_deref(), Some("A-2026-0042"));
        assert_eq!(
            next_reference(["A-2026-7"], 2026).as_deref(),
            Some("A-2026-008"),
            "at least three digits"
        );
        assert_eq!(next_reference(["A-2026-999"], 2026).as_deref(), Some("A-2026-1000"));
    }

    #[test]
    fn a_prefix_may_hold_hyphens() {
        assert_eq!(next_reference(["SF-IMM-2026-014"], 2026).as_deref(), Some("SF-IMM-2026-015"));
    }

    #[test]
    fn nothing_is_offered_without_the_pattern_in_the_current_year() {
        assert_eq!(next_reference(["LS-2025-120"], 2026), None, "a counter restarts each year");
        assert_eq!(next_reference(["A-1", "INT-7", "2026-001", "X-26-001", "X-2026-0a1"], 2026), None);
        assert_eq!(next_reference([], 2026), None);
        assert_eq!(example(2026), "ABC-2026-001");
    }
}
