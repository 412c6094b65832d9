//! Staff administration, the organisation's profile and one's own password, through the router on
//! both backends: every page and action is an administrator's (the other roles are refused, the
//! signed-out sent to sign in); an invitation signs the person in once; deactivating a member ends
//! their session at once, refuses their sign-in and lists their open tasks for reassignment; an
//! administrator cannot deactivate themself; a password change ends one's other sessions; and the
//! organisation's time zone moves every time shown and the day the family letter is dated.

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;
use chrono::{TimeZone as _, Utc};

use crate::support::{PASSWORD, Persona, RouterApp, hidden_field};

amparo_store::on_both_backends!(
    staff_pages_and_actions_are_for_administrators_only,
    an_invitation_signs_the_person_in_once,
    deactivating_ends_the_session_refuses_sign_in_and_lists_open_tasks,
    an_administrator_cannot_deactivate_themself,
    changing_ones_password_ends_the_other_sessions,
    the_organisations_time_zone_moves_times_and_today,
    refusals_read_the_same_snapshot,
    a_deadline_due_on_the_organisations_day_is_not_overdue,
);

const ANA: &str = "ana@a.example.org";

fn member_id(db: &TestDatabase, email: &str) -> String {
    db.store().credentials_by_email(email).unwrap().unwrap().user.id.0
}

/// The value of the read-only input that shows a one-time link.
fn shown_link(html: &str) -> String {
    let marker = "id=\"link-url\" type=\"text\" readonly value=\"";
    let start = html.find(marker).unwrap_or_else(|| panic!("no link shown in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn staff_pages_and_actions_are_for_administrators_only(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let ana = member_id(db, ANA);
    let pages = ["/settings/staff", "/settings/organisation", &format!("/settings/staff/{ana}/tasks")];
    let actions = [
        "/settings/staff/invite".to_owned(),
        format!("/settings/staff/{ana}/deactivate"),
        format!("/settings/staff/{ana}/reactivate"),
        format!("/settings/staff/{ana}/reset-link"),
        "/settings/organisation".to_owned(),
    ];
    for role in [UserRole::Attorney, UserRole::Advocate, UserRole::Clinician, UserRole::Viewer] {
        let session = app.persona(db, Persona::Member(role));
        for page in pages {
            assert_eq!(app.get(page, &session.cookie).status, 403, "{role:?} GET {page}");
        }
        for action in &actions {
            let reply = app.post_form(
                action,
                &session.cookie,
                &[("csrf", &session.csrf), ("email", "x@example.org")],
            );
            assert_eq!(reply.status, 403, "{role:?} POST {action}");
        }
        // No page shows them a control they cannot use.
        let settings_link = app.get("/", &session.cookie).body;
        assert!(!settings_link.contains("/settings/staff"), "{role:?} sees no staff link");
    }
    let anonymous = app.persona(db, Persona::Anonymous);
    let refused = app.get("/settings/staff", &anonymous.cookie);
    assert_eq!(refused.status, 303);
    assert!(refused.header("location").unwrap().starts_with("/login"));
    assert!(db.store().credentials_by_email(ANA).unwrap().is_some(), "nothing was deactivated");

    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    for page in pages {
        assert_eq!(app.get(page, &admin.cookie).status, 200, "admin GET {page}");
    }
    let settings = app.get("/settings", &admin.cookie).body;
    assert!(settings.contains("href=\"/settings/staff\""), "the settings link to the staff page");
}

fn an_invitation_signs_the_person_in_once(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let csrf = [("csrf", admin.csrf.as_str())];
    let typo = app.post_form(
        "/settings/staff/invite",
        &admin.cookie,
        &[csrf[0], ("email", "rosa"), ("role", "advocate")],
    );
    assert_eq!(typo.status, 422);
    assert!(typo.body.contains("“rosa” is not an email address"), "{}", typo.body);
    let taken = app.post_form(
        "/settings/staff/invite",
        &admin.cookie,
        &[csrf[0], ("email", ANA), ("role", "advocate")],
    );
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("already belongs to a member"), "{}", taken.body);

    let invited = app.post_form(
        "/settings/staff/invite",
        &admin.cookie,
        &[csrf[0], ("email", "rosa.nueva@a.example.org"), ("role", "advocate")],
    );
    assert_eq!(invited.status, 200, "{}", invited.body);
    let link = shown_link(&invited.body);
    assert!(link.starts_with("/invite/"), "{link}");
    let token = link.trim_start_matches("/invite/");
    assert!(!app.server_log().contains(token), "the link never reaches the log");
    assert!(!app.get("/settings/staff", &admin.cookie).body.contains(token), "shown once");

    let form = app.get(&link, "");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("rosa.nueva@a.example.org"));
    let cookie = format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let form_csrf = hidden_field(&form.body, "csrf");
    let short = app.post_form(
        &link,
        &cookie,
        &[("csrf", &form_csrf), ("name", "Rosa"), ("password", "short"), ("confirm", "short")],
    );
    assert_eq!(short.status, 422, "the password policy holds");
    let password = "a quiet harbour at dawn";
    let joined = app.post_form(
        &link,
        &cookie,
        &[("csrf", &form_csrf), ("name", "Rosa Nueva"), ("password", password), ("confirm", password)],
    );
    assert_eq!(joined.status, 303, "{}", joined.body);
    assert_eq!(joined.header("location"), Some("/"));
    let session = format!("amparo_session={}", joined.cookie("amparo_session").unwrap());
    assert_eq!(app.get("/tasks", &session).status, 200, "signed in at once");

    let again = app.post_form(
        &link,
        &cookie,
        &[("csrf", &form_csrf), ("name", "Someone"), ("password", password), ("confirm", password)],
    );
    assert_eq!(again.status, 422);
    assert!(again.body.contains("This invitation link is not valid"), "{}", again.body);
    assert_eq!(app.get(&link, "").status, 422, "a used link is refused");
    let (_, _) = app.sign_in("rosa.nueva@a.example.org", password);
}

