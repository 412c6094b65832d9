//! The authorisation matrix through the router in process: every route of the router, for every role, an
//! anonymous visitor and a member of another organisation; and the data rules of every route that
//! takes a case or a task: which roles reach a case shared with the clinician and one not shared, a
//! task of their own and one of someone else's. The expected tables below are written out
//! independently of the code's; a route added without an entry in them fails the test.

use std::collections::BTreeMap;

use crate::support::site::Transport;
use crate::support::{PASSWORD, Reply, RouterApp, amparo};
use amparo_store::testing::TestDatabase;

/// Who may use a route.
#[derive(Clone, Copy, Debug)]
enum Expect {
    Anyone,
    AnySignedIn,
    /// Any signed-in member, also one who must still set up a second factor.
    Enrolling,
    /// Open to all, but only of use to a sign-in waiting for its second-factor code: a visitor
    /// without one is sent to sign in, a signed-in member onwards.
    PendingSignIn,
    Roles(&'static [&'static str]),
    /// Nobody with a session or without: only the metrics scraper, by address or token (none of
    /// which this test's application admits).
    Scraper,
}

const ALL: &[&str] = &["admin", "attorney", "advocate", "clinician", "viewer"];
const WRITERS: &[&str] = &["admin", "attorney", "advocate"];
const LEADS: &[&str] = &["admin", "attorney"];
const TASK_WORKERS: &[&str] = &["admin", "attorney", "advocate", "clinician"];
/// Those who change a case's medical profile: the writers and clinicians (on cases shared with them).
const MEDICAL_EDITORS: &[&str] = &["admin", "attorney", "advocate", "clinician"];
/// Those who reach the event form and its API: the writers, and a clinician for medical attestations.
const ATTESTERS: &[&str] = &["admin", "attorney", "advocate", "clinician"];
/// Those who attest a medical letter: the clinician who signs it, and nobody for them.
const SIGNERS: &[&str] = &["clinician"];
/// Those who read the legal timeline: every role but the clinician.
const TIMELINE_READERS: &[&str] = &["admin", "attorney", "advocate", "viewer"];

