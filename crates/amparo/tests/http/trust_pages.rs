//! The trust pages through the router in process, on both backends: sharing a case with a
//! clinician from its page, changing a member's role in the settings (and never losing the last
//! administrator), and the audit page with its filters, key paging and chain check, each kept
//! within its organisation.

use crate::support::{PASSWORD, Reply, RouterApp, add_user, hidden_field};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(
    a_case_is_shared_and_unshared_from_its_page,
    a_role_change_takes_effect_at_once_and_is_audited,
    the_last_administrator_cannot_be_demoted,
    the_audit_page_filters_and_pages_newest_first,
    the_audit_page_filters_by_case_and_each_new_kind,
);

fn user_id(db: &TestDatabase, email: &str) -> String {
    let store = db.store();
    for org in store.organisations().unwrap() {
        if let Some(user) = store.users(&org.id).unwrap().into_iter().find(|u| u.email == email) {
            return user.id.as_str().to_owned();
        }
    }
    panic!("no user {email}")
}

fn role_of(db: &TestDatabase, email: &str) -> String {
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let user = store.users(&org.id).unwrap().into_iter().find(|u| u.email == email).unwrap();
    user.role.as_str().to_owned()
}

fn audit_entries(app: &RouterApp, admin: &str) -> Vec<serde_json::Value> {
    app.get("/api/v1/audit", admin).json()["items"].as_array().unwrap().clone()
}

fn rows(reply: &Reply) -> usize {
    reply.body.matches("<tr id=\"entry-").count()
}

