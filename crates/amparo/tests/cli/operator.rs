//! The `amparo` binary as an operator uses it: each test runs the compiled binary as a child process
//! against a throwaway database, once on SQLite and once on PostgreSQL (see
//! `amparo_store::testing` for when PostgreSQL is skipped), and checks exit codes, messages and what
//! ended up in the database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use amparo_domain::CaseFile;
use amparo_store::testing::TestDatabase;
use serde_json::{Value, json};

use crate::support::{Outcome, Run};

/// The binary pointed at one database, run from a scratch folder so that no default path (such as
/// `./amparo.db`) lands anywhere else.
struct Amparo<'a> {
    db: &'a TestDatabase,
    work: tempfile::TempDir,
}

impl<'a> Amparo<'a> {
    fn new(db: &'a TestDatabase) -> Amparo<'a> {
        Amparo { db, work: tempfile::tempdir().unwrap() }
    }

    /// A path inside the scratch folder.
    fn path(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// Runs `amparo ARGS --database URL`.
    fn run(&self, args: &[&str]) -> Outcome {
        self.run_with_stdin(args, None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Outcome {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--database", self.db.url.as_str()]);
        run_raw_with(self.work.path(), &all, stdin, &self.db.key_env())
    }

    /// `amparo import` of the given files, by path.
    fn import(&self, org: Option<&str>, files: &[&Path]) -> Outcome {
        let mut args = vec!["import".to_owned()];
        if let Some(org) = org {
            args.extend(["--org".to_owned(), org.to_owned()]);
        }
        args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
        self.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Writes `text` to a file in the scratch folder and returns its path.
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

/// Runs the binary with exactly `args`, no inherited `AMPARO_*` settings, in `cwd`.
fn run_raw(cwd: &Path, args: &[&str], stdin: Option<&str>) -> Outcome {
    run_raw_with(cwd, args, stdin, &[])
}

/// [`run_raw`] with some environment variables set (the database's key, say).
fn run_raw_with(cwd: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, String)]) -> Outcome {
    let run = Run::new(args).cwd(cwd).envs(env);
    match stdin {
        Some(text) => run.stdin(text),
        None => run,
    }
    .outcome()
}

/// Another empty database on the same backend as `db`.
fn fresh_like(db: &TestDatabase) -> TestDatabase {
    match db.sqlite_path() {
        Some(_) => TestDatabase::sqlite(),
        None => TestDatabase::postgres().expect("PostgreSQL was available a moment ago"),
    }
}

/// The references of every case of the organisation `slug`, read through the store.
fn references(db: &TestDatabase, slug: &str) -> Vec<String> {
    let store = db.store();
    let org = store
        .organisations()
        .unwrap()
        .into_iter()
        .find(|o| o.slug == slug)
        .unwrap_or_else(|| panic!("no organisation {slug}"));
    store.case_references(&org.id).unwrap().into_iter().map(|(_, r)| r).collect()
}

/// The `*.json` files of a folder by name, with their bytes.
fn read_dir_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap())
        })
        .collect()
}

/// A small valid case (fictional people) with the given reference.
fn simple_case(reference: &str) -> Value {
    json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "humanitarian",
            "people": [
                { "key": "p1", "role": "patient", "given_name": "Nina", "family_name": "Ejemplo",
                  "birth_date": "2021-03-02", "a_number": "A012345678", "citizenship": "HN",
                  "preferred_language": "es" },
                { "key": "m1", "role": "parent", "given_name": "Tomás", "family_name": "Ejemplo" }
            ],
            "medical": { "person": "p1", "condition": "short bowel syndrome", "hours_per_day": 14,
                         "available_in_origin_country": false, "days_to_critical_harm": 3,
                         "attested_on": "2026-01-10" }
        },
        "events": [
            { "id": "e1", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" },
            { "id": "e2", "type": "rfe_received", "on": "2026-02-09", "served_by": "mail" }
        ]
    })
}

