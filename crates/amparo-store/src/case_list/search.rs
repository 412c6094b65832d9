//! How a search term finds its cases. Each word of the term is looked up as a prefix range in the
//! search words (migration 0030), at most [`FEW`] + 1 rows each, and the word with the fewest cases
//! decides the plan:
//! - few cases (at most [`FEW`]): they drive the query — found through the words' primary key,
//!   each read by its own, then sorted — so that a rare name costs the same in any size of
//!   organisation;
//! - many: the list walks its order's index and tests `search_terms` on each row, stopping once it
//!   has its page, which is soon since one row in fifty or more matches;
//! - many for each word of a term of several (a whole name of two common words): the cases holding a
//!   word of every range are read and intersected, and when they are few they drive the query as
//!   in the first case.
//!
//! The count is driven by the words in every case and stops at the cap; on SQLite it reads the
//! rarest word's rows joined to their cases, which stops at the cap too. A whole A-number, receipt or
//! I-94 number also finds the case holding it, through its blind index (identifiers are sealed):
//! looked up first, on its own, so that the list names those cases by their ids. As a subquery
//! inside the list's query, beside the words, it had SQLite read most of the organisation.

use std::collections::BTreeSet;

use crate::cases::identifiers::exact_identifier;
use crate::conditions::Conditions;
use crate::db::Tx;
use crate::error::StoreResult;
use crate::security::seal::Sealer;

use super::search_keys;
use super::words::prefix_range;

/// Up to how many search-word rows a prefix may have for its cases to drive the list.
pub(crate) const FEW: i64 = 1_000;

const PROBE_WORDS: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM case_search_words w \
     WHERE w.org_id = $1 AND w.word >= $2 AND w.word < $3 LIMIT $4) n";

/// A term's plan, worked out once per list.
pub(crate) struct TermSearch {
    /// `LIKE` patterns on `search_terms`, every one of which a case found by its words matches.
    patterns: Vec<String>,
    /// The prefix range of the term's rarest word, and how many word rows it has (up to [`FEW`] + 1).
    rarest: Option<((String, String), i64)>,
    /// The cases holding the term as a whole identifier.
    identified: Vec<String>,
    /// For a term of several words, each starting many cases, the cases holding a word of every
    /// range, when they are few (at most [`FEW`]); see [`intersected_cases`].
    intersected: Option<Vec<String>>,
}

impl TermSearch {
    pub(crate) fn plan(tx: &mut dyn Tx, sealer: &Sealer, org: &str, term: &str) -> StoreResult<TermSearch> {
        let patterns = search_keys::word_patterns(term);
        let mut probed = Vec::new();
        for word in search_keys::prefixes(term) {
            let (from, to) = prefix_range(&word);
            let rows = tx.query_int(
                PROBE_WORDS,
                &[org.into(), from.clone().into(), to.clone().into(), (FEW + 1).into()],
            )?;
            probed.push(((from, to), rows));
        }
        let rarest = probed.iter().min_by_key(|(_, rows)| *rows).cloned();
        let intersected = match &rarest {
            Some((_, rows)) if *rows > FEW && probed.len() > 1 => intersected_cases(tx, org, &probed)?,
            _ => None,
        };
        let identified = match exact_identifier(term) {
            Some((kind, value)) => identified_cases(tx, org, &sealer.blind_all(kind, &value))?,
            None => Vec::new(),
        };
        Ok(TermSearch { patterns, rarest, identified, intersected })
    }

    /// Whether the term's cases are few enough to drive the list rather than be tested on its walk.
    pub(crate) fn few(&self) -> bool {
        self.intersected.is_some() || self.rarest.as_ref().is_none_or(|(_, rows)| *rows <= FEW)
    }

    /// The prefix range of the term's rarest word, for a count to start from the words themselves,
    /// joined to their cases: `None` when a whole identifier may name cases no word of the term
    /// starts (the count then names the cases as a set).
    pub(crate) fn joined_range(&self) -> Option<(&str, &str)> {
        if !self.identified.is_empty() || self.intersected.is_some() {
            return None;
        }
        self.rarest.as_ref().map(|((from, to), _)| (from.as_str(), to.as_str()))
    }

    /// Whether no case holds every word of the term (its rarest word starts no word at all).
    fn no_words(&self) -> bool {
        self.intersected.as_ref().is_some_and(Vec::is_empty)
            || self.rarest.as_ref().is_some_and(|(_, rows)| *rows == 0)
    }

