//! Key files: created 0600, refused when too open or malformed, rotated with old keys kept.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;

use amparo_trust::cipher::{DecryptError, field_ad};
use amparo_trust::keyfile::{self, KeyFileError, KeyMaterial, KeySet};

fn chmod(path: &std::path::Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn write_new_creates_a_0600_file_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amparo.key");
    let written = keyfile::write_new(&path).unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let loaded = keyfile::load(&path).unwrap();
    assert_eq!(loaded.current().key_id(), written.current().key_id());
    assert!(loaded.older().is_empty());
    // No temporary file is left behind.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Amparo key file"));
    assert_eq!(text.lines().filter(|l| l.starts_with("amparo-key-v1 ")).count(), 1);
}

#[test]
fn write_new_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amparo.key");
    fs::write(&path, "precious").unwrap();
    let err = keyfile::write_new(&path).unwrap_err();
    assert!(matches!(err, KeyFileError::AlreadyExists { .. }), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "precious");
}

#[test]
fn load_refuses_group_or_world_access_and_says_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amparo.key");
    keyfile::write_new(&path).unwrap();
    for mode in [0o644, 0o640, 0o604, 0o660, 0o606, 0o777] {
        chmod(&path, mode);
        let err = keyfile::load(&path).unwrap_err();
        assert!(matches!(err, KeyFileError::TooOpen { mode: m, .. } if m == mode), "{mode:o}");
        let msg = err.to_string();
        assert!(msg.contains("chmod 600"), "{msg}");
        assert!(msg.contains(&format!("{mode:04o}")), "{msg}");
    }
    for mode in [0o600, 0o400] {
        chmod(&path, mode);
        keyfile::load(&path).unwrap();
    }
}

#[test]
fn load_refuses_a_directory_and_reports_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(keyfile::load(&dir.path().join("absent.key")), Err(KeyFileError::Io { .. })));
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    chmod(&sub, 0o700);
    assert!(matches!(keyfile::load(&sub), Err(KeyFileError::NotAFile { .. })));
}

#[test]
fn rotate_adds_a_current_key_and_keeps_the_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amparo.key");
    let first = keyfile::write_new(&path).unwrap();
    let ad = field_ad("org-demo", "persons", "a_number", "p1");
    let stored = first.keyring().encrypt_text("000000001", &ad).unwrap();
    let canary = first.keyring().canary().unwrap();

    let second = keyfile::rotate(&path).unwrap();
    let third = keyfile::rotate(&path).unwrap();
    assert_ne!(second.current().key_id(), first.current().key_id());
    let ids: Vec<_> = third.keys().map(KeyMaterial::key_id).collect();
    assert_eq!(ids, vec![third.current().key_id(), second.current().key_id(), first.current().key_id()]);

    let loaded = keyfile::load(&path).unwrap();
    let ring = loaded.keyring();
    assert_eq!(ring.current_key_id(), third.current().key_id());
    assert_eq!(ring.decrypt_text(&stored, &ad).unwrap(), "000000001");
    assert!(ring.needs_rotation_text(&stored));
    ring.check_canary(&canary).unwrap();

    // Comments stay at the top; the file stays 0600; no temp files remain.
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Amparo key file"));
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn rotate_refuses_an_open_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amparo.key");
    keyfile::write_new(&path).unwrap();
    chmod(&path, 0o644);
    assert!(matches!(keyfile::rotate(&path), Err(KeyFileError::TooOpen { .. })));
}

#[test]
fn a_different_key_file_fails_the_canary() {
    let a = KeySet::new(vec![keyfile::generate().unwrap()]).unwrap();
    let b = KeySet::new(vec![keyfile::generate().unwrap()]).unwrap();
    let canary = a.keyring().canary().unwrap();
    assert_eq!(
        b.keyring().check_canary(&canary),
        Err(DecryptError::WrongKey { key_id: a.current().key_id() })
    );
}

