//! Finding 9 (file modes): exports of decrypted cases and the embedded database's own files are
//! readable by their owner only, and an export never writes through a link planted beside it.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use amparo_store::testing::TestDatabase;

use crate::support::{Run, run_env, run_on, stdout_of};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../amparo-domain/tests/data/examples-2027.1")
        .join(format!("{name}.json"))
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

/// One organisation with one example case in it; its reference.
fn one_case(db: &TestDatabase) -> String {
    stdout_of(&run_on(db, &["org", "add", "clinic-a", "--name", "Clinic A"]));
    let file = example("e1-regrant");
    stdout_of(&run_on(db, &["import", file.to_str().unwrap()]));
    let text = std::fs::read_to_string(&file).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["case"]["reference"].as_str().unwrap().to_owned()
}

amparo_store::on_both_backends!(
    finding_9_export_output_does_not_follow_a_planted_link,
    finding_9_exports_are_private_files,
);

/// Someone who can write to the export folder plants a link at the name the export used to write
/// through (`<name>.partial`) and at the target itself, pointing at a file of theirs. The export
/// writes neither through the link at the old temporary name nor through the one at the target:
/// the target link is replaced by the export, and the victim file keeps its content.
fn finding_9_export_output_does_not_follow_a_planted_link(db: &TestDatabase) {
    let reference = one_case(db);
    let folder = tempfile::tempdir().unwrap();
    let victim = folder.path().join("victim.txt");
    std::fs::write(&victim, "untouched").unwrap();
    let output = folder.path().join("case.json");
    std::os::unix::fs::symlink(&victim, folder.path().join("case.json.partial")).unwrap();

    let out =
        Run::new(&["export", "--case", &reference, "--output", output.to_str().unwrap()]).on(db).outcome();
    stdout_of(&out);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched", "the planted link was followed");
    assert!(std::fs::read_to_string(&output).unwrap().contains(&reference));
    assert!(!std::fs::symlink_metadata(&output).unwrap().file_type().is_symlink());

    // A link at the target itself is replaced, never written through.
    std::fs::remove_file(&output).unwrap();
    std::os::unix::fs::symlink(&victim, &output).unwrap();
    stdout_of(
        &Run::new(&["export", "--case", &reference, "--output", output.to_str().unwrap()]).on(db).outcome(),
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched", "the link at the target was followed");
    assert!(!std::fs::symlink_metadata(&output).unwrap().file_type().is_symlink());
    let leftovers: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".case.json."))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind: {leftovers:?}");
}

/// Exports hold decrypted A-numbers and diagnoses: each file is 0600 whatever the umask, and a folder
/// the export creates is 0700.
fn finding_9_exports_are_private_files(db: &TestDatabase) {
    let reference = one_case(db);
    let folder = tempfile::tempdir().unwrap();
    let output = folder.path().join("one.json");
    stdout_of(
        &Run::new(&["export", "--case", &reference, "--output", output.to_str().unwrap()]).on(db).outcome(),
    );
    assert_eq!(mode(&output), 0o600);

    let dir = folder.path().join("all");
    stdout_of(&run_on(db, &["export", "--dir", dir.to_str().unwrap()]));
    assert_eq!(mode(&dir), 0o700);
    let files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(!files.is_empty());
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

/// A new embedded database, its write-ahead log and shared-memory file, and its key file are
/// readable by their owner only; a database made world-readable before is narrowed when opened.
#[test]
fn finding_9_the_embedded_database_and_its_files_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.db");
    let database = db.to_str().unwrap();
    stdout_of(&run_env(&[], &["org", "add", "clinic", "--name", "Clinic", "--database", database]));
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&dir.path().join("clinic.db.key")), 0o600);

    // Hold the database open so that its write-ahead log and index stay on disk to be looked at.
    let reader = rusqlite::Connection::open(&db).unwrap();
    reader.execute_batch("BEGIN; SELECT count(*) FROM sqlite_master;").unwrap();
    stdout_of(&run_env(&[], &["org", "add", "second", "--name", "Second", "--database", database]));
    for suffix in ["-wal", "-shm"] {
        let file = dir.path().join(format!("clinic.db{suffix}"));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    drop(reader);

    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    stdout_of(&run_env(&[], &["org", "list", "--database", database]));
    assert_eq!(mode(&db), 0o600, "an older world-readable database is narrowed");
}
