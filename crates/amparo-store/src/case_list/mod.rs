//! The case list: search, filters, order and bounded paging, chosen and ordered on the `cases` row
//! alone (off the indexes of migrations 0014 and 0035, which carry the filter columns) so that only
//! a page's rows are read and joined to their patient; a search starts from its words (migration
//! 0030) when they name few cases, see [`search`].

pub mod bare;
pub mod chunks;
pub(crate) mod search;
pub mod search_keys;
pub(crate) mod words;

use amparo_domain::{Program, Status};

use crate::Store;
use crate::columns::{from_millis, stored_date};
use crate::conditions::Conditions;
use crate::db::{Backend, Tx};
use crate::error::{StoreError, StoreResult};
use crate::model::{
    CASE_LIST_MAX_OFFSET, CaseId, CasePage, CaseQuery, CaseSort, CaseSummary, ClosedFilter, OrgId,
};
use crate::security::seal::Sealer;
use search::TermSearch;

fn list_cases(
    tx: &mut dyn Tx,
    backend: Backend,
    sealer: &Sealer,
    org: &OrgId,
    query: &CaseQuery,
) -> StoreResult<CasePage> {
    if !(0..=CASE_LIST_MAX_OFFSET).contains(&query.offset) {
        let problem = amparo_domain::Problem::WholeNumberBetween { min: 0, max: CASE_LIST_MAX_OFFSET };
        return Err(StoreError::field("offset", problem));
    }
    let term = plan_search(tx, sealer, org, query)?;
    let (total, total_capped) = count(tx, backend, org, query, term.as_ref())?;
    // A search with many cases walks the order's index, testing each row; one with few starts from them.
    let driving = term.as_ref().is_some_and(TermSearch::few);
    let conditions = conditions(org, query, term.as_ref(), driving);
    let order = if driving {
        sorted_order(query.sort, query.descending)
    } else {
        order_by(query.sort, query.descending)
    };
    let rows = select(tx, conditions, &order, query.limit, query.offset)?;
    let cases = rows.iter().map(summary).collect::<StoreResult<_>>()?;
    Ok(CasePage { cases, total, total_capped })
}

/// The query's search term, if any, with its plan.
fn plan_search(
    tx: &mut dyn Tx,
    sealer: &Sealer,
    org: &OrgId,
    query: &CaseQuery,
) -> StoreResult<Option<TermSearch>> {
    match query.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(term) => Ok(Some(TermSearch::plan(tx, sealer, org.as_str(), term)?)),
        None => Ok(None),
    }
}

/// How many cases the list holds, up to the query's `count_up_to`, and whether there are more. The
/// open cases of an unfiltered list are counted as the organisation's cases less its closed ones,
/// two counts read off indexes (the organisation's, and the closed cases' partial index), rather than
/// by reading every wide case row to test that it is open. A filtered list's count stops at the cap.
fn count(
    tx: &mut dyn Tx,
    backend: Backend,
    org: &OrgId,
    query: &CaseQuery,
    term: Option<&TermSearch>,
) -> StoreResult<(i64, bool)> {
    let cap = query.count_up_to.map(|cap| cap.max(0));
    if query.closed == ClosedFilter::Open && !narrowed(query) {
        let closed = tx.query_int(COUNT_CLOSED_CASES, &[org.as_str().into()])?;
        let all = match cap {
            // Enough of the organisation's cases to tell whether the open ones pass the cap.
            Some(cap) => tx.query_int(
                COUNT_CASES_UP_TO,
                &[org.as_str().into(), cap.saturating_add(1).saturating_add(closed).into()],
            )?,
            None => tx.query_int(COUNT_CASES, &[org.as_str().into()])?,
        };
        return Ok(capped(all - closed, cap));
    }
    if let (Backend::Postgres, Some(cap), Some(term)) = (backend, cap, term)
        && walks_first(query, term)
        && let Some(counted) = walked_count(tx, org, query, term, cap, WALKED_CASES)?
    {
        return Ok(counted);
    }
    // SQLite stops a `SELECT DISTINCT … LIMIT` as soon as it has its rows; PostgreSQL hashes or
    // sorts the whole input first, so there the words' cases are named as a set (hashed once,
    // then looked up only until the cap).
    let joined = match backend {
        Backend::Sqlite => term.and_then(TermSearch::joined_range),
        Backend::Postgres => None,
    };
    let mut conditions = conditions(org, query, term, joined.is_none());
    let counted = match joined {
        Some(range) => joined_count(&mut conditions, range, cap),
        None => {
            let where_sql = conditions.sql();
            match cap {
                Some(cap) => {
                    let limit = conditions.next(cap.saturating_add(1));
                    format!("SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE {where_sql} LIMIT {limit}) n")
                }
                None => format!("SELECT COUNT(*) FROM cases c WHERE {where_sql}"),
            }
        }
    };
    Ok(capped(tx.query_int(&counted, &conditions.params)?, cap))
}

