//! The numbers a notice prints: USCIS receipt numbers, I-94 admission record numbers and A-numbers,
//! each read only in a shape its agency prints and, for the bare digits of I-94 and A-numbers, only
//! after their label.

use super::Found;
use crate::identifiers::{ANumber, I94Number, KNOWN_RECEIPT_PREFIXES, ReceiptNumber};

/// Words with their byte ranges: runs of letters, digits and dashes.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).filter(|w| !w.is_empty()).map(move |w| {
        let start = w.as_ptr() as usize - text.as_ptr() as usize;
        (start, w)
    })
}

/// The line around byte `at`, trimmed: the words a value is shown with.
pub fn line_at(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text[start..end].trim()
}

/// The lower-cased text of the `span` bytes before `at` on the same line.
fn before(text: &str, at: usize, span: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut from = at.saturating_sub(span).max(line_start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text[from..at].to_ascii_lowercase()
}

/// How a scanner's text recognition misreads the online filing prefix `IOE` (a one or a zero for
/// the letters); read back only when ten digits follow, as a receipt number has.
const MISREAD_IOE: [&str; 4] = ["10E", "1OE", "I0E", "l0E"];

/// Every distinct receipt number printed (three letters of a known service centre, ten digits).
pub fn receipt_numbers(text: &str) -> Vec<Found<ReceiptNumber>> {
    let mut out: Vec<Found<ReceiptNumber>> = Vec::new();
    for (at, word) in words(text) {
        let misread =
            MISREAD_IOE.iter().find(|m| word.starts_with(*m)).map(|m| format!("IOE{}", &word[m.len()..]));
        let word = misread.as_deref().unwrap_or(word);
        let known = word.len() >= 13 && KNOWN_RECEIPT_PREFIXES.iter().any(|p| word.starts_with(p));
        if let Some(number) = known.then(|| ReceiptNumber::parse(word).ok()).flatten()
            && !out.iter().any(|f| f.value == number)
        {
            out.push(Found::new(number, line_at(text, at).to_owned()));
        }
    }
    out
}

/// The I-94 number printed after an I-94 or admission record label on its line.
pub fn i94_number(text: &str) -> Option<Found<I94Number>> {
    words(text).find_map(|(at, word)| {
        let labelled = {
            let b = before(text, at, 60);
            b.contains("i-94") || b.contains("i94") || b.contains("admission record")
        };
        let number = (labelled && word.len() == 11).then(|| I94Number::parse(word).ok()).flatten()?;
        Some(Found::new(number, line_at(text, at).to_owned()))
    })
}

const A_LABELS: [&str; 6] =
    ["a#", "a-number", "a number", "alien number", "alien registration number", "uscis#"];

/// Every distinct A-number printed: `A012345678`, `A-012-345-678`, or digits after an A-number label.
pub fn a_numbers(text: &str) -> Vec<Found<ANumber>> {
    let mut out: Vec<Found<ANumber>> = Vec::new();
    for (at, word) in words(text) {
        let digits = word.trim_start_matches(['A', '-']).chars().filter(char::is_ascii_digit).count();
        let shaped = word.starts_with('A')
            && word.len() > 1
            && word[1..].chars().all(|c| c.is_ascii_digit() || c == '-')
            && (7..=9).contains(&digits);
        let labelled = word.chars().all(|c| c.is_ascii_digit() || c == '-') && (8..=9).contains(&digits) && {
            let b = before(text, at, 30);
            A_LABELS.iter().any(|l| b.contains(l))
        };
        let document = {
            let b = before(text, at, 40);
            b.contains("document") || b.contains("passport")
        };
        if !(shaped || labelled) || document {
            continue;
        }
        let candidate = if shaped { word.to_owned() } else { format!("A{word}") };
        if let Ok(number) = ANumber::parse(&candidate)
            && !out.iter().any(|f| f.value == number)
        {
            out.push(Found::new(number, line_at(text, at).to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_in_their_printed_shapes() {
        let text =
            "Receipt Number IOE0912345678\nA# 012-345-678\nAdmission (I-94) Record Number: 123456789A1\n";
        assert_eq!(receipt_numbers(text)[0].value.as_str(), "IOE0912345678");
        assert_eq!(a_numbers(text)[0].value.as_str(), "A012345678");
        assert_eq!(i94_number(text).map(|f| f.value.as_str().to_owned()).as_deref(), Some("123456789A1"));
        assert_eq!(a_numbers("Beneficiary A-098-765-432")[0].value.as_str(), "A098765432");
        assert_eq!(receipt_numbers("Receipt Number: 10E0917263548")[0].value.as_str(), "IOE0917263548");
        assert!(receipt_numbers("10E09172635").is_empty());
    }

    #[test]
    fn bare_digits_are_no_number_without_their_label() {
        assert!(a_numbers("Phone 800-375-5283 and 123456789").is_empty());
        assert!(i94_number("Reference 12345678901").is_none());
    }
}
