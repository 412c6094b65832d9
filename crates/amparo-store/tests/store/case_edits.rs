//! Editing a case after intake and voiding events, on both backends: an edit re-derives the case in
//! its own transaction and is kept in the history (sealed) and the audit trail (fields only); stale
//! and forbidden edits write nothing; a clinician changes the medical profile only; a voided event
//! drops out of derivation and cannot be voided twice or while another event links to it.

use crate::sealing::{contains, database_bytes};

use amparo_domain::case_edit::{CaseEdit, HistoryAction};
use amparo_domain::org::UserRole;
use amparo_domain::{CaseFile, MedicalProfile, Person, Problem};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::{new_user, now, org};

/// Text that must never be stored in clear.
const OLD_BIRTH_DATE: &str = "1990-04-17";
const NEW_BIRTH_DATE: &str = "2010-06-01";
const VOID_REASON: &str = "Recorded on the Quintana family's case by mistake";

/// An adult patient whose parole expired on 31 December 2025, with a termination notice that asks
/// for departure, and a mother named by an RFE.
fn case_file() -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": "EDIT-1",
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Tomás", "family_name": "Ejemplo",
                  "birth_date": OLD_BIRTH_DATE, "citizenship": "GT" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" },
                { "key": "s1", "role": "sibling", "given_name": "Iván", "family_name": "Ejemplo" }
            ],
            "medical": { "person": "p1", "condition": "dialysis", "days_to_critical_harm": 30,
                         "attested_on": "2026-01-10" }
        },
        "events": [
            { "id": "g1", "type": "parole_granted", "on": "2024-01-01", "valid_until": "2025-12-31" },
            { "id": "r1", "type": "rfe_received", "on": "2026-02-01", "served_by": "mail",
              "respond_by": "2026-04-01", "persons": ["m1"] },
            { "id": "a1", "type": "rfe_answered", "on": "2026-02-10", "answers": "r1", "persons": ["m1"] },
            { "id": "t1", "type": "termination_notice", "on": "2026-02-20", "served_by": "mail",
              "depart_by": "2026-05-20" }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

struct Team {
    store: std::sync::Arc<Store>,
    org: OrgId,
    case: CaseId,
    attorney: Actor,
    clinician: Actor,
    viewer: Actor,
}

fn team(db: &TestDatabase) -> Team {
    let store = db.store();
    let org = org(&store, "edits");
    let actor =
        |email: &str, role| Actor::of(&store.create_user(&org, &new_user(email, role), now()).unwrap());
    let attorney = actor("attorney@example.org", UserRole::Attorney);
    let clinician = actor("clinician@example.org", UserRole::Clinician);
    let viewer = actor("viewer@example.org", UserRole::Viewer);
    let case = store.import_cases(&org, &[case_file()], None, now()).unwrap().remove(0);
    Team { store, org, case, attorney, clinician, viewer }
}

impl Team {
    fn stored(&self) -> StoredCase {
        self.store.case(&self.org, &self.case).unwrap().unwrap()
    }

    fn person(&self, key: &str) -> Person {
        self.stored().file.case.person(key).unwrap().clone()
    }

    fn deadlines(&self) -> Vec<(String, String)> {
        let query = DeadlineQuery {
            from: "2020-01-01".parse().unwrap(),
            to: "2040-01-01".parse().unwrap(),
            kind: None,
        };
        let mut found: Vec<(String, String)> = self
            .store
            .deadlines_due(&self.org, &query)
            .unwrap()
            .into_iter()
            .map(|d| (d.kind, d.due.to_string()))
            .collect();
        found.sort();
        found
    }

    fn edit(&self, actor: &Actor, edit: &CaseEdit) -> StoreResult<i64> {
        let version = self.stored().version;
        self.store.edit_case_as(actor, &self.case, version, edit, now())
    }

    fn audit(&self, action: &str) -> Vec<AuditRecord> {
        let query = AuditQuery { action: Some(action.into()), limit: 100, ..AuditQuery::default() };
        self.store.audit_page(&self.org, &query).unwrap().entries
    }

    fn medical(&self, regimen: &str) -> CaseEdit {
        let mut medical: MedicalProfile = self.stored().file.case.medical.unwrap();
        medical.regimen = Some(regimen.into());
        CaseEdit::Record { reference: None, program: None, medical: Some(Some(medical)) }
    }
}

fn field_problem(error: StoreError) -> (String, Problem) {
    match error {
        StoreError::Field { path, problem } => (path, problem),
        other => panic!("expected a field error, got {other:?}"),
    }
}

amparo_store::on_both_backends!(
    a_birth_date_edit_moves_the_deadlines_and_is_kept_in_history,
    a_stale_or_forbidden_edit_writes_nothing,
    a_clinician_edits_the_medical_profile_only_of_a_case_shared_with_them,
    people_are_added_and_removed_and_the_removed_stay_in_history,
    the_history_and_void_reasons_are_sealed_at_rest,
    a_voided_event_drops_out_of_derivation_and_is_shown_as_void,
    export_carries_the_history_and_voids_and_import_reads_them_back,
    the_history_and_voids_stay_append_only_and_follow_a_key_rotation,
);

fn a_birth_date_edit_moves_the_deadlines_and_is_kept_in_history(db: &TestDatabase) {
    let t = team(db);
    let before = t.deadlines();
    let version = t.stored().version;
    let mut person = t.person("p1");
    person.birth_date = Some(NEW_BIRTH_DATE.parse().unwrap());
    let edit = CaseEdit::UpdatePerson { key: "p1".into(), person };
    let new_version = t.store.edit_case_as(&t.attorney, &t.case, version, &edit, now()).unwrap();
    assert_eq!(new_version, version + 1);
    assert_eq!(t.stored().version, new_version);
    let after = t.deadlines();
    assert_ne!(before, after, "a minor's unlawful presence counts from their 18th birthday");
    assert!(after.iter().any(|(_, due)| due.as_str() > "2028-06-01"), "{after:?}");

    let history = t.store.case_history_as(&t.attorney, &t.case, now()).unwrap();
    assert_eq!(history.len(), 1);
    let entry = &history[0];
    assert_eq!(
        (entry.action, entry.person.as_deref(), entry.version),
        (HistoryAction::PersonUpdated, Some("p1"), new_version)
    );
    assert_eq!(entry.changed_by.as_deref(), Some(t.attorney.user.as_str()));
    assert_eq!(entry.changes.len(), 1);
    let change = &entry.changes[0];
    assert_eq!(change.field, "birth_date");
    assert_eq!(
        (change.before.as_deref(), change.after.as_deref()),
        (Some(OLD_BIRTH_DATE), Some(NEW_BIRTH_DATE))
    );

    let audited = t.audit("case.edited");
    assert_eq!(audited.len(), 1);
    assert!(audited[0].detail.contains("birth_date"), "{}", audited[0].detail);
    assert!(!audited[0].detail.contains(NEW_BIRTH_DATE), "the audit trail names fields, never values");
    assert_eq!(t.audit("case.history.read").len(), 1);

    // Saving the same values again changes nothing and writes nothing.
    let same = CaseEdit::UpdatePerson { key: "p1".into(), person: t.person("p1") };
    assert_eq!(t.edit(&t.attorney, &same).unwrap(), new_version);
    assert_eq!(t.store.case_history(&t.org, &t.case).unwrap().len(), 1);
}

fn a_stale_or_forbidden_edit_writes_nothing(db: &TestDatabase) {
    let t = team(db);
    let version = t.stored().version;
    let edit =
        CaseEdit::Record { reference: None, program: Some(amparo_domain::Program::U4u), medical: None };
    let stale = t.store.edit_case_as(&t.attorney, &t.case, version - 1, &edit, now()).unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "{stale:?}");
    let viewer = t.edit(&t.viewer, &edit).unwrap_err();
    assert!(matches!(viewer, StoreError::Refused(Refusal::RoleMayNot)), "{viewer:?}");
    assert_eq!(t.stored().version, version);
    assert_eq!(t.stored().file.case.program, amparo_domain::Program::Humanitarian);
    assert!(t.store.case_history(&t.org, &t.case).unwrap().is_empty());
    assert!(t.audit("case.edited").is_empty());

    // A reference another case has is refused, naming the field.
    let mut other = case_file();
    other.case.reference = amparo_domain::identifiers::CaseReference::parse("EDIT-2").unwrap();
    t.store.import_cases(&t.org, &[other], None, now()).unwrap();
    let taken = CaseEdit::Record {
        reference: Some(amparo_domain::identifiers::CaseReference::parse("EDIT-2").unwrap()),
        program: None,
        medical: None,
    };
    let (path, problem) = field_problem(t.edit(&t.attorney, &taken).unwrap_err());
    assert_eq!(path, "reference");
    assert_eq!(problem, Problem::ReferenceTaken { reference: "EDIT-2".into() });
    assert_eq!(t.stored().version, version);
}

