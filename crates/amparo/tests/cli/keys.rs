//! Encryption keys through the real binary: where the key of an embedded database lives, PostgreSQL
//! refusing to start without one, a wrong key refused with a clear message, `amparo key generate`
//! and `amparo key rotate` with everything still readable afterwards.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use amparo_store::testing::TestDatabase;

use crate::support::{run_env, run_on, stderr_of_failure, stdout_of};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../amparo-domain/tests/data/examples-2027.1")
        .join(format!("{name}.json"))
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn an_embedded_database_gets_its_key_file_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.db");
    let database = db.to_str().unwrap();
    stdout_of(&run_env(&[], &["org", "add", "clinic", "--name", "Clinic", "--database", database]));
    let key = dir.path().join("clinic.db.key");
    assert!(key.exists(), "the key file is created beside the database");
    assert_eq!(mode(&key), 0o600);
    // Every later command pointed at the database finds it.
    let list = stdout_of(&run_env(&[], &["org", "list", "--database", database]));
    assert!(list.starts_with("clinic\t"), "{list}");

    // Another key for the same database is refused, naming the key it needs; the file is untouched.
    let other = dir.path().join("other.key");
    stdout_of(&run_env(&[], &["key", "generate", "--out", other.to_str().unwrap()]));
    let before = std::fs::read(&db).unwrap();
    let refused = run_env(
        &[("AMPARO_KEY_FILE", other.to_string_lossy().into_owned())],
        &["org", "add", "second", "--name", "Second", "--database", database],
    );
    let message = stderr_of_failure(&refused);
    assert!(message.contains("the configured key does not match this database"), "{message}");
    assert!(message.contains("AMPARO_KEY_FILE"), "{message}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing was written with the wrong key");

    // A lost key file is not silently replaced by a new key that cannot read the data.
    std::fs::remove_file(&key).unwrap();
    let lost = stderr_of_failure(&run_env(&[], &["org", "list", "--database", database]));
    assert!(lost.contains("does not match this database"), "{lost}");
    assert!(!key.exists(), "the useless new key file was removed again");
}

#[test]
fn key_generate_writes_a_private_file_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amparo.key");
    let out = stdout_of(&run_env(&[], &["key", "generate", "--out", path.to_str().unwrap()]));
    assert!(out.contains("wrote key file"), "{out}");
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !out.contains(text.lines().find(|l| l.starts_with("amparo-key-v1")).unwrap()),
        "the key is not printed"
    );
    let again = stderr_of_failure(&run_env(&[], &["key", "generate", "--out", path.to_str().unwrap()]));
    assert!(again.contains("already exists"), "{again}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let nowhere = stderr_of_failure(&run_env(&[], &["key", "generate"]));
    assert!(nowhere.contains("--out"), "{nowhere}");
}

#[test]
fn key_generate_if_missing_makes_the_key_once_and_then_keeps_it() {
    // The service's first-start step: the key file named by the configuration, made on the first
    // start and kept on every later one.
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    let path = keys.join("amparo.key");
    let config = dir.path().join("amparo.toml");
    std::fs::write(&config, format!("key_file = {:?}\n", path.to_str().unwrap())).unwrap();
    let first_start = ["--config", config.to_str().unwrap(), "key", "generate", "--if-missing"];

    let made = stdout_of(&run_env(&[], &first_start));
    assert!(made.contains("wrote key file"), "{made}");
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();

    let kept = stdout_of(&run_env(&[], &first_start));
    assert!(kept.contains("is already there"), "{kept}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "the key file is left as it was");

    // A key file others may read is not kept quietly: the start fails, saying how to fix it.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open = stderr_of_failure(&run_env(&[], &first_start));
    assert!(open.contains("chmod 600"), "{open}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    // Nor is a file that holds no key.
    let junk = keys.join("junk.key");
    std::fs::write(&junk, "not a key\n").unwrap();
    std::fs::set_permissions(&junk, std::fs::Permissions::from_mode(0o600)).unwrap();
    let bad = stderr_of_failure(&run_env(
        &[],
        &["key", "generate", "--if-missing", "--out", junk.to_str().unwrap()],
    ));
    assert!(bad.contains("junk.key: key line 1"), "{bad}");
}

#[test]
fn postgres_requires_a_configured_key() {
    let Some(db) = TestDatabase::postgres() else { return };
    let refused = run_env(&[], &["org", "list", "--database", &db.url]);
    let message = stderr_of_failure(&refused);
    assert!(message.contains("PostgreSQL needs a configured key"), "{message}");
    assert!(message.contains("amparo key generate"), "{message}");
}

amparo_store::on_both_backends!(rotation_reencrypts_and_keeps_everything_readable);

fn rotation_reencrypts_and_keeps_everything_readable(db: &TestDatabase) {
    stdout_of(&run_on(db, &["org", "add", "clinic", "--name", "Clinic"]));
    let files: Vec<String> =
        ["e1-regrant", "e2-rfe-mail"].iter().map(|n| example(n).to_string_lossy().into_owned()).collect();
    let mut import = vec!["import"];
    import.extend(files.iter().map(String::as_str));
    stdout_of(&run_on(db, &import));
    let export = |name: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(name);
        stdout_of(&run_on(db, &["export", "--dir", out.to_str().unwrap()]));
        let mut files: Vec<(String, String)> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let before = export("before");
    let old_key = amparo_trust::keyfile::load(db.key_file()).unwrap().current().key_id();

    let out = stdout_of(&run_on(db, &["key", "rotate"]));
    assert!(out.contains("pass 1: re-encrypted"), "{out}");
    assert!(out.contains("pass 2: re-encrypted 0 values"), "{out}");
    let keys = amparo_trust::keyfile::load(db.key_file()).unwrap();
    assert_eq!(keys.keys().count(), 2, "the old key stays to read old backups");
    assert_eq!(keys.older()[0].key_id(), old_key);
    assert_ne!(keys.current().key_id(), old_key);
    assert_eq!(mode(db.key_file()), 0o600);

    assert_eq!(export("after"), before, "every case reads back the same");
    let audit: serde_json::Value =
        serde_json::from_str(&stdout_of(&run_on(db, &["audit", "list", "--installation", "--json"])))
            .unwrap();
    let rotated = audit.as_array().unwrap().iter().find(|e| e["action"] == "key.rotated").expect("recorded");
    assert_eq!(rotated["target"], keys.current().key_id().to_string());
    stdout_of(&run_on(db, &["audit", "verify"]));
}
