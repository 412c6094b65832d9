//! The case list: search, filters, order and bounded paging, chosen and ordered on the `cases` row
//! alone (off the indexes of migration 0014) so that only a page's rows are joined to their patient.

pub mod chunks;
pub mod search_keys;

use amparo_domain::{Program, Status};

use crate::Store;
use crate::cases::identifiers::exact_identifier;
use crate::columns::{from_millis, stored_date};
use crate::conditions::Conditions;
use crate::db::Tx;
use crate::error::{StoreError, StoreResult};
use crate::model::{
    CASE_LIST_MAX_OFFSET, CaseId, CasePage, CaseQuery, CaseSort, CaseSummary, ClosedFilter, OrgId,
};
use crate::security::seal::Sealer;

fn list_cases(tx: &mut dyn Tx, sealer: &Sealer, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage> {
    if !(0..=CASE_LIST_MAX_OFFSET).contains(&query.offset) {
        let problem = amparo_domain::Problem::WholeNumberBetween { min: 0, max: CASE_LIST_MAX_OFFSET };
        return Err(StoreError::field("offset", problem));
    }
    let conditions = conditions(sealer, org, query);
    let total = count(tx, org, query, &conditions)?;
    let order = order_by(query.sort, query.descending);
    let rows = select(tx, conditions, &order, query.limit, query.offset)?;
    let cases = rows.iter().map(summary).collect::<StoreResult<_>>()?;
    Ok(CasePage { cases, total })
}

/// How many cases the list holds. The open cases of an unfiltered list are counted as the
/// organisation's cases less its closed ones, two counts read off indexes (the organisation's, and
/// the closed cases' partial index), rather than by reading every wide case row to test that it is
/// open. A filtered list reads the rows it tests anyway.
fn count(tx: &mut dyn Tx, org: &OrgId, query: &CaseQuery, conditions: &Conditions) -> StoreResult<i64> {
    if query.closed == ClosedFilter::Open && !narrowed(query) {
        let all = tx.query_int(COUNT_CASES, &[org.as_str().into()])?;
        let closed = tx.query_int(COUNT_CLOSED_CASES, &[org.as_str().into()])?;
        return Ok(all - closed);
    }
    let where_sql = conditions.sql();
    tx.query_int(&format!("SELECT COUNT(*) FROM cases c WHERE {where_sql}"), &conditions.params)
}

const COUNT_CASES: &str = "SELECT COUNT(*) FROM cases WHERE org_id = $1";
const COUNT_CLOSED_CASES: &str = "SELECT COUNT(*) FROM cases WHERE org_id = $1 AND closed_at IS NOT NULL";

/// Whether anything beyond the open-or-closed choice narrows the list.
fn narrowed(query: &CaseQuery) -> bool {
    query.search.as_deref().is_some_and(|t| !t.trim().is_empty())
        || query.status.is_some()
        || query.program.is_some()
        || query.critical_only
        || query.due_by.is_some()
        || query.assigned_to.is_some()
        || query.shared_with.is_some()
}

/// The rows of a list, chosen by `conditions`, in `order`: the columns [`summary`] reads, then the
/// patient's and the deadline's sort keys (13 and 14) for [`chunks`] to continue after, then when the
/// case closed (15).
fn select(
    tx: &mut dyn Tx,
    mut conditions: Conditions,
    order: &str,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<crate::db::Row>> {
    let where_sql = conditions.sql();
    let limit = conditions.next(limit.max(1));
    let offset = conditions.next(offset);
    // Each table carries the organisation itself (`Conditions` keeps it at $1): across the page's
    // subquery a distributed engine could not carry it over, and would ask every shard.
    let list_sql = format!(
        "SELECT c.id, c.reference, c.program, c.version, c.updated_at, p.given_name, p.family_name, \
         (SELECT COUNT(*) FROM people q WHERE q.org_id = $1 AND q.case_id = c.id), c.critical_care, \
         c.status, c.triage_score, c.next_due, c.next_kind, c.patient_sort, c.due_sort, c.closed_at \
         FROM (SELECT c.* FROM cases c WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}) c \
         JOIN people p ON p.org_id = $1 AND p.case_id = c.id AND p.role = 'patient' \
         ORDER BY {order}"
    );
    Ok(tx.query(&list_sql, &conditions.params)?)
}

/// The query's filters as SQL conditions on `cases c`.
fn conditions(sealer: &Sealer, org: &OrgId, query: &CaseQuery) -> Conditions {
    let mut conditions = Conditions::new(org.as_str());
    // Closed cases are few: the open list tests the row it walks anyway, the closed one reads them
    // off their partial index (migration 0020).
    match query.closed {
        ClosedFilter::Open => conditions.fixed("c.closed_at IS NULL"),
        ClosedFilter::Closed => conditions.fixed("c.closed_at IS NOT NULL"),
        ClosedFilter::All => {}
    }
    if let Some(term) = query.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        search(&mut conditions, sealer, term);
    }
    if let Some(status) = query.status {
        conditions.push("c.status = ?", status.as_str());
    }
    if let Some(program) = query.program {
        conditions.push("c.program = ?", program.as_str());
    }
    if query.critical_only {
        conditions.fixed("c.critical_care = 1");
    }
    if let Some(due_by) = query.due_by {
        // Cases without a deadline carry the far-future sort key, so they never fall in the window.
        conditions.push("c.due_sort <= ?", due_by.to_string());
    }
    if let Some(user) = &query.assigned_to {
        conditions.push(
            "EXISTS (SELECT 1 FROM case_assignments a WHERE a.org_id = c.org_id AND a.case_id = c.id AND a.user_id = ?)",
            user.as_str(),
        );
    }
    if let Some(user) = &query.shared_with {
        conditions.push(
            "EXISTS (SELECT 1 FROM case_shares s WHERE s.org_id = c.org_id AND s.case_id = c.id AND s.user_id = ?)",
            user.as_str(),
        );
    }
    conditions
}

/// Every word of the term at the start of a word of the reference or a name; or, when the term is a
/// whole A-number, receipt or I-94 number, the case holding it. Identifiers are stored encrypted, so
/// they are found through their blind index under every key held (a rotation may be half-way).
fn search(conditions: &mut Conditions, sealer: &Sealer, term: &str) {
    let words: Vec<String> = search_keys::word_patterns(term)
        .into_iter()
        .map(|pattern| format!("c.search_terms LIKE {}", conditions.next(pattern)))
        .collect();
    let mut either = Vec::new();
    if !words.is_empty() {
        either.push(format!("({})", words.join(" AND ")));
    }
    let digests =
        exact_identifier(term).map(|(kind, value)| sealer.blind_all(kind, &value)).unwrap_or_default();
    if !digests.is_empty() {
        let list: Vec<String> = digests.into_iter().map(|d| conditions.next(d)).collect();
        either.push(format!(
            "c.id IN (SELECT i.case_id FROM identifiers i WHERE i.org_id = $1 AND i.digest IN ({}))",
            list.join(", ")
        ));
    }
    // A term of punctuation alone ("%") searches for nothing, so it filters nothing either.
    if !either.is_empty() {
        conditions.fixed(&format!("({})", either.join(" OR ")));
    }
}

/// The order of a sort; the reference, unique in an organisation, breaks ties in the same
/// direction, so each order is total and walks one index forwards or backwards.
fn order_by(sort: CaseSort, descending: bool) -> String {
    let dir = if descending { "DESC" } else { "ASC" };
    match sort {
        CaseSort::Reference => format!("c.reference {dir}"),
        CaseSort::Patient => format!("c.patient_sort {dir}, c.reference {dir}"),
        CaseSort::NextDeadline => format!("c.due_sort {dir}, c.reference {dir}"),
        CaseSort::Score => format!("c.triage_score {dir}, c.reference {dir}"),
    }
}

fn summary(r: &crate::db::Row) -> StoreResult<CaseSummary> {
    let program = r.text(2)?;
    let status = r.text(9)?;
    Ok(CaseSummary {
        id: CaseId(r.text(0)?),
        reference: r.text(1)?,
        program: Program::parse(&program)
            .ok_or_else(|| StoreError::Backend(format!("stored program is not valid: {program:?}")))?,
        version: r.int(3)?,
        updated_at: from_millis(r.int(4)?),
        patient_name: format!("{} {}", r.text(5)?, r.text(6)?),
        people: r.int(7)?,
        critical_care: r.int(8)? != 0,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Backend(format!("stored status is not valid: {status:?}")))?,
        triage_score: r.int(10)?,
        next_due: r.opt_text(11)?.as_deref().map(stored_date).transpose()?,
        next_kind: r.opt_text(12)?,
        closed: r.opt_int(15)?.is_some(),
    })
}

impl Store {
    pub fn list_cases(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage> {
        self.read(|tx| list_cases(tx, self.sealer(), org, query))
    }
}