fn a_clinician_edits_the_medical_profile_only_of_a_case_shared_with_them(db: &TestDatabase) {
    let t = team(db);
    let edit = t.medical("nightly dialysis, 10 hours");
    let hidden = t.edit(&t.clinician, &edit).unwrap_err();
    assert!(matches!(hidden, StoreError::Refused(Refusal::CaseHidden)), "{hidden:?}");
    t.store.set_case_shared_as(&t.attorney, &t.case, &t.clinician.user, true, now()).unwrap();
    t.edit(&t.clinician, &edit).unwrap();
    let medical = t.stored().file.case.medical.unwrap();
    assert_eq!(medical.regimen.as_deref(), Some("nightly dialysis, 10 hours"));
    let history = t.store.case_history(&t.org, &t.case).unwrap();
    assert_eq!(history[0].action, HistoryAction::CaseUpdated);
    assert_eq!(history[0].changes[0].field, "medical.regimen");
    assert_eq!(history[0].changed_by.as_deref(), Some(t.clinician.user.as_str()));

    let mut person = t.person("p1");
    person.given_name = "Tomasito".into();
    let refused = t.edit(&t.clinician, &CaseEdit::UpdatePerson { key: "p1".into(), person }).unwrap_err();
    assert!(matches!(refused, StoreError::Refused(Refusal::RoleMayNot)), "{refused:?}");
    let program =
        CaseEdit::Record { reference: None, program: Some(amparo_domain::Program::U4u), medical: Some(None) };
    let refused = t.edit(&t.clinician, &program).unwrap_err();
    assert!(matches!(refused, StoreError::Refused(Refusal::RoleMayNot)), "{refused:?}");
    assert_eq!(t.person("p1").given_name, "Tomás");
}