fn deactivating_ends_the_session_refuses_sign_in_and_lists_open_tasks(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (ana_session, ana_csrf) = app.sign_in(ANA, PASSWORD);
    let (case, _) = app.case_id(&ana_session, "A-1");
    let tasks = app.terminate_and_escalate(&case, (&ana_session, &ana_csrf));
    let ana = member_id(db, ANA);
    let given = app.post_form(
        &format!("/tasks/{}/reassign", tasks[0]),
        &ana_session,
        &[("csrf", &ana_csrf), ("owner", &ana)],
    );
    assert_eq!(given.status, 303, "{}", given.body);

    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let done =
        app.post_form(&format!("/settings/staff/{ana}/deactivate"), &admin.cookie, &[("csrf", &admin.csrf)]);
    assert_eq!(done.status, 303, "{}", done.body);
    let next = done.header("location").unwrap().to_owned();
    assert_eq!(next, format!("/settings/staff/{ana}/tasks?deactivated=1"));
    let listed = app.get(&next, &admin.cookie);
    assert_eq!(listed.status, 200);
    assert!(listed.body.contains(&format!("id=\"title-{}\"", tasks[0])), "their open task is listed");
    assert!(
        listed.body.contains(&format!("action=\"/tasks/{}/reassign\"", tasks[0])),
        "with the reassign form"
    );
    assert!(listed.body.contains("value=\"member:"), "which returns to this list");
    let org = db.store().organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let reads: Vec<_> =
        db.store().audit_log(Some(&org)).unwrap().into_iter().filter(|e| e.action == "tasks.read").collect();
    assert_eq!(reads.len(), 1, "the list of another member's tasks is read audited");
    assert_eq!(reads[0].target, format!("user:{ana}"));

    let gone = app.get("/tasks", &ana_session);
    assert_eq!(gone.status, 303, "their session ended at once");
    let login = app.get("/login", "");
    let cookie = format!("amparo_login_csrf={}", login.cookie("amparo_login_csrf").unwrap());
    let csrf = hidden_field(&login.body, "csrf");
    let refused =
        app.post_form("/login", &cookie, &[("csrf", &csrf), ("email", ANA), ("password", PASSWORD)]);
    assert_eq!(refused.status, 401, "sign-in refused with the uniform error");

    // Their task goes to someone else and the list returns to itself; they cannot be chosen.
    let attorney = app.persona(db, Persona::Member(UserRole::Attorney));
    let to = member_id(db, "attorney@a.example.org");
    let form = [("csrf", admin.csrf.as_str()), ("owner", to.as_str()), ("back", &format!("member:{ana}"))];
    let moved = app.post_form(&format!("/tasks/{}/reassign", tasks[0]), &admin.cookie, &form);
    assert_eq!(
        moved.header("location"),
        Some(format!("/settings/staff/{ana}/tasks?notice=reassigned").as_str())
    );
    assert!(app.get("/tasks", &attorney.cookie).body.contains(&tasks[0]));
    let form = [("csrf", admin.csrf.as_str()), ("owner", ana.as_str())];
    let back_to_ana = app.post_form(&format!("/tasks/{}/reassign", tasks[0]), &admin.cookie, &form);
    assert_eq!(back_to_ana.status, 422, "a deactivated member is given no task");

    let reactivated =
        app.post_form(&format!("/settings/staff/{ana}/reactivate"), &admin.cookie, &[("csrf", &admin.csrf)]);
    assert_eq!(reactivated.status, 303);
    app.sign_in(ANA, PASSWORD);
}

