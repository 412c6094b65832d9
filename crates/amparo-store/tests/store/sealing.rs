//! Encryption at rest, on both backends: sensitive values never reach the database in clear, exact
//! search still finds them, a wrong key is refused before anything is written, a rotation re-encrypts
//! everything, and values written before encryption are sealed at the next start.

use std::process::Command;

use amparo_domain::{CaseFile, Event, RawEvent};
use amparo_store::testing::TestDatabase;
use amparo_store::*;

use crate::support::now;

const A_NUMBER: &str = "A204817365";
const RECEIPT: &str = "IOE0917263548";
const I94: &str = "83019274651";
const BIRTH_DATE: &str = "2021-07-19";
const DIAGNOSIS: &str = "intestinal failure after volvulus";
const EVENT_NOTE: &str = "clinician confirms overnight infusion pump dependence";
const TASK_NOTE: &str = "spoke with the mother about the pump supplier";

fn case_file(reference: &str) -> CaseFile {
    let text = serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Lucía", "family_name": "Ejemplo",
                  "birth_date": BIRTH_DATE, "a_number": A_NUMBER, "citizenship": "HN" },
                { "key": "m1", "role": "parent", "given_name": "Marta", "family_name": "Ejemplo" }
            ],
            "medical": { "person": "p1", "condition": DIAGNOSIS, "hours_per_day": 14,
                         "available_in_origin_country": false, "days_to_critical_harm": 3,
                         "attested_on": "2026-01-10" }
        },
        "events": [
            { "id": "e1", "type": "parole_requested", "on": "2025-04-01", "receipt_number": RECEIPT },
            { "id": "e2", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02",
              "i94_number": I94 },
            { "id": "e3", "type": "medical_attested", "on": "2026-01-10", "days_to_critical_harm": 3,
              "note": EVENT_NOTE },
            { "id": "e4", "type": "termination_notice", "on": "2026-02-20", "effective": "2026-03-20",
              "served_by": "mail" }
        ]
    })
    .to_string();
    CaseFile::parse(&text).unwrap().0
}

fn org(store: &Store) -> OrgId {
    store
        .create_organisation(&NewOrganisation { slug: "clinic".into(), name: "Clinic".into() }, now())
        .unwrap()
        .id
}

/// A case with every kind of sensitive value, including a task note.
fn seed(store: &Store) -> (OrgId, CaseId) {
    let org = org(store);
    let case = store.import_cases(&org, &[case_file("SEAL-1")], None, now()).unwrap().remove(0);
    let tasks = store.case_tasks(&org, &case).unwrap();
    let task = tasks.first().expect("the termination opened a checklist");
    let user = store
        .create_user(
            &org,
            &NewUser {
                email: "attorney@clinic.example".into(),
                display_name: "Attorney".into(),
                role: amparo_domain::org::UserRole::Attorney,
                language: amparo_domain::Language::En,
                password_hash: "$argon2id$fake".into(),
            },
            now(),
        )
        .unwrap();
    store.complete_task(&org, &task.id, &user.id, Some(TASK_NOTE), now()).unwrap();
    (org, case)
}

const SECRETS: [&str; 7] = [A_NUMBER, RECEIPT, I94, BIRTH_DATE, DIAGNOSIS, EVENT_NOTE, TASK_NOTE];

/// Everything the database holds, as bytes: the SQLite file with its write-ahead log, or a
/// `pg_dump` of the schema.
pub(crate) fn database_bytes(db: &TestDatabase) -> Vec<u8> {
    if let Some(path) = db.sqlite_path() {
        let mut bytes = std::fs::read(&path).unwrap();
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        if let Ok(more) = std::fs::read(&wal) {
            bytes.extend(more);
        }
        bytes
    } else {
        let (base, schema) = db.postgres_schema().unwrap();
        let out = Command::new("pg_dump").args(["--dbname", base, "--schema", schema]).output().unwrap();
        assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }
}

pub(crate) fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

amparo_store::on_both_backends!(
    sensitive_values_are_not_stored_in_clear,
    exact_identifiers_find_the_case,
    a_wrong_key_is_refused_before_anything_is_written,
    a_rotation_reencrypts_everything_and_search_keeps_working,
    values_written_before_encryption_are_sealed_at_the_next_start,
    triage_and_escalations_do_not_name_the_patients_health_in_clear,
    texts_written_before_facts_read_back_and_are_sealed_at_the_next_start,
    rows_from_before_one_column_per_text_are_migrated_and_read_back_the_same,
    events_stay_append_only,
);