/// The `href` of the link with this `rel`, unescaped.
fn link(reply: &Reply, rel: &str) -> Option<String> {
    let marker = format!("\" rel=\"{rel}\"");
    let end = reply.body.find(&marker)?;
    let start = reply.body[..end].rfind("href=\"")? + "href=\"".len();
    Some(reply.body[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

/// The case page's sharing section.
fn sharing_section(reply: &Reply) -> &str {
    let start =
        reply.body.find("id=\"sharing\"").unwrap_or_else(|| panic!("no sharing section: {}", reply.body));
    let end = start + reply.body[start..].find("</section>").unwrap();
    &reply.body[start..end]
}

fn a_case_is_shared_and_unshared_from_its_page(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "dr@a.example.org", "Dr Tomasa Prueba", "clinician");
    add_user(db, "clinic-a", "adv@a.example.org", "Advocate Person", "advocate");
    add_user(db, "clinic-a", "viewer@a.example.org", "Viewer Person", "viewer");
    let clinician_id = user_id(db, "dr@a.example.org");
    let advocate_id = user_id(db, "adv@a.example.org");
    let (attorney, csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (clinician, _) = app.sign_in("dr@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&attorney, "A-1");
    let case_page = format!("/cases/{case_id}");
    let shares = format!("{case_page}/shares");

    let page = app.get(&case_page, &attorney);
    assert!(page.body.contains("id=\"sharing\""), "{}", page.body);
    assert!(page.body.contains("not shared with any clinician"));
    let section = sharing_section(&page);
    assert!(section.contains(&format!("<option value=\"{clinician_id}\">Dr Tomasa Prueba")));
    assert!(!section.contains(&advocate_id), "only clinicians are offered");
    assert_eq!(app.get(&case_page, &clinician).status, 404);

    // Shared through the page: the clinician now opens the case.
    let no_csrf = app.post_form(&shares, &attorney, &[("clinician", &clinician_id), ("shared", "true")]);
    assert_eq!(no_csrf.status, 403);
    let shared = app.post_form(
        &shares,
        &attorney,
        &[("csrf", &csrf), ("clinician", &clinician_id), ("shared", "true")],
    );
    assert_eq!(shared.status, 303, "{}", shared.body);
    let back = shared.header("location").unwrap().to_owned();
    assert_eq!(back, format!("{case_page}?sharing=shared#sharing"));
    let page = app.get(back.split('#').next().unwrap(), &attorney);
    assert!(page.body.contains("The case is now shared with the clinician."), "{}", page.body);
    assert!(page.body.contains("Stop sharing with Dr Tomasa Prueba"));
    assert_eq!(app.get(&case_page, &clinician).status, 200);
    assert_eq!(app.get("/api/v1/cases", &clinician).json()["total"], 1);

    // Refusals are shown on the form, on the field, and change nothing.
    for (clinician, message) in [
        (clinician_id.as_str(), "already shared with this clinician"),
        (advocate_id.as_str(), "shared only with clinicians"),
        ("no-such-person", "not a member of your organisation"),
        ("", "Choose the clinician"),
    ] {
        let reply = app.post_form(&shares, &attorney, &[("csrf", &csrf), ("clinician", clinician)]);
        assert_eq!(reply.status, 422, "{clinician}: {}", reply.body);
        assert!(reply.body.contains(message), "{clinician}: {}", reply.body);
        assert!(reply.body.contains("id=\"share-clinician-error\""));
        assert!(reply.body.contains("aria-invalid=\"true\""));
    }
    // Un-shared: the clinician no longer finds it.
    let unshared = app.post_form(
        &shares,
        &attorney,
        &[("csrf", &csrf), ("clinician", &clinician_id), ("shared", "false")],
    );
    assert_eq!(unshared.status, 303, "{}", unshared.body);
    assert_eq!(unshared.header("location"), Some(format!("{case_page}?sharing=unshared#sharing").as_str()));
    assert_eq!(app.get(&case_page, &clinician).status, 404);
    let again = app.post_form(
        &shares,
        &attorney,
        &[("csrf", &csrf), ("clinician", &clinician_id), ("shared", "false")],
    );
    assert_eq!(again.status, 422);
    assert!(again.body.contains("was not shared with this clinician"));

    // Readers who may not share see no form; another organisation cannot reach the case.
    let (viewer, viewer_csrf) = app.sign_in("viewer@a.example.org", PASSWORD);
    assert!(!app.get(&case_page, &viewer).body.contains("id=\"sharing\""));
    let refused = app.post_form(&shares, &viewer, &[("csrf", &viewer_csrf), ("clinician", &clinician_id)]);
    assert_eq!(refused.status, 403);
    let (outsider, outsider_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    let elsewhere =
        app.post_form(&shares, &outsider, &[("csrf", &outsider_csrf), ("clinician", &clinician_id)]);
    assert_eq!(elsewhere.status, 404);
    assert_eq!(app.get(&case_page, &clinician).status, 404);

    // Audited as the API's sharing is: by whom, which case, which clinician.
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let attorney_id = user_id(db, "ana@a.example.org");
    let changes: Vec<_> = store
        .audit_log(Some(&org.id))
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "case.shared" || e.action == "case.unshared")
        .collect();
    assert_eq!(
        changes.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["case.shared", "case.unshared"]
    );
    for entry in &changes {
        assert_eq!(entry.actor.as_deref(), Some(attorney_id.as_str()));
        assert_eq!(entry.target, case_id);
        assert!(entry.detail.contains(&clinician_id));
    }

    // In Spanish for a reader who reads Spanish.
    let fields = [("csrf", csrf.as_str()), ("language", "es"), ("back", case_page.as_str())];
    assert_eq!(app.post_form("/language", &attorney, &fields).status, 303);
    let page = app.get(&case_page, &attorney);
    assert!(page.body.contains("Compartido con personal clínico"), "{}", page.body);
    let reply = app.post_form(&shares, &attorney, &[("csrf", &csrf), ("clinician", &advocate_id)]);
    assert!(reply.body.contains("Los casos solo se comparten con personal clínico"), "{}", reply.body);
}

fn a_role_change_takes_effect_at_once_and_is_audited(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "admin@a.example.org", "Admin Person", "admin");
    let ana_id = user_id(db, "ana@a.example.org");
    let (ana, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (admin, csrf) = app.sign_in("admin@a.example.org", PASSWORD);
    assert_eq!(app.get("/cases/new", &ana).status, 200, "an attorney opens intake");

    let settings = app.get("/settings", &admin);
    assert!(
        settings.body.contains(&format!("action=\"/settings/users/{ana_id}/role\"")),
        "{}",
        settings.body
    );
    assert!(settings.body.contains(&format!("<label for=\"role-{ana_id}\"")));
    let path = format!("/settings/users/{ana_id}/role");
    let changed = app.post_form(&path, &admin, &[("csrf", &csrf), ("role", "viewer")]);
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(changed.header("location"), Some(format!("/settings?role_changed={ana_id}#staff").as_str()));
    let settings = app.get(&format!("/settings?role_changed={ana_id}"), &admin);
    assert!(settings.body.contains("Test User is now: Viewer."), "{}", settings.body);
    assert_eq!(role_of(db, "ana@a.example.org"), "viewer");

    // Her open session ended; signed in again, she works as a viewer.
    let after = app.get("/cases", &ana);
    assert_eq!(after.status, 303);
    assert!(after.header("location").unwrap().starts_with("/login"));
    let (ana, _) = app.sign_in("ana@a.example.org", PASSWORD);
    assert_eq!(app.get("/cases/new", &ana).status, 403);
    assert_eq!(app.get("/cases", &ana).status, 200);
    assert_eq!(app.get("/cases", &admin).status, 200, "the administrator stays signed in");

    // Made an administrator, she must set up a second factor at her next sign-in.
    let promoted = app.post_form(&path, &admin, &[("csrf", &csrf), ("role", "admin")]);
    assert_eq!(promoted.status, 303, "{}", promoted.body);
    let form = app.get("/login", "");
    let cookie = format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let login_csrf = hidden_field(&form.body, "csrf");
    let signed = app.post_form(
        "/login",
        &cookie,
        &[
            ("csrf", &login_csrf),
            ("next", "/settings"),
            ("email", "ana@a.example.org"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(signed.status, 303);
    assert!(
        signed.header("location").unwrap().starts_with("/account/security?required=1"),
        "{:?}",
        signed.headers
    );
    let (ana, _) = app.sign_in("ana@a.example.org", PASSWORD);
    assert_eq!(app.get("/settings", &ana).status, 200);

    // Audited: who changed whose role, from what to what.
    let admin_id = user_id(db, "admin@a.example.org");
    let changes: Vec<_> =
        audit_entries(&app, &admin).into_iter().filter(|e| e["action"] == "user.role_changed").collect();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["actor"], admin_id.as_str());
    assert_eq!(changes[0]["target"], ana_id.as_str());
    let detail: serde_json::Value = serde_json::from_str(changes[0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        (detail["old_role"].as_str(), detail["new_role"].as_str()),
        (Some("attorney"), Some("viewer"))
    );
    assert_eq!(detail["sessions_ended"], 1);

    // Refused: a role that does not exist, a member of no or another organisation, a non-admin.
    let bad = app.post_form(&path, &admin, &[("csrf", &csrf), ("role", "owner")]);
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Choose one of the roles listed."), "{}", bad.body);
    assert!(bad.body.contains(&format!("id=\"role-{ana_id}-error\"")));
    let nobody = app.post_form("/settings/users/nobody/role", &admin, &[("csrf", &csrf), ("role", "viewer")]);
    assert_eq!(nobody.status, 404);
    let bo_id = user_id(db, "bo@b.example.org");
    let outsider = app.post_form(
        &format!("/settings/users/{bo_id}/role"),
        &admin,
        &[("csrf", &csrf), ("role", "viewer")],
    );
    assert_eq!(outsider.status, 404);
    let (bo, bo_csrf) = app.sign_in("bo@b.example.org", PASSWORD);
    assert_eq!(app.get("/cases/new", &bo).status, 200, "the other organisation's attorney is unchanged");
    let by_attorney = app.post_form(
        &format!("/settings/users/{bo_id}/role"),
        &bo,
        &[("csrf", &bo_csrf), ("role", "admin")],
    );
    assert_eq!(by_attorney.status, 403);
    let no_csrf = app.post_form(&path, &admin, &[("role", "viewer")]);
    assert_eq!(no_csrf.status, 403);
    assert_eq!(role_of(db, "ana@a.example.org"), "admin");
}

fn the_last_administrator_cannot_be_demoted(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "admin@a.example.org", "Admin Person", "admin");
    let admin_id = user_id(db, "admin@a.example.org");
    let (admin, csrf) = app.sign_in("admin@a.example.org", PASSWORD);
    let path = format!("/settings/users/{admin_id}/role");

    let refused = app.post_form(&path, &admin, &[("csrf", &csrf), ("role", "attorney")]);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("Admin Person is the organisation&#39;s last administrator."),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("The role was not changed:"));
    assert!(refused.body.contains(&format!("href=\"#role-{admin_id}\"")), "the summary links to the field");
    assert_eq!(role_of(db, "admin@a.example.org"), "admin");
    assert_eq!(app.get("/settings", &admin).status, 200, "still signed in, still an administrator");
    assert!(audit_entries(&app, &admin).iter().all(|e| e["action"] != "user.role_changed"));

    // With another administrator, stepping down works; the session that did it stays, without settings.
    let ana_id = user_id(db, "ana@a.example.org");
    let promoted = app.post_form(
        &format!("/settings/users/{ana_id}/role"),
        &admin,
        &[("csrf", &csrf), ("role", "admin")],
    );
    assert_eq!(promoted.status, 303);
    let stepped = app.post_form(&path, &admin, &[("csrf", &csrf), ("role", "attorney")]);
    assert_eq!((stepped.status, stepped.header("location")), (303, Some("/")), "{}", stepped.body);
    assert_eq!(app.get("/cases/new", &admin).status, 200);
    assert_eq!(app.get("/settings", &admin).status, 403);
    // And now Ana is the last one.
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let last = app.post_form(
        &format!("/settings/users/{ana_id}/role"),
        &ana,
        &[("csrf", &ana_csrf), ("role", "viewer")],
    );
    assert_eq!(last.status, 422);
    assert_eq!(role_of(db, "ana@a.example.org"), "admin");
}

fn the_audit_page_filters_and_pages_newest_first(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "admin@a.example.org", "Admin Person", "admin");
    add_user(db, "clinic-b", "admin@b.example.org", "Other Admin", "admin");
    let ana_id = user_id(db, "ana@a.example.org");
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&ana, "A-1");
    for _ in 0..55 {
        assert_eq!(app.get(&format!("/cases/{case_id}"), &ana).status, 200);
    }
    let out = app.post_form("/logout/everywhere", &ana, &[("csrf", &ana_csrf)]);
    assert_eq!(out.status, 303);
    let (admin, _) = app.sign_in("admin@a.example.org", PASSWORD);
    let total = audit_entries(&app, &admin).len();
    assert!(total >= 57, "{total}");

    // Non-admins have neither the page nor the link.
    let (ana, _) = app.sign_in("ana@a.example.org", PASSWORD);
    // That sign-in is in the trail too.
    let total = audit_entries(&app, &admin).len();
    assert_eq!(app.get("/audit", &ana).status, 403);
    assert!(!app.get("/cases", &ana).body.contains("href=\"/audit\""));

    let first = app.get("/audit", &admin);
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("href=\"/audit\" aria-current=\"page\""), "the nav link");
    assert!(first.body.contains("href=\"/api/v1/audit\""), "the export link");
    assert!(
        first.body.contains(&format!("The chain is intact: all {total} entries were checked")),
        "{}",
        first.body
    );
    assert_eq!(rows(&first), 50);
    assert!(first.body.contains(&format!("<tr id=\"entry-{total}\">")), "newest first");
    assert!(link(&first, "prev").is_none());
    assert!(first.body.contains("<code class=\"meta\">sessions.ended</code>"));
    assert!(first.body.contains("Case read <code class=\"meta\">case.read</code>"));
    assert!(first.body.contains(&format!("href=\"/cases/{case_id}\"")));
    for sensitive in ["A012345678", "short bowel", "Lucía"] {
        assert!(!first.body.contains(sensitive), "the audit page shows {sensitive}");
    }

    let next = link(&first, "next").unwrap();
    assert_eq!(next, format!("/audit?before={}", total - 49));
    let second = app.get(&next, &admin);
    assert_eq!(rows(&second), total - 50);
    assert!(second.body.contains("<tr id=\"entry-1\">"));
    assert!(link(&second, "next").is_none());
    let back = app.get(&link(&second, "prev").unwrap(), &admin);
    assert_eq!(back.body.matches("<tr id=\"entry-").count(), 50);
    assert!(back.body.contains(&format!("<tr id=\"entry-{total}\">")));

    // Filters: by action and member, kept while paging.
    let reads = app.get(&format!("/audit?action=case.read&actor={ana_id}"), &admin);
    assert_eq!(rows(&reads), 50);
    assert!(!reads.body.contains("<code class=\"meta\">sessions.ended</code>"));
    let more = link(&reads, "next").unwrap();
    assert!(more.starts_with(&format!("/audit?action=case.read&actor={ana_id}&before=")), "{more}");
    assert_eq!(rows(&app.get(&more, &admin)), 55 - 50, "55 reads of the case page");
    let ended = app.get("/audit?action=sessions.ended", &admin);
    assert_eq!(rows(&ended), 1);
    // By days: today holds everything, a day long past nothing.
    let today = chrono::DateTime::from_timestamp(crate::support::unix_now() as i64, 0).unwrap().date_naive();
    let days = app.get(&format!("/audit?from={today}&to={today}&action=case.read"), &admin);
    assert_eq!(rows(&days), 50);
    let past = app.get("/audit?from=2001-01-01&to=2001-01-31", &admin);
    assert_eq!((past.status, rows(&past)), (200, 0));
    assert!(past.body.contains("No entry matches these filters."));

    // Bad filters are named on their fields.
    let bad = app.get("/audit?from=yesterday&to=2001-01-01", &admin);
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#from\"") && bad.body.contains("id=\"from-error\""), "{}", bad.body);
    let backwards = app.get("/audit?from=2026-02-01&to=2026-01-01", &admin);
    assert_eq!(backwards.status, 422);
    assert!(backwards.body.contains("href=\"#to\""));
    assert_eq!(app.get("/audit?action=case.deleted", &admin).status, 422);
    assert_eq!(app.get("/audit?colour=red", &admin).status, 422);
    assert_eq!(app.get("/audit?before=soon", &admin).status, 422);

    // The page in Spanish for an administrator who reads Spanish.
    let admin_csrf = hidden_field(&first.body, "csrf");
    let fields = [("csrf", admin_csrf.as_str()), ("language", "es"), ("back", "/audit")];
    assert_eq!(app.post_form("/language", &admin, &fields).status, 303);
    let es = app.get("/audit", &admin);
    assert!(
        es.body.contains("Registro de auditoría") && es.body.contains("La cadena está intacta"),
        "{}",
        es.body
    );

    // Another organisation's administrator sees only their own organisation's trail.
    let (other, _) = app.sign_in("admin@b.example.org", PASSWORD);
    let theirs = app.get("/audit", &other);
    assert_eq!(theirs.status, 200);
    assert!(!theirs.body.contains(&case_id), "{}", theirs.body);
    assert_eq!(app.get(&format!("/audit?actor={ana_id}"), &other).status, 422, "not their member");
}

/// The audit page filters by case reference (what was done to the case and to its tasks) and by each
/// kind of entry now recorded, named in both languages; an unknown reference is named on its field.
fn the_audit_page_filters_by_case_and_each_new_kind(db: &TestDatabase) {
    let app = RouterApp::start(db);
    add_user(db, "clinic-a", "admin@a.example.org", "Admin Person", "admin");
    let (ana, ana_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, version) = app.case_id(&ana, "A-1");
    let notice = serde_json::json!({ "expected_version": version, "event": { "id": "t1",
        "type": "termination_notice", "on": "2026-02-27", "served_by": "mail", "depart_by": "2026-03-27" } });
    let recorded = app.post_json(&format!("/api/v1/cases/{case_id}/events"), &ana, &ana_csrf, &notice);
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let escalations = app.get(&format!("/api/v1/cases/{case_id}/escalations"), &ana).json();
    let task = escalations["items"][0]["tasks"][0]["id"].as_str().unwrap().to_owned();
    let done =
        app.post_json(&format!("/api/v1/tasks/{task}/complete"), &ana, &ana_csrf, &serde_json::json!({}));
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(app.get(&format!("/cases/{case_id}/letter"), &ana).status, 200);
    let (admin, _) = app.sign_in("admin@a.example.org", PASSWORD);

    let of_case = app.get("/audit?case=A-1", &admin);
    assert_eq!(of_case.status, 200, "{}", of_case.body);
    for (label, action) in [
        ("Event recorded", "event.recorded"),
        ("Task completed", "task.completed"),
        ("Family letter read", "letter.read"),
    ] {
        assert!(
            of_case.body.contains(&format!("{label} <code class=\"meta\">{action}</code>")),
            "{action}: {}",
            of_case.body
        );
    }
    assert!(
        !of_case.body.contains("<code class=\"meta\">sign_in.succeeded</code>"),
        "only the case's entries"
    );
    assert!(of_case.body.contains("value=\"A-1\""), "the reference stays in its field");
    let letters = app.get("/audit?case=A-1&action=letter.read", &admin);
    assert_eq!(rows(&letters), 1);
    let sign_ins = app.get("/audit?action=sign_in.succeeded", &admin);
    assert_eq!(rows(&sign_ins), 2, "ana and the administrator");
    assert!(app.get("/audit?case=B-1", &admin).body.contains("No entry matches these filters."), "");

    let unknown = app.get("/audit?case=Z-9", &admin);
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.body.contains("href=\"#case\"")
            && unknown.body.contains("No case of your organisation has this reference.")
    );

    let csrf = hidden_field(&of_case.body, "csrf");
    let fields = [("csrf", csrf.as_str()), ("language", "es"), ("back", "/audit")];
    assert_eq!(app.post_form("/language", &admin, &fields).status, 303);
    let es = app.get("/audit?case=A-1&action=event.recorded", &admin);
    assert!(es.body.contains("Evento registrado <code class=\"meta\">event.recorded</code>"), "{}", es.body);
    assert!(es.body.contains("Referencia del caso"));
    let unknown = app.get("/audit?case=Z-9", &admin);
    assert!(
        unknown.body.contains("Ningún caso de su organización tiene esta referencia."),
        "{}",
        unknown.body
    );
}