fn an_administrator_cannot_deactivate_themself(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let me = member_id(db, "admin@a.example.org");
    let page = app.get("/settings/staff", &admin.cookie).body;
    assert!(!page.contains(&format!("/settings/staff/{me}/deactivate")), "no control to deactivate oneself");
    let refused =
        app.post_form(&format!("/settings/staff/{me}/deactivate"), &admin.cookie, &[("csrf", &admin.csrf)]);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("You cannot deactivate yourself"), "{}", refused.body);
    assert_eq!(app.get("/settings/staff", &admin.cookie).status, 200, "still signed in");
}

fn changing_ones_password_ends_the_other_sessions(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let (laptop, csrf) = app.sign_in(ANA, PASSWORD);
    let (phone, _) = app.sign_in(ANA, PASSWORD);
    assert_eq!(app.get("/account/password", &laptop).status, 200);
    let new = "a lighthouse keeper's long evening";
    let wrong = app.post_form(
        "/account/password",
        &laptop,
        &[("csrf", &csrf), ("current", "not it"), ("password", new), ("confirm", new)],
    );
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("this is not your current password"), "{}", wrong.body);
    let differ = app.post_form(
        "/account/password",
        &laptop,
        &[("csrf", &csrf), ("current", PASSWORD), ("password", new), ("confirm", "other")],
    );
    assert_eq!(differ.status, 422);
    let changed = app.post_form(
        "/account/password",
        &laptop,
        &[("csrf", &csrf), ("current", PASSWORD), ("password", new), ("confirm", new)],
    );
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(app.get("/account/password?changed=1", &laptop).status, 200, "this session stays");
    assert_eq!(app.get("/tasks", &phone).status, 303, "the other session ended");
    app.sign_in(ANA, new);
    let log = app.server_log();
    assert!(!log.contains("lighthouse"), "the password never reaches the log");
}

fn fields<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn the_organisations_time_zone_moves_times_and_today(db: &TestDatabase) {
    // 03:00 on 6 December in UTC is still the evening of 5 December in Los Angeles.
    let now = Utc.with_ymd_and_hms(2026, 12, 6, 3, 0, 0).unwrap();
    crate::support::fixtures::seed_two_clinics_in_store(db, now);
    let app = RouterApp::at(db, tempfile::tempdir().unwrap(), now);
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let (case, _) = app.case_id(&admin.cookie, "A-1");
    let letter = app.get(&format!("/cases/{case}/letter?lang=en"), &admin.cookie).body;
    assert!(letter.contains("December 6, 2026"), "in UTC the letter is dated the 6th");
    assert!(app.get("/settings/organisation", &admin.cookie).body.contains("03:00 UTC"));

    let form = |zone: &'static str| {
        vec![
            ("csrf", admin.csrf.clone()),
            ("name", "Clinic A".to_owned()),
            ("address", "100 Example Street\nSpringfield".to_owned()),
            ("phone", "+1 555 0100".to_owned()),
            ("email", "office@a.example.org".to_owned()),
            ("letter_signature", "The Clinic A team".to_owned()),
            ("time_zone", zone.to_owned()),
        ]
    };
    let bad = form("Pacific Time");
    let refused = app.post_form("/settings/organisation", &admin.cookie, &fields(&bad));
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("Time zone: not a time zone name"), "{}", refused.body);
    assert!(refused.body.contains("value=\"Pacific Time\""), "what was typed is kept");
    assert_eq!(db.store().time_zone(&db.store().organisations().unwrap()[0].id).unwrap().name(), "UTC");

    let good = form("America/Los_Angeles");
    let saved = app.post_form("/settings/organisation", &admin.cookie, &fields(&good));
    assert_eq!(saved.status, 303, "{}", saved.body);
    let profile = app.get("/settings/organisation?saved=1", &admin.cookie).body;
    assert!(profile.contains("December 5, 2026, 19:00 PST"), "{profile}");
    let letter = app.get(&format!("/cases/{case}/letter?lang=en"), &admin.cookie).body;
    assert!(letter.contains("December 5, 2026"), "today is the organisation's day: {letter}");
    assert!(letter.contains("Phone: +1 555 0100") && letter.contains("The Clinic A team"), "{letter}");
    assert!(letter.contains("100 Example Street<br>Springfield"), "{letter}");
}

