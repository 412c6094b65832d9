//! Writes refused once their permission is withdrawn, through the router in process, on both
//! backends: a case read after it was unshared, a task completed after it was given to someone else,
//! and a task given to someone who could not work its case. Each refusal answers as it always did
//! (404 for what one may not see), and nothing of the refused write is stored.

use amparo_domain::Program;
use amparo_store::testing::TestDatabase;
use amparo_store::{AuditQuery, CaseSelection, OrgId, ReviewTask, TaskId, UserId};
use serde_json::json;

use crate::support::{PASSWORD, Reply, RouterApp, add_user};

/// Clinic A's attorney (`ana`, from the seed), two clinicians, a viewer and a second attorney, with case A-1 and a review task on it owned by nobody.
struct Clinic {
    app: RouterApp,
    db_store: std::sync::Arc<amparo_store::Store>,
    org: OrgId,
    case: String,
    task: TaskId,
}

/// A signed-in member: their id, session cookie and form token.
struct Member {
    id: UserId,
    session: String,
    csrf: String,
}

const MEMBERS: [(&str, &str); 4] = [
    ("cleo@a.example.org", "clinician"),
    ("cruz@a.example.org", "clinician"),
    ("vera@a.example.org", "viewer"),
    ("esme@a.example.org", "attorney"),
];

impl Clinic {
    fn start(db: &TestDatabase) -> Clinic {
        let app = RouterApp::start(db);
        for (email, role) in MEMBERS {
            add_user(db, "clinic-a", email, "Test Member", role);
        }
        let store = db.store();
        let ana = store.credentials_by_email("ana@a.example.org").unwrap().unwrap().user;
        let org = ana.org_id.clone();
        let selection = CaseSelection { program: Some(Program::Humanitarian), ..CaseSelection::default() };
        let review = ReviewTask {
            key: "review-2026".into(),
            title_en: "Review the case".into(),
            title_es: "Revisar el caso".into(),
            due_in_hours: 72,
        };
        let opened = store.open_review_tasks(&org, &selection, &review, Some(&ana.id), app.transport.now);
        assert_eq!(opened.unwrap().created, 1);
        let (session, _) = app.sign_in("ana@a.example.org", PASSWORD);
        let (case, _) = app.case_id(&session, "A-1");
        let task = store.case_tasks(&org, &amparo_store::CaseId(case.clone())).unwrap().remove(0).id;
        Clinic { app, db_store: store, org, case, task }
    }

    fn member(&self, email: &str) -> Member {
        let id = self.db_store.credentials_by_email(email).unwrap().unwrap().user.id;
        let (session, csrf) = self.app.sign_in(email, PASSWORD);
        Member { id, session, csrf }
    }

    fn post(&self, member: &Member, path: &str, body: &serde_json::Value) -> Reply {
        self.app.post_json(path, &member.session, &member.csrf, body)
    }

    fn form(&self, member: &Member, path: &str, fields: &[(&str, &str)]) -> Reply {
        let with_csrf: Vec<(&str, &str)> =
            [("csrf", member.csrf.as_str())].into_iter().chain(fields.iter().copied()).collect();
        self.app.post_form(path, &member.session, &with_csrf)
    }