fn people_are_added_and_removed_and_the_removed_stay_in_history(db: &TestDatabase) {
    let t = team(db);
    let newborn: Person = serde_json::from_value(serde_json::json!({
        "key": "s2", "role": "sibling", "given_name": "Luz", "family_name": "Ejemplo",
        "birth_date": "2026-02-14", "citizenship": "US"
    }))
    .unwrap();
    t.edit(&t.attorney, &CaseEdit::AddPerson(newborn)).unwrap();
    assert_eq!(t.stored().file.case.people.len(), 4);

    let (path, problem) =
        field_problem(t.edit(&t.attorney, &CaseEdit::RemovePerson { key: "p1".into() }).unwrap_err());
    assert_eq!((path.as_str(), problem), ("key", Problem::PatientNotRemovable));
    let (path, problem) =
        field_problem(t.edit(&t.attorney, &CaseEdit::RemovePerson { key: "m1".into() }).unwrap_err());
    assert_eq!(
        (path.as_str(), problem),
        ("key", Problem::PersonStillNamed { key: "m1".into(), by: "r1".into() })
    );
    let second_patient = CaseEdit::UpdatePerson {
        key: "s1".into(),
        person: Person { role: amparo_domain::PersonRole::Patient, ..t.person("s1") },
    };
    let (path, problem) = field_problem(t.edit(&t.attorney, &second_patient).unwrap_err());
    assert_eq!((path.as_str(), problem), ("person.role", Problem::SecondPatient));

    t.edit(&t.attorney, &CaseEdit::RemovePerson { key: "s1".into() }).unwrap();
    let keys: Vec<String> = t.stored().file.case.people.iter().map(|p| p.key.clone()).collect();
    assert_eq!(keys, ["p1", "m1", "s2"]);
    let history = t.store.case_history(&t.org, &t.case).unwrap();
    let actions: Vec<_> = history.iter().map(|e| (e.action, e.person.clone().unwrap_or_default())).collect();
    assert_eq!(
        actions,
        [(HistoryAction::PersonAdded, "s2".to_owned()), (HistoryAction::PersonRemoved, "s1".to_owned())]
    );
    let removed = &history[1].changes;
    assert!(
        removed
            .iter()
            .any(|c| c.field == "given_name" && c.before.as_deref() == Some("Iván") && c.after.is_none())
    );
}

fn the_history_and_void_reasons_are_sealed_at_rest(db: &TestDatabase) {
    let t = team(db);
    let mut person = t.person("p1");
    person.birth_date = Some(NEW_BIRTH_DATE.parse().unwrap());
    t.edit(&t.attorney, &CaseEdit::UpdatePerson { key: "p1".into(), person }).unwrap();
    t.edit(&t.attorney, &t.medical("peritoneal dialysis overnight")).unwrap();
    let version = t.stored().version;
    t.store.void_event_as(&t.attorney, &t.case, version, "t1", VOID_REASON, now()).unwrap();
    // They read back …
    let history = t.store.case_history(&t.org, &t.case).unwrap();
    assert_eq!(history[0].changes[0].before.as_deref(), Some(OLD_BIRTH_DATE));
    assert_eq!(t.stored().file.extensions.voids[0].reason, VOID_REASON);
    // … and are nowhere in the database in clear.
    let bytes = database_bytes(db);
    assert!(contains(&bytes, "Ejemplo"), "the dump is readable at all");
    for secret in [OLD_BIRTH_DATE, NEW_BIRTH_DATE, "peritoneal dialysis overnight", VOID_REASON] {
        assert!(!contains(&bytes, secret), "{secret} is stored in clear");
    }
}