/// The text of a page's error summary (or, for a refused link, its main message), tags dropped.
fn refusal_text(reply: &crate::support::Reply) -> String {
    let html = &reply.body;
    let opening = html.find("class=\"error-summary\"").or_else(|| html.find("<main")).unwrap_or(0);
    let start = opening + html[opening..].find('>').map_or(0, |i| i + 1);
    let end = start + html[start..].find("</div>").or_else(|| html[start..].find("</main>")).unwrap_or(0);
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    format!("{}: {}", reply.status, words.join(" "))
}

/// How every refusal of these pages reads, in English and Spanish.
fn refusals_read_the_same_snapshot(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let admin = app.persona(db, Persona::Member(UserRole::Admin));
    let me = member_id(db, "admin@a.example.org");
    let mut lines = Vec::new();
    for language in ["en", "es"] {
        app.choose_language(&admin.cookie, &admin.csrf, language);
        let csrf = ("csrf", admin.csrf.as_str());
        let invite = |email: &str| {
            app.post_form(
                "/settings/staff/invite",
                &admin.cookie,
                &[csrf, ("email", email), ("role", "advocate")],
            )
        };
        lines.push(refusal_text(&invite("")));
        lines.push(refusal_text(&invite("rosa")));
        lines.push(refusal_text(&invite(ANA)));
        lines.push(refusal_text(&app.post_form(
            &format!("/settings/staff/{me}/deactivate"),
            &admin.cookie,
            &[csrf],
        )));
        let profile = [csrf, ("name", ""), ("email", "office"), ("time_zone", "Pacific Time")];
        lines.push(refusal_text(&app.post_form("/settings/organisation", &admin.cookie, &profile)));
        let password = [csrf, ("current", "not it"), ("password", "x"), ("confirm", "x")];
        lines.push(refusal_text(&app.post_form("/account/password", &admin.cookie, &password)));
        let link = app.get_with("/invite/not-a-token", "", &[("accept-language", language)]);
        lines.push(refusal_text(&link));
    }
    insta::assert_snapshot!("staff_refusals", lines.join("\n"));
}

/// The dashboard's block of overdue deadlines, or nothing when it has none.
fn overdue_block(page: &str) -> &str {
    let Some(start) = page.find("id=\"overdue-h\"") else { return "" };
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// A-1's re-parole filing date is April 3, 2026. At 03:00 UTC on April 4 it is one day late in
/// UTC, but in Los Angeles it is still the evening of April 3: due today, not overdue.
fn a_deadline_due_on_the_organisations_day_is_not_overdue(db: &TestDatabase) {
    let now = Utc.with_ymd_and_hms(2026, 4, 4, 3, 0, 0).unwrap();
    crate::support::snapshots::seed_at(db, now);
    let app = RouterApp::at(db, tempfile::tempdir().unwrap(), now);
    let (ana, _) = app.sign_in(ANA, PASSWORD);
    let utc = app.get("/", &ana).body;
    assert!(overdue_block(&utc).contains("April 3, 2026"), "late in UTC: {}", overdue_block(&utc));

    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap().id;
    let new = amparo_store::NewUser {
        email: "zone-admin@a.example.org".into(),
        display_name: "Zone Admin".into(),
        role: UserRole::Admin,
        language: amparo_domain::Language::En,
        password_hash: "$argon2id$unused".into(),
    };
    let admin = amparo_store::Actor::of(&store.create_user(&org, &new, now).unwrap());
    let mut profile = store.organisation_profile(&org).unwrap();
    profile.time_zone = amparo_domain::TimeZone::parse("America/Los_Angeles").unwrap();
    store.set_organisation_profile_as(&admin, &profile, now).unwrap();

    let los_angeles = app.get("/", &ana).body;
    assert!(!overdue_block(&los_angeles).contains("April 3, 2026"), "{}", overdue_block(&los_angeles));
    assert!(los_angeles.contains("April 3, 2026"), "listed among today's and the next days' deadlines");
}