    fn share(&self, by: &Member, clinician: &Member, shared: bool) {
        let body = json!({ "clinician": clinician.id, "shared": shared });
        let reply = self.post(by, &format!("/api/v1/cases/{}/shares", self.case), &body);
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    fn reassign(&self, by: &Member, owner: &Member) -> Reply {
        self.post(by, &format!("/api/v1/tasks/{}/reassign", self.task), &json!({ "owner": owner.id }))
    }

    fn reads_by(&self, member: &Member) -> usize {
        let query = AuditQuery {
            action: Some("case.read".into()),
            actor: Some(member.id.clone()),
            limit: 100,
            ..AuditQuery::default()
        };
        self.db_store.audit_page(&self.org, &query).unwrap().entries.len()
    }

    fn task(&self) -> amparo_store::Task {
        self.db_store.task(&self.org, &self.task).unwrap().unwrap()
    }
}

amparo_store::on_both_backends!(
    a_case_unshared_is_no_longer_read_nor_its_reading_recorded,
    a_task_given_to_someone_else_is_no_longer_completed_by_its_former_owner,
    a_task_goes_to_nobody_who_could_not_work_its_case,
);

fn a_case_unshared_is_no_longer_read_nor_its_reading_recorded(db: &TestDatabase) {
    let c = Clinic::start(db);
    let ana = c.member("ana@a.example.org");
    let cleo = c.member("cleo@a.example.org");
    let api = format!("/api/v1/cases/{}", c.case);
    let page = format!("/cases/{}", c.case);
    assert_eq!(c.app.get(&api, &cleo.session).status, 404, "not shared yet");
    c.share(&ana, &cleo, true);
    assert_eq!(c.app.get(&api, &cleo.session).status, 200);
    assert_eq!(c.app.get(&page, &cleo.session).status, 200);
    assert_eq!(c.reads_by(&cleo), 2);

    c.share(&ana, &cleo, false);
    assert_eq!(c.app.get(&api, &cleo.session).status, 404);
    assert_eq!(c.app.get(&page, &cleo.session).status, 404);
    assert_eq!(c.reads_by(&cleo), 2, "a refused read is not recorded");
}

fn a_task_given_to_someone_else_is_no_longer_completed_by_its_former_owner(db: &TestDatabase) {
    let c = Clinic::start(db);
    let ana = c.member("ana@a.example.org");
    let cleo = c.member("cleo@a.example.org");
    let cruz = c.member("cruz@a.example.org");
    c.share(&ana, &cleo, true);
    c.share(&ana, &cruz, true);
    assert_eq!(c.reassign(&ana, &cleo).status, 200);
    assert_eq!(c.reassign(&ana, &cruz).status, 200);

    let complete = format!("/api/v1/tasks/{}/complete", c.task);
    let refused = c.post(&cleo, &complete, &json!({ "note": "done" }));
    assert_eq!(
        (refused.status, refused.json()["error"].as_str()),
        (404, Some("not_found")),
        "{}",
        refused.body
    );
    let refused = c.form(&cleo, &format!("/tasks/{}/complete", c.task), &[("note", "done")]);
    assert_eq!(refused.status, 404, "{}", refused.body);
    let task = c.task();
    assert_eq!((task.done_at, task.note), (None, None), "nothing of the refused completion is stored");

    let done = c.post(&cruz, &complete, &json!({ "note": "done" }));
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(c.task().done_by.as_ref(), Some(&cruz.id));
}

fn a_task_goes_to_nobody_who_could_not_work_its_case(db: &TestDatabase) {
    let c = Clinic::start(db);
    let ana = c.member("ana@a.example.org");
    let mut esme = c.member("esme@a.example.org");
    esme.session = format!("{}; amparo_lang=es", esme.session);
    let cleo = c.member("cleo@a.example.org");
    let vera = c.member("vera@a.example.org");
    let before = c.task().owner_id;

    let viewer = c.reassign(&ana, &vera);
    assert_eq!(viewer.status, 422, "{}", viewer.body);
    assert_eq!(viewer.json()["field"], "owner");
    assert_eq!(viewer.json()["problem"], "viewer-owns-no-tasks", "{}", viewer.body);
    let unshared = c.reassign(&ana, &cleo);
    assert_eq!(unshared.status, 422, "{}", unshared.body);
    assert_eq!(unshared.json()["problem"], "case-not-shared-with-owner", "{}", unshared.body);

    // Shared and unshared again before the task is given: refused as the sharing now is.
    c.share(&ana, &cleo, true);
    c.share(&ana, &cleo, false);
    assert_eq!(c.reassign(&ana, &cleo).status, 422);
    assert_eq!(c.task().owner_id, before, "a refused reassignment changes nothing");

    // The pages word the refusal in the reader's language.
    let path = format!("/tasks/{}/reassign", c.task);
    let english = c.form(&ana, &path, &[("owner", vera.id.as_str())]);
    assert!(
        english.body.contains("A viewer only reads cases and cannot be given tasks."),
        "{}",
        english.body
    );
    let spanish = c.form(&esme, &path, &[("owner", cleo.id.as_str())]);
    assert!(
        spanish.body.contains("Este caso no está compartido con esa persona clínica."),
        "{}",
        spanish.body
    );
    assert_eq!(c.task().owner_id, before);

    c.share(&ana, &cleo, true);
    assert_eq!(c.reassign(&ana, &cleo).status, 200);
    assert_eq!(c.task().owner_id.as_ref(), Some(&cleo.id));
}
