//! The case list at a size where its plans differ: more than 1,000 cases, so that a broad name
//! search walks the list's order while a rare one starts from its few cases, and counts stop at the
//! cap. Partial names with accents folded, whole references, A-numbers, filters combined with a
//! search, capped counts, paging that neither skips nor repeats a case, and search words that follow
//! a renamed person.

use std::collections::BTreeSet;

use amparo_domain::CaseFile;
use amparo_domain::case_edit::CaseEdit;
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{new_user, now, org};

/// Cases in the organisation: `BROAD` of them with a Martínez patient, the rest split among rarer names.
const CASES: usize = 1_150;
const BROAD: usize = 1_080;
const RARE: [&str; 3] = ["Muñoz", "Peña", "Zúñiga"];

fn reference(n: usize) -> String {
    format!("S-{n:04}")
}

fn a_number(n: usize) -> String {
    format!("A{:09}", 200_000_000 + n)
}

fn family(n: usize) -> &'static str {
    if n <= BROAD { "Martínez" } else { RARE[n % RARE.len()] }
}

/// Odd cases are critical-care (three days to harm), even ones are not.
fn case_file(n: usize) -> CaseFile {
    named_case_file(n, ("Nina", family(n)), (parent(n), family(n)))
}

/// The parent's given name: Tomás in most cases, so that "Tomás Martínez" names 940 cases, fewer
/// than either of its words (1,010 and 1,080).
fn parent(n: usize) -> &'static str {
    if n > 140 { "Tomás" } else { "Pablo" }
}

/// Case `n` with its patient's and parent's given and family names.
fn named_case_file(n: usize, patient: (&str, &str), parent: (&str, &str)) -> CaseFile {
    let days = if n % 2 == 1 { 3 } else { 400 };
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference(n),
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": patient.0, "family_name": patient.1,
                  "a_number": a_number(n), "citizenship": "HN" },
                { "key": "m1", "role": "parent", "given_name": parent.0, "family_name": parent.1 }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": days,
                         "available_in_origin_country": false, "attested_on": "2026-01-10" }
        },
        "events": [{ "id": "g1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2027-06-02" }]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

struct Clinic {
    store: std::sync::Arc<Store>,
    org: OrgId,
}

fn clinic(db: &TestDatabase) -> Clinic {
    let store = db.store();
    let org = org(&store, "lists");
    let files: Vec<CaseFile> = (1..=CASES).map(case_file).collect();
    store.import_cases(&org, &files, None, now()).unwrap();
    // A second organisation with the same names and numbers, never found from the first.
    let other = crate::support::org(&store, "elsewhere");
    store.import_cases(&other, &[case_file(1), case_file(CASES)], None, now()).unwrap();
    Clinic { store, org }
}

fn capped(search: &str) -> CaseQuery {
    CaseQuery { search: Some(search.into()), count_up_to: Some(CASE_LIST_COUNT_CAP), ..CaseQuery::default() }
}

impl Clinic {
    fn page(&self, query: &CaseQuery) -> CasePage {
        self.store.list_cases(&self.org, query).unwrap()
    }

    fn references(&self, query: &CaseQuery) -> Vec<String> {
        self.page(query).cases.into_iter().map(|c| c.reference).collect()
    }

    /// Every case of a list, page after page of `limit`, by offset.
    fn paged(&self, query: &CaseQuery, limit: i64) -> Vec<String> {
        let mut all = Vec::new();
        for offset in (0..).step_by(limit as usize) {
            let page = self.references(&CaseQuery { offset, limit, ..query.clone() });
            if page.is_empty() {
                break;
            }
            all.extend(page);
        }
        all
    }
}

/// The references of cases `n` for which `keep` holds, in reference order.
fn expected(keep: impl Fn(usize) -> bool) -> Vec<String> {
    (1..=CASES).filter(|n| keep(*n)).map(reference).collect()
}

amparo_store::on_both_backends!(
    partial_names_find_their_cases_with_accents_folded_and_counts_capped,
    whole_references_and_a_numbers_are_looked_up_directly,
    filters_combine_with_a_search_of_either_size,
    paging_through_a_search_neither_skips_nor_repeats,
    search_words_follow_a_renamed_person,
    a_case_holding_two_words_of_a_prefix_is_counted_once,
    two_common_words_find_the_few_cases_holding_both,
);

