//! The board: open cases ranked by triage score, most urgent first, filtered and paged. Cases are
//! chosen and ordered on the `cases` row alone (off the `cases_board` index), and only a page's rows
//! are joined to their patient and escalations.

use amparo_domain::Program;

use crate::Store;
use crate::columns::stored_date;
use crate::conditions::Conditions;
use crate::db::{Row, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{BoardEntry, BoardFilter, BoardPage, CaseId, OrgId};
use crate::security::seal::Sealer;
use crate::triage::reasons;

/// The board's page: the cases are chosen and ordered on `cases` alone (off the `cases_board`
/// index), and only the page's rows are joined to their patient and escalations. Each table carries
/// the organisation itself (`Conditions` keeps it at $1), so a distributed engine asks one shard.
pub(crate) fn board_page(conditions: &str, limit: &str, offset: &str) -> String {
    board_page_with(conditions, limit, offset, "")
}

/// As [`board_page`], each row also carrying the board's count (`count`, a statement of
/// [`board_count`] on the same parameters) as its last column (11): the board in one statement, one
/// round trip on PostgreSQL instead of two. Neither engine runs the count per row: it does not
/// depend on the row, so each computes it once.
fn counted_board_page(conditions: &str, limit: &str, offset: &str, count: &str) -> String {
    board_page_with(conditions, limit, offset, &format!(", ({count}) AS total"))
}

fn board_page_with(conditions: &str, limit: &str, offset: &str, extra: &str) -> String {
    format!(
        "SELECT c.id, c.reference, c.program, c.triage_score, c.critical_care, c.next_due, c.next_kind, c.triage, \
         p.given_name, p.family_name, \
         (SELECT COUNT(*) FROM escalations e WHERE e.org_id = $1 AND e.case_id = c.id AND e.closed_at IS NULL) \
         AS open_escalations{extra} \
         FROM (SELECT * FROM cases c WHERE {conditions} \
               ORDER BY c.triage_score DESC, c.reference LIMIT {limit} OFFSET {offset}) c \
         JOIN people p ON p.org_id = $1 AND p.case_id = c.id AND p.role = 'patient' \
         ORDER BY c.triage_score DESC, c.reference"
    )
}

/// The board's conditions on `cases` (aliased `c`), the organisation first at `$1`.
pub(crate) fn board_conditions(org: &OrgId, filter: &BoardFilter) -> Conditions {
    let mut conditions = Conditions::new(org.as_str());
    conditions.fixed("c.is_open = 1");
    if filter.critical_only {
        conditions.fixed("c.critical_care = 1");
    }
    if let Some(program) = filter.program {
        conditions.push("c.program = ?", program.as_str());
    }
    if let Some(due_by) = filter.due_by {
        conditions.push("c.next_due <= ?", due_by.to_string());
    }
    if let Some(user) = &filter.assigned_to {
        conditions.push(
            "EXISTS (SELECT 1 FROM case_assignments a WHERE a.org_id = c.org_id AND a.case_id = c.id AND a.user_id = ?)",
            user.as_str(),
        );
    }
    if let Some(user) = &filter.shared_with {
        conditions.push(
            "EXISTS (SELECT 1 FROM case_shares s WHERE s.org_id = c.org_id AND s.case_id = c.id AND s.user_id = ?)",
            user.as_str(),
        );
    }
    conditions
}

/// The number of the board's cases, up to one more than `count_up_to` when it is given. Every case
/// has exactly one patient, so counting cases alone counts the board's rows.
pub(crate) fn board_count(conditions: &str, count_up_to: Option<i64>) -> String {
    match count_up_to {
        Some(cap) => format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE {conditions} LIMIT {}) n",
            cap.max(0).saturating_add(1)
        ),
        None => format!("SELECT COUNT(*) FROM cases c WHERE {conditions}"),
    }
}

/// The lines of the board's page the board's statement returns (see [`board_page`]).
pub(crate) fn limit_of(filter: &BoardFilter) -> i64 {
    filter.limit.clamp(1, 500)
}

/// One line of the board from a row of [`board_page`]'s statement.
pub(crate) fn board_entry(
    r: &Row,
    sealer: &Sealer,
    org: &OrgId,
    today: Option<amparo_domain::Date>,
) -> StoreResult<BoardEntry> {
    let program = r.text(2)?;
    let case_id = CaseId(r.text(0)?);
    let triage = r.opt_text(7)?;
    Ok(BoardEntry {
        reasons: reasons::open_triage(sealer, (org.as_str(), case_id.as_str()), triage.as_deref(), today)?,
        case_id,
        reference: r.text(1)?,
        program: Program::parse(&program)
            .ok_or_else(|| StoreError::Backend(format!("stored program is not valid: {program:?}")))?,
        score: r.int(3)?,
        critical_care: r.int(4)? != 0,
        next_due: r.opt_text(5)?.as_deref().map(stored_date).transpose()?,
        next_kind: r.opt_text(6)?,
        patient_name: format!("{} {}", r.text(8)?, r.text(9)?),
        open_escalations: r.int(10)?,
    })
}

pub(crate) fn board(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    filter: &BoardFilter,
) -> StoreResult<BoardPage> {
    let mut conditions = board_conditions(org, filter);
    let where_sql = conditions.sql();
    let count_sql = board_count(&where_sql, filter.count_up_to);
    let count_params = conditions.params.clone();
    let limit = conditions.next(limit_of(filter));
    let offset = conditions.next(filter.offset.max(0));
    let rows = tx.query(&counted_board_page(&where_sql, &limit, &offset, &count_sql), &conditions.params)?;
    let total = match rows.first() {
        Some(row) => row.int(11)?,
        // No case on the board's first page: there is none at all.
        None if filter.offset <= 0 => 0,
        // A page past the end carries no count: asked on its own.
        None => tx.query_int(&count_sql, &count_params)?,
    };
    let entries =
        rows.iter().map(|r| board_entry(r, sealer, org, filter.today)).collect::<StoreResult<_>>()?;
    Ok(BoardPage { entries, total })
}

impl Store {
    /// Open cases ranked by triage score, most urgent first.
    pub fn board(&self, org: &OrgId, filter: &BoardFilter) -> StoreResult<BoardPage> {
        self.read(|tx| board(tx, self.sealer(), org, filter))
    }
}
