//! One shape for every list the API answers: `{"items": [...], "total": n, "next": link | null}`.
//! `items` is this page, `total` how many the whole list holds, and `next` the site-relative
//! address of the following page (the request's own parameters, the paging one moved on) or null
//! on the last page. A list that is never paged is one page: its `total` is its length and `next`
//! is null. A client walks any list the same way: follow `next` until it is null.

use serde::Serialize;
use utoipa::ToSchema;

use crate::http::input::Params;

/// The paging fields every list answer carries beside its `items` (the document's `Paging`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "total": 120, "next": "/api/v1/cases?program=u4u&offset=50" }))]
pub struct Paging {
    /// How many the whole list holds (all pages).
    pub total: i64,
    /// The address of the next page, or null on the last one.
    pub next: Option<String>,
}

impl Paging {
    /// A list that is one page: all of it is here.
    pub fn whole(len: usize) -> Paging {
        Paging { total: i64::try_from(len).unwrap_or(i64::MAX), next: None }
    }

    /// A page of `shown` rows from `offset` in a list of `total`, whose next page is asked for at
    /// `path` with `params` and `key` set to `after` (an offset, or a page number).
    pub fn of(path: &str, params: &Params, (key, after): (&str, i64), more: bool, total: i64) -> Paging {
        let next = more.then(|| link(path, params, key, after));
        Paging { total, next }
    }
}

/// `path?params` with `key` replaced by `value`.
fn link(path: &str, params: &Params, key: &str, value: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, given) in params.0.iter().filter(|(name, _)| name != key) {
        query.append_pair(name, given);
    }
    query.append_pair(key, &value.to_string());
    format!("{path}?{}", query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_keeps_the_request_and_moves_its_offset() {
        let params = Params(vec![("program".into(), "u4u".into()), ("offset".into(), "0".into())]);
        let page = Paging::of("/api/v1/cases", &params, ("offset", 50), true, 120);
        assert_eq!(page.next.as_deref(), Some("/api/v1/cases?program=u4u&offset=50"));
        assert_eq!(Paging::of("/api/v1/cases", &params, ("offset", 150), false, 120).next, None);
        let words = Params(vec![("q".into(), "muñoz l-00".into())]);
        let spaced = Paging::of("/api/v1/cases", &words, ("offset", 50), true, 60);
        assert_eq!(spaced.next.as_deref(), Some("/api/v1/cases?q=mu%C3%B1oz+l-00&offset=50"));
        assert_eq!(Paging::whole(3).total, 3);
    }
}