/// A broad search's count on PostgreSQL walks the organisation's cases in id order, and stands only
/// when it passed the cap or saw every case; otherwise the cases are counted from their words.
/// 1,080 of the 1,150 cases are Martínez cases, so any 1,100 of them hold more than 1,000.
#[test]
fn a_walked_count_stands_only_past_the_cap_or_over_the_whole_organisation() {
    let Some(db) = TestDatabase::postgres() else {
        eprintln!("PostgreSQL test skipped: set {}", amparo_store::testing::POSTGRES_URL_VAR);
        return;
    };
    let c = clinic(&db);
    let walked = |query: &CaseQuery, walk: i64| c.store.case_list_walked_count(&c.org, query, walk).unwrap();
    let mart = capped("mart");
    assert_eq!(walked(&mart, 1_100), Some((CASE_LIST_COUNT_CAP, true)), "1,001 matches within 1,100 cases");
    assert_eq!(walked(&mart, 900), None, "900 matches and more cases beyond: no count");
    let nina = CaseQuery { count_up_to: Some(5_000), ..capped("nina") };
    assert_eq!(walked(&nina, 2_000), Some((CASES as i64, false)), "every case seen: exact");
    assert_eq!(walked(&nina, CASES as i64), None, "as many cases as walked: there may be more");
    // Where the walk is no count, the list counts from the words: the same figures.
    let critical = CaseQuery { critical_only: true, ..nina.clone() };
    assert_eq!(walked(&critical, 100), None);
    assert_eq!(c.page(&critical).total, CASES as i64 / 2);
    assert_eq!(c.page(&mart).total, CASE_LIST_COUNT_CAP);
}

fn partial_names_find_their_cases_with_accents_folded_and_counts_capped(db: &TestDatabase) {
    let c = clinic(db);
    let munoz = expected(|n| family(n) == "Muñoz");
    for term in ["muñoz", "MUNOZ", "Mun", "nina muñ"] {
        let page = c.page(&capped(term));
        assert_eq!((page.total, page.total_capped), (munoz.len() as i64, false), "{term}");
        assert_eq!(page.cases.iter().map(|c| c.reference.clone()).collect::<Vec<_>>(), munoz, "{term}");
    }
    assert!(c.page(&capped("unoz")).cases.is_empty(), "the middle of a name is not its start");
    // A broad name: the count stops at the cap and says so; uncounted, it is exact.
    let broad = c.page(&capped("mart"));
    assert_eq!((broad.total, broad.total_capped), (CASE_LIST_COUNT_CAP, true));
    assert_eq!(broad.cases.len(), 50);
    assert!(broad.cases.iter().all(|s| s.patient_name == "Nina Martínez"));
    // On PostgreSQL that count walks the organisation's cases until the cap's match, rather than
    // hashing every word of the prefix; SQLite's joined count already stops at the cap.
    let statements = c.store.case_list_statements(&c.org, &capped("mart")).unwrap();
    let walks = statements.iter().filter(|s| s.sql.contains("ORDER BY c.id LIMIT")).count();
    assert_eq!(walks, usize::from(c.store.backend() == Backend::Postgres), "{statements:?}");
    let exact = c.page(&CaseQuery { count_up_to: None, ..capped("martinez") });
    assert_eq!((exact.total, exact.total_capped), (BROAD as i64, false));
    // The whole list is capped too, and exact below the cap.
    let all = c.page(&CaseQuery { count_up_to: Some(CASE_LIST_COUNT_CAP), ..CaseQuery::default() });
    assert_eq!((all.total, all.total_capped), (CASE_LIST_COUNT_CAP, true));
    let under = c.page(&CaseQuery { count_up_to: Some(5_000), ..CaseQuery::default() });
    assert_eq!((under.total, under.total_capped), (CASES as i64, false));
    let names = c.page(&CaseQuery { count_up_to: Some(5_000), ..capped("nina") });
    assert_eq!((names.total, names.total_capped), (CASES as i64, false), "a broad search counted in full");
}

fn whole_references_and_a_numbers_are_looked_up_directly(db: &TestDatabase) {
    let c = clinic(db);
    assert_eq!(c.references(&capped("S-0007")), ["S-0007"]);
    assert_eq!(c.references(&capped("s-1149")), ["S-1149"]);
    assert_eq!(c.references(&capped(&reference(BROAD + 2))), [reference(BROAD + 2)], "a rare patient's case");
    assert_eq!(c.references(&capped(&a_number(42))), [reference(42)]);
    let dashed = format!("A-{}", &a_number(1_100)[1..]);
    assert_eq!(c.references(&capped(&dashed)), [reference(1_100)], "written with a dash");
    assert!(c.references(&capped("A999999999")).is_empty(), "no such A-number");
    let page = c.page(&capped(&a_number(CASES)));
    assert_eq!((page.total, page.total_capped), (1, false), "the other organisation's namesake stays there");
}

