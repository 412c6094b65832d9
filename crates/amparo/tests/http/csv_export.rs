//! CSV downloads of the case list, deadlines and tasks, on both backends, read back with Python's
//! `csv` module: headers in the reader's language, the list's filters kept, a clinician's download
//! holding only the cases shared with them, a formula in a name neutralised, attachment headers,
//! and an audit entry (ids and counts, no values) for each download; the API serves the same files
//! to a token, refusing a wrong parameter as JSON.

use std::io::Write;
use std::process::{Command, Stdio};

use amparo_domain::CaseFile;
use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use crate::support::fixtures::{add_user, case_json};
use crate::support::site::{Request, Transport};
use crate::support::snapshots::seed_at;
use crate::support::{PASSWORD, Reply, RouterApp, amparo};

amparo_store::on_both_backends!(
    case_list_csv_keeps_filters_and_speaks_the_readers_language,
    a_formula_in_a_name_comes_out_as_text,
    a_clinicians_download_holds_only_shared_cases,
    deadlines_and_tasks_download_as_their_pages_list_them,
    each_download_is_audited_with_counts_only,
    a_list_longer_than_a_chunk_streams_whole_and_in_order,
    a_token_downloads_the_same_files_through_the_api,
);

const SUPPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support");
const BOM: char = '\u{feff}';
const INJECTED: &str = "=HYPERLINK(\"http://evil.example/\",\"clic\")";

fn today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

/// Clinic A with A-1 (Lucía, humanitarian, paroled until July 2026), A-2 (u4u) and A-3, whose
/// patient's given name is a spreadsheet formula; clinic B with B-1.
fn start(db: &TestDatabase) -> RouterApp {
    seed_at(db, today());
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let mut u4u: serde_json::Value = serde_json::from_str(&case_json("A-2", "Iria")).unwrap();
    u4u["case"]["program"] = json!("u4u");
    let files = [u4u.to_string(), case_json("A-3", INJECTED)];
    let files: Vec<CaseFile> = files.iter().map(|f| CaseFile::parse(f).unwrap().0).collect();
    store.import_cases(&org, &files, None, today()).unwrap();
    RouterApp::at(db, tempfile::tempdir().unwrap(), today())
}

/// The rows of a CSV download, parsed strictly by Python's `csv` module, after checking it is sent
/// as a UTF-8 CSV attachment and starts with a byte order mark.
fn rows(reply: &Reply, file_prefix: &str) -> Vec<Vec<String>> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("text/csv; charset=utf-8"));
    let disposition = reply.header("content-disposition").unwrap();
    assert!(disposition.starts_with(&format!("attachment; filename=\"{file_prefix}")), "{disposition}");
    assert!(disposition.ends_with(".csv\""), "{disposition}");
    let text = reply.body.strip_prefix(BOM).unwrap_or_else(|| panic!("no byte order mark: {:?}", reply.body));
    assert!(text.ends_with("\r\n"), "lines end with CRLF");
    let mut child = Command::new("python3")
        .arg(format!("{SUPPORT}/csv_rows.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 reads the CSV");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python's csv refused it: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn column(rows: &[Vec<String>], index: usize) -> Vec<&str> {
    rows[1..].iter().map(|r| r[index].as_str()).collect()
}

fn in_spanish(app: &RouterApp, session: &str, csrf: &str) {
    let fields = [("csrf", csrf), ("language", "es"), ("back", "/")];
    assert_eq!(app.post_form("/language", session, &fields).status, 303);
}