/// A case using every event type and optional field, with identifiers written the loose way
/// (dashes, spaces, lower case) that import normalises.
fn rich_case(reference: &str) -> Value {
    json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "u4u",
            "people": [
                { "key": "kid", "role": "patient", "given_name": "Oksana", "family_name": "Prykład-Ñúñez",
                  "birth_date": "2016-02-29", "a_number": "A-1234-5678", "citizenship": "UA",
                  "preferred_language": "en" },
                { "key": "mum", "role": "guardian", "given_name": "Ирина", "family_name": "Приклад" },
                { "key": "bro", "role": "sibling", "given_name": "Dmytro", "family_name": "Prykład",
                  "birth_date": "2012-12-31" }
            ],
            "medical": { "person": "kid", "condition": "type 1 diabetes with insulin pump",
                         "regimen": "continuous subcutaneous insulin", "hours_per_day": 24,
                         "facility": "Example Regional Children's Hospital",
                         "available_in_origin_country": true, "days_to_critical_harm": 2,
                         "attested_on": "2025-11-30" }
        },
        "events": [
            { "id": "req", "type": "parole_requested", "on": "2022-05-02", "receipt_number": "ioe 0912345678" },
            { "id": "g1", "type": "parole_granted", "on": "2022-06-01", "valid_until": "2024-05-31",
              "class_of_admission": "UHP", "i94_number": "12345678901" },
            { "type": "ead_filed", "on": "2022-06-10", "receipt_number": "IOE-0987654321" },
            { "type": "ead_approved", "on": "2022-08-01", "valid_until": "2024-05-31", "card_number": "SRC1234567890" },
            { "id": "rp", "type": "re_parole_filed", "on": "2024-03-01" },
            { "type": "fee_notice", "on": "2024-03-05", "pay_by": "2024-04-04", "amount": 1000.5 },
            { "type": "fee_paid", "on": "2024-03-20" },
            { "id": "rfe", "type": "rfe_received", "on": "2024-04-02", "served_by": "online", "respond_by": "2024-07-01" },
            { "type": "rfe_answered", "on": "2024-06-15", "persons": ["kid", "mum"] },
            { "id": "noid", "type": "noid_received", "on": "2024-08-01", "served_by": "personal" },
            { "type": "noid_answered", "on": "2024-08-20" },
            { "id": "den", "type": "parole_denied", "on": "2024-09-10", "served_by": "email" },
            { "type": "motion_filed", "on": "2024-10-01" },
            { "id": "g2", "type": "parole_granted", "on": "2024-12-01", "valid_until": "2026-11-30" },
            { "id": "g2fix", "type": "parole_granted", "on": "2024-12-01", "valid_until": "2026-11-29",
              "supersedes": "g2" },
            { "type": "medical_attested", "on": "2025-11-30", "days_to_critical_harm": 2,
              "note": "Pump supplies unavailable locally.\nSee letter — «importante»." },
            { "type": "termination_notice", "on": "2026-01-05", "served_by": "mail",
              "effective": "2026-01-20", "depart_by": "2026-02-04", "persons": ["bro"] },
            { "type": "departed", "on": "2026-02-01", "persons": ["bro"], "note": "Left with an aunt." }
        ],
        "notes": [
            { "id": 1, "type": "call", "at": "2026-01-06T16:05:00Z", "author": "Inés Muestra", "event": "g2fix",
              "text": "Called Ирина about the notice.\nShe will bring it on Monday." },
            { "text": "Family prefers messages.", "pinned": true, "type": "note", "id": 2,
              "at": "2026-01-07T09:00:00.250Z" }
        ],
        "contacts": {
            "others": [
                { "role": "pro_bono_counsel", "name": "Pro Bono Ejemplo", "email": "counsel@example.org" },
                { "role": "social_worker", "phone": "+1 (555) 010-0199", "organisation": "Example Regional Children's Hospital" },
                { "role": "consulate" }
            ],
            "family": { "postal_address": "12 Calle Ejemplo\nSpringfield", "interpreter_needed": true,
                        "phone": "+1 555 0142 7781", "preferred_language": "uk", "preferred_method": "phone" }
        }
    })
}

/// A case with the least a case can have: one patient, no medical facts, no events.
fn bare_case(reference: &str) -> Value {
    json!({
        "format": "amparo.case/1",
        "case": {
            "reference": reference,
            "program": "other",
            "people": [ { "key": "p", "role": "patient", "given_name": "Lea", "family_name": "Muster" } ]
        },
        "events": []
    })
}

/// Sets (or adds) the field at a JSON pointer.
fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, field) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}")) {
        Value::Object(map) => {
            map.insert(field.to_owned(), value);
        }
        Value::Array(items) => items[field.parse::<usize>().unwrap()] = value,
        other => panic!("{parent} is not a container: {other}"),
    }
    doc
}

fn pretty(doc: &Value) -> String {
    serde_json::to_string_pretty(doc).unwrap()
}

amparo_store::on_both_backends!(
    organisations_are_added_and_listed,
    org_may_be_left_out_only_when_there_is_one,
    users_are_added_with_a_one_time_password,
    bad_user_input_is_refused,
    export_import_export_is_byte_identical,
    exporting_one_case,
    export_dir_writes_references_of_dots_as_files_of_their_own,
    bad_case_files_are_refused_and_nothing_is_written,
    bad_batches_are_refused_whole,
    importing_a_taken_reference_is_a_conflict,
    migrate_is_idempotent_and_refuses_a_newer_schema,
    the_config_file_is_read_and_checked,
);