fn a_voided_event_drops_out_of_derivation_and_is_shown_as_void(db: &TestDatabase) {
    let t = team(db);
    let has_depart_by =
        |t: &Team| t.deadlines().iter().any(|(kind, due)| kind == "depart_by" && due == "2026-05-20");
    assert!(has_depart_by(&t), "{:?}", t.deadlines());
    let version = t.stored().version;

    let stale =
        t.store.void_event_as(&t.attorney, &t.case, version - 1, "t1", VOID_REASON, now()).unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "{stale:?}");
    let clinician =
        t.store.void_event_as(&t.clinician, &t.case, version, "t1", VOID_REASON, now()).unwrap_err();
    assert!(matches!(clinician, StoreError::Refused(Refusal::RoleMayNot)), "{clinician:?}");
    let (path, problem) =
        field_problem(t.store.void_event_as(&t.attorney, &t.case, version, "t1", "  ", now()).unwrap_err());
    assert_eq!((path.as_str(), problem), ("reason", Problem::Required));
    let missing = t.store.void_event_as(&t.attorney, &t.case, version, "zz", VOID_REASON, now()).unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
    let (path, problem) = field_problem(
        t.store.void_event_as(&t.attorney, &t.case, version, "r1", VOID_REASON, now()).unwrap_err(),
    );
    assert_eq!(
        (path.as_str(), problem),
        ("event", Problem::EventLinked { id: "r1".into(), by: "a1".into() })
    );
    assert_eq!(t.stored().version, version, "nothing refused was written");

    let new_version = t.store.void_event_as(&t.attorney, &t.case, version, "t1", VOID_REASON, now()).unwrap();
    assert_eq!(new_version, version + 1);
    assert!(!has_depart_by(&t), "{:?}", t.deadlines());
    let stored = t.stored();
    assert_eq!(stored.file.events.len(), 4, "the event stays on the timeline as written");
    assert_eq!(stored.file.extensions.voids.len(), 1);
    assert_eq!(
        (stored.file.extensions.voids[0].seq, stored.file.extensions.voids[0].event.as_deref()),
        (4, Some("t1"))
    );
    assert_eq!(stored.file.extensions.voids[0].voided_by.as_deref(), Some(t.attorney.user.as_str()));
    assert_eq!(stored.in_force().events.len(), 3);
    assert_eq!(t.audit("event.voided").len(), 1);

    let (path, problem) = field_problem(
        t.store.void_event_as(&t.attorney, &t.case, new_version, "t1", VOID_REASON, now()).unwrap_err(),
    );
    assert_eq!((path.as_str(), problem), ("event", Problem::AlreadyVoided { id: "t1".into() }));
    // Once the answer is void, the notice it answered may be voided too.
    let v = t.store.void_event_as(&t.attorney, &t.case, new_version, "a1", "duplicate entry", now()).unwrap();
    t.store.void_event_as(&t.attorney, &t.case, v, "r1", "duplicate entry", now()).unwrap();
    // A correction of a voided event is refused: it is out of force.
    let correction = crate::support::event(serde_json::json!({
        "id": "t2", "type": "termination_notice", "on": "2026-02-21", "served_by": "mail", "supersedes": "t1"
    }));
    let version = t.stored().version;
    let (path, problem) = field_problem(
        t.store.append_event_as(&t.attorney, &t.case, version, &correction, now()).unwrap_err(),
    );
    assert_eq!((path.as_str(), problem), ("event.supersedes", Problem::AlreadyVoided { id: "t1".into() }));
}