fn expected() -> BTreeMap<(&'static str, &'static str), Expect> {
    use Expect::*;
    BTreeMap::from([
        (("GET", "/health"), Anyone),
        (("GET", "/static/app.css"), Anyone),
        (("GET", "/metrics"), Scraper),
        (("GET", "/api/v1/openapi.json"), Anyone),
        (("GET", "/login"), Anyone),
        (("POST", "/login"), Anyone),
        (("GET", "/"), AnySignedIn),
        (("GET", "/reset/{token}"), Anyone),
        (("POST", "/reset/{token}"), Anyone),
        (("GET", "/invite/{token}"), Anyone),
        (("POST", "/invite/{token}"), Anyone),
        (("GET", "/account/password"), AnySignedIn),
        (("POST", "/account/password"), AnySignedIn),
        (("GET", "/account/tokens"), AnySignedIn),
        (("POST", "/account/tokens"), AnySignedIn),
        (("POST", "/account/tokens/{id}/revoke"), AnySignedIn),
        (("POST", "/account/tokens/organisation"), Roles(&["admin"])),
        (("POST", "/logout"), Enrolling),
        (("GET", "/login/second-factor"), PendingSignIn),
        (("POST", "/login/second-factor"), PendingSignIn),
        (("GET", "/account/security"), Enrolling),
        (("POST", "/account/security/confirm"), Enrolling),
        (("POST", "/account/security/remove"), AnySignedIn),
        (("POST", "/settings/second-factor"), Roles(&["admin"])),
        (("POST", "/api/v1/users/{id}/second-factor/reset"), Roles(&["admin"])),
        (("POST", "/logout/everywhere"), AnySignedIn),
        (("GET", "/cases"), Roles(ALL)),
        (("POST", "/language"), Anyone),
        (("GET", "/cases/new"), Roles(WRITERS)),
        (("POST", "/cases/new"), Roles(WRITERS)),
        (("GET", "/cases/{id}"), Roles(ALL)),
        (("POST", "/cases/{id}/events"), Roles(ATTESTERS)),
        (("POST", "/cases/{id}/close"), Roles(WRITERS)),
        (("POST", "/cases/{id}/reopen"), Roles(WRITERS)),
        (("GET", "/cases/{id}/print"), Roles(ALL)),
        (("GET", "/calendar"), Roles(ALL)),
        (("GET", "/api/v1/calendar"), Roles(ALL)),
        (("GET", "/export/cases.csv"), Roles(ALL)),
        (("GET", "/export/deadlines.csv"), Roles(ALL)),
        (("GET", "/export/tasks.csv"), Roles(ALL)),
        (("GET", "/api/v1/exports/cases.csv"), Roles(ALL)),
        (("GET", "/api/v1/exports/deadlines.csv"), Roles(ALL)),
        (("GET", "/api/v1/exports/tasks.csv"), Roles(ALL)),
        (("GET", "/settings"), Roles(&["admin"])),
        (("POST", "/settings/policy"), Roles(&["admin"])),
        (("POST", "/cases/{id}/assignments"), Roles(LEADS)),
        (("POST", "/cases/{id}/shares"), Roles(WRITERS)),
        (("POST", "/settings/users/{id}/role"), Roles(&["admin"])),
        (("POST", "/settings/checklists/{kind}"), Roles(&["admin"])),
        (("POST", "/settings/checklists/reset"), Roles(&["admin"])),
        (("GET", "/settings/staff"), Roles(&["admin"])),
        (("POST", "/settings/staff/invite"), Roles(&["admin"])),
        (("POST", "/settings/staff/{id}/deactivate"), Roles(&["admin"])),
        (("POST", "/settings/staff/{id}/reactivate"), Roles(&["admin"])),
        (("POST", "/settings/staff/{id}/reset-link"), Roles(&["admin"])),
        (("GET", "/settings/staff/{id}/tasks"), Roles(&["admin"])),
        (("GET", "/settings/organisation"), Roles(&["admin"])),
        (("POST", "/settings/organisation"), Roles(&["admin"])),
        (("GET", "/audit"), Roles(&["admin"])),
        (("GET", "/triage"), Roles(ALL)),
        (("GET", "/tasks"), Roles(ALL)),
        (("POST", "/tasks/{id}/complete"), Roles(TASK_WORKERS)),
        (("POST", "/tasks/{id}/reassign"), Roles(WRITERS)),
        (("GET", "/notifications"), AnySignedIn),
        (("POST", "/notifications/read-all"), AnySignedIn),
        (("POST", "/notifications/{id}/read"), AnySignedIn),
        (("GET", "/calendar/feeds"), Roles(ALL)),
        (("POST", "/calendar/feeds"), Roles(ALL)),
        (("POST", "/calendar/feeds/{id}/revoke"), Roles(ALL)),
        (("GET", "/calendar/feed/{file}"), Anyone),
        (("GET", "/api/v1/calendar/feeds"), Roles(ALL)),
        (("POST", "/api/v1/calendar/feeds"), Roles(ALL)),
        (("DELETE", "/api/v1/calendar/feeds/{id}"), Roles(ALL)),
        // Clinicians pass the route (they see shared cases) and are refused by the data rule below.
        (("GET", "/cases/{id}/letter"), Roles(ALL)),
        (("GET", "/cases/{id}/notice"), Roles(WRITERS)),
        (("POST", "/cases/{id}/notice"), Roles(WRITERS)),
        (("POST", "/cases/{id}/notice/event"), Roles(WRITERS)),
        (("POST", "/api/v1/cases/{id}/notice-reading"), Roles(WRITERS)),
        (("GET", "/static/letter.css"), Anyone),
        (("GET", "/api/v1/notifications"), AnySignedIn),
        (("POST", "/api/v1/notifications/{id}/read"), AnySignedIn),
        (("POST", "/api/v1/notifications/read-all"), AnySignedIn),
        (("GET", "/reviews"), Roles(LEADS)),
        (("POST", "/reviews"), Roles(LEADS)),
        (("GET", "/api/v1/cases"), Roles(ALL)),
        (("GET", "/api/v1/cases/{id}"), Roles(ALL)),
        (("GET", "/api/v1/cases/{id}/answerable"), Roles(ALL)),
        (("POST", "/api/v1/cases/{id}/events"), Roles(ATTESTERS)),
        (("POST", "/api/v1/cases"), Roles(WRITERS)),
        (("POST", "/api/v1/cases/{id}/close"), Roles(WRITERS)),
        (("POST", "/api/v1/cases/{id}/reopen"), Roles(WRITERS)),
        (("GET", "/api/v1/cases/{id}/escalations"), Roles(ALL)),
        (("POST", "/api/v1/cases/{id}/assignments"), Roles(LEADS)),
        (("GET", "/api/v1/cases/{id}/shares"), Roles(WRITERS)),
        (("POST", "/api/v1/cases/{id}/shares"), Roles(WRITERS)),
        (("GET", "/api/v1/triage"), Roles(ALL)),
        (("GET", "/api/v1/tasks"), Roles(ALL)),
        (("POST", "/api/v1/tasks/{id}/complete"), Roles(TASK_WORKERS)),
        (("POST", "/api/v1/tasks/{id}/reassign"), Roles(WRITERS)),
        (("GET", "/api/v1/audit"), Roles(&["admin"])),
        (("POST", "/api/v1/users/{id}/password-reset"), Roles(&["admin"])),
        (("GET", "/api/v1/reviews/preview"), Roles(LEADS)),
        (("POST", "/cases/{id}/record"), Roles(WRITERS)),
        (("POST", "/cases/{id}/medical"), Roles(MEDICAL_EDITORS)),
        (("POST", "/cases/{id}/people"), Roles(WRITERS)),
        (("POST", "/cases/{id}/people/{key}"), Roles(WRITERS)),
        (("POST", "/cases/{id}/people/{key}/remove"), Roles(WRITERS)),
        (("POST", "/cases/{id}/events/{event_id}/void"), Roles(WRITERS)),
        (("PATCH", "/api/v1/cases/{id}"), Roles(MEDICAL_EDITORS)),
        (("POST", "/api/v1/cases/{id}/people"), Roles(WRITERS)),
        (("PATCH", "/api/v1/cases/{id}/people/{key}"), Roles(WRITERS)),
        (("DELETE", "/api/v1/cases/{id}/people/{key}"), Roles(WRITERS)),
        (("GET", "/api/v1/cases/{id}/history"), Roles(ALL)),
        (("POST", "/api/v1/cases/{id}/events/{event_id}/void"), Roles(WRITERS)),
        (("POST", "/cases/{id}/attachments"), Roles(ATTESTERS)),
        (("GET", "/cases/{id}/attachments/{attachment}"), Roles(ALL)),
        (("GET", "/cases/{id}/attachments/{attachment}/download"), Roles(ALL)),
        (("GET", "/api/v1/cases/{id}/attachments"), Roles(ALL)),
        (("POST", "/api/v1/cases/{id}/attachments"), Roles(ATTESTERS)),
        (("GET", "/api/v1/cases/{id}/attachments/{attachment}"), Roles(ALL)),
        (("POST", "/api/v1/reviews"), Roles(LEADS)),
        (("GET", "/cases/{id}/documents"), Roles(ALL)),
        (("POST", "/cases/{id}/documents"), Roles(ATTESTERS)),
        (("GET", "/cases/{id}/documents/{document}/pdf"), Roles(ALL)),
        (("GET", "/cases/{id}/documents/{document}/docx"), Roles(ALL)),
        (("GET", "/cases/{id}/documents/attest"), Roles(SIGNERS)),
        (("POST", "/cases/{id}/documents/attest"), Roles(SIGNERS)),
        (("GET", "/api/v1/cases/{id}/documents"), Roles(ALL)),
        (("POST", "/api/v1/cases/{id}/documents"), Roles(ATTESTERS)),
        (("GET", "/api/v1/cases/{id}/documents/{document}/pdf"), Roles(ALL)),
        (("GET", "/api/v1/cases/{id}/documents/{document}/docx"), Roles(ALL)),
        (("POST", "/api/v1/cases/{id}/documents/attestation"), Roles(SIGNERS)),
        (("POST", "/cases/{id}/notes"), Roles(TASK_WORKERS)),
        (("POST", "/cases/{id}/notes/{note}/pin"), Roles(WRITERS)),
        (("POST", "/cases/{id}/contacts"), Roles(WRITERS)),
        (("GET", "/api/v1/cases/{id}/notes"), Roles(ALL)),
        (("POST", "/api/v1/cases/{id}/notes"), Roles(TASK_WORKERS)),
        (("PATCH", "/api/v1/cases/{id}/notes/{note}"), Roles(WRITERS)),
        (("GET", "/api/v1/cases/{id}/contacts"), Roles(ALL)),
        (("PUT", "/api/v1/cases/{id}/contacts"), Roles(WRITERS)),
        (("GET", "/settings/webhooks"), Roles(&["admin"])),
        (("POST", "/settings/webhooks"), Roles(&["admin"])),
        (("GET", "/settings/webhooks/{id}"), Roles(&["admin"])),
        (("POST", "/settings/webhooks/{id}/remove"), Roles(&["admin"])),
        (("POST", "/settings/webhooks/{id}/pause"), Roles(&["admin"])),
        (("POST", "/settings/webhooks/{id}/resume"), Roles(&["admin"])),
        (("GET", "/api/v1/deadlines"), Roles(ALL)),
        (("GET", "/api/v1/organisation"), Roles(&["admin"])),
        (("PATCH", "/api/v1/organisation"), Roles(&["admin"])),
        (("PATCH", "/api/v1/organisation/policy"), Roles(&["admin"])),
        (("PUT", "/api/v1/organisation/second-factor"), Roles(&["admin"])),
        (("GET", "/api/v1/users"), Roles(&["admin"])),
        (("POST", "/api/v1/users/invitations"), Roles(&["admin"])),
        (("PATCH", "/api/v1/users/{id}"), Roles(&["admin"])),
        (("POST", "/api/v1/users/{id}/deactivate"), Roles(&["admin"])),
        (("POST", "/api/v1/users/{id}/reactivate"), Roles(&["admin"])),
        (("GET", "/api/v1/users/{id}/tasks"), Roles(&["admin"])),
        (("GET", "/api/v1/organisation/checklists"), Roles(&["admin"])),
        (("PUT", "/api/v1/organisation/checklists/{kind}"), Roles(&["admin"])),
        (("DELETE", "/api/v1/organisation/checklists"), Roles(&["admin"])),
        (("GET", "/api/v1/webhooks"), Roles(&["admin"])),
        (("POST", "/api/v1/webhooks"), Roles(&["admin"])),
        (("GET", "/api/v1/webhooks/{id}"), Roles(&["admin"])),
        (("PATCH", "/api/v1/webhooks/{id}"), Roles(&["admin"])),
        (("DELETE", "/api/v1/webhooks/{id}"), Roles(&["admin"])),
        (("GET", "/api/v1/webhooks/{id}/deliveries"), Roles(&["admin"])),
    ])
}