fn organisations_are_added_and_listed(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    let out = amparo.run(&["org", "add", "clinic-b", "--name", "  Clínica Bravo  "]).success();
    assert_eq!(out.stdout, "created organisation clinic-b (Clínica Bravo)\n");
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic Alpha"]).success();
    let list = amparo.run(&["org", "list"]).success();
    assert_eq!(
        list.stdout, "clinic-a\tClinic Alpha\nclinic-b\tClínica Bravo\n",
        "sorted by slug, name trimmed"
    );

    for bad in ["Clinic", "c", "clinic_a", "1clinic", "clínica", "clinic a", ""] {
        amparo.run(&["org", "add", bad, "--name", "Bad"]).failure(2, &["slug"]);
    }
    amparo.run(&["org", "add", "clinic-c", "--name", "   "]).failure(2, &["--name"]);
    amparo.run(&["org", "add", "clinic-a", "--name", "Again"]).failure(3, &["clinic-a", "already exists"]);
    let slugs: Vec<String> = db.store().organisations().unwrap().into_iter().map(|o| o.slug).collect();
    assert_eq!(slugs, ["clinic-a", "clinic-b"], "refused commands wrote nothing");
}

fn org_may_be_left_out_only_when_there_is_one(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    let file = amparo.write("one.json", &pretty(&simple_case("ONE-1")));
    amparo.import(None, &[&file]).failure(2, &["no organisation", "amparo org add"]);
    amparo.run(&["org", "add", "solo", "--name", "Solo Clinic"]).success();
    let out = amparo.import(None, &[&file]).success();
    assert!(out.stdout.starts_with("imported 1 cases into solo"), "{out:#?}");

    amparo.run(&["org", "add", "second", "--name", "Second Clinic"]).success();
    let two = amparo.write("two.json", &pretty(&simple_case("TWO-1")));
    amparo.import(None, &[&two]).failure(2, &["2 organisations", "--org", "second", "solo"]);
    amparo.run(&["export", "--dir", "out"]).failure(2, &["--org", "second, solo"]);
    amparo.import(Some("third"), &[&two]).failure(2, &["--org", "\"third\""]);
    assert_eq!(references(db, "second"), Vec::<String>::new());
    amparo.import(Some("second"), &[&two]).success();
    assert_eq!(references(db, "second"), ["TWO-1"]);
    assert_eq!(references(db, "solo"), ["ONE-1"]);
}

fn users_are_added_with_a_one_time_password(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let out = amparo
        .run(&[
            "user",
            "add",
            "--email",
            "  Ana.Ejemplo@Example.ORG ",
            "--name",
            "Ana Ejemplo",
            "--role",
            "attorney",
            "--language",
            "es",
        ])
        .success();
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some("created attorney ana.ejemplo@example.org in clinic-a"));
    let password = lines.next().and_then(|l| l.strip_prefix("one-time password: ")).expect("a password line");
    assert_eq!(password.chars().count(), 20, "{password:?}");
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric() && !"0O1lIio".contains(c)), "{password:?}");
    let credentials = db.store().credentials_by_email("ana.ejemplo@example.org").unwrap().unwrap();
    assert_eq!(credentials.user.display_name, "Ana Ejemplo");
    assert_eq!(credentials.user.role, amparo_domain::org::UserRole::Attorney);
    assert_eq!(credentials.user.language, amparo_domain::Language::Es);
    assert!(amparo_web::verify_password(password, &credentials.password_hash), "the printed password works");
    assert!(!credentials.password_hash.contains(password), "only a hash is stored");

    // A second run prints a different password; --language defaults to English.
    let other = amparo
        .run(&["user", "add", "--email", "beto@example.org", "--name", "Beto", "--role", "viewer"])
        .success();
    assert!(!other.stdout.contains(password));
    let beto = db.store().credentials_by_email("beto@example.org").unwrap().unwrap();
    assert_eq!(beto.user.language, amparo_domain::Language::En);

    // A chosen password, read from standard input, is never echoed.
    let chosen = "tamarind lantern quietly orbits";
    let out = amparo
        .run_with_stdin(
            &[
                "user",
                "add",
                "--email",
                "carla@example.org",
                "--name",
                "Carla",
                "--role",
                "admin",
                "--password-stdin",
            ],
            Some(&format!("{chosen}\n")),
        )
        .success();
    assert_eq!(out.stdout, "created admin carla@example.org in clinic-a\n");
    let carla = db.store().credentials_by_email("carla@example.org").unwrap().unwrap();
    assert!(amparo_web::verify_password(chosen, &carla.password_hash));
    assert!(
        !amparo_web::verify_password(&format!("{chosen}\n"), &carla.password_hash),
        "the newline is not part of it"
    );
}