fn sensitive_values_are_not_stored_in_clear(db: &TestDatabase) {
    let store = db.store();
    let (org, case) = seed(&store);
    // Everything reads back in clear…
    let stored = store.case(&org, &case).unwrap().unwrap();
    let json = stored.file.to_json();
    for value in [A_NUMBER, RECEIPT, I94, BIRTH_DATE, DIAGNOSIS, EVENT_NOTE] {
        assert!(json.contains(value), "{value} reads back");
    }
    let notes: Vec<_> = store.case_tasks(&org, &case).unwrap().into_iter().filter_map(|t| t.note).collect();
    assert_eq!(notes, [TASK_NOTE]);
    // …while the database holds none of it, though it does hold the names (kept for search).
    let bytes = database_bytes(db);
    assert!(contains(&bytes, "Ejemplo"), "the dump is readable at all");
    for secret in SECRETS {
        assert!(!contains(&bytes, secret), "{secret} is stored in clear");
    }
    // Nor do the digits of the A-number appear without their letter.
    assert!(!contains(&bytes, &A_NUMBER[1..]));
}

fn exact_identifiers_find_the_case(db: &TestDatabase) {
    let store = db.store();
    let (org, case) = seed(&store);
    store.import_cases(&org, &[case_file("SEAL-2").with_reference_and_no_ids()], None, now()).unwrap();
    let search = |term: &str| {
        let query = CaseQuery { search: Some(term.into()), ..CaseQuery::default() };
        store.list_cases(&org, &query).unwrap().cases.into_iter().map(|c| c.id).collect::<Vec<_>>()
    };
    let case = vec![case];
    assert_eq!(search(A_NUMBER), case);
    assert_eq!(search("a204-817-365"), case, "written as people write it");
    assert_eq!(search(RECEIPT), case);
    assert_eq!(search("ioe-0917263548"), case);
    assert_eq!(search(I94), case);
    assert!(search("A204817366").is_empty(), "one digit off finds nothing");
    assert_eq!(search("SEAL-").len(), 2, "references still match by prefix");
}

/// The same case without the identifiers, so two cases can coexist.
trait WithoutIds {
    fn with_reference_and_no_ids(self) -> CaseFile;
}

impl WithoutIds for CaseFile {
    fn with_reference_and_no_ids(mut self) -> CaseFile {
        for person in &mut self.case.people {
            person.a_number = None;
        }
        self.events.retain(|e| e.id.as_deref() == Some("e4"));
        self
    }
}

fn a_wrong_key_is_refused_before_anything_is_written(db: &TestDatabase) {
    let store = db.store();
    seed(&store);
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.key");
    amparo_trust::keyfile::write_new(&other).unwrap();
    let refused = open(&db.url, Sealer::from_file(&other).unwrap()).err().expect("refused");
    let expected = db.sealer();
    match refused {
        StoreError::WrongKey { expected: id } => assert_eq!(id, expected.current_key_id().to_string()),
        other => panic!("expected WrongKey, got {other:?}"),
    }
    assert!(refused_message_names_the_fix());
    // The database is untouched and still opens with its own key.
    let again = open(&db.url, db.sealer()).unwrap();
    assert_eq!(again.organisations().unwrap().len(), 1);
}

fn refused_message_names_the_fix() -> bool {
    StoreError::WrongKey { expected: "00".into() }.to_string().contains("AMPARO_KEY_FILE")
}

