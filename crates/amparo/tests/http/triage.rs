//! Triage through the router in process, on both backends: escalations opened by
//! notices recorded through the API, the board's order, checklists completed and reassigned, bulk
//! programme reviews, the pages and their forms, and organisations kept apart.

use crate::support::{PASSWORD, Reply, RouterApp, amparo};
use amparo_store::testing::TestDatabase;
use serde_json::{Value, json};

/// A family paroled until 2030, so that no deadline of the rules comes near while these tests run;
/// the patient's care cannot stop for `days_to_harm` days (critical care at 7 or fewer).
fn case(reference: &str, days_to_harm: u32, country: &str, extra_events: Value) -> String {
    let mut events = vec![json!(
        { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2030-09-30", "class_of_admission": "DT" }
    )];
    events.extend(extra_events.as_array().cloned().unwrap_or_default());
    json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": if country == "UA" { "u4u" } else { "humanitarian" },
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
                  "citizenship": country, "birth_date": "2021-03-02" },
                { "key": "m1", "role": "parent", "given_name": "Tomás", "family_name": "Ejemplo", "citizenship": country }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": days_to_harm,
                         "available_in_origin_country": false, "attested_on": "2026-02-01" }
        },
        "events": events
    })
    .to_string()
}

fn termination(id: &str) -> Value {
    json!({ "id": id, "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" })
}

/// Staff of clinic A: an attorney, an advocate, a clinician, and an attorney who reads Spanish.
const STAFF: [(&str, &str, &str, &str); 4] = [
    ("ana@a.example.org", "Ana Abogada", "attorney", "en"),
    ("abel@a.example.org", "Abel Apoyo", "advocate", "en"),
    ("cleo@a.example.org", "Cleo Clínica", "clinician", "en"),
    ("esme@a.example.org", "Esme Letrada", "attorney", "es"),
];

/// A server with clinic A (its staff and `cases`) and clinic B (one attorney and one critical case).
struct Triage {
    app: RouterApp,
}

impl Triage {
    fn start(db: &TestDatabase, cases: &[(&str, String)]) -> Triage {
        let dir = tempfile::tempdir().unwrap();
        amparo(db, &["org", "add", "clinic-a", "--name", "Clinic A"], None);
        amparo(db, &["org", "add", "clinic-b", "--name", "Clinic B"], None);
        let clinic_b = [("bo@b.example.org", "Bo Becerra", "attorney", "en")];
        for (org, staff) in [("clinic-a", &STAFF[..]), ("clinic-b", &clinic_b[..])] {
            for (email, name, role, language) in staff {
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
                    "--language",
                    language,
                    "--password-stdin",
                ];
                amparo(db, &args, Some(&format!("{PASSWORD}\n")));
            }
        }
        let b_case = ("B-1", case("B-1", 3, "MX", json!([termination("t1")])));
        for (org, files) in [("clinic-a", cases), ("clinic-b", &[b_case][..])] {
            let mut args = vec!["import".to_owned(), "--org".to_owned(), org.to_owned()];
            for (reference, text) in files {
                let path = dir.path().join(format!("{reference}.json"));
                std::fs::write(&path, text).unwrap();
                args.push(path.to_str().unwrap().to_owned());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            amparo(db, &args, None);
        }
        Triage { app: RouterApp::over(db, dir) }
    }

    fn sign_in(&self, email: &str) -> User {
        let (session, csrf) = self.app.sign_in(email, PASSWORD);
        User { session, csrf }
    }

    fn case_id(&self, user: &User, reference: &str) -> String {
        self.app.case_id(&user.session, reference).0
    }

    fn version(&self, user: &User, case: &str) -> i64 {
        self.get(user, &format!("/api/v1/cases/{case}")).json()["version"].as_i64().unwrap()
    }

    fn get(&self, user: &User, path: &str) -> Reply {
        self.app.get(path, &user.session)
    }

    fn post(&self, user: &User, path: &str, body: &Value) -> Reply {
        self.app.post_json(path, &user.session, &user.csrf, body)
    }

    fn form(&self, user: &User, path: &str, fields: &[(&str, &str)]) -> Reply {
        let with_csrf: Vec<(&str, &str)> =
            [("csrf", user.csrf.as_str())].into_iter().chain(fields.iter().copied()).collect();
        self.app.post_form(path, &user.session, &with_csrf)
    }

    fn form_without_csrf(&self, user: &User, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.app.post_form(path, &user.session, fields)
    }

    /// Records an event through the API at the case's current version.
    fn record(&self, user: &User, case: &str, event: Value) {
        let body = json!({ "expected_version": self.version(user, case), "event": event });
        let reply = self.post(user, &format!("/api/v1/cases/{case}/events"), &body);
        assert_eq!(reply.status, 201, "{}", reply.body);
    }

