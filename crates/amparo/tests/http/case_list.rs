//! The case list through the router in process, on both backends: search by
//! reference, name, A-number and receipt number; each filter; sort orders; paging that stays stable
//! and keeps its filters; bad parameters named; clinicians kept to their shared cases; and another
//! organisation's cases never listed.

use crate::support::{PASSWORD, Reply, RouterApp, amparo, unix_now};
use amparo_domain::Date;
use amparo_store::testing::TestDatabase;
use serde_json::{Value, json};

/// Today as the server takes it (UTC), for deadlines a few days ahead.
fn today() -> Date {
    Date::from(chrono::DateTime::from_timestamp(unix_now() as i64, 0).unwrap().date_naive())
}

struct Seed {
    reference: &'static str,
    given: &'static str,
    family: &'static str,
    program: &'static str,
    days_to_harm: u32,
    a_number: Option<&'static str>,
    events: Value,
}

fn case_file(seed: &Seed) -> String {
    let mut patient = json!({ "key": "p1", "role": "patient", "given_name": seed.given, "family_name": seed.family,
                              "citizenship": "MX" });
    if let Some(a) = seed.a_number {
        patient["a_number"] = json!(a);
    }
    json!({
        "format": "amparo.case/1",
        "case": {
            "reference": seed.reference,
            "program": seed.program,
            "people": [patient, { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": seed.family }],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": seed.days_to_harm,
                         "available_in_origin_country": false, "attested_on": "2026-02-01" }
        },
        "events": seed.events
    })
    .to_string()
}

fn paroled() -> Value {
    json!([{ "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2030-09-30" }])
}

const RECEIPT: &str = "IOE0912345678";

/// Clinic A: four named cases and twelve more for paging; clinic B: a case with the same patient
/// name and A-number as clinic A's first.
fn seeds_a() -> Vec<Seed> {
    let rfe_due = today().add_days(10).to_string();
    let mut seeds = vec![
        Seed {
            reference: "L-001",
            given: "Lucía",
            family: "Ejemplo",
            program: "humanitarian",
            days_to_harm: 30,
            a_number: Some("A012345678"),
            events: json!([
                { "id": "r1", "type": "parole_requested", "on": "2025-09-01", "receipt_number": RECEIPT },
                { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2030-09-30" }
            ]),
        },
        Seed {
            reference: "L-002",
            given: "José",
            family: "Muñoz",
            program: "u4u",
            days_to_harm: 3,
            a_number: None,
            events: json!([
                { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2030-09-30" },
                { "id": "f1", "type": "rfe_received", "on": "2026-01-05", "served_by": "mail", "respond_by": rfe_due }
            ]),
        },
        Seed {
            reference: "L-003",
            given: "Ana",
            family: "Zamora",
            program: "humanitarian",
            days_to_harm: 60,
            a_number: None,
            events: json!([{ "id": "r1", "type": "parole_requested", "on": "2026-01-10" }]),
        },
        Seed {
            reference: "M-010",
            given: "Pedro",
            family: "García-López",
            program: "oaw",
            days_to_harm: 90,
            a_number: None,
            events: paroled(),
        },
    ];
    const FILLERS: [&str; 12] =
        ["P-01", "P-02", "P-03", "P-04", "P-05", "P-06", "P-07", "P-08", "P-09", "P-10", "P-11", "P-12"];
    for reference in FILLERS {
        seeds.push(Seed {
            reference,
            given: "Iker",
            family: "Relleno",
            program: "humanitarian",
            days_to_harm: 200,
            a_number: None,
            events: paroled(),
        });
    }
    seeds
}

const STAFF: [(&str, &str, &str); 3] = [
    ("ana@a.example.org", "Ana Abogada", "attorney"),
    ("abel@a.example.org", "Abel Apoyo", "advocate"),
    ("cleo@a.example.org", "Cleo Clínica", "clinician"),
];

struct List {
    app: RouterApp,
}

struct User {
    session: String,
    csrf: String,
}

impl List {
    fn start(db: &TestDatabase) -> List {
        let dir = tempfile::tempdir().unwrap();
        amparo(db, &["org", "add", "clinic-a", "--name", "Clinic A"], None);
        amparo(db, &["org", "add", "clinic-b", "--name", "Clinic B"], None);
        let b_staff = [("bo@b.example.org", "Bo Becerra", "attorney")];
        for (org, staff) in [("clinic-a", &STAFF[..]), ("clinic-b", &b_staff[..])] {
            for (email, name, role) in staff {
                let args = [
                    "user",
                    "add",
                    "--org",
                    org,
                    "--email",
                    email,
                    "--name",
                    name,
                    "--role",
                    role,
                    "--password-stdin",
                ];
                amparo(db, &args, Some(&format!("{PASSWORD}\n")));
            }
        }
        let b = Seed {
            reference: "B-1",
            given: "Lucía",
            family: "Ejemplo",
            program: "humanitarian",
            days_to_harm: 30,
            a_number: Some("A012345678"),
            events: paroled(),
        };
        for (org, seeds) in [("clinic-a", seeds_a()), ("clinic-b", vec![b])] {
            let mut args = vec!["import".to_owned(), "--org".to_owned(), org.to_owned()];
            for seed in &seeds {
                let path = dir.path().join(format!("{}.json", seed.reference));
                std::fs::write(&path, case_file(seed)).unwrap();
                args.push(path.to_str().unwrap().to_owned());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            amparo(db, &args, None);
        }
        List { app: RouterApp::over(db, dir) }
    }

    fn sign_in(&self, email: &str) -> User {
        let (session, csrf) = self.app.sign_in(email, PASSWORD);
        User { session, csrf }
    }

    fn get(&self, user: &User, path: &str) -> Reply {
        self.app.get(path, &user.session)
    }

    fn api(&self, user: &User, query: &str) -> Value {
        let reply = self.get(user, &format!("/api/v1/cases?{query}"));
        assert_eq!(reply.status, 200, "{query}: {}\n{}", reply.body, self.app.server_log());
        reply.json()
    }

    fn references(&self, user: &User, query: &str) -> Vec<String> {
        self.api(user, query)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["reference"].as_str().unwrap().to_owned())
            .collect()
    }

    fn id(&self, user: &User, reference: &str) -> String {
        self.api(user, &format!("q={reference}"))["items"][0]["id"].as_str().unwrap().to_owned()
    }

    /// A person's id, from the options of the list's "assigned to" filter.
    fn staff_id(&self, user: &User, label: &str) -> String {
        let page = self.get(user, "/cases").body;
        let end = page.find(&format!(">{label}</option>")).unwrap_or_else(|| panic!("no option {label:?}"));
        let start = page[..end].rfind("value=\"").unwrap() + "value=\"".len();
        page[start..end].split('"').next().unwrap().to_owned()
    }

    fn bad(&self, user: &User, path: &str) -> String {
        let reply = self.get(user, path);
        assert_eq!(reply.status, 422, "{path}: {}", reply.body);
        reply.body
    }
}

fn searches_find_by_reference_name_a_number_and_receipt(db: &TestDatabase) {
    let list = List::start(db);
    let abel = list.sign_in("abel@a.example.org");
    assert_eq!(list.references(&abel, "q=L-002"), ["L-002"]);
    assert_eq!(list.references(&abel, "q=l-00"), ["L-001", "L-002", "L-003"], "a reference prefix");
    assert_eq!(list.references(&abel, "q=munoz"), ["L-002"], "accents aside");
    assert_eq!(list.references(&abel, "q=MUÑOZ"), ["L-002"]);
    assert_eq!(list.references(&abel, "q=jos+mu"), ["L-002"], "every word a name's start");
    assert_eq!(list.references(&abel, "q=lopez"), ["M-010"], "each part of a compound name");
    assert_eq!(list.references(&abel, "q=garc%C3%ADa-l%C3%B3pez"), ["M-010"]);
    assert!(list.references(&abel, "q=oz").is_empty(), "the middle of a name is not its start");
    assert_eq!(list.references(&abel, "q=rosa").len(), 16, "any person of the case");
    assert_eq!(
        list.references(&abel, "q=A012345678"),
        ["L-001"],
        "the A-number, exactly, in this clinic only"
    );
    assert_eq!(list.references(&abel, "q=A-012-345-678"), ["L-001"], "written with dashes");
    assert_eq!(list.references(&abel, &format!("q={RECEIPT}")), ["L-001"], "the receipt number");
    assert!(list.references(&abel, "q=A012345679").is_empty());
    assert_eq!(list.references(&abel, "q=ejemplo"), ["L-001"], "clinic B's namesake stays there");
    let bo = list.sign_in("bo@b.example.org");
    assert_eq!(list.references(&bo, "q=A012345678"), ["B-1"]);
    assert_eq!(list.references(&bo, ""), ["B-1"]);
    // The page finds the same, with the term kept in the box.
    let page = list.get(&abel, "/cases?q=mu%C3%B1oz");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("value=\"muñoz\""), "{}", page.body);
    assert!(page.body.contains(">L-002</a>") && !page.body.contains(">L-001</a>"));
    let none = list.get(&abel, "/cases?q=nadie");
    assert!(none.body.contains("No case matches this search and these filters."), "{}", none.body);
    assert!(none.body.contains("href=\"/cases\""), "a way back to every case");
}

fn filters_sorts_and_pages(db: &TestDatabase) {
    let list = List::start(db);
    let abel = list.sign_in("abel@a.example.org");
    assert_eq!(list.api(&abel, "")["total"], 16);
    assert_eq!(list.references(&abel, "status=requested"), ["L-003"]);
    assert_eq!(list.references(&abel, "program=u4u"), ["L-002"]);
    assert_eq!(list.references(&abel, "program=oaw&status=paroled"), ["M-010"]);
    assert_eq!(list.references(&abel, "critical=true"), ["L-002"]);
    assert_eq!(list.references(&abel, "due_within=30"), ["L-002"], "the answer to the RFE in 10 days");
    assert!(list.references(&abel, "due_within=5").is_empty());
    let l002 = &list.api(&abel, "q=L-002")["items"][0];
    assert_eq!(l002["status"], "paroled");
    assert_eq!(l002["next_due"], today().add_days(10).to_string());
    assert_eq!(l002["critical_care"], true);
    // Assigned: nobody yet, then the attorney on L-002.
    let ana = list.staff_id(&abel, "Ana Abogada (Attorney)");
    assert!(list.references(&abel, &format!("assigned={ana}")).is_empty());
    let id = list.id(&abel, "L-002");
    let reply = list.app.post_json(
        &format!("/api/v1/cases/{id}/assignments"),
        &abel.session,
        &abel.csrf,
        &json!({ "role": "attorney", "user": ana }),
    );
    // Advocates do not assign staff; the attorney assigns herself.
    assert_eq!(reply.status, 403, "{}", reply.body);
    let ana_user = list.sign_in("ana@a.example.org");
    let reply = list.app.post_json(
        &format!("/api/v1/cases/{id}/assignments"),
        &ana_user.session,
        &ana_user.csrf,
        &json!({ "role": "attorney", "user": ana }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(list.references(&abel, &format!("assigned={ana}")), ["L-002"]);
    assert_eq!(list.references(&ana_user, "assigned=me"), ["L-002"]);

    // Sorts: each ends with the reference, so ties keep an order.
    let first = |q: &str| list.references(&abel, q).into_iter().take(4).collect::<Vec<_>>();
    assert_eq!(first("sort=reference"), ["L-001", "L-002", "L-003", "M-010"]);
    assert_eq!(first("sort=reference&dir=desc"), ["P-12", "P-11", "P-10", "P-09"]);
    assert_eq!(
        first("sort=patient"),
        ["L-001", "M-010", "L-002", "P-01"],
        "Ejemplo, García-López, Muñoz, Relleno…"
    );
    assert_eq!(first("sort=next_deadline")[0], "L-002");
    assert_eq!(first("sort=score")[0], "L-002", "the critical case with an RFE to answer is most urgent");
    let scores: Vec<i64> = list.api(&abel, "sort=score")["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["triage_score"].as_i64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // Paging: pages of five in each order join up to the whole list, with no case twice.
    for order in ["sort=reference", "sort=patient&dir=desc", "sort=next_deadline", "sort=score"] {
        let whole = list.references(&abel, &format!("{order}&limit=500"));
        let mut paged = Vec::new();
        for offset in [0, 5, 10, 15] {
            paged.extend(list.references(&abel, &format!("{order}&offset={offset}&limit=5")));
        }
        assert_eq!(paged, whole, "{order}");
        assert_eq!(whole.len(), 16);
    }
    // The page keeps filters and order in its sort headers and pager links.
    let page = list.get(&abel, "/cases?program=humanitarian&sort=patient&dir=desc").body;
    assert!(page.contains("aria-sort=\"descending\""), "{page}");
    assert!(page.contains("href=\"/cases?program=humanitarian&#38;sort=patient&#38;dir=asc\""), "{page}");
    assert!(page.contains("href=\"/cases?program=humanitarian&#38;sort=score&#38;dir=desc\""), "{page}");
    assert!(page.contains("Showing 1–14 of 14."), "{page}");
    let spanish = list.get(&abel, "/cases?status=requested").body;
    assert!(spanish.contains(">L-003</a>"));
}

fn bad_parameters_are_named_and_clinicians_see_their_cases(db: &TestDatabase) {
    let list = List::start(db);
    let abel = list.sign_in("abel@a.example.org");
    for (query, field) in [
        ("due_within=abc", "due_within"),
        ("due_within=-1", "due_within"),
        ("status=lost", "status"),
        ("program=elsewhere", "program"),
        ("sort=age", "sort"),
        ("dir=up", "dir"),
        ("critical=maybe", "critical"),
        ("assigned=nobody", "assigned"),
        ("colour=red", "colour"),
        ("offset=10001", "offset"),
        ("limit=0", "limit"),
    ] {
        let body = list.bad(&abel, &format!("/api/v1/cases?{query}"));
        let message = serde_json::from_str::<Value>(&body).unwrap()["message"].as_str().unwrap().to_owned();
        assert!(message.starts_with(&format!("{field}:")), "{query}: {message}");
    }
    let page = list.bad(&abel, "/cases?due_within=abc");
    assert!(page.contains("due_within: Write a whole number from 0 to 3,650."), "{page}");
    assert!(page.contains("id=\"due_within\" name=\"due_within\" type=\"text\" inputmode=\"numeric\" value=\"abc\" aria-invalid=\"true\""), "{page}");
    assert!(list.bad(&abel, "/cases?page=202").contains("page: Write a whole number from 1 to 201."));

    // A clinician lists only the cases shared with them, whatever the filters.
    let ana = list.sign_in("ana@a.example.org");
    let cleo_id = list.staff_id(&ana, "Cleo Clínica (Clinician)");
    let cleo = list.sign_in("cleo@a.example.org");
    assert_eq!(list.api(&cleo, "")["total"], 0);
    let id = list.id(&ana, "L-003");
    let reply = list.app.post_json(
        &format!("/api/v1/cases/{id}/shares"),
        &ana.session,
        &ana.csrf,
        &json!({ "clinician": cleo_id, "shared": true }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(list.references(&cleo, ""), ["L-003"]);
    assert_eq!(list.references(&cleo, "status=requested"), ["L-003"]);
    assert!(list.references(&cleo, "q=L-001").is_empty());
    assert!(list.references(&cleo, "q=A012345678").is_empty());
    let page = list.get(&cleo, "/cases").body;
    assert!(page.contains(">L-003</a>") && !page.contains(">L-001</a>"));
}

amparo_store::on_both_backends!(
    searches_find_by_reference_name_a_number_and_receipt,
    counts_past_a_thousand_say_more_than,
    filters_sorts_and_pages,
    bad_parameters_are_named_and_clinicians_see_their_cases,
);

/// Past 1,000 cases the page, the board and the API stop counting and say so; below it they count
/// exactly, and the pages past the thousandth case still link on.
fn counts_past_a_thousand_say_more_than(db: &TestDatabase) {
    let list = List::start(db);
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = (1..=1000)
        .map(|n| {
            let seed = Seed {
                reference: "",
                given: "Iker",
                family: "Relleno",
                program: "humanitarian",
                days_to_harm: 200,
                a_number: None,
                events: paroled(),
            };
            let text = case_file(&seed).replace("\"reference\":\"\"", &format!("\"reference\":\"Q-{n:04}\""));
            let path = dir.path().join(format!("Q-{n:04}.json"));
            std::fs::write(&path, text).unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect();
    let args: Vec<&str> =
        ["import", "--org", "clinic-a"].into_iter().chain(files.iter().map(String::as_str)).collect();
    amparo(db, &args, None);
    let abel = list.sign_in("abel@a.example.org");
    let all = list.api(&abel, "");
    assert_eq!((all["total"].clone(), all["total_capped"].clone()), (json!(1000), json!(true)));
    let broad = list.api(&abel, "q=relleno");
    assert_eq!((broad["total"].clone(), broad["total_capped"].clone()), (json!(1000), json!(true)));
    let rare = list.api(&abel, "q=zamora");
    assert_eq!((rare["total"].clone(), rare["total_capped"].clone()), (json!(1), json!(false)));
    // Past the cap the count reaches the end of the page asked for, and there are more still.
    let deep = list.api(&abel, "q=relleno&offset=1000&limit=5");
    assert_eq!((deep["total"].clone(), deep["total_capped"].clone()), (json!(1005), json!(true)));
    assert_eq!(deep["items"].as_array().unwrap().len(), 5);

    let page = list.get(&abel, "/cases?q=relleno").body;
    assert!(page.contains("Showing 1–50 of more than 1,000."), "{page}");
    assert!(!page.contains("1,012"), "no exact count past the cap");
    let twenty_first = list.get(&abel, "/cases?q=relleno&page=21").body;
    assert!(twenty_first.contains("Showing 1,001–1,012 of 1,012."), "{twenty_first}");
    let few = list.get(&abel, "/cases?q=zamora").body;
    assert!(few.contains("Showing 1–1 of 1."), "{few}");
    let board = list.get(&abel, "/triage").body;
    assert!(board.contains("of more than 1,000."), "{board}");
    assert!(board.contains("page=2"), "the board pages on past the cap");
}
