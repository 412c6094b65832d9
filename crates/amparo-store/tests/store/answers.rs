//! Answer links and corrections checked as an event is appended, on both backends: an answer naming
//! a notice of the wrong type or of another case, or a second correction of one event, is refused
//! naming the field, and nothing is written; the open notices an answer may name are listed.

use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, CaseFileError, Date, Problem};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{event, new_user, now, org};

/// A case with two open RFEs (one per person) and a fee notice.
fn two_rfes(reference: &str) -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" }
            ]
        },
        "events": [
            { "id": "g1", "type": "parole_granted", "on": "2025-10-01", "valid_until": "2026-09-30" },
            { "id": "r1", "type": "rfe_received", "on": "2026-01-10", "persons": ["p1"], "served_by": "mail" },
            { "id": "r2", "type": "rfe_received", "on": "2026-01-20", "persons": ["m1"], "served_by": "mail" },
            { "id": "f1", "type": "fee_notice", "on": "2026-01-25", "pay_by": "2026-03-25" }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

struct Desk {
    store: std::sync::Arc<Store>,
    org: OrgId,
    case: CaseId,
    other_case: CaseId,
    attorney: Actor,
}

fn desk(db: &TestDatabase) -> Desk {
    let store = db.store();
    let org = org(&store, "answers");
    let user = store.create_user(&org, &new_user("attorney@example.org", UserRole::Attorney), now()).unwrap();
    let mut ids = store.import_cases(&org, &[two_rfes("ANS-1"), two_rfes("ANS-2")], None, now()).unwrap();
    let other_case = ids.pop().unwrap();
    let case = ids.pop().unwrap();
    Desk { store, org, case, other_case, attorney: Actor::of(&user) }
}

impl Desk {
    fn append(&self, json: serde_json::Value) -> StoreResult<i64> {
        let version = self.store.case(&self.org, &self.case).unwrap().unwrap().version;
        self.store.append_event_as(&self.attorney, &self.case, version, &event(json), now())
    }

    fn events(&self) -> usize {
        self.store.case(&self.org, &self.case).unwrap().unwrap().file.events.len()
    }

    fn open_rfes(&self) -> Vec<String> {
        let on: Date = "2026-02-20".parse().unwrap();
        let open = self.store.answerable_notices_as(&self.attorney, &self.case, ("rfe_answered", on), now());
        open.unwrap().into_iter().map(|n| n.id).collect()
    }
}

/// The field and problem of a refused event.
fn refusal(result: StoreResult<i64>) -> (String, Problem) {
    match result {
        Err(StoreError::CaseFile(CaseFileError::Field { path, problem, .. })) => (path, problem),
        other => panic!("expected a refused field, got {other:?}"),
    }
}

amparo_store::on_both_backends!(
    an_answer_linking_a_notice_of_another_type_is_refused_and_nothing_written,
    an_answer_linking_a_notice_of_another_case_is_refused_and_nothing_written,
    a_second_correction_of_one_event_is_refused_and_nothing_written,
    answerable_notices_lists_the_open_ones_and_a_linked_answer_clears_only_its_own,
);

fn an_answer_linking_a_notice_of_another_type_is_refused_and_nothing_written(db: &TestDatabase) {
    let desk = desk(db);
    let before = desk.events();
    let refused = desk.append(serde_json::json!(
        { "id": "a1", "type": "rfe_answered", "on": "2026-02-20", "answers": "f1" }
    ));
    let (path, problem) = refusal(refused);
    assert_eq!(path, "event.answers");
    assert_eq!(problem, Problem::NotAnswerable { id: "f1".into(), expected: "rfe_received".into() });
    assert_eq!(desk.events(), before, "nothing written");
    assert_eq!(desk.open_rfes(), ["r1", "r2"]);
}

fn an_answer_linking_a_notice_of_another_case_is_refused_and_nothing_written(db: &TestDatabase) {
    let desk = desk(db);
    // The other case has a notice "r9"; this one does not.
    let other = desk.store.case(&desk.org, &desk.other_case).unwrap().unwrap();
    let notice = serde_json::json!(
        { "id": "r9", "type": "rfe_received", "on": "2026-02-01", "served_by": "mail" }
    );
    desk.store
        .append_event_as(&desk.attorney, &desk.other_case, other.version, &event(notice), now())
        .unwrap();
    let before = desk.events();
    let (path, problem) = refusal(desk.append(serde_json::json!(
        { "id": "a1", "type": "rfe_answered", "on": "2026-02-20", "answers": "r9" }
    )));
    assert_eq!(path, "event.answers");
    assert_eq!(problem, Problem::NoSuchEarlierEvent { id: "r9".into() });
    assert_eq!(desk.events(), before, "nothing written");
}

fn a_second_correction_of_one_event_is_refused_and_nothing_written(db: &TestDatabase) {
    let desk = desk(db);
    desk.append(serde_json::json!(
        { "id": "c1", "type": "rfe_received", "on": "2026-01-11", "persons": ["p1"], "served_by": "mail",
          "supersedes": "r1" }
    ))
    .unwrap();
    let before = desk.events();
    let (path, problem) = refusal(desk.append(serde_json::json!(
        { "id": "c2", "type": "rfe_received", "on": "2026-01-12", "persons": ["p1"], "served_by": "mail",
          "supersedes": "r1" }
    )));
    assert_eq!(path, "event.supersedes");
    assert_eq!(problem, Problem::AlreadySuperseded { id: "r1".into() });
    assert_eq!(desk.events(), before, "nothing written");
}

fn answerable_notices_lists_the_open_ones_and_a_linked_answer_clears_only_its_own(db: &TestDatabase) {
    let desk = desk(db);
    let reads = |store: &Store| {
        let query = AuditQuery { action: Some("case.read".into()), limit: 100, ..AuditQuery::default() };
        store.audit_page(&desk.org, &query).unwrap().entries.len()
    };
    assert_eq!(desk.open_rfes(), ["r1", "r2"]);
    assert_eq!(reads(&desk.store), 1, "the listing is a read of the case, audited");
    // Answering the older RFE by link leaves the newer one open (an unlinked answer would take it).
    desk.append(serde_json::json!(
        { "id": "a1", "type": "rfe_answered", "on": "2026-02-20", "answers": "r1" }
    ))
    .unwrap();
    assert_eq!(desk.open_rfes(), ["r2"]);
    let fees = desk.store.case(&desk.org, &desk.case).unwrap().unwrap();
    let fee = fees.answerable_notices("fee_paid", "2026-02-20".parse().unwrap());
    assert_eq!(fee.len(), 1);
    assert_eq!((fee[0].id.as_str(), fee[0].kind.as_str()), ("f1", "fee_notice"));
    assert!(fees.answerable_notices("parole_granted", "2026-02-20".parse().unwrap()).is_empty());
    // A notice dated after the answer is not offered.
    assert!(fees.answerable_notices("fee_paid", "2026-01-24".parse().unwrap()).is_empty());
}