    /// Adds the term's conditions on `cases c`. `driving`: the cases the words (or the identifier)
    /// find are named as a set for the query to start from; otherwise only tested on each row.
    pub(crate) fn add(&self, conditions: &mut Conditions, driving: bool) {
        let identified = (!self.identified.is_empty()).then(|| {
            let ids: Vec<String> = self.identified.iter().map(|id| conditions.next(id.clone())).collect();
            format!("c.id IN ({})", ids.join(", "))
        });
        // An identifier that no name or reference starts: its cases alone, named by id.
        if let Some(identified) = identified.as_deref().filter(|_| self.no_words()) {
            conditions.fixed(identified);
            return;
        }
        let words: Vec<String> = self
            .patterns
            .iter()
            .map(|pattern| format!("c.search_terms LIKE {}", conditions.next(pattern.clone())))
            .collect();
        let by_words = match (&self.intersected, &self.rarest) {
            (Some(cases), _) if driving => Some(if cases.is_empty() {
                // No case holds a word of every range: only an identifier could name one.
                "1 = 0".to_owned()
            } else {
                let ids: Vec<String> = cases.iter().map(|id| conditions.next(id.clone())).collect();
                format!("c.id IN ({})", ids.join(", "))
            }),
            (None, Some(((from, to), _))) if driving => {
                let (from, to) = (conditions.next(from.clone()), conditions.next(to.clone()));
                Some(format!(
                    "c.id IN (SELECT w.case_id FROM case_search_words w WHERE w.org_id = $1 AND w.word >= {from} AND w.word < {to})"
                ))
            }
            _ => None,
        };
        let mut either = Vec::new();
        if !words.is_empty() {
            either.push(format!("({})", words.join(" AND ")));
        }
        either.extend(identified.clone());
        // A term of punctuation alone ("%") searches for nothing, so it filters nothing either.
        if either.is_empty() {
            return;
        }
        if driving {
            // The set the query starts from: every case either test can pass is in it.
            let sources: Vec<String> = by_words.into_iter().chain(identified).collect();
            if !sources.is_empty() {
                conditions.fixed(&format!("({})", sources.join(" OR ")));
            }
        }
        conditions.fixed(&format!("({})", either.join(" OR ")));
    }
}

/// Up to how many word rows of one range [`intersected_cases`] reads; a range with more is left out
/// of the intersection (its words are still tested on every case found).
const INTERSECTED_ROWS: i64 = 10 * FEW;

const RANGE_CASES: &str = "SELECT case_id FROM case_search_words \
     WHERE org_id = $1 AND word >= $2 AND word < $3 LIMIT $4";

/// For a term of several words each starting more than [`FEW`] cases (a whole name of two common
/// words: 4,700 and 5,000 rows for 520 cases in a demo organisation of 50,000), the cases holding a
/// word of every range, read off the words' primary key range by range and intersected here, when
/// they are at most [`FEW`]: they then drive the list like a rare name's, instead of a count
/// looking every case of the rarest word up and a page walking its order until enough match. A
/// range too large to read is left out: the cases found are then more than the term's, which the
/// list's tests of `search_terms` narrow as for any case its words name. `None` when no range was
/// read or the cases found are many; an empty list when no case holds them all.
fn intersected_cases(
    tx: &mut dyn Tx,
    org: &str,
    probed: &[((String, String), i64)],
) -> StoreResult<Option<Vec<String>>> {
    // Ordered, as `identified_cases` keeps its cases: the list names them in the same order each time.
    let mut common: Option<BTreeSet<String>> = None;
    for ((from, to), _) in probed {
        let params = [org.into(), from.as_str().into(), to.as_str().into(), (INTERSECTED_ROWS + 1).into()];
        let rows = tx.query(RANGE_CASES, &params)?;
        if rows.len() as i64 > INTERSECTED_ROWS {
            continue;
        }
        let cases: BTreeSet<String> = rows.iter().map(|row| row.text(0)).collect::<Result<_, _>>()?;
        common = Some(match common {
            Some(common) => common.intersection(&cases).cloned().collect(),
            None => cases,
        });
    }
    Ok(common.filter(|cases| cases.len() as i64 <= FEW).map(|cases| cases.into_iter().collect()))
}

const IDENTIFIED_CASES: &str = "SELECT case_id FROM identifiers WHERE org_id = $1 AND digest IN";

/// The cases holding an identifier whose blind-index digests (one per key held) are `digests`,
/// each once. Neither sorted nor made distinct in SQL: SQLite would then walk the identifiers in
/// case order (`identifiers_case`) rather than look the digest up (`identifiers_digest`).
fn identified_cases(tx: &mut dyn Tx, org: &str, digests: &[String]) -> StoreResult<Vec<String>> {
    if digests.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = vec![org.into()];
    params.extend(digests.iter().map(|d| d.as_str().into()));
    let list: Vec<String> = (2..=params.len()).map(|n| format!("${n}")).collect();
    let sql = format!("{IDENTIFIED_CASES} ({})", list.join(", "));
    let cases: BTreeSet<String> =
        tx.query(&sql, &params)?.iter().map(|row| row.text(0)).collect::<Result<_, _>>()?;
    Ok(cases.into_iter().collect())
}
