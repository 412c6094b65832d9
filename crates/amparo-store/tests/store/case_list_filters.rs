//! The case list's filters (status, programme, critical care, due date, open or closed) in every
//! order, both directions: each filtered list, paged by offset and read in chunks, is the whole
//! organisation's list in the same order with the filters applied to its rows, and its count is
//! that list's length, capped where asked. The page's cases are chosen off the order's index
//! (migration 0035), so this holds the index's filter columns to the rows they stand for.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, CloseReason, Date, Program, Status};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{new_user, now, org};

const CASES: usize = 420;
const FAMILIES: [&str; 7] = ["Martínez", "Peña", "Abreu", "Zúñiga", "Castillo", "Ortega", "Bello"];

/// A case whose status, programme, critical care and deadlines vary with `n`: granted parole still
/// valid or long expired, a pending request, or none.
fn case_file(n: usize) -> CaseFile {
    let days = if n.is_multiple_of(3) { 3 } else { 400 };
    let (program, citizenship) = if n.is_multiple_of(5) { ("u4u", "UA") } else { ("humanitarian", "HN") };
    let day = 1 + n % 28;
    let events = match n % 4 {
        0 => serde_json::json!([{ "id": "g1", "type": "parole_granted", "on": "2025-06-03",
                                  "valid_until": format!("2027-0{}-{day:02}", 1 + n % 9) }]),
        1 => serde_json::json!([{ "id": "g1", "type": "parole_granted", "on": "2024-01-03",
                                  "valid_until": format!("2025-1{}-{day:02}", n % 3) }]),
        2 => {
            serde_json::json!([{ "id": "r1", "type": "parole_requested", "on": format!("2026-02-{day:02}") }])
        }
        _ => serde_json::json!([{ "id": "g1", "type": "parole_granted", "on": "2025-04-03",
                                  "valid_until": format!("2026-0{}-{day:02}", 4 + n % 5) }]),
    };
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": format!("F-{n:04}"),
            "program": program,
            "people": [
                { "key": "p1", "role": "patient", "given_name": format!("Nina{}", n % 11),
                  "family_name": FAMILIES[n % FAMILIES.len()], "citizenship": citizenship }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": days,
                         "available_in_origin_country": false, "attested_on": "2026-01-10" }
        },
        "events": events
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

struct Clinic {
    store: std::sync::Arc<Store>,
    org: OrgId,
}

/// The organisation's cases, every seventh of them closed, beside another organisation's.
fn clinic(db: &TestDatabase) -> Clinic {
    let store = db.store();
    let org = org(&store, "filters");
    let files: Vec<CaseFile> = (1..=CASES).map(case_file).collect();
    let imported = store.import_cases(&org, &files, None, now()).unwrap();
    let other = crate::support::org(&store, "elsewhere");
    store.import_cases(&other, &files[..20], None, now()).unwrap();
    let attorney =
        store.create_user(&org, &new_user("attorney@example.org", UserRole::Attorney), now()).unwrap();
    let actor = Actor::of(&attorney);
    for id in imported.iter().step_by(7) {
        let version = store.case(&org, id).unwrap().unwrap().version;
        let request = CloseRequest { expected_version: version, reason: CloseReason::Moved, note: None };
        store.close_case_as(&actor, id, &request, now()).unwrap();
    }
    Clinic { store, org }
}

/// The filters a list can set, and whether a case's row passes them.
fn passes(query: &CaseQuery, case: &CaseSummary) -> bool {
    let closed = match query.closed {
        ClosedFilter::Open => !case.closed,
        ClosedFilter::Closed => case.closed,
        ClosedFilter::All => true,
    };
    closed
        && query.status.is_none_or(|s| case.status == s)
        && query.program.is_none_or(|p| case.program == p)
        && (!query.critical_only || case.critical_care)
        && query.due_by.is_none_or(|by| case.next_due.is_some_and(|due| due <= by))
}

impl Clinic {
    /// Every case of a list, page after page of `limit`, by offset.
    fn paged(&self, query: &CaseQuery, limit: i64) -> Vec<CaseSummary> {
        let mut all = Vec::new();
        for offset in (0..).step_by(limit as usize) {
            let page =
                self.store.list_cases(&self.org, &CaseQuery { offset, limit, ..query.clone() }).unwrap();
            if page.cases.is_empty() {
                break;
            }
            all.extend(page.cases);
        }
        all
    }

