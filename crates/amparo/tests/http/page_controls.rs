//! No page shows a control its reader cannot use. For every role and every page that role opens,
//! every `<form>` (its method and action) and every link on the page is matched against the router's
//! own route table with the access each route declares (`amparo_web::route_table`): the role must
//! hold what the route needs. Links are then followed as that person, so a link the data rules
//! refuse (a family letter a clinician may not read) is caught as well. The forms are found in the
//! pages, not listed here, so a control added later is checked the day it appears.

use std::collections::BTreeSet;

use amparo_domain::org::UserRole;
use amparo_store::testing::TestDatabase;

use crate::support::{PASSWORD, RouterApp, add_user};

/// The pages a person works from; each role is checked on those it opens.
const PAGES: &[&str] = &[
    "/",
    "/cases",
    "/cases/{case}",
    "/cases/{case}/print",
    "/triage",
    "/tasks",
    "/reviews",
    "/calendar",
    "/calendar/feeds",
    "/settings",
    "/audit",
    "/notifications",
    "/cases/{case}/letter?lang=en",
];

/// One control found on a page: a form's method and action, or a link (a `GET`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Control {
    method: String,
    target: String,
    link: bool,
}

/// The value of attribute `name` in the tag `tag` (its text from `<` to `>`), entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let value = &tag[start..start + tag[start..].find('"')?];
    Some(value.replace("&amp;", "&").replace("&#x2f;", "/").replace("&#47;", "/"))
}

/// Every tag of the page that opens with `<name` (followed by a space or `>`).
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        let end = after.find('>').unwrap_or(after.len());
        if after.starts_with([' ', '>', '\n']) {
            found.push(&rest[at..at + open.len() + end]);
        }
        rest = &after[end..];
    }
    found
}

/// The forms and same-site links of a page served at `page`.
fn controls(html: &str, page: &str) -> Vec<Control> {
    let mut found = Vec::new();
    for form in tags(html, "form") {
        let method = attribute(form, "method").unwrap_or_else(|| "get".into()).to_uppercase();
        let target = attribute(form, "action").unwrap_or_else(|| page.to_owned());
        found.push(Control { method, target, link: false });
    }
    for link in tags(html, "a") {
        let Some(href) = attribute(link, "href") else { continue };
        if href.starts_with('/') && !href.starts_with("//") {
            found.push(Control { method: "GET".into(), target: href, link: true });
        }
    }
    found
}

/// The path of a target, without its query or fragment.
fn path_of(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or(target)
}

/// Whether `path` is an instance of the route pattern `pattern` (`/cases/{id}/events`).
fn matches(pattern: &str, path: &str) -> bool {
    let (a, b): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
}

/// The access the route behind `method target` declares; `None` when no route serves it.
fn route_access(method: &str, target: &str) -> Option<amparo_web::Access> {
    let path = path_of(target);
    let mut candidates: Vec<_> = amparo_web::route_table()
        .into_iter()
        .filter(|r| r.method == method && matches(r.path, path))
        .collect();
    // A literal route (`/cases/new`) wins over a pattern (`/cases/{id}`).
    candidates.sort_by_key(|r| r.path.matches('{').count());
    candidates.into_iter().next().map(|r| r.access)
}

/// Whether `role` may use a route of this access.
fn may_use(role: UserRole, access: amparo_web::Access) -> bool {
    match access {
        amparo_web::Access::Public | amparo_web::Access::SignedIn | amparo_web::Access::Enrolling => true,
        amparo_web::Access::Needs(permission) => amparo_web::allows(role, permission),
        amparo_web::Access::Metrics => false,
    }
}

/// Every page each role opens, checked; returns what was found wrong, one line each.
fn problems_on_pages(app: &RouterApp, people: &[(UserRole, String)], case: &str) -> (Vec<String>, usize) {
    let mut problems = BTreeSet::new();
    let mut pages_checked = 0;
    for (role, session) in people {
        let mut followed = BTreeSet::new();
        for page in PAGES {
            let page = page.replace("{case}", case);
            let reply = app.get(&page, session);
            if reply.status != 200 {
                continue;
            }
            pages_checked += 1;
            for control in controls(&reply.body, &page) {
                let Some(access) = route_access(&control.method, &control.target) else {
                    problems.insert(format!(
                        "{role:?} on {page}: {} {} leads to no route",
                        control.method, control.target
                    ));
                    continue;
                };
                if !may_use(*role, access) {
                    let what = if control.link { "a link to" } else { "a form for" };
                    problems.insert(format!(
                        "{role:?} on {page}: {what} {} {} ({access:?})",
                        control.method,
                        path_of(&control.target)
                    ));
                    continue;
                }
                // A link is followed: what the data rules refuse must not be offered either.
                if control.link && followed.insert(control.target.clone()) {
                    let answer = app.get(&control.target, session);
                    if matches!(answer.status, 403 | 404) {
                        problems.insert(format!(
                            "{role:?} on {page}: the link to {} answers {}",
                            control.target, answer.status
                        ));
                    }
                }
            }
        }
    }
    (problems.into_iter().collect(), pages_checked)
}

