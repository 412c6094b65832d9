//! The case list's query string, shared by the page (`/cases`) and the API (`/api/v1/cases`):
//! `q`, `status`, `program`, `critical`, `assigned` (a person's id, or `me`), `due_within` (days),
//! `sort` (`reference`, `patient`, `next_deadline`, `score`), `dir` (`asc`, `desc`) and `closed`
//! (`open`, the default, `closed` or `all`); then `page`
//! for the page, or `offset` and `limit` for the API. A bad value is refused with a message naming
//! the parameter; the caller decides how to show it.

use amparo_domain::{Date, Problem, Status};
use amparo_store::{CASE_LIST_MAX_OFFSET, CaseQuery, CaseSort, ClosedFilter, UserId};

use crate::http::error::WebError;
use crate::http::input::{MAX_DUE_WITHIN_DAYS, Params};
use crate::ui::form::form_encode;

/// Rows on a page of `/cases`.
pub const PAGE_SIZE: i64 = 50;
/// The last page `/cases` shows (its offset is at most the store's bound).
pub const MAX_PAGE: i64 = CASE_LIST_MAX_OFFSET / PAGE_SIZE + 1;
/// The largest `limit` the API serves.
pub const MAX_LIMIT: i64 = 500;

/// Parameters every case list request may carry, besides the paging of each.
const FILTERS: [&str; 9] =
    ["q", "status", "program", "critical", "assigned", "due_within", "sort", "dir", "closed"];

/// What a request asks of the case list: the store's query, without its paging.
pub struct ListRequest {
    pub query: CaseQuery,
}

/// Parses the filters and order; `me` is the signed-in person, `today` the day `due_within` counts
/// from. Paging is left at the first rows.
pub fn parse(params: &Params, me: &UserId, today: Date) -> Result<ListRequest, WebError> {
    let sort = match params.get("sort") {
        None => CaseSort::default(),
        Some(text) => CaseSort::parse(text).ok_or_else(|| {
            let expected = CaseSort::ALL.iter().map(|s| s.as_str().to_owned()).collect();
            WebError::field("sort", Problem::UnknownValue { value: text.to_owned(), expected })
        })?,
    };
    let descending = match params.get("dir") {
        None => sort.descending_by_default(),
        Some("asc") => false,
        Some("desc") => true,
        Some(text) => {
            let expected = vec![String::from("asc"), String::from("desc")];
            return Err(WebError::field("dir", Problem::UnknownValue { value: text.to_owned(), expected }));
        }
    };
    let status = match params.get("status") {
        None => None,
        Some(text) => Some(Status::parse(text).ok_or_else(|| {
            let expected = Status::ALL.iter().map(|s| s.as_str().to_owned()).collect();
            WebError::field("status", Problem::UnknownValue { value: text.to_owned(), expected })
        })?),
    };
    let closed = match params.get("closed") {
        None => ClosedFilter::default(),
        Some(text) => ClosedFilter::parse(text).ok_or_else(|| {
            let expected = ClosedFilter::ALL.iter().map(|f| f.as_str().to_owned()).collect();
            WebError::field("closed", Problem::UnknownValue { value: text.to_owned(), expected })
        })?,
    };
    let assigned_to = match params.get("assigned") {
        None => None,
        Some("me") => Some(me.clone()),
        // Whether the person exists in the organisation is checked against the store.
        Some(id) => Some(UserId(id.to_owned())),
    };
    let query = CaseQuery {
        search: params.get("q").map(str::to_owned),
        status,
        program: params.program("program")?,
        critical_only: params.flag("critical")?,
        assigned_to,
        due_by: params.int("due_within", 0, MAX_DUE_WITHIN_DAYS)?.map(|days| today.add_days(days)),
        closed,
        sort,
        descending,
        ..CaseQuery::default()
    };
    Ok(ListRequest { query })
}