fn bad_user_input_is_refused(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let add = |email: &str, role: &str, language: &str| {
        amparo.run(&[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "Dana",
            "--role",
            role,
            "--language",
            language,
        ])
    };
    add("dana@example.org", "boss", "en").failure(2, &["--role", "\"boss\""]);
    add("dana@example.org", "", "en").failure(2, &["--role"]);
    for email in ["dana", "dana@localhost", "@example.org", "da na@example.org", ""] {
        add(email, "viewer", "en").failure(2, &["--email"]);
    }
    add("dana@example.org", "viewer", "fr").failure(2, &["--language", "\"fr\""]);
    amparo
        .run(&["user", "add", "--email", "dana@example.org", "--name", " ", "--role", "viewer"])
        .failure(2, &["--name"]);
    let short = amparo.run_with_stdin(
        &[
            "user",
            "add",
            "--email",
            "dana@example.org",
            "--name",
            "Dana",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("only-14-chars!\n"),
    );
    short.failure(2, &["password", "at least 15"]);
    // Long enough, but on every attacker's list.
    let common = amparo.run_with_stdin(
        &[
            "user",
            "add",
            "--email",
            "dana@example.org",
            "--name",
            "Dana",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("password1234567890\n"),
    );
    common.failure(2, &["password", "too common"]);
    let store = db.store();
    let org = store.organisations().unwrap().remove(0);
    assert!(store.users(&org.id).unwrap().is_empty(), "refused commands wrote no user");

    add("dana@example.org", "viewer", "en").success();
    add("DANA@example.org", "admin", "es").failure(3, &["dana@example.org", "already exists"]);
    let users = store.users(&org.id).unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].role, amparo_domain::org::UserRole::Viewer, "the duplicate changed nothing");
}

/// Every example case plus a few built here, imported, exported, imported into a fresh database and
/// exported again: both exports must be the same bytes.
fn export_import_export_is_byte_identical(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let inputs = amparo.path("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../amparo-domain/tests/data/examples-2027.1");
    let mut originals: BTreeMap<String, CaseFile> = BTreeMap::new();
    for entry in std::fs::read_dir(examples).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.ends_with(".expected.json") {
            std::fs::copy(&path, inputs.join(&name)).unwrap();
        }
    }
    assert!(std::fs::read_dir(&inputs).unwrap().count() >= 3, "the shared examples are there");
    // Compact JSON, keys in an unusual order, a reference with '/' and '.'.
    std::fs::write(inputs.join("rich.json"), serde_json::to_string(&rich_case("LOCAL/2026.7")).unwrap())
        .unwrap();
    std::fs::write(inputs.join("bare.json"), pretty(&bare_case("B_1"))).unwrap();
    std::fs::write(inputs.join("simple.json"), pretty(&simple_case("ZZ-9"))).unwrap();
    std::fs::write(inputs.join("ignored.txt"), "not a case file").unwrap();
    for entry in std::fs::read_dir(&inputs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            let file = CaseFile::parse(&std::fs::read_to_string(&path).unwrap()).unwrap().0;
            originals.insert(file.case.reference.as_str().to_owned(), file);
        }
    }

    let out = amparo.import(None, &[&inputs]).success();
    assert!(out.stdout.starts_with(&format!("imported {} cases into clinic-a", originals.len())), "{out:#?}");
    assert_eq!(references(db, "clinic-a"), originals.keys().cloned().collect::<Vec<_>>());

    let d1 = amparo.path("d1");
    let out = amparo.run(&["export", "--dir", d1.to_str().unwrap()]).success();
    assert_eq!(out.stdout, format!("exported {} cases to {}\n", originals.len(), d1.display()));
    let first = read_dir_files(&d1);
    assert_eq!(first.len(), originals.len(), "{:?}", first.keys());
    assert!(first.contains_key("LOCAL%2F2026.7.json"), "'/' is made safe in file names: {:?}", first.keys());
    for (name, bytes) in &first {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.ends_with("}\n"), "{name} ends with one newline");
        let file = CaseFile::parse(text).unwrap_or_else(|e| panic!("{name}: {e}")).0;
        assert_eq!(Some(&file), originals.get(file.case.reference.as_str()), "{name} says what was imported");
    }
    let rich = std::str::from_utf8(&first["LOCAL%2F2026.7.json"]).unwrap();
    assert!(
        rich.contains("\"A012345678\"") && rich.contains("\"IOE0912345678\""),
        "identifiers normalised: {rich}"
    );
    assert!(rich.contains("Ирина") && rich.contains("«importante»"), "text kept as written");
    assert!(
        rich.contains("She will bring it on Monday") && rich.contains("+1 555 0142 7781"),
        "notes and contacts"
    );

    // Into a fresh database, and into a second organisation of this one.
    let other = fresh_like(db);
    let again = Amparo::new(&other);
    again.run(&["org", "add", "clinic-z", "--name", "Clinic Z"]).success();
    again.import(None, &[&d1]).success();
    let d2 = amparo.path("d2");
    again.run(&["export", "--dir", d2.to_str().unwrap()]).success();
    assert_eq!(read_dir_files(&d2), first, "export → import → export changed the bytes");

    amparo.run(&["org", "add", "clinic-b", "--name", "Clinic B"]).success();
    amparo.import(Some("clinic-b"), &[&d1]).success();
    let d3 = amparo.path("d3");
    amparo.run(&["export", "--org", "clinic-b", "--dir", d3.to_str().unwrap()]).success();
    assert_eq!(read_dir_files(&d3), first);
}

