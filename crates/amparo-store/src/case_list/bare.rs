//! The statements a case list runs, as SQL text and values, for the benchmark's floor: the same
//! work run raw through the driver, so that the ratio is what the store adds on top of the
//! database.

use crate::Store;
use crate::db::{DbResult, Row, Tx, Value};
use crate::error::StoreResult;
use crate::model::{BoardFilter, CaseQuery, OrgId};

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

/// What the dashboard reads of the store (its tasks aside, which are one person's): the board's
/// first lines counted up to a cap, the next 14 days' deadlines and the overdue ones (25 lines each,
/// counted up to 1,000), and the ten oldest open escalations.
pub struct DashboardReads {
    pub board_rows: i64,
    pub count_up_to: i64,
    pub today: amparo_domain::Date,
}

impl DashboardReads {
    fn run(&self, tx: &mut dyn Tx, store: &Store, org: &OrgId) -> StoreResult<()> {
        let filter = BoardFilter {
            limit: self.board_rows,
            count_up_to: Some(self.count_up_to),
            today: Some(self.today),
            ..BoardFilter::default()
        };
        crate::triage::board::board(tx, store.sealer(), org, &filter)?;
        let lines = (25, self.count_up_to);
        let window = (self.today, self.today.add_days(14));
        crate::deadlines::upcoming_deadlines(tx, org, window, None, lines)?;
        let since = amparo_domain::Date::from_ymd(1900, 1, 1).unwrap_or(self.today);
        crate::deadlines::upcoming_deadlines(tx, org, (since, self.today.add_days(-1)), None, lines)?;
        crate::triage::escalations::open_escalations(tx, store.sealer(), org, 10)?;
        Ok(())
    }
}

impl Store {
    /// The statements [`Store::list_cases`] runs for `query`, in order. For benchmarks.
    #[doc(hidden)]
    pub fn case_list_statements(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<Vec<BareStatement>> {
        self.read(|tx| {
            let mut recording = Recording { inner: tx, statements: Vec::new() };
            super::list_cases(&mut recording, self.sealer(), org, query)?;
            Ok(recording.statements)
        })
    }

    /// The dashboard's reads, in one read transaction. For benchmarks.
    #[doc(hidden)]
    pub fn dashboard_reads(&self, org: &OrgId, reads: &DashboardReads) -> StoreResult<()> {
        self.read(|tx| reads.run(tx, self, org))
    }

    /// The statements [`Store::dashboard_reads`] runs, in order. For benchmarks.
    #[doc(hidden)]
    pub fn dashboard_statements(
        &self,
        org: &OrgId,
        reads: &DashboardReads,
    ) -> StoreResult<Vec<BareStatement>> {
        self.read(|tx| {
            let mut recording = Recording { inner: tx, statements: Vec::new() };
            reads.run(&mut recording, self, org)?;
            Ok(recording.statements)
        })
    }
}
