//! The case list's search words (`case_search_words`, migration 0030): each distinct word of a
//! case's `search_terms`, so that a word prefix is a range on a narrow primary key. They are kept
//! equal to the words of `search_terms`, written where it is.

use std::collections::BTreeSet;

use crate::db::{Tx, Value};
use crate::error::StoreResult;

pub(crate) const INSERT_WORDS: &str = "INSERT INTO case_search_words (org_id, word, case_id)";
pub(crate) const WORD_WIDTH: usize = 3;
const DELETE_WORD: &str = "DELETE FROM case_search_words WHERE org_id = $1 AND word = $2 AND case_id = $3";
const INSERT_WORD: &str = "INSERT INTO case_search_words (org_id, word, case_id) VALUES ($1, $2, $3)";

/// The distinct words of a case's `search_terms`.
pub(crate) fn words(search_terms: &str) -> BTreeSet<&str> {
    search_terms.split(' ').filter(|w| !w.is_empty()).collect()
}

/// The rows of a new case's words, for a multi-row INSERT.
pub(crate) fn word_rows(org: &Value, case: &Value, search_terms: &str) -> Vec<[Value; WORD_WIDTH]> {
    words(search_terms).into_iter().map(|w| [org.clone(), w.into(), case.clone()]).collect()
}

/// Brings a case's words from those of `old` terms to those of `new` ones. A re-derivation mostly
/// leaves the names alone, and then writes nothing here.
pub(crate) fn replace_words(tx: &mut dyn Tx, key: &[Value; 2], old: &str, new: &str) -> StoreResult<()> {
    if old == new {
        return Ok(());
    }
    let (old, new) = (words(old), words(new));
    for gone in old.difference(&new) {
        tx.execute(DELETE_WORD, &[key[0].clone(), (*gone).into(), key[1].clone()])?;
    }
    for added in new.difference(&old) {
        tx.execute(INSERT_WORD, &[key[0].clone(), (*added).into(), key[1].clone()])?;
    }
    Ok(())
}

/// The range of words starting with `prefix`: from the prefix itself to just before the first word
/// sorting after every word it starts. Folded words hold only `a`–`z`, `0`–`9` and `?`, all below
/// `~`, so `prefix~` bounds them bytewise on both backends.
pub(crate) fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}~"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_and_skip_the_leading_space() {
        let found: Vec<&str> = words(" l 0001 ana pena ana").into_iter().collect();
        assert_eq!(found, vec!["0001", "ana", "l", "pena"]);
    }

    #[test]
    fn a_prefix_range_holds_every_longer_word() {
        let (from, to) = prefix_range("ma");
        for word in ["ma", "maria", "mazzz", "ma9", "ma?"] {
            assert!(from.as_str() <= word && word < to.as_str(), "{word}");
        }
        for word in ["m", "mb", "lz", "n"] {
            assert!(!(from.as_str() <= word && word < to.as_str()), "{word}");
        }
    }
}
