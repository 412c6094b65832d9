//! What the tests seed: the shared password, a case file with personal data, members added through
//! the command line.

use amparo_store::testing::TestDatabase;

use super::cli::amparo;

pub const PASSWORD: &str = "tamarind lantern quietly orbits";

/// Personal data the HTTP tests seed (names, A-numbers, diagnoses): none may reach a log.
pub const SEEDED_PERSONAL_DATA: &[&str] =
    &["Lucía", "Iker", "Ejemplo", "Rosa", "A012345678", "012345678", "short bowel syndrome"];

/// Adds a member to an organisation through the CLI, with the tests' password.
pub fn add_user(db: &TestDatabase, org: &str, email: &str, name: &str, role: &str) {
    let args = ["user", "add", "--org", org, "--email", email, "--name", name, "--role", role];
    amparo(db, &[&args[..], &["--password-stdin"]].concat(), Some(&format!("{PASSWORD}\n")));
}

pub fn case_json(reference: &str, given: &str) -> String {
    serde_json::json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "people": [
                { "key": "p1", "role": "patient", "given_name": given, "family_name": "Ejemplo",
                  "a_number": "A012345678" },
                { "key": "m1", "role": "parent", "given_name": "Rosa", "family_name": "Ejemplo" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "days_to_critical_harm": 3 }
        },
        "events": [
            { "id": "e1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" },
            { "id": "e2", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-07-02", "supersedes": "e1" }
        ]
    })
    .to_string()
}

/// Two organisations, an attorney in each, and one case in each (A-1 of clinic A, B-1 of clinic B),
/// written through the command line; the scratch folder holds the case files.
pub fn seed_two_clinics(db: &TestDatabase) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    amparo(db, &["org", "add", "clinic-a", "--name", "Clinic A"], None);
    amparo(db, &["org", "add", "clinic-b", "--name", "Clinic B"], None);
    for (org, email) in [("clinic-a", "ana@a.example.org"), ("clinic-b", "bo@b.example.org")] {
        add_user(db, org, email, "Test User", "attorney");
    }
    for (org, reference, given) in [("clinic-a", "A-1", "Lucía"), ("clinic-b", "B-1", "Iker")] {
        let path = dir.path().join(format!("{reference}.json"));
        std::fs::write(&path, case_json(reference, given)).unwrap();
        amparo(db, &["import", "--org", org, path.to_str().unwrap()], None);
    }
    dir
}

/// What [`seed_two_clinics`] writes, written through the store in this process at `now` (no child
/// processes): the same organisations, members and cases.
pub fn seed_two_clinics_in_store(db: &TestDatabase, now: chrono::DateTime<chrono::Utc>) {
    let store = db.store();
    let password_hash = amparo_web::hash_password(PASSWORD).unwrap();
    let clinics = [
        ("clinic-a", "Clinic A", "ana@a.example.org", "A-1", "Lucía"),
        ("clinic-b", "Clinic B", "bo@b.example.org", "B-1", "Iker"),
    ];
    for (slug, name, email, reference, given) in clinics {
        let org = store
            .create_organisation(&amparo_store::NewOrganisation { slug: slug.into(), name: name.into() }, now)
            .unwrap();
        let member = amparo_store::NewUser {
            email: email.into(),
            display_name: "Test User".into(),
            role: amparo_domain::org::UserRole::Attorney,
            language: amparo_domain::Language::En,
            password_hash: password_hash.clone(),
        };
        store.create_user(&org.id, &member, now).unwrap();
        let (file, _warnings) = amparo_domain::CaseFile::parse(&case_json(reference, given)).unwrap();
        store.import_cases(&org.id, &[file], None, now).unwrap();
    }
}