fn a_rotation_reencrypts_everything_and_search_keeps_working(db: &TestDatabase) {
    let store = db.store();
    let (org, case) = seed(&store);
    let before = store.case(&org, &case).unwrap().unwrap();
    let old_key = store.current_key_id();

    // A second process (a server) opened before the rotation keeps its old keys in memory.
    let server = open(&db.url, db.sealer()).unwrap();

    let rotated = amparo_trust::keyfile::rotate(db.key_file()).unwrap();
    assert!(store.reload_keys().unwrap());
    let new_key = store.current_key_id();
    assert_eq!(new_key, rotated.current().key_id().to_string());
    assert_ne!(new_key, old_key);
    let rewritten = store.reseal().unwrap();
    assert_eq!(
        rewritten,
        1 + 1 + 1 + 1 + 4 + 1,
        "medical, triage, the escalation's reason, the patient's row, four events, one task note"
    );
    assert_eq!(store.reseal().unwrap(), 0, "a second pass finds nothing left");
    store.renew_key_canary().unwrap();

    // The server reads values under a key it had never seen by re-reading the key file.
    assert_eq!(server.case(&org, &case).unwrap().unwrap().file, before.file);
    assert_eq!(server.current_key_id(), new_key);

    // Search works under the new key's indexes.
    let query = CaseQuery { search: Some(A_NUMBER.into()), ..CaseQuery::default() };
    assert_eq!(store.list_cases(&org, &query).unwrap().total, 1);

    // The old key can now be dropped: the new key alone opens the database and reads everything.
    let only_new = rotated.current().to_line();
    let reopened = open(&db.url, Sealer::from_text(only_new.expose()).unwrap()).unwrap();
    assert_eq!(reopened.case(&org, &case).unwrap().unwrap().file, before.file);
    let notes: Vec<_> =
        reopened.case_tasks(&org, &case).unwrap().into_iter().filter_map(|t| t.note).collect();
    assert_eq!(notes, [TASK_NOTE]);
    for secret in SECRETS {
        assert!(!contains(&database_bytes(db), secret), "{secret} is stored in clear after the rotation");
    }
}

/// Runs raw SQL against the test database, as an older version of Amparo would have written.
fn raw_sql(db: &TestDatabase, sql: &str) {
    match db.postgres_schema() {
        None => {
            let conn = rusqlite::Connection::open(db.sqlite_path().unwrap()).unwrap();
            conn.execute_batch(sql).unwrap();
        }
        Some(_) => {
            let mut client = ::postgres::Client::connect(&db.url, ::postgres::NoTls).unwrap();
            client.batch_execute(sql).unwrap();
        }
    }
}

fn values_written_before_encryption_are_sealed_at_the_next_start(db: &TestDatabase) {
    let store = db.store();
    let (org, case) = seed(&store);
    let appended = serde_json::json!({ "id": "e9", "type": "medical_attested", "on": "2026-02-25",
                                       "note": "legacy note" });
    let body = serde_json::to_string(&serde_json::from_value::<RawEvent>(appended).unwrap()).unwrap();
    // What a database from before encryption holds: values in clear and no blind indexes. On
    // PostgreSQL such rows predate migration 0032, whose check keeps event bodies written since
    // sealed and leaves older rows as they are (NOT VALID): it is lifted while they are written.
    let (lift, restore) = match db.postgres_schema() {
        None => ("", ""),
        Some(_) => (
            "ALTER TABLE events DROP CONSTRAINT events_body_sealed;",
            "ALTER TABLE events ADD CONSTRAINT events_body_sealed CHECK (body LIKE 'enc:%') NOT VALID;",
        ),
    };
    raw_sql(
        db,
        &format!(
            "{lift} UPDATE people SET a_number = 'A111222333', birth_date = '2020-01-02' \
             WHERE org_id = '{org}' AND case_id = '{case}' AND position = 0;
             INSERT INTO events (org_id, case_id, seq, event_id, type, on_date, body, recorded_at) \
             VALUES ('{org}', '{case}', 5, 'e9', 'medical_attested', '2026-02-25', '{body}', 0);
             DELETE FROM identifiers;
             DELETE FROM amparo_meta WHERE key = 'fields_sealed'; {restore}"
        ),
    );
    assert!(contains(&database_bytes(db), "A111222333"));
    drop(store);

    let reopened = open(&db.url, db.sealer()).unwrap();
    let stored = reopened.case(&org, &case).unwrap().unwrap();
    assert_eq!(stored.file.case.people[0].a_number.as_ref().unwrap().as_str(), "A111222333");
    let last: &Event = stored.file.events.last().unwrap();
    assert_eq!(last.id.as_deref(), Some("e9"));
    let bytes = database_bytes(db);
    for value in ["A111222333", "2020-01-02", "legacy note"] {
        assert!(!contains(&bytes, value), "{value} was sealed");
    }
    let query = CaseQuery { search: Some("A111222333".into()), ..CaseQuery::default() };
    assert_eq!(reopened.list_cases(&org, &query).unwrap().total, 1, "its blind index was built");
}