fn export_carries_the_history_and_voids_and_import_reads_them_back(db: &TestDatabase) {
    let t = team(db);
    let mut person = t.person("p1");
    person.birth_date = Some(NEW_BIRTH_DATE.parse().unwrap());
    t.edit(&t.attorney, &CaseEdit::UpdatePerson { key: "p1".into(), person }).unwrap();
    let version = t.stored().version;
    t.store.void_event_as(&t.attorney, &t.case, version, "t1", VOID_REASON, now()).unwrap();

    let exported = t.store.export_case(&t.org, &t.case, now()).unwrap().unwrap().file.to_json();
    let document: serde_json::Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(document["history"][0]["changes"][0]["after"], NEW_BIRTH_DATE);
    assert_eq!(document["voids"][0]["event"], "t1");
    assert_eq!(document["voids"][0]["seq"], 4);

    let (file, _) = CaseFile::parse(&exported).unwrap();
    let copy = org(&t.store, "edits-copy");
    let id = t.store.import_cases(&copy, &[file], None, now()).unwrap().remove(0);
    let again = t.store.export_case(&copy, &id, now()).unwrap().unwrap().file.to_json();
    assert_eq!(again, exported, "export, import, export gives the same document");
    let query =
        DeadlineQuery { from: "2020-01-01".parse().unwrap(), to: "2040-01-01".parse().unwrap(), kind: None };
    let copied: Vec<String> =
        t.store.deadlines_due(&copy, &query).unwrap().into_iter().map(|d| d.kind).collect();
    assert!(!copied.iter().any(|k| k == "depart_by"), "the voided notice is out of force: {copied:?}");

    // A file whose void names no event of its timeline is refused, naming the field.
    let mut wrong = document.clone();
    wrong["voids"][0]["seq"] = serde_json::json!(9);
    let refused = CaseFile::parse(&wrong.to_string()).unwrap_err();
    assert!(refused.to_string().starts_with("voids[0].seq"), "{refused}");
    // Nor may an event in force correct a voided one.
    let mut linked = document;
    linked["events"][1]["supersedes"] = serde_json::json!("t1");
    linked["events"][1]["id"] = serde_json::json!("r1");
    let refused = CaseFile::parse(&linked.to_string()).unwrap_err();
    assert!(refused.to_string().contains("supersedes") || refused.to_string().contains("void"), "{refused}");
}

fn the_history_and_voids_stay_append_only_and_follow_a_key_rotation(db: &TestDatabase) {
    let t = team(db);
    let mut person = t.person("p1");
    person.birth_date = Some(NEW_BIRTH_DATE.parse().unwrap());
    t.edit(&t.attorney, &CaseEdit::UpdatePerson { key: "p1".into(), person }).unwrap();
    let version = t.stored().version;
    t.store.void_event_as(&t.attorney, &t.case, version, "t1", VOID_REASON, now()).unwrap();
    let history = t.store.case_history(&t.org, &t.case).unwrap();
    let voids = t.stored().file.extensions.voids;

    let attempt = |sql: String| -> Result<(), String> {
        match db.postgres_schema() {
            None => rusqlite::Connection::open(db.sqlite_path().unwrap())
                .unwrap()
                .execute_batch(&sql)
                .map_err(|e| e.to_string()),
            // As the server's connections work: in the application's role, which privileges keep
            // from updating or deleting (bar the sealed column, which a check keeps sealed).
            Some(_) => db.application_client().unwrap().batch_execute(&sql).map_err(|e| format!("{e:?}")),
        }
    };
    let scope = format!("WHERE org_id = '{}' AND case_id = '{}' AND seq = 1", t.org, t.case);
    let void_scope = format!("WHERE org_id = '{}' AND case_id = '{}'", t.org, t.case);
    for sql in [
        format!("UPDATE case_history SET action = 'case_updated' {scope}"),
        format!("UPDATE case_history SET changes = '[]' {scope}"),
        format!("DELETE FROM case_history {scope}"),
        format!("UPDATE event_voids SET reason = 'nothing' {void_scope}"),
        format!("DELETE FROM event_voids {void_scope}"),
    ] {
        let refused = attempt(sql.clone()).expect_err(&sql);
        let refusals = ["append-only", "permission denied", "_sealed"];
        assert!(refusals.iter().any(|r| refused.contains(r)), "{sql}: {refused}");
    }

    // A key rotation re-encrypts them; the new key alone then reads them.
    let rotated = amparo_trust::keyfile::rotate(db.key_file()).unwrap();
    assert!(t.store.reload_keys().unwrap());
    t.store.reseal().unwrap();
    t.store.renew_key_canary().unwrap();
    let only_new = rotated.current().to_line();
    let reopened = open(&db.url, Sealer::from_text(only_new.expose()).unwrap()).unwrap();
    assert_eq!(reopened.case_history(&t.org, &t.case).unwrap(), history);
    assert_eq!(reopened.case(&t.org, &t.case).unwrap().unwrap().file.extensions.voids, voids);
}