/// References made of dots (`.`, `..`), starting with one (`.x`, a hidden file) or ending with one
/// are each exported to a file of their own inside the folder, and come back on import.
fn export_dir_writes_references_of_dots_as_files_of_their_own(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let dotted = [".", "..", "...", ".x", "a.", "x..y", "./1", "A/1"];
    let files: Vec<PathBuf> = dotted
        .iter()
        .enumerate()
        .map(|(n, reference)| amparo.write(&format!("case-{n}.json"), &pretty(&simple_case(reference))))
        .collect();
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    amparo.import(None, &paths).success();
    let dir = amparo.path("out");
    let out = amparo.run(&["export", "--dir", dir.to_str().unwrap()]).success();
    assert_eq!(out.stdout, format!("exported {} cases to {}\n", dotted.len(), dir.display()));
    let exported = read_dir_files(&dir);
    let names: Vec<&String> = exported.keys().collect();
    assert_eq!(exported.len(), dotted.len(), "{names:?}");
    for name in &names {
        assert!(!name.starts_with('.') && name.ends_with(".json") && !name.contains('/'), "{name}");
    }
    assert!(exported.contains_key("%2E.json") && exported.contains_key("%2E%2F1.json"), "{names:?}");
    let mut in_files: Vec<String> = exported
        .values()
        .map(|bytes| {
            CaseFile::parse(std::str::from_utf8(bytes).unwrap()).unwrap().0.case.reference.as_str().to_owned()
        })
        .collect();
    in_files.sort();
    let mut expected: Vec<String> = dotted.iter().map(|r| (*r).to_owned()).collect();
    expected.sort();
    assert_eq!(in_files, expected);
    let other = fresh_like(db);
    let again = Amparo::new(&other);
    again.run(&["org", "add", "clinic-z", "--name", "Clinic Z"]).success();
    again.import(None, &[&dir]).success();
    assert_eq!(references(&other, "clinic-z"), expected);
}

