//! The case list's search and sort keys, kept on the case row: names and references folded to
//! lower-case ASCII words, so that "Muñoz", "MUNOZ" and "munoz" find and sort alike on both
//! backends (SQLite's `lower` knows only ASCII, and the two order accented letters differently).

use std::collections::BTreeSet;

use amparo_domain::{CaseFile, PersonRole};

/// Lower case, common Latin accents removed, anything but letters and digits turned into single
/// spaces, trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        match base_letter(c) {
            Some(b) => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push_str(b);
            }
            None => space = true,
        }
    }
    out
}

/// The plain letters a lower-case character searches as; `None` for a separator.
fn base_letter(c: char) -> Option<&'static str> {
    const PLAIN: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
    if let Some(i) = PLAIN.find(c) {
        return PLAIN.get(i..i + 1);
    }
    Some(match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => "a",
        'ç' | 'č' | 'ć' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ě' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' => "o",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'š' | 'ś' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'đ' | 'ð' => "d",
        'þ' => "th",
        c if c.is_alphanumeric() => return Some("?"),
        _ => return None,
    })
}

/// The patient's family then given names, folded: the list's patient order.
pub fn patient_sort(file: &CaseFile) -> String {
    file.case
        .people
        .iter()
        .find(|p| p.role == PersonRole::Patient)
        .map(|p| fold(&format!("{} {}", p.family_name, p.given_name)))
        .unwrap_or_default()
}

/// The words a case is found by: its reference and every person's names, folded, each preceded by a
/// space, so that `LIKE '% word%'` matches the start of any of them.
pub fn search_terms(file: &CaseFile) -> String {
    let mut terms = format!(" {}", fold(file.case.reference.as_str()));
    for person in &file.case.people {
        for name in [&person.given_name, &person.family_name] {
            let folded = fold(name);
            if !folded.is_empty() {
                terms.push(' ');
                terms.push_str(&folded);
            }
        }
    }
    terms
}

/// The `LIKE` patterns a search term asks for, one per whitespace-separated token, every one of which
/// must match the start of a word of the reference or of a name. A token that folds to several words
/// ("L-0001", "García-López") must match them in a row. Folding leaves no pattern character.
pub fn word_patterns(term: &str) -> Vec<String> {
    term.split_whitespace().map(fold).filter(|w| !w.is_empty()).map(|w| format!("% {w}%")).collect()
}

/// Every word of a search term, folded: each starts a word of any case the term finds by its words
/// (every word of a token but its last is a whole word, the last a prefix).
pub fn prefixes(term: &str) -> BTreeSet<String> {
    term.split_whitespace()
        .flat_map(|token| fold(token).split(' ').map(str::to_owned).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("  Muñoz-GARCÍA, José "), "munoz garcia jose");
        assert_eq!(fold("L-0001"), "l 0001");
        assert_eq!(fold("%_\\"), "");
    }

    #[test]
    fn patterns_are_word_prefixes() {
        assert_eq!(word_patterns("Ana  Peña"), vec!["% ana%", "% pena%"]);
        assert_eq!(word_patterns("l-00 García-López"), vec!["% l 00%", "% garcia lopez%"]);
        assert!(word_patterns(" % ").is_empty());
    }

    #[test]
    fn prefixes_are_every_folded_word() {
        let found: Vec<String> = prefixes("l-00 García-López ana").into_iter().collect();
        assert_eq!(found, vec!["00", "ana", "garcia", "l", "lopez"]);
        assert!(prefixes(" % ").is_empty());
    }
}
