//! What the dashboard reads of the store, together: the board's first lines and their count, the
//! deadlines already late and those of the next days (first lines, counted up to a cap), and the
//! oldest open escalations. On SQLite each is its own statement, as when read one by one: a
//! statement there is a call into the library, microseconds. On PostgreSQL every statement is a
//! round trip to the server, and nine round trips were the dashboard's whole cost, so all of them
//! are one statement there ([`one_statement`]). Both give the same results.

mod one_statement;

use amparo_domain::Date;

use crate::Store;
use crate::db::{Backend, Tx};
use crate::error::StoreResult;
use crate::model::{BoardFilter, BoardPage, OpenEscalation, OrgId, UpcomingDeadlines, UserId};
use crate::security::seal::Sealer;

/// What the dashboard shows of each section, for one reader on one day.
#[derive(Clone, Debug)]
pub struct DashboardQuery {
    /// The reader's day: the windows count from it, and the board's reasons say "in 12 days" from it.
    pub today: Date,
    /// Only the cases shared with this clinician (the board and both windows).
    pub shared_with: Option<UserId>,
    pub board_rows: i64,
    /// The board's cases are counted up to one more than this.
    pub board_count_up_to: i64,
    /// The upcoming window runs from today to this many days ahead.
    pub deadline_days: i64,
    /// The overdue window runs from this day to yesterday.
    pub overdue_since: Date,
    /// Lines of each window.
    pub deadline_rows: i64,
    /// Each window's lines are counted up to one more than this.
    pub deadline_count_up_to: i64,
    /// Open escalations to list; 0 reads none.
    pub escalation_rows: i64,
}

impl DashboardQuery {
    fn board_filter(&self) -> BoardFilter {
        BoardFilter {
            limit: self.board_rows,
            shared_with: self.shared_with.clone(),
            count_up_to: Some(self.board_count_up_to),
            today: Some(self.today),
            ..BoardFilter::default()
        }
    }

    /// The first and the last day of the upcoming window.
    fn upcoming(&self) -> (Date, Date) {
        (self.today, self.today.add_days(self.deadline_days))
    }

    /// The first and the last day of the overdue window.
    fn overdue(&self) -> (Date, Date) {
        (self.overdue_since, self.today.add_days(-1))
    }

    fn deadline_lines(&self) -> (i64, i64) {
        (self.deadline_rows, self.deadline_count_up_to)
    }
}

/// The dashboard's sections as the store holds them.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub board: BoardPage,
    pub overdue: UpcomingDeadlines,
    pub upcoming: UpcomingDeadlines,
    pub escalations: Vec<OpenEscalation>,
}

/// The dashboard's reads on `backend`, in `tx`.
pub(crate) fn dashboard(
    tx: &mut dyn Tx,
    backend: Backend,
    sealer: &Sealer,
    org: &OrgId,
    query: &DashboardQuery,
) -> StoreResult<Dashboard> {
    match backend {
        Backend::Postgres => one_statement::dashboard(tx, sealer, org, query),
        Backend::Sqlite => statement_by_statement(tx, sealer, org, query),
    }
}

/// Each section read as the board, the deadline windows and the escalations read it on their own.
fn statement_by_statement(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    query: &DashboardQuery,
) -> StoreResult<Dashboard> {
    let board = crate::triage::board::board(tx, sealer, org, &query.board_filter())?;
    let shared = query.shared_with.as_ref();
    let lines = query.deadline_lines();
    let overdue = crate::deadlines::upcoming_deadlines(tx, org, query.overdue(), shared, lines)?;
    let upcoming = crate::deadlines::upcoming_deadlines(tx, org, query.upcoming(), shared, lines)?;
    let escalations = match query.escalation_rows {
        rows if rows > 0 => crate::triage::escalations::open_escalations(tx, sealer, org, rows)?,
        _ => Vec::new(),
    };
    Ok(Dashboard { board, overdue, upcoming, escalations })
}

impl Store {
    /// The dashboard's sections (the reader's own tasks aside): the board's first lines and their
    /// count, the overdue and the upcoming deadlines (first lines and a capped count) and the open
    /// escalations, each as [`Store::board`], [`Store::upcoming_deadlines`] and
    /// [`Store::open_escalations`] read it, in one pass (one statement on PostgreSQL).
    pub fn dashboard(&self, org: &OrgId, query: &DashboardQuery) -> StoreResult<Dashboard> {
        self.read(|tx| dashboard(tx, self.backend(), self.sealer(), org, query))
    }
}
