//! The case list read whole, a chunk at a time, for downloads. Each chunk continues after the last
//! row of the one before on the order's own columns (every order ends with the reference, so it is
//! total), so a chunk far into a large list costs what the first one does and the list has no
//! deepest page, unlike paging by offset.

use crate::Store;
use crate::db::Value;
use crate::error::StoreResult;
use crate::model::{CaseQuery, CaseSort, CaseSummary, OrgId};

/// Where the next chunk starts: just after this row in the list's order.
#[derive(Clone, Debug)]
pub struct CaseListCursor {
    /// The value of the order's column (none when the order is the reference alone).
    key: Option<Value>,
    reference: String,
}

/// One chunk of the list, and where the next one starts (`None` after the last).
pub struct CaseChunk {
    pub cases: Vec<CaseSummary>,
    pub next: Option<CaseListCursor>,
}

/// The column an order sorts by before the reference, and where [`super::select`] returns it.
fn sort_column(sort: CaseSort) -> Option<(&'static str, usize)> {
    match sort {
        CaseSort::Reference => None,
        CaseSort::Patient => Some(("c.patient_sort", 13)),
        CaseSort::NextDeadline => Some(("c.due_sort", 14)),
        CaseSort::Score => Some(("c.triage_score", 10)),
    }
}

fn cursor(sort: CaseSort, row: &crate::db::Row) -> StoreResult<CaseListCursor> {
    let key = match sort_column(sort) {
        None => None,
        Some((_, 10)) => Some(Value::from(row.int(10)?)),
        Some((_, index)) => Some(Value::from(row.text(index)?)),
    };
    Ok(CaseListCursor { key, reference: row.text(1)? })
}

impl Store {
    /// Up to `query.limit` cases of the list `query` asks for (its offset is ignored), starting
    /// after `after`, or at the first case without it.
    pub fn case_list_chunk(
        &self,
        org: &OrgId,
        query: &CaseQuery,
        after: Option<&CaseListCursor>,
    ) -> StoreResult<CaseChunk> {
        self.read(|tx| {
            let term = super::plan_search(tx, self.sealer(), org, query)?;
            let driving = term.as_ref().is_some_and(super::search::TermSearch::few);
            let mut conditions = super::conditions(org, query, term.as_ref(), driving);
            if let Some(after) = after {
                let beyond = if query.descending { "<" } else { ">" };
                let reference = conditions.next(after.reference.as_str());
                match (sort_column(query.sort), &after.key) {
                    (Some((column, _)), Some(key)) => {
                        let key = conditions.next(key.clone());
                        conditions.fixed(&format!(
                            "({column} {beyond} {key} OR ({column} = {key} AND c.reference {beyond} {reference}))"
                        ));
                    }
                    _ => conditions.fixed(&format!("c.reference {beyond} {reference}")),
                }
            }
            let order = if driving {
                super::sorted_order(query.sort, query.descending)
            } else {
                super::order_by(query.sort, query.descending)
            };
            let limit = query.limit.max(1);
            let rows = super::select(tx, conditions, &order, limit, 0)?;
            let next = match rows.last() {
                Some(last) if rows.len() as i64 == limit => Some(cursor(query.sort, last)?),
                _ => None,
            };
            let cases = rows.iter().map(super::summary).collect::<StoreResult<_>>()?;
            Ok(CaseChunk { cases, next })
        })
    }
}
