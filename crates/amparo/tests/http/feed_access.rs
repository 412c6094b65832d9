//! The data rules of calendar feeds: a feed shows only what its owner may see now. Checked when it
//! is made (a clinician's feed of a case not shared with them is refused) and at every fetch (a case
//! unshared stops serving), and revoked when the owner loses access in a way that is cheap to see (a
//! change of role, signing out everywhere); creation and fetches are audited.

use crate::support::{PASSWORD, RouterApp};
use amparo_store::testing::TestDatabase;

amparo_store::on_both_backends!(calendar_feeds_honour_sharing);

/// The new feed's path (`/calendar/feed/<secret>.ics`) from the page that shows it once.
fn feed_path(page: &str) -> String {
    let start = page.find("<code id=\"feed-address\">").expect("the new address is shown") + 24;
    let end = page[start..].find("</code>").unwrap();
    let address = &page[start..start + end];
    address.split_once("/calendar/feed/").map(|(_, token)| format!("/calendar/feed/{token}")).unwrap()
}

/// Finding 4: anyone who could view cases made a feed of any case by reference (clinicians
/// included), and feeds kept serving after the case was unshared, the owner's role changed or they
/// signed out everywhere; creation was not audited.
fn calendar_feeds_honour_sharing(db: &TestDatabase) {
    let app = RouterApp::start(db);
    crate::support::add_user(db, "clinic-a", "dr@a.example.org", "Clinician", "clinician");
    let store = db.store();
    let org = store.organisations().unwrap().into_iter().find(|o| o.slug == "clinic-a").unwrap();
    let (file, _) = amparo_domain::CaseFile::parse(&crate::support::case_json("A-2", "Lucía")).unwrap();
    store.import_cases(&org.id, &[file], None, app.transport.now).unwrap();
    let clinician_id =
        store.users(&org.id).unwrap().into_iter().find(|u| u.email == "dr@a.example.org").unwrap().id;
    let (attorney, attorney_csrf) = app.sign_in("ana@a.example.org", PASSWORD);
    let (clinician, clinician_csrf) = app.sign_in("dr@a.example.org", PASSWORD);
    let (shared_case, _) = app.case_id(&attorney, "A-1");
    let share = |shared: bool| {
        let body = serde_json::json!({ "clinician": clinician_id.as_str(), "shared": shared });
        let reply =
            app.post_json(&format!("/api/v1/cases/{shared_case}/shares"), &attorney, &attorney_csrf, &body);
        assert_eq!(reply.status, 200, "{}", reply.body);
    };
    share(true);
    let create = |session: &str, csrf: &str, reference: &str| {
        app.post_form("/calendar/feeds", session, &[("csrf", csrf), ("reference", reference)])
    };

    // At creation: a clinician's feed of a case not shared with them is refused as an unknown case is.
    let unshared = create(&clinician, &clinician_csrf, "A-2");
    assert_eq!(unshared.status, 404, "{}", unshared.body);
    assert!(!unshared.body.contains("feed-address"));
    let unknown = create(&clinician, &clinician_csrf, "A-404");
    assert_eq!(unknown.status, 422, "an unknown reference is named: {}", unknown.body);
    let shared = create(&clinician, &clinician_csrf, "A-1");
    assert_eq!(shared.status, 200, "{}", shared.body);
    let clinician_case_feed = feed_path(&shared.body);
    let mine = create(&clinician, &clinician_csrf, "");
    let clinician_own_feed = feed_path(&mine.body);
    let attorney_feed = feed_path(&create(&attorney, &attorney_csrf, "A-2").body);
    for path in [&clinician_case_feed, &clinician_own_feed, &attorney_feed] {
        assert_eq!(app.get(path, "").status, 200, "{path}");
    }

    // A clinician's feed of a case carries their own tasks, not the others' of the same case.
    let tasks = app.terminate_and_escalate(&shared_case, (&attorney, &attorney_csrf));
    let ana = store.users(&org.id).unwrap().into_iter().find(|u| u.email == "ana@a.example.org").unwrap().id;
    for (task, owner) in [(&tasks[0], clinician_id.as_str()), (&tasks[1], ana.as_str())] {
        let body = serde_json::json!({ "owner": owner });
        let reply =
            app.post_json(&format!("/api/v1/tasks/{task}/reassign"), &attorney, &attorney_csrf, &body);
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let calendar = app.get(&clinician_case_feed, "");
    assert!(calendar.body.contains(&format!("UID:task-{}@", tasks[0])), "{}", calendar.body);
    assert!(!calendar.body.contains(&format!("UID:task-{}@", tasks[1])), "{}", calendar.body);

    // Unshared: the clinician's feed of the case stops serving, like an unknown address.
    share(false);
    let gone = app.get(&clinician_case_feed, "");
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body, app.get("/calendar/feed/unknown.ics", "").body, "the reason is not told");
    share(true);
    assert_eq!(app.get(&clinician_case_feed, "").status, 200, "shared again, served again");

    // Signing out everywhere revokes every feed of the person.
    let out = app.post_form("/logout/everywhere", &clinician, &[("csrf", &clinician_csrf)]);
    assert_eq!(out.status, 303);
    for path in [&clinician_case_feed, &clinician_own_feed] {
        assert_eq!(app.get(path, "").status, 404, "{path} after signing out everywhere");
    }

    // A change of role revokes them too.
    let attorney_id = ana;
    let actor = amparo_store::RoleActor { user: None, session: None };
    store
        .set_user_role(&org.id, &attorney_id, amparo_domain::org::UserRole::Viewer, actor, app.transport.now)
        .unwrap();
    assert_eq!(app.get(&attorney_feed, "").status, 404, "after a change of role");

    // Creation and every fetch are in the trail, by id.
    let trail = store.audit_log(Some(&org.id)).unwrap();
    let count = |action: &str| trail.iter().filter(|e| e.action == action).count();
    assert_eq!(count("feed.created"), 3, "{trail:#?}");
    assert_eq!(count("feed.read"), 5, "{trail:#?}");
    assert!(trail.iter().filter(|e| e.action.starts_with("feed.")).all(|e| e.target.starts_with("feed:")));
}