fn exporting_one_case(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let rich = amparo.write("rich.json", &pretty(&rich_case("R/1")));
    let simple = amparo.write("simple.json", &pretty(&simple_case("S-1")));
    amparo.import(None, &[&rich, &simple]).success();
    let dir = amparo.path("all");
    amparo.run(&["export", "--dir", dir.to_str().unwrap()]).success();
    let all = read_dir_files(&dir);

    let stdout = amparo.run(&["export", "--case", "R/1"]).success().stdout;
    assert_eq!(stdout.as_bytes(), &all["R%2F1.json"][..], "--case prints what --dir writes");
    let output = amparo.path("one.json");
    let out = amparo.run(&["export", "--case", "S-1", "--output", output.to_str().unwrap()]).success();
    assert_eq!(out.stdout, "");
    assert_eq!(std::fs::read(&output).unwrap(), all["S-1.json"]);
    let leftovers: Vec<_> = std::fs::read_dir(amparo.work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind: {leftovers:?}");

    amparo.run(&["export", "--case", "NOPE-1"]).failure(2, &["--case", "\"NOPE-1\""]);
    amparo.run(&["export", "--case", "r/1"]).failure(2, &["--case"]);
}

/// One refused file per kind of mistake. Each is imported after a good file, so a partial write would
/// show; the message must name the file and the JSON path, the exit code must be 2, and no case may
/// be written.
fn bad_case_files_are_refused_and_nothing_is_written(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let good = amparo.write("good.json", &pretty(&simple_case("GOOD-1")));
    let base = || simple_case("BAD-1");
    let good_text = pretty(&base());

    let mut duplicate_key = pretty(&base());
    duplicate_key = duplicate_key.replacen(
        "\"reference\": \"BAD-1\"",
        "\"reference\": \"BAD-2\", \"reference\": \"BAD-1\"",
        1,
    );
    assert!(duplicate_key.contains("BAD-2"));
    let mut duplicate_event_key = pretty(&base());
    duplicate_event_key = duplicate_event_key.replacen(
        "\"served_by\": \"mail\"",
        "\"served_by\": \"email\", \"served_by\": \"mail\"",
        1,
    );
    assert!(duplicate_event_key.contains("\"email\""));
    let two_patients = with(base(), "/case/people/1/role", json!("patient"));
    let forward = with(
        with(base(), "/events/0/supersedes", json!("e2")),
        "/events/1",
        json!({ "id": "e2", "type": "parole_granted", "on": "2025-06-03", "valid_until": "2026-06-02" }),
    );

    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "truncated.json",
            good_text[..good_text.len() / 2].to_owned(),
            vec!["not valid JSON at line", "EOF"],
        ),
        (
            "trailing.json",
            format!("{good_text}\n{{}}"),
            vec!["not valid JSON at line", "trailing characters"],
        ),
        ("empty.json", String::new(), vec!["not valid JSON at line 1"]),
        ("array.json", "[]".into(), vec!["(document)", "invalid type: sequence, expected an object"]),
        ("string.json", "\"amparo.case/1\"".into(), vec!["(document)", "invalid type"]),
        (
            "hours-text.json",
            pretty(&with(base(), "/case/medical/hours_per_day", json!("14"))),
            vec!["case.medical.hours_per_day", "invalid type"],
        ),
        (
            "hours-range.json",
            pretty(&with(base(), "/case/medical/hours_per_day", json!(25))),
            vec!["case.medical.hours_per_day", "between 0 and 24"],
        ),
        (
            "people-object.json",
            pretty(&with(base(), "/case/people", json!({ "p1": {} }))),
            vec!["case.people", "invalid type"],
        ),
        ("on-number.json", pretty(&with(base(), "/events/1/on", json!(20260209))), vec!["events[1].on"]),
        (
            "unknown-case-field.json",
            pretty(&with(base(), "/case/nickname", json!("x"))),
            vec!["case.nickname: unknown field `nickname`"],
        ),
        (
            "unknown-person-field.json",
            pretty(&with(base(), "/case/people/1/ssn", json!("x"))),
            vec!["case.people[1].ssn: unknown field `ssn`"],
        ),
        (
            "unknown-event-field.json",
            pretty(&with(base(), "/events/0/colour", json!("red"))),
            vec!["events[0].colour: unknown field `colour`"],
        ),
        (
            "foreign-event-field.json",
            pretty(&with(base(), "/events/1/valid_until", json!("2026-12-01"))),
            vec!["events[1].valid_until", "not a field of a rfe_received event"],
        ),
        (
            "unknown-event-type.json",
            pretty(&with(base(), "/events/1/type", json!("rfe_recieved"))),
            vec!["events[1].type", "unknown event type \"rfe_recieved\""],
        ),
        (
            "missing-field.json",
            pretty(&with(base(), "/events/0", json!({ "type": "parole_granted", "on": "2025-06-03" }))),
            vec!["events[0].valid_until", "required"],
        ),
        (
            "format.json",
            pretty(&with(base(), "/format", json!("amparo.case/2"))),
            vec!["format: expected \"amparo.case/1\""],
        ),
        (
            "feb-30.json",
            pretty(&with(base(), "/events/0/on", json!("2026-02-30"))),
            vec!["events[0].on: not a date: \"2026-02-30\""],
        ),
        (
            "birth-feb-29.json",
            pretty(&with(base(), "/case/people/0/birth_date", json!("2023-02-29"))),
            vec!["case.people[0].birth_date", "\"2023-02-29\""],
        ),
        (
            "month-13.json",
            pretty(&with(base(), "/case/medical/attested_on", json!("2026-13-01"))),
            vec!["case.medical.attested_on", "\"2026-13-01\""],
        ),
        (
            "before-on.json",
            pretty(&with(base(), "/events/0/valid_until", json!("2025-06-02"))),
            vec!["events[0].valid_until", "before the event's date"],
        ),
        (
            "unknown-person.json",
            pretty(&with(base(), "/events/1/persons", json!(["p1", "z9"]))),
            vec!["events[1].persons[1]", "no person with key \"z9\""],
        ),
        (
            "unknown-medical-person.json",
            pretty(&with(base(), "/case/medical/person", json!("m2"))),
            vec!["case.medical.person", "\"m2\""],
        ),
        (
            "duplicate-person.json",
            pretty(&with(base(), "/case/people/1/key", json!("p1"))),
            vec!["case.people[1].key", "duplicate person key \"p1\""],
        ),
        ("two-patients.json", pretty(&two_patients), vec!["case.people[1].role", "patient"]),
        (
            "no-patient.json",
            pretty(&with(base(), "/case/people/0/role", json!("sibling"))),
            vec!["case.people", "none has"],
        ),
        (
            "supersedes-forward.json",
            pretty(&forward),
            vec!["events[0].supersedes", "no earlier event with id \"e2\""],
        ),
        (
            "duplicate-event-id.json",
            pretty(&with(base(), "/events/1/id", json!("e1"))),
            vec!["events[1].id", "duplicate event id \"e1\""],
        ),
        ("duplicate-json-key.json", duplicate_key, vec!["case: duplicate field `reference`"]),
        (
            "duplicate-event-json-key.json",
            duplicate_event_key,
            vec!["events[1]: duplicate field `served_by`"],
        ),
        (
            "a-number.json",
            pretty(&with(base(), "/case/people/0/a_number", json!("B12345678"))),
            vec!["case.people[0].a_number"],
        ),
        ("reference.json", pretty(&with(base(), "/case/reference", json!("BAD 1"))), vec!["case.reference"]),
        (
            "role.json",
            pretty(&with(base(), "/case/people/1/role", json!("uncle"))),
            vec!["case.people[1].role", "uncle"],
        ),
        (
            "served-by.json",
            pretty(&with(base(), "/events/1/served_by", json!("pigeon"))),
            vec!["events[1].served_by", "pigeon"],
        ),
        (
            "control-character.json",
            pretty(&with(base(), "/case/people/1/given_name", json!("To\u{7}más"))),
            vec!["case.people[1].given_name", "control character"],
        ),
    ];
    for (name, text, fragments) in &cases {
        let bad = amparo.write(name, text);
        let out = amparo.import(None, &[&good, &bad]);
        let mut expected = vec![*name];
        expected.extend(fragments.iter().copied());
        let out = out.failure(2, &expected);
        assert_eq!(out.stdout, "", "{name}");
        assert!(!out.stderr.contains("good.json"), "{name}: only the bad file is blamed: {out:#?}");
        assert_eq!(references(db, "clinic-a"), Vec::<String>::new(), "{name}: a refused import wrote a case");
    }

    // More than 8 MiB is refused by its size before it is read: a sparse file costs no disk.
    let huge = amparo.path("huge.json");
    std::fs::File::create(&huge).unwrap().set_len(8 * 1024 * 1024 + 1).unwrap();
    amparo.import(None, &[&good, &huge]).failure(2, &["huge.json", "8388609 bytes", "at most 8388608 bytes"]);
    // A real document just over the limit (padded with whitespace) is refused the same way.
    let padded = amparo.path("padded.json");
    let mut text = pretty(&base());
    text.push_str(&" ".repeat(8 * 1024 * 1024 + 1 - text.len()));
    std::fs::write(&padded, &text).unwrap();
    amparo.import(None, &[&good, &padded]).failure(2, &["padded.json", "at most 8388608 bytes"]);
    // Exactly at the limit is fine.
    text.truncate(8 * 1024 * 1024);
    std::fs::write(&padded, &text).unwrap();
    let at_limit = amparo.import(None, &[&padded]).success();
    assert!(at_limit.stdout.starts_with("imported 1 cases"), "{at_limit:#?}");
    assert_eq!(references(db, "clinic-a"), ["BAD-1"]);

    let missing = amparo.path("missing.json");
    amparo.import(None, &[&good, &missing]).failure(2, &["missing.json"]);
    let empty_dir = amparo.path("empty-dir");
    std::fs::create_dir(&empty_dir).unwrap();
    amparo.import(None, &[&empty_dir]).failure(2, &["no case files"]);
    assert_eq!(references(db, "clinic-a"), ["BAD-1"]);
}

