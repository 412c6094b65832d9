//! SQL conditions built from whichever filters are set, numbering placeholders as they are added;
//! used by the board, the case list and case selections.

use crate::db::Value;

/// Builds SQL whose conditions depend on which filters are set, numbering placeholders as it goes.
pub struct Conditions {
    pub clauses: Vec<String>,
    pub params: Vec<Value>,
}

impl Conditions {
    pub fn new(org: &str) -> Conditions {
        Conditions { clauses: vec!["c.org_id = $1".into()], params: vec![org.into()] }
    }

    /// Adds a condition; `?` in it stands for the next placeholder.
    pub fn push(&mut self, clause: &str, value: impl Into<Value>) {
        self.params.push(value.into());
        self.clauses.push(clause.replace('?', &format!("${}", self.params.len())));
    }

    pub fn fixed(&mut self, clause: &str) {
        self.clauses.push(clause.into());
    }

    pub fn sql(&self) -> String {
        self.clauses.join(" AND ")
    }

    /// The next placeholder's name, for LIMIT and OFFSET.
    pub fn next(&mut self, value: impl Into<Value>) -> String {
        self.params.push(value.into());
        format!("${}", self.params.len())
    }
}