    fn board(&self, user: &User, query: &str) -> Vec<Value> {
        let reply = self.get(user, &format!("/api/v1/triage{query}"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["items"].as_array().unwrap().clone()
    }

    fn references(&self, user: &User, query: &str) -> Vec<String> {
        self.board(user, query).iter().map(|e| e["reference"].as_str().unwrap().to_owned()).collect()
    }

    fn escalations(&self, user: &User, case: &str) -> Vec<Value> {
        let reply = self.get(user, &format!("/api/v1/cases/{case}/escalations"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["items"].as_array().unwrap().clone()
    }

    fn my_tasks(&self, user: &User) -> Vec<Value> {
        self.get(user, "/api/v1/tasks").json()["items"].as_array().unwrap().clone()
    }

    /// The ids of clinic A's staff, read from the options of the case page's assignment form.
    fn staff_ids(&self, user: &User, case: &str) -> Vec<String> {
        let page = self.get(user, &format!("/cases/{case}")).body;
        STAFF
            .iter()
            .map(|(_, name, role, _)| option_value(&page, &format!("{name} ({})", role_in_english(role))))
            .collect()
    }

    /// Assigns attorney, advocate and clinician through the API.
    fn staff(&self, user: &User, case: &str, ids: &[String]) {
        for (role, id) in ["attorney", "advocate", "clinician"].into_iter().zip(ids) {
            let reply = self.post(
                user,
                &format!("/api/v1/cases/{case}/assignments"),
                &json!({ "role": role, "user": id }),
            );
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
    }
}

struct User {
    session: String,
    csrf: String,
}

/// A staff role as the English pages name it.
fn role_in_english(role: &str) -> String {
    let mut letters = role.chars();
    letters.next().map(|first| first.to_uppercase().chain(letters).collect()).unwrap_or_default()
}

/// The value of the `<option>` whose text is `label`.
fn option_value(html: &str, label: &str) -> String {
    let end = html.find(&format!(">{label}</option>")).unwrap_or_else(|| panic!("no option {label:?}"));
    let start = html[..end].rfind("value=\"").unwrap() + "value=\"".len();
    html[start..end].split('"').next().unwrap().to_owned()
}

fn message(reply: &Reply) -> String {
    reply.json()["message"].as_str().unwrap().to_owned()
}

amparo_store::on_both_backends!(
    a_termination_on_a_critical_case_escalates_and_tops_the_board,
    the_same_notice_on_a_non_critical_case_raises_it_without_escalating,
    answering_the_trigger_closes_the_escalation,
    completing_every_task_over_http_closes_the_escalation,
    a_programme_review_opens_one_task_per_case_once,
    the_board_refuses_bad_filters_by_name,
    pages_render_and_their_forms_need_the_csrf_token,
    the_reviews_page_previews_and_opens_reviews,
    another_organisation_gets_404,
);

fn a_termination_on_a_critical_case_escalates_and_tops_the_board(db: &TestDatabase) {
    let t = Triage::start(
        db,
        &[
            ("CRIT-1", case("CRIT-1", 3, "UA", json!([]))),
            ("TERM-1", case("TERM-1", 90, "MX", json!([termination("t1")]))),
        ],
    );
    let ana = t.sign_in("ana@a.example.org");
    let crit = t.case_id(&ana, "CRIT-1");
    let ids = t.staff_ids(&ana, &crit);
    t.staff(&ana, &crit, &ids);
    assert_eq!(
        t.references(&ana, ""),
        ["TERM-1", "CRIT-1"],
        "a family under a termination notice comes first"
    );
    assert!(t.escalations(&ana, &crit).is_empty());
    t.record(
        &ana,
        &crit,
        json!({ "id": "t1", "type": "termination_notice", "on": "2026-03-01", "served_by": "personal", "depart_by": "2026-03-08" }),
    );
    let escalations = t.escalations(&ana, &crit);
    assert_eq!(escalations.len(), 1);
    let escalation = &escalations[0];
    assert_eq!(escalation["trigger_kind"], "termination_notice");
    assert!(escalation["closed_at"].is_null() && escalation["critical_care"] == true);
    let tasks = escalation["tasks"].as_array().unwrap();
    assert!(tasks.len() >= 3, "a checklist: {tasks:?}");
    for task in tasks {
        let expected = match task["owner_role"].as_str().unwrap() {
            "attorney" => &ids[0],
            "advocate" => &ids[1],
            "clinician" => &ids[2],
            other => panic!("task for {other}"),
        };
        assert_eq!(task["owner_id"].as_str(), Some(expected.as_str()));
        assert!(task["done_at"].is_null() && task["overdue"] == false);
    }
    let board = t.board(&ana, "");
    assert_eq!(board[0]["reference"], "CRIT-1");
    assert_eq!(
        (board[0]["critical_care"].as_bool(), board[0]["open_escalations"].as_i64()),
        (Some(true), Some(1))
    );
    let codes: Vec<&str> =
        board[0]["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"termination_notice") && codes.contains(&"patient_critical"), "{codes:?}");
    assert_eq!(t.references(&ana, "?critical=true"), ["CRIT-1"]);
    assert_eq!(t.references(&ana, "?program=u4u"), ["CRIT-1"]);
    assert_eq!(t.references(&ana, "?mine=true"), ["CRIT-1"], "ana works CRIT-1 only");
    let abel = t.sign_in("abel@a.example.org");
    assert_eq!(t.references(&abel, "?mine=true&critical=true"), ["CRIT-1"]);
    let esme = t.sign_in("esme@a.example.org");
    assert!(t.references(&esme, "?mine=true").is_empty());
    let paged = t.get(&ana, "/api/v1/triage?offset=1&limit=1").json();
    assert_eq!((paged["total"].as_i64(), paged["items"][0]["reference"].as_str()), (Some(2), Some("TERM-1")));
    let mine = t.my_tasks(&ana);
    assert!(!mine.is_empty() && mine.iter().all(|task| task["reference"] == "CRIT-1"));
}

fn the_same_notice_on_a_non_critical_case_raises_it_without_escalating(db: &TestDatabase) {
    let t = Triage::start(
        db,
        &[("CALM-1", case("CALM-1", 90, "MX", json!([]))), ("CALM-2", case("CALM-2", 90, "MX", json!([])))],
    );
    let ana = t.sign_in("ana@a.example.org");
    let calm2 = t.case_id(&ana, "CALM-2");
    let score = |board: &[Value]| {
        board.iter().find(|e| e["reference"] == "CALM-2").unwrap()["score"].as_i64().unwrap()
    };
    let before = score(&t.board(&ana, ""));
    assert_eq!(t.references(&ana, ""), ["CALM-1", "CALM-2"], "equal scores, by reference");
    t.record(&ana, &calm2, termination("t1"));
    assert!(t.escalations(&ana, &calm2).is_empty(), "not critical care: no escalation");
    let after = t.board(&ana, "");
    assert!(score(&after) > before, "{} > {before}", score(&after));
    assert_eq!(after[0]["reference"], "CALM-2");
    assert_eq!(after[0]["open_escalations"], 0);
}

fn answering_the_trigger_closes_the_escalation(db: &TestDatabase) {
    let t = Triage::start(db, &[("NOID-1", case("NOID-1", 60, "MX", json!([])))]);
    let ana = t.sign_in("ana@a.example.org");
    let id = t.case_id(&ana, "NOID-1");
    let ids = t.staff_ids(&ana, &id);
    t.staff(&ana, &id, &ids);
    t.record(
        &ana,
        &id,
        json!({ "id": "n1", "type": "noid_received", "on": "2026-03-01", "served_by": "online", "respond_by": "2026-03-31" }),
    );
    let opened = t.escalations(&ana, &id);
    assert_eq!(
        (opened.len(), opened[0]["trigger_kind"].as_str()),
        (1, Some("noid_received")),
        "a NOID escalates any case"
    );
    assert!(!t.my_tasks(&ana).is_empty());
    t.record(&ana, &id, json!({ "id": "n2", "type": "noid_answered", "on": "2026-03-10" }));
    let closed = t.escalations(&ana, &id);
    assert_eq!(closed.len(), 1, "the history stays on the case");
    assert!(!closed[0]["closed_at"].is_null());
    assert!(closed[0]["close_reason"].as_str().unwrap().contains("resolved"), "{}", closed[0]);
    assert!(t.my_tasks(&ana).is_empty(), "tasks of a closed escalation are not open");
    assert_eq!(t.board(&ana, "")[0]["open_escalations"], 0);
    let page = t.get(&ana, &format!("/cases/{id}")).body;
    assert!(page.contains("Closed: notice of intent to deny (NOID) received 2026-03-01"), "{page}");
    assert!(page.contains("no longer needed"), "unfinished tasks of a closed escalation say so");
}

fn completing_every_task_over_http_closes_the_escalation(db: &TestDatabase) {
    let t = Triage::start(db, &[("CRIT-TERM", case("CRIT-TERM", 3, "MX", json!([termination("t1")])))]);
    let ana = t.sign_in("ana@a.example.org");
    let abel = t.sign_in("abel@a.example.org");
    let id = t.case_id(&ana, "CRIT-TERM");
    let ids = t.staff_ids(&ana, &id);
    let escalation = t.escalations(&ana, &id).remove(0);
    let tasks: Vec<String> = escalation["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| task["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        escalation["tasks"].as_array().unwrap().iter().all(|task| task["owner_id"].is_null()),
        "nobody was assigned"
    );

    // Reassigning: to the advocate, refused for a stranger, refused with a bad body or without the token.
    let reassign = format!("/api/v1/tasks/{}/reassign", tasks[0]);
    let given = t.post(&ana, &reassign, &json!({ "owner": ids[1] }));
    assert_eq!(given.status, 200, "{}", given.body);
    assert_eq!(given.json()["task"]["owner_id"], ids[1].as_str());
    assert_eq!(t.my_tasks(&abel).len(), 1);
    let stranger = t.post(&ana, &reassign, &json!({ "owner": "no-such-user" }));
    assert_eq!(stranger.status, 422);
    assert!(message(&stranger).starts_with("owner:"), "{}", stranger.body);
    let bad = t.post(&ana, &reassign, &json!({ "owner": 7 }));
    assert_eq!(bad.status, 422);
    assert!(message(&bad).starts_with("owner:"), "{}", bad.body);
    let unknown_field = t.post(&ana, &reassign, &json!({ "owner": ids[1], "urgent": true }));
    assert_eq!(unknown_field.status, 422);
    assert!(message(&unknown_field).contains("urgent"), "{}", unknown_field.body);
    assert_eq!(t.app.post_json(&reassign, &ana.session, "forged", &json!({ "owner": ids[0] })).status, 403);

    let (last, rest) = tasks.split_last().unwrap();
    for task in rest {
        let done =
            t.post(&abel, &format!("/api/v1/tasks/{task}/complete"), &json!({ "note": "Done; see file." }));
        assert_eq!(done.status, 200, "{}", done.body);
        let done = done.json();
        assert_eq!(done["escalation_closed"], false);
        assert_eq!(
            (done["task"]["note"].as_str(), done["task"]["done_by"].as_str()),
            (Some("Done; see file."), Some(ids[1].as_str()))
        );
    }
    assert!(t.escalations(&ana, &id)[0]["closed_at"].is_null(), "one task is still open");
    let again = t.post(&abel, &format!("/api/v1/tasks/{}/complete", rest[0]), &json!({}));
    assert_eq!(again.status, 409, "{}", again.body);
    let bad_note = t.post(&ana, &format!("/api/v1/tasks/{last}/complete"), &json!({ "note": ["x"] }));
    assert_eq!(bad_note.status, 422);
    assert!(message(&bad_note).starts_with("note:"), "{}", bad_note.body);
    assert_eq!(
        t.app.post_json(&format!("/api/v1/tasks/{last}/complete"), &ana.session, "", &json!({})).status,
        403
    );
    let closing = t.post(&ana, &format!("/api/v1/tasks/{last}/complete"), &json!({}));
    assert_eq!(closing.status, 200, "{}", closing.body);
    assert_eq!(closing.json()["escalation_closed"], true);
    let closed = t.escalations(&ana, &id).remove(0);
    assert_eq!(closed["close_reason"], "every task of the checklist is done");
    assert!(closed["tasks"].as_array().unwrap().iter().all(|task| !task["done_at"].is_null()));
    let missing = t.post(&ana, "/api/v1/tasks/no-such-task/complete", &json!({}));
    assert_eq!((missing.status, missing.json()["error"].as_str()), (404, Some("not_found")));
    assert_eq!(t.get(&ana, "/api/v1/cases/no-such-case/escalations").status, 404);
}

fn a_programme_review_opens_one_task_per_case_once(db: &TestDatabase) {
    let t = Triage::start(
        db,
        &[
            ("UA-1", case("UA-1", 60, "UA", json!([]))),
            ("UA-2", case("UA-2", 60, "UA", json!([]))),
            ("MX-1", case("MX-1", 60, "MX", json!([]))),
        ],
    );
    let ana = t.sign_in("ana@a.example.org");
    let ua1 = t.case_id(&ana, "UA-1");
    let ids = t.staff_ids(&ana, &ua1);
    t.staff(&ana, &ua1, &ids);
    let preview = t.get(&ana, "/api/v1/reviews/preview?citizenship=UA").json();
    let selected: Vec<&str> =
        preview["items"].as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap()).collect();
    assert_eq!((preview["total"].as_i64(), selected), (Some(2), vec!["UA-1", "UA-2"]));
    let preview = t
        .get(&ana, "/api/v1/reviews/preview?program=u4u&class_of_admission=dt&parole_ends_before=2031-01-01");
    assert_eq!(preview.json()["total"], 2, "{}", preview.body);
    let review = json!({ "selection": { "citizenship": "UA" }, "key": "u4u-ended-2026",
                         "title_en": "Review: programme ended by notice", "title_es": "Revisar: el programa terminó por aviso",
                         "due_in_hours": 72 });
    assert_eq!(t.app.post_json("/api/v1/reviews", &ana.session, "forged", &review).status, 403);
    let first = t.post(&ana, "/api/v1/reviews", &review);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json(), json!({ "selected": 2, "created": 2 }));
    let again = t.post(&ana, "/api/v1/reviews", &review);
    assert_eq!(again.json(), json!({ "selected": 2, "created": 0 }), "repeating the review changes nothing");
    let mine = t.my_tasks(&ana);
    assert_eq!(mine.len(), 1, "owned by the attorney of UA-1, the one case that has one");
    assert_eq!(
        (mine[0]["reference"].as_str(), mine[0]["title_en"].as_str()),
        (Some("UA-1"), Some("Review: programme ended by notice"))
    );
    for (reference, count) in [("UA-1", 1), ("UA-2", 1), ("MX-1", 0)] {
        let page = t.get(&ana, &format!("/cases/{}", t.case_id(&ana, reference))).body;
        assert_eq!(page.matches("Review: programme ended by notice").count(), count, "{reference}");
    }
    let refusals = [
        (
            json!({ "selection": { "program": "nope" }, "key": "k", "title_en": "a", "title_es": "b", "due_in_hours": 1 }),
            "selection.program",
        ),
        (
            json!({ "selection": {}, "key": "k", "title_en": "a", "title_es": "b", "due_in_hours": 1 }),
            "selection:",
        ),
        (
            json!({ "selection": { "citizenship": "Ukraine" }, "key": "k", "title_en": "a", "title_es": "b", "due_in_hours": 1 }),
            "citizenship:",
        ),
        (
            json!({ "selection": { "citizenship": "UA" }, "key": "k", "title_en": "a", "title_es": "b", "due_in_hours": 100000 }),
            "due_in_hours:",
        ),
        (
            json!({ "selection": { "citizenship": "UA" }, "key": "", "title_en": "a", "title_es": "b", "due_in_hours": 1 }),
            "key:",
        ),
        (
            json!({ "selection": { "citizenship": "UA" }, "key": "k", "title_en": "a", "due_in_hours": 1 }),
            "title_es: missing field `title_es`",
        ),
        (
            json!({ "selection": { "parole_ends_before": "2026-02-30" }, "key": "k", "title_en": "a", "title_es": "b", "due_in_hours": 1 }),
            "selection.parole_ends_before",
        ),
    ];
    for (body, field) in refusals {
        let refused = t.post(&ana, "/api/v1/reviews", &body);
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert!(message(&refused).starts_with(field), "{field}: {}", refused.body);
    }
    let bad_preview = t.get(&ana, "/api/v1/reviews/preview?parole_ends_before=soon");
    assert_eq!(bad_preview.status, 422);
    assert!(message(&bad_preview).starts_with("parole_ends_before:"));
    assert_eq!(t.my_tasks(&ana).len(), 1, "refused reviews opened nothing");
}

fn the_board_refuses_bad_filters_by_name(db: &TestDatabase) {
    let t = Triage::start(db, &[("CALM-1", case("CALM-1", 90, "MX", json!([])))]);
    let ana = t.sign_in("ana@a.example.org");
    for (query, field) in [
        ("due_within=soon", "due_within:"),
        ("due_within=-1", "due_within:"),
        ("critical=maybe", "critical:"),
        ("program=mars", "program:"),
        ("limit=0", "limit:"),
        ("offset=-5", "offset:"),
        ("crtical=true", "crtical: unknown parameter"),
    ] {
        let reply = t.get(&ana, &format!("/api/v1/triage?{query}"));
        assert_eq!(reply.status, 422, "{query}");
        assert!(message(&reply).starts_with(field), "{query}: {}", reply.body);
    }
    let within = t.board(&ana, "?due_within=3650");
    assert_eq!(within.len(), 1, "the re-parole deadline falls before 2030");
    assert!(within[0]["next_due"].is_string());
    assert_eq!(t.references(&ana, "?due_within="), ["CALM-1"], "an empty filter is no filter");
    let id = t.case_id(&ana, "CALM-1");
    let assign = format!("/api/v1/cases/{id}/assignments");
    for (body, field) in [
        (json!({ "role": "viewer", "user": null }), "role:"),
        (json!({ "role": "judge", "user": null }), "role:"),
        (json!({ "role": "attorney" }), "user: missing field `user`"),
        (json!({ "role": "attorney", "user": "no-such-user" }), "user:"),
    ] {
        let reply = t.post(&ana, &assign, &body);
        assert_eq!(reply.status, 422, "{body}");
        assert!(message(&reply).starts_with(field), "{body}: {}", reply.body);
    }
    assert_eq!(
        t.post(&ana, "/api/v1/cases/no-such-case/assignments", &json!({ "role": "attorney", "user": null }))
            .status,
        404
    );
    let cleared = t.post(&ana, &assign, &json!({ "role": "attorney", "user": null }));
    assert_eq!((cleared.status, cleared.json()["assignments"].as_array().map(Vec::len)), (200, Some(0)));
}

fn pages_render_and_their_forms_need_the_csrf_token(db: &TestDatabase) {
    let t = Triage::start(
        db,
        &[
            ("CRIT-TERM", case("CRIT-TERM", 3, "MX", json!([termination("t1")]))),
            ("CALM-1", case("CALM-1", 90, "UA", json!([]))),
        ],
    );
    let ana = t.sign_in("ana@a.example.org");
    let home = t.get(&ana, "/");
    assert_eq!(home.status, 200, "the dashboard");
    assert!(home.body.contains("<h1>Dashboard</h1>") && home.body.contains("href=\"/triage\""));

    let board = t.get(&ana, "/triage");
    assert_eq!(board.status, 200);
    for expected in [
        "<h1>Triage</h1>",
        "CRIT-TERM",
        "CALM-1",
        "critical care",
        "Nina Ejemplo",
        "termination notice of 2026-02-27",
        "href=\"/tasks\"",
    ] {
        assert!(board.body.contains(expected), "the board lacks {expected:?}");
    }
    assert!(board.body.find("CRIT-TERM").unwrap() < board.body.find("CALM-1").unwrap(), "most urgent first");
    let critical = t.get(&ana, "/triage?critical=true&mine=false&program=&due_within=").body;
    assert!(critical.contains("CRIT-TERM") && !critical.contains(">CALM-1<"));
    let ukraine = t.get(&ana, "/triage?program=u4u").body;
    assert!(ukraine.contains(">CALM-1<") && !ukraine.contains(">CRIT-TERM<"));
    let refused = t.get(&ana, "/triage?due_within=soon");
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("due_within: expected a whole number"), "{}", refused.body);
    let esme = t.sign_in("esme@a.example.org");
    let spanish = t.get(&esme, "/triage").body;
    assert!(
        spanish.contains("aviso de terminación del 27 de febrero de 2026"),
        "reasons in the reader's language"
    );

    // The case page: the escalation with its checklist, and the assignment forms.
    let id = t.case_id(&ana, "CRIT-TERM");
    let page = t.get(&ana, &format!("/cases/{id}"));
    assert_eq!(page.status, 200);
    for expected in [
        "Escalations and tasks",
        "Open <span class=\"badge critical\">critical care</span>: termination notice of 2026-02-27",
        "Mark done",
        "<h2 id=\"assigned-h\">Assigned</h2>",
        "Attorney: nobody",
    ] {
        assert!(page.body.contains(expected), "the case page lacks {expected:?}");
    }
    let ids = t.staff_ids(&ana, &id);
    let path = format!("/cases/{id}/assignments");
    let fields = [("role", "attorney"), ("user", ids[0].as_str())];
    assert_eq!(t.form_without_csrf(&ana, &path, &fields).status, 403);
    assert_eq!(
        t.app
            .post_form(&path, &ana.session, &[("csrf", "forged"), ("role", "attorney"), ("user", &ids[0])])
            .status,
        403
    );
    assert!(
        t.get(&ana, &format!("/cases/{id}")).body.contains("Attorney: nobody"),
        "a refused form changed nothing"
    );
    let assigned = t.form(&ana, &path, &fields);
    assert_eq!(
        (assigned.status, assigned.header("location")),
        (303, Some(format!("/cases/{id}#assigned").as_str()))
    );
    assert!(t.get(&ana, &format!("/cases/{id}")).body.contains("Attorney: Ana Abogada"));

    // Tasks: reassign one to ana by form, see it on her list, complete it from the case page.
    let escalation = t.escalations(&ana, &id).remove(0);
    let task = escalation["tasks"][0]["id"].as_str().unwrap().to_owned();
    let title = escalation["tasks"][0]["title_en"].as_str().unwrap().to_owned();
    let reassign = format!("/tasks/{task}/reassign");
    assert_eq!(t.form_without_csrf(&ana, &reassign, &[("owner", &ids[0])]).status, 403);
    let given = t.form(&ana, &reassign, &[("owner", &ids[0]), ("back", "tasks")]);
    assert_eq!((given.status, given.header("location")), (303, Some("/tasks?notice=reassigned")));
    let tasks = t.get(&ana, "/tasks?notice=reassigned");
    assert_eq!(tasks.status, 200);
    for expected in [
        "<h1>My tasks</h1>",
        "Task reassigned.",
        "CRIT-TERM",
        title.as_str(),
        "Mark done",
        "Give to",
        "Ana Abogada (Attorney)",
    ] {
        assert!(tasks.body.contains(expected), "my tasks lacks {expected:?}");
    }
    assert!(!tasks.body.contains("badge overdue"), "due in hours, not yet overdue");
    let complete = format!("/tasks/{task}/complete");
    // Assigned as attorney, ana also took over the checklist's attorney tasks that had no owner.
    let before = t.my_tasks(&ana).len();
    assert!(before >= 2, "the reassigned task and the adopted attorney tasks");
    assert_eq!(t.form_without_csrf(&ana, &complete, &[("note", "x")]).status, 403);
    assert_eq!(t.my_tasks(&ana).len(), before, "a refused form changed nothing");
    let done = t.form(&ana, &complete, &[("note", "Called the family and the clinic"), ("back", "case")]);
    assert_eq!(
        (done.status, done.header("location")),
        (303, Some(format!("/cases/{id}#escalations").as_str()))
    );
    assert_eq!(t.my_tasks(&ana).len(), before - 1);
    assert!(
        t.my_tasks(&ana).iter().all(|m| m["id"].as_str() != Some(task.as_str())),
        "the done task left the list"
    );
    let page = t.get(&ana, &format!("/cases/{id}")).body;
    assert!(
        page.contains("Note: Called the family and the clinic") && page.contains("by Ana Abogada"),
        "{page}"
    );
    assert_eq!(t.form(&ana, &complete, &[("note", "again")]).status, 409, "done once only");
    for rest in t.my_tasks(&ana) {
        let path = format!("/tasks/{}/complete", rest["id"].as_str().unwrap());
        assert_eq!(t.form(&ana, &path, &[("note", "done")]).status, 303);
    }
    assert!(t.get(&ana, "/tasks").body.contains("Nothing is waiting for you."));

    // A review due at once is overdue, listed first and marked so.
    let review = [
        ("program", ""),
        ("class_of_admission", ""),
        ("citizenship", "MX"),
        ("parole_ends_before", ""),
        ("key", "call-today"),
        ("title_en", "Call the family today"),
        ("title_es", "Llamar hoy a la familia"),
        ("due_in_hours", "0"),
    ];
    assert_eq!(t.form(&ana, "/reviews", &review).status, 200);
    let reassign_second = format!("/tasks/{}/reassign", escalation["tasks"][1]["id"].as_str().unwrap());
    assert_eq!(t.form(&ana, &reassign_second, &[("owner", &ids[0])]).status, 303);
    let tasks = t.get(&ana, "/tasks").body;
    assert!(tasks.contains("badge overdue") && tasks.contains("1 overdue"), "{tasks}");
    assert!(
        tasks.find("Call the family today").unwrap()
            < tasks.find(escalation["tasks"][1]["title_en"].as_str().unwrap()).unwrap(),
        "overdue first"
    );
    assert!(t.get(&esme, "/tasks").body.contains("No tiene tareas pendientes."), "Esme reads Spanish");
}

fn the_reviews_page_previews_and_opens_reviews(db: &TestDatabase) {
    let t = Triage::start(
        db,
        &[
            ("UA-1", case("UA-1", 60, "UA", json!([]))),
            ("UA-2", case("UA-2", 60, "UA", json!([]))),
            ("MX-1", case("MX-1", 60, "MX", json!([]))),
        ],
    );
    let ana = t.sign_in("ana@a.example.org");
    let empty = t.get(&ana, "/reviews");
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("<h1>Programme review</h1>") && !empty.body.contains("Open review tasks"));
    let preview = t.get(&ana, "/reviews?program=u4u&class_of_admission=&citizenship=&parole_ends_before=");
    assert_eq!(preview.status, 200);
    assert!(
        preview.body.contains("Check the 2 selected cases")
            && preview.body.contains(">UA-1<")
            && preview.body.contains(">UA-2<")
    );
    assert!(!preview.body.contains(">MX-1<") && preview.body.contains("Open review tasks"));
    let bad = t.get(&ana, "/reviews?citizenship=Ukraine");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("citizenship:"), "{}", bad.body);
    let nothing = t.get(&ana, "/reviews?program=&citizenship=");
    assert_eq!(nothing.status, 422);
    assert!(nothing.body.contains("selection: Give at least one condition"), "{}", nothing.body);
    let fields = [
        ("program", "u4u"),
        ("class_of_admission", ""),
        ("citizenship", ""),
        ("parole_ends_before", ""),
        ("key", "u4u-review"),
        ("title_en", "Review the programme change"),
        ("title_es", "Revisar el cambio del programa"),
        ("due_in_hours", "72"),
    ];
    assert_eq!(t.form_without_csrf(&ana, "/reviews", &fields).status, 403);
    let opened = t.form(&ana, "/reviews", &fields);
    assert_eq!(opened.status, 200);
    assert!(
        opened.body.contains("Opened 2 review tasks on 2 cases selected; 0 cases already had it."),
        "{}",
        opened.body
    );
    let again = t.form(&ana, "/reviews", &fields);
    assert!(
        again.body.contains("Opened 0 review tasks on 2 cases selected; 2 cases already had it."),
        "{}",
        again.body
    );
    let mut missing_title = fields;
    missing_title[5] = ("title_en", "");
    let refused = t.form(&ana, "/reviews", &missing_title);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("title_en: Write 1 to 200 characters."), "{}", refused.body);
    let page = t.get(&ana, &format!("/cases/{}", t.case_id(&ana, "UA-2"))).body;
    assert_eq!(page.matches("Review the programme change").count(), 1);
    assert!(page.contains("Attorney: nobody assigned"));
}