fn filters_combine_with_a_search_of_either_size(db: &TestDatabase) {
    let c = clinic(db);
    let critical = |search: &str| CaseQuery { critical_only: true, count_up_to: None, ..capped(search) };
    // Rare: the few Peña cases, the critical ones among them.
    let pena = expected(|n| family(n) == "Peña" && n % 2 == 1);
    assert!(!pena.is_empty());
    assert_eq!(c.references(&critical("pena")), pena);
    // Broad: the critical Martínez cases, counted exactly and listed from the first.
    let page = c.page(&critical("martinez"));
    assert_eq!(page.total, (BROAD as i64 + 1) / 2);
    assert_eq!(
        page.cases.iter().map(|s| s.reference.clone()).collect::<Vec<_>>(),
        expected(|n| n <= BROAD && n % 2 == 1)[..50]
    );
    // A status no case has, with either search, finds nothing.
    for term in ["martinez", "pena"] {
        let none = CaseQuery { status: Some(amparo_domain::Status::Terminated), ..capped(term) };
        assert_eq!((c.page(&none).total, c.page(&none).cases.len()), (0, 0), "{term}");
    }
    // An A-number with a filter it fails.
    let even = CaseQuery { critical_only: true, ..capped(&a_number(42)) };
    assert!(c.references(&even).is_empty());
}

fn paging_through_a_search_neither_skips_nor_repeats(db: &TestDatabase) {
    let c = clinic(db);
    // Broad search by patient: every patient is "Martínez Nina", so the reference breaks the ties.
    let by_patient = CaseQuery { sort: CaseSort::Patient, ..capped("martinez") };
    let paged = c.paged(&by_patient, 97);
    assert_eq!(paged, expected(|n| n <= BROAD));
    // Rare search by next deadline, descending, in pages of 4.
    let rare = CaseQuery { sort: CaseSort::NextDeadline, descending: true, ..capped("zuniga") };
    let paged = c.paged(&rare, 4);
    let whole = c.references(&CaseQuery { limit: 500, ..rare.clone() });
    assert_eq!(paged, whole);
    let unique: BTreeSet<&String> = paged.iter().collect();
    assert_eq!(unique.len(), paged.len());
    assert_eq!(unique.into_iter().cloned().collect::<Vec<_>>(), expected(|n| family(n) == "Zúñiga"));
}

fn search_words_follow_a_renamed_person(db: &TestDatabase) {
    let c = clinic(db);
    let attorney =
        c.store.create_user(&c.org, &new_user("attorney@example.org", UserRole::Attorney), now()).unwrap();
    let actor = Actor::of(&attorney);
    let id = c.page(&capped("S-0010")).cases[0].id.clone();
    let stored = c.store.case(&c.org, &id).unwrap().unwrap();
    let mut person = stored.file.case.person("p1").unwrap().clone();
    person.family_name = "Quiñónez".into();
    let edit = CaseEdit::UpdatePerson { key: "p1".into(), person };
    c.store.edit_case_as(&actor, &id, stored.version, &edit, now()).unwrap();
    assert_eq!(c.references(&capped("quinonez")), ["S-0010"]);
    // The parent is still a Martínez, so the case stays under that name too.
    assert!(c.references(&capped("martinez s-0010")).contains(&"S-0010".to_owned()));
    let mut parent = stored.file.case.person("m1").unwrap().clone();
    parent.family_name = "Quiñónez".into();
    let version = c.store.case(&c.org, &id).unwrap().unwrap().version;
    c.store
        .edit_case_as(
            &actor,
            &id,
            version,
            &CaseEdit::UpdatePerson { key: "m1".into(), person: parent },
            now(),
        )
        .unwrap();
    let exact = c.page(&CaseQuery { count_up_to: None, ..capped("martinez") });
    assert_eq!(exact.total, BROAD as i64 - 1, "no word of the old name is left");
    assert!(c.references(&capped("martinez s-0010")).is_empty());
}