/// The page's own parameters: the filters and `page`, from 1 to [`MAX_PAGE`].
pub fn page_number(params: &Params) -> Result<i64, WebError> {
    params.only(&[&FILTERS[..], &["page"]].concat())?;
    Ok(params.int("page", 1, MAX_PAGE)?.unwrap_or(1))
}

/// A download's parameters: the filters alone, since it holds every row.
pub fn filters_only(params: &Params) -> Result<(), WebError> {
    params.only(&FILTERS)
}

/// The API's own parameters: the filters, `offset` (up to the store's bound) and `limit`.
pub fn offset_limit(params: &Params) -> Result<(i64, i64), WebError> {
    params.only(&[&FILTERS[..], &["offset", "limit"]].concat())?;
    let offset = params.int("offset", 0, CASE_LIST_MAX_OFFSET)?.unwrap_or(0);
    let limit = params.int("limit", 1, MAX_LIMIT)?.unwrap_or(50);
    Ok((offset, limit))
}

/// The query string of a list request, for links that keep its filters (sort headers, pages);
/// `sort` and `dir` replace the request's own order when given. Empty values are left out.
pub fn query_string(params: &Params, order: Option<(CaseSort, bool)>) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for name in FILTERS {
        if order.is_some() && matches!(name, "sort" | "dir") {
            continue;
        }
        if let Some(value) = params.get(name) {
            pairs.push((name.to_owned(), value.to_owned()));
        }
    }
    if let Some((sort, descending)) = order {
        pairs.push(("sort".into(), sort.as_str().into()));
        pairs.push(("dir".into(), if descending { "desc" } else { "asc" }.into()));
    }
    pairs.iter().map(|(k, v)| format!("{k}={}", form_encode(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn today() -> Date {
        "2026-11-01".parse().unwrap()
    }

    #[test]
    fn reads_every_filter() {
        let me = UserId("u1".into());
        let p = params(&[
            ("q", " Peña "),
            ("status", "paroled"),
            ("program", "u4u"),
            ("critical", "true"),
            ("assigned", "me"),
            ("due_within", "30"),
            ("sort", "next_deadline"),
            ("dir", "desc"),
            ("closed", "all"),
        ]);
        let q = parse(&p, &me, today()).unwrap().query;
        assert_eq!(q.search.as_deref(), Some("Peña"));
        assert_eq!(q.status, Some(Status::Paroled));
        assert!(q.critical_only);
        assert_eq!(q.assigned_to, Some(me));
        assert_eq!(q.due_by.map(|d| d.to_string()).as_deref(), Some("2026-12-01"));
        assert_eq!((q.sort, q.descending), (CaseSort::NextDeadline, true));
        assert_eq!(q.closed, ClosedFilter::All);
        assert_eq!(
            parse(&params(&[]), &UserId("u1".into()), today()).unwrap().query.closed,
            ClosedFilter::Open
        );
    }

    #[test]
    fn names_the_bad_parameter() {
        let me = UserId("u1".into());
        for (name, value) in [
            ("due_within", "abc"),
            ("status", "lost"),
            ("sort", "age"),
            ("dir", "up"),
            ("critical", "maybe"),
            ("closed", "yes"),
        ] {
            let error = parse(&params(&[(name, value)]), &me, today()).err().map(|e| e.to_string());
            assert!(error.as_deref().is_some_and(|e| e.starts_with(&format!("{name}:"))), "{error:?}");
        }
        assert!(page_number(&params(&[("page", "0")])).is_err());
        assert!(page_number(&params(&[("colour", "red")])).is_err());
        assert!(offset_limit(&params(&[("limit", "501")])).is_err());
    }

    #[test]
    fn links_keep_filters_and_replace_the_order() {
        let p = params(&[("q", "ana p"), ("status", "paroled"), ("sort", "patient"), ("page", "3")]);
        assert_eq!(query_string(&p, None), "q=ana+p&status=paroled&sort=patient");
        assert_eq!(
            query_string(&p, Some((CaseSort::Score, true))),
            "q=ana+p&status=paroled&sort=score&dir=desc"
        );
    }
}