/// Up to how many of the organisation's cases, in id order, a broad search's count walks on
/// PostgreSQL before it counts the cases its words name instead (see [`walked_count`]).
const WALKED_CASES: i64 = 20_000;

/// Whether a search's count on PostgreSQL walks the organisation's cases first: its words start
/// many cases (more than [`search::FEW`]), and nothing else narrows the list to a small share of
/// them (closed cases, a person's assignments or shares), so a thousand matches come soon.
fn walks_first(query: &CaseQuery, term: &TermSearch) -> bool {
    !term.few()
        && query.closed != ClosedFilter::Closed
        && query.assigned_to.is_none()
        && query.shared_with.is_none()
}

/// The count of a broad search on PostgreSQL, off the first `walk` cases ([`WALKED_CASES`]) of the
/// organisation walked in id order (an index-only scan of `cases_list_by_id`, which carries
/// `search_terms` and the filter columns), testing each and stopping at the cap's match. Counting
/// from the words instead, PostgreSQL hashes every word row of the prefix before it looks a case up
/// (10,249 rows for `ma` in an organisation of 50,000, ten times as many at 500,000), where the walk
/// goes as far at any size while the term's share of the cases holds. The count stands when it
/// passes the cap, or when the walk saw every case of the organisation (which is then counted up
/// to the walk's length, only in that case); `None` otherwise: the cases are then counted from the
/// words, as for any search.
fn walked_count(
    tx: &mut dyn Tx,
    org: &OrgId,
    query: &CaseQuery,
    term: &TermSearch,
    cap: i64,
    walk: i64,
) -> StoreResult<Option<(i64, bool)>> {
    let mut conditions = conditions(org, query, Some(term), false);
    let where_sql = conditions.sql();
    let walked = conditions.next(walk);
    let cap_param = conditions.next(cap);
    let limit = conditions.next(cap.saturating_add(1));
    // The walk is a subquery of its own, so that its LIMIT bounds the entries read, not the
    // matches; the organisation's cases are counted (a subquery run only when its CASE asks) only
    // when the matches did not reach the cap.
    let sql = format!(
        "SELECT n.found, CASE WHEN n.found <= {cap_param} THEN \
         (SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE org_id = $1 LIMIT {walked}) a) END \
         FROM (SELECT COUNT(*) AS found FROM (SELECT 1 FROM \
         (SELECT * FROM cases c WHERE c.org_id = $1 ORDER BY c.id LIMIT {walked}) c \
         WHERE {where_sql} LIMIT {limit}) m) n"
    );
    let Some(row) = tx.query_opt(&sql, &conditions.params)? else { return Ok(None) };
    let found = row.int(0)?;
    let whole_organisation = row.opt_int(1)?.is_some_and(|cases| cases < walk);
    Ok((found > cap || whole_organisation).then(|| capped(found, Some(cap))))
}

/// The count of a search, read from its rarest word's rows joined to their cases (`conditions`
/// test the rest on each case's covering index entry). A case holding two words of the range
/// (`maria` and `martinez` for `ma`) has two rows, so its cases are made distinct; capped, the
/// distinct cases are gathered only until one more than the cap, where naming them as a set
/// (`c.id IN (...)`) first gathered every word row of the range (some 10,000 for `ma` in an
/// organisation of 50,000 cases).
fn joined_count(conditions: &mut Conditions, (from, to): (&str, &str), cap: Option<i64>) -> String {
    let (from, to) = (conditions.next(from), conditions.next(to));
    let source = format!(
        "case_search_words w JOIN cases c ON c.id = w.case_id \
         WHERE w.org_id = $1 AND w.word >= {from} AND w.word < {to} AND {}",
        conditions.sql()
    );
    match cap {
        Some(cap) => {
            let limit = conditions.next(cap.saturating_add(1));
            format!("SELECT COUNT(*) FROM (SELECT DISTINCT w.case_id FROM {source} LIMIT {limit}) n")
        }
        None => format!("SELECT COUNT(DISTINCT w.case_id) FROM {source}"),
    }
}

/// A count and whether it passed the cap, the count then read as the cap.
fn capped(count: i64, cap: Option<i64>) -> (i64, bool) {
    match cap {
        Some(cap) if count > cap => (cap, true),
        _ => (count, false),
    }
}