/// What the triage and the escalation say of the seeded patient, in either language, and the facts
/// they are kept as.
const HEALTH_IN_WORDS: [&str; 7] = [
    "3 days to critical harm",
    "3 días hasta un daño grave",
    "not available in the country of origin",
    "no está disponible en su país de origen",
    "care_unavailable_abroad",
    "patient_critical",
    "harm_days",
];

fn triage_and_escalations_do_not_name_the_patients_health_in_clear(db: &TestDatabase) {
    let store = db.store();
    let (org, case) = seed(&store);
    // The board and the escalation say it in both languages…
    let board = store.board(&org, &BoardFilter::default()).unwrap();
    let reasons = &board.entries[0].reasons;
    let critical = reasons.iter().find(|r| r.code == "patient_critical").expect("scored critical");
    assert!(critical.text_en.contains("3 days to critical harm"), "{}", critical.text_en);
    assert!(critical.text_es.contains("3 días hasta un daño grave"), "{}", critical.text_es);
    let abroad = reasons.iter().find(|r| r.code == "care_unavailable_abroad").expect("care abroad");
    assert_eq!(abroad.text_en, "the care the patient needs is not available in the country of origin");
    let escalation = &store.escalations(&org, &case).unwrap()[0];
    assert!(
        escalation.reason_en.contains("(3 days to critical harm if care stops)"),
        "{}",
        escalation.reason_en
    );
    assert!(escalation.reason_es.contains("3 días hasta un daño grave"), "{}", escalation.reason_es);
    let open = store.open_escalations(&org, 10).unwrap();
    assert_eq!(
        (open[0].reason_en.as_str(), open[0].reason_es.as_str()),
        (&*escalation.reason_en, &*escalation.reason_es)
    );
    // …while the database holds none of it.
    let bytes = database_bytes(db);
    assert!(contains(&bytes, "Ejemplo"), "the dump is readable at all");
    for words in HEALTH_IN_WORDS {
        assert!(!contains(&bytes, words), "{words:?} is stored in clear");
    }
}

fn texts_written_before_facts_read_back_and_are_sealed_at_the_next_start(db: &TestDatabase) {
    let store = db.store();
    let (org, case) = seed(&store);
    // What a database from before facts were kept holds once migrated: the sentences, in clear.
    raw_sql(
        db,
        &format!(
            "UPDATE escalations SET reason = '{{\"said\":\"written\",\"text\":{{\"en\":\"termination notice (3 days to critical harm)\",\"es\":\"aviso (3 días hasta un daño grave)\"}}}}' \
             WHERE org_id = '{org}' AND case_id = '{case}';
             UPDATE cases SET triage = '{{\"reasons\":[{{\"code\":\"patient_critical\",\"points\":90,\"text\":{{\"en\":\"patient critical: 3 days to critical harm\",\"es\":\"paciente: 3 días hasta un daño grave\"}}}}]}}' \
             WHERE org_id = '{org}' AND id = '{case}';
             DELETE FROM amparo_meta WHERE key = 'fields_sealed';"
        ),
    );
    assert!(contains(&database_bytes(db), "3 days to critical harm"));
    let escalation = &store.escalations(&org, &case).unwrap()[0];
    assert_eq!(
        (escalation.reason_en.as_str(), escalation.reason_es.as_str()),
        ("termination notice (3 days to critical harm)", "aviso (3 días hasta un daño grave)")
    );
    let board = store.board(&org, &BoardFilter::default()).unwrap();
    let reason = &board.entries[0].reasons[0];
    assert_eq!((reason.code.as_str(), reason.points), ("patient_critical", 90));
    assert_eq!(reason.text_es, "paciente: 3 días hasta un daño grave");
    drop(store);

    let reopened = open(&db.url, db.sealer()).unwrap();
    assert_eq!(reopened.escalations(&org, &case).unwrap()[0].reason_en, escalation.reason_en);
    let board = reopened.board(&org, &BoardFilter::default()).unwrap();
    assert_eq!(board.entries[0].reasons[0].text_en, "patient critical: 3 days to critical harm");
    let bytes = database_bytes(db);
    for words in ["3 days to critical harm", "3 días hasta un daño grave"] {
        assert!(!contains(&bytes, words), "{words:?} was sealed");
    }
}