fn case_list_csv_keeps_filters_and_speaks_the_readers_language(db: &TestDatabase) {
    let app = start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let all = rows(&app.get("/export/cases.csv", &session), "cases-2026-11-20");
    assert_eq!(
        all[0],
        [
            "Reference",
            "Patient",
            "Programme",
            "Status",
            "Next deadline",
            "Next deadline kind",
            "Score",
            "Critical care",
            "People"
        ]
    );
    assert_eq!(column(&all, 0), ["A-1", "A-2", "A-3"], "clinic B's case stays there");
    assert_eq!(all[1][1], "Lucía Ejemplo");
    assert_eq!(
        (all[1][2].as_str(), all[2][2].as_str()),
        ("Humanitarian parole (I-131)", "Uniting for Ukraine")
    );
    assert_eq!(all[1][8], "2");

    // The list's filters and order: the page's link carries them, the download keeps them.
    let page = app.get("/cases?program=u4u&sort=patient&dir=desc", &session).body;
    assert!(
        page.contains("href=\"/export/cases.csv?program=u4u&#38;sort=patient&#38;dir=desc\""),
        "the page links its download with its filters: {page}"
    );
    let u4u = rows(&app.get("/export/cases.csv?program=u4u&sort=patient&dir=desc", &session), "cases-");
    assert_eq!(column(&u4u, 0), ["A-2"]);
    let backwards = rows(&app.get("/export/cases.csv?sort=reference&dir=desc", &session), "cases-");
    assert_eq!(column(&backwards, 0), ["A-3", "A-2", "A-1"]);
    let by_score = rows(&app.get("/export/cases.csv?sort=score", &session), "cases-");
    let api = app.get("/api/v1/cases?sort=score", &session).json();
    let listed: Vec<&str> =
        api["items"].as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap()).collect();
    assert_eq!(column(&by_score, 0), listed, "the list's own order");
    let searched = rows(&app.get("/export/cases.csv?q=lucia", &session), "cases-");
    assert_eq!(column(&searched, 0), ["A-1"]);

    // A bad filter is named, as on the page, and nothing is sent as a file.
    let bad = app.get("/export/cases.csv?status=lost", &session);
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.header("content-disposition").is_none());
    assert!(bad.body.contains("status:"), "{}", bad.body);
    assert_eq!(app.get("/export/cases.csv?page=2", &session).status, 422, "no paging: it is the whole list");
    let nobody = app.get("/export/cases.csv?assigned=nobody", &session);
    assert_eq!(nobody.status, 422);
    assert!(nobody.body.contains("assigned:"), "{}", nobody.body);
    let mine = rows(&app.get("/export/cases.csv?assigned=me", &session), "cases-");
    assert_eq!(mine.len(), 1, "Ana is assigned to none: {mine:?}");

    in_spanish(&app, &session, &csrf);
    let spanish = rows(&app.get("/export/cases.csv", &session), "cases-");
    assert_eq!(
        spanish[0],
        [
            "Referencia",
            "Paciente",
            "Programa",
            "Situación",
            "Próximo plazo",
            "Tipo del próximo plazo",
            "Puntuación",
            "Cuidados críticos",
            "Personas"
        ]
    );
    assert_eq!(spanish[1][7], "sí", "values in Spanish too");
}

fn a_formula_in_a_name_comes_out_as_text(db: &TestDatabase) {
    let app = start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let all = rows(&app.get("/export/cases.csv?q=A-3", &session), "cases-");
    assert_eq!(all.len(), 2, "{all:?}");
    let name = &all[1][1];
    assert_eq!(name, &format!("'{INJECTED} Ejemplo"), "prefixed with a quote, kept whole otherwise");
    assert!(!all.iter().flatten().any(|cell| cell.starts_with(['=', '+', '-', '@', '\t', '\r'])), "{all:?}");
}

