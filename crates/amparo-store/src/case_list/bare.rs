//! The statements a case list runs, as SQL text and values, for the benchmark's floor: the same
//! work run raw through the driver, so that the ratio is what the store adds on top of the
//! database.

use crate::Store;
use crate::dashboard::DashboardQuery;
use crate::db::{DbResult, Row, Tx, Value};
use crate::error::StoreResult;
use crate::model::{CaseQuery, OrgId};

/// A value bound to a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BareParam {
    Null,
    Int(i64),
    Text(String),
}

/// One statement as the store ran it, with `$N` placeholders.
#[derive(Clone, Debug)]
pub struct BareStatement {
    pub sql: String,
    pub params: Vec<BareParam>,
}

/// A transaction that notes every statement it runs.
struct Recording<'a> {
    inner: &'a mut dyn Tx,
    statements: Vec<BareStatement>,
}

impl Recording<'_> {
    fn note(&mut self, sql: &str, params: &[Value]) {
        let params = params
            .iter()
            .map(|v| match v {
                Value::Null => BareParam::Null,
                Value::Int(n) => BareParam::Int(*n),
                Value::Text(t) => BareParam::Text(t.clone()),
                Value::Shared(t) => BareParam::Text(t.to_string()),
            })
            .collect();
        self.statements.push(BareStatement { sql: sql.to_owned(), params });
    }
}

impl Tx for Recording<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64> {
        self.note(sql, params);
        self.inner.execute(sql, params)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        self.note(sql, params);
        self.inner.query(sql, params)
    }

    fn placeholder(&self) -> char {
        self.inner.placeholder()
    }

    fn execute_batch(&mut self, sql: &str) -> DbResult<()> {
        self.inner.execute_batch(sql)
    }
}

impl Store {
    /// The statements [`Store::list_cases`] runs for `query`, in order. For benchmarks.
    #[doc(hidden)]
    pub fn case_list_statements(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<Vec<BareStatement>> {
        self.read(|tx| {
            let mut recording = Recording { inner: tx, statements: Vec::new() };
            super::list_cases(&mut recording, self.backend(), self.sealer(), org, query)?;
            Ok(recording.statements)
        })
    }

    /// The statements [`Store::dashboard`] runs, in order. For benchmarks.
    #[doc(hidden)]
    pub fn dashboard_statements(
        &self,
        org: &OrgId,
        query: &DashboardQuery,
    ) -> StoreResult<Vec<BareStatement>> {
        self.read(|tx| {
            let mut recording = Recording { inner: tx, statements: Vec::new() };
            crate::dashboard::dashboard(&mut recording, self.backend(), self.sealer(), org, query)?;
            Ok(recording.statements)
        })
    }
}