const COUNT_CASES: &str = "SELECT COUNT(*) FROM cases WHERE org_id = $1";
const COUNT_CASES_UP_TO: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE org_id = $1 LIMIT $2) n";
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
    // The page's ids come off the order's index alone, which holds the filter columns (migration
    // 0035), and only then are their case rows read, each by its key (`IN`: as a joined subquery,
    // SQLite read every case of the organisation to match them). Each table carries the
    // organisation itself (`Conditions` keeps it at $1): across the page's subquery a distributed
    // engine could not carry it over, and would ask every shard.
    let list_sql = format!(
        "SELECT c.id, c.reference, c.program, c.version, c.updated_at, p.given_name, p.family_name, \
         (SELECT COUNT(*) FROM people q WHERE q.org_id = $1 AND q.case_id = c.id), c.critical_care, \
         c.status, c.triage_score, c.next_due, c.next_kind, c.patient_sort, c.due_sort, c.closed_at \
         FROM cases c JOIN people p ON p.org_id = $1 AND p.case_id = c.id AND p.role = 'patient' \
         WHERE c.org_id = $1 AND c.id IN \
         (SELECT c.id FROM cases c WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}) \
         ORDER BY {order}"
    );
    Ok(tx.query(&list_sql, &conditions.params)?)
}

/// The query's filters as SQL conditions on `cases c`; `driving`: whether the search's cases are
/// named as the set the query starts from (see [`TermSearch::add`]).
fn conditions(org: &OrgId, query: &CaseQuery, term: Option<&TermSearch>, driving: bool) -> Conditions {
    let mut conditions = Conditions::new(org.as_str());
    // Closed cases are few: the open list tests the row it walks anyway, the closed one reads them
    // off their partial index (migration 0020).
    match query.closed {
        ClosedFilter::Open => conditions.fixed("c.closed_at IS NULL"),
        ClosedFilter::Closed => conditions.fixed("c.closed_at IS NOT NULL"),
        ClosedFilter::All => {}
    }
    if let Some(term) = term {
        term.add(&mut conditions, driving);
    }
    match (query.status, term) {
        // A search's cases come off its words (or its order's index, testing each row): written as
        // an expression, the status cannot draw SQLite to the status index (migration 0038) instead,
        // to walk every case of that status and test the search on each of their rows.
        (Some(status), Some(_)) => conditions.push("c.status || '' = ?", status.as_str()),
        (Some(status), None) => conditions.push("c.status = ?", status.as_str()),
        (None, _) => {}
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
            "EXISTS (SELECT 1 FROM case_assignments a WHERE a.org_id = $1 AND a.case_id = c.id AND a.user_id = ?)",
            user.as_str(),
        );
    }
    if let Some(user) = &query.shared_with {
        conditions.push(
            "EXISTS (SELECT 1 FROM case_shares s WHERE s.org_id = $1 AND s.case_id = c.id AND s.user_id = ?)",
            user.as_str(),
        );
    }
    conditions
}

/// The order of a sort written as expressions no index holds, for a search whose few cases drive the
/// query: otherwise SQLite prefers walking the order's index (to avoid a sort) over looking its few
/// cases up, and reads most of the organisation to find them. Same order as [`order_by`].
fn sorted_order(sort: CaseSort, descending: bool) -> String {
    let dir = if descending { "DESC" } else { "ASC" };
    match sort {
        CaseSort::Reference => format!("c.reference || '' {dir}"),
        CaseSort::Patient => format!("c.patient_sort || '' {dir}, c.reference || '' {dir}"),
        CaseSort::NextDeadline => format!("c.due_sort || '' {dir}, c.reference || '' {dir}"),
        CaseSort::Score => format!("c.triage_score + 0 {dir}, c.reference || '' {dir}"),
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
    /// What the count of a broad search on PostgreSQL makes of a walk of `walk` cases (see
    /// [`walked_count`]): `None` when it is no count. For tests of walks shorter than
    /// [`WALKED_CASES`].
    #[doc(hidden)]
    pub fn case_list_walked_count(
        &self,
        org: &OrgId,
        query: &CaseQuery,
        walk: i64,
    ) -> StoreResult<Option<(i64, bool)>> {
        self.read(|tx| {
            let Some(term) = plan_search(tx, self.sealer(), org, query)? else { return Ok(None) };
            let cap = query.count_up_to.unwrap_or(i64::MAX - 1);
            walked_count(tx, org, query, &term, cap, walk)
        })
    }

    pub fn list_cases(&self, org: &OrgId, query: &CaseQuery) -> StoreResult<CasePage> {
        self.read(|tx| list_cases(tx, self.backend(), self.sealer(), org, query))
    }
}