#[test]
fn derived_keys_are_distinct_and_deterministic() {
    let bytes = [42u8; 32];
    let a = KeyMaterial::from_bytes(&bytes).unwrap();
    let b = KeyMaterial::from_bytes(&bytes).unwrap();
    assert_eq!(a.key_id(), b.key_id());
    // Same derivation, same results: indexes and ciphertexts stay readable across restarts.
    assert_eq!(
        a.blind_index_key().index("a-number", "000000001"),
        b.blind_index_key().index("a-number", "000000001")
    );
    let ad = b"ad";
    let env = a.field_key().encrypt(b"x", ad).unwrap();
    assert_eq!(b.field_key().decrypt(&env, ad).unwrap(), b"x");
    // A key file line round-trips.
    let parsed = keyfile::parse(a.to_line().expose()).unwrap();
    assert_eq!(parsed.current().key_id(), a.key_id());
    let other = KeyMaterial::from_bytes(&[43u8; 32]).unwrap();
    assert_ne!(a.key_id(), other.key_id());
}

#[test]
fn parse_accepts_comments_and_blank_lines() {
    let k1 = KeyMaterial::from_bytes(&[1u8; 32]).unwrap();
    let k2 = KeyMaterial::from_bytes(&[2u8; 32]).unwrap();
    let text = format!(
        "# fictional test keys\n\n  {}  \n# older\n{}\n",
        k1.to_line().expose(),
        k2.to_line().expose()
    );
    let set = keyfile::parse(&text).unwrap();
    assert_eq!(set.current().key_id(), k1.key_id());
    assert_eq!(set.older().len(), 1);
    assert!(set.get(k2.key_id()).is_some());
}

#[test]
fn parse_errors_name_the_line_and_never_the_key() {
    let k = KeyMaterial::from_bytes(&[1u8; 32]).unwrap();
    let line = k.to_line().expose().clone();
    let secret_part = line.split_whitespace().nth(2).unwrap().to_owned();

    let cases: Vec<(String, &str)> = vec![
        (String::new(), "no key"),
        ("# only a comment\n".into(), "no key"),
        (format!("# c\n{line} extra"), "line 2"),
        (line.replace("amparo-key-v1", "amparo-key-v2"), "unknown key format version"),
        (line.replace("amparo-key-v1", "key"), "line 1"),
        (format!("amparo-key-v1 0011 {secret_part}"), "16 hexadecimal"),
        (format!("amparo-key-v1 {} AAAA", k.key_id()), "not 32 bytes"),
        (format!("amparo-key-v1 {} not*base64", k.key_id()), "not base64"),
        (format!("amparo-key-v1 0000000000000000 {secret_part}"), "does not match"),
        (format!("{line}\n{line}"), "more than once"),
    ];
    for (text, expected) in cases {
        let err = keyfile::parse(&text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(expected), "{msg:?} should contain {expected:?}");
        assert!(!msg.contains(&secret_part), "{msg} leaks the key");
        assert!(!format!("{err:?}").contains(&secret_part), "debug leaks the key");
    }
}

#[test]
fn load_from_env_accepts_one_line_or_semicolons() {
    let k1 = KeyMaterial::from_bytes(&[1u8; 32]).unwrap();
    let k2 = KeyMaterial::from_bytes(&[2u8; 32]).unwrap();
    let one = keyfile::load_from_env(k1.to_line().expose()).unwrap();
    assert_eq!(one.current().key_id(), k1.key_id());
    let two =
        keyfile::load_from_env(&format!("{};{}", k1.to_line().expose(), k2.to_line().expose())).unwrap();
    assert_eq!(two.keys().count(), 2);
    assert!(keyfile::load_from_env("").is_err());
}

#[test]
fn file_text_round_trips_and_debug_hides_keys() {
    let set = KeySet::new(vec![
        KeyMaterial::from_bytes(&[5u8; 32]).unwrap(),
        KeyMaterial::from_bytes(&[6u8; 32]).unwrap(),
    ])
    .unwrap();
    let text = set.to_file_text();
    let again = keyfile::parse(text.expose()).unwrap();
    assert_eq!(
        again.keys().map(KeyMaterial::key_id).collect::<Vec<_>>(),
        set.keys().map(KeyMaterial::key_id).collect::<Vec<_>>()
    );
    let secret_part = set.current().to_line().expose().split_whitespace().nth(2).unwrap().to_owned();
    for shown in [format!("{set:?}"), format!("{:?}", set.current()), format!("{text:?}"), format!("{text}")]
    {
        assert!(!shown.contains(&secret_part), "{shown}");
    }
}
