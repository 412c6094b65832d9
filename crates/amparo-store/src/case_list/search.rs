//! How a search term finds its cases. Each word of the term is looked up as a prefix range in the
//! search words (migration 0030), at most [`FEW`] + 1 rows each, and the word with the fewest cases
//! decides the plan:
//! - few cases (at most [`FEW`]): they drive the query — found through the words' primary key,
//!   each read by its own, then sorted — so that a rare name costs the same in any size of
//!   organisation;
//! - many: the list walks its order's index and tests `search_terms` on each row, stopping once it
//!   has its page, which is soon since one row in fifty or more matches.
//!
//! The count is driven by the words in both cases and stops at the cap. A whole A-number, receipt or
//! I-94 number also finds the case holding it, through its blind index (identifiers are sealed).

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
    /// The prefix range of the term's rarest word, and whether its cases are few.
    rarest: Option<((String, String), bool)>,
    /// Blind-index digests of the term as a whole identifier, under every key held.
    digests: Vec<String>,
}

impl TermSearch {
    pub(crate) fn plan(tx: &mut dyn Tx, sealer: &Sealer, org: &str, term: &str) -> StoreResult<TermSearch> {
        let patterns = search_keys::word_patterns(term);
        let mut rarest: Option<((String, String), i64)> = None;
        for word in search_keys::prefixes(term) {
            let (from, to) = prefix_range(&word);
            let rows = tx.query_int(
                PROBE_WORDS,
                &[org.into(), from.clone().into(), to.clone().into(), (FEW + 1).into()],
            )?;
            if rarest.as_ref().is_none_or(|(_, fewest)| rows < *fewest) {
                rarest = Some(((from, to), rows));
            }
        }
        let digests =
            exact_identifier(term).map(|(kind, value)| sealer.blind_all(kind, &value)).unwrap_or_default();
        Ok(TermSearch { patterns, rarest: rarest.map(|(range, rows)| (range, rows <= FEW)), digests })
    }

    /// Whether the term's cases are few enough to drive the list rather than be tested on its walk.
    pub(crate) fn few(&self) -> bool {
        self.rarest.as_ref().is_none_or(|(_, few)| *few)
    }

    /// Adds the term's conditions on `cases c`. `driving`: the cases the words (or the identifier)
    /// find are named as a set for the query to start from; otherwise only tested on each row.
    pub(crate) fn add(&self, conditions: &mut Conditions, driving: bool) {
        let words: Vec<String> = self
            .patterns
            .iter()
            .map(|pattern| format!("c.search_terms LIKE {}", conditions.next(pattern.clone())))
            .collect();
        let identifier = (!self.digests.is_empty()).then(|| {
            let list: Vec<String> = self.digests.iter().map(|d| conditions.next(d.clone())).collect();
            format!(
                "SELECT i.case_id FROM identifiers i WHERE i.org_id = $1 AND i.digest IN ({})",
                list.join(", ")
            )
        });
        let by_words = match &self.rarest {
            Some(((from, to), _)) if driving => {
                let (from, to) = (conditions.next(from.clone()), conditions.next(to.clone()));
                Some(format!(
                    "SELECT w.case_id FROM case_search_words w WHERE w.org_id = $1 AND w.word >= {from} AND w.word < {to}"
                ))
            }
            _ => None,
        };
        let mut either = Vec::new();
        if !words.is_empty() {
            either.push(format!("({})", words.join(" AND ")));
        }
        if let Some(identifier) = &identifier {
            either.push(format!("c.id IN ({identifier})"));
        }
        // A term of punctuation alone ("%") searches for nothing, so it filters nothing either.
        if either.is_empty() {
            return;
        }
        if driving {
            // The set the query starts from: every case either test can pass is in it.
            let sources: Vec<&str> = by_words.iter().chain(identifier.iter()).map(String::as_str).collect();
            if !sources.is_empty() {
                conditions.fixed(&format!("c.id IN ({})", sources.join(" UNION ")));
            }
        }
        conditions.fixed(&format!("({})", either.join(" OR ")));
    }
}