/// A database as Amparo left it before migration 0015 (a column per language, the triage's
/// sentences in clear) is migrated on opening: every sentence reads back as written, none stays in
/// clear, and the next refresh writes the triage as facts again.
fn rows_from_before_one_column_per_text_are_migrated_and_read_back_the_same(db: &TestDatabase) {
    let store = db.store();
    let (org, case) = seed(&store);
    let fresh = store.board(&org, &BoardFilter::default()).unwrap().entries[0].reasons.clone();
    let old_triage = r#"[{"code":"no_attorney","points":5,"text_en":"no attorney assigned","text_es":"no se ha asignado un abogado"},{"code":"patient_critical","points":90,"text_en":"patient critical: 3 days to critical harm","text_es":"paciente: 3 días hasta un daño grave"}]"#;
    raw_sql(
        db,
        &format!(
            "ALTER TABLE tasks ADD COLUMN title_en TEXT;
             ALTER TABLE tasks ADD COLUMN title_es TEXT;
             UPDATE tasks SET title_en = 'Call the family', title_es = 'Llamar a la familia';
             ALTER TABLE tasks DROP COLUMN title;
             ALTER TABLE escalations ADD COLUMN reason_en TEXT;
             ALTER TABLE escalations ADD COLUMN reason_es TEXT;
             UPDATE escalations SET reason_en = 'notice (3 days to critical harm)', reason_es = 'aviso (3 días hasta un daño grave)';
             ALTER TABLE escalations DROP COLUMN reason;
             UPDATE cases SET triage = '{old_triage}' WHERE org_id = '{org}' AND id = '{case}';
             DELETE FROM amparo_migrations WHERE version = 15;"
        ),
    );
    drop(store);

    let reopened = open(&db.url, db.sealer()).unwrap();
    let tasks = reopened.case_tasks(&org, &case).unwrap();
    assert!(!tasks.is_empty());
    for task in &tasks {
        assert_eq!(
            (task.title_en.as_str(), task.title_es.as_str()),
            ("Call the family", "Llamar a la familia")
        );
    }
    let escalation = &reopened.escalations(&org, &case).unwrap()[0];
    assert_eq!(
        (escalation.reason_en.as_str(), escalation.reason_es.as_str()),
        ("notice (3 days to critical harm)", "aviso (3 días hasta un daño grave)")
    );
    let reasons = &reopened.board(&org, &BoardFilter::default()).unwrap().entries[0].reasons;
    let read: Vec<_> =
        reasons.iter().map(|r| (r.code.as_str(), r.points, r.text_en.as_str(), r.text_es.as_str())).collect();
    assert_eq!(
        read,
        [
            ("no_attorney", 5, "no attorney assigned", "no se ha asignado un abogado"),
            (
                "patient_critical",
                90,
                "patient critical: 3 days to critical harm",
                "paciente: 3 días hasta un daño grave"
            ),
        ]
    );
    let bytes = database_bytes(db);
    for words in ["3 days to critical harm", "3 días hasta un daño grave"] {
        assert!(!contains(&bytes, words), "{words:?} was sealed");
    }
    // The migration marked every case for derivation; the refresh writes facts again.
    assert_eq!(
        reopened.refresh_derived(&org, amparo_domain::Date::from_ymd(2026, 3, 1).unwrap(), now()).unwrap(),
        1
    );
    assert_eq!(reopened.board(&org, &BoardFilter::default()).unwrap().entries[0].reasons, fresh);
}

fn events_stay_append_only(db: &TestDatabase) {
    let store = db.store();
    let (org, case) = seed(&store);
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
    let scope = format!("WHERE org_id = '{org}' AND case_id = '{case}' AND seq = 1");
    for sql in [
        format!("UPDATE events SET type = 'parole_granted' {scope}"),
        format!("UPDATE events SET on_date = '2020-01-01' {scope}"),
        format!("UPDATE events SET body = '{{}}' {scope}"),
        format!("DELETE FROM events {scope}"),
    ] {
        let refused = attempt(sql.clone()).expect_err(&sql);
        let refusals = ["append-only", "permission denied", "_sealed"];
        assert!(refusals.iter().any(|r| refused.contains(r)), "{sql}: {refused}");
    }
}