    /// Every case of a list, chunk after chunk.
    fn chunked(&self, query: &CaseQuery) -> Vec<CaseSummary> {
        let (mut all, mut after) = (Vec::new(), None);
        loop {
            let chunk = self.store.case_list_chunk(&self.org, query, after.as_ref()).unwrap();
            all.extend(chunk.cases);
            match chunk.next {
                Some(next) => after = Some(next),
                None => return all,
            }
        }
    }

    /// The whole organisation in an order, open and closed, unfiltered.
    fn everything(&self, sort: CaseSort, descending: bool) -> Vec<CaseSummary> {
        let whole = CaseQuery { closed: ClosedFilter::All, sort, descending, ..CaseQuery::default() };
        self.paged(&whole, 100)
    }
}

fn references(cases: &[CaseSummary]) -> Vec<&str> {
    cases.iter().map(|c| c.reference.as_str()).collect()
}

amparo_store::on_both_backends!(
    every_filter_in_every_order_is_the_whole_list_filtered,
    filtered_counts_are_exact_below_the_cap_and_capped_above_it,
);

/// The filtered lists measured and shown most, and each filter alone.
fn filtered_lists(today: Date) -> Vec<CaseQuery> {
    let base = CaseQuery::default();
    vec![
        CaseQuery {
            status: Some(Status::Paroled),
            critical_only: true,
            due_by: Some(today.add_days(120)),
            ..base.clone()
        },
        CaseQuery { status: Some(Status::Expired), ..base.clone() },
        CaseQuery { status: Some(Status::Requested), program: Some(Program::U4u), ..base.clone() },
        CaseQuery { critical_only: true, ..base.clone() },
        CaseQuery { due_by: Some(today.add_days(60)), ..base.clone() },
        CaseQuery { closed: ClosedFilter::Closed, status: Some(Status::Paroled), ..base.clone() },
        CaseQuery { closed: ClosedFilter::All, program: Some(Program::Humanitarian), ..base },
    ]
}

fn every_filter_in_every_order_is_the_whole_list_filtered(db: &TestDatabase) {
    let c = clinic(db);
    let today = Date::from_ymd(2026, 3, 1).unwrap();
    for sort in [CaseSort::Reference, CaseSort::Patient, CaseSort::NextDeadline, CaseSort::Score] {
        for descending in [false, true] {
            let whole = c.everything(sort, descending);
            assert_eq!(whole.len(), CASES, "{sort:?}");
            for filter in filtered_lists(today) {
                let query = CaseQuery { sort, descending, ..filter };
                let expected: Vec<&CaseSummary> = whole.iter().filter(|case| passes(&query, case)).collect();
                assert!(!expected.is_empty(), "the fixture leaves no case for {query:?}");
                let expected: Vec<&str> = expected.iter().map(|case| case.reference.as_str()).collect();
                assert_eq!(references(&c.paged(&query, 37)), expected, "{query:?}");
                let in_chunks = CaseQuery { limit: 53, ..query.clone() };
                assert_eq!(references(&c.chunked(&in_chunks)), expected, "in chunks: {query:?}");
            }
        }
    }
}

fn filtered_counts_are_exact_below_the_cap_and_capped_above_it(db: &TestDatabase) {
    let c = clinic(db);
    let today = Date::from_ymd(2026, 3, 1).unwrap();
    let whole = c.everything(CaseSort::Reference, false);
    let mut capped_some = false;
    for filter in filtered_lists(today) {
        let matching = whole.iter().filter(|case| passes(&filter, case)).count() as i64;
        let exact = c.store.list_cases(&c.org, &CaseQuery { count_up_to: None, ..filter.clone() }).unwrap();
        assert_eq!((exact.total, exact.total_capped), (matching, false), "{filter:?}");
        for cap in [matching - 1, matching, 40] {
            let page =
                c.store.list_cases(&c.org, &CaseQuery { count_up_to: Some(cap), ..filter.clone() }).unwrap();
            let expected = if matching > cap { (cap, true) } else { (matching, false) };
            assert_eq!((page.total, page.total_capped), expected, "cap {cap}: {filter:?}");
            capped_some |= expected.1;
        }
    }
    assert!(capped_some);
}