fn bad_batches_are_refused_whole(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();

    // Two files with the same reference in one import: both are named.
    let first = amparo.write("first.json", &pretty(&simple_case("SAME-1")));
    let second = amparo.write("second.json", &pretty(&rich_case("SAME-1")));
    amparo
        .import(None, &[&first, &second])
        .failure(2, &["second.json", "case.reference", "SAME-1", "first.json"]);
    assert_eq!(references(db, "clinic-a"), Vec::<String>::new());

    // The third of three is bad: the first two are not written either, named one by one or as a folder.
    let batch = amparo.path("batch");
    std::fs::create_dir(&batch).unwrap();
    std::fs::write(batch.join("1.json"), pretty(&simple_case("BATCH-1"))).unwrap();
    std::fs::write(batch.join("2.json"), pretty(&rich_case("BATCH-2"))).unwrap();
    std::fs::write(
        batch.join("3.json"),
        pretty(&with(simple_case("BATCH-3"), "/events/1/on", json!("2026-02-30"))),
    )
    .unwrap();
    let (one, two, three) = (batch.join("1.json"), batch.join("2.json"), batch.join("3.json"));
    amparo.import(None, &[&one, &two, &three]).failure(2, &["3.json", "events[1].on", "2026-02-30"]);
    amparo.import(None, &[&batch]).failure(2, &["3.json", "events[1].on"]);
    assert_eq!(references(db, "clinic-a"), Vec::<String>::new(), "a refused batch wrote nothing");

    std::fs::write(&three, pretty(&simple_case("BATCH-3"))).unwrap();
    amparo.import(None, &[&batch]).success();
    assert_eq!(references(db, "clinic-a"), ["BATCH-1", "BATCH-2", "BATCH-3"]);
}

fn importing_a_taken_reference_is_a_conflict(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let taken = amparo.write("taken.json", &pretty(&simple_case("TAKEN-1")));
    amparo.import(None, &[&taken]).success();
    let before = amparo.run(&["export", "--case", "TAKEN-1"]).success().stdout;

    let new = amparo.write("new.json", &pretty(&bare_case("NEW-1")));
    let again = amparo.write("again.json", &pretty(&rich_case("TAKEN-1")));
    let out = amparo.import(None, &[&new, &again]).failure(3, &["TAKEN-1", "already exists"]);
    assert_eq!(out.stdout, "");
    assert_eq!(references(db, "clinic-a"), ["TAKEN-1"], "the new case in the refused batch was not written");
    assert_eq!(
        amparo.run(&["export", "--case", "TAKEN-1"]).success().stdout,
        before,
        "the stored case is untouched"
    );
}