fn a_clinicians_download_holds_only_shared_cases(db: &TestDatabase) {
    let app = start(db);
    let store = db.store();
    add_user(db, "clinic-a", "cleo@a.example.org", "Cleo Clínica", UserRole::Clinician.as_str());
    let (cleo, _) = app.sign_in("cleo@a.example.org", PASSWORD);
    assert_eq!(rows(&app.get("/export/cases.csv", &cleo), "cases-").len(), 1, "nothing shared: headers only");
    let deadlines = rows(&app.get("/export/deadlines.csv", &cleo), "deadlines-");
    assert_eq!(deadlines.len(), 1, "no deadline of an unshared case: {deadlines:?}");

    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let cleo_id =
        store.users(&org).unwrap().into_iter().find(|u| u.email == "cleo@a.example.org").unwrap().id;
    let (ana, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (a1, _) = app.case_id(&ana, "A-1");
    let share = json!({ "clinician": cleo_id.as_str(), "shared": true });
    let reply = app.post_json(&format!("/api/v1/cases/{a1}/shares"), &ana, &csrf, &share);
    assert_eq!(reply.status, 200, "{}", reply.body);

    let shared = rows(&app.get("/export/cases.csv", &cleo), "cases-");
    assert_eq!(column(&shared, 0), ["A-1"]);
    assert_eq!(column(&rows(&app.get("/export/cases.csv?q=A-2", &cleo), "cases-"), 0), Vec::<&str>::new());
    let deadlines = rows(&app.get("/export/deadlines.csv", &cleo), "deadlines-");
    assert!(deadlines.len() > 1, "A-1's deadlines now: {deadlines:?}");
    assert!(column(&deadlines, 1).iter().all(|r| *r == "A-1"), "{deadlines:?}");
    // A viewer reads the case list as the page lets them.
    let viewer = app.persona(db, crate::support::Persona::Member(UserRole::Viewer));
    assert_eq!(
        column(&rows(&app.get("/export/cases.csv", &viewer.cookie), "cases-"), 0),
        ["A-1", "A-2", "A-3"]
    );
    let anonymous = app.get("/export/cases.csv", "");
    assert_eq!(anonymous.status, 303, "never without a session: to sign in");
    assert!(anonymous.header("location").is_some_and(|l| l.starts_with("/login")), "{:?}", anonymous.headers);
}

fn deadlines_and_tasks_download_as_their_pages_list_them(db: &TestDatabase) {
    let app = start(db);
    let (session, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    // The dashboard's window: every late deadline, then the next 14 days. A-1's parole ended on
    // July 2, 2026.
    let dashboard = app.get("/", &session).body;
    assert!(dashboard.contains("href=\"/export/deadlines.csv\""), "{dashboard}");
    let window = rows(&app.get("/export/deadlines.csv", &session), "deadlines-2026-11-20");
    assert_eq!(window[0], ["Due", "Reference", "Deadline", "Overdue", "Advisory only", "Why"]);
    assert!(window.len() > 1, "{window:?}");
    for row in &window[1..] {
        assert!(row[0].as_str() <= "2026-12-04", "within the next 14 days: {row:?}");
        assert_eq!(row[3] == "yes", row[0].as_str() < "2026-11-20" && row[4] == "no", "{row:?}");
        assert!(!row[5].is_empty(), "each with its why: {row:?}");
    }
    // A calendar month links its own month.
    let calendar = app.get("/calendar?month=2026-07", &session).body;
    assert!(calendar.contains("href=\"/export/deadlines.csv?month=2026-07\""), "{calendar}");
    let july = rows(&app.get("/export/deadlines.csv?month=2026-07", &session), "deadlines-2026-07.csv");
    assert!(column(&july, 0).iter().all(|d| d.starts_with("2026-07-")), "{july:?}");
    let bad = app.get("/export/deadlines.csv?month=july", &session);
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("month:"), "{}", bad.body);

    // My tasks, as /tasks lists them.
    let tasks = rows(&app.get("/export/tasks.csv", &session), "tasks-2026-11-20");
    assert_eq!(tasks[0], ["Reference", "Task", "Due", "Overdue", "Note"]);
    let api = app.get("/api/v1/tasks", &session).json();
    assert_eq!(tasks.len() - 1, api["items"].as_array().unwrap().len(), "{tasks:?}\n{api}");
    let task_page = app.get("/tasks", &session).body;
    assert_eq!(
        task_page.contains("href=\"/export/tasks.csv\""),
        tasks.len() > 1,
        "linked when there are tasks"
    );
    in_spanish(&app, &session, &csrf);
    for page in ["/", "/calendar?month=2026-07"] {
        let body = app.get(page, &session).body;
        assert!(body.contains("Descargar estos plazos en CSV"), "{page}: {body}");
    }
    assert!(app.get("/cases", &session).body.contains("Descargar estos casos en CSV"));
    let spanish = rows(&app.get("/export/deadlines.csv", &session), "deadlines-");
    assert_eq!(spanish[0], ["Vence", "Referencia", "Plazo", "Vencido", "Solo orientativo", "Motivo"]);
    let tasks = rows(&app.get("/export/tasks.csv", &session), "tasks-");
    assert_eq!(tasks[0], ["Referencia", "Tarea", "Vence", "Vencido", "Nota"]);
}

fn each_download_is_audited_with_counts_only(db: &TestDatabase) {
    let app = start(db);
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let ana = store.users(&org).unwrap().into_iter().find(|u| u.email == "ana@a.example.org").unwrap().id;
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let cases = rows(&app.get("/export/cases.csv?program=humanitarian", &session), "cases-");
    let deadlines = rows(&app.get("/export/deadlines.csv", &session), "deadlines-");
    let tasks = rows(&app.get("/export/tasks.csv", &session), "tasks-");
    let log = store.audit_log(Some(&org)).unwrap();
    for (action, target, count) in [
        ("case_list.exported", "case_list", cases.len() - 1),
        ("deadlines.exported", "deadlines", deadlines.len() - 1),
        ("tasks.exported", "tasks", tasks.len() - 1),
    ] {
        let entry = log.iter().rev().find(|e| e.action == action).unwrap_or_else(|| panic!("no {action}"));
        assert_eq!(entry.actor.as_deref(), Some(ana.as_str()));
        assert_eq!(entry.target, target);
        let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap();
        assert_eq!(detail, json!({ "format": "csv", "rows": count }), "{action}");
    }
    let trail = serde_json::to_string(&log).unwrap();
    for secret in ["Lucía", "Ejemplo", "HYPERLINK"] {
        assert!(!trail.contains(secret), "no value in the audit trail: {secret}");
    }
    assert!(!app.server_log().contains("Lucía"), "no name in the log");
}

/// 1,203 cases: the download is sent in chunks of 500 and holds each case once, in the list's order,
/// whichever order it is.
fn a_list_longer_than_a_chunk_streams_whole_and_in_order(db: &TestDatabase) {
    let app = start(db);
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let files: Vec<CaseFile> =
        (0..1200).map(|n| CaseFile::parse(&case_json(&format!("S-{n:04}"), "Iria")).unwrap().0).collect();
    store.import_cases(&org, &files, None, today()).unwrap();
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let all = rows(&app.get("/export/cases.csv?sort=reference&dir=desc", &session), "cases-");
    let references = column(&all, 0);
    let mut expected: Vec<String> = (0..1200).map(|n| format!("S-{n:04}")).collect();
    expected.extend(["A-3", "A-2", "A-1"].map(String::from));
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(references, expected);
    // Every order continues each chunk where the last ended, ties broken by the reference as the
    // list pages them.
    for order in ["sort=patient", "sort=score", "sort=next_deadline&dir=asc", "sort=next_deadline&dir=desc"] {
        let mut paged: Vec<String> = Vec::new();
        for offset in (0..1203).step_by(500) {
            let page = app.get(&format!("/api/v1/cases?{order}&offset={offset}&limit=500"), &session).json();
            paged.extend(
                page["items"].as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap().to_owned()),
            );
        }
        let downloaded = rows(&app.get(&format!("/export/cases.csv?{order}"), &session), "cases-");
        assert_eq!(column(&downloaded, 0), paged, "{order}");
    }
    let entry = store
        .audit_log(Some(&org))
        .unwrap()
        .into_iter()
        .rev()
        .find(|e| e.action == "case_list.exported")
        .unwrap();
    assert_eq!(entry.detail, json!({ "format": "csv", "rows": 1203 }).to_string());
}