/// Which data a route that takes a case or a task lets each role reach.
#[derive(Clone, Copy, Debug)]
enum Data {
    /// The roles that reach a case shared with the clinician, and a case not shared with them.
    Case { shared: &'static [&'static str], unshared: &'static [&'static str] },
    /// The roles that reach a task they own, and a task someone else owns.
    Task { own: &'static [&'static str], others: &'static [&'static str] },
}

/// Whether a route takes a case or a task id, and so has a data rule.
fn takes_case_or_task(path: &str) -> bool {
    path.contains("/cases/{id}") || path.contains("/tasks/{id}")
}

fn expected_data() -> BTreeMap<(&'static str, &'static str), Data> {
    use Data::*;
    let every_case = |roles| Case { shared: roles, unshared: roles };
    BTreeMap::from([
        (("GET", "/cases/{id}"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("GET", "/cases/{id}/print"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        // The letter recounts the legal timeline: never a clinician's, shared or not.
        (("GET", "/cases/{id}/letter"), every_case(TIMELINE_READERS)),
        // A clinician records attestations on a case shared with them, and on no other.
        (("POST", "/cases/{id}/events"), Case { shared: ATTESTERS, unshared: WRITERS }),
        (("POST", "/cases/{id}/assignments"), every_case(LEADS)),
        (("POST", "/cases/{id}/shares"), every_case(WRITERS)),
        (("GET", "/api/v1/cases/{id}"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("GET", "/api/v1/cases/{id}/answerable"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("POST", "/api/v1/cases/{id}/events"), Case { shared: ATTESTERS, unshared: WRITERS }),
        (("POST", "/cases/{id}/close"), every_case(WRITERS)),
        (("POST", "/cases/{id}/reopen"), every_case(WRITERS)),
        (("GET", "/cases/{id}/notice"), every_case(WRITERS)),
        (("POST", "/cases/{id}/notice"), every_case(WRITERS)),
        (("POST", "/cases/{id}/notice/event"), every_case(WRITERS)),
        (("POST", "/api/v1/cases/{id}/notice-reading"), every_case(WRITERS)),
        (("POST", "/api/v1/cases/{id}/close"), every_case(WRITERS)),
        (("POST", "/api/v1/cases/{id}/reopen"), every_case(WRITERS)),
        (("GET", "/api/v1/cases/{id}/escalations"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("POST", "/api/v1/cases/{id}/assignments"), every_case(LEADS)),
        (("GET", "/api/v1/cases/{id}/shares"), every_case(WRITERS)),
        (("POST", "/api/v1/cases/{id}/shares"), every_case(WRITERS)),
        // A clinician writes notes on a case shared with them, reads them there, and pins none.
        (("POST", "/cases/{id}/notes"), Case { shared: TASK_WORKERS, unshared: WRITERS }),
        (("POST", "/cases/{id}/notes/{note}/pin"), every_case(WRITERS)),
        (("POST", "/cases/{id}/contacts"), every_case(WRITERS)),
        (("GET", "/api/v1/cases/{id}/notes"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("POST", "/api/v1/cases/{id}/notes"), Case { shared: TASK_WORKERS, unshared: WRITERS }),
        (("PATCH", "/api/v1/cases/{id}/notes/{note}"), every_case(WRITERS)),
        (("GET", "/api/v1/cases/{id}/contacts"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("PUT", "/api/v1/cases/{id}/contacts"), every_case(WRITERS)),
        (("POST", "/cases/{id}/record"), every_case(WRITERS)),
        (("POST", "/cases/{id}/medical"), Case { shared: MEDICAL_EDITORS, unshared: WRITERS }),
        (("POST", "/cases/{id}/people"), every_case(WRITERS)),
        (("POST", "/cases/{id}/people/{key}"), every_case(WRITERS)),
        (("POST", "/cases/{id}/people/{key}/remove"), every_case(WRITERS)),
        (("POST", "/cases/{id}/events/{event_id}/void"), every_case(WRITERS)),
        (("PATCH", "/api/v1/cases/{id}"), Case { shared: MEDICAL_EDITORS, unshared: WRITERS }),
        // A clinician adds and reads medical letters on a case shared with them, and on no other.
        (("POST", "/cases/{id}/attachments"), Case { shared: ATTESTERS, unshared: WRITERS }),
        (("POST", "/api/v1/cases/{id}/attachments"), Case { shared: ATTESTERS, unshared: WRITERS }),
        (("GET", "/cases/{id}/attachments/{attachment}"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (
            ("GET", "/cases/{id}/attachments/{attachment}/download"),
            Case { shared: ALL, unshared: TIMELINE_READERS },
        ),
        (("GET", "/api/v1/cases/{id}/attachments"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (
            ("GET", "/api/v1/cases/{id}/attachments/{attachment}"),
            Case { shared: ALL, unshared: TIMELINE_READERS },
        ),
        // A clinician makes, reads and attests the medical letter of a case shared with them only.
        (("GET", "/cases/{id}/documents"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("POST", "/cases/{id}/documents"), Case { shared: ATTESTERS, unshared: WRITERS }),
        (("GET", "/cases/{id}/documents/{document}/pdf"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("GET", "/cases/{id}/documents/{document}/docx"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("GET", "/cases/{id}/documents/attest"), Case { shared: SIGNERS, unshared: &[] }),
        (("POST", "/cases/{id}/documents/attest"), Case { shared: SIGNERS, unshared: &[] }),
        (("GET", "/api/v1/cases/{id}/documents"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("POST", "/api/v1/cases/{id}/documents"), Case { shared: ATTESTERS, unshared: WRITERS }),
        (
            ("GET", "/api/v1/cases/{id}/documents/{document}/pdf"),
            Case { shared: ALL, unshared: TIMELINE_READERS },
        ),
        (
            ("GET", "/api/v1/cases/{id}/documents/{document}/docx"),
            Case { shared: ALL, unshared: TIMELINE_READERS },
        ),
        (("POST", "/api/v1/cases/{id}/documents/attestation"), Case { shared: SIGNERS, unshared: &[] }),
        (("POST", "/api/v1/cases/{id}/people"), every_case(WRITERS)),
        (("PATCH", "/api/v1/cases/{id}/people/{key}"), every_case(WRITERS)),
        (("DELETE", "/api/v1/cases/{id}/people/{key}"), every_case(WRITERS)),
        (("GET", "/api/v1/cases/{id}/history"), Case { shared: ALL, unshared: TIMELINE_READERS }),
        (("POST", "/api/v1/cases/{id}/events/{event_id}/void"), every_case(WRITERS)),
        (("POST", "/tasks/{id}/complete"), Task { own: TASK_WORKERS, others: WRITERS }),
        (("POST", "/tasks/{id}/reassign"), Task { own: WRITERS, others: WRITERS }),
        (("POST", "/api/v1/tasks/{id}/complete"), Task { own: TASK_WORKERS, others: WRITERS }),
        (("POST", "/api/v1/tasks/{id}/reassign"), Task { own: WRITERS, others: WRITERS }),
    ])
}

#[test]
fn every_route_of_a_case_or_a_task_has_a_data_rule_within_its_route_rule() {
    let data = expected_data();
    let routes = expected();
    let table = amparo_web::route_table();
    let taking: Vec<_> = table.iter().filter(|r| takes_case_or_task(r.path)).collect();
    for route in &taking {
        let rule = data.get(&(route.method, route.path)).unwrap_or_else(|| {
            panic!(
                "{} {} takes a case or a task and has no data rule here: add one",
                route.method, route.path
            )
        });
        let Expect::Roles(allowed) = routes[&(route.method, route.path)] else {
            panic!("{} {}: a route with data is for roles", route.method, route.path)
        };
        let (a, b) = match *rule {
            Data::Case { shared, unshared } => (shared, unshared),
            Data::Task { own, others } => (own, others),
        };
        for role in a.iter().chain(b) {
            assert!(
                allowed.contains(role),
                "{} {}: {role} reaches data the route refuses",
                route.method,
                route.path
            );
        }
    }
    assert_eq!(taking.len(), data.len(), "a route of the data table is no longer in the router");
}

#[test]
fn every_route_has_an_expected_rule_and_the_same_one_as_the_code() {
    let expected = expected();
    let table = amparo_web::route_table();
    for route in &table {
        let expect = expected.get(&(route.method, route.path)).unwrap_or_else(|| {
            panic!("{} {} has no entry in this test's matrix: add one", route.method, route.path)
        });
        let matches = match (expect, route.access) {
            (Expect::Anyone, amparo_web::Access::Public) => true,
            (Expect::AnySignedIn, amparo_web::Access::SignedIn) => true,
            (Expect::Enrolling, amparo_web::Access::Enrolling) => true,
            (Expect::PendingSignIn, amparo_web::Access::Public) => true,
            (Expect::Scraper, amparo_web::Access::Metrics) => true,
            (Expect::Roles(roles), amparo_web::Access::Needs(permission)) => {
                let allowed: Vec<&str> = ALL
                    .iter()
                    .copied()
                    .filter(|r| amparo_web::allows(amparo_store::parse_role(r).unwrap(), permission))
                    .collect();
                allowed == *roles
            }
            _ => false,
        };
        assert!(
            matches,
            "{} {}: the code says {:?}, this test {:?}",
            route.method, route.path, route.access, expect
        );
    }
    assert_eq!(table.len(), expected.len(), "a route of this matrix is no longer in the router");
}

/// A signed-in member: session cookie and CSRF token.
struct Actor {
    name: String,
    session: Option<(String, String)>,
}

/// Whether the reply refused the request for want of permission or of a session.
fn refused(reply: &Reply) -> Option<&'static str> {
    if reply.status == 401 {
        return Some("unauthenticated");
    }
    if reply.status == 303 && reply.header("location").is_some_and(|l| l.starts_with("/login")) {
        return Some("unauthenticated");
    }
    if reply.status == 403 && reply.body.contains("role does not allow") {
        return Some("forbidden");
    }
    None
}

fn request(app: &RouterApp, method: &str, path: &str, actor: &Actor) -> Reply {
    let (cookie, csrf) = actor.session.clone().unwrap_or_default();
    match (method, path.starts_with("/api/")) {
        ("GET", _) => app.get(path, &cookie),
        ("POST", true) => app.post_json(path, &cookie, &csrf, &serde_json::json!({})),
        ("POST", false) => app.post_form(path, &cookie, &[("csrf", &csrf)]),
        ("PATCH" | "PUT" | "DELETE", true) => {
            app.send_json(method, path, (&cookie, &csrf), &serde_json::json!({}))
        }
        _ => panic!("no test request for method {method}"),
    }
}

amparo_store::on_both_backends!(
    no_access_beyond_the_matrix,
    clinicians_see_only_cases_shared_with_them,
    reads_are_audited_and_sign_out_everywhere_ends_every_session,
    an_admin_resets_a_password_with_a_one_time_link,
    no_data_beyond_the_data_rules,
    a_clinician_reads_no_family_letter,
);

fn no_access_beyond_the_matrix(db: &TestDatabase) {
    let app = RouterApp::start(db);
    for role in ["admin", "advocate", "clinician", "viewer"] {
        let email = format!("{role}@a.example.org");
        let args = ["user", "add", "--org", "clinic-a", "--email", &email, "--name", "Staff", "--role", role];
        amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
    }
    let mut actors = vec![Actor { name: "anonymous".into(), session: None }];
    for (name, email) in [
        ("admin", "admin@a.example.org"),
        ("attorney", "ana@a.example.org"),
        ("advocate", "advocate@a.example.org"),
        ("clinician", "clinician@a.example.org"),
        ("viewer", "viewer@a.example.org"),
    ] {
        actors.push(Actor { name: name.into(), session: Some(app.sign_in(email, PASSWORD)) });
    }
    let attorney = actors[2].session.clone().unwrap();
    let (case_id, _) = app.case_id(&attorney.0, "A-1");
    let outsider = Actor {
        name: "another organisation".into(),
        session: Some(app.sign_in("bo@b.example.org", PASSWORD)),
    };

    let mut checked = 0;
    for route in amparo_web::route_table() {
        let path = route
            .path
            .replace("{id}", &case_id)
            .replace("{note}", "1")
            .replace("{attachment}", "0190aaaa-0000-7000-8000-000000000000")
            .replace("{document}", "0190aaaa-0000-7000-8000-000000000000");
        let expect = expected()[&(route.method, route.path)];
        for actor in &actors {
            // Signing out ends the session the other checks need; it is checked last, below.
            if route.path.starts_with("/logout") && actor.session.is_some() {
                continue;
            }
            let reply = request(&app, route.method, &path, actor);
            if let Expect::Scraper = expect {
                assert_eq!(reply.status, 403, "{} {path} as {}: {}", route.method, actor.name, reply.body);
                checked += 1;
                continue;
            }
            let outcome = refused(&reply);
            let allowed = match expect {
                Expect::Anyone => true,
                Expect::AnySignedIn | Expect::Enrolling | Expect::PendingSignIn => actor.session.is_some(),
                Expect::Roles(roles) => roles.contains(&actor.name.as_str()),
                Expect::Scraper => false,
            };
            if allowed {
                assert_eq!(
                    outcome, None,
                    "{} {path} as {}: {} {}",
                    route.method, actor.name, reply.status, reply.body
                );
            } else {
                let want = if actor.session.is_some() { "forbidden" } else { "unauthenticated" };
                assert_eq!(
                    outcome,
                    Some(want),
                    "{} {path} as {}: {} {}",
                    route.method,
                    actor.name,
                    reply.status,
                    reply.body
                );
            }
            checked += 1;
        }
        // A member of another organisation never reaches this organisation's case.
        if route.path.contains("/cases/{id}") {
            let reply = request(&app, route.method, &path, &outsider);
            // The outsider is an attorney: a route no attorney reaches refuses them for their role,
            // before any case is looked at, which says nothing of the case.
            let attorneys_refused = matches!(expect, Expect::Roles(roles) if !roles.contains(&"attorney"));
            let kept_out = if route.method == "GET" {
                reply.status == 404 || (attorneys_refused && refused(&reply) == Some("forbidden"))
            } else {
                (400..500).contains(&reply.status)
            };
            assert!(
                kept_out,
                "{} {path} from another organisation: {} {}",
                route.method, reply.status, reply.body
            );
        }
    }
    assert!(checked > 100, "only {checked} checks ran");
    for actor in actors.iter().skip(1) {
        let reply = request(&app, "POST", "/logout", actor);
        assert_eq!(reply.status, 303, "sign-out as {}", actor.name);
        let after = app.get("/cases", &actor.session.as_ref().unwrap().0);
        assert_eq!(refused(&after), Some("unauthenticated"), "the session of {} ended", actor.name);
    }
}

fn clinicians_see_only_cases_shared_with_them(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let args = [
        "user",
        "add",
        "--org",
        "clinic-a",
        "--email",
        "dr@a.example.org",
        "--name",
        "Clinician",
        "--role",
        "clinician",
    ];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let users = store.users(&org.id).unwrap();
    let clinician_id = users.iter().find(|u| u.email == "dr@a.example.org").unwrap().id.clone();
    let attorney_id = users.iter().find(|u| u.email == "ana@a.example.org").unwrap().id.clone();

    let (attorney, attorney_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (clinician, _) = app.sign_in("dr@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&attorney, "A-1");
    let case_path = format!("/api/v1/cases/{case_id}");

    // Nothing is shared yet: the case does not exist for the clinician.
    assert_eq!(app.get("/api/v1/cases", &clinician).json()["total"], 0);
    assert_eq!(app.get("/api/v1/triage", &clinician).json()["total"], 0);
    assert_eq!(app.get(&case_path, &clinician).status, 404);
    assert_eq!(app.get(&format!("/cases/{case_id}"), &clinician).status, 404);
    for page in [
        "/",
        "/triage",
        "/calendar?month=2026-07",
        "/api/v1/calendar?month=2026-07",
        "/cases",
        "/export/cases.csv",
        "/export/deadlines.csv?month=2026-07",
        "/export/deadlines.csv",
    ] {
        let body = app.get(page, &clinician).body;
        assert!(!body.contains("A-1") && !body.contains("Lucía"), "{page} shows an unshared case: {body}");
    }
    assert!(
        app.get("/calendar?month=2026-07", &attorney).body.contains("A-1"),
        "the attorney's calendar shows it"
    );

    let share = |shared: bool, who: &str| {
        let body = serde_json::json!({ "clinician": who, "shared": shared });
        app.post_json(&format!("{case_path}/shares"), &attorney, &attorney_csrf, &body)
    };
    let shared = share(true, clinician_id.as_str());
    assert_eq!(shared.status, 200, "{}", shared.body);
    assert_eq!(shared.json()["items"], serde_json::json!([clinician_id.as_str()]));
    assert_eq!(share(true, clinician_id.as_str()).status, 409, "sharing twice is refused");
    let not_clinician = share(true, attorney_id.as_str());
    assert_eq!(not_clinician.status, 422);
    assert!(not_clinician.body.contains("clinicians"), "{}", not_clinician.body);

    // Shared: identity, medical facts and deadlines, but not the legal timeline.
    assert_eq!(app.get("/api/v1/cases", &clinician).json()["total"], 1);
    let case = app.get(&case_path, &clinician).json();
    assert_eq!(case["file"]["case"]["reference"], "A-1");
    assert_eq!(case["file"]["case"]["medical"]["condition"], "short bowel syndrome");
    assert_eq!(case["file"]["events"], serde_json::json!([]));
    assert_eq!(app.get(&case_path, &attorney).json()["file"]["events"].as_array().unwrap().len(), 2);
    assert_eq!(app.get(&format!("/cases/{case_id}"), &clinician).status, 200);

    // Un-shared: gone again. Both changes are in the audit trail, by whom and for whom.
    assert_eq!(share(false, clinician_id.as_str()).status, 200);
    assert_eq!(app.get(&case_path, &clinician).status, 404);
    assert_eq!(share(false, clinician_id.as_str()).status, 404);
    // Assigning the clinician to the case shares it: they can open what they are assigned to.
    let assign = serde_json::json!({ "role": "clinician", "user": clinician_id.as_str() });
    let assigned = app.post_json(&format!("{case_path}/assignments"), &attorney, &attorney_csrf, &assign);
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(app.get(&case_path, &clinician).status, 200);
    let audit = store.audit_log(Some(&org.id)).unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .map(|e| e.action.as_str())
        .filter(|a| a.starts_with("case.") && *a != "case.read")
        .collect();
    assert_eq!(actions, ["case.shared", "case.unshared", "case.shared", "case.assigned"]);
    for entry in audit.iter().filter(|e| e.action == "case.shared" || e.action == "case.unshared").take(2) {
        assert_eq!(entry.actor.as_deref(), Some(attorney_id.as_str()));
        assert_eq!(entry.target, case_id);
        assert!(entry.detail.contains(clinician_id.as_str()));
    }
}

fn reads_are_audited_and_sign_out_everywhere_ends_every_session(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let args = [
        "user",
        "add",
        "--org",
        "clinic-a",
        "--email",
        "admin@a.example.org",
        "--name",
        "Admin",
        "--role",
        "admin",
    ];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
    let (laptop, laptop_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (phone, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&laptop, "A-1");
    assert_eq!(app.get(&format!("/cases/{case_id}"), &laptop).status, 200);
    assert_eq!(app.get(&format!("/api/v1/cases/{case_id}"), &phone).status, 200);

    let (admin, _) = app.sign_in("admin@a.example.org", PASSWORD);
    let export = app.get("/api/v1/audit", &admin).json();
    let reads: Vec<&serde_json::Value> =
        export["items"].as_array().unwrap().iter().filter(|e| e["action"] == "case.read").collect();
    assert_eq!(reads.len(), 2, "{export}");
    assert!(reads.iter().all(|e| e["target"] == case_id.as_str() && e["actor"].is_string()));
    assert_eq!(reads[0]["detail"], r#"{"via":"page"}"#);
    let text = export.to_string();
    for sensitive in ["A012345678", "short bowel", "Lucía"] {
        assert!(!text.contains(sensitive), "the audit trail holds {sensitive}");
    }

    // Signing out everywhere from the laptop ends the phone's session too.
    let out = app.post_form("/logout/everywhere", &laptop, &[("csrf", &laptop_csrf)]);
    assert_eq!(out.status, 303);
    for session in [&laptop, &phone] {
        assert_eq!(refused(&app.get("/cases", session)), Some("unauthenticated"));
    }
    assert_eq!(refused(&app.get("/cases", &admin)), None, "other people stay signed in");
    let export = app.get("/api/v1/audit", &admin).json();
    let ended = export["items"].as_array().unwrap().iter().find(|e| e["action"] == "sessions.ended").unwrap();
    assert_eq!(ended["detail"], r#"{"feeds_revoked":0,"sessions":2}"#);
    let stdout = amparo(db, &["audit", "verify"], None);
    assert!(stdout.contains("chain intact"), "{stdout}");
    // The log names the case by its opaque id (and the check for personal data, when the server
    // stops, reads a log that really has lines about this case).
    let log = app.server_log();
    assert!(log.contains(&format!("case={case_id}")) && log.contains("case page"), "{log}");
}

fn an_admin_resets_a_password_with_a_one_time_link(db: &TestDatabase) {
    let app = RouterApp::start(db);
    let args = [
        "user",
        "add",
        "--org",
        "clinic-a",
        "--email",
        "admin@a.example.org",
        "--name",
        "Admin",
        "--role",
        "admin",
    ];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let ana = store.users(&org.id).unwrap().into_iter().find(|u| u.email == "ana@a.example.org").unwrap();
    let (ana_session, _) = app.sign_in("ana@a.example.org", PASSWORD);
    let (admin, admin_csrf) = app.sign_in("admin@a.example.org", PASSWORD);

    let issued = app.post_json(
        &format!("/api/v1/users/{}/password-reset", ana.id.as_str()),
        &admin,
        &admin_csrf,
        &serde_json::json!({}),
    );
    assert_eq!(issued.status, 200, "{}", issued.body);
    let link = issued.json()["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with("/reset/") && link.len() > 40, "{link}");
    let elsewhere =
        app.post_json("/api/v1/users/nobody/password-reset", &admin, &admin_csrf, &serde_json::json!({}));
    assert_eq!(elsewhere.status, 404);

    let form = app.get(&link, "");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("ana@a.example.org"));
    let cookie = format!("amparo_login_csrf={}", form.cookie("amparo_login_csrf").unwrap());
    let csrf = crate::support::hidden_field(&form.body, "csrf");
    let new_password = "copper kettles hum at dawn";
    let submit = |password: &str, confirm: &str| {
        app.post_form(&link, &cookie, &[("csrf", &csrf), ("password", password), ("confirm", confirm)])
    };
    let differ = submit(new_password, "copper kettles hum at dusk");
    assert_eq!(differ.status, 422);
    assert!(differ.body.contains("differ"), "{}", differ.body);
    let common = submit("password1234567890", "password1234567890");
    assert_eq!(common.status, 422, "a common password is refused");
    let no_csrf =
        app.post_form(&link, "", &[("csrf", &csrf), ("password", new_password), ("confirm", new_password)]);
    assert_eq!(no_csrf.status, 403);

    let done = submit(new_password, new_password);
    assert_eq!((done.status, done.header("location")), (303, Some("/login?reset=1")), "{}", done.body);
    assert_eq!(refused(&app.get("/cases", &ana_session)), Some("unauthenticated"), "her sessions ended");
    app.sign_in("ana@a.example.org", new_password);
    let old = app.get("/login", "");
    let old_cookie = format!("amparo_login_csrf={}", old.cookie("amparo_login_csrf").unwrap());
    let old_csrf = crate::support::hidden_field(&old.body, "csrf");
    let with_old = app.post_form(
        "/login",
        &old_cookie,
        &[("csrf", &old_csrf), ("email", "ana@a.example.org"), ("password", PASSWORD)],
    );
    assert_eq!(with_old.status, 401, "the old password no longer works");

    // The link worked once.
    assert_eq!(submit(new_password, new_password).status, 422);
    assert_eq!(app.get(&link, "").status, 422);
    assert_eq!(app.get("/reset/0000", "").status, 422);
    let actions: Vec<String> =
        store.audit_log(Some(&org.id)).unwrap().into_iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&"password.reset_issued".to_owned())
            && actions.contains(&"password.reset".to_owned()),
        "{actions:?}"
    );
}

/// Whether a reply reached the data: neither refused (401, 403, sent to sign in) nor "not found".
fn reached(reply: &Reply) -> bool {
    refused(reply).is_none() && reply.status != 404 && reply.status != 403
}

/// A request to a route with data, with a body that the route accepts or refuses only after it has
/// found the case or task (a stale version, a no-op assignment, a clinician already shared with):
/// what it answers then says whether the data was reached, and nothing that matters is changed.
fn data_request(app: &RouterApp, method: &str, route: &str, id: &str, actor: &Actor, ids: &Ids) -> Reply {
    let (cookie, csrf) = actor.session.clone().unwrap_or_default();
    // A person and an event every case of the test has (see `case_json`), and its first note.
    let attachment = ids.attachments.get(id).cloned().unwrap_or_default();
    let document = ids.documents.get(id).cloned().unwrap_or_default();
    let path = route
        .replace("{document}", &document)
        .replace("{id}", id)
        .replace("{key}", "m1")
        .replace("{event_id}", "e2")
        .replace("{note}", "1")
        .replace("{attachment}", &attachment);
    let owner = if id == ids.own_task { ids.user(&actor.name) } else { ids.other_clinician.clone() };
    // An event every role that reaches the case may record (a clinician: an attestation), at a
    // stale version: refused as stale once the case is found, so nothing is written.
    let attestation = serde_json::json!({ "type": "medical_attested", "on": "2026-02-27",
                                          "days_to_critical_harm": 3 });
    let json = |body: serde_json::Value| app.post_json(&path, &cookie, &csrf, &body);
    let form = |fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        app.post_form(&path, &cookie, &all)
    };
    match (method, route) {
        ("GET", _) => app.get(&path, &cookie),
        ("POST", "/cases/{id}/events") => form(&[("version", "0")]),
        ("POST", "/api/v1/cases/{id}/events") => {
            json(serde_json::json!({ "expected_version": 0, "event": attestation }))
        }
        // Version 0 is stale: the case is reached and nothing is closed or reopened.
        ("POST", "/cases/{id}/close") => form(&[("version", "0"), ("close-reason", "moved")]),
        ("POST", "/cases/{id}/reopen") => form(&[("version", "0")]),
        ("POST", "/cases/{id}/notice") => form(&[("notice-text", "NOTICE OF ACTION"), ("notice-file", "")]),
        ("POST", "/cases/{id}/notice/event") => form(&[("ev-type", "rfe_received")]),
        ("POST", "/api/v1/cases/{id}/notice-reading") => {
            json(serde_json::json!({ "text": "NOTICE OF ACTION" }))
        }
        ("POST", "/api/v1/cases/{id}/close") => json(serde_json::json!({ "version": 0, "reason": "moved" })),
        ("POST", "/api/v1/cases/{id}/reopen") => json(serde_json::json!({ "version": 0 })),
        ("POST", "/cases/{id}/assignments") => form(&[("role", "attorney"), ("user", &ids.attorney)]),
        ("POST", "/api/v1/cases/{id}/assignments") => {
            json(serde_json::json!({ "role": "attorney", "user": ids.attorney }))
        }
        ("POST", "/cases/{id}/shares") => form(&[("clinician", &ids.other_clinician), ("shared", "true")]),
        ("POST", "/api/v1/cases/{id}/shares") => {
            json(serde_json::json!({ "clinician": ids.other_clinician, "shared": true }))
        }
        ("POST", "/tasks/{id}/complete") => form(&[]),
        ("POST", "/api/v1/tasks/{id}/complete") => json(serde_json::json!({})),
        ("POST", "/tasks/{id}/reassign") => form(&[("owner", &owner)]),
        ("POST", "/api/v1/tasks/{id}/reassign") => json(serde_json::json!({ "owner": owner })),
        // A link to an event the case does not have: refused (422) once the case is found.
        ("POST", "/cases/{id}/notes") => form(&[("note-text", "probe"), ("note-event", "zz")]),
        ("POST", "/api/v1/cases/{id}/notes") => {
            json(serde_json::json!({ "type": "note", "text": "probe", "event": "zz" }))
        }
        ("POST", "/cases/{id}/notes/{note}/pin") => form(&[("pinned", "false")]),
        ("PATCH", "/api/v1/cases/{id}/notes/{note}") => {
            app.send_json("PATCH", &path, (&cookie, &csrf), &serde_json::json!({ "pinned": false }))
        }
        // A stale version: refused (409) once the case is found.
        ("POST", "/cases/{id}/contacts") => form(&[("version", "0")]),
        ("PUT", "/api/v1/cases/{id}/contacts") => app.send_json(
            "PUT",
            &path,
            (&cookie, &csrf),
            &serde_json::json!({ "version": 0, "contacts": {} }),
        ),
        // Edits and voids at version 0: refused as stale once the case is reached.
        ("POST", "/cases/{id}/record") => {
            form(&[("version", "0"), ("case-reference", "A-9"), ("case-program", "u4u")])
        }
        ("POST", "/cases/{id}/medical") => form(&[("version", "0")]),
        ("POST", "/cases/{id}/people") => form(&[("version", "0")]),
        ("POST", "/cases/{id}/people/{key}" | "/cases/{id}/people/{key}/remove") => form(&[("version", "0")]),
        ("POST", "/cases/{id}/events/{event_id}/void") => {
            form(&[("version", "0"), ("void-e2-reason", "mistake")])
        }
        ("PATCH", "/api/v1/cases/{id}") => app.send_json(
            "PATCH",
            &path,
            (&cookie, &csrf),
            &serde_json::json!({ "version": 0, "medical": null }),
        ),
        ("POST", "/api/v1/cases/{id}/people") => json(serde_json::json!({ "version": 0, "person": {
            "key": "s9", "role": "sibling", "given_name": "Luz", "family_name": "Ejemplo" } })),
        ("PATCH", "/api/v1/cases/{id}/people/{key}") => app.send_json(
            "PATCH",
            &path,
            (&cookie, &csrf),
            &serde_json::json!({ "version": 0, "person": { "given_name": "Rosa María" } }),
        ),
        ("DELETE", "/api/v1/cases/{id}/people/{key}") => {
            app.send_json("DELETE", &path, (&cookie, &csrf), &serde_json::json!({ "version": 0 }))
        }
        ("POST", "/api/v1/cases/{id}/events/{event_id}/void") => {
            json(serde_json::json!({ "version": 0, "reason": "mistake" }))
        }
        // A medical letter (which a clinician makes) with a language only the family letter takes:
        // refused (422) once the case is found.
        ("POST", "/cases/{id}/documents") => form(&[("kind", "medical-letter"), ("language", "uk")]),
        ("POST", "/api/v1/cases/{id}/documents") => {
            json(serde_json::json!({ "kind": "medical-letter", "language": "uk" }))
        }
        // A whole attestation at version 0: refused as stale (409, or the form again) once the case
        // is found, before anything is typeset or written.
        ("POST", "/cases/{id}/documents/attest") => form(&[
            ("version", "0"),
            ("name", "Probe"),
            ("credentials", "MD"),
            ("date", "2020-01-01"),
            ("statement", "Probe"),
        ]),
        ("POST", "/api/v1/cases/{id}/documents/attestation") => json(serde_json::json!({
            "version": 0, "name": "Probe", "credentials": "MD", "date": "2020-01-01", "statement": "Probe" })),
        // A medical letter (which a clinician may add) linked to an event the case does not have:
        // refused (422) once the case is found.
        ("POST", "/cases/{id}/attachments" | "/api/v1/cases/{id}/attachments") => {
            const BOUNDARY: &str = "AmparoProbeBoundary";
            let mut body = String::new();
            let fields =
                [("csrf", csrf.as_str()), ("kind", "medical_letter"), ("title", "Probe"), ("event", "zz")];
            for (name, value) in fields {
                body.push_str(&format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                ));
            }
            body.push_str(&format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.pdf\"\r\n\r\n%PDF-1.4 probe\r\n--{BOUNDARY}--\r\n"
            ));
            let headers = vec![("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
            let body = Some(("multipart/form-data; boundary=AmparoProbeBoundary", body));
            app.transport.send(crate::support::site::Request { method: "POST", path: &path, headers, body })
        }
        _ => panic!("no data request for {method} {route}: add one"),
    }
}

/// The ids the data rules are checked against.
struct Ids {
    shared_case: String,
    unshared_case: String,
    own_task: String,
    others_task: String,
    attorney: String,
    other_clinician: String,
    by_role: BTreeMap<String, String>,
    /// A medical letter of each case, by case id, which the attachment routes are probed on.
    attachments: BTreeMap<String, String>,
    /// A recorded medical-letter generation of each case, by case id, which the document downloads
    /// are probed on: its data hash matches no case, so a download that reaches it is refused as
    /// changed since (409) without typesetting.
    documents: BTreeMap<String, String>,
}

impl Ids {
    fn user(&self, role: &str) -> String {
        self.by_role[role].clone()
    }
}

fn no_data_beyond_the_data_rules(db: &TestDatabase) {
    let app = RouterApp::start(db);
    for role in ["admin", "advocate", "clinician", "viewer"] {
        crate::support::add_user(db, "clinic-a", &format!("{role}@a.example.org"), "Staff", role);
    }
    crate::support::add_user(db, "clinic-a", "other@a.example.org", "Other", "clinician");
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let (file, _) = amparo_domain::CaseFile::parse(&crate::support::case_json("A-2", "Lucía")).unwrap();
    store.import_cases(&org.id, &[file], None, app.transport.now).unwrap();
    let case_of = |reference: &str| store.case_by_reference(&org.id, reference).unwrap().unwrap().id.0;
    let users = store.users(&org.id).unwrap();
    let user_id = |email: &str| users.iter().find(|u| u.email == email).unwrap().id.as_str().to_owned();

    let mut actors = Vec::new();
    let mut by_role = BTreeMap::new();
    for (role, email) in [
        ("admin", "admin@a.example.org"),
        ("attorney", "ana@a.example.org"),
        ("advocate", "advocate@a.example.org"),
        ("clinician", "clinician@a.example.org"),
        ("viewer", "viewer@a.example.org"),
    ] {
        actors.push(Actor { name: role.into(), session: Some(app.sign_in(email, PASSWORD)) });
        by_role.insert(role.to_owned(), user_id(email));
    }
    let (attorney, attorney_csrf) = actors[1].session.clone().unwrap();
    let (shared_case, unshared_case) = (case_of("A-1"), case_of("A-2"));
    let share = serde_json::json!({ "clinician": by_role["clinician"], "shared": true });
    let shared =
        app.post_json(&format!("/api/v1/cases/{shared_case}/shares"), &attorney, &attorney_csrf, &share);
    assert_eq!(shared.status, 200, "{}", shared.body);
    // Tasks go only to clinicians who see the case: the other clinician, who holds "another's task",
    // sees the shared case too.
    let share_other = serde_json::json!({ "clinician": user_id("other@a.example.org"), "shared": true });
    let shared = app.post_json(
        &format!("/api/v1/cases/{shared_case}/shares"),
        &attorney,
        &attorney_csrf,
        &share_other,
    );
    assert_eq!(shared.status, 200, "{}", shared.body);
    // A termination notice on the critical case opens an escalation: its tasks are the ones probed.
    let tasks = app.terminate_and_escalate(&shared_case, (&attorney, &attorney_csrf));
    assert!(tasks.len() >= 2, "{tasks:?}");
    let mut ids = Ids {
        shared_case,
        unshared_case,
        own_task: tasks[0].clone(),
        others_task: tasks[1].clone(),
        attorney: by_role["attorney"].clone(),
        other_clinician: user_id("other@a.example.org"),
        by_role,
        attachments: BTreeMap::new(),
        documents: BTreeMap::new(),
    };
    // Note 1 of each case, which the pin routes are probed on.
    let attorney_actor =
        amparo_store::Actor::of(users.iter().find(|u| u.email == "ana@a.example.org").unwrap());
    for case in [&ids.shared_case, &ids.unshared_case] {
        let note = amparo_domain::notes::NewNote {
            kind: amparo_domain::notes::NoteKind::Note,
            event: None,
            text: "Probe".into(),
        };
        store
            .add_note_as(&attorney_actor, &amparo_store::CaseId(case.clone()), &note, app.transport.now)
            .unwrap();
    }
    for case in [ids.shared_case.clone(), ids.unshared_case.clone()] {
        let letter = amparo_store::NewAttachment {
            details: amparo_domain::attachments::AttachmentDetails {
                kind: amparo_domain::attachments::AttachmentKind::MedicalLetter,
                title: "Probe".into(),
                dated: None,
                event: None,
                person: None,
                file_name: None,
            },
            bytes: b"%PDF-1.4 probe".to_vec(),
        };
        let case_id = amparo_store::CaseId(case.clone());
        let added = store.add_attachment_as(&attorney_actor, &case_id, &letter, app.transport.now).unwrap();
        ids.attachments.insert(case.clone(), added.id);
        let generation = amparo_store::NewDocument {
            case: &case_id,
            kind: "medical-letter",
            language: "en",
            template_version: "probe",
            data_hash: "probe",
            fingerprint: "{}",
            attachment: None,
            exhibits: &[],
        };
        let recorded = store.record_document_as(&attorney_actor, &generation, app.transport.now).unwrap();
        ids.documents.insert(case, recorded.id);
    }
    let give = |task: &str, owner: &str| {
        let body = serde_json::json!({ "owner": owner });
        let reply =
            app.post_json(&format!("/api/v1/tasks/{task}/reassign"), &attorney, &attorney_csrf, &body);
        assert_eq!(reply.status, 200, "{}", reply.body);
    };

    let data = expected_data();
    let mut checked = 0;
    for route in amparo_web::route_table().into_iter().filter(|r| takes_case_or_task(r.path)) {
        let rule = data[&(route.method, route.path)];
        for actor in &actors {
            let probes: Vec<(&str, &str, &[&str])> = match rule {
                Data::Case { shared, unshared } => {
                    vec![
                        ("shared case", &ids.shared_case, shared),
                        ("unshared case", &ids.unshared_case, unshared),
                    ]
                }
                Data::Task { own, others } => {
                    // A viewer is given no task: the "own" one stays another's, and the probe still
                    // expects the viewer refused.
                    if actor.name != "viewer" {
                        give(&ids.own_task, &ids.user(&actor.name));
                    }
                    give(&ids.others_task, &ids.other_clinician);
                    vec![("own task", &ids.own_task, own), ("another's task", &ids.others_task, others)]
                }
            };
            for (what, id, roles) in probes {
                let reply = data_request(&app, route.method, route.path, id, actor, &ids);
                let want = roles.contains(&actor.name.as_str());
                assert_eq!(
                    reached(&reply),
                    want,
                    "{} {} on the {what} as {}: {} {}",
                    route.method,
                    route.path,
                    actor.name,
                    reply.status,
                    reply.body
                );
                if !want {
                    assert!(
                        matches!(reply.status, 403 | 404),
                        "{} {}: {}",
                        route.method,
                        route.path,
                        reply.status
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 150, "only {checked} checks ran");
}

/// A clinician opening the family letter — of a case shared with them or not — finds nothing, as the
/// case page answers for a case they may not see; the legal staff and viewers read it.
fn a_clinician_reads_no_family_letter(db: &TestDatabase) {
    let app = RouterApp::start(db);
    crate::support::add_user(db, "clinic-a", "dr@a.example.org", "Clinician", "clinician");
    crate::support::add_user(db, "clinic-a", "viewer@a.example.org", "Viewer", "viewer");
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let clinician_id =
        store.users(&org.id).unwrap().into_iter().find(|u| u.email == "dr@a.example.org").unwrap().id;
    let (attorney, attorney_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (clinician, _) = app.sign_in("dr@a.example.org", PASSWORD);
    let (viewer, _) = app.sign_in("viewer@a.example.org", PASSWORD);
    let (case_id, _) = app.case_id(&attorney, "A-1");
    let letter = format!("/cases/{case_id}/letter");

    assert_eq!(app.get(&letter, &clinician).status, 404, "not shared");
    let share = serde_json::json!({ "clinician": clinician_id.as_str(), "shared": true });
    let shared = app.post_json(&format!("/api/v1/cases/{case_id}/shares"), &attorney, &attorney_csrf, &share);
    assert_eq!(shared.status, 200, "{}", shared.body);
    assert_eq!(app.get(&format!("/cases/{case_id}"), &clinician).status, 200, "the case page is theirs");
    let refused = app.get(&letter, &clinician);
    assert_eq!(refused.status, 404, "the letter is not: {}", refused.body);
    assert!(!refused.body.contains("Ejemplo"), "{}", refused.body);
    for reader in [&attorney, &viewer] {
        let read = app.get(&letter, reader);
        assert_eq!(read.status, 200, "{}", read.body);
        assert!(read.body.contains("Ejemplo"), "{}", read.body);
    }
}