amparo_store::on_both_backends!(no_page_shows_a_control_its_reader_cannot_use);

fn no_page_shows_a_control_its_reader_cannot_use(db: &TestDatabase) {
    let app = RouterApp::start(db);
    for role in ["admin", "advocate", "clinician", "viewer"] {
        add_user(db, "clinic-a", &format!("{role}@a.example.org"), "Staff Member", role);
    }
    let attorney = app.sign_in("ana@a.example.org", PASSWORD);
    let (case, _) = app.case_id(&attorney.0, "A-1");
    // An escalation with tasks, one of them the clinician's on a case shared with them, so that the
    // task forms are on the pages too.
    let tasks = app.terminate_and_escalate(&case, (&attorney.0, &attorney.1));
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let clinician =
        store.users(&org.id).unwrap().into_iter().find(|u| u.email == "clinician@a.example.org").unwrap();
    let share = serde_json::json!({ "clinician": clinician.id.as_str(), "shared": true });
    let shared = app.post_json(&format!("/api/v1/cases/{case}/shares"), &attorney.0, &attorney.1, &share);
    assert_eq!(shared.status, 200, "{}", shared.body);
    let given = app.post_json(
        &format!("/api/v1/tasks/{}/reassign", tasks[0]),
        &attorney.0,
        &attorney.1,
        &serde_json::json!({ "owner": clinician.id.as_str() }),
    );
    assert_eq!(given.status, 200, "{}", given.body);

    let mut people = vec![(UserRole::Attorney, attorney.0.clone())];
    for (role, email) in [
        (UserRole::Admin, "admin@a.example.org"),
        (UserRole::Advocate, "advocate@a.example.org"),
        (UserRole::Clinician, "clinician@a.example.org"),
        (UserRole::Viewer, "viewer@a.example.org"),
    ] {
        people.push((role, app.sign_in(email, PASSWORD).0));
    }
    let (problems, pages_checked) = problems_on_pages(&app, &people, &case);
    assert!(problems.is_empty(), "controls shown to people who cannot use them:\n{}", problems.join("\n"));
    // Every role opened its pages: the dashboard, the lists, the case page and more each.
    assert!(pages_checked >= 5 * 8, "only {pages_checked} pages were checked");

    // The clinician's case page offers the attestation, and only that.
    let page = app.get(&format!("/cases/{case}"), &people[3].1).body;
    assert!(page.contains(&format!("action=\"/cases/{case}/events\"")), "no attestation form");
    assert!(page.contains("value=\"medical_attested\""), "the attestation is offered");
    assert!(!page.contains("value=\"termination_notice\""), "no legal event is offered to a clinician");
}

#[test]
fn the_scanner_finds_forms_and_links_and_matches_routes() {
    let html = r#"<a href="/cases/new">new</a><a href="https://elsewhere.example">x</a>
        <form method="post" action="/cases/c1/events"><input></form><form action="/cases" class="filters"></form>
        <abbr title="t">t</abbr>"#;
    let found = controls(html, "/cases/c1");
    let pairs: Vec<_> = found.iter().map(|c| (c.method.as_str(), c.target.as_str(), c.link)).collect();
    assert_eq!(
        pairs,
        [("POST", "/cases/c1/events", false), ("GET", "/cases", false), ("GET", "/cases/new", true)]
    );
    // The literal intake route, not the case page's pattern.
    assert_eq!(
        route_access("GET", "/cases/new"),
        Some(amparo_web::Access::Needs(amparo_web::Permission::RecordEvents))
    );
    assert_eq!(route_access("POST", "/cases/c1/nowhere"), None);
    assert!(!may_use(UserRole::Viewer, route_access("POST", "/cases/c1/events").unwrap()));
}