fn migrate_is_idempotent_and_refuses_a_newer_schema(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    let first = amparo.run(&["migrate"]).success().stdout;
    let version: i64 = first.strip_prefix("schema at version ").unwrap().trim().parse().unwrap();
    assert!(version >= 2, "{first}");
    assert_eq!(amparo.run(&["migrate"]).success().stdout, first, "a second run changes nothing");
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();

    // A newer binary has migrated this database to a schema this one does not know.
    let insert =
        "INSERT INTO amparo_migrations (version, name, applied_at) VALUES (999, 'from_the_future', 0)";
    match db.sqlite_path() {
        Some(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            assert_eq!(conn.execute(insert, []).unwrap(), 1);
        }
        None => {
            let mut client = ::postgres::Client::connect(&db.url, ::postgres::NoTls).unwrap();
            assert_eq!(client.execute(insert, &[]).unwrap(), 1);
        }
    }
    for args in [&["migrate"][..], &["org", "list"], &["org", "add", "clinic-b", "--name", "B"]] {
        amparo.run(args).failure(1, &["version 999", "newer than this binary"]);
    }
    let slugs: Vec<String> = db.store().organisations().unwrap().into_iter().map(|o| o.slug).collect();
    assert_eq!(slugs, ["clinic-a"], "nothing was written to the newer database");
}

fn the_config_file_is_read_and_checked(db: &TestDatabase) {
    let amparo = Amparo::new(db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let url = toml::Value::String(db.url.clone()).to_string();
    let key_file = toml::Value::String(db.key_file().to_string_lossy().into_owned()).to_string();

    // The file's database_url and key_file are used when --database is not given.
    let good =
        amparo.write("good.toml", &format!("database_url = {url}\nkey_file = {key_file}\nlog = \"warn\"\n"));
    let out =
        run_raw(amparo.work.path(), &["--config", good.to_str().unwrap(), "org", "list"], None).success();
    assert_eq!(out.stdout, "clinic-a\tClinic A\n");
    assert!(!amparo.path("amparo.db").exists(), "the default database was not created");

    let bad = amparo.write("bad.toml", &format!("database_url = {url}\ndatabse_url = {url}\n"));
    let out = run_raw(amparo.work.path(), &["--config", bad.to_str().unwrap(), "org", "list"], None)
        .failure(2, &["bad.toml", "unknown field `databse_url`"]);
    assert_eq!(out.stdout, "");
    let out = run_raw(
        amparo.work.path(),
        &["org", "add", "clinic-b", "--name", "B", "--config", bad.to_str().unwrap()],
        None,
    );
    out.failure(2, &["databse_url"]);
    let missing = amparo.path("missing.toml");
    run_raw(amparo.work.path(), &["--config", missing.to_str().unwrap(), "org", "list"], None)
        .failure(2, &["missing.toml"]);
    let slugs: Vec<String> = db.store().organisations().unwrap().into_iter().map(|o| o.slug).collect();
    assert_eq!(slugs, ["clinic-a"]);
}

/// Two references that differ only in '/' versus '_' must both survive `export --dir`.
#[test]
fn export_dir_keeps_references_that_differ_only_in_slash_and_underscore() {
    let db = TestDatabase::sqlite();
    let amparo = Amparo::new(&db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let slash = amparo.write("slash.json", &pretty(&simple_case("A/1")));
    let underscore = amparo.write("underscore.json", &pretty(&bare_case("A_1")));
    amparo.import(None, &[&slash, &underscore]).success();
    let dir = amparo.path("out");
    amparo.run(&["export", "--dir", dir.to_str().unwrap()]).success();
    let mut exported: Vec<String> = read_dir_files(&dir)
        .values()
        .map(|bytes| {
            CaseFile::parse(std::str::from_utf8(bytes).unwrap()).unwrap().0.case.reference.as_str().to_owned()
        })
        .collect();
    exported.sort();
    assert_eq!(exported, ["A/1", "A_1"], "every case is exported");
}

/// The format is made of JSON objects; serde's positional form of a struct (an array of the field
/// values in declaration order) is not part of it and must be refused with the path of the array.
#[test]
fn case_files_written_as_arrays_are_refused() {
    let db = TestDatabase::sqlite();
    let amparo = Amparo::new(&db);
    amparo.run(&["org", "add", "clinic-a", "--name", "Clinic A"]).success();
    let person = json!(["p1", "patient", "Ana", "Ejemplo", null, null, null, null]);
    let positional =
        json!(["amparo.case/1", { "reference": "ARR-1", "program": "humanitarian", "people": [person] }, []]);
    let file = amparo.write("positional.json", &positional.to_string());
    amparo.import(None, &[&file]).failure(2, &["positional.json", "(document)", "invalid type"]);
    let person_only = with(bare_case("ARR-2"), "/case/people/0", person);
    let file = amparo.write("person.json", &person_only.to_string());
    amparo.import(None, &[&file]).failure(2, &["person.json", "case.people[0]", "invalid type"]);
    assert_eq!(references(&db, "clinic-a"), Vec::<String>::new());
}