/// A count is of cases, not of the words found: Marta Mateo's case holds three words starting `ma`
/// (her mother is Marisol), and is counted once below the cap, at it and past it, with a filter, and
/// uncapped.
fn a_case_holding_two_words_of_a_prefix_is_counted_once(db: &TestDatabase) {
    let store = db.store();
    let org = org(&store, "names");
    // Cases 1–30: Marta Mateo, her mother Marisol; 31–40: Marta Ruiz, her father Pablo; 41–50: nobody
    // named "ma…".
    let files: Vec<CaseFile> = (1..=50)
        .map(|n| match n {
            1..=30 => named_case_file(n, ("Marta", "Mateo"), ("Marisol", "Mateo")),
            31..=40 => named_case_file(n, ("Marta", "Ruiz"), ("Pablo", "Ruiz")),
            _ => named_case_file(n, ("Nina", "Peña"), ("Tomás", "Peña")),
        })
        .collect();
    store.import_cases(&org, &files, None, now()).unwrap();
    let c = Clinic { store, org };
    let counted = |term: &str, cap: Option<i64>| {
        let page = c.page(&CaseQuery { search: Some(term.into()), count_up_to: cap, ..CaseQuery::default() });
        (page.total, page.total_capped)
    };
    for (cap, expected) in
        [(Some(10), (10, true)), (Some(39), (39, true)), (Some(40), (40, false)), (None, (40, false))]
    {
        assert_eq!(counted("ma", cap), expected, "ma, counted up to {cap:?}");
    }
    assert_eq!(counted("mar", Some(39)), (39, true), "Marta and Marisol in each of cases 1–30");
    assert_eq!(counted("mar", Some(40)), (40, false));
    assert_eq!(counted("marta ma", Some(1_000)), (40, false), "two words, both starting ma");
    assert_eq!(counted("ma pablo", None), (10, false));
    // With a filter: the odd cases are critical-care.
    let critical = c.page(&CaseQuery { critical_only: true, count_up_to: Some(15), ..capped("ma") });
    assert_eq!((critical.total, critical.total_capped), (15, true));
    let critical = c.page(&CaseQuery { critical_only: true, count_up_to: Some(20), ..capped("ma") });
    assert_eq!((critical.total, critical.total_capped), (20, false));
    assert_eq!(critical.cases.len(), 20);
    assert_eq!(counted("zz", Some(10)), (0, false), "a prefix no word starts");
}

/// Each word of "Tomás Martínez" starts more than 1,000 cases, the cases holding both are 940: they
/// are found, counted exactly, ordered and paged as any list's; when the cases holding every word
/// are many, the count stops at the cap as for one broad word.
fn two_common_words_find_the_few_cases_holding_both(db: &TestDatabase) {
    let c = clinic(db);
    let both = expected(|n| parent(n) == "Tomás" && family(n) == "Martínez");
    assert_eq!(both.len(), 940);
    for term in ["tomas martinez", "Martínez Tomás", "tom mart nina"] {
        let page = c.page(&capped(term));
        assert_eq!((page.total, page.total_capped), (940, false), "{term}");
        let references: Vec<String> = page.cases.into_iter().map(|s| s.reference).collect();
        assert_eq!(references, both[..50], "{term}");
    }
    // The cases found drive the list: after the words are read, neither the count nor the page
    // reads them again; they name the 940 cases.
    let statements = c.store.case_list_statements(&c.org, &capped("tomas martinez")).unwrap();
    let (words, list): (Vec<_>, Vec<_>) = statements
        .iter()
        .partition(|s| s.sql.starts_with("SELECT") && s.sql.contains("FROM case_search_words"));
    assert_eq!(words.len(), 4, "two probes, two ranges read: {words:?}");
    assert_eq!(list.len(), 2, "the count and the page");
    for statement in list {
        assert!(!statement.sql.contains("case_search_words"), "{}", statement.sql);
        assert!(statement.params.len() > 940, "{} values", statement.params.len());
    }
    // Every patient is "Martínez Nina": the reference breaks the ties, in pages of 200.
    let by_patient = CaseQuery { sort: CaseSort::Patient, ..capped("tomas martinez") };
    assert_eq!(c.paged(&by_patient, 200), both);
    let by_deadline =
        CaseQuery { sort: CaseSort::NextDeadline, descending: true, ..capped("martinez tomas") };
    let paged = c.paged(&by_deadline, 300);
    assert_eq!(paged, c.references(&CaseQuery { limit: 1_000, ..by_deadline.clone() }));
    assert_eq!(paged.iter().cloned().collect::<BTreeSet<_>>(), both.iter().cloned().collect::<BTreeSet<_>>());
    // With a filter: the critical-care (odd) ones among them.
    let critical = c.page(&CaseQuery { critical_only: true, count_up_to: None, ..capped("tomas martinez") });
    assert_eq!(critical.total, 470);
    assert!(critical.cases.iter().all(|s| s.critical_care));
    // "Nina Tomás": 1,010 cases hold both, past the cap.
    let many = c.page(&capped("nina tomas"));
    assert_eq!((many.total, many.total_capped), (CASE_LIST_COUNT_CAP, true));
    let references: Vec<String> = many.cases.into_iter().map(|s| s.reference).collect();
    assert_eq!(references, expected(|n| parent(n) == "Tomás")[..50]);
}
