//! Which cases of an organisation a run of work reads or writes at once: a range of ids (every case
//! of an organisation in turn, as a policy change re-derives them) or a list of ids (the cases a new
//! day made due, scattered among the others). Statements over a run name the set with one condition
//! on the case id instead of being sent once per case.

use crate::db::Value;

/// Cases of one organisation, named by their ids.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CaseSet<'a> {
    /// The cases whose ids run from the first to the last, both included.
    Range(&'a str, &'a str),
    /// Exactly these cases (at least one).
    Ids(&'a [String]),
}

impl CaseSet<'_> {
    /// The condition on `column` (a case id) that selects the set, its parameters numbered from `$2`
    /// (`$1` is the organisation in every statement of a run).
    pub fn condition(&self, column: &str) -> String {
        match self {
            CaseSet::Range(..) => format!("{column} >= $2 AND {column} <= $3"),
            CaseSet::Ids(ids) => {
                let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
                format!("{column} IN ({})", marks.join(", "))
            }
        }
    }

    /// The parameters of a statement over the set: the organisation, then the condition's.
    pub fn params(&self, org: &str) -> Vec<Value> {
        let mut params: Vec<Value> = vec![org.into()];
        match self {
            CaseSet::Range(first, last) => params.extend([(*first).into(), (*last).into()]),
            CaseSet::Ids(ids) => params.extend(ids.iter().map(|id| id.as_str().into())),
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_two_bounds_after_the_organisation() {
        let set = CaseSet::Range("c1", "c9");
        assert_eq!(set.condition("case_id"), "case_id >= $2 AND case_id <= $3");
        assert_eq!(set.params("o").len(), 3);
    }

    #[test]
    fn a_list_names_each_id_after_the_organisation() {
        let ids = vec!["c3".to_owned(), "c7".to_owned()];
        let set = CaseSet::Ids(&ids);
        assert_eq!(set.condition("v.case_id"), "v.case_id IN ($2, $3)");
        assert_eq!(set.params("o").len(), 3);
    }
}