fn another_organisation_gets_404(db: &TestDatabase) {
    let t = Triage::start(db, &[("CRIT-TERM", case("CRIT-TERM", 3, "MX", json!([termination("t1")])))]);
    let ana = t.sign_in("ana@a.example.org");
    let bo = t.sign_in("bo@b.example.org");
    let a_case = t.case_id(&ana, "CRIT-TERM");
    let a_task = t.escalations(&ana, &a_case)[0]["tasks"][0]["id"].as_str().unwrap().to_owned();
    let b_case = t.case_id(&bo, "B-1");
    let bo_id = option_value(&t.get(&bo, &format!("/cases/{b_case}")).body, "Bo Becerra (Attorney)");

    assert_eq!(t.get(&bo, &format!("/api/v1/cases/{a_case}/escalations")).status, 404);
    assert_eq!(t.get(&bo, &format!("/cases/{a_case}")).status, 404);
    assert_eq!(t.post(&bo, &format!("/api/v1/tasks/{a_task}/complete"), &json!({ "note": "x" })).status, 404);
    assert_eq!(
        t.post(&bo, &format!("/api/v1/tasks/{a_task}/reassign"), &json!({ "owner": bo_id })).status,
        404
    );
    assert_eq!(
        t.post(
            &bo,
            &format!("/api/v1/cases/{a_case}/assignments"),
            &json!({ "role": "attorney", "user": bo_id })
        )
        .status,
        404
    );
    assert_eq!(t.form(&bo, &format!("/tasks/{a_task}/complete"), &[("note", "x")]).status, 404);
    assert_eq!(t.form(&bo, &format!("/tasks/{a_task}/reassign"), &[("owner", &bo_id)]).status, 404);
    assert_eq!(
        t.form(&bo, &format!("/cases/{a_case}/assignments"), &[("role", "attorney"), ("user", &bo_id)])
            .status,
        404
    );
    let across = t.post(
        &ana,
        &format!("/api/v1/cases/{a_case}/assignments"),
        &json!({ "role": "attorney", "user": bo_id }),
    );
    assert_eq!(across.status, 422, "a user of another organisation is no user here");
    let across = t.post(&ana, &format!("/api/v1/tasks/{a_task}/reassign"), &json!({ "owner": bo_id }));
    assert_eq!(across.status, 422);
    assert_eq!(t.references(&bo, ""), ["B-1"]);
    assert_eq!(t.references(&ana, ""), ["CRIT-TERM"]);
    let review = json!({ "selection": { "citizenship": "MX" }, "key": "k", "title_en": "a", "title_es": "b", "due_in_hours": 1 });
    assert_eq!(
        t.post(&bo, "/api/v1/reviews", &review).json(),
        json!({ "selected": 1, "created": 1 }),
        "B-1 only"
    );
    assert!(t.escalations(&ana, &a_case)[0]["tasks"][0]["done_at"].is_null(), "nothing of A's was touched");
    assert!(t.get(&ana, &format!("/cases/{a_case}")).body.contains("Mark done"));
}