fn a_token_downloads_the_same_files_through_the_api(db: &TestDatabase) {
    let app = start(db);
    let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let out = amparo(db, &["token", "create", "--email", "ana@a.example.org", "--scope", "read"], None);
    let token = format!("Bearer {}", out.trim());
    let with_token = |path: &str| {
        let headers = vec![("authorization", token.as_str())];
        app.transport.send(Request { method: "GET", path, headers, body: None })
    };
    for (api, page, prefix) in [
        ("/api/v1/exports/cases.csv?program=u4u", "/export/cases.csv?program=u4u", "cases-2026-11-20"),
        (
            "/api/v1/exports/cases.csv?sort=reference&dir=desc",
            "/export/cases.csv?sort=reference&dir=desc",
            "cases-",
        ),
        ("/api/v1/exports/deadlines.csv", "/export/deadlines.csv", "deadlines-2026-11-20"),
        (
            "/api/v1/exports/deadlines.csv?month=2026-07",
            "/export/deadlines.csv?month=2026-07",
            "deadlines-2026-07",
        ),
        ("/api/v1/exports/tasks.csv", "/export/tasks.csv", "tasks-2026-11-20"),
    ] {
        let through_api = rows(&with_token(api), prefix);
        assert_eq!(through_api, rows(&app.get(page, &session), prefix), "{api}");
        assert!(through_api.len() > 1 || api.contains("tasks"), "{api}: {through_api:?}");
    }
    assert_eq!(column(&rows(&with_token("/api/v1/exports/cases.csv"), "cases-"), 0), ["A-1", "A-2", "A-3"]);

    // A wrong parameter is the API's JSON refusal, naming it; without a token or a session, 401.
    let bad = with_token("/api/v1/exports/deadlines.csv?month=july");
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.json()["field"], "month", "{}", bad.body);
    let unknown = with_token("/api/v1/exports/cases.csv?colour=red");
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert!(unknown.header("content-type").unwrap().starts_with("application/json"));
    assert_eq!(app.get("/api/v1/exports/tasks.csv", "").status, 401);

    // Each download through the API is audited as the page's are (refusals write nothing).
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let log = store.audit_log(Some(&org)).unwrap();
    for (action, downloads) in [("case_list.exported", 5), ("deadlines.exported", 4), ("tasks.exported", 2)] {
        assert_eq!(log.iter().filter(|e| e.action == action).count(), downloads, "{action}");
    }
}
